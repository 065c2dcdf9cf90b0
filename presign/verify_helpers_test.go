package presign_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/presign"
)

// Test credentials of the differential tests. Nothing here reaches the
// internet: every server is httptest on loopback, every config explicit.
const (
	testAccessKey = "AKIAS3VETTEST0000001"
	testSecret    = "s3vet/test+secret/0123456789abcdefghijkl"
	testRegion    = "us-east-1"
	testPrincipal = "arn:aws:iam::111122223333:user/tester"
)

func testStore() presign.StaticCredentials {
	return presign.StaticCredentials{testAccessKey: {SecretAccessKey: testSecret, Principal: testPrincipal}}
}

// s3Server is an httptest server whose handler authenticates with a
// Verifier, then stores and serves object bodies, answering S3's error
// XML on failure.
type s3Server struct {
	*httptest.Server
	verifier *presign.Verifier

	mu      sync.Mutex
	objects map[string][]byte
	results []*presign.Result
	errs    []error
}

func newS3Server(t *testing.T, useTLS bool, v *presign.Verifier) *s3Server {
	t.Helper()
	s := &s3Server{verifier: v, objects: map[string][]byte{}}
	h := http.HandlerFunc(s.serve)
	if useTLS {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *s3Server) serve(w http.ResponseWriter, r *http.Request) {
	res, err := s.verifier.Verify(r.Context(), r)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, res)
	s.errs = append(s.errs, err)
	if err != nil {
		writeS3Error(w, err)
		return
	}
	switch r.Method {
	case http.MethodPut:
		s.objects[r.URL.Path] = body
		sum := sha256.Sum256(body)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	case http.MethodGet, http.MethodHead:
		obj, ok := s.objects[r.URL.Path]
		if !ok {
			writeS3Error(w, &presign.Error{Code: "NoSuchKey", Message: "The specified key does not exist.", StatusCode: 404})
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(obj)))
		w.Write(obj)
	}
}

func (s *s3Server) last() (*presign.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.results) == 0 {
		return nil, errors.New("no request")
	}
	return s.results[len(s.results)-1], s.errs[len(s.errs)-1]
}

// writeS3Error writes S3's error XML for err.
func writeS3Error(w http.ResponseWriter, err error) {
	var e *presign.Error
	if !errors.As(err, &e) {
		e = &presign.Error{Code: "InternalError", Message: "We encountered an internal error.", StatusCode: 500}
	}
	type detail struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	}
	out := struct {
		XMLName          xml.Name `xml:"Error"`
		Code             string
		Message          string
		StringToSign     string `xml:",omitempty"`
		CanonicalRequest string `xml:",omitempty"`
		Details          []detail
	}{Code: e.Code, Message: e.Message, StringToSign: e.StringToSign, CanonicalRequest: e.CanonicalRequest}
	for _, d := range e.Details {
		out.Details = append(out.Details, detail{XMLName: xml.Name{Local: d.Name}, Value: d.Value})
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.StatusCode)
	io.WriteString(w, xml.Header)
	xml.NewEncoder(w).Encode(out)
}

// newS3Client is an S3 client for srv, configured explicitly (nothing
// from the environment).
func newS3Client(srv *s3Server, accessKey, secret, token string, optFns ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       testRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, token),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		HTTPClient:   srv.Client(),
		Retryer:      aws.NopRetryer{},
	}, optFns...)
}

// wireRequest writes a client request as it goes on the wire and reads
// it back as a server sees it.
func wireRequest(t testing.TB, r *http.Request) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func serverRequest(raw []byte) (*http.Request, error) {
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, err
	}
	r.RemoteAddr = "127.0.0.1:1"
	return r, nil
}

// hmacSHA256 and sigV4Key compute what the test's own chunk signer needs.
func hmacSHA256(key []byte, s string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

func sigV4Key(secret, date, region string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, "s3")
	return hmacSHA256(k, "aws4_request")
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// signedChunks frames data as a signed aws-chunked body, following the
// S3 documentation: each chunk's signature chains from the previous one,
// the first from the seed (the request's signature). With a trailer, the
// final chunk is followed by the trailer and its signature.
func signedChunks(key []byte, date, scope, seed string, data []byte, chunkSize int, trailerName, trailerValue string) []byte {
	var b bytes.Buffer
	prev := seed
	for off := 0; ; off += chunkSize {
		var chunk []byte
		if off < len(data) {
			chunk = data[off:min(off+chunkSize, len(data))]
		}
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n" + prev + "\n" + sha256Hex(nil) + "\n" + sha256Hex(chunk)
		prev = hex.EncodeToString(hmacSHA256(key, sts))
		b.WriteString(strconv.FormatInt(int64(len(chunk)), 16) + ";chunk-signature=" + prev + "\r\n")
		b.Write(chunk)
		if len(chunk) == 0 {
			break
		}
		b.WriteString("\r\n")
	}
	if trailerName == "" {
		b.WriteString("\r\n")
		return b.Bytes()
	}
	canonical := trailerName + ":" + trailerValue + "\n"
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + date + "\n" + scope + "\n" + prev + "\n" + sha256Hex([]byte(canonical))
	b.WriteString(trailerName + ":" + trailerValue + "\r\n")
	b.WriteString("x-amz-trailer-signature:" + hex.EncodeToString(hmacSHA256(key, sts)) + "\r\n\r\n")
	return b.Bytes()
}

// errorCode returns the S3 error code of err ("" for nil).
func errorCode(err error) string {
	var e *presign.Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err != nil {
		return "not an *Error: " + err.Error()
	}
	return ""
}

// verifyAll verifies r with v and reads its body, returning the body
// read and the first error.
func verifyAll(v *presign.Verifier, r *http.Request) (*presign.Result, []byte, error) {
	res, err := v.Verify(context.Background(), r)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(r.Body)
	return res, body, err
}

func fixedClock(t time.Time) func() time.Time { return func() time.Time { return t } }

// mutateByte returns c changed into a different byte of the same kind
// (lower-case hex stays lower-case hex, a letter a letter, a digit a
// digit), so that the request still parses.
func mutateByte(c byte) byte {
	switch {
	case c >= '0' && c <= '8', c >= 'a' && c <= 'e':
		return c + 1
	case c == '9':
		return '0'
	case c == 'f':
		return 'a'
	case c >= 'g' && c < 'z', c >= 'A' && c < 'Z':
		return c + 1
	case c == 'z':
		return 'g'
	case c == 'Z':
		return 'A'
	case c == '-':
		return '_'
	case c == '_':
		return '-'
	case c == '/':
		return '_'
	case c == '.':
		return '-'
	case c == '=':
		return '-'
	case c == '&':
		return '_'
	case c == '%':
		return '_'
	}
	return c ^ 1
}

// spanOf returns the byte range of the first occurrence of s in raw at or
// after from.
func spanOf(t testing.TB, raw []byte, s string, from int) (int, int) {
	t.Helper()
	i := bytes.Index(raw[from:], []byte(s))
	if i < 0 {
		t.Fatalf("%q not in request", s)
	}
	return from + i, from + i + len(s)
}
