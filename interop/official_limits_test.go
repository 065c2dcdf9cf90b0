package interop_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/aws/amazon-s3-encryption-client-go/v4/client"
	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/interop"
)

// What v4.0.0 cannot do with a PutObject the plain SDK client accepts, each
// beside s3vet doing it. The uploads go to interop.Sink (an https endpoint
// without a network), which counts what it receives.

func sinkClients(t *testing.T) (*interop.Sink, *client.S3EncryptionClientV4, *encrypt.Encrypter) {
	sink := interop.NewSink()
	key := make([]byte, 32)
	official, err := client.New(sink.Client(), interop.NewAESCMM(key, nil), func(o *client.EncryptionClientOptions) {
		o.CommitmentPolicy = commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
		o.TempFolderPath = t.TempDir()
	})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := encrypt.NewAESKeyring(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sink, official, encrypt.NewEncrypter(ours)
}

// TestOfficialPutObjectUnseekable: a body that is neither an io.Seeker nor
// has a Len method (a pipe, a network stream) makes v4.0.0 panic.
// client/encrypt_middleware.go lines 80-83 return from the middleware when
// the stream length is unknown, with StreamLength's error, which is nil in
// that case; the SDK's PutObject then finds no output and panics
// (service/s3 api_op_PutObject.go line 167, a type assertion on nil).
// s3vet encrypts the same body as it streams.
func TestOfficialPutObjectUnseekable(t *testing.T) {
	sink, official, ours := sinkClients(t)
	want := plaintext(3<<20, 7)
	in := func() *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("pipe"),
			Body: struct{ io.Reader }{bytes.NewReader(want)}, ContentLength: aws.Int64(int64(len(want)))}
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		_, err = official.PutObject(context.Background(), in())
		return err
	}()
	if n, _ := sink.Received(); err == nil && n > 0 {
		t.Fatal("the official client uploaded an unseekable body: update README.md")
	}
	t.Logf("official: %v", err)
	if _, err := ours.PutObject(context.Background(), sink.Client(), in(), nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := sink.Received(); n != int64(len(want))+16 {
		t.Fatalf("s3vet sent %d bytes, want %d", n, len(want)+16)
	}
}

// TestOfficialPutObjectContentLength: with ContentLength set, as the SDK
// allows and as a caller streaming a file does, v4.0.0 replaces the body
// with the ciphertext (client/encrypt_middleware.go line 174) but leaves
// ContentLength at the plaintext's length, 16 bytes short: the request
// announces fewer bytes than it carries. The simulator refuses the upload
// (XAmzContentSHA256Mismatch: the signed payload hash covers the whole
// ciphertext), and an endpoint that reads the announced length, as Sink
// does, receives the object without its tag.
// s3vet takes ContentLength as the plaintext's length and sends the
// ciphertext's.
func TestOfficialPutObjectContentLength(t *testing.T) {
	sink, official, ours := sinkClients(t)
	want := plaintext(1000, 8)
	in := func() *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("sized"),
			Body: bytes.NewReader(want), ContentLength: aws.Int64(int64(len(want)))}
	}
	_, err := official.PutObject(context.Background(), in())
	n, _ := sink.Received()
	t.Logf("official: %d bytes sent for a %d-byte object, error %v", n, len(want)+16, err)
	if n == int64(len(want))+16 {
		t.Fatal("the official client sent the whole ciphertext: update README.md")
	}
	if _, err := ours.PutObject(context.Background(), sink.Client(), in(), nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := sink.Received(); n != int64(len(want))+16 {
		t.Fatalf("s3vet sent %d bytes, want %d", n, len(want)+16)
	}
}
