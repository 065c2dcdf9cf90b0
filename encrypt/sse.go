package encrypt

import (
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// SSE is a choice of server-side encryption for S3 requests: SSE-S3,
// SSE-KMS, DSSE-KMS or SSE-C. Apply sets it on SDK inputs. The zero SSE
// sets nothing.
type SSE struct {
	alg       types.ServerSideEncryption // "" for SSE-C and for none
	keyID     string
	context   string // base64 of the JSON encryption context
	bucketKey *bool
	ssecKey   string // base64
	ssecMD5   string // base64 of the key's MD5
}

// SSES3 is server-side encryption with S3 managed keys (AES256).
func SSES3() SSE { return SSE{alg: types.ServerSideEncryptionAes256} }

// SSEKMS is server-side encryption with the KMS key keyID (key ID, key ARN
// or alias; empty for the AWS managed key aws/s3) and the encryption context
// ec, if not empty, which S3 sends base64-encoded JSON.
func SSEKMS(keyID string, ec map[string]string) SSE {
	return SSE{alg: types.ServerSideEncryptionAwsKms, keyID: keyID, context: encodeContext(ec)}
}

// DSSEKMS is dual-layer server-side encryption with the KMS key keyID.
func DSSEKMS(keyID string, ec map[string]string) SSE {
	return SSE{alg: types.ServerSideEncryptionAwsKmsDsse, keyID: keyID, context: encodeContext(ec)}
}

func encodeContext(ec map[string]string) string {
	if len(ec) == 0 {
		return ""
	}
	b, err := json.Marshal(ec)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// SSEC is server-side encryption with the customer-provided 256-bit key.
// The key is sent base64-encoded with its MD5, which the SDK does not
// compute; S3 accepts it only over HTTPS (see RequireHTTPS).
func SSEC(key []byte) (SSE, error) {
	if len(key) != 32 {
		return SSE{}, fmt.Errorf("encrypt: SSE-C key of %d bytes, want 32", len(key))
	}
	sum := md5.Sum(key)
	return SSE{
		ssecKey: base64.StdEncoding.EncodeToString(key),
		ssecMD5: base64.StdEncoding.EncodeToString(sum[:]),
	}, nil
}

// GenerateSSECKey returns a new random 256-bit key for SSEC.
func GenerateSSECKey() ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, nil
}

// WithBucketKey returns s with the S3 Bucket Key setting (SSE-KMS only:
// S3 then asks KMS for a bucket-level key rather than one per object).
func (s SSE) WithBucketKey(enabled bool) SSE {
	if s.alg == types.ServerSideEncryptionAwsKms {
		s.bucketKey = aws.Bool(enabled)
	}
	return s
}

// IsSSEC reports whether s uses a customer-provided key.
func (s SSE) IsSSEC() bool { return s.ssecKey != "" }

func (s SSE) isKMS() bool {
	return s.alg == types.ServerSideEncryptionAwsKms || s.alg == types.ServerSideEncryptionAwsKmsDsse
}

// String names the kind of encryption: "SSE-S3", "SSE-KMS", "DSSE-KMS",
// "SSE-C" or "none".
func (s SSE) String() string {
	switch {
	case s.IsSSEC():
		return "SSE-C"
	case s.alg == types.ServerSideEncryptionAes256:
		return "SSE-S3"
	case s.alg == types.ServerSideEncryptionAwsKms:
		return "SSE-KMS"
	case s.alg == types.ServerSideEncryptionAwsKmsDsse:
		return "DSSE-KMS"
	}
	return "none"
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// ssec returns the three SSE-C fields, or nils.
func (s SSE) ssec() (alg, key, md5 *string) {
	if !s.IsSSEC() {
		return nil, nil, nil
	}
	return aws.String("AES256"), aws.String(s.ssecKey), aws.String(s.ssecMD5)
}

// SSEInput is the set of SDK inputs Apply sets server-side encryption on.
type SSEInput interface {
	*s3.PutObjectInput | *s3.CopyObjectInput | *s3.CreateMultipartUploadInput | *s3.UploadPartInput |
		*s3.UploadPartCopyInput | *s3.CompleteMultipartUploadInput | *s3.GetObjectInput | *s3.HeadObjectInput
}

// Apply sets s on in, field by field as S3 expects for the operation:
//   - PutObject, CopyObject (the copy's encryption), CreateMultipartUpload:
//     the encryption, its KMS key, context and Bucket Key, or the SSE-C key;
//   - UploadPart, UploadPartCopy (the destination), CompleteMultipartUpload,
//     GetObject, HeadObject: the SSE-C key only, which S3 needs on these
//     requests; for the other kinds S3 refuses these headers, so nothing
//     is set.
func Apply[T SSEInput](in T, s SSE) {
	alg, key, sum := s.ssec()
	switch in := any(in).(type) {
	case *s3.PutObjectInput:
		in.ServerSideEncryption, in.SSEKMSKeyId, in.SSEKMSEncryptionContext, in.BucketKeyEnabled = s.alg, s.kmsKey(), optString(s.context), s.bucketKey
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.CopyObjectInput:
		in.ServerSideEncryption, in.SSEKMSKeyId, in.SSEKMSEncryptionContext, in.BucketKeyEnabled = s.alg, s.kmsKey(), optString(s.context), s.bucketKey
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.CreateMultipartUploadInput:
		in.ServerSideEncryption, in.SSEKMSKeyId, in.SSEKMSEncryptionContext, in.BucketKeyEnabled = s.alg, s.kmsKey(), optString(s.context), s.bucketKey
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.UploadPartInput:
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.UploadPartCopyInput:
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.CompleteMultipartUploadInput:
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.GetObjectInput:
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	case *s3.HeadObjectInput:
		in.SSECustomerAlgorithm, in.SSECustomerKey, in.SSECustomerKeyMD5 = alg, key, sum
	}
}

func (s SSE) kmsKey() *string {
	if !s.isKMS() {
		return nil
	}
	return optString(s.keyID)
}

// CopyInput is the set of SDK inputs that copy from a source object.
type CopyInput interface {
	*s3.CopyObjectInput | *s3.UploadPartCopyInput
}

// ApplyCopySource sets the SSE-C key of the copy's source object: the only
// server-side encryption a copy request names for its source (S3 finds the
// other kinds' keys itself). It fails if source is not SSE-C.
func ApplyCopySource[T CopyInput](in T, source SSE) error {
	if !source.IsSSEC() {
		return fmt.Errorf("encrypt: a copy source needs its key only with SSE-C, not %v", source)
	}
	alg, key, sum := source.ssec()
	switch in := any(in).(type) {
	case *s3.CopyObjectInput:
		in.CopySourceSSECustomerAlgorithm, in.CopySourceSSECustomerKey, in.CopySourceSSECustomerKeyMD5 = alg, key, sum
	case *s3.UploadPartCopyInput:
		in.CopySourceSSECustomerAlgorithm, in.CopySourceSSECustomerKey, in.CopySourceSSECustomerKeyMD5 = alg, key, sum
	}
	return nil
}

// Header returns the headers of s for a presigned PUT (all kinds) or GET
// (SSE-C): the request must be signed with them and sent with them.
func (s SSE) Header() http.Header {
	h := http.Header{}
	if s.alg != "" {
		h.Set("X-Amz-Server-Side-Encryption", string(s.alg))
	}
	if k := s.kmsKey(); k != nil {
		h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", *k)
	}
	if s.context != "" {
		h.Set("X-Amz-Server-Side-Encryption-Context", s.context)
	}
	if s.bucketKey != nil {
		h.Set("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled", strconv.FormatBool(*s.bucketKey))
	}
	if s.IsSSEC() {
		h.Set("X-Amz-Server-Side-Encryption-Customer-Algorithm", "AES256")
		h.Set("X-Amz-Server-Side-Encryption-Customer-Key", s.ssecKey)
		h.Set("X-Amz-Server-Side-Encryption-Customer-Key-Md5", s.ssecMD5)
	}
	return h
}

// ErrPlainHTTP: a customer-provided key would have been sent, or an
// endpoint is configured, without TLS.
var ErrPlainHTTP = errors.New("encrypt: refusing to send an SSE-C key over plain HTTP")

// CheckEndpoint returns ErrPlainHTTP unless endpoint is an https URL.
func CheckEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return fmt.Errorf("%w: endpoint %q", ErrPlainHTTP, endpoint)
	}
	return nil
}

// CheckOptions returns ErrPlainHTTP if the client options send requests
// over plain HTTP: an http BaseEndpoint or DisableHTTPS. Other endpoints
// resolve to https.
func CheckOptions(o s3.Options) error {
	if o.EndpointOptions.DisableHTTPS {
		return fmt.Errorf("%w: DisableHTTPS is set", ErrPlainHTTP)
	}
	if o.BaseEndpoint != nil {
		return CheckEndpoint(*o.BaseEndpoint)
	}
	return nil
}

// RequireHTTPS is an option for s3.New, s3.NewFromConfig or a single call:
// the client then refuses, with ErrPlainHTTP, to send a request that
// carries an SSE-C key (as the key or the copy source's key) to an endpoint
// that is not https, whatever resolved it.
func RequireHTTPS(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("s3vet.RequireHTTPS", refusePlainHTTP), middleware.After)
	})
}

func refusePlainHTTP(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
	if req, ok := in.Request.(*smithyhttp.Request); ok && !strings.EqualFold(req.URL.Scheme, "https") {
		if req.Header.Get("X-Amz-Server-Side-Encryption-Customer-Key") != "" ||
			req.Header.Get("X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key") != "" {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("%w: %s://%s", ErrPlainHTTP, req.URL.Scheme, req.URL.Host)
		}
	}
	return next.HandleFinalize(ctx, in)
}
