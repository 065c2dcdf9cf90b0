package encrypt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ObjectPutter is the S3 call Encrypter.PutObject makes. *s3.Client
// satisfies it, as does the simulator's client.
type ObjectPutter interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

// ObjectGetter is the S3 call Decrypter.GetObject makes.
type ObjectGetter interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var (
	_ ObjectPutter = (*s3.Client)(nil)
	_ ObjectGetter = (*s3.Client)(nil)
)

// instructionFileMarker is the metadata the Java client sets on
// instruction files.
const instructionFileMarker = "x-amz-crypto-instr-file"

// maxInstructionFile bounds what GetObject reads of an instruction file.
const maxInstructionFile = 1 << 20

// PutObject encrypts in.Body and uploads it with c, the envelope in the
// object metadata or, if e.InstructionFile is set, in an instruction file
// (uploaded first, as key + InstructionFileSuffix). in is not modified.
//
// in.ContentLength, if set, is the plaintext length; if not, a body that
// is an io.Seeker is measured. A body that is an io.Seeker stays one, so
// that the SDK can sign and retry it. S3 needs the length of a PutObject
// in advance: it refuses a body of unknown length (411
// MissingContentLength), which only a multipart upload can take
// (NewMultipartUpload). in.Metadata
// must not hold envelope keys, and checksums or Content-MD5 of the
// plaintext must not be set: the SDK computes them on the ciphertext.
func (e *Encrypter) PutObject(ctx context.Context, c ObjectPutter, in *s3.PutObjectInput, ec map[string]string, optFns ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	if in.ContentMD5 != nil || in.ChecksumCRC32 != nil || in.ChecksumCRC32C != nil || in.ChecksumCRC64NVME != nil ||
		in.ChecksumSHA1 != nil || in.ChecksumSHA256 != nil {
		return nil, errors.New("encrypt: PutObject: a checksum of the plaintext is set; let the SDK compute it on the ciphertext")
	}
	if err := checkMetadata("PutObject", in.Metadata); err != nil {
		return nil, err
	}
	size := int64(-1)
	if in.ContentLength != nil {
		size = *in.ContentLength
	}
	body := in.Body
	if body == nil {
		body = strings.NewReader("")
		size = 0
	}
	if s, ok := body.(io.Seeker); ok && size < 0 {
		// What the SDK would find out, but only of the plaintext.
		n, err := remaining(s)
		if err != nil {
			return nil, fmt.Errorf("encrypt: PutObject: %w", err)
		}
		size = n
	}
	r, err := e.NewReader(ctx, body, size, ec)
	if err != nil {
		return nil, err
	}
	put := *in
	put.Body = r
	if _, ok := body.(io.Seeker); !ok {
		put.Body = struct{ io.Reader }{r}
	}
	if size >= 0 {
		put.ContentLength = aws.Int64(r.Size())
	}
	env := r.Envelope()
	var meta map[string]string
	if !e.InstructionFile {
		meta = env.Metadata()
	} else {
		var file []byte
		meta, file = env.InstructionFile()
		instr := instructionFileInput(file, in.Bucket, in.Key, in.ExpectedBucketOwner,
			in.ServerSideEncryption, in.SSEKMSKeyId, in.BucketKeyEnabled, in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5)
		if _, err := c.PutObject(ctx, instr, optFns...); err != nil {
			return nil, fmt.Errorf("encrypt: PutObject: instruction file: %w", err)
		}
	}
	put.Metadata = withEnvelope(in.Metadata, meta)
	return c.PutObject(ctx, &put, optFns...)
}

// remaining returns the bytes from s's offset to its end, leaving the
// offset where it was.
func remaining(s io.Seeker) (int64, error) {
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	end, err := s.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	if _, err := s.Seek(cur, io.SeekStart); err != nil {
		return 0, err
	}
	return end - cur, nil
}

func isEnvelopeKey(k string) bool {
	k = strings.TrimPrefix(strings.ToLower(k), "x-amz-meta-")
	return k == keyPlainLen || slices.Contains(v2Only, k) || slices.Contains(v3Only, k)
}

// checkMetadata refuses user metadata that holds an envelope key; op names
// the call in the error.
func checkMetadata(op string, m map[string]string) error {
	for k := range m {
		if isEnvelopeKey(k) {
			return fmt.Errorf("encrypt: %s: metadata key %q is reserved for the envelope", op, k)
		}
	}
	return nil
}

// withEnvelope returns a new map of the user's metadata and the envelope's.
func withEnvelope(user, env map[string]string) map[string]string {
	m := make(map[string]string, len(user)+len(env))
	maps.Copy(m, user)
	maps.Copy(m, env)
	return m
}

// GetObject gets an object with c and decrypts it: the returned output's
// Body is the plaintext (see NewReader; closing it closes the response
// body) and ContentLength its length when known. The envelope comes from
// the object metadata or, failing that, from the instruction file. ec, if
// not nil, is the encryption context the caller expects.
//
// With in.Range set ("bytes=first-last" or "bytes=first-"), the Decrypter
// must allow UnauthenticatedRanges; the Range sent widens the requested one
// to whole blocks, and ContentRange and ContentLength of the output
// describe the plaintext.
func (d *Decrypter) GetObject(ctx context.Context, c ObjectGetter, in *s3.GetObjectInput, ec map[string]string, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	get := *in
	var first, last int64
	if in.Range != nil {
		if !d.UnauthenticatedRanges {
			return nil, ErrUnauthenticatedRange
		}
		var err error
		if first, last, err = parseRange(*in.Range); err != nil {
			return nil, err
		}
		get.Range = aws.String(CiphertextRange(first, last))
	}
	out, err := c.GetObject(ctx, &get, optFns...)
	if err != nil {
		return nil, err
	}
	body := out.Body
	env, err := d.envelope(ctx, c, in, out.Metadata, optFns)
	if err != nil {
		body.Close()
		return nil, err
	}
	if in.Range == nil {
		if out.ContentRange != nil {
			body.Close()
			return nil, errors.New("encrypt: GetObject: a ranged response to a request without Range")
		}
		size := aws.ToInt64(out.ContentLength)
		if out.ContentLength == nil {
			size = -1
		}
		r, err := d.NewReader(ctx, env, body, size, ec)
		if err != nil {
			body.Close()
			return nil, err
		}
		out.Body = r
		if size >= 0 {
			out.ContentLength = aws.Int64(size - 16)
		}
		return out, nil
	}
	total := int64(-1)
	if out.ContentRange != nil {
		total = parseContentRange(*out.ContentRange)
	}
	r, plain, last, err := d.newRangeReader(ctx, env, body, first, last, total, ec)
	if err != nil {
		body.Close()
		return nil, err
	}
	out.Body = r
	out.ContentLength = aws.Int64(max(last-first+1, 0))
	out.ContentRange = aws.String("bytes " + strconv.FormatInt(first, 10) + "-" + strconv.FormatInt(last, 10) + "/" + strconv.FormatInt(plain, 10))
	return out, nil
}

// envelope parses the envelope from meta, fetching the instruction file if
// the metadata points to it.
func (d *Decrypter) envelope(ctx context.Context, c ObjectGetter, in *s3.GetObjectInput, meta map[string]string, optFns []func(*s3.Options)) (*Envelope, error) {
	env, err := ParseEnvelope(meta, nil)
	if !errors.Is(err, ErrInstructionFile) {
		return env, err
	}
	instr, err := c.GetObject(ctx, &s3.GetObjectInput{
		Bucket:               in.Bucket,
		Key:                  aws.String(aws.ToString(in.Key) + InstructionFileSuffix),
		ExpectedBucketOwner:  in.ExpectedBucketOwner,
		SSECustomerAlgorithm: in.SSECustomerAlgorithm,
		SSECustomerKey:       in.SSECustomerKey,
		SSECustomerKeyMD5:    in.SSECustomerKeyMD5,
	}, optFns...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInstructionFile, err)
	}
	defer instr.Body.Close()
	file, err := io.ReadAll(io.LimitReader(instr.Body, maxInstructionFile+1))
	if err != nil {
		return nil, err
	}
	if len(file) > maxInstructionFile {
		return nil, formatErr("", "instruction file larger than 1 MiB")
	}
	return ParseEnvelope(meta, file)
}
