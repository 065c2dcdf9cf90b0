package encrypt_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"flag"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3vet/s3vet/encrypt"
)

// benchSizes are the object sizes of the benchmarks. 1 GiB runs only when
// -bench names it (for example -bench 'Encrypt/size=1GiB'): it needs
// several GiB of memory for the standard library's side. Sub-benchmarks
// are named size=S/path=P, so that benchstat compares each path with the
// standard library's in the same run:
//
//	go test -run '^$' -bench 'Decrypt' -count 10 ./encrypt/ > d.txt
//	benchstat -col /path -row /size d.txt
var benchSizes = []struct {
	name string
	n    int
}{{"1MiB", 1 << 20}, {"64MiB", 64 << 20}, {"1GiB", 1 << 30}}

func skipSize(b *testing.B, name string) {
	if name == "1GiB" {
		if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "1GiB") {
			b.Skip("1 GiB runs only when -bench names it")
		}
	}
}

var benchKey = fixedKey(bytes.Repeat([]byte{0x42}, 32))

// BenchmarkEncrypt compares the streaming Writer and Reader (V3 format,
// key commitment included) with crypto/cipher's AES-256-GCM Seal on the
// same data.
func BenchmarkEncrypt(b *testing.B) {
	ctx := context.Background()
	enc := encrypt.NewEncrypter(benchKey)
	for _, s := range benchSizes {
		b.Run("size="+s.name, func(b *testing.B) {
			skipSize(b, s.name)
			pt := make([]byte, s.n)
			b.Run("path=stdlib-Seal", func(b *testing.B) {
				blk, _ := aes.NewCipher(benchKey)
				g, _ := cipher.NewGCM(blk)
				nonce := make([]byte, 12)
				out := make([]byte, 0, s.n+16)
				b.SetBytes(int64(s.n))
				for b.Loop() {
					out = g.Seal(out[:0], nonce, pt, nil)
				}
			})
			b.Run("path=stdlib-ReadFull+Seal", func(b *testing.B) {
				// What encrypting from an io.Reader costs with crypto/cipher:
				// read it all, then Seal.
				blk, _ := aes.NewCipher(benchKey)
				g, _ := cipher.NewGCM(blk)
				nonce := make([]byte, 12)
				buf := make([]byte, s.n, s.n+16)
				b.SetBytes(int64(s.n))
				for b.Loop() {
					io.ReadFull(bytes.NewReader(pt), buf)
					g.Seal(buf[:0], nonce, buf, nil)
				}
			})
			b.Run("path=Writer", func(b *testing.B) {
				b.SetBytes(int64(s.n))
				for b.Loop() {
					w, err := enc.NewWriter(ctx, io.Discard, int64(s.n), nil)
					if err != nil {
						b.Fatal(err)
					}
					w.Write(pt)
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("path=Reader", func(b *testing.B) {
				b.SetBytes(int64(s.n))
				for b.Loop() {
					r, err := enc.NewReader(ctx, bytes.NewReader(pt), int64(s.n), nil)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := io.Copy(io.Discard, r); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("path=Multipart-parallel", func(b *testing.B) {
				b.SetBytes(int64(s.n))
				const part = 8 << 20
				out := make([]byte, s.n+16)
				for b.Loop() {
					m, _ := enc.NewMultipartUpload(ctx, part, nil)
					parts := max((s.n+part-1)/part, 1)
					var wg sync.WaitGroup
					for i := 0; i < parts-1; i++ {
						wg.Go(func() { m.SealPart(out[i*part:i*part], int32(i+1), pt[i*part:(i+1)*part]) })
					}
					wg.Wait()
					last := (parts - 1) * part
					if _, err := m.SealLastPart(out[last:last], int32(parts), pt[last:]); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkDecrypt compares the Decrypter, in each of its modes, with
// crypto/cipher's Open on the same data.
func BenchmarkDecrypt(b *testing.B) {
	ctx := context.Background()
	enc := encrypt.NewEncrypter(benchKey)
	for _, s := range benchSizes {
		b.Run("size="+s.name, func(b *testing.B) {
			skipSize(b, s.name)
			pt := make([]byte, s.n)
			var buf bytes.Buffer
			buf.Grow(s.n + 16)
			w, _ := enc.NewWriter(ctx, &buf, int64(s.n), nil)
			w.Write(pt)
			w.Close()
			ct, env := buf.Bytes(), w.Envelope()
			b.Run("path=stdlib-Open", func(b *testing.B) {
				blk, _ := aes.NewCipher(benchKey)
				g, _ := cipher.NewGCM(blk)
				nonce := make([]byte, 12)
				sealed := g.Seal(nil, nonce, pt, nil)
				out := make([]byte, 0, s.n)
				b.SetBytes(int64(s.n))
				for b.Loop() {
					var err error
					if out, err = g.Open(out[:0], nonce, sealed, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("path=stdlib-ReadFull+Open", func(b *testing.B) {
				// What decrypting from an io.Reader costs with crypto/cipher,
				// as the official client does: read it all, then Open.
				blk, _ := aes.NewCipher(benchKey)
				g, _ := cipher.NewGCM(blk)
				nonce := make([]byte, 12)
				sealed := g.Seal(nil, nonce, pt, nil)
				buf := make([]byte, len(sealed))
				b.SetBytes(int64(s.n))
				for b.Loop() {
					io.ReadFull(bytes.NewReader(sealed), buf)
					if _, err := g.Open(buf[:0], nonce, buf, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The two passes streaming decryption makes, each alone: GHASH
			// of the ciphertext (as additional data, the standard library's
			// only unfused GHASH) and AES-CTR.
			b.Run("path=stdlib-GHASH", func(b *testing.B) {
				blk, _ := aes.NewCipher(benchKey)
				g, _ := cipher.NewGCM(blk)
				nonce := make([]byte, 12)
				var tag [16]byte
				b.SetBytes(int64(s.n))
				for b.Loop() {
					g.Seal(tag[:0], nonce, nil, ct[:s.n])
				}
			})
			b.Run("path=stdlib-CTR", func(b *testing.B) {
				blk, _ := aes.NewCipher(benchKey)
				out := make([]byte, s.n)
				b.SetBytes(int64(s.n))
				for b.Loop() {
					cipher.NewCTR(blk, make([]byte, 16)).XORKeyStream(out, ct[:s.n])
				}
			})
			modes := []struct {
				name string
				set  func(*encrypt.Decrypter)
			}{
				{"verify-in-memory", func(d *encrypt.Decrypter) { d.MaxBuffer = 1 << 31 }},
				{"verify-spooled", func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir = -1, b.TempDir() }},
				{"delayed-authentication", func(d *encrypt.Decrypter) { d.DelayedAuthentication = true }},
				{"delayed-authentication-concurrency-2", func(d *encrypt.Decrypter) { d.DelayedAuthentication, d.Concurrency = true, 2 }},
			}
			for _, m := range modes {
				b.Run("path="+m.name, func(b *testing.B) {
					d := encrypt.NewDecrypter(benchKey)
					m.set(d)
					b.SetBytes(int64(s.n))
					for b.Loop() {
						r, err := d.NewReader(ctx, env, bytes.NewReader(ct), int64(len(ct)), nil)
						if err != nil {
							b.Fatal(err)
						}
						if _, err := io.Copy(io.Discard, r); err != nil {
							b.Fatal(err)
						}
						r.Close()
					}
				})
			}
		})
	}
}

// zeros is an endless source of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// BenchmarkPeakMemory streams 1 GiB (256 MiB under -short) through the
// Writer, the Reader and the Decrypter (delayed authentication, and spooled
// verification) and reports the peak heap in use, sampled with
// runtime.ReadMemStats, as peak-MiB.
func BenchmarkPeakMemory(b *testing.B) {
	n := int64(1 << 30)
	if testing.Short() {
		n = 256 << 20
	}
	ctx := context.Background()
	enc := encrypt.NewEncrypter(benchKey)
	measure := func(b *testing.B, f func()) {
		runtime.GC()
		var base runtime.MemStats
		runtime.ReadMemStats(&base)
		stop := make(chan struct{})
		var peak uint64
		var wg sync.WaitGroup
		wg.Go(func() {
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapInuse)
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		})
		b.SetBytes(n)
		for b.Loop() {
			f()
		}
		close(stop)
		wg.Wait()
		b.ReportMetric(float64(peak-min(peak, base.HeapInuse))/(1<<20), "peak-MiB")
	}
	b.Run("Writer", func(b *testing.B) {
		measure(b, func() {
			w, _ := enc.NewWriter(ctx, io.Discard, n, nil)
			io.Copy(w, io.LimitReader(zeros{}, n))
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		})
	})
	// ciphertext of n zero bytes, produced on the fly.
	source := func() (io.Reader, *encrypt.Envelope) {
		r, _ := enc.NewReader(ctx, io.LimitReader(zeros{}, n), n, nil)
		return r, r.Envelope()
	}
	b.Run("Reader", func(b *testing.B) {
		measure(b, func() {
			r, _ := source()
			io.Copy(io.Discard, r)
		})
	})
	for _, m := range []struct {
		name string
		set  func(*encrypt.Decrypter)
	}{
		{"Decrypt-delayed", func(d *encrypt.Decrypter) { d.DelayedAuthentication = true }},
		{"Decrypt-spooled", func(d *encrypt.Decrypter) { d.SpoolDir = b.TempDir() }},
	} {
		b.Run(m.name, func(b *testing.B) {
			d := encrypt.NewDecrypter(benchKey)
			m.set(d)
			measure(b, func() {
				src, env := source()
				r, err := d.NewReader(ctx, env, src, n+16, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				r.Close()
			})
		})
	}
}
