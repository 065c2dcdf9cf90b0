package s3op_test

import (
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3vet/s3vet/policy/s3op"
)

// AWS documents the rules come from.
const (
	requiredPerms = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"
	sar           = "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html"
	apiRef        = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_"
	tagging       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html"
	policyKeys    = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html"
	sigv4Keys     = "https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html"
	globalKeysDoc = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
	objectLock    = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"
	postObject    = "https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html"
)

// A rule is a request and the permissions AWS documents it needs.
type rule struct {
	name   string
	source string // the AWS document that states the rule
	req    s3op.Request
	want   []string // "s3:Action resource", in order
	// keys maps a need's index to keys it must carry with these values, or
	// must not carry (nil values).
	keys map[int]map[string][]string
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func obj(op string, h http.Header, q url.Values) s3op.Request {
	return s3op.Request{Operation: op, Bucket: "b", Key: "k", Header: h, Query: q}
}

func bkt(op string, h http.Header, q url.Values) s3op.Request {
	return s3op.Request{Operation: op, Bucket: "b", Header: h, Query: q}
}

var v1 = url.Values{"versionId": {"v1"}}

const (
	o = " arn:aws:s3:::b/k"
	b = " arn:aws:s3:::b"
)

var rules = []rule{
	{name: "HeadObject needs s3:GetObject", source: apiRef + "HeadObject.html",
		req: obj("HeadObject", nil, nil), want: []string{"s3:GetObject" + o}},
	{name: "HeadObject of a version needs s3:GetObjectVersion", source: apiRef + "HeadObject.html",
		req: obj("HeadObject", nil, v1), want: []string{"s3:GetObjectVersion" + o},
		keys: map[int]map[string][]string{0: {"s3:versionid": {"v1"}}}},
	{name: "GetObject needs s3:GetObject, without s3:versionid", source: apiRef + "GetObject.html",
		req: obj("GetObject", nil, nil), want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:versionid": nil}}},
	{name: "GetObject with versionId needs s3:GetObjectVersion", source: apiRef + "GetObject.html",
		req: obj("GetObject", nil, v1), want: []string{"s3:GetObjectVersion" + o},
		keys: map[int]map[string][]string{0: {"s3:versionid": {"v1"}}}},
	{name: "GetObjectAcl with versionId needs s3:GetObjectVersionAcl", source: requiredPerms,
		req: obj("GetObjectAcl", nil, v1), want: []string{"s3:GetObjectVersionAcl" + o}},
	{name: "PutObjectAcl with versionId needs s3:PutObjectVersionAcl", source: requiredPerms,
		req: obj("PutObjectAcl", nil, v1), want: []string{"s3:PutObjectVersionAcl" + o}},
	{name: "GetObjectTagging with versionId needs s3:GetObjectVersionTagging", source: apiRef + "GetObjectTagging.html",
		req: obj("GetObjectTagging", nil, v1), want: []string{"s3:GetObjectVersionTagging" + o}},
	{name: "PutObjectTagging with versionId needs s3:PutObjectVersionTagging", source: apiRef + "PutObjectTagging.html",
		req: obj("PutObjectTagging", nil, v1), want: []string{"s3:PutObjectVersionTagging" + o}},
	{name: "DeleteObjectTagging with versionId needs s3:DeleteObjectVersionTagging", source: apiRef + "DeleteObjectTagging.html",
		req: obj("DeleteObjectTagging", nil, v1), want: []string{"s3:DeleteObjectVersionTagging" + o}},
	{name: "DeleteObject needs s3:DeleteObject", source: apiRef + "DeleteObject.html",
		req: obj("DeleteObject", nil, nil), want: []string{"s3:DeleteObject" + o}},
	{name: "DeleteObject with versionId needs s3:DeleteObjectVersion", source: apiRef + "DeleteObject.html",
		req: obj("DeleteObject", nil, v1), want: []string{"s3:DeleteObjectVersion" + o},
		keys: map[int]map[string][]string{0: {"s3:versionid": {"v1"}}}},
	{name: "GetObjectAttributes needs s3:GetObjectAttributes and s3:GetObject", source: apiRef + "GetObjectAttributes.html",
		req: obj("GetObjectAttributes", nil, nil), want: []string{"s3:GetObjectAttributes" + o, "s3:GetObject" + o}},
	{name: "GetObjectAttributes of a version needs the version actions", source: apiRef + "GetObjectAttributes.html",
		req:  obj("GetObjectAttributes", nil, v1),
		want: []string{"s3:GetObjectVersionAttributes" + o, "s3:GetObjectVersion" + o}},

	{name: "CopyObject needs s3:PutObject on the target and s3:GetObject on the source", source: apiRef + "CopyObject.html",
		req:  obj("CopyObject", hdr("x-amz-copy-source", "/src/a%20b.txt"), nil),
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a b.txt"},
		keys: map[int]map[string][]string{0: {"s3:x-amz-copy-source": {"/src/a%20b.txt"}}, 1: {"s3:x-amz-copy-source": nil}}},
	{name: "CopyObject of a source version needs s3:GetObjectVersion on it", source: apiRef + "CopyObject.html",
		req:  obj("CopyObject", hdr("x-amz-copy-source", "src/a?versionId=sv"), nil),
		want: []string{"s3:PutObject" + o, "s3:GetObjectVersion arn:aws:s3:::src/a"},
		keys: map[int]map[string][]string{1: {"s3:versionid": {"sv"}}, 0: {"s3:versionid": nil}}},
	{name: "CopyObject with x-amz-metadata-directive carries it to s3:PutObject", source: policyKeys,
		req:  obj("CopyObject", hdr("x-amz-copy-source", "src/a", "x-amz-metadata-directive", "REPLACE"), nil),
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a"},
		keys: map[int]map[string][]string{0: {"s3:x-amz-metadata-directive": {"REPLACE"}}}},
	{name: "UploadPartCopy needs s3:PutObject on the target and s3:GetObject on the source", source: apiRef + "UploadPartCopy.html",
		req:  obj("UploadPartCopy", hdr("x-amz-copy-source", "src/a"), url.Values{"uploadId": {"u"}, "partNumber": {"1"}}),
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a"}},

	{name: "PutObject with x-amz-acl also needs s3:PutObjectAcl", source: apiRef + "PutObject.html",
		req:  obj("PutObject", hdr("x-amz-acl", "bucket-owner-full-control"), nil),
		want: []string{"s3:PutObject" + o, "s3:PutObjectAcl" + o},
		keys: map[int]map[string][]string{0: {"s3:x-amz-acl": {"bucket-owner-full-control"}}, 1: {"s3:x-amz-acl": {"bucket-owner-full-control"}}}},
	{name: "PutObject with x-amz-grant-read also needs s3:PutObjectAcl", source: apiRef + "PutObject.html",
		req:  obj("PutObject", hdr("x-amz-grant-read", `uri="http://acs.amazonaws.com/groups/global/AllUsers"`), nil),
		want: []string{"s3:PutObject" + o, "s3:PutObjectAcl" + o},
		keys: map[int]map[string][]string{0: {"s3:x-amz-grant-read": {`uri="http://acs.amazonaws.com/groups/global/AllUsers"`}}}},
	{name: "CopyObject with x-amz-acl also needs s3:PutObjectAcl", source: sar,
		req:  obj("CopyObject", hdr("x-amz-copy-source", "src/a", "x-amz-acl", "private"), nil),
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a", "s3:PutObjectAcl" + o}},
	{name: "CreateMultipartUpload with x-amz-grant-full-control also needs s3:PutObjectAcl", source: requiredPerms,
		req:  obj("CreateMultipartUpload", hdr("x-amz-grant-full-control", `id="abc"`), url.Values{"uploads": {""}}),
		want: []string{"s3:PutObject" + o, "s3:PutObjectAcl" + o}},
	{name: "PutObject with x-amz-tagging also needs s3:PutObjectTagging", source: apiRef + "PutObject.html",
		req:  obj("PutObject", hdr("x-amz-tagging", "env=prod&team=a%26b"), nil),
		want: []string{"s3:PutObject" + o, "s3:PutObjectTagging" + o},
		keys: map[int]map[string][]string{
			0: {"s3:RequestObjectTag/env": {"prod"}, "s3:RequestObjectTag/team": {"a&b"}, "s3:RequestObjectTagKeys": {"env", "team"}, "aws:RequestTag/env": nil},
			1: {"s3:RequestObjectTag/env": {"prod"}, "s3:RequestObjectTagKeys": {"env", "team"}}}},
	{name: "PutObjectTagging carries its body's tag set and the existing tags", source: tagging,
		req: s3op.Request{Operation: "PutObjectTagging", Bucket: "b", Key: "k",
			Body: s3op.Body{Tags: map[string]string{"env": "dev"}}, ExistingTags: map[string]string{"env": "prod"}},
		want: []string{"s3:PutObjectTagging" + o},
		keys: map[int]map[string][]string{0: {"s3:RequestObjectTag/env": {"dev"}, "s3:RequestObjectTagKeys": {"env"},
			"s3:ExistingObjectTag/env": {"prod"}}}},
	{name: "CopyObject replacing tags also needs s3:PutObjectTagging", source: apiRef + "CopyObject.html",
		req:  obj("CopyObject", hdr("x-amz-copy-source", "src/a", "x-amz-tagging-directive", "REPLACE", "x-amz-tagging", "a=1"), nil),
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a", "s3:PutObjectTagging" + o}},
	{name: "CopyObject copying tags needs no s3:PutObjectTagging", source: apiRef + "CopyObject.html",
		req:  obj("CopyObject", hdr("x-amz-copy-source", "src/a", "x-amz-tagging", "a=1"), nil),
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a"}},
	{name: "s3:ExistingObjectTag is the object read's: GetObject's", source: tagging,
		req:  s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", ExistingTags: map[string]string{"Class": "public"}},
		want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:ExistingObjectTag/Class": {"public"}}}},
	{name: "s3:ExistingObjectTag is not a key of s3:PutObject", source: tagging,
		req:  s3op.Request{Operation: "PutObject", Bucket: "b", Key: "k", ExistingTags: map[string]string{"Class": "public"}},
		want: []string{"s3:PutObject" + o},
		keys: map[int]map[string][]string{0: {"s3:ExistingObjectTag/Class": nil}}},
	{name: "CopyObject's s3:ExistingObjectTag is the source's", source: tagging,
		req: s3op.Request{Operation: "CopyObject", Bucket: "b", Key: "k", Header: hdr("x-amz-copy-source", "src/a", "x-amz-acl", "private"),
			ExistingTags: map[string]string{"Class": "public"}},
		want: []string{"s3:PutObject" + o, "s3:GetObject arn:aws:s3:::src/a", "s3:PutObjectAcl" + o},
		keys: map[int]map[string][]string{1: {"s3:ExistingObjectTag/Class": {"public"}}, 2: {"s3:ExistingObjectTag/Class": nil}}},

	{name: "ListObjectsV2 is s3:ListBucket with s3:prefix, s3:delimiter, s3:max-keys", source: requiredPerms,
		req:  bkt("ListObjectsV2", nil, url.Values{"list-type": {"2"}, "prefix": {"home/"}, "delimiter": {"/"}, "max-keys": {"50"}}),
		want: []string{"s3:ListBucket" + b},
		keys: map[int]map[string][]string{0: {"s3:prefix": {"home/"}, "s3:delimiter": {"/"}, "s3:max-keys": {"50"}}}},
	{name: "ListObjects is s3:ListBucket with s3:prefix", source: policyKeys,
		req:  bkt("ListObjects", nil, url.Values{"prefix": {""}}),
		want: []string{"s3:ListBucket" + b},
		keys: map[int]map[string][]string{0: {"s3:prefix": {""}, "s3:delimiter": nil}}},
	{name: "ListObjectVersions is s3:ListBucketVersions with s3:prefix", source: requiredPerms,
		req:  bkt("ListObjectVersions", nil, url.Values{"versions": {""}, "prefix": {"p"}, "max-keys": {"5"}}),
		want: []string{"s3:ListBucketVersions" + b},
		keys: map[int]map[string][]string{0: {"s3:prefix": {"p"}, "s3:max-keys": {"5"}}}},
	{name: "s3:prefix is not a key of s3:GetObject", source: sar,
		req: obj("GetObject", nil, url.Values{"prefix": {"x"}}), want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:prefix": nil}}},
	{name: "ListMultipartUploads is s3:ListBucketMultipartUploads", source: requiredPerms,
		req: bkt("ListMultipartUploads", nil, nil), want: []string{"s3:ListBucketMultipartUploads" + b}},
	{name: "ListParts is s3:ListMultipartUploadParts", source: requiredPerms,
		req: obj("ListParts", nil, nil), want: []string{"s3:ListMultipartUploadParts" + o}},
	{name: "ListBuckets is s3:ListAllMyBuckets on *", source: requiredPerms,
		req: s3op.Request{Operation: "ListBuckets"}, want: []string{"s3:ListAllMyBuckets *"}},

	{name: "DeleteObjects is s3:DeleteObject or s3:DeleteObjectVersion per key", source: apiRef + "DeleteObjects.html",
		req:  s3op.Request{Operation: "DeleteObjects", Bucket: "b", Keys: []s3op.ObjectID{{Key: "x"}, {Key: "y/z", VersionID: "v9"}}},
		want: []string{"s3:DeleteObject arn:aws:s3:::b/x", "s3:DeleteObjectVersion arn:aws:s3:::b/y/z"},
		keys: map[int]map[string][]string{1: {"s3:versionid": {"v9"}}}},
	{name: "DeleteObjects with the bypass header also needs s3:BypassGovernanceRetention per key", source: apiRef + "DeleteObjects.html",
		req: s3op.Request{Operation: "DeleteObjects", Bucket: "b", Header: hdr("x-amz-bypass-governance-retention", "true"),
			Keys: []s3op.ObjectID{{Key: "x"}, {Key: "y", VersionID: "v"}}},
		want: []string{"s3:DeleteObject arn:aws:s3:::b/x", "s3:BypassGovernanceRetention arn:aws:s3:::b/x",
			"s3:DeleteObjectVersion arn:aws:s3:::b/y", "s3:BypassGovernanceRetention arn:aws:s3:::b/y"}},
	{name: "DeleteObject with the bypass header also needs s3:BypassGovernanceRetention", source: apiRef + "DeleteObject.html",
		req:  obj("DeleteObject", hdr("x-amz-bypass-governance-retention", "true"), v1),
		want: []string{"s3:DeleteObjectVersion" + o, "s3:BypassGovernanceRetention" + o}},
	{name: "PutObjectRetention with the bypass header also needs s3:BypassGovernanceRetention", source: apiRef + "PutObjectRetention.html",
		req: s3op.Request{Operation: "PutObjectRetention", Bucket: "b", Key: "k", Header: hdr("x-amz-bypass-governance-retention", "true"),
			Body: s3op.Body{RetentionMode: "GOVERNANCE", RetainUntil: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)},
			Conn: s3op.Conn{Time: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}},
		want: []string{"s3:PutObjectRetention" + o, "s3:BypassGovernanceRetention" + o},
		keys: map[int]map[string][]string{0: {"s3:object-lock-mode": {"GOVERNANCE"},
			"s3:object-lock-retain-until-date": {"2025-01-31T00:00:00Z"}, "s3:object-lock-remaining-retention-days": {"30"}}}},
	{name: "PutObjectRetention without the bypass header needs only s3:PutObjectRetention", source: apiRef + "PutObjectRetention.html",
		req: obj("PutObjectRetention", hdr("x-amz-bypass-governance-retention", "false"), nil), want: []string{"s3:PutObjectRetention" + o}},
	{name: "PutObjectLegalHold carries s3:object-lock-legal-hold", source: objectLock,
		req:  s3op.Request{Operation: "PutObjectLegalHold", Bucket: "b", Key: "k", Body: s3op.Body{LegalHold: "OFF"}},
		want: []string{"s3:PutObjectLegalHold" + o},
		keys: map[int]map[string][]string{0: {"s3:object-lock-legal-hold": {"OFF"}}}},
	{name: "PutObject with Object Lock headers also needs s3:PutObjectRetention and s3:PutObjectLegalHold", source: sar,
		req: obj("PutObject", hdr("x-amz-object-lock-mode", "COMPLIANCE", "x-amz-object-lock-retain-until-date", "2026-01-01T00:00:00.000Z",
			"x-amz-object-lock-legal-hold", "ON"), nil),
		want: []string{"s3:PutObject" + o, "s3:PutObjectRetention" + o, "s3:PutObjectLegalHold" + o},
		keys: map[int]map[string][]string{
			0: {"s3:object-lock-mode": {"COMPLIANCE"}, "s3:object-lock-legal-hold": {"ON"}, "s3:object-lock-remaining-retention-days": nil},
			1: {"s3:object-lock-mode": {"COMPLIANCE"}, "s3:object-lock-legal-hold": nil},
			2: {"s3:object-lock-legal-hold": {"ON"}, "s3:object-lock-mode": nil}}},
	{name: "PutObject carries encryption and storage class headers", source: policyKeys,
		req: obj("PutObject", hdr("x-amz-server-side-encryption", "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:111122223333:key/x",
			"X-AMZ-STORAGE-CLASS", "GLACIER"), nil),
		want: []string{"s3:PutObject" + o},
		keys: map[int]map[string][]string{0: {"s3:x-amz-server-side-encryption": {"aws:kms"},
			"s3:x-amz-server-side-encryption-aws-kms-key-id": {"arn:aws:kms:us-east-1:111122223333:key/x"}, "s3:x-amz-storage-class": {"GLACIER"}}}},
	{name: "PostObject needs s3:PutObject, with s3:authType POST", source: postObject,
		req: s3op.Request{Operation: "PostObject", Bucket: "b", Key: "k", Header: hdr("x-amz-acl", "public-read"),
			Conn: s3op.Conn{AuthType: "POST", SignatureVersion: "AWS4-HMAC-SHA256"}},
		want: []string{"s3:PutObject" + o, "s3:PutObjectAcl" + o},
		keys: map[int]map[string][]string{0: {"s3:authType": {"POST"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"}}}},

	{name: "HeadBucket is s3:ListBucket", source: apiRef + "HeadBucket.html",
		req: bkt("HeadBucket", nil, nil), want: []string{"s3:ListBucket" + b}},
	{name: "GetBucketLifecycleConfiguration is s3:GetLifecycleConfiguration", source: requiredPerms,
		req: bkt("GetBucketLifecycleConfiguration", nil, nil), want: []string{"s3:GetLifecycleConfiguration" + b}},
	{name: "PutBucketLifecycleConfiguration is s3:PutLifecycleConfiguration", source: apiRef + "PutBucketLifecycleConfiguration.html",
		req: bkt("PutBucketLifecycleConfiguration", nil, nil), want: []string{"s3:PutLifecycleConfiguration" + b}},
	{name: "DeleteBucketLifecycle is s3:PutLifecycleConfiguration", source: apiRef + "DeleteBucketLifecycle.html",
		req: bkt("DeleteBucketLifecycle", nil, nil), want: []string{"s3:PutLifecycleConfiguration" + b}},
	{name: "DeleteBucketEncryption is s3:PutEncryptionConfiguration", source: apiRef + "DeleteBucketEncryption.html",
		req: bkt("DeleteBucketEncryption", nil, nil), want: []string{"s3:PutEncryptionConfiguration" + b}},
	{name: "GetPublicAccessBlock is s3:GetBucketPublicAccessBlock", source: apiRef + "GetPublicAccessBlock.html",
		req: bkt("GetPublicAccessBlock", nil, nil), want: []string{"s3:GetBucketPublicAccessBlock" + b}},
	{name: "PutPublicAccessBlock is s3:PutBucketPublicAccessBlock", source: apiRef + "PutPublicAccessBlock.html",
		req: bkt("PutPublicAccessBlock", nil, nil), want: []string{"s3:PutBucketPublicAccessBlock" + b}},
	{name: "DeletePublicAccessBlock is s3:PutBucketPublicAccessBlock", source: apiRef + "DeletePublicAccessBlock.html",
		req: bkt("DeletePublicAccessBlock", nil, nil), want: []string{"s3:PutBucketPublicAccessBlock" + b}},
	{name: "DeleteBucketOwnershipControls is s3:PutBucketOwnershipControls", source: apiRef + "DeleteBucketOwnershipControls.html",
		req: bkt("DeleteBucketOwnershipControls", nil, nil), want: []string{"s3:PutBucketOwnershipControls" + b}},
	{name: "DeleteBucketCors is s3:PutBucketCORS", source: apiRef + "DeleteBucketCors.html",
		req: bkt("DeleteBucketCors", nil, nil), want: []string{"s3:PutBucketCORS" + b}},
	{name: "DeleteBucketTagging is s3:PutBucketTagging", source: apiRef + "DeleteBucketTagging.html",
		req: bkt("DeleteBucketTagging", nil, nil), want: []string{"s3:PutBucketTagging" + b}},
	{name: "DeleteBucketReplication is s3:PutReplicationConfiguration", source: apiRef + "DeleteBucketReplication.html",
		req: bkt("DeleteBucketReplication", nil, nil), want: []string{"s3:PutReplicationConfiguration" + b}},
	{name: "GetBucketNotificationConfiguration is s3:GetBucketNotification", source: apiRef + "GetBucketNotificationConfiguration.html",
		req: bkt("GetBucketNotificationConfiguration", nil, nil), want: []string{"s3:GetBucketNotification" + b}},
	{name: "ListBucketAnalyticsConfigurations is s3:GetAnalyticsConfiguration", source: apiRef + "ListBucketAnalyticsConfigurations.html",
		req: bkt("ListBucketAnalyticsConfigurations", nil, nil), want: []string{"s3:GetAnalyticsConfiguration" + b}},
	{name: "DeleteBucketMetricsConfiguration is s3:PutMetricsConfiguration", source: apiRef + "DeleteBucketMetricsConfiguration.html",
		req: bkt("DeleteBucketMetricsConfiguration", nil, nil), want: []string{"s3:PutMetricsConfiguration" + b}},
	{name: "GetObjectLockConfiguration is s3:GetBucketObjectLockConfiguration", source: requiredPerms,
		req: bkt("GetObjectLockConfiguration", nil, nil), want: []string{"s3:GetBucketObjectLockConfiguration" + b}},

	{name: "CreateBucket with a public ACL also needs s3:PutBucketAcl", source: apiRef + "CreateBucket.html",
		req:  bkt("CreateBucket", hdr("x-amz-acl", "public-read"), nil),
		want: []string{"s3:CreateBucket" + b, "s3:PutBucketAcl" + b},
		keys: map[int]map[string][]string{0: {"s3:x-amz-acl": {"public-read"}}}},
	{name: "CreateBucket with the private ACL needs only s3:CreateBucket", source: apiRef + "CreateBucket.html",
		req: bkt("CreateBucket", hdr("x-amz-acl", "private"), nil), want: []string{"s3:CreateBucket" + b}},
	{name: "CreateBucket with Object Lock and Object Ownership needs their actions", source: apiRef + "CreateBucket.html",
		req: bkt("CreateBucket", hdr("x-amz-bucket-object-lock-enabled", "true", "x-amz-object-ownership", "BucketOwnerEnforced"), nil),
		want: []string{"s3:CreateBucket" + b, "s3:PutBucketObjectLockConfiguration" + b, "s3:PutBucketVersioning" + b,
			"s3:PutBucketOwnershipControls" + b},
		keys: map[int]map[string][]string{0: {"s3:x-amz-object-ownership": {"BucketOwnerEnforced"}}}},
	{name: "CreateBucket carries aws:RequestTag, aws:TagKeys and s3:locationconstraint", source: sar,
		req: s3op.Request{Operation: "CreateBucket", Bucket: "b",
			Body: s3op.Body{Tags: map[string]string{"cost": "42"}, LocationConstraint: "eu-west-1"}},
		want: []string{"s3:CreateBucket" + b},
		keys: map[int]map[string][]string{0: {"aws:RequestTag/cost": {"42"}, "aws:TagKeys": {"cost"},
			"s3:locationconstraint": {"eu-west-1"}, "s3:RequestObjectTag/cost": nil}}},

	{name: "SigV4 in the Authorization header: REST-HEADER, AWS4-HMAC-SHA256, signature age in ms", source: sigv4Keys,
		req: s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k",
			Header: hdr("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
				"X-Amz-Date", "20250101T000000Z", "x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
			Conn: s3op.Conn{Time: time.Date(2025, 1, 1, 0, 0, 1, 500e6, time.UTC)}},
		want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:authType": {"REST-HEADER"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"},
			"s3:signatureAge": {"1500"}, "s3:x-amz-content-sha256": {"UNSIGNED-PAYLOAD"}}}},
	{name: "A presigned URL is REST-QUERY-STRING", source: sigv4Keys,
		req:  obj("GetObject", nil, url.Values{"X-Amz-Algorithm": {"AWS4-HMAC-SHA256"}, "X-Amz-Date": {"20250101T000000Z"}}),
		want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:authType": {"REST-QUERY-STRING"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"},
			"s3:signatureAge": nil}}},
	{name: "A SigV2 presigned URL is signature version AWS", source: sigv4Keys,
		req:  obj("GetObject", nil, url.Values{"AWSAccessKeyId": {"AKIAEXAMPLE"}, "Signature": {"x"}, "Expires": {"1"}}),
		want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:authType": {"REST-QUERY-STRING"}, "s3:signatureversion": {"AWS"}}}},
	{name: "An anonymous request has no s3:authType", source: sigv4Keys,
		req: obj("GetObject", nil, nil), want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"s3:authType": nil, "s3:signatureversion": nil, "s3:signatureAge": nil}}},
	{name: "The connection gives the global keys and s3:TlsVersion", source: globalKeysDoc,
		req: s3op.Request{Operation: "PutBucketPolicy", Bucket: "b",
			Conn: s3op.Conn{SourceIP: "::ffff:203.0.113.9", TLSVersion: "1.2", Time: time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))}},
		want: []string{"s3:PutBucketPolicy" + b},
		keys: map[int]map[string][]string{0: {"aws:SecureTransport": {"true"}, "aws:SourceIp": {"203.0.113.9"}, "s3:TlsVersion": {"1.2"},
			"aws:CurrentTime": {"2019-12-31T23:00:00Z"}, "aws:EpochTime": {"1577833200"}}}},
	{name: "Through a VPC endpoint: aws:SourceVpce, aws:SourceVpc, aws:VpceAccount, aws:VpcSourceIp, and no aws:SourceIp", source: globalKeysDoc,
		req: s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k",
			Conn: s3op.Conn{SourceIP: "10.0.1.7", VPCEndpoint: &s3op.VPCEndpoint{ID: "vpce-1a2b3c4d", VPC: "vpc-111bbb22", Account: "111122223333"}}},
		want: []string{"s3:GetObject" + o},
		keys: map[int]map[string][]string{0: {"aws:SourceIp": nil, "aws:VpcSourceIp": {"10.0.1.7"}, "aws:SourceVpce": {"vpce-1a2b3c4d"},
			"aws:SourceVpc": {"vpc-111bbb22"}, "aws:VpceAccount": {"111122223333"}}}},
	{name: "Plain HTTP is aws:SecureTransport false, without s3:TlsVersion", source: globalKeysDoc,
		req: bkt("GetBucketPolicy", nil, nil), want: []string{"s3:GetBucketPolicy" + b},
		keys: map[int]map[string][]string{0: {"aws:SecureTransport": {"false"}, "s3:TlsVersion": nil, "aws:SourceIp": nil, "aws:CurrentTime": nil}}},
	{name: "A partition other than aws names its ARNs", source: sar,
		req:  s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Partition: "aws-cn"},
		want: []string{"s3:GetObject arn:aws-cn:s3:::b/k"}},
}

func TestRules(t *testing.T) {
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			if !strings.HasPrefix(r.source, "https://docs.aws.amazon.com/") {
				t.Fatalf("rule names no AWS source: %q", r.source)
			}
			needs, err := s3op.Needs(&r.req)
			if err != nil {
				t.Fatalf("%v (source: %s)", err, r.source)
			}
			if got := actions(needs); !slices.Equal(got, r.want) {
				t.Fatalf("needs\n\t%q\nwant\n\t%q\n(source: %s)", got, r.want, r.source)
			}
			for i, keys := range r.keys {
				for k, want := range keys {
					got, ok := needs[i].Context[k]
					if want == nil && ok {
						t.Errorf("%s carries %s = %q, want none (source: %s)", needs[i].Action, k, got, r.source)
					}
					if want != nil && !slices.Equal(got, want) {
						t.Errorf("%s: %s = %q, want %q (source: %s)", needs[i].Action, k, got, want, r.source)
					}
				}
			}
		})
	}
}

// Requests S3 rejects, and operations Needs does not know, are errors that
// name the problem.
func TestNeedsErrors(t *testing.T) {
	for _, c := range []struct {
		req  *s3op.Request
		want string
	}{
		{nil, "nil request"},
		{&s3op.Request{Operation: "GetObjects", Bucket: "b", Key: "k"}, `unknown S3 operation "GetObjects"`},
		{&s3op.Request{Operation: "getobject", Bucket: "b", Key: "k"}, `unknown S3 operation "getobject"`},
		{&s3op.Request{Operation: "CreateSession", Bucket: "b"}, "s3express:CreateSession"},
		{&s3op.Request{Operation: "WriteGetObjectResponse"}, "s3-object-lambda:WriteGetObjectResponse"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b"}, "no object key"},
		{&s3op.Request{Operation: "GetObject", Key: "k"}, "no bucket"},
		{&s3op.Request{Operation: "GetObject", Bucket: "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", Key: "k"}, "access points"},
		{&s3op.Request{Operation: "GetObject", Bucket: "a/b", Key: "k"}, "not a bucket name"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "\xff"}, "not UTF-8"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: strings.Repeat("k", 1025)}, "longer than 1024"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Query: url.Values{"versionId": {""}}}, "versionId"},
		{&s3op.Request{Operation: "GetBucketPolicy", Bucket: "b", Key: "k"}, "names no object key"},
		{&s3op.Request{Operation: "CopyObject", Bucket: "b", Key: "k"}, "x-amz-copy-source must have one value"},
		{&s3op.Request{Operation: "CopyObject", Bucket: "b", Key: "k", Header: hdr("x-amz-copy-source", "src")}, "names no object key"},
		{&s3op.Request{Operation: "CopyObject", Bucket: "b", Key: "k", Header: hdr("x-amz-copy-source", "src/%zz")}, "invalid URL escape"},
		{&s3op.Request{Operation: "CopyObject", Bucket: "b", Key: "k", Header: hdr("x-amz-copy-source", "src/a?versionId=")}, "versionId"},
		{&s3op.Request{Operation: "DeleteObjects", Bucket: "b"}, "no keys"},
		{&s3op.Request{Operation: "DeleteObjects", Bucket: "b", Keys: []s3op.ObjectID{{Key: ""}}}, "no object key"},
		{&s3op.Request{Operation: "DeleteObjects", Bucket: "b", Keys: make([]s3op.ObjectID, 1001)}, "more than 1000"},
		{&s3op.Request{Operation: "PutObject", Bucket: "b", Key: "k", Header: hdr("x-amz-tagging", "a=1&a=2")}, "repeated tag key"},
		{&s3op.Request{Operation: "PutObject", Bucket: "b", Key: "k", Header: hdr("x-amz-tagging", "a=%zz")}, "not URL query parameters"},
		{&s3op.Request{Operation: "PutObject", Bucket: "b", Key: "k", Header: hdr("x-amz-object-lock-mode", "governance")}, "GOVERNANCE or COMPLIANCE"},
		{&s3op.Request{Operation: "PutObject", Bucket: "b", Key: "k", Header: hdr("x-amz-object-lock-retain-until-date", "tomorrow")}, "ISO 8601"},
		{&s3op.Request{Operation: "PutObject", Bucket: "b", Key: "k", Header: hdr("x-amz-object-lock-legal-hold", "yes")}, "ON or OFF"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Conn: s3op.Conn{SourceIP: "10.0.0.1/8"}}, "not an IP address"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Conn: s3op.Conn{VPCEndpoint: &s3op.VPCEndpoint{ID: "vpce-1"}}}, "both IDs are needed"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Conn: s3op.Conn{TLSVersion: "SSLv3"}}, "TLS version"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Conn: s3op.Conn{AuthType: "HEADER"}}, "auth type"},
		{&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Partition: "AWS"}, "partition"},
	} {
		needs, err := s3op.Needs(c.req)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Needs(%+v) = %v, %v; want an error containing %q", c.req, actions(needs), err, c.want)
		}
		if needs != nil {
			t.Errorf("Needs(%+v) returned needs with an error", c.req)
		}
	}
}

// The same request gives the same needs, and the needs share no slices
// with the request or with each other.
func TestNeedsStableAndIndependent(t *testing.T) {
	r := fullRequest("CopyObject", "object")
	a, err := s3op.Needs(r)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		b, _ := s3op.Needs(r)
		if len(a) != len(b) {
			t.Fatal("needs differ between calls")
		}
		for i := range a {
			if a[i].Action != b[i].Action || a[i].Resource != b[i].Resource || len(a[i].Context) != len(b[i].Context) {
				t.Fatalf("need %d differs between calls: %v, %v", i, a[i], b[i])
			}
			for k, v := range a[i].Context {
				if !slices.Equal(v, b[i].Context[k]) {
					t.Fatalf("need %d: %s differs between calls", i, k)
				}
			}
		}
	}
	a[0].Context["s3:x-amz-acl"][0] = "changed"
	if r.Header.Get("x-amz-acl") != "public-read" || a[2].Context["s3:x-amz-acl"][0] != "public-read" {
		t.Error("a need's values alias the request or another need")
	}
}

// Needs reuses its working memory: needs already returned stay as they
// were through later calls, and concurrent calls (run with -race) give
// what serial ones do.
func TestNeedsReuseAndConcurrency(t *testing.T) {
	var reqs []*s3op.Request
	for i := range rules {
		reqs = append(reqs, &rules[i].req)
	}
	for _, op := range []string{"CopyObject", "PutObject", "GetObject"} {
		reqs = append(reqs, fullRequest(op, "object"))
	}
	first := make([][]s3op.Need, len(reqs))
	for i, r := range reqs {
		first[i], _ = s3op.Needs(r)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := range 3 * len(reqs) {
				i := (n + g*7) % len(reqs)
				got, _ := s3op.Needs(reqs[i])
				if !reflect.DeepEqual(got, first[i]) {
					t.Errorf("%s: needs differ between calls:\n%v\n%v", reqs[i].Operation, got, first[i])
					return
				}
			}
		})
	}
	wg.Wait()
	for i, r := range reqs {
		if again, _ := s3op.Needs(r); !reflect.DeepEqual(again, first[i]) {
			t.Errorf("%s: needs returned first changed with later calls:\n%v\n%v", r.Operation, first[i], again)
		}
	}
}

// aws:SourceIp is the address in netip's form: IPv4 as given (ParseAddr
// takes no other spelling), IPv6 normalized, IPv4-mapped unmapped.
func TestSourceIPForm(t *testing.T) {
	for _, ip := range []string{"192.0.2.1", "127.0.0.1", "0.0.0.0", "255.255.255.255", "::ffff:192.0.2.1", "2001:DB8::1",
		"2001:db8:0:0:0:0:0:1", "::1"} {
		needs, err := s3op.Needs(&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Conn: s3op.Conn{SourceIP: ip}})
		if err != nil {
			t.Fatal(err)
		}
		want := netip.MustParseAddr(ip).Unmap().String()
		if got := needs[0].Context["aws:SourceIp"]; !slices.Equal(got, []string{want}) {
			t.Errorf("source IP %s: aws:SourceIp %q, want %q", ip, got, want)
		}
	}
	for _, ip := range []string{"192.0.2.01", "192.0.2", "1.2.3.4.5", "0x7f.0.0.1"} {
		if _, err := s3op.Needs(&s3op.Request{Operation: "GetObject", Bucket: "b", Key: "k", Conn: s3op.Conn{SourceIP: ip}}); err == nil {
			t.Errorf("source IP %s accepted", ip)
		}
	}
}
