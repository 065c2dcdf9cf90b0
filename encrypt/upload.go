package encrypt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// MultipartAPI is the S3 calls Encrypter.Upload makes. *s3.Client
// satisfies it.
type MultipartAPI interface {
	CreateMultipartUpload(ctx context.Context, in *s3.CreateMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CreateMultipartUploadOutput, error)
	UploadPart(ctx context.Context, in *s3.UploadPartInput, optFns ...func(*s3.Options)) (*s3.UploadPartOutput, error)
	CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error)
	AbortMultipartUpload(ctx context.Context, in *s3.AbortMultipartUploadInput, optFns ...func(*s3.Options)) (*s3.AbortMultipartUploadOutput, error)
}

var _ MultipartAPI = (*s3.Client)(nil)

// Upload defaults: 18 MiB of buffers, and objects of up to 58 GiB (10000
// parts). Larger parts allow larger objects; more concurrency helps where
// the network, not the CPU, is the limit.
const (
	DefaultPartSize    = 6 << 20
	DefaultConcurrency = 2
)

// Upload encrypts body, of any length, known or not, and uploads it with
// c as a multipart upload: parts of partSize bytes of plaintext
// (DefaultPartSize if zero; at least S3's 5 MiB, a multiple of 16) are
// sealed and uploaded by up to concurrency goroutines (DefaultConcurrency
// if zero). It holds about (concurrency+1)·partSize bytes, whatever the
// object's size, and an object may have up to 10000 parts.
//
// in names the object and its settings (server-side encryption with
// Apply, metadata, ...); its Metadata gets the envelope, or, if
// e.InstructionFile is set, the envelope goes to an instruction file
// uploaded first, for which c must also be an ObjectPutter. ec is the
// encryption context. On error the multipart upload is aborted.
func (e *Encrypter) Upload(ctx context.Context, c MultipartAPI, in *s3.CreateMultipartUploadInput, body io.Reader, partSize int64, concurrency int, ec map[string]string, optFns ...func(*s3.Options)) (*s3.CompleteMultipartUploadOutput, error) {
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	if concurrency <= 0 {
		concurrency = DefaultConcurrency
	}
	if partSize < 5<<20 {
		return nil, fmt.Errorf("encrypt: Upload: part size %d is under S3's minimum, 5 MiB", partSize)
	}
	if err := checkMetadata("Upload", in.Metadata); err != nil {
		return nil, err
	}
	m, err := e.NewMultipartUpload(ctx, partSize, ec)
	if err != nil {
		return nil, err
	}
	var meta map[string]string
	if !e.InstructionFile {
		meta = m.Envelope().Metadata()
	} else {
		p, ok := c.(ObjectPutter)
		if !ok {
			return nil, errors.New("encrypt: Upload: an instruction file needs a client that can PutObject")
		}
		var file []byte
		meta, file = m.Envelope().InstructionFile()
		if err := putInstructionFile(ctx, p, in, file, optFns); err != nil {
			return nil, err
		}
	}
	create := *in
	create.Metadata = withEnvelope(in.Metadata, meta)
	out, err := c.CreateMultipartUpload(ctx, &create, optFns...)
	if err != nil {
		return nil, err
	}
	u := &uploader{c: c, m: m, in: in, id: out.UploadId, optFns: optFns}
	parts, err := u.run(ctx, body, concurrency)
	if err != nil {
		// The upload's own context may be canceled: abort regardless.
		c.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{Bucket: in.Bucket, Key: in.Key,
			UploadId: out.UploadId, ExpectedBucketOwner: in.ExpectedBucketOwner}, optFns...)
		return nil, err
	}
	return c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: in.Bucket, Key: in.Key, UploadId: out.UploadId,
		ExpectedBucketOwner: in.ExpectedBucketOwner, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		SSECustomerAlgorithm: in.SSECustomerAlgorithm, SSECustomerKey: in.SSECustomerKey, SSECustomerKeyMD5: in.SSECustomerKeyMD5}, optFns...)
}

// putInstructionFile stores file as the instruction file of in's object.
func putInstructionFile(ctx context.Context, c ObjectPutter, in *s3.CreateMultipartUploadInput, file []byte, optFns []func(*s3.Options)) error {
	_, err := c.PutObject(ctx, instructionFileInput(file, in.Bucket, in.Key, in.ExpectedBucketOwner,
		in.ServerSideEncryption, in.SSEKMSKeyId, in.BucketKeyEnabled, in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5), optFns...)
	if err != nil {
		return fmt.Errorf("encrypt: Upload: instruction file: %w", err)
	}
	return nil
}

// instructionFileInput is the PutObject of an object's instruction file,
// stored with the object's owner check and server-side encryption.
func instructionFileInput(file []byte, bucket, key, owner *string, sse types.ServerSideEncryption, kmsKeyID *string, bucketKey *bool,
	ssecAlg, ssecKey, ssecMD5 *string) *s3.PutObjectInput {
	return &s3.PutObjectInput{
		Bucket:               bucket,
		Key:                  aws.String(aws.ToString(key) + InstructionFileSuffix),
		Body:                 strings.NewReader(string(file)),
		ContentLength:        aws.Int64(int64(len(file))),
		Metadata:             map[string]string{instructionFileMarker: ""},
		ExpectedBucketOwner:  owner,
		ServerSideEncryption: sse,
		SSEKMSKeyId:          kmsKeyID,
		BucketKeyEnabled:     bucketKey,
		SSECustomerAlgorithm: ssecAlg,
		SSECustomerKey:       ssecKey,
		SSECustomerKeyMD5:    ssecMD5,
	}
}

// uploader runs one Upload's parts.
type uploader struct {
	c      MultipartAPI
	m      *MultipartUpload
	in     *s3.CreateMultipartUploadInput
	id     *string
	optFns []func(*s3.Options)

	mu    sync.Mutex
	parts []types.CompletedPart
	err   error
}

func (u *uploader) fail(err error) {
	u.mu.Lock()
	if u.err == nil {
		u.err = err
	}
	u.mu.Unlock()
}

func (u *uploader) failed() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.err
}

// run reads body a part at a time, one part ahead, so that the last part
// is known when it is read: the others are sealed and uploaded by up to
// concurrency goroutines, the last once they are all sealed.
func (u *uploader) run(ctx context.Context, body io.Reader, concurrency int) ([]types.CompletedPart, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	size := int(u.m.PartSize())
	free := make(chan []byte, concurrency+1)
	for range concurrency + 1 {
		free <- nil // allocated on first use
	}
	var sealed, uploaded sync.WaitGroup
	read := func() ([]byte, error) {
		var buf []byte
		select {
		case buf = <-free:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if buf == nil {
			buf = make([]byte, size, size+16)
		}
		n, err := io.ReadFull(body, buf[:size])
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = nil
		}
		return buf[:n], err
	}
	cur, err := read()
	for n := int32(1); err == nil; n++ {
		if n > maxParts {
			err = fmt.Errorf("encrypt: Upload: more than %d parts of %d bytes", maxParts, size)
			break
		}
		var next []byte
		if len(cur) == size {
			if next, err = read(); err != nil {
				break
			}
		}
		if len(cur) < size || len(next) == 0 {
			// The last part: after all the others are sealed.
			if next != nil {
				free <- next
			}
			sealed.Wait()
			if err = u.failed(); err != nil {
				break
			}
			var c []byte
			if c, err = u.m.SealLastPart(cur[:0], n, cur); err == nil {
				err = u.upload(ctx, n, c)
			}
			break
		}
		sealed.Add(1)
		uploaded.Add(1)
		go func(n int32, buf []byte) {
			defer uploaded.Done()
			c, err := u.m.SealPart(buf[:0], n, buf)
			sealed.Done()
			if err == nil {
				err = u.upload(ctx, n, c)
			}
			if err != nil {
				u.fail(err)
				cancel()
			}
			free <- buf[:size]
		}(n, cur)
		cur = next
		if err = u.failed(); err != nil {
			break
		}
	}
	uploaded.Wait()
	if e := u.failed(); e != nil {
		err = e // the cause, rather than the cancellation it caused
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(u.parts, func(a, b types.CompletedPart) int { return int(*a.PartNumber - *b.PartNumber) })
	return u.parts, nil
}

func (u *uploader) upload(ctx context.Context, n int32, c []byte) error {
	in := &s3.UploadPartInput{Bucket: u.in.Bucket, Key: u.in.Key, UploadId: u.id, PartNumber: aws.Int32(n),
		Body: bytes.NewReader(c), ContentLength: aws.Int64(int64(len(c))), ExpectedBucketOwner: u.in.ExpectedBucketOwner,
		SSECustomerAlgorithm: u.in.SSECustomerAlgorithm, SSECustomerKey: u.in.SSECustomerKey, SSECustomerKeyMD5: u.in.SSECustomerKeyMD5}
	out, err := u.c.UploadPart(ctx, in, u.optFns...)
	if err != nil {
		return fmt.Errorf("encrypt: Upload: part %d: %w", n, err)
	}
	p := types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32,
		ChecksumCRC32C: out.ChecksumCRC32C, ChecksumCRC64NVME: out.ChecksumCRC64NVME, ChecksumSHA1: out.ChecksumSHA1, ChecksumSHA256: out.ChecksumSHA256}
	u.mu.Lock()
	u.parts = append(u.parts, p)
	u.mu.Unlock()
	return nil
}
