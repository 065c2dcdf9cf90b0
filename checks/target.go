package checks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/public"
)

// env is one run's view of a snapshot: each bucket's Target and each
// access point's AccessPointTarget, built once.
type env struct {
	s        *Snapshot
	p        *Params
	targets  []*Target
	byName   map[string]int
	apTarget []*AccessPointTarget
	// apsOf lists, by bucket name, the indexes of the access points of
	// the account's buckets.
	apsOf map[string][]int
}

func newEnv(s *Snapshot, p *Params) *env {
	e := &env{s: s, p: p, targets: make([]*Target, len(s.Buckets)), byName: make(map[string]int, len(s.Buckets)),
		apTarget: make([]*AccessPointTarget, len(s.Account.AccessPoints)), apsOf: map[string][]int{}}
	for i := range s.Buckets {
		if _, dup := e.byName[s.Buckets[i].Name]; !dup {
			e.byName[s.Buckets[i].Name] = i
		}
	}
	for i := range s.Account.AccessPoints {
		if ap := &s.Account.AccessPoints[i]; ap.ownBucket(s.Account.ID) {
			e.apsOf[ap.Bucket] = append(e.apsOf[ap.Bucket], i)
		}
	}
	return e
}

func (e *env) target(i int) *Target {
	if e.targets[i] == nil {
		e.targets[i] = newTarget(e, &e.s.Buckets[i])
	}
	return e.targets[i]
}

// A Target is one bucket as the checks see it: its configuration, with the
// bucket policy parsed and S3's state for package access worked out once
// for every check.
type Target struct {
	Snapshot *Snapshot
	Bucket   *Bucket
	Params   *Params
	// ARN is the bucket's ARN.
	ARN string
	// Policy is the parsed bucket policy: nil when the bucket has none or
	// when it does not parse (PolicyErr says why).
	Policy    *policy.Policy
	PolicyErr error
	// State is the bucket's ACL, Object Ownership and Block Public Access
	// (the bucket's and the account's) as package access reads them. The
	// owner's grant to itself is left out of the ACL: it changes no one's
	// access.
	State *access.State

	env        *env
	statements []string

	// external and publicRes memoise the analyses that more than one check reads.
	external     []access.Finding
	externalDone bool
	publicRes    *public.Result
}

func newTarget(e *env, b *Bucket) *Target {
	t := &Target{Snapshot: e.s, Bucket: b, Params: e.p, env: e, ARN: "arn:" + e.s.partition() + ":s3:::" + b.Name}
	if b.Policy != "" {
		t.Policy, t.PolicyErr = policy.Parse("bucket policy of "+b.Name, policy.ResourceBased, []byte(b.Policy))
	}
	st := &access.State{
		BucketOwner:              e.s.Account.ID,
		ObjectOwnership:          b.ObjectOwnership,
		BucketPublicAccessBlock:  b.PublicAccessBlock.access(),
		AccountPublicAccessBlock: e.s.Account.PublicAccessBlock.access(),
	}
	if st.ObjectOwnership == "" && !failed(b.Errors, "GetBucketOwnershipControls") {
		// No ownership controls: S3 keeps the behaviour of buckets made
		// before Object Ownership, ObjectWriter, with ACLs enabled.
		st.ObjectOwnership = access.ObjectWriter
	}
	if b.ACL != nil {
		for _, g := range b.ACL.Grants {
			if g.Grantee != b.ACL.Owner || b.ACL.Owner == "" {
				st.BucketACL = append(st.BucketACL, g)
			}
		}
	}
	t.State = st
	return t
}

// Unread reports whether any of the calls failed for this bucket, so that
// what they return is unknown.
func (t *Target) Unread(calls ...string) bool {
	return slices.ContainsFunc(calls, func(c string) bool { return failed(t.Bucket.Errors, c) })
}

// Owner is the account that owns the bucket.
func (t *Target) Owner() string { return t.Snapshot.Account.ID }

// Zone is the zone of trust: the owner, the trusted accounts and the
// organization of the parameters.
func (t *Target) Zone() access.Zone {
	z := access.Zone{Accounts: []string{t.Owner()}, OrgID: t.Params.OrgID}
	z.Accounts = append(z.Accounts, t.Params.TrustedAccounts...)
	return z
}

// AccessPoints returns the access points of the snapshot whose bucket is
// this one: those of the account for a bucket of its name.
func (t *Target) AccessPoints() []*AccessPoint {
	var out []*AccessPoint
	for _, i := range t.env.apsOf[t.Bucket.Name] {
		out = append(out, &t.Snapshot.Account.AccessPoints[i])
	}
	return out
}

// Other returns the Target of another bucket of the snapshot, or nil.
func (t *Target) Other(name string) *Target {
	i, ok := t.env.byName[name]
	if !ok {
		return nil
	}
	return t.env.target(i)
}

// Statement quotes statement i of the bucket policy as written, compacted,
// prefixed with its index and Sid: `statement 2 (Sid "PublicRead"): {...}`.
func (t *Target) Statement(i int) string {
	return quoteStatement(t.Policy, t.rawStatements(), i)
}

// quoteStatement quotes statement i of a policy, parsed as p (or nil) and
// written as raw, prefixed with its index and Sid.
func quoteStatement(p *policy.Policy, raw []string, i int) string {
	head := fmt.Sprintf("statement %d", i)
	if p != nil && i >= 0 && i < len(p.Statements) && p.Statements[i].Sid != "" {
		head += fmt.Sprintf(" (Sid %q)", p.Statements[i].Sid)
	}
	if i < 0 || i >= len(raw) {
		return head
	}
	return head + ": " + raw[i]
}

// externalFindings returns IAM Access Analyzer's external access findings
// for the bucket (package access), worked out once for every check.
func (t *Target) externalFindings() []access.Finding {
	if !t.externalDone {
		t.external, t.externalDone = access.External(t.Policy, t.State, t.Zone()), true
	}
	return t.external
}

// publicReasons returns what makes the parsed bucket policy public (package
// public), worked out once for every check.
func (t *Target) publicReasons() []public.Reason {
	if t.publicRes == nil {
		r := public.Analyze(t.Policy)
		t.publicRes = &r
	}
	return t.publicRes.Reasons
}

// rawStatements returns the statements of the bucket policy as written,
// each as compact JSON.
func (t *Target) rawStatements() []string {
	if t.statements == nil {
		t.statements = rawStatements(t.Bucket.Policy)
	}
	return t.statements
}

// rawStatements returns the statements of a policy document, each as
// compact JSON; empty when the document has none that can be read.
func rawStatements(doc string) []string {
	var d map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &d) != nil {
		return []string{}
	}
	raw := d["Statement"]
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, r := range list {
		var b bytes.Buffer
		if json.Compact(&b, r) != nil {
			out = append(out, string(r))
			continue
		}
		out = append(out, b.String())
	}
	return out
}
