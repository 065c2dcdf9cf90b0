package simulate_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/simulate"
)

// tamper changes the first byte of every request body after signing.
type tamper struct{ rt http.RoundTripper }

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.ContentLength > 0 {
		b, _ := io.ReadAll(r.Body)
		b[0] ^= 1
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	return t.rt.RoundTrip(r)
}

// A body that does not match its signed hex x-amz-content-sha256 is
// refused, for PutObject and UploadPart, and nothing is stored.
func TestContentSHA256Mismatch(t *testing.T) {
	w := &simulate.World{}
	a := w.AddAccount("999999999999")
	u := a.AddUser("writer", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::tampered/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::tampered"}]}`)
	a.AddBucket("tampered")
	srv := simulate.NewTestServer(t, w)
	cfg := srv.Config(u.ARN())
	cfg.HTTPClient = &http.Client{Transport: tamper{cfg.HTTPClient.(*http.Client).Transport}}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true; o.RetryMaxAttempts = 1 })
	ctx := context.Background()
	err := put(ctx, client, "tampered", "k", "0123456789abcdef")
	wantError(t, err, "XAmzContentSHA256Mismatch", "")
	_, err = get(ctx, srv.Client(u.ARN()), "tampered", "k")
	wantError(t, err, "NoSuchKey", "")

	good := srv.Client(u.ARN())
	up, err := good.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("tampered"), Key: aws.String("m")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("tampered"), Key: aws.String("m"), UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader("0123456789abcdef")})
	wantError(t, err, "XAmzContentSHA256Mismatch", "")
}
