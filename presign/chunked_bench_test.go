package presign_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/s3vet/s3vet/presign"
)

// BenchmarkChunked decodes and verifies a 64 MiB signed aws-chunked body
// (64 KiB chunks, as the SDKs send) through the reader Verify installs,
// next to the least any verifier must compute over the same bytes: a
// SHA-256 of every chunk and one HMAC-SHA256 per chunk (over its string
// to sign).
func BenchmarkChunked(b *testing.B) {
	const size, chunk = 64 << 20, 64 << 10
	data := randomBytes(size, 4)
	raw := chunkedBenchRequest(b, data, chunk)

	b.Run("verify", func(b *testing.B) {
		v := &presign.Verifier{Credentials: testStore(), Region: testRegion, Now: fixedClock(mutationTime)}
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			r, err := serverRequest(raw)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := v.Verify(context.Background(), r); err != nil {
				b.Fatal(err)
			}
			if n, err := io.Copy(io.Discard, r.Body); err != nil || n != size {
				b.Fatal(n, err)
			}
		}
	})

	b.Run("sha256+hmac", func(b *testing.B) {
		key := sigV4Key(testSecret, "20260314", testRegion)
		sha, mac := sha256.New(), hmac.New(sha256.New, key)
		sts := make([]byte, 0, 256)
		var sum [sha256.Size]byte
		var hexSum [2 * sha256.Size]byte
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			for off := 0; off < size; off += chunk {
				sha.Reset()
				sha.Write(data[off : off+chunk])
				hex.Encode(hexSum[:], sha.Sum(sum[:0]))
				sts = append(sts[:0], "AWS4-HMAC-SHA256-PAYLOAD\n20260314T150926Z\n20260314/us-east-1/s3/aws4_request\n"...)
				sts = append(sts, hexSum[:]...) // stands for the previous signature
				sts = append(sts, '\n')
				sts = append(sts, hexSum[:]...)
				mac.Reset()
				mac.Write(sts)
				mac.Sum(sum[:0])
			}
		}
	})
}

// chunkedBenchRequest is a signed aws-chunked PUT of data, as it comes
// on the wire.
func chunkedBenchRequest(b *testing.B, data []byte, chunk int) []byte {
	date := mutationTime.Format("20060102T150405Z")
	scope := mutationTime.Format("20060102") + "/" + testRegion + "/s3/aws4_request"
	key := sigV4Key(testSecret, mutationTime.Format("20060102"), testRegion)
	framedLen := len(signedChunks(key, date, scope, string(bytes.Repeat([]byte("0"), 64)), data, chunk, "", ""))
	r := httptest.NewRequest("PUT", "http://127.0.0.1:9000/bucket/big", nil)
	r.RequestURI = ""
	r.ContentLength = int64(framedLen)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	if err := s3Signer.SignHTTP(context.Background(), testAWSCredentials, r, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "s3", testRegion, mutationTime); err != nil {
		b.Fatal(err)
	}
	a := r.Header.Get("Authorization")
	r.Body = io.NopCloser(bytes.NewReader(signedChunks(key, date, scope, a[len(a)-64:], data, chunk, "", "")))
	return wireRequest(b, r)
}
