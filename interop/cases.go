package interop

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/aws/amazon-s3-encryption-client-go/v4/client"
	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

// A Case is one implementation making one call on one object held in
// memory, through a Sink: what the benchmarks and cmd/speed time. Both
// implementations use the V3 (key-committing) format, the default of both,
// and an AES/GCM key-encryption key, so that no KMS round trip is timed.
type Case struct {
	// Impl names the implementation and its configuration: "s3vet",
	// "official", ...
	Impl string
	// Run makes the call once and checks its result's length.
	Run func(ctx context.Context) error
}

// EncryptCases returns a PutObject of pt by each implementation:
//
//   - s3vet: Encrypter.PutObject, streaming;
//   - official: v4.0.0 with its defaults, which read the whole body, seal it,
//     and spool the ciphertext to a temporary file in tempDir from 2.5 MiB on;
//   - official-inmem: v4.0.0 with MinFileSize raised so that the ciphertext
//     stays in memory.
func EncryptCases(pt []byte, tempDir string) ([]Case, error) {
	kek := make([]byte, 32)
	ours, err := encrypt.NewAESKeyring(kek, nil)
	if err != nil {
		return nil, err
	}
	sink := NewSink()
	sink.Hash = nil
	sc := sink.Client()
	enc := encrypt.NewEncrypter(ours)
	official, err := newOfficial(sc, kek, tempDir, false)
	if err != nil {
		return nil, err
	}
	inmem, err := newOfficial(sc, kek, tempDir, true)
	if err != nil {
		return nil, err
	}
	size := int64(len(pt))
	put := func(do func(*s3.PutObjectInput) error, withLength bool) func(context.Context) error {
		return func(ctx context.Context) error {
			in := &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: bytes.NewReader(pt)}
			// v4.0.0 must not be given ContentLength: it would send the
			// plaintext's for the ciphertext.
			if withLength {
				in.ContentLength = aws.Int64(size)
			}
			if err := do(in); err != nil {
				return err
			}
			if n, _ := sink.Received(); n != size+16 {
				return fmt.Errorf("sent %d bytes, want %d", n, size+16)
			}
			return nil
		}
	}
	return []Case{
		{"s3vet", put(func(in *s3.PutObjectInput) error {
			_, err := enc.PutObject(context.Background(), sc, in, nil)
			return err
		}, true)},
		{"official", put(func(in *s3.PutObjectInput) error { _, err := official.PutObject(context.Background(), in); return err }, false)},
		{"official-inmem", put(func(in *s3.PutObjectInput) error { _, err := inmem.PutObject(context.Background(), in); return err }, false)},
	}, nil
}

// DecryptCases returns a GetObject of a size-byte object, its ciphertext in
// memory, read to io.Discard, by each implementation. None releases
// plaintext before the whole object is authenticated but s3vet-streaming:
//
//   - s3vet: Decrypter.GetObject verifying in memory (MaxBuffer raised to
//     the object's size above the 64 MiB default);
//   - s3vet-streaming: DelayedAuthentication, constant memory, the tag
//     checked by the last Read;
//   - official: v4.0.0, which reads the whole object, then opens it.
func DecryptCases(size int64, tempDir string) ([]Case, error) {
	kek := make([]byte, 32)
	ours, err := encrypt.NewAESKeyring(kek, nil)
	if err != nil {
		return nil, err
	}
	ct := bytes.NewBuffer(make([]byte, 0, size+16))
	w, err := encrypt.NewEncrypter(ours).NewWriter(context.Background(), ct, size, nil)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(w, NewSource(size, 2)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	meta := w.Envelope().Metadata()
	sink := NewSink()
	sink.Serve = func(string) (map[string]string, io.Reader, int64) {
		return meta, bytes.NewReader(ct.Bytes()), int64(ct.Len())
	}
	sc := sink.Client()
	dec := encrypt.NewDecrypter(ours)
	dec.MaxBuffer = max(size, encrypt.DefaultMaxBuffer)
	streaming := encrypt.NewDecrypter(ours)
	streaming.DelayedAuthentication = true
	official, err := newOfficial(sc, kek, tempDir, false)
	if err != nil {
		return nil, err
	}
	in := &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k")}
	get := func(do func(context.Context) (*s3.GetObjectOutput, error)) func(context.Context) error {
		return func(ctx context.Context) error {
			out, err := do(ctx)
			if err != nil {
				return err
			}
			n, err := io.Copy(io.Discard, out.Body)
			out.Body.Close()
			if err == nil && n != size {
				err = fmt.Errorf("%d bytes of plaintext, want %d", n, size)
			}
			return err
		}
	}
	return []Case{
		{"s3vet", get(func(ctx context.Context) (*s3.GetObjectOutput, error) { return dec.GetObject(ctx, sc, in, nil) })},
		{"s3vet-streaming", get(func(ctx context.Context) (*s3.GetObjectOutput, error) { return streaming.GetObject(ctx, sc, in, nil) })},
		{"official", get(func(ctx context.Context) (*s3.GetObjectOutput, error) { return official.GetObject(ctx, in) })},
	}, nil
}

func newOfficial(sc *s3.Client, kek []byte, tempDir string, inMemory bool) (*client.S3EncryptionClientV4, error) {
	return client.New(sc, NewAESCMM(kek, nil), func(o *client.EncryptionClientOptions) {
		o.CommitmentPolicy = commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
		o.TempFolderPath = tempDir
		if inMemory {
			o.MinFileSize = 1 << 62
		}
	})
}
