package conformance_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// acTagSet is n tags k0=v0 ... and then extra.
func acTagSet(n int, extra ...s3types.Tag) []s3types.Tag {
	var ts []s3types.Tag
	for i := range n {
		ts = append(ts, s3types.Tag{Key: aws.String(fmt.Sprintf("k%d", i)), Value: aws.String(fmt.Sprintf("v%d", i))})
	}
	return append(ts, extra...)
}

func TestTaggingByVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "tag-versions")
	v1 := e.put(t, b, "k", "one")
	v2 := e.put(t, b, "k", "two")
	get := func(vid, wantVID string) map[string]string {
		t.Helper()
		in := &s3.GetObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k")}
		if vid != "" {
			in.VersionId = aws.String(vid)
		}
		out, err := e.c.GetObjectTagging(e.ctx, in)
		lkOK(t, err, "GetObjectTagging")
		if aws.ToString(out.VersionId) != wantVID {
			t.Errorf("GetObjectTagging VersionId %q, want %q", aws.ToString(out.VersionId), wantVID)
		}
		m := map[string]string{}
		for _, tag := range out.TagSet {
			m[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
		}
		return m
	}
	// S3 API Reference, PutObjectTagging, GetObjectTagging ("By default
	// ... current version"), DeleteObjectTagging: "use the versionId query
	// parameter" for any other version.
	_, err := e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(v1),
		Tagging: &s3types.Tagging{TagSet: acTagSet(2)}})
	lkOK(t, err, "PutObjectTagging")
	if d := cmp.Diff(map[string]string{"k0": "v0", "k1": "v1"}, get(v1, v1)); d != "" {
		t.Errorf("tags of the older version (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]string{}, get("", v2)); d != "" {
		t.Errorf("tags of the current version (-want +got):\n%s", d)
	}
	_, err = e.c.DeleteObjectTagging(e.ctx, &s3.DeleteObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"), VersionId: aws.String(v1)})
	lkOK(t, err, "DeleteObjectTagging")
	if d := cmp.Diff(map[string]string{}, get(v1, v1)); d != "" {
		t.Errorf("tags of the older version after DeleteObjectTagging (-want +got):\n%s", d)
	}
}

func TestTaggingLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "tag-limits")
	e.put(t, b, "k", "body")
	tag := func(k, v string) s3types.Tag { return s3types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	cases := []struct {
		name            string
		tags            []s3types.Tag
		status          int
		code, msgSubstr string
	}{
		// S3 User Guide, "Categorizing your storage using tags": "up to 10
		// tags", "unique tag keys", keys up to 128 and values up to 256
		// Unicode characters.
		{"ten tags", acTagSet(10), 200, "", ""},
		// Real S3: 400 BadRequest (boto/boto3 issue 1213).
		{"eleven tags", acTagSet(11), 400, "BadRequest", "Object tags cannot be greater than 10"},
		// Real S3 (aws/aws-sdk-java issue 1583).
		{"duplicate keys", acTagSet(1, tag("k0", "other")), 400, "InvalidTag", "Cannot provide multiple Tags with the same key"},
		// EC2 API Reference, S3ObjectTag: a key "May not begin with aws:";
		// S3 answers InvalidTag (cloud-custodian issue 370).
		{"aws: prefix", []s3types.Tag{tag("aws:owner", "me")}, 400, "InvalidTag", ""},
		// Direct to S3 (versitygw issues 1232, 2039).
		{"key of 129 characters", []s3types.Tag{tag(strings.Repeat("k", 129), "v")}, 400, "InvalidTag", "The TagKey you have provided is invalid"},
		{"value of 257 characters", []s3types.Tag{tag("k", strings.Repeat("v", 257))}, 400, "InvalidTag", "The TagValue you have provided is invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.c.PutObjectTagging(e.ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(b), Key: aws.String("k"),
				Tagging: &s3types.Tagging{TagSet: tc.tags}})
			if tc.status == 200 {
				lkOK(t, err, "PutObjectTagging")
			} else {
				wantErr(t, err, tc.status, tc.code, tc.msgSubstr)
			}
		})
	}
}

// acGrant is one grant of an ACL.
type acGrant struct{ Type, ID, URI, Permission string }

// acGrants returns an ACL's grants in a stable order.
func acGrants(gs []s3types.Grant) []acGrant {
	var out []acGrant
	for _, g := range gs {
		out = append(out, acGrant{string(g.Grantee.Type), aws.ToString(g.Grantee.ID), aws.ToString(g.Grantee.URI), string(g.Permission)})
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// acACLBucket creates a bucket with ACLs enabled (ObjectWriter) and the
// Block Public Access settings given, none when pab is nil.
func acACLBucket(t *testing.T, e *env, name string, pab *s3types.PublicAccessBlockConfiguration) string {
	t.Helper()
	e.bucket(t, name)
	_, err := e.c.PutBucketOwnershipControls(e.ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(name),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnershipObjectWriter}}}})
	lkOK(t, err, "PutBucketOwnershipControls")
	if pab == nil {
		_, err = e.c.DeletePublicAccessBlock(e.ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(name)})
	} else {
		_, err = e.c.PutPublicAccessBlock(e.ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name), PublicAccessBlockConfiguration: pab})
	}
	lkOK(t, err, "Block Public Access")
	return name
}

// acSetACL sets an ACL with PutObject (of key+"-new") or PutObjectAcl.
func acSetACL(e *env, bucket, key string, objectACL bool, acl s3types.ObjectCannedACL, grantRead string) error {
	if objectACL {
		_, err := e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: aws.String(bucket), Key: aws.String(key), ACL: acl})
		return err
	}
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key + "-new"), Body: strings.NewReader("x"), ACL: acl}
	if grantRead != "" {
		in.GrantRead = aws.String(grantRead)
	}
	_, err := e.c.PutObject(e.ctx, in)
	return err
}

func TestACLsDisabledByDefault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "acl-default")
	e.put(t, b, "k", "x")
	// S3 User Guide, "Controlling ownership of objects and disabling ACLs":
	// new buckets are "Bucket owner enforced", ACLs off.
	oc, err := e.c.GetBucketOwnershipControls(e.ctx, &s3.GetBucketOwnershipControlsInput{Bucket: aws.String(b)})
	if err != nil || len(oc.OwnershipControls.Rules) != 1 || oc.OwnershipControls.Rules[0].ObjectOwnership != s3types.ObjectOwnershipBucketOwnerEnforced {
		t.Fatalf("GetBucketOwnershipControls %+v, %v; want BucketOwnerEnforced", oc, err)
	}
	lb, err := e.srv.Client(stranger).ListBuckets(e.ctx, &s3.ListBucketsInput{})
	lkOK(t, err, "ListBuckets")
	// S3 API Reference, PutObject: then "PUT requests that contain other
	// ACLs ... fail and return a 400 error with the error code
	// AccessControlListNotSupported" (research b.md §11); a new bucket,
	// Block Public Access on too, answers --acl public-read so
	// (jakejarvis/s3-sync-action issue 85, 2024).
	cases := []struct {
		name      string
		objectACL bool
		acl       s3types.ObjectCannedACL
		grant     string
		ok        bool
	}{
		{"PutObject public-read", false, s3types.ObjectCannedACLPublicRead, "", false},
		{"PutObjectAcl public-read", true, s3types.ObjectCannedACLPublicRead, "", false},
		{"PutObject grant to another account", false, "", "id=" + aws.ToString(lb.Owner.ID), false},
		{"PutObject bucket-owner-full-control", false, s3types.ObjectCannedACLBucketOwnerFullControl, "", true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := acSetACL(e, b, map[bool]string{true: "k", false: fmt.Sprint(i)}[tc.objectACL], tc.objectACL, tc.acl, tc.grant)
			if tc.ok {
				lkOK(t, err, tc.name)
			} else {
				wantErr(t, err, 400, "AccessControlListNotSupported", "The bucket does not allow ACLs")
			}
		})
	}
}

func TestObjectACLs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := acACLBucket(t, e, "acl-object", nil)
	e.put(t, b, "k", "first")
	// S3 User Guide, "Access control list (ACL) overview": public-read-write
	// (bucket and object): "Owner gets FULL_CONTROL. The AllUsers group gets
	// READ and WRITE access." WRITE on an object is "Not applicable":
	// stored, no effect (aws/aws-sdk-java issue 780; research b.md §11).
	lkOK(t, acSetACL(e, b, "k", true, s3types.ObjectCannedACLPublicReadWrite, ""), "PutObjectAcl public-read-write")
	acl, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("k")})
	lkOK(t, err, "GetObjectAcl")
	lb, err := e.c.ListBuckets(e.ctx, &s3.ListBucketsInput{})
	lkOK(t, err, "ListBuckets")
	owner := aws.ToString(lb.Owner.ID)
	if got := aws.ToString(acl.Owner.ID); got != owner || owner == "" {
		t.Errorf("GetObjectAcl Owner %q, want the account's canonical ID %q", got, owner)
	}
	const allUsers = "http://acs.amazonaws.com/groups/global/AllUsers"
	want := []acGrant{{"CanonicalUser", owner, "", "FULL_CONTROL"}, {"Group", "", allUsers, "READ"}, {"Group", "", allUsers, "WRITE"}}
	if d := cmp.Diff(want, acGrants(acl.Grants)); d != "" {
		t.Errorf("GetObjectAcl grants (-want +got):\n%s", d)
	}
	// S3 API Reference, GetObject: READ granted to the anonymous user.
	anon := e.srv.Client(anonymous)
	out, err := anon.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	lkOK(t, err, "anonymous GetObject of a public-read object")
	if got := readAll(t, out.Body); got != "first" {
		t.Errorf("anonymous GetObject body %q, want %q", got, "first")
	}
	// AllUsers WRITE on the object has no effect: an anonymous overwrite
	// is still AccessDenied (aws/aws-sdk-java issue 780).
	_, err = anon.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader("anon")})
	wantErr(t, err, 403, "AccessDenied", "")
	// The owner still reads, overwrites and deletes it.
	if got, _ := e.get(t, b, "k"); got != "first" {
		t.Errorf("GetObject body %q, want %q", got, "first")
	}
	e.put(t, b, "k", "second")
	if got, _ := e.get(t, b, "k"); got != "second" {
		t.Errorf("GetObject after overwrite %q, want %q", got, "second")
	}
	_, err = e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	lkOK(t, err, "DeleteObject")
	_, err = e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantErr(t, err, 404, "NoSuchKey", "")
}

func TestBlockPublicAcls(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := acACLBucket(t, e, "acl-blocked", &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)})
	e.put(t, b, "k", "x")
	// S3 API Reference, PublicAccessBlockConfiguration, BlockPublicAcls:
	// "PUT Object ACL calls fail if the specified ACL is public. PUT Object
	// calls fail if the request includes a public ACL", with "an access
	// denied error" (console text quoted in saksdirect/sbt-aws-lambda PR
	// 59). S3 User Guide, "The meaning of public": AllUsers or
	// AuthenticatedUsers grants.
	for _, acl := range []s3types.ObjectCannedACL{s3types.ObjectCannedACLPublicRead, s3types.ObjectCannedACLPublicReadWrite,
		s3types.ObjectCannedACLAuthenticatedRead, s3types.ObjectCannedACLPrivate, s3types.ObjectCannedACLBucketOwnerFullControl} {
		public := acl != s3types.ObjectCannedACLPrivate && acl != s3types.ObjectCannedACLBucketOwnerFullControl
		for _, objectACL := range []bool{false, true} {
			err := acSetACL(e, b, "k", objectACL, acl, "")
			if got := asAPIErr(err); public && (got.Status != 403 || got.Code != "AccessDenied") || !public && err != nil {
				t.Errorf("ACL %s (PutObjectAcl %v): %+v (%v), want refused %v with 403 AccessDenied", acl, objectACL, got, err, public)
			}
		}
	}
}

func TestACLGrantUnknownID(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := acACLBucket(t, e, "acl-unknown", nil)
	e.put(t, b, "k", "x")
	acl, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: aws.String(b), Key: aws.String("k")})
	lkOK(t, err, "GetObjectAcl")
	unknown := strings.Repeat("ab", 32) // well-formed, no such account
	// Real S3: 400 InvalidArgument "Invalid id" (ceph/s3-tests comments
	// quoting AWS; aws/aws-cli issue 2651; research b.md §11).
	_, err = e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: aws.String(b), Key: aws.String("k"),
		AccessControlPolicy: &s3types.AccessControlPolicy{Owner: acl.Owner, Grants: []s3types.Grant{
			{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String(unknown)}, Permission: s3types.PermissionRead}}}})
	wantErr(t, err, 400, "InvalidArgument", "Invalid id")
	wantErr(t, acSetACL(e, b, "k", false, "", "id="+unknown), 400, "InvalidArgument", "Invalid id")
}

func TestBucketPolicies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "policy-cross")
	e.put(t, b, "doc", "shared")
	e.put(t, b, "secret/x", "hidden")
	read := func(c *s3.Client, bucket, key string) error {
		_, err := c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		return err
	}
	setPolicy := func(bucket, doc string) error {
		_, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)})
		return err
	}
	// S3 User Guide, "Bucket owner granting cross-account bucket
	// permissions"; IAM User Guide, "Policy evaluation logic": an explicit
	// deny overrides any allow.
	other := e.srv.Client(stranger)
	wantErr(t, read(other, b, "doc"), 403, "AccessDenied", "")
	lkOK(t, setPolicy(b, fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"},
	 {"Effect":"Deny","Principal":{"AWS":%q},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/secret/*"}]}`, otherAccount, b, stranger, b)), "PutBucketPolicy")
	lkOK(t, read(other, b, "doc"), "stranger GetObject after the grant")
	wantErr(t, read(other, b, "secret/x"), 403, "AccessDenied", "")
	lkOK(t, read(e.c, b, "secret/x"), "admin GetObject")

	// S3 API Reference, PublicAccessBlockConfiguration, BlockPublicPolicy:
	// S3 rejects "PUT Bucket policy if the specified bucket policy allows
	// public access"; real S3: AccessDenied (torchbox/buckup PR 18).
	pb := e.bucket(t, "policy-public")
	e.put(t, pb, "k", "public")
	public := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, pb)
	wantErr(t, setPolicy(pb, public), 403, "AccessDenied", "")
	_, err := e.c.DeletePublicAccessBlock(e.ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(pb)})
	lkOK(t, err, "DeletePublicAccessBlock")
	lkOK(t, setPolicy(pb, public), "PutBucketPolicy without Block Public Access")
	lkOK(t, read(e.srv.Client(anonymous), pb, "k"), "anonymous GetObject under a public policy")
}

// acSSE is how HeadObject says an object is encrypted.
type acSSE struct{ SSE, KMSKey, CustomerAlg, CustomerMD5 string }

func acHead(t *testing.T, e *env, bucket, key string, fns ...func(*s3.HeadObjectInput)) acSSE {
	t.Helper()
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	for _, f := range fns {
		f(in)
	}
	h, err := e.c.HeadObject(e.ctx, in)
	lkOK(t, err, "HeadObject "+key)
	return acSSE{string(h.ServerSideEncryption), aws.ToString(h.SSEKMSKeyId), aws.ToString(h.SSECustomerAlgorithm), aws.ToString(h.SSECustomerKeyMD5)}
}

func TestServerSideEncryption(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "sse")
	// S3 User Guide, "Setting default server-side encryption behavior":
	// SSE-S3 by default. S3 API Reference, PutObject: the KMS key ID "that
	// was used for object encryption" is returned; CopyObject: the target
	// may use "a different type of encryption setting".
	p, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("s3"), Body: strings.NewReader("plain")})
	lkOK(t, err, "PutObject")
	k, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("kms"), Body: strings.NewReader("secret"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(kmsKey)})
	lkOK(t, err, "PutObject SSE-KMS")
	c, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("copy"), CopySource: aws.String(b + "/s3"),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(kmsKey)})
	lkOK(t, err, "CopyObject SSE-S3 to SSE-KMS")
	got := []acSSE{{SSE: string(p.ServerSideEncryption)}, acHead(t, e, b, "s3"),
		{SSE: string(k.ServerSideEncryption), KMSKey: aws.ToString(k.SSEKMSKeyId)}, acHead(t, e, b, "kms"),
		{SSE: string(c.ServerSideEncryption), KMSKey: aws.ToString(c.SSEKMSKeyId)}, acHead(t, e, b, "copy")}
	sseS3, sseKMS := acSSE{SSE: "AES256"}, acSSE{SSE: "aws:kms", KMSKey: kmsKey}
	if d := cmp.Diff([]acSSE{sseS3, sseS3, sseKMS, sseKMS, sseKMS, sseKMS}, got); d != "" {
		t.Errorf("encryption of PutObject, HeadObject (SSE-S3, SSE-KMS) and CopyObject, HeadObject (-want +got):\n%s", d)
	}
	if body, _ := e.get(t, b, "copy"); body != "plain" {
		t.Errorf("GetObject of the copy %q, want %q", body, "plain")
	}
}

// acAllowSSEC unblocks SSE-C on a bucket (S3 User Guide, "Blocking or
// unblocking SSE-C for a general purpose bucket": BlockedEncryptionTypes
// NONE).
func acAllowSSEC(t *testing.T, e *env, b string) {
	t.Helper()
	_, err := e.c.PutBucketEncryption(e.ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(b),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAes256},
			BlockedEncryptionTypes:             &s3types.BlockedEncryptionTypes{EncryptionType: []s3types.EncryptionType{s3types.EncryptionTypeNone}}}}}})
	lkOK(t, err, "PutBucketEncryption")
}

func TestSSEC(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	b := e.bucket(t, "ssec")
	raw := []byte(strings.Repeat("k", 32))
	sum := md5.Sum(raw)
	alg, key, keyMD5 := aws.String("AES256"), aws.String(base64.StdEncoding.EncodeToString(raw)), aws.String(base64.StdEncoding.EncodeToString(sum[:]))
	put := func(e *env, k string, md5 *string) error {
		_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(k), Body: strings.NewReader("customer"),
			SSECustomerAlgorithm: alg, SSECustomerKey: key, SSECustomerKeyMD5: md5})
		return err
	}
	// SSE-C is blocked on new buckets since April 2026: 403 AccessDenied
	// (ministackorg/ministack PR 1439, after the S3 User Guide).
	wantErr(t, put(e, "blocked", keyMD5), 403, "AccessDenied", "")
	acAllowSSEC(t, e, b)
	lkOK(t, put(e, "k", keyMD5), "PutObject SSE-C")
	// S3 API Reference, HeadObject: the algorithm and key MD5 are
	// confirmed; GetObject: with SSE-C "you must use the following headers".
	head := acHead(t, e, b, "k", func(in *s3.HeadObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, keyMD5
	})
	if d := cmp.Diff(acSSE{CustomerAlg: "AES256", CustomerMD5: *keyMD5}, head); d != "" {
		t.Errorf("HeadObject of SSE-C (-want +got):\n%s", d)
	}
	if got, _ := e.get(t, b, "k", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, keyMD5
	}); got != "customer" {
		t.Errorf("GetObject SSE-C body %q, want %q", got, "customer")
	}
	_, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	wantErr(t, err, 400, "InvalidRequest", "")
	// The key's MD5 is one of the three headers SSE-C requires (S3 User
	// Guide, "Using server-side encryption with customer-provided keys").
	wantErr(t, put(e, "nomd5", nil), 400, "InvalidArgument", "")
	// S3 API Reference, CopyObject: an SSE-C source needs the
	// x-amz-copy-source-server-side-encryption-customer-* headers.
	cp := &s3.CopyObjectInput{Bucket: aws.String(b), Key: aws.String("copy"), CopySource: aws.String(b + "/k"), ServerSideEncryption: s3types.ServerSideEncryptionAes256}
	_, err = e.c.CopyObject(e.ctx, cp)
	wantErr(t, err, 400, "InvalidRequest", "")
	cp.CopySourceSSECustomerAlgorithm, cp.CopySourceSSECustomerKey, cp.CopySourceSSECustomerKeyMD5 = alg, key, keyMD5
	_, err = e.c.CopyObject(e.ctx, cp)
	lkOK(t, err, "CopyObject SSE-C to SSE-S3")
	if d := cmp.Diff(acSSE{SSE: "AES256"}, acHead(t, e, b, "copy")); d != "" {
		t.Errorf("HeadObject of the copy (-want +got):\n%s", d)
	}
	if got, _ := e.get(t, b, "copy"); got != "customer" {
		t.Errorf("GetObject of the copy %q, want %q", got, "customer")
	}
	// S3 User Guide, "Using server-side encryption with customer-provided
	// keys": "Amazon S3 rejects any requests made over HTTP when using SSE-C".
	plain := newEnv(t, false)
	plain.bucket(t, b)
	acAllowSSEC(t, plain, b)
	wantErr(t, put(plain, "http", keyMD5), 400, "InvalidRequest", "secure connection")
}

// acPastSigner presigns as if it were by earlier.
type acPastSigner struct{ by time.Duration }

func (p acPastSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	at time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	s := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	return s.PresignHTTP(ctx, creds, r, payloadHash, service, region, at.Add(-p.by), optFns...)
}

// acSend sends a presigned request with the server's HTTP client and
// returns its body and status, with the code and message of an error.
func acSend(t *testing.T, e *env, method, url string, h http.Header, body string) (string, apiErr) {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	lkOK(t, err, "NewRequest")
	for k, vs := range h {
		if k != "Host" {
			r.Header[k] = vs
		}
	}
	resp, err := e.srv.HTTPClient().Do(r)
	lkOK(t, err, method)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var doc struct{ Code, Message string }
	_ = xml.Unmarshal(raw, &doc)
	return string(raw), apiErr{resp.StatusCode, doc.Code, doc.Message}
}

func TestPresignedURLs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	b := e.bucket(t, "presign")
	e.put(t, b, "k", "presigned")
	ps := s3.NewPresignClient(e.c)
	// S3 User Guide, "Download and upload objects with presigned URLs".
	g, err := ps.PresignGetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	lkOK(t, err, "PresignGetObject")
	if body, ae := acSend(t, e, g.Method, g.URL, g.SignedHeader, ""); ae.Status != 200 || body != "presigned" {
		t.Errorf("presigned GET: %d %q, want 200 %q", ae.Status, body, "presigned")
	}
	p, err := ps.PresignPutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("up")})
	lkOK(t, err, "PresignPutObject")
	if body, ae := acSend(t, e, p.Method, p.URL, p.SignedHeader, "uploaded"); ae.Status != 200 {
		t.Errorf("presigned PUT: %d %s", ae.Status, body)
	}
	if got, _ := e.get(t, b, "up"); got != "uploaded" {
		t.Errorf("GetObject after the presigned PUT %q, want %q", got, "uploaded")
	}
	// Expired: 403 AccessDenied "Request has expired" (real S3 body in
	// aws/aws-sdk-js issue 3493).
	old, err := ps.PresignGetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")}, func(o *s3.PresignOptions) {
		o.Presigner, o.Expires = acPastSigner{2 * time.Hour}, 15*time.Minute
	})
	lkOK(t, err, "PresignGetObject")
	if _, ae := acSend(t, e, old.Method, old.URL, old.SignedHeader, ""); ae != (apiErr{403, "AccessDenied", "Request has expired"}) {
		t.Errorf("expired presigned GET %+v, want 403 AccessDenied %q", ae, "Request has expired")
	}
	// Tampered: the signature no longer matches the request, 403
	// SignatureDoesNotMatch (S3 API Reference, "Error responses").
	for name, url := range map[string]string{
		"other key":       strings.Replace(g.URL, "/k?", "/up?", 1),
		"other signature": g.URL[:len(g.URL)-4] + "0000",
		"longer expiry":   strings.Replace(g.URL, "X-Amz-Expires=900", "X-Amz-Expires=901", 1),
	} {
		if url == g.URL {
			t.Fatalf("%s: the URL was not changed: %s", name, url)
		}
		if _, ae := acSend(t, e, g.Method, url, g.SignedHeader, ""); ae.Status != 403 || ae.Code != "SignatureDoesNotMatch" {
			t.Errorf("%s: presigned GET %+v, want 403 SignatureDoesNotMatch", name, ae)
		}
	}
}
