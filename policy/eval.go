package policy

import (
	"strconv"
	"strings"
)

// Decision is the answer to a request.
type Decision uint8

// The three answers of AWS's evaluation logic. The zero value is
// ImplicitDeny: nothing allowed it.
const (
	ImplicitDeny Decision = iota
	Allowed
	ExplicitDeny
)

func (d Decision) String() string {
	switch d {
	case ImplicitDeny:
		return "ImplicitDeny"
	case Allowed:
		return "Allowed"
	case ExplicitDeny:
		return "ExplicitDeny"
	}
	return "Decision(" + strconv.Itoa(int(d)) + ")"
}

// A Set is every policy that AWS evaluates for a request: the caller's
// identity-based policies, the resource's policy, the caller's permissions
// boundary and session policy, and the SCPs and RCPs of the organization.
// Nil and empty fields are absent. A Set is read-only during evaluation and
// safe for concurrent use.
type Set struct {
	Identity []*Policy // the caller's identity-based policies, inline and managed
	Resource *Policy   // the bucket policy
	// ResourceDeniesOnly makes only the Deny statements of Resource apply,
	// as S3 does for an object that another account owns (its bucket
	// owner can deny, not grant) and under RestrictPublicBuckets.
	ResourceDeniesOnly bool
	// ACLs are S3 access control lists, as policies of type
	// AccessControlList, evaluated beside Resource on the resource's side.
	ACLs     []*Policy
	Boundary *Policy // the caller's permissions boundary
	Session  *Policy // the session policy

	// SCPs is the SCP chain of the caller's account: one slice per level of
	// the organization, root first. Every level must allow. Empty when the
	// account is not in an organization.
	SCPs [][]*Policy
	// RCPs is the RCP chain of the resource's account, in the same shape.
	// RCPFullAWSAccess is attached at every level and cannot be removed, so
	// an RCP can only deny.
	RCPs [][]*Policy
	// Endpoint is the policy of the VPC endpoint the request came through,
	// which must allow it too: "An endpoint policy does not override or
	// replace identity-based policies or resource-based policies" (AWS
	// PrivateLink Guide, "Control access to VPC endpoints using endpoint
	// policies"). Nil for a request that came through none, or through
	// one with the default policy, which allows everything.
	Endpoint *Policy
}

// A Result is a decision and what decided it.
type Result struct {
	Decision Decision
	// Type is the policy type that decided: for an explicit deny, the type
	// holding the deny; for an implicit deny, the type whose missing allow
	// denied; for Allowed, the type of the granting statement.
	Type Type
	// Policy and Statement locate the deciding statement; nil and -1 for
	// an implicit deny, which no statement decides.
	Policy    *Policy
	Statement int
}

// Reason explains the result in the words S3's AccessDenied messages use,
// such as "because no identity-based policy allows the s3:GetObject action"
// or "with an explicit deny in a resource-based policy".
func (res Result) Reason(action string) string {
	switch res.Decision {
	case ExplicitDeny:
		return "with an explicit deny in " + article(res.Type.String()) + " " + res.Type.String()
	case ImplicitDeny:
		return "because no " + res.Type.String() + " allows the " + action + " action"
	}
	if res.Policy == nil {
		return "allowed"
	}
	return "allowed by " + res.Policy.describe(res.Statement)
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an"
	}
	return "a"
}

func (p *Policy) describe(i int) string {
	s := "statement " + strconv.Itoa(i)
	if i >= 0 && i < len(p.Statements) && p.Statements[i].Sid != "" {
		s += " (Sid " + strconv.Quote(p.Statements[i].Sid) + ")"
	}
	s += " of " + p.Type.String()
	if p.Name != "" {
		s += " " + strconv.Quote(p.Name)
	}
	return s
}

// Message is the AccessDenied message S3 returns for a denied request, as
// in the S3 User Guide's "Access denied message examples"; for an allowed
// request it says what allowed it.
func (res Result) Message(r *Request) string {
	who := r.Principal.ARN
	if r.Principal.Kind == Anonymous {
		who = "anonymous"
	}
	if res.Decision == Allowed {
		return "User: " + who + " is authorized to perform: " + r.Action + " on resource: \"" + r.Resource + "\": " + res.Reason(r.Action)
	}
	return "User: " + who + " is not authorized to perform: " + r.Action + " on resource: \"" + r.Resource + "\" " + res.Reason(r.Action)
}

// A Match is a statement that applied to a request.
type Match struct {
	Type      Type
	Policy    *Policy
	Statement int
	Effect    Effect
}

func (m Match) String() string {
	return m.Effect.String() + " by " + m.Policy.describe(m.Statement)
}

// An Explanation is a Result with every statement that applied to the
// request, in evaluation order.
type Explanation struct {
	Result
	Matches []Match
}

// Evaluate answers r against the set, following the IAM User Guide's
// "Policy evaluation logic". It allocates nothing.
func (s *Set) Evaluate(r *Request) Result {
	return s.evaluate(r, nil)
}

// Explain is Evaluate, with every statement that applied.
func (s *Set) Explain(r *Request) Explanation {
	var tr trace
	res := s.evaluate(r, &tr)
	return Explanation{Result: res, Matches: tr.matches}
}

type trace struct {
	matches []Match
}

// outcome is what one policy says about a request.
type outcome struct {
	deny  int   // first matching Deny statement, or -1
	allow int   // the matching Allow statement with the strongest grant, or -1
	grant grant // for principal-bearing policies: how the allow names the caller
}

// eval evaluates one policy. A statement applies when its action,
// resource, principal and every condition match.
func (p *Policy) eval(r *Request, boundary bool, tr *trace) outcome {
	o := outcome{deny: -1, allow: -1}
	for i := range p.Statements {
		st := &p.Statements[i]
		g, ok := st.applies(r, boundary)
		if !ok {
			continue
		}
		if tr != nil {
			tr.matches = append(tr.matches, Match{Type: p.Type, Policy: p, Statement: i, Effect: st.Effect})
		}
		if st.Effect == Deny {
			if o.deny < 0 {
				o.deny = i
				if tr == nil {
					return o
				}
			}
		} else if o.allow < 0 || g > o.grant {
			o.allow, o.grant = i, g
		}
	}
	return o
}

// applies reports whether the statement applies to r and, for a Principal
// element, how it names the caller. boundary says the caller has a
// permissions boundary.
func (st *Statement) applies(r *Request, boundary bool) (grant, bool) {
	action, lower := r.action()
	if !st.matchAction(action, !lower) || !st.matchesResource(r) {
		return grantNone, false
	}
	g := grantExact
	if ps := st.Principal; ps != nil {
		if ps.Not {
			// "NotPrincipal ... will always deny any IAM principal that has
			// a permissions boundary policy attached" (IAM User Guide,
			// NotPrincipal).
			iam := r.Principal.Kind == User || r.Principal.Kind == AssumedRole || r.Principal.Kind == FederatedUser
			if ps.excludes(&r.Principal) && !(boundary && iam) {
				return grantNone, false
			}
			g = grantAny
		} else if g = ps.match(&r.Principal); g == grantNone {
			return grantNone, false
		}
	}
	for i := range st.Conditions {
		if !st.Conditions[i].eval(r) {
			return grantNone, false
		}
	}
	return g, true
}

func (st *Statement) matchesResource(r *Request) bool {
	m := st.anyRes
	if !m {
		for i := range st.resources {
			if st.resources[i].match(r.Resource, false, r) {
				m = true
				break
			}
		}
	}
	return m != st.NotResource
}

func (s *Set) evaluate(r *Request, tr *trace) Result {
	p := &r.Principal
	iam := p.Kind == User || p.Kind == AssumedRole || p.Kind == FederatedUser
	// SCPs apply to the IAM users, roles and root users of member accounts,
	// not to anonymous callers or service principals (AWS Organizations
	// User Guide, "SCP effects on permissions").
	scps := len(s.SCPs) > 0 && p.Kind != Anonymous && p.Kind != Service
	boundary := iam && s.Boundary != nil
	session := iam && s.Session != nil

	var (
		res      = outcome{deny: -1, allow: -1}
		idAllow  = -1
		idPolicy *Policy
		bnd, ses = outcome{deny: -1, allow: -1}, outcome{deny: -1, allow: -1}
		deny     Result
	)
	deny.Statement = -1
	denied := func(t Type, pol *Policy, o outcome) {
		if o.deny >= 0 && deny.Decision != ExplicitDeny {
			deny = Result{Decision: ExplicitDeny, Type: t, Policy: pol, Statement: o.deny}
		}
	}

	// 1. An explicit deny in any policy wins.
	scpOK := true
	if scps {
		for _, level := range s.SCPs {
			levelOK := false
			for _, pol := range level {
				o := pol.eval(r, boundary, tr)
				denied(ServiceControlPolicy, pol, o)
				levelOK = levelOK || o.allow >= 0
			}
			scpOK = scpOK && levelOK
		}
	}
	if deny.Decision == ExplicitDeny && tr == nil {
		return deny
	}
	for _, level := range s.RCPs {
		for _, pol := range level {
			denied(ResourceControlPolicy, pol, pol.eval(r, boundary, tr))
		}
	}
	if deny.Decision == ExplicitDeny && tr == nil {
		return deny
	}
	endpoint := outcome{deny: -1, allow: -1}
	if s.Endpoint != nil {
		endpoint = s.Endpoint.eval(r, boundary, tr)
		denied(VPCEndpointPolicy, s.Endpoint, endpoint)
		if deny.Decision == ExplicitDeny && tr == nil {
			return deny
		}
	}
	resPolicy := s.Resource
	if s.Resource != nil {
		res = s.Resource.eval(r, boundary, tr)
		denied(ResourceBased, s.Resource, res)
		if s.ResourceDeniesOnly {
			res.allow, res.grant = -1, grantNone
		}
	}
	for _, acl := range s.ACLs {
		// ACLs only grant; the strongest grant of the resource's side wins.
		if o := acl.eval(r, boundary, tr); o.allow >= 0 && (res.allow < 0 || o.grant > res.grant) {
			res.allow, res.grant, resPolicy = o.allow, o.grant, acl
		}
	}
	if iam {
		for _, pol := range s.Identity {
			o := pol.eval(r, boundary, tr)
			denied(IdentityBased, pol, o)
			if o.allow >= 0 && idAllow < 0 {
				idAllow, idPolicy = o.allow, pol
			}
		}
	}
	if boundary {
		bnd = s.Boundary.eval(r, boundary, tr)
		denied(PermissionsBoundary, s.Boundary, bnd)
	}
	if session {
		ses = s.Session.eval(r, boundary, tr)
		denied(SessionPolicy, s.Session, ses)
	}
	if deny.Decision == ExplicitDeny {
		return deny
	}

	// 2. Every SCP level must allow. RCPs cannot deny implicitly. The
	// endpoint's policy, if any, must allow.
	if !scpOK {
		return implicit(ServiceControlPolicy)
	}
	if s.Endpoint != nil && endpoint.allow < 0 {
		return implicit(VPCEndpointPolicy)
	}

	// 3. Identity, resource, boundary and session policies.
	bndOK := !boundary || bnd.allow >= 0
	// A federated user's session has no permissions beyond the session
	// policy passed to GetFederationToken: without one, it has none
	// (IAM User Guide, "Session policies").
	sesOK := session && ses.allow >= 0 || !session && p.Kind != FederatedUser
	byResource := Result{Decision: Allowed, Type: ResourceBased, Policy: resPolicy, Statement: res.allow}
	if resPolicy != nil {
		byResource.Type = resPolicy.Type
	}
	switch {
	case p.Kind == Anonymous || p.Kind == Service:
		// No identity policies: only the resource policy can allow, and
		// only by naming the caller or everyone.
		if res.allow >= 0 && res.grant >= grantAny {
			return byResource
		}
		return implicit(ResourceBased)
	case !r.SameAccount():
		// Cross account: the caller's side and the resource's side must
		// both allow (IAM User Guide, "Cross-account policy evaluation
		// logic"). Naming the caller's account is enough on the resource side.
		switch {
		case p.Kind != Root && idAllow < 0:
			return implicit(IdentityBased)
		case !bndOK:
			return implicit(PermissionsBoundary)
		case !sesOK:
			return implicit(SessionPolicy)
		case res.allow < 0:
			return implicit(ResourceBased)
		}
		if p.Kind == Root {
			return byResource
		}
		return Result{Decision: Allowed, Type: IdentityBased, Policy: idPolicy, Statement: idAllow}
	}
	// Same account (IAM User Guide, "Policy evaluation logic" and "How AWS
	// enforcement code logic evaluates requests"): a resource-based policy
	// that names the user or session directly, or everyone, is limited by
	// no implicit deny; one that names the role is limited by the
	// boundary and the session policy; one that names the account
	// delegates to the identity-based policies.
	if res.allow >= 0 {
		switch res.grant {
		case grantExact, grantAny:
			return byResource
		case grantRole:
			switch {
			case !bndOK:
				return implicit(PermissionsBoundary)
			case !sesOK:
				return implicit(SessionPolicy)
			}
			return byResource
		}
	}
	switch {
	case p.Kind == Root:
		// The root user is allowed everything in its own account that no
		// policy denies; it has no identity-based policies.
		return Result{Decision: Allowed, Statement: -1}
	case idAllow < 0:
		return implicit(IdentityBased)
	case !bndOK:
		return implicit(PermissionsBoundary)
	case !sesOK:
		return implicit(SessionPolicy)
	}
	return Result{Decision: Allowed, Type: IdentityBased, Policy: idPolicy, Statement: idAllow}
}

func implicit(t Type) Result {
	return Result{Decision: ImplicitDeny, Type: t, Statement: -1}
}
