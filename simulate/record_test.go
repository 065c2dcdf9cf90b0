package simulate_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// The explanation of an allowed request is its Decision's Explained, as
// Authorize gives it, whether the record is read from the request log as
// it is made or from Requests later, concurrently with other requests
// (run with -race).
func TestAllowedExplanation(t *testing.T) {
	var mu sync.Mutex
	logged := map[string]simulate.Record{}
	srv := simulate.NewTestServer(t, testWorld(t), simulate.WithRequestLog(func(r simulate.Record) {
		mu.Lock()
		defer mu.Unlock()
		logged[r.RequestID] = r
	}))
	plain := simulate.NewTestServer(t, testWorld(t))
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if _, err := get(ctx, srv.Client(alice), "reports", "eng/q1.csv"); err != nil {
					t.Error(err)
				}
				if _, err := get(ctx, plain.Client(alice), "reports", "eng/q1.csv"); err != nil {
					t.Error(err)
				}
				plain.Requests()
			}
		})
	}
	wg.Wait()
	d, err := plain.Authorize(alice, &s3op.Request{Operation: "GetObject", Bucket: "reports", Key: "eng/q1.csv"})
	if err != nil {
		t.Fatal(err)
	}
	want := d.Explained
	if !d.Allowed || !strings.Contains(want, "is authorized to perform: s3:GetObject") {
		t.Fatalf("Authorize: allowed %v, %q", d.Allowed, want)
	}
	for name, recs := range map[string][]simulate.Record{"log": nil, "server": srv.Requests(), "plain server": plain.Requests()} {
		if name == "log" {
			mu.Lock()
			for _, r := range logged {
				recs = append(recs, r)
			}
			mu.Unlock()
		}
		if len(recs) != 40 {
			t.Errorf("%s: %d records, want 40", name, len(recs))
		}
		for _, r := range recs {
			if !r.Allowed() || r.Explanation != want || r.Decision.Explained != want {
				t.Errorf("%s: allowed %v, explanation %q, decision's %q; want %q", name, r.Allowed(), r.Explanation, r.Decision.Explained, want)
			}
		}
	}
}

// No header of one answer leaks into another's, though the simulator
// reuses the maps it takes gofakes3's answers in: concurrent GETs of an
// object with metadata, by range, and of one without get each their own
// (run with -race).
func TestAnswerHeadersIndependent(t *testing.T) {
	w := &simulate.World{}
	a := w.AddAccount("999999999999")
	u := a.AddUser("reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::headers/*"}]}`)
	a.AddBucket("headers")
	srv := simulate.NewTestServer(t, w)
	client := srv.Client(u.ARN())
	ctx := context.Background()
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("headers"), Key: aws.String("meta"),
		Body: strings.NewReader("0123456789"), Metadata: map[string]string{"m": "1"}, ContentType: aws.String("text/plain")}); err != nil {
		t.Fatal(err)
	}
	if err := put(ctx, client, "headers", "plain", "abc"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("headers"), Key: aws.String("meta"), Range: aws.String("bytes=0-3")})
				if err != nil {
					t.Error(err)
					return
				}
				out.Body.Close()
				if out.Metadata["m"] != "1" || aws.ToString(out.ContentRange) != "bytes 0-3/10" || aws.ToString(out.ContentType) != "text/plain" {
					t.Errorf("ranged GET: metadata %v, range %q, type %q", out.Metadata, aws.ToString(out.ContentRange), aws.ToString(out.ContentType))
				}
				out, err = client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("headers"), Key: aws.String("plain")})
				if err != nil {
					t.Error(err)
					return
				}
				out.Body.Close()
				if len(out.Metadata) != 0 || out.ContentRange != nil || aws.ToString(out.ContentType) == "text/plain" || aws.ToInt64(out.ContentLength) != 3 {
					t.Errorf("plain GET: metadata %v, range %q, type %q, length %d", out.Metadata, aws.ToString(out.ContentRange),
						aws.ToString(out.ContentType), aws.ToInt64(out.ContentLength))
				}
			}
		})
	}
	wg.Wait()
}
