package checks

import (
	"slices"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// An AccessPointTarget is one access point as the checks see it: its
// configuration, with its policy parsed once for every check, and its
// bucket when the snapshot holds it.
type AccessPointTarget struct {
	Snapshot    *Snapshot
	AccessPoint *AccessPoint
	Params      *Params
	// ARN is the access point's ARN, and Region its Region (from the ARN
	// when the snapshot does not say).
	ARN    string
	Region string
	// Policy is the parsed access point policy: nil when the access point
	// has none or when it does not parse (PolicyErr says why).
	Policy    *policy.Policy
	PolicyErr error
	// Bucket is the Target of the access point's bucket: a bucket of the
	// account, of the access point's Bucket name, when the snapshot holds
	// it; nil otherwise (a bucket of another account, or one not scanned).
	Bucket *Target

	statements []string
}

// accessPoint returns the target of access point i of the snapshot, built
// once.
func (e *env) accessPoint(i int) *AccessPointTarget {
	if e.apTarget[i] == nil {
		e.apTarget[i] = newAccessPointTarget(e, &e.s.Account.AccessPoints[i])
	}
	return e.apTarget[i]
}

func newAccessPointTarget(e *env, ap *AccessPoint) *AccessPointTarget {
	t := &AccessPointTarget{Snapshot: e.s, AccessPoint: ap, Params: e.p, ARN: ap.ARN, Region: ap.Region}
	if region, _, _, _, err := access.ParseAccessPointARN(ap.ARN); err == nil && t.Region == "" {
		t.Region = region
	}
	if t.ARN == "" {
		t.ARN = "arn:" + e.s.partition() + ":s3:" + t.Region + ":" + e.s.Account.ID + ":accesspoint/" + ap.Name
	}
	if ap.Policy != "" {
		t.Policy, t.PolicyErr = policy.Parse("access point policy of "+ap.Name, policy.ResourceBased, []byte(ap.Policy))
	}
	if ap.ownBucket(e.s.Account.ID) {
		if i, ok := e.byName[ap.Bucket]; ok {
			t.Bucket = e.target(i)
		}
	}
	return t
}

// Unread reports whether any of the calls failed for this access point,
// so that what they return is unknown.
func (t *AccessPointTarget) Unread(calls ...string) bool {
	return slices.ContainsFunc(calls, func(c string) bool { return failed(t.AccessPoint.Errors, c) })
}

// Statement quotes statement i of the access point policy as written,
// compacted, prefixed with its index and Sid, as Target.Statement does.
func (t *AccessPointTarget) Statement(i int) string {
	if t.statements == nil {
		t.statements = rawStatements(t.AccessPoint.Policy)
	}
	return quoteStatement(t.Policy, t.statements, i)
}

// name names the access point and its bucket in evidence.
func (t *AccessPointTarget) name() string {
	ap := t.AccessPoint
	s := "access point " + ap.Name + " (bucket " + ap.Bucket
	if !ap.ownBucket(t.Snapshot.Account.ID) {
		s += " of account " + ap.BucketAccountID
	}
	return s + ")"
}

// publicAccessBlock returns the access point's own Block Public Access
// configuration: S3's default, all four on, when the snapshot has none;
// nil, for none in force, when GetAccessPoint could not be read, so that
// what is unknown does not hide public access.
func (t *AccessPointTarget) publicAccessBlock() *access.PublicAccessBlock {
	if t.Unread("GetAccessPoint") {
		return nil
	}
	if p := t.AccessPoint.PublicAccessBlock; p != nil {
		return p.access()
	}
	return &access.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
}
