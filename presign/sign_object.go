package presign

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// GetObject presigns a GET of bucket/key.
func (p *Presigner) GetObject(ctx context.Context, bucket, key string, opt GetOptions) (*Presigned, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if err := signReadInput(bucket, key, opt, &signReadFields{
		versionID: &in.VersionId, rng: &in.Range, ifMatch: &in.IfMatch, ifNoneMatch: &in.IfNoneMatch,
		respType: &in.ResponseContentType, respDisp: &in.ResponseContentDisposition,
		sseAlg: &in.SSECustomerAlgorithm, sseMD5: &in.SSECustomerKeyMD5, owner: &in.ExpectedBucketOwner,
	}); err != nil {
		return nil, err
	}
	return p.presign(ctx, opt.Expires, func(ctx context.Context, pc *s3.PresignClient, o func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error) {
		return pc.PresignGetObject(ctx, in, o)
	})
}

// HeadObject presigns a HEAD of bucket/key; it takes the same options as
// [Presigner.GetObject].
func (p *Presigner) HeadObject(ctx context.Context, bucket, key string, opt GetOptions) (*Presigned, error) {
	in := &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if err := signReadInput(bucket, key, opt, &signReadFields{
		versionID: &in.VersionId, rng: &in.Range, ifMatch: &in.IfMatch, ifNoneMatch: &in.IfNoneMatch,
		respType: &in.ResponseContentType, respDisp: &in.ResponseContentDisposition,
		sseAlg: &in.SSECustomerAlgorithm, sseMD5: &in.SSECustomerKeyMD5, owner: &in.ExpectedBucketOwner,
	}); err != nil {
		return nil, err
	}
	return p.presign(ctx, opt.Expires, func(ctx context.Context, pc *s3.PresignClient, o func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error) {
		return pc.PresignHeadObject(ctx, in, o)
	})
}

// signReadFields points at the fields GetObjectInput and HeadObjectInput share.
type signReadFields struct {
	versionID, rng, ifMatch, ifNoneMatch, respType, respDisp, sseAlg, sseMD5, owner **string
}

func signReadInput(bucket, key string, opt GetOptions, f *signReadFields) error {
	if err := signCheckObject(bucket, key); err != nil {
		return err
	}
	for _, v := range []struct{ what, v string }{
		{"version ID", opt.VersionID}, {"range", opt.Range}, {"If-Match", opt.IfMatch},
		{"If-None-Match", opt.IfNoneMatch}, {"response content type", opt.ResponseContentType},
		{"response content disposition", opt.ResponseContentDisposition},
		{"expected bucket owner", opt.ExpectedBucketOwner},
	} {
		if err := signCheckValue(v.what, v.v); err != nil {
			return err
		}
	}
	*f.versionID = signOptional(opt.VersionID)
	*f.rng = signOptional(opt.Range)
	*f.ifMatch = signOptional(opt.IfMatch)
	*f.ifNoneMatch = signOptional(opt.IfNoneMatch)
	*f.respType = signOptional(opt.ResponseContentType)
	*f.respDisp = signOptional(opt.ResponseContentDisposition)
	*f.owner = signOptional(opt.ExpectedBucketOwner)
	if opt.SSECustomerKeyMD5 != "" {
		if err := signCheckMD5("SSE-C customer key MD5", opt.SSECustomerKeyMD5); err != nil {
			return err
		}
		*f.sseAlg = aws.String(signSSECAlgorithm)
		*f.sseMD5 = aws.String(opt.SSECustomerKeyMD5)
	}
	return nil
}

// PutObject presigns a PUT of bucket/key, binding opt into the signature.
func (p *Presigner) PutObject(ctx context.Context, bucket, key string, opt PutOptions) (*Presigned, error) {
	in, err := signPutInput(bucket, key, opt)
	if err != nil {
		return nil, err
	}
	return p.presign(ctx, opt.Expires, func(ctx context.Context, pc *s3.PresignClient, o func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error) {
		return pc.PresignPutObject(ctx, in, o)
	})
}

func signPutInput(bucket, key string, opt PutOptions) (*s3.PutObjectInput, error) {
	if err := signCheckObject(bucket, key); err != nil {
		return nil, err
	}
	if opt.ContentLength < 0 {
		return nil, errors.New("presign: negative content length")
	}
	for _, v := range []struct{ what, v string }{
		{"content type", opt.ContentType}, {"cache control", opt.CacheControl},
		{"content disposition", opt.ContentDisposition}, {"expected bucket owner", opt.ExpectedBucketOwner},
	} {
		if err := signCheckValue(v.what, v.v); err != nil {
			return nil, err
		}
	}
	if opt.ContentMD5 != "" {
		if err := signCheckMD5("Content-MD5", opt.ContentMD5); err != nil {
			return nil, err
		}
	}
	if opt.IfNoneMatch != "" && opt.IfNoneMatch != "*" {
		return nil, errors.New(`presign: If-None-Match of a PUT must be "*"`)
	}
	if opt.StorageClass != "" && !slices.Contains(types.StorageClass("").Values(), types.StorageClass(opt.StorageClass)) {
		return nil, fmt.Errorf("presign: unknown storage class %q", opt.StorageClass)
	}
	for _, err := range []error{
		opt.Checksum.validate(), opt.Encryption.validate(), signCheckACL(opt.ACL),
		signCheckTags(opt.Tags), signCheckMetadata(opt.Metadata),
	} {
		if err != nil {
			return nil, err
		}
	}
	in := &s3.PutObjectInput{
		Bucket:              aws.String(bucket),
		Key:                 aws.String(key),
		ContentType:         signOptional(opt.ContentType),
		ContentMD5:          signOptional(opt.ContentMD5),
		CacheControl:        signOptional(opt.CacheControl),
		ContentDisposition:  signOptional(opt.ContentDisposition),
		IfNoneMatch:         signOptional(opt.IfNoneMatch),
		ExpectedBucketOwner: signOptional(opt.ExpectedBucketOwner),
		ACL:                 types.ObjectCannedACL(opt.ACL),
		StorageClass:        types.StorageClass(opt.StorageClass),
	}
	if opt.ContentLength > 0 {
		in.ContentLength = aws.Int64(opt.ContentLength)
	}
	if len(opt.Tags) > 0 {
		in.Tagging = aws.String(signTagQuery(opt.Tags))
	}
	if len(opt.Metadata) > 0 {
		in.Metadata = opt.Metadata
	}
	signSetChecksum(opt.Checksum, &in.ChecksumCRC32, &in.ChecksumCRC32C, &in.ChecksumCRC64NVME, &in.ChecksumSHA1, &in.ChecksumSHA256)
	e := opt.Encryption
	in.ServerSideEncryption = types.ServerSideEncryption(e.Algorithm)
	in.SSEKMSKeyId = signOptional(e.KMSKeyID)
	if e.CustomerKeyMD5 != "" {
		in.SSECustomerAlgorithm = aws.String(signSSECAlgorithm)
		in.SSECustomerKeyMD5 = aws.String(e.CustomerKeyMD5)
	}
	return in, nil
}

// signSetChecksum sets the SDK input field of c's algorithm.
func signSetChecksum(c Checksum, crc32, crc32c, crc64, sha1, sha256 **string) {
	dst := map[string]**string{"CRC32": crc32, "CRC32C": crc32c, "CRC64NVME": crc64, "SHA1": sha1, "SHA256": sha256}[c.Algorithm]
	if dst != nil {
		*dst = aws.String(c.Value)
	}
}

// DeleteObject presigns a DELETE of bucket/key.
func (p *Presigner) DeleteObject(ctx context.Context, bucket, key string, opt DeleteOptions) (*Presigned, error) {
	if err := signCheckObject(bucket, key); err != nil {
		return nil, err
	}
	for _, v := range []struct{ what, v string }{
		{"version ID", opt.VersionID}, {"If-Match", opt.IfMatch}, {"expected bucket owner", opt.ExpectedBucketOwner},
	} {
		if err := signCheckValue(v.what, v.v); err != nil {
			return nil, err
		}
	}
	in := &s3.DeleteObjectInput{
		Bucket:              aws.String(bucket),
		Key:                 aws.String(key),
		VersionId:           signOptional(opt.VersionID),
		IfMatch:             signOptional(opt.IfMatch),
		ExpectedBucketOwner: signOptional(opt.ExpectedBucketOwner),
	}
	return p.presign(ctx, opt.Expires, func(ctx context.Context, pc *s3.PresignClient, o func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error) {
		return pc.PresignDeleteObject(ctx, in, o)
	})
}

// UploadPart presigns the upload of part number part (1 to 10000) of the
// multipart upload uploadID, which the caller created with
// CreateMultipartUpload (where encryption, ACL, tags and metadata of the
// object are set).
func (p *Presigner) UploadPart(ctx context.Context, bucket, key, uploadID string, part int32, opt UploadPartOptions) (*Presigned, error) {
	if err := signCheckObject(bucket, key); err != nil {
		return nil, err
	}
	if uploadID == "" {
		return nil, errors.New("presign: empty upload ID")
	}
	if part < 1 || part > 10000 {
		return nil, fmt.Errorf("presign: part number %d is outside 1 to 10000", part)
	}
	if opt.ContentLength < 0 {
		return nil, errors.New("presign: negative content length")
	}
	if err := signCheckValue("upload ID", uploadID); err != nil {
		return nil, err
	}
	if err := signCheckValue("expected bucket owner", opt.ExpectedBucketOwner); err != nil {
		return nil, err
	}
	if opt.ContentMD5 != "" {
		if err := signCheckMD5("Content-MD5", opt.ContentMD5); err != nil {
			return nil, err
		}
	}
	if err := opt.Checksum.validate(); err != nil {
		return nil, err
	}
	in := &s3.UploadPartInput{
		Bucket:              aws.String(bucket),
		Key:                 aws.String(key),
		UploadId:            aws.String(uploadID),
		PartNumber:          aws.Int32(part),
		ContentMD5:          signOptional(opt.ContentMD5),
		ExpectedBucketOwner: signOptional(opt.ExpectedBucketOwner),
	}
	if opt.ContentLength > 0 {
		in.ContentLength = aws.Int64(opt.ContentLength)
	}
	signSetChecksum(opt.Checksum, &in.ChecksumCRC32, &in.ChecksumCRC32C, &in.ChecksumCRC64NVME, &in.ChecksumSHA1, &in.ChecksumSHA256)
	if opt.SSECustomerKeyMD5 != "" {
		if err := signCheckMD5("SSE-C customer key MD5", opt.SSECustomerKeyMD5); err != nil {
			return nil, err
		}
		in.SSECustomerAlgorithm = aws.String(signSSECAlgorithm)
		in.SSECustomerKeyMD5 = aws.String(opt.SSECustomerKeyMD5)
	}
	return p.presign(ctx, opt.Expires, func(ctx context.Context, pc *s3.PresignClient, o func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error) {
		return pc.PresignUploadPart(ctx, in, o)
	})
}

// signOptional is aws.String for non-empty strings, nil otherwise.
func signOptional(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}
