package conformance_test

import (
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// lkLocked is S3's refusal to delete a version Object Lock protects (aws
// cli output from real AWS quoted in public labs; moto's AWS-verified
// test_locked_object_* tests; research b.md §9).
const lkLocked = "Access Denied because object protected by object lock."

const (
	lkGov  = s3types.ObjectLockModeGovernance
	lkComp = s3types.ObjectLockModeCompliance
)

// lkOK fails the test if err is not nil.
func lkOK(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// lkBucket creates a bucket with Object Lock enabled at creation and, for
// days > 0, a default retention of GOVERNANCE for that many days.
func lkBucket(t *testing.T, e *env, name string, days int32) string {
	t.Helper()
	e.bucket(t, name, func(in *s3.CreateBucketInput) { in.ObjectLockEnabledForBucket = aws.Bool(true) })
	if days > 0 {
		lkDefault(t, e, name, days)
	}
	return name
}

func lkDefault(t *testing.T, e *env, name string, days int32) {
	t.Helper()
	_, err := e.c.PutObjectLockConfiguration(e.ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String(name),
		ObjectLockConfiguration: &s3types.ObjectLockConfiguration{ObjectLockEnabled: s3types.ObjectLockEnabledEnabled,
			Rule: &s3types.ObjectLockRule{DefaultRetention: &s3types.DefaultRetention{Mode: s3types.ObjectLockRetentionModeGovernance, Days: aws.Int32(days)}}}})
	lkOK(t, err, "PutObjectLockConfiguration")
}

// lkPut writes a version with retention mode until until ("" for none)
// and the legal hold given, with the checksum an Object Lock upload needs.
func lkPut(t *testing.T, e *env, bucket, key string, mode s3types.ObjectLockMode, until time.Time, hold s3types.ObjectLockLegalHoldStatus) string {
	t.Helper()
	return e.put(t, bucket, key, "locked "+key, func(in *s3.PutObjectInput) {
		in.ChecksumAlgorithm, in.ObjectLockLegalHoldStatus = s3types.ChecksumAlgorithmSha256, hold
		if mode != "" {
			in.ObjectLockMode, in.ObjectLockRetainUntilDate = mode, aws.Time(until)
		}
	})
}

// lkGrantStranger lets the other account's user do actions on the
// bucket's objects by a bucket policy (never s3:BypassGovernanceRetention).
func lkGrantStranger(t *testing.T, e *env, bucket string, actions ...string) {
	t.Helper()
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":%q},"Action":["%s"],"Resource":"arn:aws:s3:::%s/*"}]}`,
		stranger, strings.Join(actions, `","`), bucket)
	_, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)})
	lkOK(t, err, "PutBucketPolicy")
}

// lkDelete deletes version vid of key (the key itself for ""), with or
// without the bypass header.
func lkDelete(e *env, c *s3.Client, bucket, key, vid string, bypass bool) error {
	in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if vid != "" {
		in.VersionId = aws.String(vid)
	}
	if bypass {
		in.BypassGovernanceRetention = aws.Bool(true)
	}
	_, err := c.DeleteObject(e.ctx, in)
	return err
}

// lkStill fails the test unless version vid of key exists (or, with
// gone, no longer does).
func lkStill(t *testing.T, e *env, bucket, key, vid string, gone bool) {
	t.Helper()
	_, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(vid)})
	if gone != (err != nil) {
		t.Fatalf("HeadObject %s version %s: %v; want gone %v", key, vid, err, gone)
	}
}

// lkLock is a version's lock as HeadObject reports it.
type lkLock struct {
	Mode  s3types.ObjectLockMode
	Until time.Time // UTC
}

// lkNear reports whether a lock is mode until about until (a minute).
func lkNear(l lkLock, mode s3types.ObjectLockMode, until time.Time) bool {
	return l.Mode == mode && l.Until.Sub(until).Abs() < time.Minute
}

func lkHead(t *testing.T, e *env, bucket, key, vid string) lkLock {
	t.Helper()
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: aws.String(vid)})
	lkOK(t, err, "HeadObject")
	l := lkLock{Mode: h.ObjectLockMode}
	if h.ObjectLockRetainUntilDate != nil {
		l.Until = h.ObjectLockRetainUntilDate.UTC()
	}
	return l
}

func TestLockDefaultRetention(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := lkBucket(t, e, "lock-default", 0)
	// S3 User Guide, "Locking objects with Object Lock": "When you create a
	// bucket with Object Lock enabled, Amazon S3 automatically enables
	// versioning for the bucket. Once you create a bucket with Object Lock
	// enabled, you can't disable Object Lock or suspend versioning".
	v, err := e.c.GetBucketVersioning(e.ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(b)})
	if err != nil || v.Status != s3types.BucketVersioningStatusEnabled {
		t.Fatalf("GetBucketVersioning %v, %v; want Enabled", v.Status, err)
	}
	// Suspending: 409 InvalidBucketState (storj/edge issue 509 quoting S3).
	_, err = e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}})
	wantErr(t, err, 409, "InvalidBucketState", "Object Lock configuration is present")
	before := lkPut(t, e, b, "k", "", time.Time{}, "")
	lkDefault(t, e, b, 1)
	lc, err := e.c.GetObjectLockConfiguration(e.ctx, &s3.GetObjectLockConfigurationInput{Bucket: aws.String(b)})
	lkOK(t, err, "GetObjectLockConfiguration")
	if r := lc.ObjectLockConfiguration.Rule; lc.ObjectLockConfiguration.ObjectLockEnabled != s3types.ObjectLockEnabledEnabled || r == nil || r.DefaultRetention.Mode != s3types.ObjectLockRetentionModeGovernance || aws.ToInt32(r.DefaultRetention.Days) != 1 {
		t.Errorf("GetObjectLockConfiguration %+v, want Enabled, GOVERNANCE for 1 day", lc.ObjectLockConfiguration)
	}
	after := lkPut(t, e, b, "k", "", time.Time{}, "")
	// S3 User Guide, "Locking objects with Object Lock": "Amazon S3
	// calculates a Retain Until Date for the object version by adding the
	// specified duration to the object version's creation timestamp";
	// "Placing a default retention setting on a bucket doesn't place any
	// retention settings on objects that already exist."
	want := time.Now().AddDate(0, 0, 1)
	if got := lkHead(t, e, b, "k", after); !lkNear(got, lkGov, want) {
		t.Errorf("HeadObject of the new version: %+v, want GOVERNANCE until about %v", got, want)
	}
	r, err := e.c.GetObjectRetention(e.ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(after)})
	lkOK(t, err, "GetObjectRetention")
	if got := (lkLock{s3types.ObjectLockMode(r.Retention.Mode), aws.ToTime(r.Retention.RetainUntilDate)}); !lkNear(got, lkGov, want) {
		t.Errorf("GetObjectRetention %+v, want GOVERNANCE until about %v", got, want)
	}
	if d := cmp.Diff(lkLock{}, lkHead(t, e, b, "k", before)); d != "" {
		t.Errorf("HeadObject of the older version (-want +got):\n%s", d)
	}
	// No retention: 404 NoSuchObjectLockConfiguration (research b.md §9).
	_, err = e.c.GetObjectRetention(e.ctx, &s3.GetObjectRetentionInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(before)})
	wantErr(t, err, 404, "NoSuchObjectLockConfiguration", "")
	lkOK(t, lkDelete(e, e.c, b, "k", before, false), "DeleteObject of the unlocked older version")
	wantErr(t, lkDelete(e, e.c, b, "k", after, false), 403, "AccessDenied", lkLocked)
}

func TestLockPutNeedsIntegrity(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	lock, def, plain := lkBucket(t, e, "lock-md5", 0), lkBucket(t, e, "lock-md5-default", 1), e.versioned(t, "lock-md5-plain")
	// A client that sends no checksum unless the operation requires one.
	bare := e.srv.Client(admin, func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired })
	retain := func(in *s3.PutObjectInput) {
		in.ObjectLockMode, in.ObjectLockRetainUntilDate = lkGov, aws.Time(time.Now().Add(time.Hour))
	}
	hold := func(in *s3.PutObjectInput) { in.ObjectLockLegalHoldStatus = s3types.ObjectLockLegalHoldStatusOn }
	sha := func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = s3types.ChecksumAlgorithmSha256 }
	sum := md5.Sum([]byte("body"))
	contentMD5 := func(in *s3.PutObjectInput) { in.ContentMD5 = aws.String(base64.StdEncoding.EncodeToString(sum[:])) }
	const needMD5 = "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters"
	type fns = []func(*s3.PutObjectInput)
	cases := []struct {
		name, bucket string
		fns          fns
		status       int
		code, msg    string
	}{
		// S3 API Reference, PutObject: "The Content-MD5 or
		// x-amz-sdk-checksum-algorithm header is required for any request to
		// upload an object with a retention period configured using Amazon
		// S3 Object Lock." Error body from real S3 in versitygw issues
		// 1535/1776 (research b.md §9).
		{"retention without checksum", lock, fns{retain}, 400, "InvalidRequest", needMD5},
		{"retention with SHA-256", lock, fns{retain, sha}, 200, "", ""},
		{"retention with Content-MD5", lock, fns{retain, contentMD5}, 200, "", ""},
		{"legal hold without checksum", lock, fns{hold}, 400, "InvalidRequest", needMD5},
		// S3 User Guide, "Locking objects with Object Lock": "If you
		// configure a default retention period on a bucket, requests to
		// upload objects in such a bucket must include the Content-MD5
		// header."
		{"default retention without checksum", def, nil, 400, "InvalidRequest", needMD5},
		{"default retention with SHA-256", def, fns{sha}, 200, "", ""},
		{"no lock without checksum", lock, nil, 200, "", ""},
		// Lock headers on a bucket without Object Lock: 400 InvalidRequest
		// "Bucket is missing ObjectLockConfiguration" (moto
		// test_fail_locked_object; research b.md §9).
		{"retention without Object Lock", plain, fns{retain, sha}, 400, "InvalidRequest", "Bucket is missing"},
		{"legal hold without Object Lock", plain, fns{hold, sha}, 400, "InvalidRequest", "Bucket is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := &s3.PutObjectInput{Bucket: aws.String(tc.bucket), Key: aws.String(tc.name), Body: strings.NewReader("body")}
			for _, f := range tc.fns {
				f(in)
			}
			if _, err := bare.PutObject(e.ctx, in); tc.status != 200 {
				wantErr(t, err, tc.status, tc.code, tc.msg)
			} else {
				lkOK(t, err, "PutObject")
			}
		})
	}
}

func TestLockDeleteVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := lkBucket(t, e, "lock-delete", 0)
	lkGrantStranger(t, e, b, "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion")
	until := time.Now().Add(time.Hour)
	g, c := lkPut(t, e, b, "gov", lkGov, until, ""), lkPut(t, e, b, "comp", lkComp, until, "")
	h := lkPut(t, e, b, "hold", "", time.Time{}, s3types.ObjectLockLegalHoldStatusOn)
	other := e.srv.Client(stranger)
	// S3 User Guide, "Locking objects with Object Lock": in governance
	// mode "users can't overwrite or delete an object version ... unless
	// they have special permissions ... a user must have the
	// s3:BypassGovernanceRetention permission and must explicitly include
	// x-amz-bypass-governance-retention:true". In compliance mode "a
	// protected object version can't be overwritten or deleted by any
	// user, including the root user". A legal hold holds "until removed",
	// bypass or not (moto's AWS-verified test_put_object_legal_hold).
	cases := []struct {
		name, key, vid string
		c              *s3.Client
		bypass         bool
		msg            string // "" when the refusal may be the permission's
	}{
		{"governance without bypass", "gov", g, e.c, false, lkLocked},
		{"governance, stranger without bypass", "gov", g, other, false, ""},
		{"governance, stranger without the bypass permission", "gov", g, other, true, ""},
		{"compliance without bypass", "comp", c, e.c, false, lkLocked},
		{"compliance with bypass", "comp", c, e.c, true, lkLocked},
		{"compliance, root user with bypass", "comp", c, e.srv.Client(ownerRoot), true, lkLocked},
		{"legal hold with bypass", "hold", h, e.c, true, lkLocked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, lkDelete(e, tc.c, b, tc.key, tc.vid, tc.bypass), 403, "AccessDenied", tc.msg)
			lkStill(t, e, b, tc.key, tc.vid, false)
		})
	}
	// With the header and the permission (the admin has s3:*), a
	// governance version goes; a legal hold OFF releases the version.
	lkOK(t, lkDelete(e, e.c, b, "gov", g, true), "DeleteObject governance with bypass")
	lkStill(t, e, b, "gov", g, true)
	_, err := e.c.PutObjectLegalHold(e.ctx, &s3.PutObjectLegalHoldInput{Bucket: aws.String(b), Key: aws.String("hold"),
		VersionId: aws.String(h), LegalHold: &s3types.ObjectLockLegalHold{Status: s3types.ObjectLockLegalHoldStatusOff}})
	lkOK(t, err, "PutObjectLegalHold OFF")
	lkOK(t, lkDelete(e, e.c, b, "hold", h, false), "DeleteObject once the hold is OFF")
	lkStill(t, e, b, "hold", h, true)
}

func TestLockRetentionChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := lkBucket(t, e, "lock-retention", 0)
	lkGrantStranger(t, e, b, "s3:PutObjectRetention", "s3:GetObjectRetention")
	base := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	// S3 User Guide, "Locking objects with Object Lock": "Any user with
	// permissions to place an object retention period can extend a
	// retention period for an object version locked in either mode";
	// shortening or removing governance retention takes the bypass header
	// and permission; in compliance mode the "retention mode can't be
	// changed, and its retention period can't be shortened". A refusal is
	// 403 AccessDenied (ceph/s3-tests
	// test_object_lock_put_obj_retention_shorten_period; research b.md §9).
	cases := []struct {
		name, by string
		from, to s3types.ObjectLockMode
		shift    time.Duration
		bypass   bool
		allowed  bool
	}{
		{"governance extended by stranger", stranger, lkGov, lkGov, time.Hour, false, true},
		{"governance shortened by stranger", stranger, lkGov, lkGov, -time.Hour, false, false},
		{"governance shortened without bypass", admin, lkGov, lkGov, -time.Hour, false, false},
		{"governance shortened with bypass", admin, lkGov, lkGov, -time.Hour, true, true},
		{"governance made compliance", admin, lkGov, lkComp, time.Hour, false, true},
		{"compliance extended by stranger", stranger, lkComp, lkComp, time.Hour, false, true},
		{"compliance shortened with bypass", admin, lkComp, lkComp, -time.Hour, true, false},
		{"compliance shortened by root", ownerRoot, lkComp, lkComp, -time.Hour, true, false},
		{"compliance made governance", admin, lkComp, lkGov, time.Hour, true, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := fmt.Sprintf("k%d", i)
			vid := lkPut(t, e, b, key, tc.from, base, "")
			in := &s3.PutObjectRetentionInput{Bucket: aws.String(b), Key: aws.String(key), VersionId: aws.String(vid),
				Retention: &s3types.ObjectLockRetention{Mode: s3types.ObjectLockRetentionMode(tc.to), RetainUntilDate: aws.Time(base.Add(tc.shift))}}
			if tc.bypass {
				in.BypassGovernanceRetention = aws.Bool(true)
			}
			_, err := e.srv.Client(tc.by).PutObjectRetention(e.ctx, in)
			want := lkLock{tc.from, base}
			if tc.allowed {
				lkOK(t, err, "PutObjectRetention")
				want = lkLock{tc.to, base.Add(tc.shift)}
			} else {
				wantErr(t, err, 403, "AccessDenied", "")
			}
			if d := cmp.Diff(want, lkHead(t, e, b, key, vid)); d != "" {
				t.Errorf("lock after the change (-want +got):\n%s", d)
			}
		})
	}
}

func TestLockDeleteWithoutVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := lkBucket(t, e, "lock-marker", 0)
	for _, mode := range []s3types.ObjectLockMode{lkGov, lkComp} {
		key := string(mode)
		vid := lkPut(t, e, b, key, mode, time.Now().Add(time.Hour), s3types.ObjectLockLegalHoldStatusOn)
		// S3 User Guide, "Locking objects with Object Lock": locks
		// "don't prevent new versions of the object from being created, or
		// delete markers to be added on top of the object"; moto's
		// AWS-verified tests: "Delete the object without VersionId always
		// succeeds".
		out, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
		lkOK(t, err, string(mode)+": DeleteObject without versionId")
		if !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) == "" || aws.ToString(out.VersionId) == vid {
			t.Errorf("%s: DeleteObject DeleteMarker %v VersionId %q, want a new delete marker", mode, out.DeleteMarker, aws.ToString(out.VersionId))
		}
		_, err = e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)})
		wantErr(t, err, 404, "NoSuchKey", "")
		lkStill(t, e, b, key, vid, false)
	}
}

// lkResult is one key of a DeleteObjects answer.
type lkResult struct {
	Key, VersionID, Code, Message string
	Marker                        bool
}

func lkResults(out *s3.DeleteObjectsOutput) []lkResult {
	var rs []lkResult
	for _, d := range out.Deleted {
		rs = append(rs, lkResult{Key: aws.ToString(d.Key), VersionID: aws.ToString(d.VersionId), Marker: aws.ToBool(d.DeleteMarker)})
	}
	for _, x := range out.Errors {
		rs = append(rs, lkResult{Key: aws.ToString(x.Key), VersionID: aws.ToString(x.VersionId), Code: aws.ToString(x.Code), Message: aws.ToString(x.Message)})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Key < rs[j].Key })
	return rs
}

func TestLockDeleteObjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := lkBucket(t, e, "lock-multi", 0)
	lkGrantStranger(t, e, b, "s3:DeleteObject", "s3:DeleteObjectVersion")
	until := time.Now().Add(time.Hour)
	// put writes, under prefix, a COMPLIANCE version, a free one, a
	// GOVERNANCE one and one on legal hold, and names them with a key to
	// delete without version ID.
	put := func(t *testing.T, p string) []s3types.ObjectIdentifier {
		id := func(k, vid string) s3types.ObjectIdentifier {
			return s3types.ObjectIdentifier{Key: aws.String(p + k), VersionId: aws.String(vid)}
		}
		return []s3types.ObjectIdentifier{id("comp", lkPut(t, e, b, p+"comp", lkComp, until, "")), id("free", lkPut(t, e, b, p+"free", "", until, "")),
			id("gov", lkPut(t, e, b, p+"gov", lkGov, until, "")), id("hold", lkPut(t, e, b, p+"hold", "", until, s3types.ObjectLockLegalHoldStatusOn)),
			{Key: aws.String(p + "marker")}}
	}
	result := func(o s3types.ObjectIdentifier, locked bool) lkResult {
		if locked {
			return lkResult{Key: *o.Key, VersionID: *o.VersionId, Code: "AccessDenied", Message: lkLocked}
		}
		return lkResult{Key: *o.Key, VersionID: aws.ToString(o.VersionId), Marker: o.VersionId == nil}
	}
	// S3 API Reference, DeleteObjects: "For each key, Amazon S3 performs a
	// delete operation and returns the result of that delete, success, or
	// failure"; x-amz-bypass-governance-retention "Specifies whether you
	// want to delete this object even if it has a Governance-type Object
	// Lock in place". moto's AWS-verified test_locked_object_governance_mode
	// and _compliance_mode: 200, each locked version a per-key
	// AccessDenied, governance versions deleted with the header.
	for _, bypass := range []bool{false, true} {
		t.Run(fmt.Sprintf("bypass %v", bypass), func(t *testing.T) {
			objs := put(t, fmt.Sprintf("%v-", bypass))
			in := &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &s3types.Delete{Objects: objs}}
			if bypass {
				in.BypassGovernanceRetention = aws.Bool(true)
			}
			out, err := e.c.DeleteObjects(e.ctx, in)
			lkOK(t, err, "DeleteObjects (want 200 with per-key results)")
			want := []lkResult{result(objs[0], true), result(objs[1], false), result(objs[2], !bypass), result(objs[3], true), result(objs[4], false)}
			if d := cmp.Diff(want, lkResults(out)); d != "" {
				t.Errorf("DeleteObjects results (-want +got):\n%s", d)
			}
		})
	}
	// The header without s3:BypassGovernanceRetention deletes no
	// governance version: that key fails, the request does not.
	t.Run("bypass without its permission", func(t *testing.T) {
		objs := put(t, "stranger-")
		out, err := e.srv.Client(stranger).DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b),
			BypassGovernanceRetention: aws.Bool(true), Delete: &s3types.Delete{Objects: objs[2:3]}})
		lkOK(t, err, "DeleteObjects (want 200 with per-key results)")
		if got := lkResults(out); len(got) != 1 || got[0].Code != "AccessDenied" {
			t.Errorf("DeleteObjects results %+v, want one AccessDenied error", got)
		}
		lkStill(t, e, b, *objs[2].Key, *objs[2].VersionId, false)
	})
}

func TestLockBypassWithoutObjectLock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "lock-none-bypass")
	v1 := e.put(t, b, "a", "a")
	e.put(t, b, "b", "b")
	// DeleteObjects answers key by key (S3 API Reference, DeleteObjects),
	// not with a 403 for the whole request.
	out, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), BypassGovernanceRetention: aws.Bool(true),
		Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("a"), VersionId: aws.String(v1)}, {Key: aws.String("b")}}}})
	lkOK(t, err, "DeleteObjects with bypass on a bucket without Object Lock (want per-key results)")
	var keys []string
	for _, r := range lkResults(out) {
		keys = append(keys, r.Key)
	}
	if d := cmp.Diff([]string{"a", "b"}, keys); d != "" {
		t.Errorf("DeleteObjects keys answered (-want +got):\n%s", d)
	}
	// DeleteObject with the header on a bucket without Object Lock: 400
	// InvalidArgument "x-amz-bypass-governance-retention is only applicable
	// to Object Lock enabled buckets." (versitygw issue 1218, direct to S3;
	// jamesmcm/s3rename issue 10).
	wantErr(t, lkDelete(e, e.c, b, "b", "", true), 400, "InvalidArgument", "only applicable to Object Lock enabled buckets")
}
