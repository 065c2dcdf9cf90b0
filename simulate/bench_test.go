package simulate_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3vet/s3vet/simulate"
)

// BenchmarkSimulator measures small PUTs and GETs through the SDK against
// the simulator and against bare gofakes3 on the same backend (s3mem),
// paired: every iteration makes one request to each, in turn, so that both
// see the same machine at the same moment, however busy it is. It reports
// each one's time per request (gofakes3-ns/req, simulator-ns/req) and
// their ratio (simulator/gofakes3), the figure of the package doc's
// "Speed"; ns/op is the pair's. Both clients have the same SDK
// configuration (credentials, region, checksum settings) and the same
// HTTP transport settings, with keep-alives; the simulator authenticates,
// authorizes and records every request.
func BenchmarkSimulator(b *testing.B) {
	w := &simulate.World{}
	a := w.AddAccount("999999999999")
	u := a.AddUser("bench", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bench/*"}]}`)
	a.AddBucket("bench").AddObject("small", "0123456789abcdef")
	srv := simulate.NewTestServer(b, w)
	sim := srv.Client(u.ARN())

	bare := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	b.Cleanup(bare.Close)
	cfg := srv.Config(u.ARN())
	cfg.BaseEndpoint = aws.String(bare.URL)
	// The simulator's transport, dialing the host of the URL instead of
	// the simulator's port.
	tr := cfg.HTTPClient.(*http.Client).Transport.(*http.Transport).Clone()
	tr.DialContext = nil
	b.Cleanup(tr.CloseIdleConnections)
	cfg.HTTPClient = &http.Client{Transport: tr}
	fake := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	if _, err := fake.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	body := []byte("0123456789abcdef")
	clients := []struct {
		name   string
		client *s3.Client
	}{{"gofakes3", fake}, {"simulator", sim}}
	for _, c := range clients {
		if err := put(ctx, c.client, "bench", "small", string(body)); err != nil {
			b.Fatal(err)
		}
	}
	ops := []struct {
		name string
		do   func(*s3.Client) error
	}{
		{"PUT", func(c *s3.Client) error {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("small"), Body: bytes.NewReader(body)})
			return err
		}},
		{"GET", func(c *s3.Client) error {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("small")})
			if err != nil {
				return err
			}
			defer out.Body.Close()
			_, err = io.Copy(io.Discard, out.Body)
			return err
		}},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			var spent [2]time.Duration
			for i := 0; b.Loop(); i++ {
				for j := range clients {
					c := (i + j) % len(clients) // each goes first every other time
					start := time.Now()
					if err := op.do(clients[c].client); err != nil {
						b.Fatal(err)
					}
					spent[c] += time.Since(start)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(spent[0].Nanoseconds())/n, "gofakes3-ns/req")
			b.ReportMetric(float64(spent[1].Nanoseconds())/n, "simulator-ns/req")
			b.ReportMetric(float64(spent[1])/float64(spent[0]), "simulator/gofakes3")
		})
	}
}
