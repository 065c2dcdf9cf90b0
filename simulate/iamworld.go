package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"github.com/s3vet/s3vet/internal/strictjson"
	"github.com/s3vet/s3vet/policy"
)

// IAM's own objects in the world: managed policies, attached by ARN to
// users, groups and roles (and as permissions boundaries), and names for
// inline policies, so that a real account is expressed as IAM holds it.

// A ManagedPolicy is an IAM managed policy: a customer managed policy of
// an account ([Account.ManagedPolicies], ARN
// arn:aws:iam::ACCOUNT:policy/PATH/NAME) or an AWS managed policy the world
// uses ([World.AWSManagedPolicies], ARN arn:aws:iam::aws:policy/PATH/NAME).
// Its document is its default version's. Identities attach it by ARN; it
// is parsed once, however many attach it.
type ManagedPolicy struct {
	Name     string          `json:"name"`
	Path     string          `json:"path,omitempty"` // "/" when omitted
	Document json.RawMessage `json:"document"`
}

// NamedPolicy returns an inline policy with a name, as IAM names every
// inline policy, for [User.Policies], [Group.Policies] and [Role.Policies]:
// {"name": NAME, "document": DOC}. The name makes explanations readable
// ("role/Admin inline ReadReports"); a bare document in Policies is an
// inline policy too, named inline-N (N its index) where IAM's API shows it.
func NamedPolicy(name, document string) json.RawMessage {
	b, _ := json.Marshal(struct {
		Name     string          `json:"name"`
		Document json.RawMessage `json:"document"`
	}{name, json.RawMessage(document)})
	return b
}

// inlineEntry is an inline policy written with its name.
type inlineEntry struct {
	Name     string          `json:"name"`
	Document json.RawMessage `json:"document"`
}

// orgEntry is an SCP or RCP written with its name and, optionally, ID.
type orgEntry struct {
	Name     string          `json:"name"`
	ID       string          `json:"id,omitempty"`
	Document json.RawMessage `json:"document"`
}

// isNamed reports whether an entry of a list of policies is written as
// {"name", "document"} rather than as a bare policy document: it has a
// "document" member, which the policy grammar has not (its top-level
// elements are Version, Id and Statement).
func isNamed(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(t, &top) != nil {
		return false
	}
	_, ok := top["document"]
	return ok
}

// policyNameRE is IAM's pattern for policy names (IAM API Reference,
// CreatePolicy and PutRolePolicy, PolicyName: [\w+=,.@-]+, 1 to 128).
var policyNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,128}$`)

// inlinePolicy is an inline policy of an identity, compiled, with its
// name and document for IAM's API.
type inlinePolicy struct {
	name string
	doc  json.RawMessage
	p    *policy.Policy
}

// parseInline reads an identity's inline policies: owner is "user/alice",
// "group/readers" or "role/Admin", where the place for errors.
func parseInline(where, owner string, raws []json.RawMessage) ([]inlinePolicy, error) {
	var out []inlinePolicy
	seen := map[string]bool{}
	for i, raw := range raws {
		w := fmt.Sprintf("%s[%d]", where, i)
		ip := inlinePolicy{name: "inline-" + strconv.Itoa(i), doc: raw}
		pname := w
		if isNamed(raw) {
			var e inlineEntry
			if err := strictjson.Unmarshal(raw, &e); err != nil {
				return nil, fmt.Errorf("world: %s: %w", w, err)
			}
			if !policyNameRE.MatchString(e.Name) {
				return nil, fmt.Errorf("world: %s: policy name %q is not 1 to 128 letters, digits and +=,.@_-", w, e.Name)
			}
			ip.name, ip.doc = e.Name, e.Document
			pname = owner + " inline " + e.Name
		}
		if seen[ip.name] {
			return nil, fmt.Errorf("world: %s: inline policy name %q is used twice", w, ip.name)
		}
		seen[ip.name] = true
		p, err := parsePolicy(pname, policy.IdentityBased, ip.doc)
		if err != nil {
			return nil, err
		}
		if p == nil {
			continue
		}
		ip.p = p
		out = append(out, ip)
	}
	return out, nil
}

// managedModel is a managed policy of the world, parsed once.
type managedModel struct {
	arn, name, path string
	doc             json.RawMessage
	p               *policy.Policy
	// boundary is the document parsed as a permissions boundary, once it
	// is used as one.
	boundary *policy.Policy
	// attachments and boundaryUses count the identities that attach it
	// and that have it as their boundary, for IAM's answers.
	attachments, boundaryUses int
}

// compileManaged adds managed policies to the model; owner is an account
// ID or "aws".
func (m *model) compileManaged(owner, where string, mps []ManagedPolicy) error {
	names := map[string]bool{}
	for i, mp := range mps {
		w := fmt.Sprintf("%s[%d]", where, i)
		if !policyNameRE.MatchString(mp.Name) {
			return fmt.Errorf("world: %s: policy name %q is not 1 to 128 letters, digits and +=,.@_-", w, mp.Name)
		}
		// Names are unique in an account whatever the path, as IAM's
		// are (IAM User Guide, "IAM object quotas and name requirements":
		// "Names of users, groups, roles, policies ... must be unique
		// within the account"). The stricter reading for AWS's own.
		if names[mp.Name] {
			return fmt.Errorf("world: %s: policy name %q is used twice", w, mp.Name)
		}
		names[mp.Name] = true
		mm := &managedModel{arn: "arn:aws:iam::" + owner + ":policy" + cleanPath(mp.Path) + mp.Name, name: mp.Name,
			path: cleanPath(mp.Path), doc: mp.Document}
		p, err := parsePolicy(mm.arn, policy.IdentityBased, mp.Document)
		if err != nil {
			return fmt.Errorf("%w (%s)", err, w)
		}
		if p == nil {
			return fmt.Errorf("world: %s: managed policy %s has no document", w, mp.Name)
		}
		mm.p = p
		m.managed[mm.arn] = mm
	}
	return nil
}

// attach resolves the managed policies an identity attaches.
func (m *model) attach(where string, arns []string) ([]*managedModel, error) {
	out := make([]*managedModel, 0, len(arns))
	for i, arn := range arns {
		mm := m.managed[arn]
		if mm == nil {
			return nil, fmt.Errorf("world: %s managedPolicies[%d]: no managed policy %s in the world", where, i, arn)
		}
		for _, prev := range out {
			if prev == mm {
				return nil, fmt.Errorf("world: %s managedPolicies[%d]: %s is attached twice", where, i, arn)
			}
		}
		mm.attachments++
		out = append(out, mm)
	}
	return out, nil
}

// parseBoundary reads a permissions boundary: a managed policy's ARN (a
// JSON string), as IAM takes one, or a policy document.
func (m *model) parseBoundary(where string, raw json.RawMessage) (*policy.Policy, *managedModel, error) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '"' {
		p, err := parsePolicy(where, policy.PermissionsBoundary, raw)
		return p, nil, err
	}
	var arn string
	if err := json.Unmarshal(t, &arn); err != nil {
		return nil, nil, fmt.Errorf("world: %s: %w", where, err)
	}
	mm := m.managed[arn]
	if mm == nil {
		return nil, nil, fmt.Errorf("world: %s: no managed policy %s in the world", where, arn)
	}
	if mm.boundary == nil {
		p, err := parsePolicy(mm.arn, policy.PermissionsBoundary, mm.doc)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (%s)", err, where)
		}
		mm.boundary = p
	}
	mm.boundaryUses++
	return mm.boundary, mm, nil
}

// policiesOf returns the compiled policies of inline and attached ones.
func policiesOf(inline []inlinePolicy, attached []*managedModel) []*policy.Policy {
	out := make([]*policy.Policy, 0, len(inline)+len(attached))
	for _, ip := range inline {
		out = append(out, ip.p)
	}
	for _, mm := range attached {
		out = append(out, mm.p)
	}
	return out
}

// iamAccount is an account's IAM as its API shows it, in the order of
// the world.
type iamAccount struct {
	users    []*iamUser
	groups   []*iamGroup
	roles    []*iamRole
	policies []*managedModel // customer managed
}

type iamUser struct {
	name, path, arn string
	inline          []inlinePolicy
	attached        []*managedModel
	groups          []string
	boundary        *managedModel // nil for none or a document
	tags            map[string]string
}

type iamGroup struct {
	name, path string
	inline     []inlinePolicy
	attached   []*managedModel
}

type iamRole struct {
	role     *roleModel
	path     string
	trustDoc json.RawMessage
	inline   []inlinePolicy
	attached []*managedModel
	boundary *managedModel
}
