package simulate_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3vet/s3vet/simulate"
)

// BenchmarkSimulator measures small GETs and PUTs through the SDK, against
// the simulator and against bare gofakes3 on the same backend, in the
// same run: the simulator authenticates and authorizes every request.
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
	cfg.HTTPClient = bare.Client()
	fake := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	if _, err := fake.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	body := []byte("0123456789abcdef")
	for _, c := range []struct {
		name   string
		client *s3.Client
	}{{"gofakes3", fake}, {"simulator", sim}} {
		if err := put(ctx, c.client, "bench", "small", string(body)); err != nil {
			b.Fatal(err)
		}
		b.Run("PUT/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("bench"), Key: aws.String("small"), Body: bytes.NewReader(body)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("GET/"+c.name, func(b *testing.B) {
			for b.Loop() {
				out, err := c.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bench"), Key: aws.String("small")})
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, out.Body)
				out.Body.Close()
			}
		})
	}
}
