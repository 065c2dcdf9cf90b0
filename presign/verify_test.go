package presign_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// S3's refusals of malformed authentication, one at a time, from the GET
// Object example of the S3 documentation.
func TestVerifyRefusals(t *testing.T) {
	const sig = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	const signed = "host;range;x-amz-content-sha256;x-amz-date"
	base := func() *http.Request {
		return newDocRequest("GET", "/test.txt", docHost, nil,
			"Authorization", docAuthorization(signed, sig),
			"Range", "bytes=0-9", "X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", "20130524T000000Z")
	}
	presigned := "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	for _, c := range []struct {
		name   string
		change func(r *http.Request)
		now    time.Duration
		code   string
		kind   error
		status int
	}{
		{"both mechanisms", func(r *http.Request) { r.URL.RawQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256" }, 0, "InvalidArgument", presign.ErrMalformed, 400},
		{"two Authorization headers", func(r *http.Request) { r.Header.Add("Authorization", "AWS4-HMAC-SHA256 x") }, 0, "AuthorizationHeaderMalformed", presign.ErrMalformed, 400},
		{"SigV2", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=")
		}, 0, "InvalidRequest", presign.ErrMalformed, 400},
		{"SigV2 query", func(r *http.Request) {
			r.Header.Del("Authorization")
			r.URL.RawQuery = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=x&Expires=1"
		}, 0, "InvalidRequest", presign.ErrMalformed, 400},
		{"bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") }, 0, "InvalidArgument", presign.ErrMalformed, 400},
		{"missing Signature", func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host")
		}, 0, "AuthorizationHeaderMalformed", presign.ErrMalformed, 400},
		{"malformed Credential", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(docAuthorization(signed, sig), "/aws4_request", "", 1))
		}, 0, "AuthorizationHeaderMalformed", presign.ErrMalformed, 400},
		{"host not signed", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(docAuthorization(signed, sig), "host;", "", 1))
		}, 0, "AuthorizationHeaderMalformed", presign.ErrMalformed, 400},
		{"no date", func(r *http.Request) { r.Header.Del("X-Amz-Date") }, 0, "AccessDenied", presign.ErrMalformed, 403},
		{"skewed", nil, 15*time.Minute + time.Second, "RequestTimeTooSkewed", presign.ErrSkewed, 403},
		{"skewed, the other way", nil, -15*time.Minute - time.Second, "RequestTimeTooSkewed", presign.ErrSkewed, 403},
		{"no x-amz-content-sha256", func(r *http.Request) { r.Header.Del("X-Amz-Content-Sha256") }, 0, "InvalidRequest", presign.ErrMalformed, 400},
		{"unsigned x-amz header", func(r *http.Request) { r.Header.Set("X-Amz-Meta-Extra", "1") }, 0, "AccessDenied", presign.ErrMalformed, 403},
		{"SigV4a payload", func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD")
		}, 0, "InvalidRequest", presign.ErrMalformed, 400},
		{"presigned, not yet valid", func(r *http.Request) { *r = *newDocRequest("GET", presigned, docHost, nil) }, -16 * time.Minute, "AccessDenied", presign.ErrSkewed, 403},
		{"presigned without X-Amz-Expires", func(r *http.Request) {
			*r = *newDocRequest("GET", strings.Replace(presigned, "&X-Amz-Expires=86400", "", 1), docHost, nil)
		}, 0, "AuthorizationQueryParametersError", presign.ErrMalformed, 400},
		{"presigned, repeated parameter", func(r *http.Request) {
			*r = *newDocRequest("GET", presigned+"&X-Amz-Date=20130524T000000Z", docHost, nil)
		}, 0, "AuthorizationQueryParametersError", presign.ErrMalformed, 400},
		{"presigned, negative X-Amz-Expires", func(r *http.Request) {
			*r = *newDocRequest("GET", strings.Replace(presigned, "=86400", "=-1", 1), docHost, nil)
		}, 0, "AuthorizationQueryParametersError", presign.ErrMalformed, 400},
		// S3 compares the signature as text: the same bytes in upper-case
		// hex do not match.
		{"upper-case signature", func(r *http.Request) {
			r.Header.Set("Authorization", docAuthorization(signed, strings.ToUpper(sig)))
		}, 0, "SignatureDoesNotMatch", presign.ErrSignatureMismatch, 403},
		{"presigned, unsigned header", func(r *http.Request) {
			*r = *newDocRequest("GET", presigned, docHost, nil, "X-Amz-Acl", "public-read")
		}, 0, "AccessDenied", presign.ErrMalformed, 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := base()
			if c.change != nil {
				c.change(r)
			}
			_, err := docVerifier(docTime.Add(c.now)).Verify(context.Background(), r)
			var e *presign.Error
			if !errors.As(err, &e) || e.Code != c.code || e.StatusCode != c.status || !errors.Is(err, c.kind) {
				t.Fatalf("got %v (%+v), want %s", err, e, c.code)
			}
		})
	}
}

// The aws-chunked decoder's own refusals.
func TestChunkedRefusals(t *testing.T) {
	key := sigV4Key(docSecret, "20130524", "us-east-1")
	const scope = "20130524/us-east-1/s3/aws4_request"
	const seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
	build := func(body []byte, decoded string) *http.Request {
		return newDocRequest("PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com", body,
			"Authorization", docAuthorization("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class", seed),
			"X-Amz-Date", "20130524T000000Z", "X-Amz-Storage-Class", "REDUCED_REDUNDANCY",
			"X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding", "aws-chunked",
			"X-Amz-Decoded-Content-Length", decoded, "Content-Length", "66824")
	}
	// The signature of the seed holds for these headers only; a different
	// decoded length is checked against the body, not the signature, when
	// the signature is not over it. So each body here keeps 66560.
	a := []byte(strings.Repeat("a", 66560))
	for _, c := range []struct {
		name string
		body []byte
		code string
	}{
		{"a small chunk before the last", signedChunks(key, "20130524T000000Z", scope, seed, a, 4096, "", ""), "InvalidChunkSizeError"},
		{"a chunk over MaxChunkSize", []byte("1000001;chunk-signature=" + seed + "\r\n"), "InvalidRequest"},
		{"truncated", signedChunks(key, "20130524T000000Z", scope, seed, a, 65536, "", "")[:70000], "IncompleteBody"},
		{"no final chunk", signedChunks(key, "20130524T000000Z", scope, seed, a, 65536, "", "")[:66560+2*88], "IncompleteBody"},
		{"longer than decoded", signedChunks(key, "20130524T000000Z", scope, seed, append(a, 'b'), 65536, "", ""), "IncompleteBody"},
		{"shorter than decoded", signedChunks(key, "20130524T000000Z", scope, seed, a[1:], 65536, "", ""), "IncompleteBody"},
		{"data after the end", append(signedChunks(key, "20130524T000000Z", scope, seed, a, 65536, "", ""), 'x'), "IncompleteBody"},
		{"no chunk-signature", []byte("10000\r\n"), "IncompleteBody"},
		// S3 compares chunk signatures as text: upper-case hex is refused.
		{"an upper-case chunk signature", upperFirstChunkSignature(signedChunks(key, "20130524T000000Z", scope, seed, a, 65536, "", "")), "SignatureDoesNotMatch"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := build(c.body, "66560")
			if _, err := docVerifier(docTime).Verify(context.Background(), r); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r.Body)
			if code := errorCode(err); code != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if !strings.HasPrefix(string(a), string(got)) {
				t.Fatal("bytes returned that were not sent")
			}
		})
	}
	r := newDocRequest("PUT", "/k", docHost, []byte("0\r\n\r\n"), "X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
		"X-Amz-Trailer", "x-amz-checksum-crc32")
	if _, err := docVerifier(docTime).Verify(context.Background(), r); errorCode(err) != "MissingContentLength" {
		t.Errorf("no x-amz-decoded-content-length: %v", err)
	}
}

// upperFirstChunkSignature writes the first chunk signature of an
// aws-chunked body in upper-case hex.
func upperFirstChunkSignature(body []byte) []byte {
	out := bytes.Clone(body)
	i := bytes.Index(out, []byte("chunk-signature=")) + len("chunk-signature=")
	copy(out[i:i+64], bytes.ToUpper(out[i:i+64]))
	return out
}
