package checks_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/s3vet/s3vet/checks"
)

// syntheticSnapshot makes n buckets, a mix of the fixtures' passing and
// failing configurations, with distinct names and policies.
func syntheticSnapshot(tb testing.TB, n int) *checks.Snapshot {
	var pool []checks.Bucket
	for _, file := range []string{"compliant.json", "S3.2.json", "S3.5.json", "least-privilege.json", "encryption-bypass.json", "S3.12.json"} {
		pool = append(pool, readFixture(tb, file).Buckets...)
	}
	s := &checks.Snapshot{Version: checks.SnapshotVersion, Account: checks.Account{ID: "111122223333"}}
	for i := range n {
		b := pool[i%len(pool)]
		b.Name = fmt.Sprintf("%s-%04d", b.Name, i)
		s.Buckets = append(s.Buckets, b)
	}
	return s
}

// BenchmarkRun judges a 1,000-bucket snapshot with every built-in check.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("buckets=%d", n), func(b *testing.B) {
			s := syntheticSnapshot(b, n)
			opts := checks.Options{Params: checks.Params{MaxSignatureAge: 10 * time.Minute}}
			b.ReportAllocs()
			var findings int
			for b.Loop() {
				findings = len(checks.Run(s, opts))
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "buckets/s")
			b.ReportMetric(float64(findings), "findings")
		})
	}
}
