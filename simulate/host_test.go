package simulate_test

import (
	"context"
	"encoding/xml"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/simulate"
)

// A Host the simulator does not know as one of its endpoints is read as
// S3 reads a Host that is none of its own (S3 User Guide, "Virtual hosting
// of general purpose buckets", "HTTP Host header bucket specification":
// "the bucket for the request is the lowercase value of the Host header,
// and the key for the request is the Request-URI"), never as path style,
// which would change the request's meaning: PUT /vh.txt at
// reports.example.internal would be CreateBucket of vh.txt. Through the
// SDK's client, virtual-hosted and path-style, at a domain first unknown
// and then given with WithDomains; and raw, with S3's error.
func TestUnknownHostNamesBucket(t *testing.T) {
	ctx := context.Background()
	// sdkAt is root1's client at http://DOMAIN:PORT, dialling the server
	// whatever the name.
	sdkAt := func(srv *simulate.Server, domain string, pathStyle bool) *s3.Client {
		addr := strings.TrimPrefix(srv.URL, "http://")
		_, port, _ := net.SplitHostPort(addr)
		tr := srv.HTTPClient().Transport.(*http.Transport).Clone()
		tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		return srv.Client(root1, func(o *s3.Options) {
			o.BaseEndpoint, o.UsePathStyle = aws.String("http://"+domain+":"+port), pathStyle
			o.HTTPClient, o.RetryMaxAttempts = &http.Client{Transport: tr}, 1
		})
	}
	type answer struct {
		Status           int
		Code, BucketName string
	}
	// raw sends a signed request with the Host given and returns S3's
	// answer.
	raw := func(t *testing.T, srv *simulate.Server, method, host, path, body string) answer {
		t.Helper()
		status, _, b := signedRequest(t, srv, root1, method, path, "", http.Header{"Host": {host}}, []byte(body))
		var doc struct{ Code, BucketName string }
		if status >= 300 && len(b) > 0 {
			if err := xml.Unmarshal(b, &doc); err != nil {
				t.Fatalf("%s %s%s: %d %s", method, host, path, status, b)
			}
		}
		return answer{status, doc.Code, doc.BucketName}
	}

	t.Run("unknown domain", func(t *testing.T) {
		srv := simulate.NewTestServer(t, testWorld(t))
		for _, pathStyle := range []bool{false, true} {
			err := put(ctx, sdkAt(srv, "example.internal", pathStyle), "reports", "vh.txt", "x")
			want := "reports.example.internal" // BUCKET.DOMAIN, as a whole
			if pathStyle {
				want = "example.internal"
			}
			wantError(t, err, "NoSuchBucket", "The specified bucket does not exist")
			r := srv.Requests()[len(srv.Requests())-1]
			if r.Bucket != want || !strings.Contains(r.Explanation, "none of the simulator's endpoints") {
				t.Errorf("path style %v: bucket %q, explanation %q; want bucket %q and the Host explained", pathStyle, r.Bucket, r.Explanation, want)
			}
		}
		got := []answer{
			raw(t, srv, "PUT", "reports.example.internal", "/vh.txt", ""),
			raw(t, srv, "PUT", "reports.example.internal", "/vh.txt", "<CreateBucketConfiguration/>"),
			raw(t, srv, "GET", "reports.example.internal:9000", "/reports/eng/q1.csv", ""),
			raw(t, srv, "GET", "Reports.Example.Internal.", "/eng/q1.csv", ""),
		}
		want := []answer{
			{404, "NoSuchBucket", "reports.example.internal"},
			{404, "NoSuchBucket", "reports.example.internal"},
			{404, "NoSuchBucket", "reports.example.internal"},
			{404, "NoSuchBucket", "reports.example.internal"},
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("at an unknown domain (-want +got):\n%s", d)
		}
		// Nothing was created: no bucket vh.txt.
		if a := raw(t, srv, "HEAD", "", "/vh.txt", ""); a.Status != 404 {
			t.Errorf("HEAD /vh.txt: %d, want 404", a.Status)
		}
	})

	t.Run("a bucket named as its Host", func(t *testing.T) {
		// The CNAME reading reaches a bucket whose name is the Host.
		srv := simulate.NewTestServer(t, testWorld(t))
		c := srv.Client(root1)
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("files.example.org")}); err != nil {
			t.Fatal(err)
		}
		if err := put(ctx, c, "files.example.org", "robots.txt", "ok"); err != nil {
			t.Fatal(err)
		}
		status, _, body := signedRequest(t, srv, root1, "GET", "/robots.txt", "", http.Header{"Host": {"files.example.org"}}, nil)
		if status != 200 || string(body) != "ok" {
			t.Errorf("GET files.example.org/robots.txt: %d %q", status, body)
		}
	})

	t.Run("the domain given", func(t *testing.T) {
		srv := simulate.NewTestServer(t, testWorld(t), simulate.WithDomains("example.internal"))
		for _, pathStyle := range []bool{false, true} {
			c := sdkAt(srv, "example.internal", pathStyle)
			if err := put(ctx, c, "reports", "vh.txt", "x"); err != nil {
				t.Fatalf("path style %v: %v", pathStyle, err)
			}
			if body, err := get(ctx, c, "reports", "vh.txt"); err != nil || body != "x" {
				t.Fatalf("path style %v: %q %v", pathStyle, body, err)
			}
		}
	})

	t.Run("endpoints", func(t *testing.T) {
		// Hosts that are the simulator's endpoints are path style; a name
		// of one label is one of them.
		srv := simulate.NewTestServer(t, testWorld(t))
		var got []answer
		for _, host := range []string{"", "127.0.0.1:9000", "[::1]:9000", "localhost:9000", "s3.localhost", "s3vet:9000",
			"s3.amazonaws.com", "s3.us-east-1.amazonaws.com", "s3-us-east-1.amazonaws.com", "s3.dualstack.us-east-1.amazonaws.com"} {
			got = append(got, raw(t, srv, "GET", host, "/reports/eng/q1.csv", ""))
		}
		for _, host := range []string{"reports.localhost", "reports.s3.localhost", "reports.127.0.0.1", "reports.s3.amazonaws.com",
			"reports.s3.us-east-1.amazonaws.com"} {
			got = append(got, raw(t, srv, "GET", host, "/eng/q1.csv", ""))
		}
		want := make([]answer, len(got))
		for i := range want {
			want[i] = answer{Status: 200}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("at the simulator's endpoints (-want +got):\n%s", d)
		}
	})
}
