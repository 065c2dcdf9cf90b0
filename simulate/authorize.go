package simulate

import (
	"errors"
	"fmt"
	"maps"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/s3op"
)

// A Decision is the simulator's answer to a request, and why.
type Decision struct {
	// Allowed reports whether every permission the request needs is
	// granted.
	Allowed bool
	// Need is the permission that decided: the first one denied, or the
	// operation's own when allowed.
	Need s3op.Need
	access.Decision
	// Message is S3's AccessDenied message for a denial: explained for a
	// caller of the bucket owner's account, "Access Denied" otherwise, as
	// S3 answers since 2024.
	Message string
}

// ErrNoSuchBucket is returned for a request on a bucket the world lacks.
var ErrNoSuchBucket = errors.New("NoSuchBucket: the specified bucket does not exist")

// caller is a resolved principal with the policies that apply to it.
type caller struct {
	principal policy.Principal
	policies  []*policy.Policy
	boundary  *policy.Policy
	session   *policy.Policy
	tags      map[string]string
}

// resolve finds the identity behind a principal ARN (or "anonymous").
func (m *model) resolve(arn string) (*caller, error) {
	p, err := policy.ParsePrincipal(arn)
	if err != nil {
		return nil, err
	}
	c := &caller{principal: p}
	switch p.Kind {
	case policy.Anonymous, policy.Service:
	case policy.Root:
		if m.accounts[p.Account] == nil {
			return nil, fmt.Errorf("principal %s: no such account in the world", arn)
		}
	case policy.User:
		id := m.users[arn]
		if id == nil {
			return nil, fmt.Errorf("principal %s: no such user in the world", arn)
		}
		c.policies, c.boundary, c.tags = id.policies, id.boundary, id.tags
	case policy.AssumedRole:
		r := m.roles[p.Account+"/"+p.Name]
		if r == nil {
			return nil, fmt.Errorf("principal %s: no such role in the world", arn)
		}
		c.policies, c.boundary, c.tags = r.policies, r.boundary, r.tags
	default:
		return nil, fmt.Errorf("principal %s: federated users are not simulated", arn)
	}
	return c, nil
}

// authorize decides an S3 request for a caller, permission by permission.
func (m *model) authorize(c *caller, req *s3op.Request) (Decision, error) {
	needs, err := s3op.Needs(req)
	if err != nil {
		return Decision{}, err
	}
	var b *bucketModel
	if req.Bucket != "" {
		if b = m.buckets[req.Bucket]; b == nil {
			return Decision{}, ErrNoSuchBucket
		}
	}
	var first Decision
	for i, need := range needs {
		d, err := m.decide(c, need, b, req)
		if err != nil {
			return Decision{}, err
		}
		if !d.Allowed {
			return d, nil
		}
		if i == 0 {
			first = d
		}
	}
	return first, nil
}

// decide evaluates one permission.
func (m *model) decide(c *caller, need s3op.Need, b *bucketModel, req *s3op.Request) (Decision, error) {
	ctx := maps.Clone(need.Context)
	for k, v := range c.tags {
		ctx["aws:PrincipalTag/"+k] = []string{v}
	}
	if m.orgID != "" && m.org[c.principal.Account] {
		ctx["aws:PrincipalOrgID"] = []string{m.orgID}
	}
	owner := ""
	var state access.State
	set := &policy.Set{Identity: c.policies, Boundary: c.boundary, Session: c.session}
	if b != nil {
		owner = b.owner
		state = b.state
		set.Resource = b.policy
		if a := m.accounts[b.owner]; a != nil {
			state.AccountPublicAccessBlock = a.pab
		}
		if obj := b.object(req.Key); obj != nil {
			state.ObjectOwner, state.ObjectACL = obj.Owner, obj.ACL
		}
		if m.org[b.owner] {
			set.RCPs = m.rcps
		}
	}
	if m.org[c.principal.Account] {
		set.SCPs = m.scps
	}
	r := &policy.Request{Principal: c.principal, Action: need.Action, Resource: need.Resource, ResourceAccount: owner, Context: policy.NewContext(ctx)}
	var d access.Decision
	if b == nil {
		d = access.Decision{Explanation: set.Explain(r)}
	} else {
		var err error
		if d, err = access.Decide(set, access.Request{Request: r}, &state); err != nil {
			return Decision{}, err
		}
	}
	out := Decision{Allowed: d.Decision == policy.Allowed, Need: need, Decision: d}
	if !out.Allowed {
		out.Message = "Access Denied"
		if c.principal.Account != "" && c.principal.Account == owner || b == nil {
			out.Message = d.Message(r)
		}
	}
	return out, nil
}

func (b *bucketModel) object(key string) *Object {
	if key == "" {
		return nil
	}
	for i := range b.objects {
		if b.objects[i].Key == key {
			return &b.objects[i]
		}
	}
	return nil
}
