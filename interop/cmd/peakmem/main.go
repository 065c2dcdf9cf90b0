// Command peakmem measures the peak memory of encrypting and decrypting one
// large object (1 GiB by default) with s3vet's encrypt package and with
// AWS's Go client v4.0.0, each run in a fresh process.
//
// The plaintext is generated as it is read (interop.Source), never held by
// this program; the object goes to, or comes from, interop.Sink, an S3
// endpoint without a network. For decryption the sink serves a ciphertext
// that s3vet encrypts as it is read. A goroutine samples
// runtime.ReadMemStats every millisecond for the peak heap in use; the
// process's maximum resident set (VmHWM) is read at the end. Output is
// checked: the byte count for encryption, the SHA-256 of the plaintext for
// decryption.
//
//	go run ./cmd/peakmem            # every case, one process each, a table
//	go run ./cmd/peakmem -impl official -op decrypt -size 1073741824
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/amazon-s3-encryption-client-go/v4/client"
	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/interop"
)

// cases are the measurements of the default run, in table order.
var cases = []struct{ impl, op, what string }{
	{"s3vet", "encrypt", "Encrypter.PutObject, streaming"},
	{"official", "encrypt", "PutObject, defaults (ciphertext spooled to a temporary file)"},
	{"s3vet", "decrypt", "Decrypter.GetObject, verified through a spool file (SpoolDir)"},
	{"s3vet-streaming", "decrypt", "Decrypter.GetObject, DelayedAuthentication"},
	{"official", "decrypt", "GetObject, defaults"},
}

func main() {
	impl := flag.String("impl", "", "s3vet, s3vet-streaming (decrypt) or official; empty: every case, each in a new process")
	op := flag.String("op", "encrypt", "encrypt or decrypt")
	size := flag.Int64("size", 1<<30, "object size in bytes")
	flag.Parse()
	log.SetFlags(0)
	if *impl == "" {
		all(*size)
		return
	}
	res, err := measure(*impl, *op, *size)
	if err != nil {
		log.Fatalf("%s %s: %v", *impl, *op, err)
	}
	fmt.Println(res)
}

// all runs every case in a process of its own and prints a Markdown table.
func all(size int64) {
	self, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d-byte object, %s, %s/%s, GOMAXPROCS %d, %s\n\n", size, runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| Implementation | Operation | Peak heap in use | Max RSS | Time |")
	fmt.Println("| --- | --- | ---: | ---: | ---: |")
	for _, c := range cases {
		out, err := exec.Command(self, "-impl", c.impl, "-op", c.op, "-size", strconv.FormatInt(size, 10)).Output()
		if err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				log.Fatalf("%s %s: %v\n%s", c.impl, c.op, err, ee.Stderr)
			}
			log.Fatal(err)
		}
		f := strings.Fields(string(out))
		if len(f) != 3 {
			log.Fatalf("%s %s: output %q", c.impl, c.op, out)
		}
		fmt.Printf("| %s: %s | %s | %s | %s | %s |\n", c.impl, c.what, c.op, f[0], f[1], f[2])
	}
}

// measure runs one case and returns "peakHeap maxRSS elapsed".
func measure(impl, op string, size int64) (string, error) {
	ctx := context.Background()
	kek := make([]byte, 32)
	ours, err := encrypt.NewAESKeyring(kek, nil)
	if err != nil {
		return "", err
	}
	sink := interop.NewSink()
	sink.Hash = nil
	sc := sink.Client()
	official, err := client.New(sc, interop.NewAESCMM(kek, nil), func(o *client.EncryptionClientOptions) {
		o.CommitmentPolicy = commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
	})
	if err != nil {
		return "", err
	}
	src := interop.NewSource(size, 1)
	var want [32]byte
	if op == "decrypt" {
		want = src.Sum()
		enc := encrypt.NewEncrypter(ours)
		sink.Serve = func(string) (map[string]string, io.Reader, int64) {
			r, err := enc.NewReader(ctx, interop.NewSource(size, 1), size, nil)
			if err != nil {
				panic(err)
			}
			return r.Envelope().Metadata(), r, r.Size()
		}
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	switch op {
	case "encrypt":
		err = encryptOne(ctx, impl, ours, official, sc, src, size)
		if err == nil {
			if n, _ := sink.Received(); n != size+16 {
				err = fmt.Errorf("sent %d bytes, want %d", n, size+16)
			}
		}
	case "decrypt":
		var got [32]byte
		got, err = decryptOne(ctx, impl, ours, official, sc, size)
		if err == nil && got != want {
			err = errors.New("plaintext differs")
		}
	default:
		err = fmt.Errorf("unknown operation %q", op)
	}
	elapsed := time.Since(start)
	close(stop)
	<-done
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %s %s", mib(peak.Load()), mib(maxRSS()), elapsed.Round(time.Millisecond)), nil
}

func encryptOne(ctx context.Context, impl string, ours *encrypt.AESKeyring, official *client.S3EncryptionClientV4, sc *s3.Client, src *interop.Source, size int64) error {
	in := &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: src}
	switch impl {
	case "s3vet":
		in.ContentLength = aws.Int64(size)
		_, err := encrypt.NewEncrypter(ours).PutObject(ctx, sc, in, nil)
		return err
	case "official":
		// No ContentLength: v4.0.0 would send the plaintext's length.
		_, err := official.PutObject(ctx, in)
		return err
	}
	return fmt.Errorf("unknown implementation %q", impl)
}

func decryptOne(ctx context.Context, impl string, ours *encrypt.AESKeyring, official *client.S3EncryptionClientV4, sc *s3.Client, size int64) ([32]byte, error) {
	in := &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k")}
	var out *s3.GetObjectOutput
	var err error
	switch impl {
	case "s3vet":
		dec := encrypt.NewDecrypter(ours)
		dec.SpoolDir = os.TempDir()
		out, err = dec.GetObject(ctx, sc, in, nil)
	case "s3vet-streaming":
		dec := encrypt.NewDecrypter(ours)
		dec.DelayedAuthentication = true
		out, err = dec.GetObject(ctx, sc, in, nil)
	case "official":
		out, err = official.GetObject(ctx, in)
	default:
		err = fmt.Errorf("unknown implementation %q", impl)
	}
	if err != nil {
		return [32]byte{}, err
	}
	defer out.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, out.Body)
	if err != nil {
		return [32]byte{}, err
	}
	if n != size {
		return [32]byte{}, fmt.Errorf("%d bytes of plaintext, want %d", n, size)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, nil
}

// maxRSS returns the process's peak resident set size (VmHWM), in bytes.
func maxRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := strings.Fields(string(v))
			kb, _ := strconv.ParseUint(f[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func mib(n uint64) string { return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20)) }
