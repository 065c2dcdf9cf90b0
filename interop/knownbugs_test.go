//go:build knownbugs

package interop_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Failures on s3vet's side found by the interop tests, kept out of the
// default run (and of CI) until encrypt/ is fixed: go test -tags knownbugs.

// TestS3vetPutObjectSeekableWithoutLength: the SDK's PutObject, and the
// official client's, accept a seekable body without ContentLength (the SDK
// measures it by seeking to the end). encrypt.Encrypter.PutObject passes
// size -1 to NewReader when in.ContentLength is nil (encrypt/sdk.go,
// PutObject) and keeps the Reader seekable because the body is, but
// Reader.Seek refuses io.SeekEnd when the size is unknown, so the SDK's
// length computation fails: "serialization failed: encrypt: Seek from the
// end of a Reader of unknown size". Measuring the body by seeking it (or
// not exposing Seek when the size is unknown) would fix it.
func TestS3vetPutObjectSeekableWithoutLength(t *testing.T) {
	sink, _, ours := sinkClients(t)
	want := []byte("no ContentLength, a bytes.Reader body")
	_, err := ours.PutObject(context.Background(), sink.Client(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String("k"), Body: bytes.NewReader(want),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := sink.Received(); n != int64(len(want))+16 {
		t.Fatalf("sent %d bytes, want %d", n, len(want)+16)
	}
}
