package simulate

import (
	"cmp"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"maps"
	"math/big"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/policy"
)

// A Server is a Simulator serving HTTP or HTTPS on a loopback port, like
// net/http/httptest's Server. Its methods are safe for concurrent use.
type Server struct {
	*Simulator

	// URL is the base URL, of the form http://127.0.0.1:PORT, without a
	// trailing slash. It is set by Start and StartTLS.
	URL string
	// Listener is where the server listens. NewUnstartedServer sets one
	// on 127.0.0.1 and a free port; replace it before Start to serve
	// elsewhere.
	Listener net.Listener
	// TLS is the TLS configuration of StartTLS. Left nil, StartTLS uses a
	// self-signed certificate for 127.0.0.1, ::1, localhost and
	// *.localhost, which HTTPClient trusts.
	TLS *tls.Config
	// Timeout is how long a connection may stay silent before it is
	// closed: while a request's headers or body are awaited (a stalled
	// body is answered with S3's 400 RequestTimeout), while an answer is
	// not read, and between requests. Zero means 20 seconds.
	Timeout time.Duration
	// MaxConns bounds the connections open at once; further ones wait to
	// be accepted until one closes. Zero means 1024.
	MaxConns int

	mu        sync.Mutex
	srv       *http.Server
	transport *http.Transport
	started   bool
	closed    bool
	// endpoints are the servers of the world's VPC endpoints, by ID; for
	// one of them, parent is the server it belongs to and endpoint its ID.
	endpoints map[string]*Server
	parent    *Server
	endpoint  string
}

// NewUnstartedServer returns a server that is not yet listening: set its
// fields, then call Start or StartTLS.
func NewUnstartedServer(w *World, opts ...Option) (*Server, error) {
	sim, err := New(w, opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if ln, err = net.Listen("tcp6", "[::1]:0"); err != nil {
			return nil, fmt.Errorf("simulate: listen on a loopback port: %w", err)
		}
	}
	return &Server{Simulator: sim, Listener: ln}, nil
}

// NewServer returns a server for the world, started over HTTP.
func NewServer(w *World, opts ...Option) (*Server, error) {
	s, err := NewUnstartedServer(w, opts...)
	if err != nil {
		return nil, err
	}
	s.Start()
	return s, nil
}

// NewTLSServer returns a server for the world, started over HTTPS.
func NewTLSServer(w *World, opts ...Option) (*Server, error) {
	s, err := NewUnstartedServer(w, opts...)
	if err != nil {
		return nil, err
	}
	s.StartTLS()
	return s, nil
}

// NewTestServer starts a server over HTTP for a test, which fails if the
// world is malformed; the server is closed when the test and its subtests
// end:
//
//	func TestReports(t *testing.T) {
//		srv := simulate.NewTestServer(t, world)
//		c := srv.Client("arn:aws:iam::111122223333:user/reader")
//		_, err := c.GetObject(ctx, &s3.GetObjectInput{...}) // S3's answer
//	}
func NewTestServer(t testing.TB, w *World, opts ...Option) *Server {
	t.Helper()
	s, err := NewServer(w, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewTestTLSServer is NewTestServer over HTTPS.
func NewTestTLSServer(t testing.TB, w *World, opts ...Option) *Server {
	t.Helper()
	s, err := NewTLSServer(w, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts serving HTTP. It panics if the server was started already.
func (s *Server) Start() { s.start(false) }

// StartTLS starts serving HTTPS. It panics if the server was started
// already.
func (s *Server) StartTLS() { s.start(true) }

func (s *Server) start(useTLS bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		panic("simulate: Server started twice")
	}
	s.started = true
	pool := x509.NewCertPool()
	if useTLS {
		cfg := s.TLS.Clone()
		if cfg == nil {
			cfg = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		if len(cfg.Certificates) == 0 && cfg.GetCertificate == nil {
			cert, err := loopbackCert()
			if err != nil {
				panic("simulate: " + err.Error())
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
		for _, c := range cfg.Certificates {
			if leaf, err := x509.ParseCertificate(c.Certificate[0]); err == nil {
				pool.AddCert(leaf)
			}
		}
		s.TLS = cfg
	}
	s.serve(s.Listener, useTLS, pool, nil)
	// Each VPC endpoint of the world is a listener of its own beside the
	// server's: the connection, not anything in the request, says that a
	// request comes through the endpoint, as the network does in AWS.
	host, _, err := net.SplitHostPort(s.Listener.Addr().String())
	if err != nil {
		host = "127.0.0.1"
	}
	s.endpoints = map[string]*Server{}
	for _, id := range slices.Sorted(maps.Keys(s.m.endpoints)) {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			panic(fmt.Sprintf("simulate: listen for VPC endpoint %s: %v", id, err))
		}
		e := &Server{Simulator: s.Simulator, Listener: ln, TLS: s.TLS, Timeout: s.Timeout, MaxConns: s.MaxConns,
			parent: s, endpoint: id, started: true}
		e.serve(ln, useTLS, pool, s.m.endpoints[id])
		s.endpoints[id] = e
	}
}

// endpointKey is the key of the VPC endpoint (*endpointModel) in the
// context of a connection that came through one.
type endpointKey struct{}

// serve serves the simulator on ln, as coming through the VPC endpoint
// vpce (nil for none), and sets URL and the clients' transport.
func (s *Server) serve(ln net.Listener, useTLS bool, pool *x509.CertPool, vpce *endpointModel) {
	timeout := cmp.Or(s.Timeout, defaultTimeout)
	scheme := "http"
	addr := ln.Addr().String()
	ln = newLimitListener(ln, cmp.Or(s.MaxConns, defaultMaxConns))
	if useTLS {
		scheme = "https"
		ln = tls.NewListener(ln, s.TLS)
	}
	s.URL = scheme + "://" + addr
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	s.transport = &http.Transport{
		// Every host name reaches the simulator: bucket.127.0.0.1 for
		// virtual-hosted style, ACCOUNT.127.0.0.1 for S3 Control.
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		TLSClientConfig:     &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     30 * time.Second,
	}
	s.srv = &http.Server{
		Handler:           idleTimeouts(s.Simulator, timeout),
		ReadHeaderTimeout: timeout,
		IdleTimeout:       timeout,
		// Larger than S3's 8 KB, which the simulator answers with S3's
		// error; past this, net/http answers 431 itself.
		MaxHeaderBytes: 1 << 20,
		ErrorLog:       log.New(io.Discard, "", 0),
	}
	if vpce != nil {
		s.srv.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
			return context.WithValue(ctx, endpointKey{}, vpce)
		}
	}
	go s.srv.Serve(ln)
}

// VPCEndpoint returns the server as reached from inside the VPC endpoint
// id of the world: a Server of its own, on a port of its own, whose URL,
// HTTPClient, Config and Client are those of a client in the endpoint's
// VPC. A request that reaches it comes through the endpoint: the
// endpoint's policy must allow it, and it carries aws:SourceVpce,
// aws:SourceVpc, aws:VpceAccount and aws:VpcSourceIp, without
// aws:SourceIp (IAM User Guide, "AWS global condition context keys").
// So the same test can run from inside and from outside:
//
//	inside, err := srv.VPCEndpoint("vpce-1a2b3c4d")
//	for _, from := range []*simulate.Server{srv, inside} {
//		c := from.Client("arn:aws:iam::111122223333:user/app")
//		...
//	}
//
// It is closed with the server it came from, whose Close closes it; its
// own Close does nothing. It fails for an endpoint the world lacks, and
// before the server is started.
func (s *Server) VPCEndpoint(id string) (*Server, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return nil, fmt.Errorf("simulate: VPCEndpoint(%q) before Start", id)
	}
	e := s.endpoints[id]
	if e == nil {
		return nil, fmt.Errorf("simulate: the world has no VPC endpoint %q", id)
	}
	return e, nil
}

// Close stops the server: it stops listening, waits for the requests in
// flight to be answered, and closes the connections.
func (s *Server) Close() {
	if s.parent != nil {
		return // closed by its parent
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	srv, tr := s.srv, s.transport
	endpoints := s.endpoints
	s.mu.Unlock()
	for _, e := range endpoints {
		e.shutdown()
	}
	s.stop(srv, tr)
}

// shutdown stops the server of a VPC endpoint.
func (s *Server) shutdown() {
	s.mu.Lock()
	srv, tr := s.srv, s.transport
	s.closed = true
	s.mu.Unlock()
	s.stop(srv, tr)
}

// stop closes the clients' idle connections and shuts srv down.
func (s *Server) stop(srv *http.Server, tr *http.Transport) {
	// Close the clients' idle connections first: Shutdown waits for a
	// connection that was opened but never used (as the SDK's TLS clients
	// leave them) until it times out.
	if tr != nil {
		tr.CloseIdleConnections()
	}
	if srv != nil {
		srv.Shutdown(context.Background())
	} else if s.Listener != nil {
		s.Listener.Close()
	}
	if tr != nil {
		tr.CloseIdleConnections()
	}
}

// HTTPClient returns an HTTP client that reaches the server whatever the
// host name of a URL, and trusts its certificate.
func (s *Server) HTTPClient() *http.Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.transport == nil {
		panic("simulate: HTTPClient called before Start")
	}
	return &http.Client{Transport: s.transport}
}

// Config returns an SDK configuration that reaches the server as
// principal: an IAM user or root ARN of the world (signing with its first
// access key), a role ARN (arn:aws:iam::111122223333:role/NAME, as a
// session of that role named "s3vet") or a role session ARN such as
// arn:aws:sts::111122223333:assumed-role/ROLE/SESSION (a session of an
// hour is issued without consulting the trust policy: use the sts client
// for that), or "anonymous" (unsigned requests). It is built from nothing
// in the environment, and signs with the simulator's clock ([WithClock]).
// For a principal the world lacks, every request fails with an error that
// says so.
func (s *Server) Config(principal string) aws.Config {
	var creds aws.CredentialsProvider = aws.AnonymousCredentials{}
	if principal != "anonymous" {
		c, ok := s.credentialsOf(principal)
		creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			if !ok {
				return aws.Credentials{}, fmt.Errorf("simulate: the world has no access key for %q", principal)
			}
			return c, nil
		})
	}
	cfg := aws.Config{
		Region:       s.m.region,
		Credentials:  creds,
		HTTPClient:   s.HTTPClient(),
		BaseEndpoint: aws.String(s.URL),
	}
	if s.clockSet && principal != "anonymous" {
		cfg.APIOptions = append(cfg.APIOptions, signWithClock(creds, s.now))
	}
	return cfg
}

// Client returns an S3 client that reaches the server as principal (see
// Config). At the server's URL, an IP address, the SDK addresses a bucket
// path-style and an access point, given by its ARN as the bucket, at
// NAME-ACCOUNT.<IP>, which the simulator serves as the access point.
func (s *Server) Client(principal string, optFns ...func(*s3.Options)) *s3.Client {
	return s3.NewFromConfig(s.Config(principal), optFns...)
}

// credentialsOf returns the first access key of a principal, or a new
// session for a role session ARN.
func (s *Simulator) credentialsOf(arn string) (aws.Credentials, bool) {
	if account, name, ok := roleARN(arn); ok {
		arn = "arn:aws:sts::" + account + ":assumed-role/" + name + "/s3vet"
	}
	if p, err := policy.ParsePrincipal(arn); err == nil && p.Kind == policy.AssumedRole {
		s.mu.RLock()
		role := s.m.roles[p.Account+"/"+p.Name]
		s.mu.RUnlock()
		if role == nil {
			return aws.Credentials{}, false
		}
		sess := &session{role: role, expires: s.now().Add(time.Hour)}
		key := s.issue(sess, p.Session)
		return aws.Credentials{AccessKeyID: key, SecretAccessKey: sess.secret, SessionToken: sess.token, CanExpire: true,
			Expires: sess.expires, Source: "s3vet simulator"}, true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, k := range s.m.keyOrder[arn] {
		if id := s.m.keys[k]; id != nil {
			return aws.Credentials{AccessKeyID: k, SecretAccessKey: id.secret, Source: "s3vet simulator"}, true
		}
	}
	return aws.Credentials{}, false
}

// roleARN splits a role ARN, arn:aws:iam::ACCOUNT:role/PATH/NAME, into its
// account and name.
func roleARN(arn string) (account, name string, ok bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", "", false
	}
	account, res, ok := strings.Cut(rest, ":role/")
	if !ok || !policy.IsAccountID(account) {
		return "", "", false
	}
	return account, res[strings.LastIndex(res, "/")+1:], res != ""
}

var (
	certOnce sync.Once
	certVal  tls.Certificate
	certErr  error
)

// loopbackCert returns a self-signed certificate for the loopback
// addresses, made once per process.
func loopbackCert() (tls.Certificate, error) {
	certOnce.Do(func() {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			certErr = err
			return
		}
		now := time.Now()
		tmpl := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "s3vet simulator"},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
			KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			BasicConstraintsValid: true,
			IsCA:                  true,
			DNSNames:              []string{"localhost", "*.localhost"},
			IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			certErr = err
			return
		}
		certVal = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	})
	return certVal, certErr
}
