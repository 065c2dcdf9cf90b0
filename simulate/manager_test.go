package simulate_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	tmtypes "github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/simulate"
)

// The SDK's transfer manager (feature/s3/transfermanager, which supersedes
// feature/s3/manager) uploads in parallel parts with CRC32 checksums and
// downloads in parallel ranges or parts. Its objects round-trip byte for byte
// through the simulator over HTTP and HTTPS, and a principal without
// s3:PutObject is refused before any part is stored (S3 User Guide, "Multipart
// upload and permissions": every part upload is authorized as s3:PutObject).
func TestTransferManagerRoundTrip(t *testing.T) {
	for _, tls := range []bool{false, true} {
		t.Run(fmt.Sprintf("tls=%v", tls), func(t *testing.T) {
			t.Parallel()
			w := &simulate.World{}
			acct := w.AddAccount("111122223333")
			writer := acct.AddUser("writer", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],
				 "Resource":"arn:aws:s3:::transfers/*"}]}`)
			reader := acct.AddUser("reader", `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::transfers/*"}]}`)
			acct.AddBucket("transfers")
			var srv *simulate.Server
			if tls {
				srv = simulate.NewTestTLSServer(t, w)
			} else {
				srv = simulate.NewTestServer(t, w)
			}
			ctx := context.Background()

			const partSize = 5 << 20 // S3's minimum part size
			body := make([]byte, 3*partSize+12345)
			if _, err := rand.Read(body); err != nil {
				t.Fatal(err)
			}
			tm := transfermanager.New(srv.Client(writer.ARN()), func(o *transfermanager.Options) {
				o.PartSizeBytes = partSize
				o.MultipartUploadThreshold = partSize
				o.Concurrency = 4
			})
			up, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{
				Bucket: aws.String("transfers"), Key: aws.String("big.bin"), Body: bytes.NewReader(body),
			})
			if err != nil {
				t.Fatalf("UploadObject: %v", err)
			}
			if up.UploadID == nil || *up.UploadID == "" {
				t.Errorf("UploadObject of %d bytes with %d-byte parts did not use a multipart upload", len(body), partSize)
			}

			// Every part and the object itself were authorized as the writer.
			var parts int
			for _, r := range srv.Requests() {
				if r.Operation == "UploadPart" {
					parts++
					if r.Status != 200 {
						t.Errorf("UploadPart answered %d", r.Status)
					}
				}
			}
			if parts != 4 {
				t.Errorf("%d UploadPart requests, want 4", parts)
			}

			// Download in parallel ranges, and in parts, as another principal.
			rm := transfermanager.New(srv.Client(reader.ARN()), func(o *transfermanager.Options) {
				o.PartSizeBytes = partSize
				o.Concurrency = 4
			})
			for _, typ := range []tmtypes.GetObjectType{tmtypes.GetObjectRanges, tmtypes.GetObjectParts} {
				var got writerAt
				_, err := rm.DownloadObject(ctx, &transfermanager.DownloadObjectInput{
					Bucket: aws.String("transfers"), Key: aws.String("big.bin"), WriterAt: &got,
				}, func(o *transfermanager.Options) { o.GetObjectType = typ })
				if err != nil {
					t.Fatalf("DownloadObject (%s): %v", typ, err)
				}
				if !bytes.Equal(got.bytes(), body) {
					t.Errorf("DownloadObject (%s): %d bytes differ from the %d uploaded", typ, len(got.bytes()), len(body))
				}
			}
			out, err := rm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: aws.String("transfers"), Key: aws.String("big.bin")})
			if err != nil {
				t.Fatalf("GetObject: %v", err)
			}
			streamed, err := io.ReadAll(out.Body)
			if err != nil || !bytes.Equal(streamed, body) {
				t.Errorf("GetObject: %d bytes (err %v) differ from the %d uploaded", len(streamed), err, len(body))
			}

			// The reader may not write: the multipart upload is refused at
			// CreateMultipartUpload with S3's AccessDenied, and nothing is stored.
			_, err = rm.UploadObject(ctx, &transfermanager.UploadObjectInput{
				Bucket: aws.String("transfers"), Key: aws.String("denied.bin"), Body: bytes.NewReader(body),
			})
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
				t.Fatalf("UploadObject as reader: %v, want AccessDenied", err)
			}
			_, err = srv.Client(writer.ARN()).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("transfers"), Key: aws.String("denied.bin")})
			if err == nil {
				t.Error("a refused upload left an object behind")
			}
		})
	}
}

// writerAt is an in-memory io.WriterAt for DownloadObject, safe for its
// concurrent part writers.
type writerAt struct {
	mu  sync.Mutex
	buf []byte
}

func (w *writerAt) WriteAt(p []byte, off int64) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if end := int(off) + len(p); end > len(w.buf) {
		w.buf = append(w.buf, make([]byte, end-len(w.buf))...)
	}
	copy(w.buf[off:], p)
	return len(p), nil
}

func (w *writerAt) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf
}
