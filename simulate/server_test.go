package simulate_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3vet/s3vet/simulate"
)

const (
	alice = "arn:aws:iam::111111111111:user/alice"
	bob   = "arn:aws:iam::111111111111:user/ops/bob"
	carol = "arn:aws:iam::222222222222:user/carol"
	root1 = "arn:aws:iam::111111111111:root"
	anon  = "anonymous"
)

func testWorld(t testing.TB) *simulate.World {
	t.Helper()
	f, err := os.Open("testdata/world.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := simulate.LoadWorld(f)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// apiError returns the S3 error code, message and HTTP status of err.
func apiError(t testing.TB, err error) (code, msg string, status int) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return ae.ErrorCode(), ae.ErrorMessage(), status
}

// wantError checks that err is the S3 error code, with a message holding
// msg.
func wantError(t testing.TB, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", code)
	}
	got, gotMsg, _ := apiError(t, err)
	if got != code || !strings.Contains(gotMsg, msg) {
		t.Fatalf("error %s %q, want %s %q", got, gotMsg, code, msg)
	}
}

func get(ctx context.Context, c *s3.Client, bucket, key string) (string, error) {
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	return string(b), err
}

func put(ctx context.Context, c *s3.Client, bucket, key, body string) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	return err
}

// servers runs f against the world over HTTP and over HTTPS.
func servers(t *testing.T, w func(testing.TB) *simulate.World, f func(t *testing.T, srv *simulate.Server)) {
	t.Run("http", func(t *testing.T) {
		t.Parallel()
		f(t, simulate.NewTestServer(t, w(t)))
	})
	t.Run("https", func(t *testing.T) {
		t.Parallel()
		f(t, simulate.NewTestTLSServer(t, w(t)))
	})
}

// The world of testdata/world.json, through the SDK: group policies with a
// tag variable, a permissions boundary, an SCP, cross-account callers,
// Block Public Access.
func TestReadsAndWrites(t *testing.T) {
	tests := []struct {
		name, principal, op, bucket, key string
		code, msg                        string // "" when allowed
	}{
		{"group policy allows eng/", alice, "get", "reports", "eng/q1.csv", "", ""},
		{"no identity policy for hr/", alice, "get", "reports", "hr/pay.csv", "AccessDenied",
			`User: arn:aws:iam::111111111111:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports/hr/pay.csv" because no identity-based policy allows the s3:GetObject action`},
		{"group grants no write", alice, "put", "reports", "eng/new.csv", "AccessDenied", "because no identity-based policy allows the s3:PutObject action"},
		{"boundary allows reads", bob, "get", "reports", "hr/pay.csv", "", ""},
		{"boundary stops writes", bob, "put", "reports", "x.csv", "AccessDenied", "because no permissions boundary allows the s3:PutObject action"},
		{"root writes", root1, "put", "reports", "root.csv", "", ""},
		{"cross account: plain Access Denied", carol, "get", "reports", "eng/q1.csv", "AccessDenied", "Access Denied"},
		{"cross account write", carol, "put", "reports", "c.csv", "AccessDenied", "Access Denied"},
		{"anonymous reads a public bucket", anon, "get", "site", "index.html", "", ""},
		{"anonymous cannot write it", anon, "put", "site", "index.html", "AccessDenied", "Access Denied"},
		{"Block Public Access by default", anon, "get", "locked-site", "index.html", "AccessDenied", "Access Denied"},
		{"no such bucket", alice, "get", "nope-bucket", "k", "NoSuchBucket", "The specified bucket does not exist"},
		{"missing key, with s3:ListBucket", alice, "get", "reports", "eng/missing", "NoSuchKey", ""},
		{"missing key: 403 without s3:ListBucket", anon, "get", "site", "missing.html", "AccessDenied", "Access Denied"},
	}
	servers(t, testWorld, func(t *testing.T, srv *simulate.Server) {
		ctx := context.Background()
		for _, tt := range tests {
			var err error
			c := srv.Client(tt.principal)
			switch tt.op {
			case "get":
				_, err = get(ctx, c, tt.bucket, tt.key)
			case "put":
				err = put(ctx, c, tt.bucket, tt.key, "data")
			}
			if tt.code == "" {
				if err != nil {
					t.Errorf("%s: %v", tt.name, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s: allowed, want %s", tt.name, tt.code)
				continue
			}
			code, msg, status := apiError(t, err)
			if code != tt.code || !strings.Contains(msg, tt.msg) || tt.msg == "Access Denied" && msg != tt.msg {
				t.Errorf("%s: %s %q, want %s %q", tt.name, code, msg, tt.code, tt.msg)
			}
			if code == "AccessDenied" && status != http.StatusForbidden {
				t.Errorf("%s: status %d", tt.name, status)
			}
		}
	})
}

// A write round-trips byte for byte, with its metadata; what the
// simulator does not store as metadata (credentials, SSE, checksums) does
// not come back.
func TestPutGetRoundTrip(t *testing.T) {
	servers(t, testWorld, func(t *testing.T, srv *simulate.Server) {
		ctx := context.Background()
		c := srv.Client(root1)
		body := bytes.Repeat([]byte("0123456789abcdef"), 4096+7)
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("dir/a b+c.bin"),
			Body: bytes.NewReader(body), ContentType: aws.String("application/x-test"), Metadata: map[string]string{"color": "blue"},
			Tagging: aws.String("team=eng&env=prod")})
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("dir/a b+c.bin")})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if !bytes.Equal(got, body) {
			t.Fatalf("got %d bytes, want %d", len(got), len(body))
		}
		if aws.ToString(out.ContentType) != "application/x-test" || out.Metadata["color"] != "blue" || len(out.Metadata) != 1 {
			t.Errorf("content type %q, metadata %v", aws.ToString(out.ContentType), out.Metadata)
		}
		if out.ServerSideEncryption != types.ServerSideEncryptionAes256 || aws.ToInt32(out.TagCount) != 2 {
			t.Errorf("SSE %q, tag count %d", out.ServerSideEncryption, aws.ToInt32(out.TagCount))
		}
		if out.VersionId != nil {
			t.Errorf("version ID %q on a bucket never versioned", *out.VersionId)
		}
		// An overwrite replaces the metadata.
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("dir/a b+c.bin"),
			Body: strings.NewReader("v2")}); err != nil {
			t.Fatal(err)
		}
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("reports"), Key: aws.String("dir/a b+c.bin")})
		if err != nil {
			t.Fatal(err)
		}
		if len(head.Metadata) != 0 || aws.ToString(head.ContentType) != "application/octet-stream" || aws.ToInt64(head.ContentLength) != 2 {
			t.Errorf("after overwrite: metadata %v, type %q, length %d", head.Metadata, aws.ToString(head.ContentType), aws.ToInt64(head.ContentLength))
		}
	})
}

// Every request is recorded: the caller is told "Access Denied" across
// accounts, the record says why.
func TestRequests(t *testing.T) {
	var logged []simulate.Record
	var mu sync.Mutex
	srv := simulate.NewTestServer(t, testWorld(t), simulate.WithRequestLog(func(r simulate.Record) {
		mu.Lock()
		logged = append(logged, r)
		mu.Unlock()
	}))
	ctx := context.Background()
	get(ctx, srv.Client(carol), "reports", "eng/q1.csv")
	get(ctx, srv.Client(alice), "reports", "eng/q1.csv")
	recs := srv.Requests()
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.Principal != carol || r.Operation != "GetObject" || r.Bucket != "reports" || r.Key != "eng/q1.csv" || r.Allowed() ||
		r.Status != 403 || r.Code != "AccessDenied" || r.Decision.Need.Action != "s3:GetObject" ||
		r.Explanation != `User: arn:aws:iam::222222222222:user/carol is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::reports/eng/q1.csv" because no resource-based policy allows the s3:GetObject action` {
		t.Errorf("denied record: %+v", r)
	}
	if r := recs[1]; !r.Allowed() || r.Status != 200 || r.Code != "" || !strings.Contains(r.Explanation, "is authorized to perform: s3:GetObject") {
		t.Errorf("allowed record: %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logged) != 2 || logged[0].RequestID != recs[0].RequestID {
		t.Errorf("request log: %d records", len(logged))
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Error("ResetRequests kept records")
	}
}

// Virtual-hosted-style requests (bucket.localhost) reach the simulator
// through the client Config gives.
func TestVirtualHostedStyle(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t), simulate.WithDomains("s3.test"))
	ctx := context.Background()
	for _, host := range []string{"localhost", "s3.localhost", "s3.test"} {
		base := strings.Replace(srv.URL, "127.0.0.1", host, 1)
		virtual := srv.Client(root1, func(o *s3.Options) { o.UsePathStyle, o.BaseEndpoint = false, aws.String(base) })
		if err := put(ctx, virtual, "reports", "vh.txt", "via "+host); err != nil {
			t.Fatalf("PUT through reports.%s: %v", host, err)
		}
		if r := srv.Requests()[len(srv.Requests())-1]; r.Operation != "PutObject" || r.Bucket != "reports" || r.Key != "vh.txt" {
			t.Fatalf("reports.%s/vh.txt routed as %s %s/%s", host, r.Operation, r.Bucket, r.Key)
		}
		path := srv.Client(alice, func(o *s3.Options) { o.BaseEndpoint = aws.String(base) })
		if body, err := get(ctx, path, "reports", "eng/q1.csv"); err != nil || body != "a,b" {
			t.Fatalf("path-style through %s: %q %v", host, body, err)
		}
	}
}

// A connection that stalls is closed: a request body that stops coming is
// answered with S3's 400 RequestTimeout ("Your socket connection to the
// server was not read from or written to within the timeout period", S3
// API Reference, "Error responses"), an idle keep-alive connection is
// closed, and no more than MaxConns are open at once, the next waiting
// until one closes.
func TestServerTimeouts(t *testing.T) {
	srv, err := simulate.NewUnstartedServer(testWorld(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.Timeout, srv.MaxConns = 300*time.Millisecond, 2
	srv.Start()
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// closed waits for the server to close c, for at most 10 s.
	closed := func(c net.Conn) error {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := io.Copy(io.Discard, c)
		return err
	}

	t.Run("stalled body", func(t *testing.T) {
		r, _ := http.NewRequest("PUT", srv.URL+"/reports/stalled.csv", nil)
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		r.ContentLength = 100
		creds, _ := srv.Config(root1).Credentials.Retrieve(context.Background())
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		c := dial()
		var req strings.Builder
		req.WriteString("PUT /reports/stalled.csv HTTP/1.1\r\nHost: " + addr + "\r\nContent-Length: 100\r\n")
		for k, vs := range r.Header {
			req.WriteString(k + ": " + vs[0] + "\r\n")
		}
		req.WriteString("\r\nabc") // 3 of the 100 bytes, then nothing
		if _, err := io.WriteString(c, req.String()); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "<Code>RequestTimeout</Code>") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		if err := closed(c); err != nil {
			t.Fatalf("the connection after RequestTimeout: %v", err)
		}
		if _, err := get(context.Background(), srv.Client(root1), "reports", "stalled.csv"); err == nil {
			t.Fatal("the stalled upload was stored")
		}
	})

	t.Run("idle connections and the bound", func(t *testing.T) {
		srv.HTTPClient().Transport.(*http.Transport).CloseIdleConnections()
		// Two connections that send nothing take both places.
		type end struct {
			at  time.Time
			err error
		}
		ends := make(chan end, 2)
		for range 2 {
			c := dial()
			go func() {
				err := closed(c)
				ends <- end{time.Now(), err}
			}()
		}
		// A third connection is served, but only once the server closed
		// one of them.
		fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := fresh.Get(srv.URL + "/site/index.html")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		served := time.Now()
		first, second := <-ends, <-ends
		if first.err != nil || second.err != nil {
			t.Fatalf("the idle connections: %v, %v", first.err, second.err)
		}
		if resp.StatusCode != http.StatusOK || string(body) != "<h1>hi</h1>" {
			t.Fatalf("the third connection: %d %q", resp.StatusCode, body)
		}
		if first.at.After(served) {
			t.Fatalf("served at %v, before an idle connection closed (%v)", served, first.at)
		}
	})
}

// A header section over S3's 8 KB is S3's 400 RequestHeaderSectionTooLarge,
// in S3's error XML, not net/http's bare 431 (S3 User Guide, "Working
// with object metadata": "The PUT request header is limited to 8 KB in
// size").
func TestHeaderSectionTooLarge(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	status, _, body := signedRequest(t, srv, root1, "PUT", "/reports/big.csv", "",
		http.Header{"X-Amz-Meta-Big": {strings.Repeat("x", 9000)}}, []byte("x"))
	if status != http.StatusBadRequest || !strings.Contains(string(body), "<Code>RequestHeaderSectionTooLarge</Code>") ||
		!strings.Contains(string(body), "<MaxSizeAllowed>8192</MaxSizeAllowed>") {
		t.Fatalf("%d %s", status, body)
	}
	// Under the limit, the same request is taken (and its metadata, at
	// most 2 KB, checked on its own).
	status, _, body = signedRequest(t, srv, root1, "PUT", "/reports/big.csv", "",
		http.Header{"X-Amz-Meta-Big": {strings.Repeat("x", 2040)}}, []byte("x"))
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, body)
	}
}
