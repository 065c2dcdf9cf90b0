package s3op_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/s3vet/s3vet/policy/s3op"
)

// BenchmarkNeeds lists the needs of a PutObject as the SDK sends it: a
// dozen headers, half of them x-amz-*.
func BenchmarkNeeds(b *testing.B) {
	h := http.Header{}
	for k, v := range map[string]string{
		"Accept-Encoding": "identity", "Amz-Sdk-Invocation-Id": "8f9c5d5e-1c1a-4a8e-9b57-3c3f0d8f1d7a", "Amz-Sdk-Request": "attempt=1; max=3",
		"Authorization":        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000",
		"Content-Length":       "16",
		"Content-Type":         "application/octet-stream",
		"User-Agent":           "aws-sdk-go-v2/1.39.0 os/linux lang/go#1.26 md/GOOS#linux md/GOARCH#amd64 api/s3#1.88.0",
		"X-Amz-Checksum-Crc32": "AAAAAA==", "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD", "X-Amz-Date": "20250101T000000Z",
		"X-Amz-Sdk-Checksum-Algorithm": "CRC32", "X-Amz-Server-Side-Encryption": "AES256",
	} {
		h.Set(k, v)
	}
	req := &s3op.Request{Operation: "PutObject", Bucket: "bench", Key: "small", Header: h,
		Conn: s3op.Conn{SourceIP: "127.0.0.1", Time: time.Date(2025, 1, 1, 0, 0, 1, 0, time.UTC)}}
	for b.Loop() {
		if _, err := s3op.Needs(req); err != nil {
			b.Fatal(err)
		}
	}
}
