package presign

import (
	"crypto/md5"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// GetOptions are the options of [Presigner.GetObject] and
// [Presigner.HeadObject]. Every field set is bound into the signature:
// headers must be sent as given, query parameters are part of the URL.
type GetOptions struct {
	// Expires is the requested lifetime; zero means the Presigner's
	// default.
	Expires time.Duration
	// VersionID selects an object version.
	VersionID string
	// Range (header) limits the bytes returned, e.g. "bytes=0-1023".
	Range string
	// IfMatch and IfNoneMatch (headers) make the request conditional on
	// the object's ETag.
	IfMatch, IfNoneMatch string
	// ResponseContentType and ResponseContentDisposition (query) override
	// those response headers, e.g. `attachment; filename="a.pdf"`.
	ResponseContentType, ResponseContentDisposition string
	// SSECustomerKeyMD5 is, for an object encrypted with SSE-C, the base64
	// MD5 of the customer key (see [SSECustomerKey]). The algorithm
	// (AES256) and this digest are signed; the holder sends the key itself
	// in x-amz-server-side-encryption-customer-key.
	SSECustomerKeyMD5 string
	// ExpectedBucketOwner (query) makes S3 refuse the request when the
	// bucket belongs to another account.
	ExpectedBucketOwner string
}

// PutOptions are the options of [Presigner.PutObject]. Every field set is
// bound into the signature, so the holder of the URL cannot change it; the
// returned [Presigned.Header] lists what the holder must send.
type PutOptions struct {
	// Expires is the requested lifetime; zero means the Presigner's
	// default.
	Expires time.Duration
	// ContentType is the object's Content-Type.
	ContentType string
	// ContentLength, when positive, is the exact body length. Without it
	// the holder may upload any size up to S3's limit.
	ContentLength int64
	// ContentMD5 is the base64 MD5 of the body; S3 refuses a body that
	// does not match.
	ContentMD5 string
	// Checksum is an additional checksum of the body; S3 refuses a body
	// that does not match.
	Checksum Checksum
	// Encryption selects server-side encryption.
	Encryption Encryption
	// ACL is a canned ACL. Public ones are refused ([ErrPublicACL]);
	// buckets with ACLs disabled refuse any but bucket-owner-full-control.
	ACL string
	// Tags are the object's tags (x-amz-tagging).
	Tags map[string]string
	// Metadata are user metadata (x-amz-meta-*), names without the prefix.
	Metadata map[string]string
	// CacheControl and ContentDisposition are stored with the object.
	CacheControl, ContentDisposition string
	// StorageClass is the storage class, e.g. "STANDARD_IA".
	StorageClass string
	// IfNoneMatch "*" makes S3 refuse to overwrite an existing object.
	IfNoneMatch string
	// ExpectedBucketOwner (query) makes S3 refuse the request when the
	// bucket belongs to another account.
	ExpectedBucketOwner string
}

// DeleteOptions are the options of [Presigner.DeleteObject].
type DeleteOptions struct {
	// Expires is the requested lifetime; zero means the Presigner's
	// default.
	Expires time.Duration
	// VersionID deletes one version (permanently) rather than adding a
	// delete marker.
	VersionID string
	// IfMatch (header) deletes only if the ETag matches.
	IfMatch string
	// ExpectedBucketOwner (query) makes S3 refuse the request when the
	// bucket belongs to another account.
	ExpectedBucketOwner string
}

// UploadPartOptions are the options of [Presigner.UploadPart].
type UploadPartOptions struct {
	// Expires is the requested lifetime; zero means the Presigner's
	// default.
	Expires time.Duration
	// ContentLength, when positive, is the exact part length.
	ContentLength int64
	// ContentMD5 is the base64 MD5 of the part.
	ContentMD5 string
	// Checksum is an additional checksum of the part; its algorithm must
	// be the one the multipart upload was created with.
	Checksum Checksum
	// SSECustomerKeyMD5 is, for an SSE-C upload, the base64 MD5 of the
	// customer key; the holder sends the key itself.
	SSECustomerKeyMD5 string
	// ExpectedBucketOwner (query) makes S3 refuse the request when the
	// bucket belongs to another account.
	ExpectedBucketOwner string
}

// Server-side encryption algorithms (x-amz-server-side-encryption).
const (
	SSES3Algorithm   = "AES256"       // SSE-S3
	SSEKMSAlgorithm  = "aws:kms"      // SSE-KMS
	DSSEKMSAlgorithm = "aws:kms:dsse" // DSSE-KMS

	// signSSECAlgorithm is x-amz-server-side-encryption-customer-algorithm,
	// the only one SSE-C has.
	signSSECAlgorithm = "AES256"
)

// Encryption selects server-side encryption for an upload. The zero value
// asks for none (the bucket's default encryption applies). Use [SSES3],
// [SSEKMS] or [SSEC] to build one.
type Encryption struct {
	// Algorithm is x-amz-server-side-encryption: [SSES3Algorithm],
	// [SSEKMSAlgorithm] or [DSSEKMSAlgorithm]. Empty with CustomerKeyMD5
	// set means SSE-C.
	Algorithm string
	// KMSKeyID is the KMS key for SSE-KMS and DSSE-KMS; empty means the
	// AWS managed key aws/s3.
	KMSKeyID string
	// CustomerKeyMD5 is, for SSE-C, the base64 MD5 of the 256-bit customer
	// key. The key itself is never signed into a URL or form: the holder
	// sends it in x-amz-server-side-encryption-customer-key.
	CustomerKeyMD5 string
}

// SSES3 asks for SSE-S3 (keys managed by S3).
func SSES3() Encryption { return Encryption{Algorithm: SSES3Algorithm} }

// SSEKMS asks for SSE-KMS with keyID (empty: the AWS managed key aws/s3).
func SSEKMS(keyID string) Encryption {
	return Encryption{Algorithm: SSEKMSAlgorithm, KMSKeyID: keyID}
}

// SSEC asks for SSE-C with the customer key whose base64 MD5 is keyMD5.
func SSEC(keyMD5 string) Encryption { return Encryption{CustomerKeyMD5: keyMD5} }

// SSECustomerKey returns the base64 MD5 of an SSE-C key, as
// x-amz-server-side-encryption-customer-key-MD5 carries it. The key is not
// retained.
func SSECustomerKey(key []byte) string {
	sum := md5.Sum(key)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func (e Encryption) validate() error {
	switch e.Algorithm {
	case "":
		if e.KMSKeyID != "" {
			return errors.New("presign: KMSKeyID without an SSE-KMS algorithm")
		}
		if e.CustomerKeyMD5 != "" {
			return signCheckMD5("SSE-C customer key MD5", e.CustomerKeyMD5)
		}
		return nil
	case SSES3Algorithm:
		if e.KMSKeyID != "" {
			return errors.New("presign: KMSKeyID with SSE-S3")
		}
	case SSEKMSAlgorithm, DSSEKMSAlgorithm:
		if err := signCheckValue("KMS key ID", e.KMSKeyID); err != nil {
			return err
		}
	default:
		return fmt.Errorf("presign: unknown server-side encryption algorithm %q", e.Algorithm)
	}
	if e.CustomerKeyMD5 != "" {
		return errors.New("presign: SSE-C cannot be combined with SSE-S3 or SSE-KMS")
	}
	return nil
}

// signCheckMD5 checks that v is the base64 of a 16-byte digest.
func signCheckMD5(what, v string) error {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) != md5.Size {
		return fmt.Errorf("presign: %s is not a base64 MD5 digest", what)
	}
	return nil
}

// Checksum is an additional checksum of an upload's body, which S3
// verifies. The zero value is none.
type Checksum struct {
	// Algorithm is CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.
	Algorithm string
	// Value is the base64 of the checksum's bytes (big-endian for CRCs).
	Value string
}

// signChecksumSizes are the digest sizes of the algorithms S3 documents for
// x-amz-checksum-* ("Checking object integrity", S3 User Guide).
var signChecksumSizes = map[string]int{
	"CRC32":     4,
	"CRC32C":    4,
	"CRC64NVME": 8,
	"SHA1":      20,
	"SHA256":    32,
}

func (c Checksum) isZero() bool { return c == Checksum{} }

// header is the checksum's header and form field name.
func (c Checksum) header() string { return "x-amz-checksum-" + strings.ToLower(c.Algorithm) }

func (c Checksum) validate() error {
	if c.isZero() {
		return nil
	}
	size, ok := signChecksumSizes[c.Algorithm]
	if !ok {
		return fmt.Errorf("presign: unsupported checksum algorithm %q", c.Algorithm)
	}
	b, err := base64.StdEncoding.DecodeString(c.Value)
	if err != nil || len(b) != size {
		return fmt.Errorf("presign: checksum value is not the base64 of a %d-byte %s", size, c.Algorithm)
	}
	return nil
}

// Canned ACLs ("Access control list (ACL) overview", S3 User Guide).
var (
	signPrivateACLs = map[string]bool{
		"private":                   true,
		"bucket-owner-read":         true,
		"bucket-owner-full-control": true,
		"aws-exec-read":             true,
	}
	signPublicACLs = map[string]bool{
		"public-read":        true,
		"public-read-write":  true,
		"authenticated-read": true,
	}
)

// signCheckACL accepts the empty ACL and non-public canned ACLs.
func signCheckACL(acl string) error {
	switch {
	case acl == "" || signPrivateACLs[acl]:
		return nil
	case signPublicACLs[acl]:
		return fmt.Errorf("presign: canned ACL %q grants access to everyone or to every AWS account: %w", acl, ErrPublicACL)
	default:
		return fmt.Errorf("presign: unknown canned ACL %q", acl)
	}
}

// Tag limits ("Categorizing your storage using tags", S3 User Guide).
const (
	signMaxTags        = 10
	signMaxTagKeyLen   = 128
	signMaxTagValueLen = 256
	signMaxMetadata    = 2048 // bytes of user metadata, names and values
)

// signCheckTags checks S3's limits on object tags.
func signCheckTags(tags map[string]string) error {
	if len(tags) > signMaxTags {
		return fmt.Errorf("presign: %d tags, S3 allows %d per object", len(tags), signMaxTags)
	}
	for k, v := range tags {
		if k == "" || utf8.RuneCountInString(k) > signMaxTagKeyLen {
			return fmt.Errorf("presign: tag key must be 1 to %d characters", signMaxTagKeyLen)
		}
		if utf8.RuneCountInString(v) > signMaxTagValueLen {
			return fmt.Errorf("presign: tag value must be at most %d characters", signMaxTagValueLen)
		}
		if err := signCheckValue("tag key", k); err != nil {
			return err
		}
		if err := signCheckValue("tag value", v); err != nil {
			return err
		}
	}
	return nil
}

// signTagQuery encodes tags as x-amz-tagging does: a URL query string.
func signTagQuery(tags map[string]string) string {
	q := make(url.Values, len(tags))
	for k, v := range tags {
		q.Set(k, v)
	}
	return q.Encode()
}

// signSortedKeys returns m's keys in order.
func signSortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// signCheckMetadata checks names (HTTP tokens) and values, and S3's 2 KB
// limit on user metadata.
func signCheckMetadata(md map[string]string) error {
	size := 0
	for k, v := range md {
		if err := signCheckMetadataName(k); err != nil {
			return err
		}
		if err := signCheckValue("metadata value", v); err != nil {
			return err
		}
		size += len(k) + len(v)
	}
	if size > signMaxMetadata {
		return fmt.Errorf("presign: %d bytes of user metadata, S3 allows %d", size, signMaxMetadata)
	}
	return nil
}

func signCheckMetadataName(name string) error {
	if name == "" || !signIsToken(name) {
		return fmt.Errorf("presign: metadata name %q is not an HTTP token", name)
	}
	return nil
}

// signIsToken reports whether s is an RFC 9110 token.
func signIsToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// signCheckValue refuses invalid UTF-8 and control characters, which neither a
// header nor a browser form carries unchanged. The value is not echoed.
func signCheckValue(what, v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("presign: %s is not valid UTF-8", what)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("presign: %s contains a control character", what)
		}
	}
	return nil
}

// signCheckObject checks the bucket and key every request names.
func signCheckObject(bucket, key string) error {
	if bucket == "" {
		return errors.New("presign: empty bucket name")
	}
	if key == "" {
		return errors.New("presign: empty object key")
	}
	if len(key) > 1024 {
		return errors.New("presign: object key longer than 1024 bytes")
	}
	if !utf8.ValidString(key) {
		return errors.New("presign: object key is not valid UTF-8")
	}
	return nil
}
