package simulate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	// Explained is the explained message whoever the caller, as S3 would
	// word it to the bucket owner's account: "User: ... is (not) authorized
	// to perform: ..." and why.
	Explained string

	// explainReq is the request an allowed decision was made on, from
	// which explain writes Explained: the simulator's records need it
	// only when they are read.
	explainReq *policy.Request
}

// explain writes Explained, if it is yet to be written.
func (d *Decision) explain() {
	if d.explainReq != nil {
		d.Explained = d.Decision.Message(d.explainReq)
		d.explainReq = nil
	}
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
	var p policy.Principal
	if id := m.users[arn]; id != nil && id.principal.ARN != "" {
		p = id.principal
	} else {
		var err error
		if p, err = policy.ParsePrincipal(arn); err != nil {
			return nil, err
		}
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

// writes is what a request would set that Block Public Access inspects:
// the bucket policy of PutBucketPolicy, the ACL in a PutBucketAcl or
// PutObjectAcl body.
type writes struct {
	policy *policy.Policy
	acl    []access.Grant
	// initiator is the caller's account when the caller's account began
	// the multipart upload the request names, which S3 lets it abort and
	// list by default: "By default, the bucket owner and the initiator of
	// the multipart upload are allowed to perform this action. If the
	// initiator is an IAM user, that user's AWS account is also allowed"
	// (S3 User Guide, "Multipart upload API and permissions").
	initiator string
}

// initiatorGrant is the default permission of an upload's initiator on
// its upload, on the resource's side, as an ACL is: to abort it and list
// its parts.
func initiatorGrant(account, resource string) (*policy.Policy, error) {
	return policy.Parse("the initiator's default permission on its multipart upload", policy.AccessControlList,
		[]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"MultipartUploadInitiator","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::`+account+`:root"},"Action":["s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],
		"Resource":`+strconv.Quote(resource)+`}]}`))
}

// lookupFunc finds the version of an object that a permission is decided
// on: version vid of key in b, "" for the current one; nil if there is
// none. The caller holds the lock.
type lookupFunc func(b *bucketModel, key, vid string) *objectVersion

// route is how a request reached S3 beyond its bucket: through an access
// point, from a VPC endpoint.
type route struct {
	ap   *accessPointModel // nil for a request to the bucket
	vpce *endpointModel    // nil for a request from the internet
	// copySource marks a permission on a copy's source, which is read
	// from its bucket, not through the access point.
	copySource bool
}

// errNotThroughAccessPoint and errNoSuchAccessPoint are returned by
// authorize for a request on an access point that S3 refuses.
var (
	errNotThroughAccessPoint = errors.New("the operation is not supported through an access point")
	// errBadOwnership is a CreateBucket's x-amz-object-ownership that is
	// no Object Ownership setting, which S3 refuses as InvalidArgument.
	errBadOwnership      = errors.New("invalid x-amz-object-ownership header")
	errNoSuchAccessPoint = errors.New("NoSuchAccessPoint: the specified access point does not exist")
	errNoSuchEndpoint    = errors.New("no such VPC endpoint in the world")
)

// authorize decides an S3 request for a caller, permission by permission,
// each on the object version look finds (nil: as stored now). A request
// whose Bucket is an access point's ARN or alias is made through that
// access point; one whose Conn has a VPCEndpoint comes through that
// endpoint of the world (its VPC and account are the world's).
func (m *model) authorize(c *caller, req *s3op.Request, wr writes, look lookupFunc) (Decision, error) {
	if look == nil {
		look = (*bucketModel).version
	}
	var rt route
	if ap := m.accessPointOf(req.Bucket); ap != nil {
		if !accessPointOps[req.Operation] {
			return Decision{}, errNotThroughAccessPoint
		}
		r := *req
		r.Bucket = ap.bucket
		req, rt.ap = &r, ap
	} else if strings.HasPrefix(req.Bucket, "arn:") || strings.HasSuffix(req.Bucket, "-s3alias") {
		return Decision{}, errNoSuchAccessPoint
	}
	if e := req.Conn.VPCEndpoint; e != nil {
		em := m.endpoints[e.ID]
		if em == nil {
			return Decision{}, fmt.Errorf("%w: %s", errNoSuchEndpoint, e.ID)
		}
		r := *req
		r.Conn.VPCEndpoint = &s3op.VPCEndpoint{ID: em.id, VPC: em.vpc, Account: em.account}
		req, rt.vpce = &r, em
	}
	if req.ExistingTags == nil {
		if tags := m.existingTags(req, look); tags != nil {
			r := *req
			r.ExistingTags = tags
			req = &r
		}
	}
	needs, err := s3op.Needs(req)
	if err != nil {
		return Decision{}, err
	}
	copyOp := req.Operation == "CopyObject" || req.Operation == "UploadPartCopy"
	var first Decision
	for i, need := range needs {
		b, key, err := m.target(c, need, req)
		if err != nil {
			return Decision{}, err
		}
		var obj *objectVersion
		if b != nil && key != "" {
			if obj = look(b, key, need.VersionID); obj != nil && obj.deleteMarker {
				obj = nil
			}
		}
		// A copy reads its source from the bucket: the s3:GetObject*
		// permissions of a copy are the source's.
		rt.copySource = copyOp && strings.HasPrefix(need.Action, "s3:GetObject")
		d, err := m.decide(c, need, b, obj, wr, rt)
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

// existingTags returns the tags of the object version a request reads:
// the source of a copy, else the object it names; nil if there is none.
func (m *model) existingTags(req *s3op.Request, look lookupFunc) map[string]string {
	bucket, key, vid := req.Bucket, req.Key, req.Query.Get("versionId")
	if req.Operation == "CopyObject" || req.Operation == "UploadPartCopy" {
		src, err := s3op.ParseCopySource(req.Header.Get("X-Amz-Copy-Source"))
		if err != nil {
			return nil
		}
		bucket, key, vid = src.Bucket, src.Key, src.VersionID
	}
	b := m.buckets[bucket]
	if b == nil || key == "" {
		return nil
	}
	if v := look(b, key, vid); v != nil && !v.deleteMarker {
		return v.tags
	}
	return nil
}

// target finds the bucket and key a permission is decided on, from its
// resource ARN. A CreateBucket request is decided on the bucket it would
// create, with S3's settings for a new bucket.
func (m *model) target(c *caller, need s3op.Need, req *s3op.Request) (*bucketModel, string, error) {
	if need.Resource == "*" {
		return nil, "", nil
	}
	_, rest, _ := strings.Cut(need.Resource, ":s3:::")
	bucket, key, _ := strings.Cut(rest, "/")
	if req.Operation == "CreateBucket" && bucket == req.Bucket {
		ownership := req.Header.Get("x-amz-object-ownership")
		switch ownership {
		case "", access.BucketOwnerEnforced, access.BucketOwnerPreferred, access.ObjectWriter:
		default:
			return nil, "", fmt.Errorf("%w: %s", errBadOwnership, ownership)
		}
		return newBucket(bucket, c.principal.Account, ownership), "", nil
	}
	b := m.buckets[bucket]
	if b == nil {
		return nil, "", ErrNoSuchBucket
	}
	return b, key, nil
}

// decide evaluates one permission, on bucket b and object version obj
// (nil for none).
func (m *model) decide(c *caller, need s3op.Need, b *bucketModel, obj *objectVersion, wr writes, rt route) (Decision, error) {
	return m.decideIn(m.callerContext(c, need.Context), c, need, b, obj, wr, rt)
}

// callerContext is the request context of keys for caller c: the
// request's keys, and those of the caller (its tags, its organization).
func (m *model) callerContext(c *caller, keys map[string][]string) policy.Context {
	ctx := policy.NewContext(keys)
	for k, v := range c.tags {
		ctx.Set("aws:PrincipalTag/"+k, v)
	}
	if m.orgID != "" && m.org[c.principal.Account] {
		ctx.Set("aws:PrincipalOrgID", m.orgID)
	}
	return ctx
}

// decideIn is decide in the context ctx of callerContext, which it only
// reads: callers that decide many permissions of one caller in the same
// context build it once.
func (m *model) decideIn(ctx policy.Context, c *caller, need s3op.Need, b *bucketModel, obj *objectVersion, wr writes, rt route) (Decision, error) {
	// An action on no bucket (ListBuckets) is on the caller's own account.
	owner := c.principal.Account
	set := &policy.Set{Identity: c.policies, Boundary: c.boundary, Session: c.session}
	var state access.State
	if b != nil {
		owner = b.owner
		state = b.state(m.accounts[b.owner])
		set.Resource = b.policy
		if obj != nil {
			state.ObjectOwner, state.ObjectACL = obj.owner, obj.acl
		}
		set.RCPs = m.rcpsOf(b.owner)
	}
	set.SCPs = m.scpsOf(c.principal.Account)
	if rt.vpce != nil {
		set.Endpoint = rt.vpce.policy
	}
	if wr.initiator != "" && (need.Action == "s3:AbortMultipartUpload" || need.Action == "s3:ListMultipartUploadParts") {
		grant, err := initiatorGrant(wr.initiator, need.Resource)
		if err != nil {
			return Decision{}, err
		}
		set.ACLs = []*policy.Policy{grant}
	}
	if ap := rt.ap; ap != nil && b != nil && b.name == ap.bucket && !rt.copySource {
		// Through the access point: the permission is on the access
		// point's ARN, and package access decides both sides.
		state.AccessPoint = ap.state()
		if _, key, ok := strings.Cut(strings.TrimPrefix(need.Resource, "arn:aws:s3:::"), "/"); ok {
			need.Resource = ap.arn + "/object/" + key
		} else {
			need.Resource = ap.arn
		}
	}
	r := &policy.Request{Principal: c.principal, Action: need.Action, Resource: need.Resource, ResourceAccount: owner, Context: ctx}
	var d access.Decision
	if b == nil {
		d = access.Decision{Explanation: set.Explain(r)}
	} else {
		var err error
		if d, err = b.decisions.Decide(set, access.Request{Request: r, NewACL: wr.acl, NewPolicy: wr.policy}, &state); err != nil {
			if errors.As(err, new(*access.StateError)) {
				return Decision{}, stateError{err}
			}
			return Decision{}, err
		}
	}
	out := Decision{Allowed: d.Decision == policy.Allowed, Need: need, Decision: d}
	if out.Allowed {
		out.explainReq = r
		return out, nil
	}
	out.Explained = d.Message(r)
	out.Message = "Access Denied"
	if c.principal.Account != "" && (c.principal.Account == owner || b == nil) {
		out.Message = out.Explained
	}
	return out, nil
}

// newBucket returns a bucket with S3's settings for a new bucket: Block
// Public Access on, ACLs disabled unless the request chose another Object
// Ownership, SSE-S3, SSE-C blocked.
func newBucket(name, owner, ownership string) *bucketModel {
	pab := allOn
	if ownership == "" {
		ownership = access.BucketOwnerEnforced
	}
	return &bucketModel{name: name, owner: owner, ownership: ownership, pab: &pab, acl: ownerACL(owner),
		encryption: Encryption{Algorithm: "AES256", BlockedEncryptionTypes: []string{"SSE-C"}},
		configs:    map[string][]byte{}, objects: map[string][]*objectVersion{}, decisions: &access.Cache{}}
}

// stateError is package access refusing the state the simulator gave it
// (a malformed ACL, owner or setting; access.StateError): the
// simulator's fault, never the request's, which the handler answers with S3's 500 InternalError, so that
// FuzzServe and the routing test, which fail on a 5xx, find it.
type stateError struct{ err error }

func (e stateError) Error() string { return e.err.Error() }
func (e stateError) Unwrap() error { return e.err }
