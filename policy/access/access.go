// Package access decides S3 requests the way S3 authorizes them: AWS's
// policy evaluation logic (package policy) plus S3's own rules, namely ACLs,
// Object Ownership, Block Public Access and the bucket owner's exceptions.
//
// # The model
//
// S3 evaluates a request in up to three contexts (S3 User Guide, "How
// Amazon S3 authorizes a request",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html):
//
//   - user context: the caller's own account must allow it (identity-based
//     policies, permissions boundary, session policy, SCPs);
//   - bucket context: the bucket owner must allow it (bucket policy, bucket
//     ACL) and must not deny it;
//   - object context: for an object another account owns, that owner must
//     allow it through the object's ACL; the bucket policy can then only
//     deny.
//
// Decide maps these onto one evaluation of a policy.Set: the bucket policy
// and the ACLs (written as policies by ACLPolicy) form the resource's side,
// and the resource's account is the object owner for object requests.
//
// Object Ownership BucketOwnerEnforced, the default, disables ACLs: the
// bucket owner owns every object and ACLs grant nothing. Block Public
// Access combines the bucket's and the account's settings one by one:
// IgnorePublicAcls drops public ACL grants; RestrictPublicBuckets lets a
// bucket with a public policy admit through it only AWS service principals
// and principals of the bucket owner's account; BlockPublicAcls and
// BlockPublicPolicy refuse the writes that would make an ACL or the bucket
// policy public. These settings follow the S3 User Guide: [Block Public
// Access] (with "the meaning of public" of package policy/public),
// [Object Ownership] and [access control lists].
//
// # Deciding and analyzing
//
// [Decide] answers one request, with the [Decision]'s explanation in the
// words of S3's AccessDenied messages ([Decision.Message]). [External]
// lists the access a bucket policy and ACL give outside a [Zone] of trust,
// as IAM Access Analyzer's external access findings do.
//
// # Many decisions
//
// Decide writes the ACLs as policies, and judges whether the bucket policy
// is public, at every call. A [Cache] kept with the state, such as one per
// bucket, does that once per distinct ACL and policy: [Cache.Decide]
// answers as Decide does, and a state that changes is compiled again, never
// answered from what the cache held before.
//
// [Block Public Access]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
// [Object Ownership]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
// [access control lists]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
package access

import (
	"errors"
	"fmt"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// A Request is an S3 request to decide: the IAM request, and what the
// request would write that Block Public Access inspects.
type Request struct {
	*policy.Request
	// NewACL is the ACL the request sets, from its body (PutBucketAcl,
	// PutObjectAcl). Grants from the x-amz-acl and x-amz-grant-* headers are
	// read from the condition keys s3:x-amz-acl and s3:x-amz-grant-*.
	NewACL []Grant
	// NewPolicy is the bucket policy a PutBucketPolicy request sets.
	NewPolicy *policy.Policy
}

// A Decision is S3's answer to a request, and why.
type Decision struct {
	policy.Explanation
	// Setting is the Block Public Access setting that decided, if one did:
	// "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls" or
	// "RestrictPublicBuckets".
	Setting string
	// Note says which of S3's rules beyond IAM changed the evaluation, such
	// as "the object is owned by another account: the bucket policy can
	// only deny"; empty when none did.
	Note string
}

// Reason is the explanation in the words of S3's AccessDenied messages.
func (d Decision) Reason(action string) string {
	switch d.Setting {
	case "BlockPublicAcls":
		return "because public ACLs are blocked by the BlockPublicAcls block public access setting"
	case "BlockPublicPolicy":
		return "because public policies are blocked by the BlockPublicPolicy block public access setting"
	case "IgnorePublicAcls":
		return "because public ACLs are ignored by the IgnorePublicAcls block public access setting"
	case "RestrictPublicBuckets":
		return "because public access is restricted by the RestrictPublicBuckets block public access setting"
	}
	return d.Result.Reason(action)
}

// Message is S3's AccessDenied message for a denial.
func (d Decision) Message(r *policy.Request) string {
	if d.Setting == "" {
		return d.Result.Message(r)
	}
	who := r.Principal.ARN
	if r.Principal.Kind == policy.Anonymous {
		who = "anonymous"
	}
	return "User: " + who + " is not authorized to perform: " + r.Action + " on resource: \"" + r.Resource + "\" " + d.Reason(r.Action)
}

// Decide answers req against the caller's policies in set (its Resource is
// the bucket policy) and the S3 state. It writes the state's ACLs as
// policies at every call: to decide many requests on the same state, use a
// [Cache].
func Decide(set *policy.Set, req Request, state *State) (Decision, error) {
	return decide(nil, set, req, state)
}

func decide(c *Cache, set *policy.Set, req Request, state *State) (Decision, error) {
	if req.Request == nil {
		return Decision{}, errors.New("access.Decide: nil request")
	}
	if state == nil {
		state = &State{}
	}
	if err := state.Validate(); err != nil {
		return Decision{}, &StateError{err}
	}
	if strings.Contains(req.Resource, ":accesspoint/") {
		if state.AccessPoint == nil {
			return Decision{}, fmt.Errorf("resource %q is an access point's, and the s3 state has no accessPoint", req.Resource)
		}
		return throughAccessPoint(c, set, req, state)
	}
	bucket, key, ok := splitS3ARN(req.Resource)
	if !ok {
		return Decision{}, fmt.Errorf("resource %q is not an S3 bucket or object ARN", req.Resource)
	}
	owner := state.BucketOwner
	if owner == "" {
		owner = req.ResourceAccount
	}
	action := strings.ToLower(req.Action)
	eff := state.Effective()
	p := &req.Principal

	// Block Public Access refuses the writes that would make data public
	// (S3 User Guide, "Block public access settings").
	if eff.BlockPublicAcls && setsACL(action) {
		grants, err := requestACL(req, owner)
		if err != nil {
			return Decision{}, err
		}
		for _, g := range grants {
			if g.Public() {
				return bpaDeny("BlockPublicAcls"), nil
			}
		}
	}
	if eff.BlockPublicPolicy && action == "s3:putbucketpolicy" && req.NewPolicy != nil && public.IsPublic(req.NewPolicy) {
		return bpaDeny("BlockPublicPolicy"), nil
	}

	s := *set
	r := *req.Request
	r.ResourceAccount = owner
	var notes []string

	// "The root user of the AWS account that owns a bucket can always use
	// GetBucketPolicy, PutBucketPolicy and DeleteBucketPolicy, even if the
	// policy explicitly denies the root user" (S3 User Guide, "Bucket
	// policies for Amazon S3").
	if p.Kind == policy.Root && p.Account == owner && key == "" &&
		(action == "s3:getbucketpolicy" || action == "s3:putbucketpolicy" || action == "s3:deletebucketpolicy") {
		s.Resource, s.ResourceDeniesOnly = nil, false
		notes = append(notes, "the bucket owner's root user may always manage the bucket policy")
	}

	// Object Ownership and ACLs.
	var acls aclSet
	if state.ACLsEnabled() {
		var err error
		if acls, err = c.aclSet(bucket, key != "", state, owner); err != nil {
			return Decision{}, err
		}
		if key != "" && state.ObjectOwner != "" && state.ObjectOwner != owner && !bucketContext(action) {
			if delegated(acls.object.policy(eff.IgnorePublicAcls), &r, owner) {
				// "the object owner must first grant permission to the
				// bucket owner using an object ACL. Then the bucket owner
				// can grant permissions on objects that they don't own"
				// (S3 User Guide, walkthrough Example 3).
				notes = append(notes, "the object is owned by account "+state.ObjectOwner+", whose ACL grants the bucket owner this permission: the bucket owner delegates it")
			} else {
				// Object context: another account owns the object.
				r.ResourceAccount = state.ObjectOwner
				s.ResourceDeniesOnly = true
				notes = append(notes, "the object is owned by account "+state.ObjectOwner+": only its ACL grants, the bucket policy can only deny")
			}
		}
		s.ACLs = acls.append(set.ACLs, eff.IgnorePublicAcls)
	}

	// RestrictPublicBuckets: a public bucket policy admits only AWS
	// service principals and principals of the bucket owner's account.
	restricted := false
	if eff.RestrictPublicBuckets && s.Resource != nil && !s.ResourceDeniesOnly &&
		p.Kind != policy.Service && p.Account != owner && c.isPublic(s.Resource) {
		s.ResourceDeniesOnly, restricted = true, true
	}

	d := Decision{Explanation: s.Explain(&r), Note: strings.Join(notes, "; ")}
	if d.Decision == policy.Allowed {
		return d, nil
	}
	// Say when a Block Public Access setting is what denied.
	if restricted {
		open := s
		open.ResourceDeniesOnly = false
		if open.Evaluate(&r).Decision == policy.Allowed {
			d.Setting, d.Type = "RestrictPublicBuckets", policy.BlockPublicAccess
			return d, nil
		}
	}
	if eff.IgnorePublicAcls && state.ACLsEnabled() {
		open := s
		open.ACLs = acls.append(set.ACLs, false)
		if open.Evaluate(&r).Decision == policy.Allowed {
			d.Setting, d.Type = "IgnorePublicAcls", policy.BlockPublicAccess
		}
	}
	return d, nil
}

func bpaDeny(setting string) Decision {
	return Decision{
		Explanation: policy.Explanation{Result: policy.Result{Decision: policy.ExplicitDeny, Type: policy.BlockPublicAccess, Statement: -1}},
		Setting:     setting,
	}
}

// aclSet is the ACLs that apply to a request, compiled: the bucket's, and
// the object's for an object request.
type aclSet struct {
	bucket, object compiledACL
}

// aclSet compiles the ACLs that apply to a bucket or object request.
func (c *Cache) aclSet(bucket string, object bool, state *State, owner string) (aclSet, error) {
	var out aclSet
	var err error
	if out.bucket, err = c.acl(bucket, state.BucketACL, false, owner); err != nil {
		return aclSet{}, err
	}
	if object {
		if out.object, err = c.acl(bucket, state.ObjectACL, true, owner); err != nil {
			return aclSet{}, err
		}
	}
	return out, nil
}

// append returns acls followed by the set's policies, without their public
// grants if ignorePublic; acls itself is left as it was.
func (a aclSet) append(acls []*policy.Policy, ignorePublic bool) []*policy.Policy {
	b, o := a.bucket.policy(ignorePublic), a.object.policy(ignorePublic)
	if b == nil && o == nil {
		return acls
	}
	out := make([]*policy.Policy, len(acls), len(acls)+2)
	copy(out, acls)
	for _, p := range []*policy.Policy{b, o} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// setsACL reports whether the action can carry an ACL that BlockPublicAcls
// inspects: "PUT Bucket acl and PUT Object acl calls fail if the specified
// ACL is public; PUT Object calls fail if the request includes a public
// ACL; PUT Bucket calls fail if the request includes a public ACL."
func setsACL(action string) bool {
	switch action {
	case "s3:putbucketacl", "s3:putobjectacl", "s3:putobjectversionacl", "s3:putobject", "s3:createbucket":
		return true
	}
	return false
}

// bucketContext reports whether the action is decided in the bucket
// context even for an object another account owns: writing a new object
// (its writer owns it) and deleting one ("The bucket owner can also delete
// any objects in the bucket", S3 User Guide, "Guidelines for using the
// available access policy options").
func bucketContext(action string) bool {
	switch action {
	case "s3:putobject", "s3:deleteobject", "s3:deleteobjectversion":
		return true
	}
	return false
}

// delegated reports whether the object's ACL grants the bucket owner's
// account the request's action, so that the bucket owner may pass it on.
func delegated(objectACL *policy.Policy, r *policy.Request, owner string) bool {
	if objectACL == nil {
		return false
	}
	root, err := policy.ParsePrincipal("arn:aws:iam::" + owner + ":root")
	if err != nil {
		return false
	}
	q := *r
	q.Principal = root
	q.ResourceAccount = ""
	return (&policy.Set{ACLs: []*policy.Policy{objectACL}}).Evaluate(&q).Decision == policy.Allowed
}

// requestACL gathers the grants a request sets: its body, its canned ACL
// (s3:x-amz-acl) and its grant headers (s3:x-amz-grant-*).
func requestACL(req Request, owner string) ([]Grant, error) {
	grants := append([]Grant(nil), req.NewACL...)
	for _, canned := range req.Context.Get("s3:x-amz-acl") {
		g, err := CannedACL(canned, owner)
		if err != nil {
			return nil, err
		}
		grants = append(grants, g...)
	}
	for header, perm := range map[string]string{
		"s3:x-amz-grant-read": Read, "s3:x-amz-grant-write": Write, "s3:x-amz-grant-read-acp": ReadACP,
		"s3:x-amz-grant-write-acp": WriteACP, "s3:x-amz-grant-full-control": FullControl,
	} {
		for _, v := range req.Context.Get(header) {
			g, err := ParseGrantHeader(v, perm)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", header, err)
			}
			grants = append(grants, g...)
		}
	}
	return grants, nil
}

// splitS3ARN splits arn:PARTITION:s3:::bucket[/key].
func splitS3ARN(arn string) (bucket, key string, ok bool) {
	var parts [5]string // arn, partition, service, region, account
	rest := arn
	for i := range parts {
		if parts[i], rest, ok = strings.Cut(rest, ":"); !ok {
			return "", "", false
		}
	}
	if parts[0] != "arn" || parts[2] != "s3" || parts[3] != "" || parts[4] != "" || rest == "" {
		return "", "", false
	}
	bucket, key, _ = strings.Cut(rest, "/")
	return bucket, key, bucket != ""
}
