package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts `s3vet serve` with args and a world file, and returns its
// base URL and output; it stops when the test ends.
func serve(t *testing.T, world string, args ...string) (string, *syncBuffer) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "world.json")
	if err := os.WriteFile(file, []byte(world), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &syncBuffer{}, &syncBuffer{}
	done := make(chan int)
	go func() {
		done <- serveCmd(ctx, append([]string{"--config", file, "--addr", "127.0.0.1:0"}, args...), out, errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if status := <-done; status != 0 {
			t.Errorf("serve exited %d: %s", status, errOut)
		}
	})
	for range 100 {
		if s := out.String(); strings.Contains(s, "s3vet serve: ") {
			url, _, _ := strings.Cut(strings.TrimPrefix(s, "s3vet serve: "), ",")
			return url, out
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %s %s", out, errOut)
	return "", nil
}

const serveWorld = `{"accounts": [{"id": "111111111111",
  "buckets": [{"name": "site", "publicAccessBlock": {}, "policy": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"},
    {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::site"}]},
    "objects": [{"key": "index.html", "body": "<h1>hi</h1>"}]}]}]}`

// serve --tls --cert-out writes the certificate a client can trust;
// --domain adds a domain of virtual-hosted style; the log prints denials
// and errors, not the answers that a thing is absent.
func TestServe(t *testing.T) {
	cert := filepath.Join(t.TempDir(), "cert.pem")
	url, out := serve(t, serveWorld, "--tls", "--cert-out", cert, "--domain", "s3.test")
	pem, err := os.ReadFile(cert)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("--cert-out wrote no certificate: %q", pem)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(host, path string) (int, string) {
		req, _ := http.NewRequest("GET", url+path, nil)
		req.Host = host
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get("", "/site/index.html"); status != 200 || body != "<h1>hi</h1>" {
		t.Fatalf("GET through the written certificate: %d %q", status, body)
	}
	if status, body := get("site.s3.test", "/index.html"); status != 200 || body != "<h1>hi</h1>" {
		t.Fatalf("GET site.s3.test/index.html: %d %q", status, body)
	}
	// A Host under a domain not given names the bucket of its whole name
	// (S3 User Guide, "HTTP Host header bucket specification"), never the
	// path's bucket.
	if status, _ := get("site.s3.other", "/site/index.html"); status != http.StatusNotFound {
		t.Fatalf("GET site.s3.other/site/index.html: %d, want 404 NoSuchBucket", status)
	}
	if status, _ := get("", "/site/missing.html"); status != http.StatusNotFound {
		t.Fatalf("GET of a missing key: %d", status)
	}
	if status, _ := get("", "/site?tagging"); status != http.StatusForbidden {
		t.Fatalf("GetBucketTagging, anonymous: %d", status)
	}
	log := out.String()
	if !strings.Contains(log, "403 AccessDenied anonymous GetBucketTagging site") {
		t.Errorf("the denial is not printed:\n%s", log)
	}
	if strings.Contains(log, "200 ") || strings.Contains(log, "NoSuchKey") {
		t.Errorf("a success or an absence is printed:\n%s", log)
	}
}

// refusal is what serve prints: denials and errors, not absences.
func TestRefusal(t *testing.T) {
	for status, want := range map[int]bool{200: false, 204: false, 304: false, 400: true, 403: true, 404: false, 405: true, 409: true,
		412: false, 416: false, 500: true, 501: true} {
		if got := refusal(status); got != want {
			t.Errorf("refusal(%d) = %v, want %v", status, got, want)
		}
	}
}

// serve prints a URL for each VPC endpoint of the world; a request sent
// there comes through the endpoint (S3 User Guide, "Controlling access
// from VPC endpoints with bucket policies": a bucket open only through
// one endpoint).
func TestServeVPCEndpoint(t *testing.T) {
	const world = `{"accounts": [{"id": "111111111111",
  "vpcEndpoints": [{"id": "vpce-1a2b3c4d", "vpcId": "vpc-111bbb22"}],
  "buckets": [{"name": "internal", "publicAccessBlock": {}, "policy": {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::internal/*",
     "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]},
    "objects": [{"key": "a.txt", "body": "inside"}]}]}]}`
	url, out := serve(t, world)
	var inside string
	for range 100 {
		for _, line := range strings.Split(out.String(), "\n") {
			if rest, ok := strings.CutPrefix(line, "s3vet serve: "); ok && strings.Contains(rest, "VPC endpoint vpce-1a2b3c4d (vpc-111bbb22)") {
				inside, _, _ = strings.Cut(rest, ",")
			}
		}
		if inside != "" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if inside == "" || inside == url {
		t.Fatalf("no URL of the endpoint in %q", out)
	}
	for _, tc := range []struct {
		base   string
		status int
		body   string
	}{{url, http.StatusForbidden, "AccessDenied"}, {inside, http.StatusOK, "inside"}} {
		resp, err := http.Get(tc.base + "/internal/a.txt")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.body) {
			t.Errorf("%s: %d %s, want %d with %q", tc.base, resp.StatusCode, b, tc.status, tc.body)
		}
	}
	// Only the refusal from outside is logged, and its line names no
	// endpoint. The line is written once the answer is sent.
	for i := 0; i < 100 && !strings.Contains(out.String(), "403 "); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if log := out.String(); !strings.Contains(log, "403 AccessDenied anonymous GetObject internal/a.txt:") || strings.Contains(log, "from vpce-") {
		t.Errorf("log: %s", log)
	}
}
