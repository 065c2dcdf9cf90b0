package bench

import (
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// TestSameAnswers checks that s3vet and MinIO give the same allow/deny
// answer, the expected one, on every request of every input. It is what
// makes the benchmark a comparison of equals.
func TestSameAnswers(t *testing.T) {
	for _, in := range Inputs {
		t.Run(in.Name, func(t *testing.T) {
			sv, err := CompileS3vet(in)
			if err != nil {
				t.Fatalf("s3vet: %v", err)
			}
			mn, err := CompileMinio(in)
			if err != nil {
				t.Fatalf("minio: %v", err)
			}
			reqs := in.Requests()
			if len(sv.All) != len(reqs) || len(sv.Bench) != len(in.Bench) {
				t.Fatalf("s3vet requests: got %d (bench %d), want %d (bench %d)", len(sv.All), len(sv.Bench), len(reqs), len(in.Bench))
			}
			allowed := 0
			for i := range reqs {
				r := &reqs[i]
				res := sv.Set.Evaluate(sv.All[i])
				s3vetAllowed := res.Decision == policy.Allowed
				minioAllowed := mn.IsAllowed(i)
				if s3vetAllowed != minioAllowed || s3vetAllowed != r.Allowed {
					t.Errorf("%s: s3vet %v (%s), minio allowed=%v, want allowed=%v",
						r.Name, res.Decision, res.Reason(r.Action), minioAllowed, r.Allowed)
				}
				if r.Allowed {
					allowed++
				}
			}
			if allowed == len(reqs) {
				t.Errorf("every request is allowed: add denied ones")
			}
			for i := range in.Bench {
				if !in.Bench[i].Allowed {
					t.Errorf("bench request %s is denied; the benchmark measures allowed decisions", in.Bench[i].Name)
				}
			}
		})
	}
}

// TestZeroAllocs checks that s3vet's Evaluate allocates nothing on the
// benchmark inputs.
func TestZeroAllocs(t *testing.T) {
	for _, in := range Inputs {
		sv, err := CompileS3vet(in)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range sv.All {
			if n := testing.AllocsPerRun(100, func() { sink = sv.Set.Evaluate(r) }); n != 0 {
				t.Errorf("%s/%s: Evaluate made %v allocations", in.Name, in.Requests()[i].Name, n)
			}
		}
	}
}

var (
	sink      policy.Result
	boolSink  bool
	parseSink any
)

// BenchmarkEvaluate measures one decision per iteration, cycling through
// the input's Bench requests. Parsing and request construction happen
// before the timer starts.
func BenchmarkEvaluate(b *testing.B) {
	for _, in := range Inputs {
		b.Run(in.Name, func(b *testing.B) {
			b.Run("s3vet", func(b *testing.B) {
				c, err := CompileS3vet(in)
				if err != nil {
					b.Fatal(err)
				}
				set, reqs := c.Set, c.Bench
				n := len(reqs)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					sink = set.Evaluate(reqs[i%n])
				}
			})
			b.Run("minio", func(b *testing.B) {
				c, err := CompileMinio(in)
				if err != nil {
					b.Fatal(err)
				}
				n := c.NBench
				b.ReportAllocs()
				if c.Bucket != nil {
					pol, args := c.Bucket, c.BucketArgs[:n]
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						boolSink = pol.IsAllowed(args[i%n])
					}
					return
				}
				pol, args := c.Policy, c.Args[:n]
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					boolSink = pol.IsAllowed(args[i%n])
				}
			})
		})
	}
}

// BenchmarkParse measures parsing all of an input's documents into the
// engine's policy objects (for MinIO, without MergePolicies).
func BenchmarkParse(b *testing.B) {
	for _, in := range Inputs {
		b.Run(in.Name, func(b *testing.B) {
			b.Run("s3vet", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					ps, err := ParseS3vet(in)
					if err != nil {
						b.Fatal(err)
					}
					parseSink = ps
				}
			})
			b.Run("minio", func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					p, err := ParseMinio(in)
					if err != nil {
						b.Fatal(err)
					}
					parseSink = p
				}
			})
		})
	}
}
