// Command measure records the figures of encrypt/README.md.
//
//	go run ./encrypt/internal/measure -throughput -sizes 1MiB,64MiB,1GiB
//	go run ./encrypt/internal/measure -memory -sizes 1GiB
//
// -throughput runs package encrypt's paths and crypto/cipher's AES-256-GCM
// on the same data in interleaved rounds and reports each one's median
// round: interleaving gives every variant the same chances on a machine
// shared with other work. -spooldir chooses where the spooled decryption
// writes (the system's temporary directory by default; /dev/shm is
// tmpfs).
// Buffers are reused from round to round, on both sides, as a busy process
// reuses them.
//
// -memory streams an object through each path, each in a fresh process
// (the command re-executes itself), and reports the peak heap in use
// (runtime.ReadMemStats, sampled every millisecond) and the process's
// maximum resident set size.
package main

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

type fixedKey []byte

func (k fixedKey) NewDataKey(context.Context, string, map[string]string) ([]byte, *encrypt.WrappedKey, error) {
	return bytes.Clone(k), &encrypt.WrappedKey{Algorithm: encrypt.WrapAESGCM, Ciphertext: []byte("k")}, nil
}

func (k fixedKey) UnwrapKey(context.Context, string, *encrypt.WrappedKey) ([]byte, error) {
	return bytes.Clone(k), nil
}

var key = fixedKey(bytes.Repeat([]byte{0x42}, 32))

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func main() {
	throughput := flag.Bool("throughput", false, "measure throughput")
	memory := flag.Bool("memory", false, "measure peak memory")
	sizes := flag.String("sizes", "1MiB,64MiB", "object sizes, comma-separated (KiB, MiB, GiB suffixes)")
	rounds := flag.Int("rounds", 10, "interleaved rounds of -throughput")
	spoolDir := flag.String("spooldir", os.TempDir(), "directory of the spooled decryption's temporary file")
	flag.StringVar(&only, "only", "", "measure only the variants whose name contains this, and crypto/cipher's")
	mode := flag.String("mode", "", "internal: the -memory mode to run in this process")
	flag.Parse()
	if *mode != "" {
		n, err := parseSize(*sizes)
		if err != nil {
			log.Fatal(err)
		}
		memoryRun(*mode, *sizes, n)
		return
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := parseSize(s)
		if err != nil {
			log.Fatal(err)
		}
		if *throughput {
			throughputRun(s, n, *rounds, *spoolDir)
		}
		if *memory {
			for _, m := range memoryModes {
				cmd := exec.Command(os.Args[0], "-sizes", s, "-mode", m)
				cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
				if err := cmd.Run(); err != nil {
					log.Fatal(err)
				}
			}
		}
	}
}

// only restricts -throughput to some variants.
var only string

// variant is one way to encrypt or decrypt n bytes.
type variant struct {
	name string
	base string // the crypto/cipher variant it is compared with
	run  func()
}

func throughputRun(label string, n int64, rounds int, spoolDir string) {
	ctx := context.Background()
	pt := make([]byte, n)
	blk, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(blk)
	nonce := make([]byte, 12)
	sealed := g.Seal(nil, nonce, pt, nil)
	out := make([]byte, 0, n+16)
	buf := make([]byte, n+16)
	enc := encrypt.NewEncrypter(key)
	var ct bytes.Buffer
	w, _ := enc.NewWriter(ctx, &ct, n, nil)
	w.Write(pt)
	w.Close()
	env := w.Envelope()
	dir, err := os.MkdirTemp(spoolDir, "measure")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	decrypt := func(set func(*encrypt.Decrypter)) func() {
		d := encrypt.NewDecrypter(key)
		set(d)
		return func() {
			r, err := d.NewReader(ctx, env, bytes.NewReader(ct.Bytes()), int64(ct.Len()), nil)
			if err != nil {
				log.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				log.Fatal(err)
			}
			r.Close()
		}
	}
	const part = 8 << 20
	vs := []variant{
		{"crypto/cipher Seal", "", func() { out = g.Seal(out[:0], nonce, pt, nil) }},
		{"crypto/cipher ReadFull+Seal", "crypto/cipher Seal", func() {
			io.ReadFull(bytes.NewReader(pt), buf[:n])
			g.Seal(buf[:0], nonce, buf[:n], nil)
		}},
		{"Writer", "crypto/cipher Seal", func() {
			w, _ := enc.NewWriter(ctx, io.Discard, n, nil)
			w.Write(pt)
			if err := w.Close(); err != nil {
				log.Fatal(err)
			}
		}},
		{"Reader", "crypto/cipher Seal", func() {
			r, _ := enc.NewReader(ctx, bytes.NewReader(pt), n, nil)
			io.Copy(io.Discard, r)
		}},
		{"MultipartUpload, parts in parallel", "crypto/cipher Seal", func() {
			m, _ := enc.NewMultipartUpload(ctx, part, nil)
			parts := max((n+part-1)/part, 1)
			var wg sync.WaitGroup
			for i := range parts - 1 {
				wg.Go(func() { m.SealPart(buf[i*part:i*part], int32(i+1), pt[i*part:(i+1)*part]) })
			}
			wg.Wait()
			last := (parts - 1) * part
			if _, err := m.SealLastPart(buf[last:last], int32(parts), pt[last:]); err != nil {
				log.Fatal(err)
			}
		}},
		{"crypto/cipher Open", "", func() {
			var err error
			if out, err = g.Open(out[:0], nonce, sealed, nil); err != nil {
				log.Fatal(err)
			}
		}},
		{"crypto/cipher ReadFull+Open", "crypto/cipher Open", func() {
			io.ReadFull(bytes.NewReader(sealed), buf)
			if _, err := g.Open(buf[:0], nonce, buf, nil); err != nil {
				log.Fatal(err)
			}
		}},
		{"crypto/cipher GHASH alone (Seal of additional data)", "crypto/cipher Open", func() { g.Seal(buf[:0], nonce, nil, sealed) }},
		{"crypto/cipher AES-CTR alone", "crypto/cipher Open", func() { cipher.NewCTR(blk, buf[:16]).XORKeyStream(buf[:n], sealed[:n]) }},
		{"Decrypter, verified in memory", "crypto/cipher Open", decrypt(func(d *encrypt.Decrypter) { d.MaxBuffer = 1 << 40 })},
		{"Decrypter, verified through a spool file", "crypto/cipher Open", decrypt(func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir = -1, dir })},
		{"Decrypter, verified through a spool file, Concurrency 2", "crypto/cipher Open", decrypt(func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir, d.Concurrency = -1, dir, 2 })},
		{"Decrypter, delayed authentication", "crypto/cipher Open", decrypt(func(d *encrypt.Decrypter) { d.DelayedAuthentication = true })},
		{"Decrypter, delayed authentication, Concurrency 2", "crypto/cipher Open", decrypt(func(d *encrypt.Decrypter) { d.DelayedAuthentication, d.Concurrency = true, 2 })},
	}
	vs = slices.DeleteFunc(vs, func(v variant) bool {
		return !strings.Contains(v.name, only) && !strings.HasPrefix(v.name, "crypto/cipher")
	})
	// Repeat small sizes so that a round lasts a few milliseconds.
	reps := max(int((8<<20)/n), 1)
	times := make([][]time.Duration, len(vs))
	for range rounds {
		for i, v := range vs {
			start := time.Now()
			for range reps {
				v.run()
			}
			times[i] = append(times[i], time.Since(start)/time.Duration(reps))
		}
	}
	// The median round of each: the machine is shared, so rounds vary.
	best := make([]time.Duration, len(vs))
	for i, t := range times {
		slices.Sort(t)
		best[i] = t[len(t)/2]
	}
	byName := map[string]time.Duration{}
	for i, v := range vs {
		byName[v.name] = best[i]
	}
	fmt.Printf("| %s | time | MB/s | vs crypto/cipher |\n| --- | ---: | ---: | ---: |\n", label)
	for i, v := range vs {
		ratio := ""
		if v.base != "" {
			ratio = fmt.Sprintf("%.0f%% of %s", 100*float64(byName[v.base])/float64(best[i]), strings.TrimPrefix(v.base, "crypto/cipher "))
		}
		fmt.Printf("| %s | %v | %.0f | %s |\n", v.name, best[i].Round(time.Microsecond), float64(n)/best[i].Seconds()/1e6, ratio)
	}
	fmt.Println()
}

var memoryModes = []string{"Writer", "Reader", "Upload, defaults (6 MiB parts, 2 at a time)", "Decrypter, delayed authentication", "Decrypter, verified through a spool file"}

// discardS3 takes multipart uploads and keeps nothing.
type discardS3 struct{}

func (discardS3) CreateMultipartUpload(context.Context, *s3.CreateMultipartUploadInput, ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error) {
	return &s3.CreateMultipartUploadOutput{UploadId: aws.String("u")}, nil
}

func (discardS3) UploadPart(_ context.Context, in *s3.UploadPartInput, _ ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	_, err := io.Copy(io.Discard, in.Body)
	return &s3.UploadPartOutput{ETag: aws.String("e")}, err
}

func (discardS3) CompleteMultipartUpload(context.Context, *s3.CompleteMultipartUploadInput, ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	return &s3.CompleteMultipartUploadOutput{}, nil
}

func (discardS3) AbortMultipartUpload(context.Context, *s3.AbortMultipartUploadInput, ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error) {
	return &s3.AbortMultipartUploadOutput{}, nil
}

func memoryRun(mode, label string, n int64) {
	ctx := context.Background()
	enc := encrypt.NewEncrypter(key)
	source := func() (io.Reader, *encrypt.Envelope) {
		r, err := enc.NewReader(ctx, io.LimitReader(zeros{}, n), n, nil)
		if err != nil {
			log.Fatal(err)
		}
		return r, r.Envelope()
	}
	run := func() {
		switch mode {
		case "Writer":
			w, _ := enc.NewWriter(ctx, io.Discard, n, nil)
			if _, err := io.Copy(w, io.LimitReader(zeros{}, n)); err != nil {
				log.Fatal(err)
			}
			if err := w.Close(); err != nil {
				log.Fatal(err)
			}
		case "Reader":
			r, _ := source()
			if _, err := io.Copy(io.Discard, r); err != nil {
				log.Fatal(err)
			}
		case memoryModes[2]:
			in := &s3.CreateMultipartUploadInput{Bucket: aws.String("b"), Key: aws.String("k")}
			if _, err := enc.Upload(ctx, discardS3{}, in, io.LimitReader(zeros{}, n), 0, 0, nil); err != nil {
				log.Fatal(err)
			}
		default:
			d := encrypt.NewDecrypter(key)
			if strings.Contains(mode, "delayed") {
				d.DelayedAuthentication = true
			} else {
				d.SpoolDir = os.TempDir()
			}
			src, env := source() // the ciphertext is made on the fly
			r, err := d.NewReader(ctx, env, src, n+16, nil)
			if err != nil {
				log.Fatal(err)
			}
			if got, err := io.Copy(io.Discard, r); err != nil || got != n {
				log.Fatalf("%d bytes: %v", got, err)
			}
			r.Close()
		}
	}
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
			case <-time.After(time.Millisecond):
			}
		}
	})
	run()
	close(stop)
	wg.Wait()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("| %s | %s | %.1f MiB | %.1f MiB |\n", mode, label, float64(peak)/(1<<20), float64(ru.Maxrss)/1024)
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if v, ok := strings.CutSuffix(s, suffix); ok {
			s, mult = v, m
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}
