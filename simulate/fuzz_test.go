package simulate_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/simulate"
)

// fuzzSecret is the body of the object FuzzServe's single-action
// principals must never read.
const fuzzSecret = "fuzz-secret-3d5e7a9c1b2f4068"

// fuzzActions are the actions of FuzzServe's principals, one each: every
// kind of access but reading an object.
var fuzzActions = []string{"s3:ListBucket", "s3:ListBucketVersions", "s3:ListMultipartUploadParts", "s3:ListBucketMultipartUploads",
	"s3:AbortMultipartUpload", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObjectAcl", "s3:GetObjectVersionAcl",
	"s3:PutObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectTagging", "s3:GetObjectAttributes",
	"s3:GetObjectRetention", "s3:GetObjectLegalHold", "s3:RestoreObject", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
	"s3:GetBucketAcl", "s3:PutBucketAcl", "s3:PutBucketVersioning", "s3:PutBucketOwnershipControls", "s3:PutBucketPublicAccessBlock",
	"s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:GetBucketVersioning", "s3:PutObjectRetention"}

// fuzzWrites are the operations that write an object or its ACL.
var fuzzWrites = map[string]bool{"PutObject": true, "CopyObject": true, "CompleteMultipartUpload": true, "PutObjectAcl": true, "PostObject": true}

// fuzzWorld lets anonymous callers do anything to two buckets, one of
// them versioned, so that fuzzed requests reach every handler; and keeps
// the secret in a third, vault, versioned, whose objects only principals
// allowed to read may read: the users f0, f1, ... are each allowed one of
// fuzzActions on every resource.
func fuzzWorld() *simulate.World {
	w := &simulate.World{}
	a := w.AddAccount("777777777777")
	open := func(name string) *simulate.Bucket {
		b := a.AddBucket(name, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::`+name+`","arn:aws:s3:::`+name+`/*"]}]}`)
		b.PublicAccessBlock = &access.PublicAccessBlock{}
		b.ObjectOwnership = access.ObjectWriter
		return b.AddObject("k", "hello")
	}
	open("fzz")
	open("fzv").Versioning = "Enabled"
	v := a.AddBucket("vault").AddObject("s", fuzzSecret).AddObject("k", "hello")
	v.Versioning = "Enabled"
	// Access points that open everything to everyone, on the open bucket
	// and on the vault, whose bucket policy delegates nothing: through
	// them, the vault stays closed.
	for _, ap := range []struct{ name, bucket string }{{"fzzap", "fzz"}, {"vaultap", "vault"}} {
		arn := "arn:aws:s3:us-east-1:777777777777:accesspoint/" + ap.name
		a.AccessPoints = append(a.AccessPoints, simulate.AccessPoint{Name: ap.name, Bucket: ap.bucket, PublicAccessBlock: &access.PublicAccessBlock{},
			Policy: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/object/*"]}]}`)})
	}
	a.VPCEndpoints = []simulate.VPCEndpoint{{ID: "vpce-0f0f0f0f", VPCID: "vpc-0f0f0f0f"}}
	for i, act := range fuzzActions {
		u := a.AddUser(fmt.Sprintf("f%d", i), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"`+act+`","Resource":"*"}]}`)
		u.AccessKeys = []simulate.AccessKey{{ID: fmt.Sprintf("AKIAFUZZ%012d", i), Secret: "s"}}
	}
	return w
}

// FuzzServe sends arbitrary requests to the simulator (a header line
// "TLS: on" makes one arrive over HTTPS): whatever the method, path,
// query, headers and body, it answers without a panic and
// without a 500 (S3's 4xx for what it cannot take). With who 0 the
// request goes unsigned, to buckets that let anyone do anything (and
// requests of one input after another make sequences, versioning's
// among them); with who N it is signed by a principal allowed one action
// that is not a read of an object (fuzzActions), and no answer may hold
// the bytes of the secret object, whatever the request's shape.
func FuzzServe(f *testing.F) {
	seeds := []struct{ method, path, query, header, body string }{
		{"GET", "/fzz/k", "", "", ""},
		{"PUT", "/fzz/k", "", "Content-Type: text/plain\nx-amz-meta-a: b\nx-amz-tagging: a=b", "hello"},
		{"PUT", "/fzz/k", "", "x-amz-checksum-crc32: AAAAAA==\nContent-MD5: zzz", "hello"},
		{"PUT", "/fzz/k", "", "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\nx-amz-decoded-content-length: 5\nContent-Encoding: aws-chunked\nx-amz-trailer: x-amz-checksum-crc32",
			"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"},
		{"PUT", "/fzz/k", "", "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\nx-amz-decoded-content-length: 9", "zz\r\nbroken"},
		{"PUT", "/fzz", "policy", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::fzz/*"}]}`},
		{"PUT", "/fzz", "acl", "", `<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`},
		{"PUT", "/fzz/k", "acl", "x-amz-acl: public-read", ""},
		{"PUT", "/fzz/k", "acl", "x-amz-grant-read: uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", ""},
		{"POST", "/fzz", "delete", "", `<Delete><Object><Key>k</Key></Object><Object><Key>j</Key><VersionId>1</VersionId></Object><Quiet>true</Quiet></Delete>`},
		{"PUT", "/fzz", "tagging", "", `<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`},
		{"PUT", "/fzz/k", "tagging", "", `<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag><Tag><Key>a</Key><Value>c</Value></Tag></TagSet></Tagging>`},
		{"PUT", "/fzz", "versioning", "x-amz-mfa: 1 2", `<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`},
		{"PUT", "/fzz", "lifecycle", "", `<LifecycleConfiguration><Rule><ID>x</ID></Rule></LifecycleConfiguration>`},
		{"PUT", "/fzz", "object-lock", "", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`},
		{"PUT", "/fzz", "encryption", "", `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`},
		{"PUT", "/fzz", "ownershipControls", "", `<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>`},
		{"PUT", "/fzz", "publicAccessBlock", "", `<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`},
		{"PUT", "/fzz", "logging", "", `<BucketLoggingStatus><LoggingEnabled><TargetBucket>fzz</TargetBucket><TargetPrefix>l/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`},
		{"POST", "/fzz/m", "uploads", "", ""},
		{"PUT", "/fzz/m", "uploadId=nope&partNumber=1", "", "x"},
		{"POST", "/fzz/m", "uploadId=nope", "", `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>`},
		{"PUT", "/fzz/c", "", "x-amz-copy-source: fzz/k\nx-amz-metadata-directive: REPLACE", ""},
		{"PUT", "/fzz/c", "uploadId=x&partNumber=1", "x-amz-copy-source: /fzz/k?versionId=3\nx-amz-copy-source-range: bytes=5-1", ""},
		{"GET", "/fzz", "list-type=2&prefix=a&max-keys=-1", "", ""},
		{"GET", "/fzz", "versions", "", ""},
		{"GET", "/fzz/k", "", "Range: bytes=9-1\nx-amz-checksum-mode: ENABLED", ""},
		{"HEAD", "/fzz/missing", "", "", ""},
		{"DELETE", "/fzz/k", "versionId=null", "", ""},
		{"GET", "/v20180820/configuration/publicAccessBlock", "", "x-amz-account-id: 777777777777", ""},
		{"GET", "/", "", "Authorization: AWS4-HMAC-SHA256 Credential=AKIA/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00", ""},
		{"GET", "/fzz/k", "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Expires=999999", "", ""},
		{"PATCH", "/fzz/k", "acl&policy", "", ""},
		{"GET", "/fzz//..%2f", "uploads&", "Host: fzz.127.0.0.1", ""},
		// Conditional and metadata headers.
		{"GET", "/fzz/k", "", "If-Match: \"x\"\nIf-Unmodified-Since: Mon, 02 Jan 2006 15:04:05 GMT", ""},
		{"GET", "/fzz/k", "", "If-None-Match: *\nIf-Modified-Since: garbage", ""},
		{"HEAD", "/fzz/k", "partNumber=1", "Range: bytes=-1", ""},
		{"GET", "/fzz/k", "partNumber=2&response-content-type=x", "", ""},
		{"PUT", "/fzz/k", "", "If-None-Match: *\nCache-Control: no-cache\nExpires: 0\nContent-Disposition: inline\nContent-Language: en\nx-amz-meta-Caps: V", "x"},
		{"PUT", "/fzz/k", "", "If-Match: \"5d41402abc4b2a76b9719d911017c592\"\nx-amz-storage-class: GLACIER\nx-amz-website-redirect-location: /a", "y"},
		{"PUT", "/fzz/k", "", "x-amz-meta-a: 1\nx-amz-meta-a: 2\nx-amz-acl: private\nx-amz-acl: public-read", ""},
		// Unsigned CreateBucket (who 0): S3's 403, never a state the
		// simulator cannot decide on (an ACL granting no one).
		{"PUT", "/fznew", "", "", ""},
		{"PUT", "/fznew", "", "x-amz-acl: public-read\nx-amz-object-ownership: ObjectWriter", ""},
		{"PUT", "/fzz/w", "", "x-amz-acl: public-read-write", "x"},
		{"PUT", "/fzz/w", "", "x-amz-grant-write: uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", "x"},
		{"PUT", "/fzv/w", "acl", "", `<AccessControlPolicy><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>WRITE</Permission></Grant></AccessControlList></AccessControlPolicy>`},
		{"PUT", "/0", "", "X-AmZ-ACl:", ""}, // a canned ACL of "": the request's fault, a 4xx
		{"PUT", "/fznew", "", "x-amz-grant-full-control: id=777777777777", `<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>`},
		// Versioning sequences, on the versioned bucket.
		{"PUT", "/fzv/k", "", "", "v2"},
		{"DELETE", "/fzv/k", "", "", ""},
		{"GET", "/fzv/k", "versionId=null", "", ""},
		{"DELETE", "/fzv/k", "versionId=null", "", ""},
		{"PUT", "/fzv", "versioning", "", `<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>`},
		{"GET", "/fzv", "versions&max-keys=1&key-marker=k&version-id-marker=null", "", ""},
		{"POST", "/fzv", "delete", "", `<Delete><Object><Key>k</Key><VersionId>null</VersionId></Object></Delete>`},
		{"GET", "/fzv", "list-type=2&encoding-type=url&delimiter=/&fetch-owner=true&continuation-token=", "", ""},
		// Through access points (TLS: on makes the request one over
		// HTTPS), and their S3 Control API.
		{"GET", "/k", "", "Host: fzzap-777777777777.127.0.0.1\nTLS: on", ""},
		{"PUT", "/n", "", "Host: fzzap-777777777777.s3-accesspoint.us-east-1.amazonaws.com\nTLS: on", "x"},
		{"GET", "/", "list-type=2", "Host: fzzap-777777777777.127.0.0.1\nTLS: on", ""},
		{"GET", "/k", "", "Host: fzzap-777777777777.127.0.0.1", ""},
		{"GET", "/fzzap-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-s3alias/k", "", "TLS: on", ""},
		{"PUT", "/v20180820/accesspoint/newap", "", "x-amz-account-id: 777777777777", `<CreateAccessPointRequest><Bucket>fzz</Bucket></CreateAccessPointRequest>`},
		{"PUT", "/v20180820/accesspoint/fzzap/policy", "", "x-amz-account-id: 777777777777", `<PutAccessPointPolicyRequest><Policy>{}</Policy></PutAccessPointPolicyRequest>`},
		{"GET", "/v20180820/accesspoint", "maxResults=1&nextToken=zz", "x-amz-account-id: 777777777777", ""},
		{"GET", "/v20180820/accesspoint/fzzap/policyStatus", "", "x-amz-account-id: 777777777777", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.header, []byte(s.body), uint8(0))
	}
	// The secret's bytes through every shape that names it, as principals
	// allowed one action each.
	for i := range fuzzActions {
		for _, q := range []string{"", "uploadId=", "uploadId=&versionId=null", "partNumber=1", "acl", "tagging", "attributes", "versions", "x-id=GetObject"} {
			f.Add("GET", "/vault/s", q, "", []byte(nil), uint8(i+1))
		}
	}
	f.Add("PUT", "/vault/c", "", "x-amz-copy-source: vault/s", []byte(nil), uint8(6))
	f.Add("PUT", "/vault/c", "", "x-amz-copy-source: vault/k\nx-amz-copy-source: vault/s", []byte(nil), uint8(6))
	f.Add("GET", "/vault/s", "versionId=null&versionId=x&uploadId=", "", []byte(nil), uint8(3))
	f.Add("GET", "/vault/s", "", "Range: bytes=0-1\nRange: bytes=2-3\nx-amz-acl: private\nX-Amz-Acl: public-read", []byte(nil), uint8(9))
	f.Add("PUT", "/vault/c", "uploadId=x&partNumber=1", "x-amz-copy-source: vault/s", []byte(nil), uint8(6))
	for i := range fuzzActions {
		for _, host := range []string{"vaultap-777777777777.127.0.0.1", "vaultap-777777777777.s3-accesspoint.us-east-1.amazonaws.com"} {
			f.Add("GET", "/s", "", "Host: "+host+"\nTLS: on", []byte(nil), uint8(i+1))
		}
	}
	f.Add("PUT", "/c", "", "Host: vaultap-777777777777.127.0.0.1\nTLS: on\nx-amz-copy-source: vault/s", []byte(nil), uint8(6))
	w := fuzzWorld()
	sim, err := simulate.New(w, simulate.WithRecordLimit(16))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, query, header string, body []byte, who uint8) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{},
			Host: "127.0.0.1:9000", RemoteAddr: "127.0.0.1:1234", Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		for _, line := range strings.Split(header, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				if strings.EqualFold(strings.TrimSpace(k), "host") {
					r.Host = strings.TrimSpace(v)
					continue
				}
				if strings.EqualFold(strings.TrimSpace(k), "tls") {
					r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13}
					continue
				}
				r.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		if who > 0 {
			payload := r.Header.Get("X-Amz-Content-Sha256")
			if payload == "" {
				sum := sha256.Sum256(body)
				payload = hex.EncodeToString(sum[:])
				r.Header.Set("X-Amz-Content-Sha256", payload)
			}
			creds := aws.Credentials{AccessKeyID: fmt.Sprintf("AKIAFUZZ%012d", int(who-1)%len(fuzzActions)), SecretAccessKey: "s"}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, payload, "s3", "us-east-1", time.Now()); err != nil {
				return
			}
		}
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		if rec.Code >= 500 && rec.Code != http.StatusNotImplemented {
			var explain string
			if rs := sim.Requests(); len(rs) > 0 {
				explain = rs[len(rs)-1].Explanation
			}
			t.Fatalf("%s %s?%s: %d\n%s\n%s", method, path, query, rec.Code, rec.Body.String(), explain)
		}
		// An accepted write leaves its key servable: its ACL reads back
		// (or is refused or absent by the bucket's settings of the
		// moment), never a 400 of a state the simulator cannot serve, as
		// an object ACL granting WRITE once was (issue 21).
		if rs := sim.Requests(); rs != nil && rec.Code < 300 {
			last := rs[len(rs)-1]
			if fuzzWrites[last.Operation] && (last.Bucket == "fzz" || last.Bucket == "fzv") && last.Key != "" {
				acl := &http.Request{Method: "GET", URL: &url.URL{Path: "/" + last.Bucket + "/" + last.Key, RawQuery: "acl"}, Header: http.Header{},
					Host: "127.0.0.1:9000", RemoteAddr: "127.0.0.1:1234", Body: http.NoBody}
				arec := httptest.NewRecorder()
				sim.ServeHTTP(arec, acl)
				if c := arec.Code; c != 200 && c != 403 && c != 404 {
					t.Fatalf("%s %s?%s: %d %s, then GetObjectAcl of %s/%s: %d\n%s", method, path, query, rec.Code, last.Operation,
						last.Bucket, last.Key, c, arec.Body.String())
				}
			}
		}
		input := method + path + query + header + string(body)
		if who > 0 && strings.Contains(rec.Body.String(), fuzzSecret) && !strings.Contains(input, fuzzSecret) {
			t.Fatalf("%s %s?%s as a principal allowed only %s: the secret in the answer: %d %s", method, path, query,
				fuzzActions[int(who-1)%len(fuzzActions)], rec.Code, rec.Body.String())
		}
	})
}
