package interop

import (
	"crypto/sha256"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Sink is an S3 endpoint without a network, for measuring the clients'
// own work: an SDK client built by Client sends its requests to Sink's
// RoundTrip, which reads a PutObject body to the end (hashing it if Hash is
// set) and answers a GetObject with the object Serve returns. The endpoint
// is https, so that the SDK sends the body unsigned (a plain-HTTP endpoint
// makes it hash every upload with SHA-256 to sign it), and request
// checksums are computed only when an operation requires them, which
// PutObject does not.
type Sink struct {
	// Hash, if set, receives the bytes of every PutObject body.
	Hash hash.Hash
	// Serve returns the user metadata (keys without "x-amz-meta-") and the
	// body of the object a GetObject asks for.
	Serve func(key string) (meta map[string]string, body io.Reader, size int64)

	mu       sync.Mutex
	received int64
	meta     map[string]string
}

// NewSink returns a Sink that hashes what it receives with SHA-256.
func NewSink() *Sink { return &Sink{Hash: sha256.New()} }

// Client returns an S3 client whose requests all reach the sink.
func (s *Sink) Client() *s3.Client {
	return s3.New(s3.Options{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String("https://s3.sink.invalid"),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider("AKIAINTEROPSINK00000", "sink", ""),
		HTTPClient:                 &http.Client{Transport: s},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		RetryMaxAttempts:           1,
	})
}

// Received returns the number of body bytes received and the user metadata
// of the last PutObject, then resets them.
func (s *Sink) Received() (int64, map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, m := s.received, s.meta
	s.received, s.meta = 0, nil
	return n, m
}

// RoundTrip implements http.RoundTripper.
func (s *Sink) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Request: r, ProtoMajor: 1, ProtoMinor: 1}
	switch r.Method {
	case http.MethodPut:
		var w io.Writer = io.Discard
		if s.Hash != nil {
			w = s.Hash
		}
		// As a server does, read the length the request announces.
		var n int64
		if r.Body != nil {
			var body io.Reader = r.Body
			if r.ContentLength >= 0 {
				body = io.LimitReader(r.Body, r.ContentLength)
			}
			var err error
			n, err = io.Copy(w, body)
			if err == nil {
				_, err = io.Copy(io.Discard, r.Body)
			}
			r.Body.Close()
			if err != nil {
				return nil, err
			}
		}
		meta := map[string]string{}
		for k, v := range r.Header {
			if m, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok {
				meta[m] = v[0]
			}
		}
		s.mu.Lock()
		s.received += n
		s.meta = meta
		s.mu.Unlock()
		resp.Header.Set("ETag", `"0"`)
		resp.Body = http.NoBody
	case http.MethodGet:
		key := strings.TrimPrefix(r.URL.Path, "/")
		if i := strings.IndexByte(key, '/'); i >= 0 {
			key = key[i+1:]
		}
		meta, body, size := s.Serve(key)
		for k, v := range meta {
			resp.Header.Set("X-Amz-Meta-"+k, v)
		}
		resp.Header.Set("Content-Length", strconv.FormatInt(size, 10))
		resp.ContentLength = size
		resp.Body = io.NopCloser(body)
	default:
		resp.StatusCode = http.StatusMethodNotAllowed
		resp.Body = http.NoBody
	}
	return resp, nil
}
