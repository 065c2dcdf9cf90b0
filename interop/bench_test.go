package interop_test

import (
	"context"
	"flag"
	"testing"

	"github.com/s3vet/s3vet/interop"
)

var benchGiB = flag.Bool("gib", false, "benchmark 1 GiB objects too (about 5 GiB of memory)")

func benchSizes() []int64 {
	if *benchGiB {
		return []int64{1 << 20, 64 << 20, 1 << 30}
	}
	return []int64{1 << 20, 64 << 20}
}

// BenchmarkEncrypt times interop.EncryptCases: PutObject of an object held
// in memory, by s3vet and by the official client, through interop.Sink.
// Compare with benchstat -col /impl. On a shared machine, cmd/speed's
// interleaved rounds are steadier.
func BenchmarkEncrypt(b *testing.B) {
	for _, size := range benchSizes() {
		cases, err := interop.EncryptCases(plaintext(size, 1), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		runCases(b, cases, size)
	}
}

// BenchmarkDecrypt times interop.DecryptCases: GetObject of an object held
// in memory, read to io.Discard.
func BenchmarkDecrypt(b *testing.B) {
	for _, size := range benchSizes() {
		cases, err := interop.DecryptCases(size, b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		runCases(b, cases, size)
	}
}

func runCases(b *testing.B, cases []interop.Case, size int64) {
	ctx := context.Background()
	for _, c := range cases {
		b.Run("impl="+c.Impl+"/size="+sizeName(size), func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				if err := c.Run(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestCases runs every measured case once on a small object, so that the
// benchmarks' code is tested by go test.
func TestCases(t *testing.T) {
	ctx := context.Background()
	enc, err := interop.EncryptCases(plaintext(3<<20, 1), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dec, err := interop.DecryptCases(3<<20, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(enc, dec...) {
		if err := c.Run(ctx); err != nil {
			t.Errorf("%s: %v", c.Impl, err)
		}
	}
}
