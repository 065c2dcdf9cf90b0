package presign_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// TestPresignedRoundTrip: a presigned PUT and GET verify with Verify, and
// changing a bound header breaks the signature.
func TestPresignedRoundTrip(t *testing.T) {
	v := &presign.Verifier{
		Credentials: presign.StaticCredentials{signAccessKey: {AccessKeyID: signAccessKey, SecretAccessKey: signSecret, SessionToken: signToken}},
		Region:      "us-east-1",
		Now:         func() time.Time { return signNow.Add(time.Minute) },
	}
	p := signPresigner(signToken)
	body := []byte("hello, world")
	sum := sha256.Sum256(body)
	put, err := p.PutObject(context.Background(), "bucket", "dir/hello world.txt", presign.PutOptions{
		ContentType:   "text/plain",
		ContentLength: int64(len(body)),
		Checksum:      presign.Checksum{Algorithm: "SHA256", Value: base64.StdEncoding.EncodeToString(sum[:])},
		Encryption:    presign.SSES3(),
		ACL:           "bucket-owner-full-control",
		Tags:          map[string]string{"a": "b c"},
		Metadata:      map[string]string{"owner": "alice"},
		IfNoneMatch:   "*",
	})
	if err != nil {
		t.Fatal(err)
	}
	newReq := func(h http.Header) *http.Request {
		req := httptest.NewRequest(put.Method, put.URL, bytes.NewReader(body))
		for k, vs := range h {
			if k == "Content-Length" {
				continue
			}
			req.Header[k] = vs
		}
		req.ContentLength = int64(len(body))
		return req
	}
	res, err := v.Verify(context.Background(), newReq(put.Header))
	if err != nil {
		t.Fatalf("as presigned: %v", err)
	}
	if res.AuthType != presign.AuthTypeQuery || !res.Expires.Equal(put.Expires) {
		t.Errorf("result %+v", res)
	}
	for name := range put.Header {
		if name == "Content-Length" {
			continue
		}
		h := put.Header.Clone()
		h.Set(name, h.Get(name)+"x")
		if _, err := v.Verify(context.Background(), newReq(h)); !errors.Is(err, presign.ErrSignatureMismatch) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
	h := put.Header.Clone()
	h.Del("X-Amz-Acl")
	if _, err := v.Verify(context.Background(), newReq(h)); !errors.Is(err, presign.ErrSignatureMismatch) {
		t.Errorf("ACL header dropped: %v", err)
	}

	get, err := p.GetObject(context.Background(), "bucket", "dir/hello world.txt", presign.GetOptions{Range: "bytes=0-4", ResponseContentDisposition: "attachment"})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(get.Method, get.URL, nil)
	req.Header = get.Header.Clone()
	if _, err := v.Verify(context.Background(), req); err != nil {
		t.Errorf("GET as presigned: %v", err)
	}
	req = httptest.NewRequest(get.Method, strings.Replace(get.URL, "response-content-disposition=attachment", "response-content-disposition=inline", 1), nil)
	req.Header = get.Header.Clone()
	if _, err := v.Verify(context.Background(), req); !errors.Is(err, presign.ErrSignatureMismatch) {
		t.Errorf("GET with another response-content-disposition: %v", err)
	}
	v.Now = func() time.Time { return get.Expires.Add(time.Second) }
	req = httptest.NewRequest(get.Method, get.URL, nil)
	req.Header = get.Header.Clone()
	if _, err := v.Verify(context.Background(), req); !errors.Is(err, presign.ErrExpired) {
		t.Errorf("GET after Expires: %v", err)
	}
}

// TestPresignedSSECRoundTrip: a presigned PUT for SSE-C signs the
// algorithm and the key's MD5; the holder adds the key itself, unsigned,
// and S3 accepts it ("Presigned URLs and SSE-C", S3 User Guide).
func TestPresignedSSECRoundTrip(t *testing.T) {
	v := &presign.Verifier{
		Credentials: presign.StaticCredentials{signAccessKey: {AccessKeyID: signAccessKey, SecretAccessKey: signSecret, SessionToken: signToken}},
		Region:      "us-east-1",
		Now:         func() time.Time { return signNow.Add(time.Minute) },
	}
	key := bytes.Repeat([]byte{7}, 32)
	put, err := signPresigner(signToken).PutObject(context.Background(), "bucket", "k", presign.PutOptions{
		Encryption: presign.SSEC(presign.SSECustomerKey(key)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(put.URL, base64.StdEncoding.EncodeToString(key)) {
		t.Fatal("the SSE-C key is in the URL")
	}
	req := httptest.NewRequest(put.Method, put.URL, strings.NewReader("x"))
	for k, vs := range put.Header {
		req.Header[k] = vs
	}
	req.Header.Set("X-Amz-Server-Side-Encryption-Customer-Key", base64.StdEncoding.EncodeToString(key))
	if _, err := v.Verify(context.Background(), req); err != nil {
		t.Fatalf("presigned SSE-C PUT with the key added: %v", err)
	}
	// An unsigned x-amz-* header other than the key is still refused.
	req = httptest.NewRequest(put.Method, put.URL, strings.NewReader("x"))
	for k, vs := range put.Header {
		req.Header[k] = vs
	}
	req.Header.Set("X-Amz-Storage-Class", "GLACIER")
	if _, err := v.Verify(context.Background(), req); err == nil {
		t.Fatal("unsigned x-amz-storage-class accepted")
	}
}
