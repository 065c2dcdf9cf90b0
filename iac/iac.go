// Package iac reads infrastructure as code, Terraform plans and
// CloudFormation templates, into the world package
// [github.com/s3vet/s3vet/checks] judges: a [checks.Snapshot] of the buckets
// as they are planned, the address of the resource that declares each
// bucket, every policy document of the input, and the values that could not
// be known before the change is applied.
//
// # Terraform
//
// [Terraform] reads the JSON of `terraform show -json plan.out` (Terraform
// JSON Output Format, format_version 1.x). The planned world is each
// resource's change.after in resource_changes, or planned_values when a plan
// has no resource_changes; data sources come from prior_state, where
// Terraform records those it read while planning. A resource to be deleted
// (actions ["delete"]) is no part of the planned world. The resource types
// read are
//
//	aws_s3_bucket (bucket, tags, object_lock_*, and AWS provider v3's inline
//	  acl, policy, versioning, logging, server_side_encryption_configuration,
//	  lifecycle_rule)
//	aws_s3_bucket_policy, aws_s3_bucket_public_access_block,
//	aws_s3_bucket_ownership_controls, aws_s3_bucket_acl,
//	aws_s3_bucket_server_side_encryption_configuration,
//	aws_s3_bucket_versioning, aws_s3_bucket_logging,
//	aws_s3_bucket_lifecycle_configuration, aws_s3_account_public_access_block
//	aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy,
//	aws_iam_group_policy, aws_iam_role (assume_role_policy, inline_policy),
//	aws_iam_role_policy_attachment, aws_iam_user_policy_attachment,
//	aws_iam_group_policy_attachment, aws_iam_policy_attachment,
//	aws_s3_access_point, aws_s3control_access_point_policy,
//	aws_iam_user_group_membership, aws_iam_group_membership,
//	data.aws_iam_policy_document (json)
//
// A bucket-level resource belongs to the bucket its bucket attribute names;
// when that name is unknown until apply (after_unknown), to the aws_s3_bucket
// its configuration refers to (configuration's expressions.bucket.references).
//
// # CloudFormation
//
// [CloudFormation] reads a template in JSON or YAML, with the short forms of
// the intrinsic functions (!Ref, !Sub, ...). It resolves Ref to parameters
// and to buckets with a BucketName, Fn::GetAtt of a bucket's Arn and
// DomainName, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If with
// the template's Conditions, Fn::FindInMap and the condition functions. The
// resource types read are AWS::S3::Bucket, AWS::S3::BucketPolicy,
// AWS::IAM::Policy, AWS::IAM::ManagedPolicy, AWS::IAM::RolePolicy,
// AWS::IAM::UserPolicy, AWS::IAM::GroupPolicy, AWS::IAM::Role, AWS::IAM::User,
// AWS::IAM::Group, AWS::S3::AccessPoint and
// AWS::S3::MultiRegionAccessPointPolicy.
//
// # Unknown values are never guessed
//
// A value Terraform knows only after apply, or an intrinsic function that
// cannot be resolved from the template and its parameters, is an
// [Unresolved] of the [Source]. A policy document that holds one is left out
// of Policies and named in UnresolvedPolicies. A bucket configuration that holds one is recorded in the
// bucket's Errors as a call that could not be read (code "Unresolved"), so
// the checks that need it do not run rather than judge a guess. A bucket
// whose name is unknown is named by a placeholder, the address of the
// resource that declares it in angle brackets ("<aws_s3_bucket.logs>").
//
// # S3's defaults for new buckets
//
// A bucket the input creates gets what S3 gives every new bucket unless the
// input says otherwise (S3 User Guide, "Blocking public access to your
// Amazon S3 storage": all four Block Public Access settings on for new
// buckets since April 2023; "Controlling ownership of objects": Object
// Ownership BucketOwnerEnforced; "Setting default server-side encryption
// behavior": SSE-S3). A bucket that exists already has only the
// configuration the input declares: what it does not declare is judged as
// not set, the stricter reading.
package iac

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/policy"
)

// A Source is what a Terraform plan or a CloudFormation template declares.
type Source struct {
	// Snapshot holds the buckets as planned, and the account's Block Public
	// Access when the input declares it, for [checks.Run]. It is judged
	// offline: nothing of it was read from AWS.
	Snapshot checks.Snapshot
	// Addresses maps each bucket's name (or placeholder) in Snapshot to the
	// resource that declares it: its Terraform resource address
	// ("module.logs.aws_s3_bucket.this") or CloudFormation logical ID.
	Addresses map[string]string
	// AccountAddress is the resource that declares the account's Block
	// Public Access (aws_s3_account_public_access_block); empty when none
	// does.
	AccountAddress string
	// Policies are the policy documents of the input: in the order of the
	// plan's resources, or of the template's logical IDs.
	Policies []Policy
	// Attachments are the policy attachments (and group memberships,
	// managed policy lists) the change creates, changes or deletes whose
	// policy document the input does not hold (an AWS managed policy, a
	// policy made elsewhere, a group's policies) or whose identity it
	// does not name: what they grant cannot be judged. A CloudFormation
	// template lists all its own, changed or not.
	Attachments []Attachment
	// Removed are the identity-based documents the change deletes: for
	// Terraform, those of resources the plan deletes and the inline
	// policies a role drops, with Before and Identities set and Document
	// nil.
	Removed []Policy
	// UnresolvedPolicies are the policy documents that hold a value that
	// could not be known, and so are not in Policies: Address, Path, Type
	// and Bucket as there, Document and Before nil. Unresolved says why.
	UnresolvedPolicies []Policy
	// Unresolved are the values that could not be known, in the order
	// they were met.
	Unresolved []Unresolved
}

// A Policy is one policy document of the input.
type Policy struct {
	// Address is the resource that holds the document: a Terraform resource
	// address ("aws_s3_bucket_policy.logs",
	// "module.app.aws_iam_role_policy.read") or a CloudFormation logical ID.
	Address string
	// Path is where the document is within the resource: a Terraform
	// attribute ("policy", "assume_role_policy", "inline_policy[0].policy",
	// "json") or a CloudFormation property path
	// ("Properties.PolicyDocument", "Properties.Policies[0].PolicyDocument").
	Path string
	// Type is the kind of policy: policy.ResourceBased for a bucket policy,
	// policy.IdentityBased for a policy of a user, group or role,
	// policy.TrustPolicy for a role's trust policy.
	Type policy.Type
	// Bucket is the name of the bucket of a bucket policy, when known.
	Bucket string
	// Document is the JSON policy document after the change: Terraform's
	// change.after, the template's for CloudFormation.
	Document []byte
	// Before is, for Terraform, the document before the change
	// (resource_changes[].change.before); nil when the resource is created,
	// and for CloudFormation.
	Before []byte
	// Identities are the IAM identities the document is attached to, as
	// the input names them: "role/NAME", "user/NAME", "group/NAME" (a
	// CloudFormation identity without a name is its logical ID after @:
	// "role/@AppRole"). Empty when the input does not say (a managed
	// policy, whose attachments are not read). An identity's documents
	// are one set: a Deny in one limits an Allow in another.
	Identities []string
	// BeforeIdentities are the identities the document was attached to
	// before the change (Terraform's change.before), as Identities.
	BeforeIdentities []string
	// AttachedBefore and AttachedAfter are the identities Terraform policy
	// attachments of the plan attach the document to, before and after
	// the change.
	AttachedBefore, AttachedAfter []string
	// MaybeCreated is, for CloudFormation, the condition a resource is
	// created under when it cannot be evaluated (a parameter without a
	// value); empty otherwise.
	MaybeCreated string
	// DataSource marks the document of a Terraform data source
	// (data.aws_iam_policy_document): Terraform reads it anew at every
	// plan, so a plan holds no document of it from before the change. The
	// resources that use it hold theirs.
	DataSource bool
}

// Location is where the document is: Address and Path joined by a dot,
// such as "aws_iam_role.app.assume_role_policy".
func (p *Policy) Location() string {
	if p.Path == "" {
		return p.Address
	}
	return p.Address + "." + p.Path
}

// An Attachment is a policy attachment whose document or identity the
// input does not hold.
type Attachment struct {
	// Address is the resource that attaches the policy.
	Address string `json:"address"`
	// PolicyARN is the policy attached; empty when known only after
	// apply, or when what is attached is a group's policies (What).
	PolicyARN string `json:"policyArn,omitempty"`
	// What says what is attached when it is no policy ARN: "the policies
	// of group/NAME" for a group membership.
	What string `json:"what,omitempty"`
	// Identities are those it is attached to after the change, as in
	// Policy.Identities; empty when unknown or when the change deletes it.
	Identities []string `json:"identities,omitempty"`
	// Before are those it was attached to before the change.
	Before []string `json:"before,omitempty"`
}

// An IdentitySet is an IAM identity's identity-based documents before
// and after a change: one set, since a Deny in one limits an Allow in
// another (IAM User Guide, "Policy evaluation logic").
type IdentitySet struct {
	// Identity is as in Policy.Identities: "role/NAME".
	Identity string
	// Old and New are its documents before and after the change.
	Old, New []SetDocument
}

// A SetDocument is a document of an IdentitySet.
type SetDocument struct {
	// Location is the Policy's, marked " (before)", " (deleted)" or
	// " (old template)" for a document before the change.
	Location string
	// Document is the JSON policy document.
	Document []byte
	// MaybeCreated is as in Policy.
	MaybeCreated string
}

// IdentitySets groups the identity-based documents of src by the
// identities they are attached to, after the change (Identities and
// AttachedAfter) and before it: for Terraform, each document's Before
// (BeforeIdentities and AttachedBefore) and the Removed ones; with the
// template before the change (before, nil for none), its documents. The
// sets come in the order of their identities.
func IdentitySets(src, before *Source) []IdentitySet {
	sets := map[string]*IdentitySet{}
	add := func(old bool, p Policy, ids []string, loc string, body []byte) {
		if p.Type != policy.IdentityBased || body == nil {
			return
		}
		for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
			set := sets[id]
			if set == nil {
				set = &IdentitySet{Identity: id}
				sets[id] = set
			}
			d := SetDocument{Location: loc, Document: body, MaybeCreated: p.MaybeCreated}
			if old {
				set.Old = append(set.Old, d)
			} else {
				set.New = append(set.New, d)
			}
		}
	}
	for _, p := range src.Policies {
		add(false, p, slices.Concat(p.Identities, p.AttachedAfter), p.Location(), p.Document)
		if before == nil {
			add(true, p, slices.Concat(p.BeforeIdentities, p.AttachedBefore), p.Location()+" (before)", p.Before)
		}
	}
	for _, p := range src.Removed {
		add(true, p, p.Identities, p.Location()+" (deleted)", p.Before)
	}
	if before != nil {
		for _, p := range before.Policies {
			add(true, p, p.Identities, p.Location()+" (old template)", p.Document)
		}
	}
	var out []IdentitySet
	for _, id := range slices.Sorted(maps.Keys(sets)) {
		out = append(out, *sets[id])
	}
	return out
}

// An Unresolved is a value that could not be known from the input: one
// Terraform knows only after apply, or an intrinsic function CloudFormation
// resolves only at deployment.
type Unresolved struct {
	// Address is the resource, as in Policy.
	Address string `json:"address"`
	// Path is the attribute or property path within it.
	Path string `json:"path"`
	// Reason says why it could not be resolved.
	Reason string `json:"reason"`
}

func (u Unresolved) String() string {
	return u.Address + "." + u.Path + ": " + u.Reason
}

// Locate returns the address of the resource a finding of checks.Run on
// s.Snapshot is about: its bucket's, or for an account-level finding the
// account's Block Public Access; empty when the input declares no such
// resource.
func (s *Source) Locate(f *checks.Finding) string {
	if f.Bucket != "" {
		return s.Addresses[f.Bucket]
	}
	if strings.HasPrefix(f.Resource, "AWS::::Account:") {
		return s.AccountAddress
	}
	return ""
}

// ErrInput is wrapped by the errors of input that is not a Terraform plan
// or a CloudFormation template.
var ErrInput = errors.New("not a valid input")

// errUnresolved marks a configuration whose value is not known.
const codeUnresolved = "Unresolved"

// world gathers the buckets as the input declares them.
type world struct {
	src     *Source
	buckets []*bucketEntry
	byName  map[string]*bucketEntry
	byAddr  map[string]*bucketEntry
}

// A bucketEntry is one bucket being built.
type bucketEntry struct {
	b       checks.Bucket
	addr    string
	created bool
	// set names the configurations the input declares, by the S3 call
	// that would read them.
	set map[string]bool
	// legacyPolicy is 1 + the index in Policies of the policy of the
	// bucket's own resource, 0 for none, for a bucket policy resource to
	// supersede.
	legacyPolicy int
	// legacyConfigured is set when the bucket's configuration sets its
	// policy attribute (AWS provider v3), or the plan has no
	// configuration to tell.
	legacyConfigured bool
}

func newWorld() *world {
	return &world{src: &Source{Addresses: map[string]string{}}, byName: map[string]*bucketEntry{}, byAddr: map[string]*bucketEntry{}}
}

// bucket adds a bucket declared at addr; name may be empty when unknown.
func (w *world) bucket(addr, name string, created bool) *bucketEntry {
	if name != "" {
		if e, ok := w.byName[name]; ok {
			// Declared by a bucket-level resource first: the bucket's own
			// resource names it.
			e.addr, e.created = addr, created
			w.byAddr[addr] = e
			return e
		}
	}
	e := &bucketEntry{b: checks.Bucket{Name: name}, addr: addr, created: created, set: map[string]bool{}}
	if name == "" {
		e.b.Name = "<" + addr + ">"
	}
	w.buckets = append(w.buckets, e)
	w.byName[e.b.Name] = e
	w.byAddr[addr] = e
	return e
}

// named returns the bucket of that name, adding one that exists already
// (the input does not create it) when none is declared.
func (w *world) named(name, addr string) *bucketEntry {
	if e, ok := w.byName[name]; ok {
		return e
	}
	e := &bucketEntry{b: checks.Bucket{Name: name}, addr: addr, set: map[string]bool{}}
	w.buckets = append(w.buckets, e)
	w.byName[name] = e
	return e
}

func (w *world) unresolved(addr, path, reason string) {
	w.src.Unresolved = append(w.src.Unresolved, Unresolved{Address: addr, Path: path, Reason: reason})
}

// unresolvedPolicy records a policy document that holds a value that is
// not known; kind is as for policyType.
func (w *world) unresolvedPolicy(addr, path string, kind int, bucket string) {
	w.src.UnresolvedPolicies = append(w.src.UnresolvedPolicies, Policy{Address: addr, Path: path, Type: policyType(kind, nil), Bucket: bucket})
}

// unread records that call's configuration of e is not known.
func (e *bucketEntry) unread(call, why string) {
	e.set[call] = true
	for _, r := range e.b.Errors {
		if r.Call == call {
			return
		}
	}
	e.b.Errors = append(e.b.Errors, checks.ReadError{Call: call, Code: codeUnresolved, Message: why})
}

// finish applies S3's defaults to new buckets and fills the snapshot.
func (w *world) finish() *Source {
	s := w.src
	// A data source's document that a resource of the input holds as it
	// is is that resource's policy: listed once, as the resource's.
	used := map[string]bool{}
	for _, p := range s.Policies {
		if !strings.HasPrefix(p.Address, "data.") {
			used[string(p.Document)] = true
		}
	}
	kept := s.Policies[:0]
	for _, p := range s.Policies {
		if p.Address != "" && !(strings.HasPrefix(p.Address, "data.") && used[string(p.Document)]) {
			kept = append(kept, p)
		}
	}
	s.Policies = kept
	s.Snapshot.Version = checks.SnapshotVersion
	s.Snapshot.Buckets = []checks.Bucket{}
	for _, e := range w.buckets {
		if e.created {
			if !e.set["GetPublicAccessBlock"] {
				e.b.PublicAccessBlock = &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
			}
			if !e.set["GetBucketOwnershipControls"] {
				e.b.ObjectOwnership = "BucketOwnerEnforced"
			}
			if !e.set["GetBucketEncryption"] {
				e.b.Encryption = &checks.Encryption{Algorithm: "AES256"}
			}
		}
		s.Snapshot.Buckets = append(s.Snapshot.Buckets, e.b)
		s.Addresses[e.b.Name] = e.addr
	}
	return s
}

// typeOf is the type of a policy document whose use the input does not
// say (a data.aws_iam_policy_document): a trust policy when every statement
// with a Principal allows only sts:AssumeRole*, a resource-based policy
// when some statement has a Principal, an identity-based policy otherwise,
// as s3vet lint reads a document without --type.
func typeOf(doc []byte) policy.Type {
	var top struct {
		Statement json.RawMessage
	}
	if json.Unmarshal(doc, &top) != nil {
		return policy.IdentityBased
	}
	var stmts []map[string]json.RawMessage
	if json.Unmarshal(top.Statement, &stmts) != nil {
		var one map[string]json.RawMessage
		if json.Unmarshal(top.Statement, &one) != nil {
			return policy.IdentityBased
		}
		stmts = append(stmts, one)
	}
	principals, trust := 0, true
	for _, s := range stmts {
		_, p := s["Principal"]
		_, np := s["NotPrincipal"]
		if !p && !np {
			continue
		}
		principals++
		var actions []string
		if json.Unmarshal(s["Action"], &actions) != nil {
			var one string
			if json.Unmarshal(s["Action"], &one) != nil {
				trust = false
				continue
			}
			actions = []string{one}
		}
		for _, a := range actions {
			if !strings.HasPrefix(strings.ToLower(a), "sts:assumerole") && !strings.EqualFold(a, "sts:TagSession") && !strings.EqualFold(a, "sts:SetSourceIdentity") {
				trust = false
			}
		}
	}
	switch {
	case principals > 0 && trust:
		return policy.TrustPolicy
	case principals > 0:
		return policy.ResourceBased
	}
	return policy.IdentityBased
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
