package simulate_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3vet/s3vet/simulate"
)

// Bad input gets S3's 4xx answers: malformed XML, broken aws-chunked
// framing, truncated bodies, unknown methods, oversized headers.
func TestBadInput(t *testing.T) {
	sim, err := simulate.New(fuzzWorld())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, target, header, body string
		length                             int64 // -1: the body's
		status                             int
		code                               string
	}{
		{"malformed XML", "PUT", "/fzz?tagging", "", "<Tagging><TagSet>", -1, 400, "MalformedXML"},
		{"wrong root element", "PUT", "/fzz?cors", "", "<NotCORS/>", -1, 400, "MalformedXML"},
		{"malformed ACL", "PUT", "/fzz/k?acl", "", "<AccessControlPolicy><AccessControlList><Grant><Grantee/><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>", -1, 400, "MalformedACLError"},
		{"truncated body", "PUT", "/fzz/t", "", "short", 10, 400, "IncompleteBody"},
		{"broken chunk framing", "PUT", "/fzz/c", "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\nContent-Encoding: aws-chunked\nx-amz-decoded-content-length: 5", "zz\r\nhello", -1, 400, ""},
		{"chunk longer than declared", "PUT", "/fzz/c", "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\nContent-Encoding: aws-chunked\nx-amz-decoded-content-length: 2", "5\r\nhello\r\n0\r\n\r\n", -1, 400, ""},
		{"unknown method", "PATCH", "/fzz/k", "", "", -1, 405, "MethodNotAllowed"},
		{"two subresources", "GET", "/fzz?acl&policy", "", "", -1, 400, "InvalidRequest"},
		{"bad Content-MD5", "PUT", "/fzz/m", "Content-MD5: not-base64", "x", -1, 400, "InvalidDigest"},
		{"bad part number", "PUT", "/fzz/k?uploadId=x&partNumber=0", "", "x", -1, 404, "NoSuchUpload"},
		{"no such bucket", "GET", "/nosuchbucket/k", "", "", -1, 404, "NoSuchBucket"},
		{"SSE-C over HTTP", "PUT", "/fzz/s", "x-amz-server-side-encryption-customer-algorithm: AES256", "x", -1, 400, "InvalidRequest"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "http://127.0.0.1"+tt.target, strings.NewReader(tt.body))
		for _, line := range strings.Split(tt.header, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				r.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		if tt.length >= 0 {
			r.ContentLength = tt.length
		}
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		body := rec.Body.String()
		if rec.Code != tt.status || tt.code != "" && !strings.Contains(body, "<Code>"+tt.code+"</Code>") {
			t.Errorf("%s: %d %s, want %d %s", tt.name, rec.Code, body, tt.status, tt.code)
		}
		if tt.status >= 400 && !strings.Contains(body, "<RequestId>") {
			t.Errorf("%s: no S3 error XML: %s", tt.name, body)
		}
	}

	// Oversized headers are S3's 400 RequestHeaderSectionTooLarge, in S3's
	// XML; past 1 MiB, net/http refuses them itself, with its 431.
	srv := simulate.NewTestServer(t, fuzzWorld())
	for _, tt := range []struct {
		size   int
		status int
		code   string
	}{{128 << 10, http.StatusBadRequest, "RequestHeaderSectionTooLarge"}, {2 << 20, http.StatusRequestHeaderFieldsTooLarge, ""}} {
		req, _ := http.NewRequest("GET", srv.URL+"/fzz/k", nil)
		req.Header.Set("X-Amz-Meta-Big", strings.Repeat("x", tt.size))
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.code) {
			t.Errorf("a header of %d bytes: %d %s, want %d %s", tt.size, resp.StatusCode, body, tt.status, tt.code)
		}
	}
}

// Credentials, session tokens and SSE-C keys are not metadata: they are
// never echoed back.
func TestNoSecretsEchoed(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, stsWorld())
	ctx := context.Background()
	root := srv.Client("arn:aws:iam::111111111111:root")
	if _, err := root.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("data"), ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256},
			BlockedEncryptionTypes: &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeNone}}}}}}); err != nil {
		t.Fatal(err)
	}
	c := srv.Client("arn:aws:sts::111111111111:assumed-role/reader/echo")
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("public/e"), Body: bytes.NewReader([]byte("e")),
		Metadata: map[string]string{"kept": "yes"}}); err == nil {
		t.Log("the role may write public/ only with a team tag")
	}
	key := bytes.Repeat([]byte{1}, 32)
	sum := md5.Sum(key)
	k64, m64 := base64.StdEncoding.EncodeToString(key), base64.StdEncoding.EncodeToString(sum[:])
	if _, err := root.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("e"), Body: bytes.NewReader([]byte("e")),
		Metadata: map[string]string{"kept": "yes"}, SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k64), SSECustomerKeyMD5: aws.String(m64)}); err != nil {
		t.Fatal(err)
	}
	out, err := root.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("e"),
		SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k64), SSECustomerKeyMD5: aws.String(m64)})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, out.Body)
	out.Body.Close()
	raw := awsmiddleware.GetRawResponse(out.ResultMetadata).(*smithyhttp.Response)
	for name := range raw.Header {
		l := strings.ToLower(name)
		if l == "x-amz-server-side-encryption-customer-key" || l == "authorization" || l == "x-amz-security-token" ||
			l == "x-amz-content-sha256" || l == "x-amz-date" || strings.HasPrefix(l, "x-amz-checksum") || l == "x-amz-decoded-content-length" {
			t.Errorf("response echoes %s", name)
		}
	}
	if out.Metadata["kept"] != "yes" || len(out.Metadata) != 1 {
		t.Errorf("metadata %v", out.Metadata)
	}
}
