package simulate_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/simulate"
)

// fuzzWorld lets anonymous callers do anything to one bucket, so that
// fuzzed requests reach every handler.
func fuzzWorld() *simulate.World {
	w := &simulate.World{}
	a := w.AddAccount("777777777777")
	b := a.AddBucket("fzz", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::fzz","arn:aws:s3:::fzz/*"]}]}`)
	b.PublicAccessBlock = &access.PublicAccessBlock{}
	b.ObjectOwnership = access.ObjectWriter
	b.AddObject("k", "hello")
	return w
}

// FuzzServe sends arbitrary requests to the simulator: whatever the
// method, path, query, headers and body, it answers without a panic and
// without a 500 (S3's 4xx for what it cannot take).
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
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.header, []byte(s.body))
	}
	w := fuzzWorld()
	sim, err := simulate.New(w)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, query, header string, body []byte) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}, Header: http.Header{},
			Host: "127.0.0.1:9000", RemoteAddr: "127.0.0.1:1234", Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		for _, line := range strings.Split(header, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				if strings.EqualFold(strings.TrimSpace(k), "host") {
					r.Host = strings.TrimSpace(v)
					continue
				}
				r.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
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
	})
}
