package interop_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"testing"

	"github.com/aws/amazon-s3-encryption-client-go/v4/client"
	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/interop"
)

var benchGiB = flag.Bool("gib", false, "benchmark 1 GiB objects too (about 6 GiB of memory)")

func benchSizes() []int64 {
	if *benchGiB {
		return []int64{1 << 20, 64 << 20, 1 << 30}
	}
	return []int64{1 << 20, 64 << 20}
}

// The benchmarks compare the two clients doing the same call on the same
// bytes, in the default format of both (V3, key-committing), with an AES
// keyring (no KMS round trip): PutObject of a plaintext held in memory,
// and GetObject of a ciphertext held in memory read to io.Discard, both
// through interop.Sink, so that the figures are the clients' own work
// (encryption, buffering, the SDK's request building) and not a network's.
// Compare with benchstat -col /impl.

// BenchmarkEncrypt: PutObject of size bytes.
//
//   - impl=s3vet: Encrypter.PutObject, streaming.
//   - impl=official: v4.0.0 with its defaults, which read the whole body,
//     seal it, and spool the ciphertext to a temporary file from 2.5 MiB on.
//   - impl=official-inmem: v4.0.0 with MinFileSize raised, so that the
//     ciphertext stays in memory: its fastest configuration.
func BenchmarkEncrypt(b *testing.B) {
	ctx := context.Background()
	kek := make([]byte, 32)
	for _, size := range benchSizes() {
		pt := plaintext(size, 1)
		sink := interop.NewSink()
		sink.Hash = nil
		sc := sink.Client()
		ours, err := encrypt.NewAESKeyring(kek, nil)
		if err != nil {
			b.Fatal(err)
		}
		enc := encrypt.NewEncrypter(ours)
		official := newOfficial(b, sc, kek, false)
		inmem := newOfficial(b, sc, kek, true)
		put := func(b *testing.B, do func(*s3.PutObjectInput) error, withLength bool) {
			b.SetBytes(size)
			for b.Loop() {
				in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader(pt)}
				if withLength {
					in.ContentLength = aws.Int64(size)
				}
				if err := do(in); err != nil {
					b.Fatal(err)
				}
				if n, _ := sink.Received(); n != size+16 {
					b.Fatalf("sent %d bytes", n)
				}
			}
		}
		b.Run("impl=s3vet/size="+sizeName(size), func(b *testing.B) {
			put(b, func(in *s3.PutObjectInput) error { _, err := enc.PutObject(ctx, sc, in, nil); return err }, true)
		})
		b.Run("impl=official/size="+sizeName(size), func(b *testing.B) {
			put(b, func(in *s3.PutObjectInput) error { _, err := official.PutObject(ctx, in); return err }, false)
		})
		b.Run("impl=official-inmem/size="+sizeName(size), func(b *testing.B) {
			put(b, func(in *s3.PutObjectInput) error { _, err := inmem.PutObject(ctx, in); return err }, false)
		})
	}
}

// BenchmarkDecrypt: GetObject of a size-byte object, read to io.Discard.
// Both release plaintext only once the whole object is authenticated:
//
//   - impl=s3vet: Decrypter.GetObject verifying in memory (MaxBuffer raised
//     to the object's size for 1 GiB; 64 MiB is the default).
//   - impl=s3vet-streaming: DelayedAuthentication, constant memory, the
//     tag checked by the last Read.
//   - impl=official: v4.0.0, which reads the whole object and opens it.
func BenchmarkDecrypt(b *testing.B) {
	ctx := context.Background()
	kek := make([]byte, 32)
	for _, size := range benchSizes() {
		ours, err := encrypt.NewAESKeyring(kek, nil)
		if err != nil {
			b.Fatal(err)
		}
		var ct bytes.Buffer
		w, err := encrypt.NewEncrypter(ours).NewWriter(ctx, &ct, size, nil)
		if err != nil {
			b.Fatal(err)
		}
		w.Write(plaintext(size, 2))
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		meta := w.Envelope().Metadata()
		sink := interop.NewSink()
		sink.Serve = func(string) (map[string]string, io.Reader, int64) {
			return meta, bytes.NewReader(ct.Bytes()), int64(ct.Len())
		}
		sc := sink.Client()
		dec := encrypt.NewDecrypter(ours)
		dec.MaxBuffer = max(size, encrypt.DefaultMaxBuffer)
		streaming := encrypt.NewDecrypter(ours)
		streaming.DelayedAuthentication = true
		official := newOfficial(b, sc, kek, false)
		in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")}
		get := func(b *testing.B, do func() (*s3.GetObjectOutput, error)) {
			b.SetBytes(size)
			for b.Loop() {
				out, err := do()
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, out.Body)
				out.Body.Close()
				if err != nil || n != size {
					b.Fatalf("%d bytes, %v", n, err)
				}
			}
		}
		b.Run("impl=s3vet/size="+sizeName(size), func(b *testing.B) {
			get(b, func() (*s3.GetObjectOutput, error) { return dec.GetObject(ctx, sc, in, nil) })
		})
		b.Run("impl=s3vet-streaming/size="+sizeName(size), func(b *testing.B) {
			get(b, func() (*s3.GetObjectOutput, error) { return streaming.GetObject(ctx, sc, in, nil) })
		})
		b.Run("impl=official/size="+sizeName(size), func(b *testing.B) {
			get(b, func() (*s3.GetObjectOutput, error) { return official.GetObject(ctx, in) })
		})
	}
}

func newOfficial(b *testing.B, sc *s3.Client, kek []byte, inMemory bool) *client.S3EncryptionClientV4 {
	c, err := client.New(sc, interop.NewAESCMM(kek, nil), func(o *client.EncryptionClientOptions) {
		o.CommitmentPolicy = commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
		o.TempFolderPath = b.TempDir()
		if inMemory {
			o.MinFileSize = 1 << 62
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}
