package presign_test

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// BenchmarkVerifyHeader verifies a header-signed GET (S3's published GET
// Object example), body check included.
func BenchmarkVerifyHeader(b *testing.B) {
	v := docVerifier(docTime.Add(time.Minute))
	r := newDocRequest("GET", "/test.txt", docHost, nil,
		"Authorization", docAuthorization("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
		"Range", "bytes=0-9", "X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", "20130524T000000Z")
	b.ReportAllocs()
	for b.Loop() {
		r.Body = http.NoBody
		if _, err := v.Verify(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyQuery verifies S3's published presigned URL example.
func BenchmarkVerifyQuery(b *testing.B) {
	v := docVerifier(docTime.Add(time.Hour))
	r := newDocRequest("GET", "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"+
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"+
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", docHost, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
}
