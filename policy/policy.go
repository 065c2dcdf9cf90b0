package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Type is the kind of a policy, which decides the elements it may hold and
// the part it plays in evaluation.
type Type uint8

// The policy types of AWS's evaluation logic.
const (
	IdentityBased         Type = iota + 1 // attached to a user, group or role
	ResourceBased                         // a bucket policy
	PermissionsBoundary                   // the boundary of a user or role
	SessionPolicy                         // passed when a session is created
	ServiceControlPolicy                  // SCP of AWS Organizations
	ResourceControlPolicy                 // RCP of AWS Organizations
	// AccessControlList is an S3 ACL written as a resource-based policy
	// (see package policy/access, which builds them from ACL grants).
	AccessControlList
	// TrustPolicy is a role's trust policy: it names who may assume the
	// role, and has no Resource (the role is the resource).
	TrustPolicy
	// BlockPublicAccess is never parsed: it is the Type of a Result that
	// an S3 Block Public Access setting decided.
	BlockPublicAccess
	// VPCEndpointPolicy is the policy of the VPC endpoint a request came
	// through: a resource-based policy on the endpoint, with a Principal,
	// that must allow the request too (AWS PrivateLink Guide, "Control
	// access to VPC endpoints using endpoint policies").
	VPCEndpointPolicy
)

// String returns the name S3's AccessDenied messages use for the type, such
// as "identity-based policy".
func (t Type) String() string {
	switch t {
	case IdentityBased:
		return "identity-based policy"
	case ResourceBased:
		return "resource-based policy"
	case PermissionsBoundary:
		return "permissions boundary"
	case SessionPolicy:
		return "session policy"
	case ServiceControlPolicy:
		return "service control policy"
	case ResourceControlPolicy:
		return "resource control policy"
	case AccessControlList:
		return "access control list"
	case TrustPolicy:
		return "role trust policy"
	case BlockPublicAccess:
		return "Block Public Access setting"
	case VPCEndpointPolicy:
		return "VPC endpoint policy"
	}
	return fmt.Sprintf("policy type %d", uint8(t))
}

// hasPrincipal reports whether statements of this type carry a Principal.
func (t Type) hasPrincipal() bool {
	return t == ResourceBased || t == ResourceControlPolicy || t == AccessControlList || t == TrustPolicy || t == VPCEndpointPolicy
}

// Effect is a statement's Effect.
type Effect uint8

// The two effects.
const (
	Allow Effect = iota + 1
	Deny
)

func (e Effect) String() string {
	switch e {
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return "Effect(?)"
}

// Policy versions. A policy without Version is read as Version2008, as AWS does.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// A Policy is a parsed and compiled policy document. It is immutable and
// safe for concurrent use.
type Policy struct {
	Name       string // as given to Parse, for errors and explanations
	Type       Type
	Version    string // as written; empty when the document has none
	ID         string // the Id element
	Statements []Statement
}

// A Statement is one statement of a policy, as written, with its compiled
// form kept alongside.
type Statement struct {
	Index  int    // position in the policy's Statement list
	Sid    string // may be empty
	Effect Effect

	// Principal is the Principal or NotPrincipal element; nil when absent.
	Principal *Principals

	// Action holds Action, or NotAction when NotAction is true.
	Action    []string
	NotAction bool

	// Resource holds Resource, or NotResource when NotResource is true.
	Resource    []string
	NotResource bool

	Conditions []Condition

	actions   []pattern
	resources []pattern
	anyAction bool // Action "*" (or NotAction "*")
	anyRes    bool // Resource "*" (or NotResource "*")
}

// Principals is a Principal or NotPrincipal element.
type Principals struct {
	Not bool // NotPrincipal

	// Any is true for "*" and for {"AWS": "*"}.
	Any           bool
	AWS           []string // account IDs and ARNs, as written
	Service       []string
	Federated     []string
	CanonicalUser []string

	aws []awsPrincipal
}

// Parse parses and compiles a policy document of the given type. name is
// used in errors and explanations, e.g. "bucket policy of media".
//
// Parse accepts every form the IAM policy grammar allows and rejects, with a
// *SyntaxError naming the statement and element, what AWS would refuse.
func Parse(name string, typ Type, doc []byte) (*Policy, error) {
	if typ < IdentityBased || typ > VPCEndpointPolicy || typ == BlockPublicAccess {
		return nil, fmt.Errorf("policy.Parse: unknown policy type %d", typ)
	}
	p := &Policy{Name: name, Type: typ}
	perr := func(element string, err error) error {
		return &SyntaxError{Policy: name, Statement: -1, Element: element, Err: err}
	}
	var top map[string]json.RawMessage
	if err := decodeStrict(doc, &top); err != nil {
		return nil, perr("", fmt.Errorf("not a JSON object: %w", err))
	}
	if top == nil {
		return nil, perr("", errors.New("not a JSON object"))
	}
	for k := range top {
		switch k {
		case "Version", "Id", "Statement":
		default:
			return nil, perr(k, errors.New("unknown element"))
		}
	}
	if raw, ok := top["Version"]; ok {
		if err := json.Unmarshal(raw, &p.Version); err != nil {
			return nil, perr("Version", errors.New("must be a string"))
		}
		if p.Version != Version2012 && p.Version != Version2008 {
			return nil, perr("Version", fmt.Errorf("unsupported version %q (want %q or %q)", p.Version, Version2012, Version2008))
		}
	}
	if raw, ok := top["Id"]; ok {
		if err := json.Unmarshal(raw, &p.ID); err != nil {
			return nil, perr("Id", errors.New("must be a string"))
		}
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, perr("Statement", errors.New("missing"))
	}
	var stmts []json.RawMessage
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		stmts = []json.RawMessage{raw}
	} else if err := json.Unmarshal(raw, &stmts); err != nil || stmts == nil {
		return nil, perr("Statement", errors.New("must be an object or an array of objects"))
	}
	if len(stmts) == 0 {
		return nil, perr("Statement", errors.New("has no statements"))
	}
	vars := p.Version == Version2012
	p.Statements = make([]Statement, len(stmts))
	for i, raw := range stmts {
		s := &p.Statements[i]
		s.Index = i
		if err := s.parse(raw, typ, vars); err != nil {
			var se *SyntaxError
			if errors.As(err, &se) {
				se.Policy, se.Statement, se.Sid = name, i, s.Sid
				return nil, se
			}
			return nil, &SyntaxError{Policy: name, Statement: i, Sid: s.Sid, Err: err}
		}
	}
	return p, nil
}

// MustParse is like Parse but panics on error. It is meant for policies
// written in the program itself, such as in tests and examples.
func MustParse(name string, typ Type, doc string) *Policy {
	p, err := Parse(name, typ, []byte(doc))
	if err != nil {
		panic(err)
	}
	return p
}

func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err == nil {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

func elemErr(element string, err error) error {
	return &SyntaxError{Element: element, Err: err}
}

func (s *Statement) parse(raw json.RawMessage, typ Type, vars bool) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return errors.New("statement must be a JSON object")
	}
	if v, ok := m["Sid"]; ok {
		if err := json.Unmarshal(v, &s.Sid); err != nil {
			return elemErr("Sid", errors.New("must be a string"))
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
			"Resource", "NotResource", "Condition":
		default:
			return elemErr(k, errors.New("unknown element"))
		}
	}

	// Effect
	v, ok := m["Effect"]
	if !ok {
		return elemErr("Effect", errors.New("missing"))
	}
	var eff string
	if err := json.Unmarshal(v, &eff); err != nil {
		return elemErr("Effect", errors.New("must be a string"))
	}
	switch eff {
	case "Allow":
		s.Effect = Allow
	case "Deny":
		s.Effect = Deny
	default:
		return elemErr("Effect", fmt.Errorf("unknown effect %q (want \"Allow\" or \"Deny\")", eff))
	}

	// Principal / NotPrincipal
	pr, hasP := m["Principal"]
	npr, hasNP := m["NotPrincipal"]
	switch {
	case hasP && hasNP:
		return elemErr("Principal", errors.New("a statement cannot have both Principal and NotPrincipal"))
	case !typ.hasPrincipal() && (hasP || hasNP):
		el := "Principal"
		if hasNP {
			el = "NotPrincipal"
		}
		return elemErr(el, fmt.Errorf("not allowed in a %s", typ))
	case typ.hasPrincipal() && !hasP && !hasNP:
		return elemErr("Principal", fmt.Errorf("missing: every statement of a %s needs Principal or NotPrincipal", typ))
	case hasP:
		ps, err := parsePrincipals(pr, false)
		if err != nil {
			return elemErr("Principal", err)
		}
		s.Principal = ps
	case hasNP && s.Effect == Allow:
		return elemErr("NotPrincipal", errors.New(`NotPrincipal is supported only with "Effect": "Deny"`))
	case hasNP:
		ps, err := parsePrincipals(npr, true)
		if err != nil {
			return elemErr("NotPrincipal", err)
		}
		s.Principal = ps
	}
	if typ == ResourceControlPolicy && s.Principal != nil && (s.Principal.Not || !s.Principal.Any) {
		return elemErr("Principal", errors.New(`a resource control policy supports only "Principal": "*"`))
	}

	// Action / NotAction
	name, list, err := exclusive(m, "Action", "NotAction")
	if err != nil {
		return err
	}
	s.NotAction = name == "NotAction"
	s.Action = list
	for _, a := range list {
		if err := validAction(a); err != nil {
			return elemErr(name, err)
		}
		if a == "*" {
			s.anyAction = true
		}
		// Action names are case-insensitive: compiled lower-case, matched
		// against the request's lower-cased action.
		p, err := compilePattern(strings.ToLower(a), true, false, false)
		if err != nil {
			return elemErr(name, err)
		}
		s.actions = append(s.actions, p)
	}

	// Resource / NotResource; a trust policy has neither.
	if err := s.parseResources(m, typ, vars); err != nil {
		return err
	}

	// Condition
	if v, ok := m["Condition"]; ok {
		conds, err := parseConditions(v, vars)
		if err != nil {
			return err
		}
		s.Conditions = conds
	}
	return nil
}

func (s *Statement) parseResources(m map[string]json.RawMessage, typ Type, vars bool) error {
	if typ == TrustPolicy {
		for _, el := range []string{"Resource", "NotResource"} {
			if _, ok := m[el]; ok {
				return elemErr(el, errors.New("not allowed in a role trust policy"))
			}
		}
		s.anyRes = true
		return nil
	}
	name, list, err := exclusive(m, "Resource", "NotResource")
	if err != nil {
		return err
	}
	s.NotResource = name == "NotResource"
	s.Resource = list
	for _, r := range list {
		if r == "*" {
			s.anyRes = true
		} else if !strings.HasPrefix(r, "arn:") || strings.Count(r, ":") < 5 && !strings.HasSuffix(r, "*") {
			return elemErr(name, fmt.Errorf("%q is not \"*\" or an ARN", r))
		}
		p, err := compilePattern(r, true, vars, true)
		if err != nil {
			return elemErr(name, err)
		}
		s.resources = append(s.resources, p)
	}
	return nil
}

// exclusive reads the one of two mutually exclusive elements that is
// present, such as Action and NotAction, as a list of strings.
func exclusive(m map[string]json.RawMessage, a, b string) (string, []string, error) {
	va, hasA := m[a]
	vb, hasB := m[b]
	switch {
	case hasA && hasB:
		return "", nil, elemErr(a, fmt.Errorf("a statement cannot have both %s and %s", a, b))
	case !hasA && !hasB:
		return "", nil, elemErr(a, fmt.Errorf("missing: a statement needs %s or %s", a, b))
	case hasB:
		a, va = b, vb
	}
	list, err := stringOrList(va)
	if err != nil {
		return "", nil, elemErr(a, err)
	}
	if len(list) == 0 {
		return "", nil, elemErr(a, errors.New("must not be empty"))
	}
	return a, list, nil
}

// stringOrList decodes a JSON string or array of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, errors.New("must be a string or an array of strings")
	}
	return list, nil
}

// validAction checks the form service:action (or "*").
func validAction(a string) error {
	if a == "*" {
		return nil
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" {
		return fmt.Errorf("%q is not of the form service:action", a)
	}
	for i := 0; i < len(svc); i++ {
		c := svc[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '*' || c == '?') {
			return fmt.Errorf("%q: invalid service prefix", a)
		}
	}
	return nil
}

// MatchesAction reports whether the statement's Action or NotAction
// element applies to action (a name such as "s3:GetObject",
// case-insensitive).
func (s *Statement) MatchesAction(action string) bool {
	return s.matchAction(action, true)
}

// matchAction matches action, which must be lower-case unless fold is set.
func (s *Statement) matchAction(action string, fold bool) bool {
	m := s.anyAction
	if !m {
		for i := range s.actions {
			if s.actions[i].match(action, fold, nil) {
				m = true
				break
			}
		}
	}
	return m != s.NotAction
}

// MatchesResource reports whether the statement's Resource or NotResource
// element applies to r.Resource, with r resolving policy variables. Tools
// that reason about policies use it, with MatchesAction,
// [Condition.Matches] and [Principals.Matches], to agree with the engine:
// a statement applies to a request exactly when all four do.
func (s *Statement) MatchesResource(r *Request) bool {
	return s.matchesResource(r)
}

// Matches reports whether the condition holds for r, as evaluation
// decides it.
func (c *Condition) Matches(r *Request) bool {
	return c.eval(r)
}

// Matches reports whether a Principal element names p, or whether a
// NotPrincipal element leaves p in, for a caller without a permissions
// boundary (a NotPrincipal never leaves out a caller with one).
func (ps *Principals) Matches(p *Principal) bool {
	if ps.Not {
		return !ps.excludes(p)
	}
	return ps.match(p) != grantNone
}
