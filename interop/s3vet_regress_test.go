package interop_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Failures on s3vet's side that the interop tests found, kept as
// regression tests once fixed in encrypt/.

// TestS3vetPutObjectSeekableWithoutLength: the SDK's PutObject, and the
// official client's, accept a seekable body without ContentLength (the SDK
// measures it by seeking to the end). encrypt.Encrypter.PutObject used to
// pass size -1 to NewReader when in.ContentLength was nil and keep the
// Reader seekable, whose Seek refused io.SeekEnd when the size is unknown:
// "serialization failed: encrypt: Seek from the end of a Reader of unknown
// size". Fixed in 4183d21 (PutObject measures a seekable body).
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
