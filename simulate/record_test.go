package simulate_test

import (
	"context"
	"strings"
	"sync"
	"testing"

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
