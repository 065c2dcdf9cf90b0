// Package scenario reads authorization scenarios, the JSON format that
// `s3vet eval` answers, and answers them with the policy engine.
//
// # The format
//
// A scenario states everything AWS would know when it authorizes one
// request (the caller, the action, the resource and its account, the
// condition keys, and every policy that applies: identity-based policies,
// the bucket policy, a permissions boundary, a session policy, the SCP
// and RCP chains, and S3's own state of ACLs, Object Ownership and Block
// Public Access) and, optionally, the answer expected. The format is
// documented in the repository's docs/scenario.md; worked examples are in
// testdata/examples.json, and the corpus the tests run, each scenario
// naming the AWS document it follows, in testdata/corpus.
//
// # Answers
//
// [Decode] reads one scenario or an array of them; [Scenario.Answer]
// evaluates one with package policy (and package policy/access when it
// has an s3 block), as the IAM User Guide's [policy evaluation logic] and the
// S3 User Guide's [how S3 authorizes a request] define. The [Answer] names
// the decision, the policy type and statement that decided, and S3's
// AccessDenied message; a malformed scenario is answered [Invalid] with
// an error naming the policy, statement and element at fault.
//
// [policy evaluation logic]: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// [how S3 authorizes a request]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/s3vet/s3vet/internal/strictjson"
	"github.com/s3vet/s3vet/internal/suggest"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// A Scenario is one authorization question, as data.
type Scenario struct {
	Name                string              `json:"name"`
	Source              string              `json:"source,omitempty"` // the AWS document it follows
	Request             Request             `json:"request"`
	IdentityPolicies    []json.RawMessage   `json:"identityPolicies,omitempty"`
	ResourcePolicy      json.RawMessage     `json:"resourcePolicy,omitempty"`
	PermissionsBoundary json.RawMessage     `json:"permissionsBoundary,omitempty"`
	SessionPolicy       json.RawMessage     `json:"sessionPolicy,omitempty"`
	SCPs                [][]json.RawMessage `json:"scps,omitempty"`
	RCPs                [][]json.RawMessage `json:"rcps,omitempty"`
	S3                  json.RawMessage     `json:"s3,omitempty"`
	// AccessPointPolicy is the policy of the access point of the s3
	// block's accessPoint, through which the request is made.
	AccessPointPolicy json.RawMessage `json:"accessPointPolicy,omitempty"`
	// VPCEndpointPolicy is the policy of the VPC endpoint the request
	// comes through.
	VPCEndpointPolicy json.RawMessage `json:"vpcEndpointPolicy,omitempty"`
	// Expect is the decision expected, which Answer ignores and `s3vet
	// eval` compares the answer with.
	Expect string `json:"expect,omitempty"`
}

// A Request is the request of a scenario.
type Request struct {
	Principal       string            `json:"principal"`
	Action          string            `json:"action"`
	Resource        string            `json:"resource"`
	ResourceAccount string            `json:"resourceAccount"`
	Context         map[string]Values `json:"context,omitempty"`
}

// Values is a condition key's values: a JSON string, number or boolean, or
// an array of them.
type Values []string

// UnmarshalJSON implements json.Unmarshaler.
func (v *Values) UnmarshalJSON(b []byte) error {
	vals, err := policy.ConditionValues(b)
	if err != nil {
		return fmt.Errorf("context value: %w", err)
	}
	*v = vals
	return nil
}

// Decode reads one scenario or a JSON array of scenarios, strictly: a field
// the format does not have, a field in another case than the format's
// ("Name" for "name"), a field given twice, a value of the wrong JSON
// kind, an expect that is not a decision, and a context key given twice
// (key names are case-insensitive) are errors. An error names the
// scenario by its index in the array and its name, the field and its
// path, and, where one is close, the field probably meant:
//
//	scenarios[3] ("cross account"): unknown field "permissionBoundary"; did you mean "permissionsBoundary"?
//
// The policies of a scenario are not looked into here: package policy
// checks their grammar when the scenario is answered.
func Decode(r io.Reader) ([]Scenario, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		s, err := decodeOne(data)
		if err != nil {
			return nil, fmt.Errorf("scenario%s: %w", label(data), err)
		}
		return []Scenario{*s}, nil
	}
	var raws []json.RawMessage
	if err := strictjson.Unmarshal(data, &raws); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			return nil, fmt.Errorf("scenarios: want one scenario (an object) or an array of them, got %s", se.Got)
		}
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	list := make([]Scenario, 0, len(raws))
	for i, raw := range raws {
		s, err := decodeOne(raw)
		if err != nil {
			return nil, fmt.Errorf("scenarios[%d]%s: %w", i, label(raw), err)
		}
		list = append(list, *s)
	}
	return list, nil
}

// decodeOne decodes one scenario strictly, its s3 block included.
func decodeOne(raw []byte) (*Scenario, error) {
	var s Scenario
	if err := strictjson.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	if present(s.S3) {
		if err := strictjson.Check(s.S3, &access.State{}, "s3"); err != nil {
			return nil, err
		}
	}
	switch s.Expect {
	case "", "Allowed", "ExplicitDeny", "ImplicitDeny", Invalid:
	default:
		msg := fmt.Sprintf("expect %q is not a decision (Allowed, ExplicitDeny, ImplicitDeny or Invalid)", s.Expect)
		if d := suggest.Closest(s.Expect, decisions); d != "" {
			msg += fmt.Sprintf("; did you mean %q?", d)
		}
		return nil, errors.New(msg)
	}
	seen := make(map[string]string, len(s.Request.Context))
	for k := range s.Request.Context {
		if prev, dup := seen[strings.ToLower(k)]; dup {
			return nil, fmt.Errorf("request.context: %q and %q are the same key (condition key names are case-insensitive)", min(k, prev), max(k, prev))
		}
		seen[strings.ToLower(k)] = k
	}
	return &s, nil
}

var decisions = []string{"Allowed", "ExplicitDeny", "ImplicitDeny", Invalid}

// label returns ` ("NAME")` for a scenario whose JSON has a name, for
// errors; "" when it has none that can be read.
func label(raw []byte) string {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return ""
	}
	var name string
	if json.Unmarshal(top["name"], &name) != nil || name == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", name)
}

func present(raw json.RawMessage) bool {
	return len(raw) > 0 && string(raw) != "null"
}

// An Answer is what `s3vet eval` prints for a scenario.
type Answer struct {
	Name     string `json:"name"`
	Decision string `json:"decision"` // Allowed, ExplicitDeny, ImplicitDeny or Invalid
	// DecidedBy is the policy type that decided, e.g. "identity-based policy".
	DecidedBy string `json:"decidedBy,omitempty"`
	// Statement names the deciding statement, when one did.
	Statement string `json:"statement,omitempty"`
	// Message is S3's AccessDenied message for a denial.
	Message string   `json:"message,omitempty"`
	Matched []string `json:"matched,omitempty"`
	Error   string   `json:"error,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// Invalid is the decision of a scenario whose policies or request are
// malformed.
const Invalid = "Invalid"

// Compile parses the scenario's request and policies.
func (s *Scenario) Compile() (*policy.Request, *policy.Set, error) {
	q := s.Request
	var ctx policy.Context
	for k, v := range q.Context {
		ctx.Set(k, v...) // an empty list is an absent key, as in AWS
	}
	req, err := policy.NewRequest(q.Principal, q.Action, q.Resource, q.ResourceAccount, ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("request: %w", err)
	}
	set := &policy.Set{}
	parse := func(name string, typ policy.Type, raw json.RawMessage) (*policy.Policy, error) {
		if len(raw) == 0 || string(raw) == "null" {
			return nil, nil
		}
		return policy.Parse(name, typ, raw)
	}
	for i, raw := range s.IdentityPolicies {
		p, err := parse(fmt.Sprintf("identityPolicies[%d]", i), policy.IdentityBased, raw)
		if err != nil {
			return nil, nil, err
		}
		if p != nil {
			set.Identity = append(set.Identity, p)
		}
	}
	if set.Resource, err = parse("resourcePolicy", policy.ResourceBased, s.ResourcePolicy); err != nil {
		return nil, nil, err
	}
	if set.Boundary, err = parse("permissionsBoundary", policy.PermissionsBoundary, s.PermissionsBoundary); err != nil {
		return nil, nil, err
	}
	if set.Endpoint, err = parse("vpcEndpointPolicy", policy.VPCEndpointPolicy, s.VPCEndpointPolicy); err != nil {
		return nil, nil, err
	}
	if set.Session, err = parse("sessionPolicy", policy.SessionPolicy, s.SessionPolicy); err != nil {
		return nil, nil, err
	}
	chain := func(field string, typ policy.Type, levels [][]json.RawMessage) ([][]*policy.Policy, error) {
		var out [][]*policy.Policy
		for i, level := range levels {
			ps := []*policy.Policy{}
			for j, raw := range level {
				p, err := parse(fmt.Sprintf("%s[%d][%d]", field, i, j), typ, raw)
				if err != nil {
					return nil, err
				}
				if p != nil {
					ps = append(ps, p)
				}
			}
			out = append(out, ps)
		}
		return out, nil
	}
	if set.SCPs, err = chain("scps", policy.ServiceControlPolicy, s.SCPs); err != nil {
		return nil, nil, err
	}
	if set.RCPs, err = chain("rcps", policy.ResourceControlPolicy, s.RCPs); err != nil {
		return nil, nil, err
	}
	return req, set, nil
}

// Answer evaluates the scenario: by AWS's policy evaluation logic alone,
// or, when the scenario has an s3 block, the way S3 authorizes the request
// (package access). A malformed scenario is answered Invalid with the
// error.
func (s *Scenario) Answer() Answer {
	a := Answer{Name: s.Name}
	req, set, err := s.Compile()
	if err != nil {
		a.Decision, a.Error = Invalid, err.Error()
		return a
	}
	var (
		ex      policy.Explanation
		reason  string
		message string
	)
	if present(s.S3) {
		var state access.State
		if err := strictjson.Unmarshal(s.S3, &state); err != nil {
			a.Decision, a.Error = Invalid, "s3: "+err.Error()
			return a
		}
		if err := s.accessPoint(&state); err != nil {
			a.Decision, a.Error = Invalid, err.Error()
			return a
		}
		dec, err := access.Decide(set, access.Request{Request: req}, &state)
		if err != nil {
			a.Decision, a.Error = Invalid, err.Error()
			return a
		}
		ex, message, a.Note = dec.Explanation, dec.Message(req), dec.Note
		if dec.Setting != "" {
			reason = dec.Setting
		}
	} else {
		if present(s.AccessPointPolicy) {
			a.Decision, a.Error = Invalid, "accessPointPolicy: the s3 block names no accessPoint"
			return a
		}
		ex = set.Explain(req)
		message = ex.Message(req)
	}
	a.Decision = ex.Decision.String()
	if ex.Type != 0 {
		a.DecidedBy = ex.Type.String()
		if reason != "" {
			a.DecidedBy += " " + reason
		}
	}
	if ex.Policy != nil {
		a.Statement = policy.Match{Type: ex.Type, Policy: ex.Policy, Statement: ex.Statement, Effect: effectOf(ex.Result)}.String()
	}
	if ex.Decision != policy.Allowed {
		a.Message = message
	}
	for _, m := range ex.Matches {
		a.Matched = append(a.Matched, m.String())
	}
	return a
}

func effectOf(r policy.Result) policy.Effect {
	if r.Decision == policy.Allowed {
		return policy.Allow
	}
	return policy.Deny
}

// accessPoint gives the state's access point the scenario's access point
// policy.
func (s *Scenario) accessPoint(state *access.State) error {
	if !present(s.AccessPointPolicy) {
		return nil
	}
	if state.AccessPoint == nil {
		return errors.New("accessPointPolicy: the s3 block names no accessPoint")
	}
	p, err := policy.Parse("accessPointPolicy", policy.ResourceBased, s.AccessPointPolicy)
	if err != nil {
		return err
	}
	state.AccessPoint.Policy = p
	return nil
}
