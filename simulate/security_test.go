package simulate_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3vet/s3vet/simulate"
)

// The simulator's promise: no principal reads, writes or deletes what its
// policies deny, whatever the shape of the request. These tests try to
// break it as an attacker would: with shapes that a second router could
// read otherwise, with repeated parameters, and with requests that name
// an older version whose security state differs from the current one's
// (S3 keeps encryption, Object Lock, owner, ACL and tags per version).

// signedRequest sends a request signed with SigV4 as principal (the SDK's
// signer, its first access key), with the query given raw, so that any
// shape can be sent, and returns the status and body.
func signedRequest(t testing.TB, srv *simulate.Server, principal, method, path, rawQuery string, header http.Header, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.URL.RawQuery = rawQuery
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if h := header.Get("Host"); h != "" {
		req.Host = h
		req.Header.Del("Host")
	}
	sum := sha256.Sum256(body)
	payload := hex.EncodeToString(sum[:])
	req.Header.Set("X-Amz-Content-Sha256", payload)
	if principal != anon {
		creds, err := srv.Config(principal).Credentials.Retrieve(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, payload, "s3", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// versionedWorld has a versioned bucket "vault" of account 444444444444,
// with SSE-C allowed, Object Lock, a KMS key only the admin may use, and
// a reader allowed every read of vault but no KMS key.
func versionedWorld(t testing.TB) *simulate.World {
	w, err := simulate.LoadWorld(strings.NewReader(`{
	  "accounts": [{
	    "id": "444444444444",
	    "users": [
	      {"name": "admin", "accessKeys": [{"id": "AKIAVADMIN0000000001", "secret": "admin-secret"}],
	       "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}]},
	      {"name": "reader", "accessKeys": [{"id": "AKIAVREADER000000001", "secret": "reader-secret"}],
	       "policies": [{"Version": "2012-10-17", "Statement": [
	         {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention"],
	          "Resource": ["arn:aws:s3:::vault", "arn:aws:s3:::vault/*"]},
	         {"Effect": "Deny", "Action": "s3:GetObject*", "Resource": "arn:aws:s3:::vault/*",
	          "Condition": {"StringEquals": {"s3:ExistingObjectTag/class": "secret"}}}]}]}
	    ],
	    "kmsKeys": [{"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "policy": {"Version": "2012-10-17", "Statement": [
	      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444444444444:user/admin"}, "Action": "kms:*", "Resource": "*"}]}}],
	    "buckets": [{"name": "vault", "versioning": "Enabled",
	      "encryption": {"algorithm": "AES256", "blockedEncryptionTypes": ["NONE"]}}]
	  }]}`))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

const (
	vAdmin  = "arn:aws:iam::444444444444:user/admin"
	vReader = "arn:aws:iam::444444444444:user/reader"
	vKey    = "arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

// sseC returns an SSE-C key and its MD5, in base64.
func sseC(fill byte) (key, sum string) {
	k := bytes.Repeat([]byte{fill}, 32)
	s := md5.Sum(k)
	return base64.StdEncoding.EncodeToString(k), base64.StdEncoding.EncodeToString(s[:])
}

// An older version keeps its own SSE-C key, KMS key, tags and Object Lock
// retention: a request that names it is checked against it, not against
// the current version (S3 User Guide, "How S3 Versioning works": each
// version is an object of its own; "Locking objects with Object Lock":
// retention is set per version).
func TestPerVersionSecurityState(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, versionedWorld(t))
	ctx := context.Background()
	admin, reader := srv.Client(vAdmin), srv.Client(vReader)
	b := aws.String("vault")
	putV := func(in *s3.PutObjectInput) string {
		t.Helper()
		in.Bucket = b
		out, err := admin.PutObject(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.VersionId)
	}
	getV := func(c *s3.Client, key, vid string, opt ...func(*s3.GetObjectInput)) (string, error) {
		in := &s3.GetObjectInput{Bucket: b, Key: aws.String(key)}
		if vid != "" {
			in.VersionId = aws.String(vid)
		}
		for _, o := range opt {
			o(in)
		}
		out, err := c.GetObject(ctx, in)
		if err != nil {
			return "", err
		}
		defer out.Body.Close()
		body, err := io.ReadAll(out.Body)
		return string(body), err
	}

	t.Run("SSE-C version hidden by a delete marker", func(t *testing.T) {
		k, m := sseC(3)
		vid := putV(&s3.PutObjectInput{Key: aws.String("c.bin"), Body: strings.NewReader("sealed"),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k), SSECustomerKeyMD5: aws.String(m)})
		if _, err := admin.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("c.bin")}); err != nil {
			t.Fatal(err)
		}
		_, err := getV(reader, "c.bin", vid)
		wantError(t, err, "InvalidRequest", "The object was stored using a form of Server Side Encryption")
		body, err := getV(reader, "c.bin", vid, func(in *s3.GetObjectInput) {
			in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = aws.String("AES256"), aws.String(k), aws.String(m)
		})
		if err != nil || body != "sealed" {
			t.Fatalf("with its key: %q %v", body, err)
		}
	})

	t.Run("SSE-KMS version under a newer SSE-S3 version", func(t *testing.T) {
		vid := putV(&s3.PutObjectInput{Key: aws.String("k.bin"), Body: strings.NewReader("kms"),
			ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(vKey)})
		putV(&s3.PutObjectInput{Key: aws.String("k.bin"), Body: strings.NewReader("plain")})
		if body, err := getV(reader, "k.bin", ""); err != nil || body != "plain" {
			t.Fatalf("current SSE-S3 version: %q %v", body, err)
		}
		_, err := getV(reader, "k.bin", vid)
		wantError(t, err, "AccessDenied", "kms:Decrypt")
		// The copy reads the version it names, with its key.
		_, err = reader.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("k-copy.bin"),
			CopySource: aws.String("vault/k.bin?versionId=" + vid)})
		wantError(t, err, "AccessDenied", "kms:Decrypt")
		if _, err := reader.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("k-copy.bin"),
			CopySource: aws.String("vault/k.bin")}); err != nil {
			t.Fatalf("copy of the current version: %v", err)
		}
		// So does a part copy.
		up, err := reader.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("k-part.bin")})
		if err != nil {
			t.Fatal(err)
		}
		partCopy := func(src string) error {
			_, err := reader.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("k-part.bin"), UploadId: up.UploadId,
				PartNumber: aws.Int32(1), CopySource: aws.String(src)})
			return err
		}
		wantError(t, partCopy("vault/k.bin?versionId="+vid), "AccessDenied", "kms:Decrypt")
		if err := partCopy("vault/k.bin"); err != nil {
			t.Fatalf("part copy of the current version: %v", err)
		}
	})

	t.Run("checksum of the version named", func(t *testing.T) {
		// Each version keeps the checksum it was written with; a GET of
		// an older version answers its own (S3 User Guide, "Checking
		// object integrity").
		sum := func(s string) string { return base64.StdEncoding.EncodeToString(sha256Sum([]byte(s))) }
		old := putV(&s3.PutObjectInput{Key: aws.String("sum.txt"), Body: strings.NewReader("first"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		putV(&s3.PutObjectInput{Key: aws.String("sum.txt"), Body: strings.NewReader("second"), ChecksumAlgorithm: types.ChecksumAlgorithmSha256})
		for vid, want := range map[string]string{old: sum("first"), "": sum("second")} {
			in := &s3.HeadObjectInput{Bucket: b, Key: aws.String("sum.txt"), ChecksumMode: types.ChecksumModeEnabled}
			if vid != "" {
				in.VersionId = aws.String(vid)
			}
			out, err := admin.HeadObject(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToString(out.ChecksumSHA256); got != want {
				t.Errorf("version %q: checksum %q, want %q", vid, got, want)
			}
		}
	})

	t.Run("tags of the version named", func(t *testing.T) {
		vid := putV(&s3.PutObjectInput{Key: aws.String("t.txt"), Body: strings.NewReader("classified"), Tagging: aws.String("class=secret")})
		putV(&s3.PutObjectInput{Key: aws.String("t.txt"), Body: strings.NewReader("public")})
		if body, err := getV(reader, "t.txt", ""); err != nil || body != "public" {
			t.Fatalf("current untagged version: %q %v", body, err)
		}
		_, err := getV(reader, "t.txt", vid)
		wantError(t, err, "AccessDenied", "explicit deny in an identity-based policy")
		_, err = reader.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: aws.String("t-copy.txt"),
			CopySource: aws.String("vault/t.txt?versionId=" + vid)})
		wantError(t, err, "AccessDenied", "explicit deny in an identity-based policy")
	})

	t.Run("COMPLIANCE-locked version under newer versions", func(t *testing.T) {
		if _, err := admin.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: b,
			ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}}); err != nil {
			t.Fatal(err)
		}
		locked := putV(&s3.PutObjectInput{Key: aws.String("l.txt"), Body: strings.NewReader("kept"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
			ObjectLockMode: types.ObjectLockModeCompliance, ObjectLockRetainUntilDate: aws.Time(time.Now().Add(24 * time.Hour))})
		putV(&s3.PutObjectInput{Key: aws.String("l.txt"), Body: strings.NewReader("newer")})
		if _, err := admin.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("l.txt")}); err != nil {
			t.Fatalf("a delete marker over a locked version: %v", err)
		}
		for _, c := range []*s3.Client{admin, reader} {
			_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: b, Key: aws.String("l.txt"), VersionId: aws.String(locked),
				BypassGovernanceRetention: aws.Bool(true)})
			wantError(t, err, "AccessDenied", "object protected by object lock")
			out, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: b, BypassGovernanceRetention: aws.Bool(true),
				Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("l.txt"), VersionId: aws.String(locked)}}}})
			if err != nil || len(out.Deleted) != 0 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Code) != "AccessDenied" {
				t.Fatalf("DeleteObjects of a locked version: %v %+v", err, out)
			}
		}
		if body, err := getV(admin, "l.txt", locked); err != nil || body != "kept" {
			t.Fatalf("the locked version after the attempts: %q %v", body, err)
		}
	})
}

// A request that repeats a parameter or a header S3 reads as one value is
// refused before it is authorized, so that the authorizer and the handler
// cannot read different values of it (issue: "repeated headers and query
// parameters must mean one thing"). S3's documentation is silent on
// repeats; refusing them is the stricter reading.
func TestRepeatedParametersRefused(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	tests := []struct {
		name, method, path, query string
		header                    http.Header
	}{
		{"two copy sources", "PUT", "/reports/eng/copy.csv", "", http.Header{"X-Amz-Copy-Source": {"reports/eng/q1.csv", "reports/hr/pay.csv"}}},
		{"two versionIds", "GET", "/reports/eng/q1.csv", "versionId=null&versionId=" + strings.Repeat("A", 32), nil},
		{"two canned ACLs", "PUT", "/reports/eng/x.csv", "", http.Header{"X-Amz-Acl": {"private", "public-read"}}},
		{"two prefixes", "GET", "/reports", "prefix=eng/&prefix=hr/", nil},
		{"two list-types", "GET", "/reports", "list-type=2&list-type=1", nil},
		{"two uploadIds", "GET", "/reports/hr/pay.csv", "uploadId=a&uploadId=", nil},
		{"two ranges", "GET", "/reports/hr/pay.csv", "", http.Header{"Range": {"bytes=0-0", "bytes=0-9"}}},
		{"header names differing in case", "PUT", "/reports/eng/copy.csv", "", http.Header{"x-amz-copy-source": {"reports/hr/pay.csv"}, "X-Amz-Copy-Source": {"reports/eng/q1.csv"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := signedRequest(t, srv, alice, tt.method, tt.path, tt.query, tt.header, nil)
			if status != http.StatusBadRequest || !bytes.Contains(body, []byte("<Code>InvalidArgument</Code>")) {
				t.Fatalf("%d %s", status, body)
			}
			if bytes.Contains(body, []byte("x\n")) || bytes.Contains(body, []byte(">x<")) {
				t.Fatalf("the answer holds hr/pay.csv's bytes: %s", body)
			}
		})
	}
}

// The shape of ListParts does not read an object: GET of an object with
// an empty or present uploadId is ListParts and is answered as ListParts,
// never with the object's bytes (issue: "Read through ListParts' shape").
func TestListPartsShapeDoesNotRead(t *testing.T) {
	w := testWorld(t)
	w.Accounts[0].AddUser("parts", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["s3:ListMultipartUploadParts","s3:AbortMultipartUpload","s3:ListBucketMultipartUploads"],
		"Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]}]}`).AccessKeys = []simulate.AccessKey{{ID: "AKIAPARTS00000000001", Secret: "parts-secret"}}
	srv := simulate.NewTestServer(t, w)
	const parts = "arn:aws:iam::111111111111:user/parts"
	if status, _, _ := signedRequest(t, srv, parts, "GET", "/reports/hr/pay.csv", "", nil, nil); status != http.StatusForbidden {
		t.Fatalf("GetObject: %d, want 403", status)
	}
	for _, q := range []string{"uploadId=", "uploadId", "uploadId=&versionId=null", "uploadId=x&partNumber=1", "uploadId=&x-id=GetObject",
		"uploadId=&response-content-type=text/plain", "uploads&uploadId="} {
		status, _, body := signedRequest(t, srv, parts, "GET", "/reports/hr/pay.csv", q, nil, nil)
		if status == http.StatusOK || bytes.Equal(body, []byte("x")) {
			t.Errorf("?%s: %d %q", q, status, body)
		}
		rec := srv.Requests()[len(srv.Requests())-1]
		if rec.Operation != "ListParts" && rec.Operation != "" {
			t.Errorf("?%s: classified %s", q, rec.Operation)
		}
	}
	// With a real upload, the same principal lists its parts: the
	// operation authorized is the one answered.
	up, err := srv.Client(root1).CreateMultipartUpload(context.Background(), &s3.CreateMultipartUploadInput{Bucket: aws.String("reports"), Key: aws.String("hr/pay.csv")})
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := signedRequest(t, srv, parts, "GET", "/reports/hr/pay.csv", "uploadId="+url.QueryEscape(aws.ToString(up.UploadId)), nil, nil)
	if status != http.StatusOK || !bytes.Contains(body, []byte("<ListPartsResult")) {
		t.Fatalf("ListParts of an upload: %d %s", status, body)
	}
}

func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}
