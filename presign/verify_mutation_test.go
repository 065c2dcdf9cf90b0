package presign_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3vet/s3vet/presign"
)

// Every single-byte change to a request signed by aws-sdk-go-v2's signer
// (method, path, query, a signed header, the date, the credential, the
// signature, the body) fails, with the error code S3 answers.

var mutationTime = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func mutationVerifier() *presign.Verifier {
	return &presign.Verifier{Credentials: testStore(), Region: testRegion, Now: fixedClock(mutationTime.Add(time.Minute))}
}

var s3Signer = v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })

var testAWSCredentials = aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}

// mutationSpan is a part of the wire request and the error code a change
// to one of its bytes must give (want gets the mutated request).
type mutationSpan struct {
	name       string
	start, end int
	want       func(mutated []byte) string
}

func always(code string) func([]byte) string { return func([]byte) string { return code } }

// runMutations changes every byte of every span, one at a time, and
// checks the code. Changes that make the request unparseable as HTTP
// are skipped (a server never sees them); there must be few.
func runMutations(t *testing.T, raw []byte, spans []mutationSpan, v *presign.Verifier) {
	t.Helper()
	r, err := serverRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := verifyAll(v, r); err != nil {
		t.Fatalf("the unchanged request: %v", err)
	}
	tested, skipped := 0, 0
	for _, s := range spans {
		for i := s.start; i < s.end; i++ {
			mutated := bytes.Clone(raw)
			mutated[i] = mutateByte(mutated[i])
			r, err := serverRequest(mutated)
			if err != nil {
				skipped++
				continue
			}
			tested++
			_, _, err = verifyAll(v, r)
			if got, want := errorCode(err), s.want(mutated); got != want {
				t.Errorf("%s: byte %d %q -> %q: code %q, want %q (%v)", s.name, i-s.start, raw[i], mutated[i], got, want, err)
			}
		}
	}
	if skipped > tested/20 {
		t.Errorf("%d changes tested, %d skipped as unparseable", tested, skipped)
	}
	t.Logf("%d single-byte changes tested, %d unparseable", tested, skipped)
}

// dateCode is the code for a header-signed request whose X-Amz-Date was
// changed: a malformed date, a skewed one, another day than the scope's,
// or else a signature mismatch.
func dateCode(now time.Time, scopeDate string, amzDate string) string {
	d, err := time.Parse("20060102T150405Z", amzDate)
	switch {
	case err != nil:
		return "AccessDenied"
	case d.Sub(now) > 15*time.Minute || now.Sub(d) > 15*time.Minute:
		return "RequestTimeTooSkewed"
	case d.Format("20060102") != scopeDate:
		return "AuthorizationHeaderMalformed"
	}
	return "SignatureDoesNotMatch"
}

// headerValue returns the value of the named header line of a wire
// request.
func headerValue(raw []byte, name string) string {
	i := bytes.Index(raw, []byte("\r\n"+name+": "))
	if i < 0 {
		return ""
	}
	rest := raw[i+len(name)+4:]
	return string(rest[:bytes.Index(rest, []byte("\r\n"))])
}

// signedListCode is the code for a changed SignedHeaders list: x-amz-*
// headers left unsigned are refused before the signature is checked.
func signedListCode(mutated []byte, list string) string {
	if !strings.Contains(";"+list+";", ";host;") {
		return "AuthorizationHeaderMalformed"
	}
	for _, h := range []string{"x-amz-date", "x-amz-meta-color"} {
		if !strings.Contains(";"+list+";", ";"+h+";") {
			return "AccessDenied"
		}
	}
	return "SignatureDoesNotMatch"
}

func signedPutWire(t *testing.T, body []byte) []byte {
	r, err := http.NewRequest("PUT", "http://127.0.0.1:9000/bucket/dir/some%20key%21.txt?versionId=3%2F4&x-id=PutObject", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "text/plain")
	r.Header.Set("X-Amz-Meta-Color", "blue  green")
	r.Header.Set("X-Amz-Content-Sha256", sha256Hex(body))
	if err := s3Signer.SignHTTP(context.Background(), testAWSCredentials, r, sha256Hex(body), "s3", testRegion, mutationTime); err != nil {
		t.Fatal(err)
	}
	return wireRequest(t, r)
}

func TestHeaderAuthMutations(t *testing.T) {
	raw := signedPutWire(t, []byte("The quick brown fox jumps over the lazy dog."))
	auth := headerValue(raw, "Authorization")
	authStart, _ := spanOf(t, raw, auth, 0)
	in := func(s string) (int, int) { return spanOf(t, raw, s, authStart) }
	sig := auth[strings.LastIndex(auth, "=")+1:]
	list := auth[strings.Index(auth, "SignedHeaders=")+len("SignedHeaders=") : strings.Index(auth, ", Signature")]
	now := mutationTime.Add(time.Minute)

	line := bytes.Index(raw, []byte(" HTTP/1.1"))
	q := bytes.IndexByte(raw, '?')
	bodyStart := bytes.Index(raw, []byte("\r\n\r\n")) + 4
	var spans []mutationSpan
	add := func(name string, start, end int, want func([]byte) string) {
		spans = append(spans, mutationSpan{name, start, end, want})
	}
	mismatch := always("SignatureDoesNotMatch")
	add("method", 0, 3, mismatch)
	add("path", 5, q, mismatch) // after the leading slash
	add("query", q+1, line, mismatch)
	for _, h := range []string{"Content-Type", "X-Amz-Meta-Color", "X-Amz-Content-Sha256", "Host"} {
		s, e := spanOf(t, raw, h+": "+headerValue(raw, h), 0)
		add(h, s+len(h)+2, e, mismatch)
	}
	s, e := spanOf(t, raw, "X-Amz-Date: "+headerValue(raw, "X-Amz-Date"), 0)
	add("X-Amz-Date", s+len("X-Amz-Date: "), e, func(m []byte) string {
		return dateCode(now, mutationTime.Format("20060102"), headerValue(m, "X-Amz-Date"))
	})
	s, e = in("AWS4-HMAC-SHA256 ")
	add("algorithm", s, e-1, func(m []byte) string {
		if strings.HasPrefix(headerValue(m, "Authorization"), "AWS4-") {
			return "InvalidRequest"
		}
		return "InvalidArgument"
	})
	s, e = in(testAccessKey)
	add("access key", s, e, always("InvalidAccessKeyId"))
	s, e = in("/" + mutationTime.Format("20060102") + "/" + testRegion + "/s3/aws4_request")
	add("scope", s+1, e, always("AuthorizationHeaderMalformed"))
	s, e = in("SignedHeaders=" + list)
	add("SignedHeaders", s+len("SignedHeaders="), e, func(m []byte) string {
		a := headerValue(m, "Authorization")
		return signedListCode(m, a[strings.Index(a, "SignedHeaders=")+len("SignedHeaders="):strings.Index(a, ", Signature")])
	})
	s, e = in("Signature=" + sig)
	add("signature", s+len("Signature="), e, mismatch)
	add("body", bodyStart, len(raw), always("XAmzContentSHA256Mismatch"))
	runMutations(t, raw, spans, mutationVerifier())
}

func TestQueryAuthMutations(t *testing.T) {
	r, _ := http.NewRequest("GET", "http://127.0.0.1:9000/bucket/dir/some%20key%21.txt?versionId=3%2F4&X-Amz-Expires=900", nil)
	r.Header.Set("X-Amz-Meta-Color", "blue")
	u, signed, err := s3Signer.PresignHTTP(context.Background(), testAWSCredentials, r, "UNSIGNED-PAYLOAD", "s3", testRegion, mutationTime)
	if err != nil {
		t.Fatal(err)
	}
	r, _ = http.NewRequest("GET", u, nil)
	for k, v := range signed {
		if k != "Host" {
			r.Header[k] = v
		}
	}
	raw := wireRequest(t, r)
	now := mutationTime.Add(time.Minute)
	line := bytes.Index(raw, []byte(" HTTP/1.1"))
	q := bytes.IndexByte(raw, '?')

	// The value of a query parameter of the request line.
	param := func(name string) (int, int) {
		_, e := spanOf(t, raw[:line], name+"=", q)
		end := bytes.IndexByte(raw[e:line], '&')
		if end < 0 {
			end = line - e
		}
		return e, e + end
	}
	paramOf := func(m []byte, name string) string {
		req, _ := serverRequest(m)
		return req.URL.Query().Get(name)
	}
	mismatch := always("SignatureDoesNotMatch")
	var spans []mutationSpan
	add := func(name string, se [2]int, want func([]byte) string) {
		spans = append(spans, mutationSpan{name, se[0], se[1], want})
	}
	pair := func(s, e int) [2]int { return [2]int{s, e} }
	add("method", pair(0, 3), mismatch)
	add("path", pair(5, q), mismatch)
	add("versionId", pair(param("versionId")), mismatch)
	add("X-Amz-Algorithm", pair(param("X-Amz-Algorithm")), always("AuthorizationQueryParametersError"))
	cs, _ := param("X-Amz-Credential")
	add("access key", pair(cs, cs+len(testAccessKey)), always("InvalidAccessKeyId"))
	_, ce := param("X-Amz-Credential")
	add("scope", pair(cs+len(testAccessKey)+3, ce), always("AuthorizationQueryParametersError"))
	add("X-Amz-Date", pair(param("X-Amz-Date")), func(m []byte) string {
		d, err := time.Parse("20060102T150405Z", paramOf(m, "X-Amz-Date"))
		switch {
		case err != nil:
			return "AuthorizationQueryParametersError"
		case now.Before(d.Add(-15 * time.Minute)), now.After(d.Add(900 * time.Second)):
			return "AccessDenied"
		case d.Format("20060102") != mutationTime.Format("20060102"):
			return "AuthorizationQueryParametersError"
		}
		return "SignatureDoesNotMatch"
	})
	add("X-Amz-Expires", pair(param("X-Amz-Expires")), func(m []byte) string {
		n, _ := strconv.Atoi(paramOf(m, "X-Amz-Expires"))
		switch {
		case n > 604800:
			return "AuthorizationQueryParametersError"
		case now.After(mutationTime.Add(time.Duration(n) * time.Second)):
			return "AccessDenied"
		}
		return "SignatureDoesNotMatch"
	})
	add("X-Amz-SignedHeaders", pair(param("X-Amz-SignedHeaders")), func(m []byte) string {
		if !strings.Contains(";"+paramOf(m, "X-Amz-SignedHeaders")+";", ";host;") {
			return "AuthorizationQueryParametersError"
		}
		if !strings.Contains(";"+paramOf(m, "X-Amz-SignedHeaders")+";", ";x-amz-meta-color;") {
			return "AccessDenied"
		}
		return "SignatureDoesNotMatch"
	})
	add("X-Amz-Signature", pair(param("X-Amz-Signature")), mismatch)
	s, e := spanOf(t, raw, "X-Amz-Meta-Color: blue", 0)
	add("X-Amz-Meta-Color", pair(s+len("X-Amz-Meta-Color: "), e), mismatch)
	runMutations(t, raw, spans, mutationVerifier())
}

// chunkedWire builds a PUT signed by the SDK's signer whose body is
// aws-chunked: signed chunks (and a signed CRC32 trailer), or unsigned
// chunks with a CRC32 trailer as the SDK's S3 client sends them.
func chunkedWire(t *testing.T, payload string, data []byte) []byte {
	crc := make([]byte, 4)
	sum := crc32.ChecksumIEEE(data)
	crc[0], crc[1], crc[2], crc[3] = byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum)
	crcB64 := base64.StdEncoding.EncodeToString(crc)
	trailer := payload != "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	date := mutationTime.Format("20060102T150405Z")
	scope := mutationTime.Format("20060102") + "/" + testRegion + "/s3/aws4_request"
	key := sigV4Key(testSecret, mutationTime.Format("20060102"), testRegion)
	frame := func(seed string) []byte {
		if payload == "STREAMING-UNSIGNED-PAYLOAD-TRAILER" {
			var b bytes.Buffer
			for off := 0; off < len(data); off += 16 << 10 {
				chunk := data[off:min(off+16<<10, len(data))]
				b.WriteString(strconv.FormatInt(int64(len(chunk)), 16) + "\r\n")
				b.Write(chunk)
				b.WriteString("\r\n")
			}
			b.WriteString("0\r\nx-amz-checksum-crc32:" + crcB64 + "\r\n\r\n")
			return b.Bytes()
		}
		name := ""
		if trailer {
			name = "x-amz-checksum-crc32"
		}
		return signedChunks(key, date, scope, seed, data, 16<<10, name, crcB64)
	}
	framedLen := len(frame(strings.Repeat("0", 64)))
	r, _ := http.NewRequest("PUT", "http://127.0.0.1:9000/bucket/chunked", nil)
	r.ContentLength = int64(framedLen)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Content-Sha256", payload)
	r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(len(data)))
	if trailer {
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32")
	}
	if err := s3Signer.SignHTTP(context.Background(), testAWSCredentials, r, payload, "s3", testRegion, mutationTime); err != nil {
		t.Fatal(err)
	}
	a := r.Header.Get("Authorization")
	r.Body = io.NopCloser(bytes.NewReader(frame(a[strings.LastIndex(a, "=")+1:])))
	return wireRequest(t, r)
}

func TestChunkedMutations(t *testing.T) {
	data := randomBytes(37<<10+5, 3) // 16 KiB, 16 KiB and a short last chunk
	for _, payload := range []string{
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
		"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
		"STREAMING-UNSIGNED-PAYLOAD-TRAILER",
	} {
		t.Run(payload, func(t *testing.T) {
			raw := chunkedWire(t, payload, data)
			v := mutationVerifier()
			r, _ := serverRequest(raw)
			res, got, err := verifyAll(v, r)
			if err != nil || !bytes.Equal(got, data) || res.ContentSHA256 != payload || r.ContentLength != int64(len(data)) {
				t.Fatalf("unchanged: %d bytes, %v", len(got), err)
			}
			bodyStart := bytes.Index(raw, []byte("\r\n\r\n")) + 4
			signed := payload != "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
			tested := 0
			for i := bodyStart; i < len(raw); i++ {
				if isData(raw, bodyStart, i) && i%97 != 0 {
					continue // every framing byte, and a sample of the data
				}
				mutated := bytes.Clone(raw)
				mutated[i] = mutateByte(mutated[i])
				r, err := serverRequest(mutated)
				if err != nil {
					t.Fatal(err)
				}
				tested++
				_, got, err := verifyAll(v, r)
				if err == nil {
					t.Errorf("byte %d of the body (%q -> %q): no error", i-bodyStart, raw[i], mutated[i])
					continue
				}
				if !errors.Is(err, presign.ErrSignatureMismatch) && !errors.Is(err, presign.ErrIncompleteBody) &&
					!errors.Is(err, presign.ErrBodyMismatch) && !errors.Is(err, presign.ErrMalformed) {
					t.Errorf("byte %d: %v", i-bodyStart, err)
				}
				if !bytes.HasPrefix(data, got) && signed {
					t.Errorf("byte %d: returned bytes that were not sent", i-bodyStart)
				}
				if isData(raw, bodyStart, i) {
					want := "BadDigest"
					if signed {
						want = "SignatureDoesNotMatch"
						// Only whole verified chunks came out, none of the changed one.
						if len(got)%(16<<10) != 0 || len(got) > i-bodyStart {
							t.Errorf("byte %d: %d bytes returned before the failure", i-bodyStart, len(got))
						}
					}
					if code := errorCode(err); code != want {
						t.Errorf("data byte %d: %s, want %s", i-bodyStart, code, want)
					}
				}
			}
			t.Logf("%d single-byte changes of the body tested", tested)
		})
	}
}

// isData reports whether raw[i] is object data rather than aws-chunked
// framing, by walking the chunks from bodyStart.
func isData(raw []byte, bodyStart, i int) bool {
	p := bodyStart
	for p < len(raw) {
		eol := bytes.Index(raw[p:], []byte("\r\n"))
		if eol < 0 {
			return false
		}
		head := string(raw[p : p+eol])
		size, err := strconv.ParseInt(strings.SplitN(head, ";", 2)[0], 16, 64)
		if err != nil || size == 0 {
			return false
		}
		start := p + eol + 2
		if i >= start && i < start+int(size) {
			return true
		}
		p = start + int(size) + 2
	}
	return false
}
