// Package s3op maps Amazon S3 REST requests to the IAM permissions they
// need, as the S3 User Guide's [required permissions for Amazon S3 API
// operations] and the Service Authorization Reference's [actions,
// resources, and condition keys for Amazon S3] list them: for each
// operation of the S3 API (named as aws-sdk-go-v2's S3 client names them,
// such as "GetObject" or "PutBucketLifecycleConfiguration"), the IAM
// actions AWS authorizes, the resource ARN each is authorized on, and the
// condition keys the request carries.
//
// One request can need several permissions. CopyObject needs s3:PutObject on
// the target and s3:GetObject on the source; PutObject with an x-amz-acl
// header also needs s3:PutObjectAcl; DeleteObjects needs s3:DeleteObject on
// every key it names. [Needs] lists them all, each with its own condition
// keys, ready for the policy engine:
//
//	needs, err := s3op.Needs(&s3op.Request{Operation: "GetObject", Bucket: "media", Key: "a.jpg"})
//	for _, n := range needs {
//		req, err := policy.NewRequest(principal, n.Action, n.Resource, account, policy.NewContext(n.Context))
//		...
//	}
//
// [Classify] names the operation of an HTTP request from its method, bucket,
// key, query and headers, the way S3 routes it.
//
// # Condition keys
//
// A need's Context holds only keys that AWS's Service Authorization
// Reference lists for its action (as the catalog package has them), plus the
// global keys aws:SecureTransport, aws:SourceIp, aws:CurrentTime and
// aws:EpochTime. The keys come from:
//
//   - headers: every x-amz-* header (and If-Match, If-None-Match) whose
//     name, prefixed with "s3:", is a key of the action: s3:x-amz-acl,
//     s3:x-amz-grant-*, s3:x-amz-server-side-encryption*,
//     s3:x-amz-storage-class, s3:x-amz-copy-source,
//     s3:x-amz-metadata-directive, s3:x-amz-content-sha256, ...;
//     x-amz-object-lock-mode, -retain-until-date and -legal-hold give
//     s3:object-lock-mode, s3:object-lock-retain-until-date,
//     s3:object-lock-legal-hold and s3:object-lock-remaining-retention-days;
//   - the tag set (x-amz-tagging, else Body.Tags): s3:RequestObjectTag/<key>
//     and s3:RequestObjectTagKeys, or aws:RequestTag/<key> and aws:TagKeys
//     where the action lists those (s3:CreateBucket);
//   - Request.ExistingTags: s3:ExistingObjectTag/<key>;
//   - the query: s3:prefix, s3:delimiter, s3:max-keys,
//     s3:annotation-prefix, s3:max-annotation-results, and versionId as
//     s3:versionid;
//   - the connection ([Conn]): aws:SecureTransport, aws:SourceIp,
//     aws:CurrentTime, aws:EpochTime, s3:TlsVersion, s3:authType,
//     s3:signatureversion and s3:signatureAge; through a VPC endpoint,
//     aws:SourceVpce, aws:SourceVpc, aws:VpceAccount and aws:VpcSourceIp
//     in place of aws:SourceIp.
//
// Keys that AWS derives from the principal or the resource (aws:PrincipalArn,
// s3:ResourceAccount, aws:ResourceTag/..., s3:BucketTag/...) are left to the
// policy engine and its caller. Keys whose value AWS does not document for
// an S3 REST request (s3:ObjectCreationOperation, s3:AccessGrantsInstanceArn,
// s3:DataAccessPointArn, ...) are not emitted.
//
// # Scope
//
// The table covers the operations of general purpose buckets whose
// permissions are S3 actions. It leaves out operations authorized by other
// services (CreateSession, ListDirectoryBuckets and RenameObject by
// s3express, WriteGetObjectResponse by s3-object-lambda), and the
// permissions of other services that some operations also need (kms: for
// SSE-KMS objects, iam:PassRole for replication, s3tables: for metadata
// tables). [Needs] reports the left-out operations as errors that say why.
//
// [required permissions for Amazon S3 API operations]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
// [actions, resources, and condition keys for Amazon S3]: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
package s3op

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// Request is an S3 request, as data.
type Request struct {
	// Operation is the operation's name as aws-sdk-go-v2 spells it, such as
	// "GetObject", or "PostObject" for a browser-based upload (POST with a
	// form). Classify names it from an HTTP request.
	Operation string
	Bucket    string // bucket name; empty only for ListBuckets
	// Key is the object key, empty for bucket operations. For PostObject it
	// is the form's key field.
	Key   string
	Query url.Values // versionId, prefix, delimiter, max-keys, ...
	// Header holds the request's headers, names matched case-insensitively.
	// For PostObject it holds the form's fields under their header names
	// (the acl field as x-amz-acl).
	Header http.Header
	Body   Body // settings the operation carries in its XML body or form
	// Keys are the objects a DeleteObjects request names in its body.
	Keys []ObjectID
	// ExistingTags are the current tags of the object the request names,
	// for s3:ExistingObjectTag/<key>. For CopyObject and UploadPartCopy they
	// are the tags of the source object, the one read.
	ExistingTags map[string]string
	Conn         Conn
	Partition    string // ARN partition; "" means "aws"
}

// ObjectID is a key, and optionally a version, that a DeleteObjects request
// names.
type ObjectID struct {
	Key       string
	VersionID string
}

// Body holds what an operation carries in its body rather than in headers.
// A field is read only by the operations named; where a header carries the
// same setting (x-amz-tagging, x-amz-object-lock-*), the header wins.
type Body struct {
	// Tags is the tag set of PutObjectTagging, of CreateBucket's
	// CreateBucketConfiguration, or of PostObject's tagging field.
	Tags map[string]string
	// LocationConstraint is CreateBucket's Region, for s3:locationconstraint.
	LocationConstraint string
	// RetentionMode (GOVERNANCE or COMPLIANCE) and RetainUntil are
	// PutObjectRetention's Retention.
	RetentionMode string
	RetainUntil   time.Time
	// LegalHold (ON or OFF) is PutObjectLegalHold's status.
	LegalHold string
}

// Conn is what S3 knows of the connection and the signature, apart from
// the request's headers.
type Conn struct {
	SourceIP string // client address, for aws:SourceIp; "" if unknown
	// TLSVersion is the TLS version, such as "1.2" or "TLSv1.3"; "" means
	// plain HTTP (aws:SecureTransport is "false").
	TLSVersion string
	// Time is when S3 received the request, for aws:CurrentTime and
	// aws:EpochTime, and to compute s3:signatureAge and
	// s3:object-lock-remaining-retention-days; the zero Time means unknown.
	Time time.Time
	// AuthType is "REST-HEADER", "REST-QUERY-STRING" or "POST". If empty it
	// is taken from an Authorization header (REST-HEADER) or from
	// X-Amz-Algorithm or Signature in the query (REST-QUERY-STRING).
	AuthType string
	// SignatureVersion is "AWS4-HMAC-SHA256" (SigV4) or "AWS" (SigV2). If
	// empty it is taken from the Authorization header or the query.
	SignatureVersion string
	// SignatureAge is the age of the signature, for s3:signatureAge in
	// milliseconds. If zero it is Time less the request's X-Amz-Date, when
	// both are known.
	SignatureAge time.Duration
	// VPCEndpoint is the VPC endpoint the request came through; nil for a
	// request from the internet.
	VPCEndpoint *VPCEndpoint
}

// A VPCEndpoint is the VPC endpoint a request came through. For such a
// request the IAM User Guide ("AWS global condition context keys") sets
// aws:SourceVpce, aws:SourceVpc, aws:VpceAccount and, from Conn.SourceIP,
// aws:VpcSourceIp, and leaves out aws:SourceIp: "This key is included in
// the request context, except when the requester uses a VPC endpoint to
// make the request."
type VPCEndpoint struct {
	ID      string // the endpoint's ID, vpce-...; aws:SourceVpce
	VPC     string // the ID of its VPC, vpc-...; aws:SourceVpc
	Account string // the account that owns the endpoint; aws:VpceAccount, omitted when ""
}

// Need is one permission a request needs: an IAM action on a resource, with
// the condition keys AWS evaluates for it.
type Need struct {
	Action   string // such as "s3:GetObject"
	Resource string // an S3 ARN, or "*" for an action without resource types
	// VersionID is the version of the object the permission is on: the
	// request's versionId, a DeleteObjects key's VersionId or the copy
	// source's versionId; "" for the current version, or a bucket.
	VersionID string
	// Context maps condition keys, spelled as the Service Authorization
	// Reference spells them (s3:versionid, s3:TlsVersion), to their values.
	// It is never nil.
	Context map[string][]string
}

// Operations returns the names of the operations Needs knows, sorted.
func Operations() []string {
	out := make([]string, 0, len(table))
	for i := range table {
		out = append(out, table[i].op)
	}
	slices.Sort(out)
	return out
}

// Needs returns every permission the request needs, the operation's own
// action first. The order is stable: the same request gives the same list.
// It returns an error, and no needs, for an unknown operation or a request
// S3 would reject as malformed before authorizing it (no bucket, no key for
// an object operation, an unparsable x-amz-tagging or x-amz-copy-source, no
// keys in DeleteObjects, ...).
func Needs(r *Request) ([]Need, error) {
	if r == nil {
		return nil, errors.New("s3op: nil request")
	}
	rw := lookup(r.Operation)
	if rw == nil {
		if why, ok := excluded[r.Operation]; ok {
			return nil, fmt.Errorf("s3op: operation %s is not covered: %s", r.Operation, why)
		}
		return nil, fmt.Errorf("s3op: unknown S3 operation %q", r.Operation)
	}
	b, err := newBuilder(r, rw)
	if err != nil {
		return nil, fmt.Errorf("s3op: %s: %w", r.Operation, err)
	}
	defer b.release()
	if err := rw.needs(b); err != nil {
		return nil, fmt.Errorf("s3op: %s: %w", r.Operation, err)
	}
	return b.out, nil
}
