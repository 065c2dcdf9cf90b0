package presign

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"testing"
)

// fuzzKey and fuzzSeed sign the fuzzer's seed bodies.
var (
	fuzzKey  = sigV4Key("secret", credScope{"20130524", "us-east-1", "s3"})
	fuzzSeed = bytes.Repeat([]byte{0xab}, sha256.Size)
)

const (
	fuzzDate     = "20130524T000000Z"
	fuzzScope    = "20130524/us-east-1/s3/aws4_request"
	fuzzMaxChunk = 1 << 16
	fuzzMinChunk = 8
)

// fuzzSignedBody frames chunks signed with fuzzKey from fuzzSeed.
func fuzzSignedBody(chunks ...[]byte) []byte {
	var b bytes.Buffer
	prev := hex.EncodeToString(fuzzSeed)
	for _, c := range append(chunks, nil) {
		sum := sha256.Sum256(c)
		m := hmac.New(sha256.New, fuzzKey)
		m.Write([]byte("AWS4-HMAC-SHA256-PAYLOAD\n" + fuzzDate + "\n" + fuzzScope + "\n" + prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(sum[:])))
		prev = hex.EncodeToString(m.Sum(nil))
		b.WriteString(strconv.FormatInt(int64(len(c)), 16) + ";chunk-signature=" + prev + "\r\n")
		b.Write(c)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// FuzzChunkedReader feeds arbitrary bytes to the aws-chunked decoder, in
// each of its modes: it never panics, never returns more bytes than the
// body holds or than x-amz-decoded-content-length allows, never holds a
// buffer beyond its chunk cap, and returns only bytes of chunks whose
// signature held.
func FuzzChunkedReader(f *testing.F) {
	// Small seeds, with chunks of fuzzMinChunk and more: every byte of a
	// seed costs the fuzzer minimization time.
	f.Add(fuzzSignedBody([]byte("0123456789"), []byte("hello")), int64(15), uint8(0), uint8(7))
	f.Add(fuzzSignedBody([]byte("short"), []byte("0123456789")), int64(15), uint8(0), uint8(0))
	f.Add([]byte("b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"), int64(11), uint8(1), uint8(3))
	f.Add([]byte("5\r\nhello\r\n0\r\n\r\n"), int64(5), uint8(1), uint8(1))
	f.Add([]byte("ffffffff;chunk-signature=00\r\n"), int64(-1), uint8(0), uint8(64))
	f.Add([]byte("10000\r\n"), int64(65536), uint8(1), uint8(255))
	f.Fuzz(func(t *testing.T, body []byte, decodedLen int64, mode, readSize uint8) {
		o := chunkedOptions{decodedLen: decodedLen, maxChunk: fuzzMaxChunk, minChunk: fuzzMinChunk}
		if o.decodedLen < 0 {
			o.decodedLen = -1
		}
		signed := mode%2 == 0
		if signed {
			o.signer = newChunkSigner(fuzzKey, fuzzDate, fuzzScope, fuzzSeed)
		}
		if mode%4 >= 2 || !signed {
			alg, _ := checksumByHeader("x-amz-checksum-crc32")
			o.trailer, o.trailerNames, o.sum = true, []string{alg.header}, newChecksum(alg, "")
			if mode%4 < 2 {
				o.trailer, o.trailerNames = false, nil // a checksum header instead
				o.sum.want = "DUoRhQ=="
			}
		}
		c := newChunkedReader(bytes.NewReader(body), o)
		var out []byte
		buf := make([]byte, int(readSize)+1)
		var err error
		for i := 0; i < 1<<20; i++ {
			var n int
			n, err = c.Read(buf)
			out = append(out, buf[:n]...)
			if err != nil {
				break
			}
		}
		if len(out) > len(body) {
			t.Fatalf("%d bytes out of a %d-byte body", len(out), len(body))
		}
		if o.decodedLen >= 0 && int64(len(out)) > o.decodedLen {
			t.Fatalf("%d bytes out, x-amz-decoded-content-length %d", len(out), o.decodedLen)
		}
		if cap(c.buf) > fuzzMaxChunk {
			t.Fatalf("buffer of %d bytes, cap %d", cap(c.buf), fuzzMaxChunk)
		}
		var e *Error
		if err != io.EOF && !errors.As(err, &e) {
			t.Fatalf("Read returned %v, neither io.EOF nor an *Error", err)
		}
		if err == io.EOF && o.decodedLen >= 0 && int64(len(out)) != o.decodedLen {
			t.Fatalf("io.EOF after %d bytes, x-amz-decoded-content-length %d", len(out), o.decodedLen)
		}
		if signed {
			// Whatever came out is whole chunks that verified: decoding the
			// output again as the same chunk sizes is not possible here,
			// but its first fuzzMinChunk bytes, all of the first chunk (a
			// shorter chunk is the last), must be bytes of the body.
			if len(out) > 0 && !bytes.Contains(body, out[:min(len(out), fuzzMinChunk)]) {
				t.Fatalf("bytes out that are not in the body")
			}
		}
	})
}
