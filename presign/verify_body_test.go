package presign_test

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/presign"
)

// The x-amz-checksum-* headers of a plain body are checked as it streams,
// for signed and anonymous requests alike (S3: BadDigest).
func TestChecksumHeaders(t *testing.T) {
	body := "The quick brown fox jumps over the lazy dog"
	crcBytes := func(n uint64, size int) []byte {
		b := make([]byte, 8)
		binary.BigEndian.PutUint64(b, n)
		return b[8-size:]
	}
	sha1Sum, sha256Sum := sha1.Sum([]byte(body)), sha256.Sum256([]byte(body))
	nvme := crc64.MakeTable(0x9a6c9329ac4bc9b5)
	for _, c := range []struct {
		header, name string
		sum          []byte
	}{
		{"X-Amz-Checksum-Crc32", "CRC32", crcBytes(uint64(crc32.ChecksumIEEE([]byte(body))), 4)},
		{"X-Amz-Checksum-Crc32c", "CRC32C", crcBytes(uint64(crc32.Checksum([]byte(body), crc32.MakeTable(crc32.Castagnoli))), 4)},
		{"X-Amz-Checksum-Crc64nvme", "CRC64NVME", crcBytes(crc64.Checksum([]byte(body), nvme), 8)},
		{"X-Amz-Checksum-Sha1", "SHA1", sha1Sum[:]},
		{"X-Amz-Checksum-Sha256", "SHA256", sha256Sum[:]},
	} {
		for _, good := range []bool{true, false} {
			sum := append([]byte(nil), c.sum...)
			if !good {
				sum[0] ^= 1
			}
			r := httptest.NewRequest("PUT", "/bucket/key", strings.NewReader(body))
			r.Header.Set(c.header, base64.StdEncoding.EncodeToString(sum))
			res, err := (&presign.Verifier{}).Verify(t.Context(), r)
			if err != nil || !res.Anonymous {
				t.Fatalf("%s: %v", c.name, err)
			}
			got, err := io.ReadAll(r.Body)
			if string(got) != body {
				t.Errorf("%s: body %q", c.name, got)
			}
			var e *presign.Error
			switch {
			case good && err != nil:
				t.Errorf("%s: %v", c.name, err)
			case !good && (!errors.As(err, &e) || e.Code != "BadDigest" || !errors.Is(err, presign.ErrBodyMismatch) ||
				e.Message != "The "+c.name+" you specified did not match the calculated checksum."):
				t.Errorf("%s, wrong: %v", c.name, err)
			}
		}
	}
}

// CRC-64/NVME's check value: CRC of "123456789".
func TestCRC64NVMECheckValue(t *testing.T) {
	if got := crc64.Checksum([]byte("123456789"), crc64.MakeTable(0x9a6c9329ac4bc9b5)); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME check %x", got)
	}
	sum := make([]byte, 8)
	binary.BigEndian.PutUint64(sum, 0xae8b14860a799888)
	r := httptest.NewRequest("PUT", "/bucket/key", strings.NewReader("123456789"))
	r.Header.Set("X-Amz-Checksum-Crc64nvme", base64.StdEncoding.EncodeToString(sum))
	if _, err := (&presign.Verifier{}).Verify(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r.Body); err != nil {
		t.Fatal(err)
	}
}

func TestContentSHA256Mismatch(t *testing.T) {
	r := httptest.NewRequest("PUT", "/bucket/key", strings.NewReader("not what was hashed"))
	r.Header.Set("X-Amz-Content-Sha256", emptyHash)
	if _, err := (&presign.Verifier{}).Verify(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	_, err := io.ReadAll(r.Body)
	var e *presign.Error
	if !errors.As(err, &e) || e.Code != "XAmzContentSHA256Mismatch" || e.StatusCode != 400 ||
		e.Detail("ClientComputedContentSHA256") != emptyHash || e.Detail("S3ComputedContentSHA256") == "" {
		t.Fatalf("%v", err)
	}
	r = httptest.NewRequest("PUT", "/bucket/key", strings.NewReader(""))
	r.Header.Set("X-Amz-Content-Sha256", "not-a-hash")
	if _, err := (&presign.Verifier{}).Verify(t.Context(), r); errorCode(err) != "InvalidArgument" {
		t.Fatalf("a bad x-amz-content-sha256: %v", err)
	}
}

// A signed chunked payload without a signature cannot be verified.
func TestAnonymousSignedChunks(t *testing.T) {
	r := httptest.NewRequest("PUT", "/bucket/key", strings.NewReader("0;chunk-signature=00\r\n\r\n"))
	r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
	r.Header.Set("X-Amz-Decoded-Content-Length", "0")
	if _, err := (&presign.Verifier{}).Verify(t.Context(), r); !errors.Is(err, presign.ErrMalformed) {
		t.Fatalf("%v", err)
	}
}
