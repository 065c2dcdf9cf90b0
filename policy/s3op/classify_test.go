package s3op_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy/s3op"
)

// sdkOperations are the operations of aws-sdk-go-v2/service/s3 v1.114.8, the
// names of its api_op_*.go files.
var sdkOperations = strings.Fields(`
AbortMultipartUpload CompleteMultipartUpload CopyObject CreateBucket CreateBucketMetadataConfiguration
CreateBucketMetadataTableConfiguration CreateMultipartUpload CreateSession DeleteBucket
DeleteBucketAnalyticsConfiguration DeleteBucketCors DeleteBucketEncryption
DeleteBucketIntelligentTieringConfiguration DeleteBucketInventoryConfiguration DeleteBucketLifecycle
DeleteBucketMetadataConfiguration DeleteBucketMetadataTableConfiguration DeleteBucketMetricsConfiguration
DeleteBucketOwnershipControls DeleteBucketPolicy DeleteBucketReplication DeleteBucketTagging DeleteBucketWebsite
DeleteObject DeleteObjectAnnotation DeleteObjectTagging DeleteObjects DeletePublicAccessBlock GetBucketAbac
GetBucketAccelerateConfiguration GetBucketAcl GetBucketAnalyticsConfiguration GetBucketCors GetBucketEncryption
GetBucketIntelligentTieringConfiguration GetBucketInventoryConfiguration GetBucketLifecycleConfiguration
GetBucketLocation GetBucketLogging GetBucketMetadataConfiguration GetBucketMetadataTableConfiguration
GetBucketMetricsConfiguration GetBucketNotificationConfiguration GetBucketOwnershipControls GetBucketPolicy
GetBucketPolicyStatus GetBucketReplication GetBucketRequestPayment GetBucketTagging GetBucketVersioning
GetBucketWebsite GetObject GetObjectAcl GetObjectAnnotation GetObjectAttributes GetObjectLegalHold
GetObjectLockConfiguration GetObjectRetention GetObjectTagging GetObjectTorrent GetPublicAccessBlock HeadBucket
HeadObject ListBucketAnalyticsConfigurations ListBucketIntelligentTieringConfigurations
ListBucketInventoryConfigurations ListBucketMetricsConfigurations ListBuckets ListDirectoryBuckets
ListMultipartUploads ListObjectAnnotations ListObjectVersions ListObjects ListObjectsV2 ListParts PutBucketAbac
PutBucketAccelerateConfiguration PutBucketAcl PutBucketAnalyticsConfiguration PutBucketCors PutBucketEncryption
PutBucketIntelligentTieringConfiguration PutBucketInventoryConfiguration PutBucketLifecycleConfiguration
PutBucketLogging PutBucketMetricsConfiguration PutBucketNotificationConfiguration PutBucketOwnershipControls
PutBucketPolicy PutBucketReplication PutBucketRequestPayment PutBucketTagging PutBucketVersioning PutBucketWebsite
PutObject PutObjectAcl PutObjectAnnotation PutObjectLegalHold PutObjectLockConfiguration PutObjectRetention
PutObjectTagging PutPublicAccessBlock RenameObject RestoreObject SelectObjectContent
UpdateBucketMetadataAnnotationTableConfiguration UpdateBucketMetadataInventoryTableConfiguration
UpdateBucketMetadataJournalTableConfiguration UpdateObjectEncryption UploadPart UploadPartCopy
WriteGetObjectResponse`)

// The operations the table leaves out, each authorized by another service.
var leftOut = []string{"CreateSession", "ListDirectoryBuckets", "RenameObject", "WriteGetObjectResponse"}

// The table has every operation of the SDK but those left out, and
// PostObject, which the SDK does not send.
func TestOperationsAreTheSDKs(t *testing.T) {
	if len(sdkOperations) != 112 {
		t.Fatalf("%d SDK operations, want 112", len(sdkOperations))
	}
	var want []string
	for _, op := range sdkOperations {
		if !slices.Contains(leftOut, op) {
			want = append(want, op)
		}
	}
	want = append(want, "PostObject")
	slices.Sort(want)
	got := s3op.Operations()
	if !slices.Equal(got, want) {
		t.Errorf("Operations() =\n%q\nwant\n%q", got, want)
	}
	if !slices.IsSorted(got) {
		t.Error("Operations() is not sorted")
	}
	for _, op := range leftOut {
		_, err := s3op.Needs(&s3op.Request{Operation: op, Bucket: "b", Key: "k"})
		if err == nil || !strings.Contains(err.Error(), "not covered") {
			t.Errorf("Needs(%s): %v, want an error saying it is not covered", op, err)
		}
	}
}

// classifyCases are HTTP requests in the shapes the S3 API Reference gives
// (Request Syntax of each API_<Operation>.html page).
var classifyCases = []struct {
	method, bucket, key, query string
	header                     http.Header
	want                       string
}{
	{"GET", "", "", "", nil, "ListBuckets"},
	{"GET", "", "", "x-id=ListBuckets&max-buckets=10", nil, "ListBuckets"},
	{"GET", "b", "", "", nil, "ListObjects"},
	{"GET", "b", "", "prefix=a&delimiter=/", nil, "ListObjects"},
	{"GET", "b", "", "list-type=2&prefix=a", nil, "ListObjectsV2"},
	{"GET", "b", "", "versions&prefix=a", nil, "ListObjectVersions"},
	{"GET", "b", "", "uploads", nil, "ListMultipartUploads"},
	{"HEAD", "b", "", "", nil, "HeadBucket"},
	{"PUT", "b", "", "", nil, "CreateBucket"},
	{"DELETE", "b", "", "", nil, "DeleteBucket"},
	{"POST", "b", "", "", nil, "PostObject"},
	{"POST", "b", "", "delete", nil, "DeleteObjects"},
	{"GET", "b", "", "abac", nil, "GetBucketAbac"},
	{"PUT", "b", "", "abac", nil, "PutBucketAbac"},
	{"GET", "b", "", "accelerate", nil, "GetBucketAccelerateConfiguration"},
	{"PUT", "b", "", "accelerate", nil, "PutBucketAccelerateConfiguration"},
	{"GET", "b", "", "acl", nil, "GetBucketAcl"},
	{"PUT", "b", "", "acl", nil, "PutBucketAcl"},
	{"GET", "b", "", "analytics&id=a", nil, "GetBucketAnalyticsConfiguration"},
	{"GET", "b", "", "analytics", nil, "ListBucketAnalyticsConfigurations"},
	{"PUT", "b", "", "analytics&id=a", nil, "PutBucketAnalyticsConfiguration"},
	{"DELETE", "b", "", "analytics&id=a", nil, "DeleteBucketAnalyticsConfiguration"},
	{"GET", "b", "", "cors", nil, "GetBucketCors"},
	{"PUT", "b", "", "cors", nil, "PutBucketCors"},
	{"DELETE", "b", "", "cors", nil, "DeleteBucketCors"},
	{"GET", "b", "", "encryption", nil, "GetBucketEncryption"},
	{"PUT", "b", "", "encryption", nil, "PutBucketEncryption"},
	{"DELETE", "b", "", "encryption", nil, "DeleteBucketEncryption"},
	{"GET", "b", "", "intelligent-tiering&id=a", nil, "GetBucketIntelligentTieringConfiguration"},
	{"GET", "b", "", "intelligent-tiering", nil, "ListBucketIntelligentTieringConfigurations"},
	{"PUT", "b", "", "intelligent-tiering&id=a", nil, "PutBucketIntelligentTieringConfiguration"},
	{"DELETE", "b", "", "intelligent-tiering&id=a", nil, "DeleteBucketIntelligentTieringConfiguration"},
	{"GET", "b", "", "inventory&id=a", nil, "GetBucketInventoryConfiguration"},
	{"GET", "b", "", "inventory&continuation-token=t", nil, "ListBucketInventoryConfigurations"},
	{"PUT", "b", "", "inventory&id=a", nil, "PutBucketInventoryConfiguration"},
	{"DELETE", "b", "", "inventory&id=a", nil, "DeleteBucketInventoryConfiguration"},
	{"GET", "b", "", "lifecycle", nil, "GetBucketLifecycleConfiguration"},
	{"PUT", "b", "", "lifecycle", nil, "PutBucketLifecycleConfiguration"},
	{"DELETE", "b", "", "lifecycle", nil, "DeleteBucketLifecycle"},
	{"GET", "b", "", "location", nil, "GetBucketLocation"},
	{"GET", "b", "", "logging", nil, "GetBucketLogging"},
	{"PUT", "b", "", "logging", nil, "PutBucketLogging"},
	{"POST", "b", "", "metadataConfiguration", nil, "CreateBucketMetadataConfiguration"},
	{"GET", "b", "", "metadataConfiguration", nil, "GetBucketMetadataConfiguration"},
	{"DELETE", "b", "", "metadataConfiguration", nil, "DeleteBucketMetadataConfiguration"},
	{"POST", "b", "", "metadataTable", nil, "CreateBucketMetadataTableConfiguration"},
	{"GET", "b", "", "metadataTable", nil, "GetBucketMetadataTableConfiguration"},
	{"DELETE", "b", "", "metadataTable", nil, "DeleteBucketMetadataTableConfiguration"},
	{"PUT", "b", "", "metadataAnnotationTable", nil, "UpdateBucketMetadataAnnotationTableConfiguration"},
	{"PUT", "b", "", "metadataInventoryTable", nil, "UpdateBucketMetadataInventoryTableConfiguration"},
	{"PUT", "b", "", "metadataJournalTable", nil, "UpdateBucketMetadataJournalTableConfiguration"},
	{"GET", "b", "", "metrics&id=a", nil, "GetBucketMetricsConfiguration"},
	{"GET", "b", "", "metrics", nil, "ListBucketMetricsConfigurations"},
	{"PUT", "b", "", "metrics&id=a", nil, "PutBucketMetricsConfiguration"},
	{"DELETE", "b", "", "metrics&id=a", nil, "DeleteBucketMetricsConfiguration"},
	{"GET", "b", "", "notification", nil, "GetBucketNotificationConfiguration"},
	{"PUT", "b", "", "notification", nil, "PutBucketNotificationConfiguration"},
	{"GET", "b", "", "object-lock", nil, "GetObjectLockConfiguration"},
	{"PUT", "b", "", "object-lock", nil, "PutObjectLockConfiguration"},
	{"GET", "b", "", "ownershipControls", nil, "GetBucketOwnershipControls"},
	{"PUT", "b", "", "ownershipControls", nil, "PutBucketOwnershipControls"},
	{"DELETE", "b", "", "ownershipControls", nil, "DeleteBucketOwnershipControls"},
	{"GET", "b", "", "policy", nil, "GetBucketPolicy"},
	{"PUT", "b", "", "policy", nil, "PutBucketPolicy"},
	{"DELETE", "b", "", "policy", nil, "DeleteBucketPolicy"},
	{"GET", "b", "", "policyStatus", nil, "GetBucketPolicyStatus"},
	{"GET", "b", "", "publicAccessBlock", nil, "GetPublicAccessBlock"},
	{"PUT", "b", "", "publicAccessBlock", nil, "PutPublicAccessBlock"},
	{"DELETE", "b", "", "publicAccessBlock", nil, "DeletePublicAccessBlock"},
	{"GET", "b", "", "replication", nil, "GetBucketReplication"},
	{"PUT", "b", "", "replication", nil, "PutBucketReplication"},
	{"DELETE", "b", "", "replication", nil, "DeleteBucketReplication"},
	{"GET", "b", "", "requestPayment", nil, "GetBucketRequestPayment"},
	{"PUT", "b", "", "requestPayment", nil, "PutBucketRequestPayment"},
	{"GET", "b", "", "tagging", nil, "GetBucketTagging"},
	{"PUT", "b", "", "tagging", nil, "PutBucketTagging"},
	{"DELETE", "b", "", "tagging", nil, "DeleteBucketTagging"},
	{"GET", "b", "", "versioning", nil, "GetBucketVersioning"},
	{"PUT", "b", "", "versioning", nil, "PutBucketVersioning"},
	{"GET", "b", "", "website", nil, "GetBucketWebsite"},
	{"PUT", "b", "", "website", nil, "PutBucketWebsite"},
	{"DELETE", "b", "", "website", nil, "DeleteBucketWebsite"},

	{"GET", "b", "k", "", nil, "GetObject"},
	{"GET", "b", "k", "x-id=GetObject&versionId=v&partNumber=1", nil, "GetObject"},
	{"get", "b", "k", "response-content-type=text/plain", nil, "GetObject"},
	{"HEAD", "b", "k", "versionId=v", nil, "HeadObject"},
	{"PUT", "b", "k", "", nil, "PutObject"},
	{"PUT", "b", "k", "x-id=PutObject", http.Header{"X-Amz-Copy-Source": {"src/k"}}, "CopyObject"},
	{"PUT", "b", "k", "", http.Header{"x-amz-copy-source": {"src/k"}}, "CopyObject"},
	{"PUT", "b", "k", "partNumber=1&uploadId=u", nil, "UploadPart"},
	{"PUT", "b", "k", "partNumber=1&uploadId=u", http.Header{"X-Amz-Copy-Source": {"src/k"}}, "UploadPartCopy"},
	{"POST", "b", "k", "uploads", nil, "CreateMultipartUpload"},
	{"POST", "b", "k", "uploadId=u", nil, "CompleteMultipartUpload"},
	{"DELETE", "b", "k", "uploadId=u", nil, "AbortMultipartUpload"},
	{"GET", "b", "k", "uploadId=u&max-parts=5", nil, "ListParts"},
	{"DELETE", "b", "k", "", nil, "DeleteObject"},
	{"DELETE", "b", "k", "versionId=v", nil, "DeleteObject"},
	{"GET", "b", "k", "acl", nil, "GetObjectAcl"},
	{"PUT", "b", "k", "acl&versionId=v", nil, "PutObjectAcl"},
	{"GET", "b", "k", "tagging", nil, "GetObjectTagging"},
	{"PUT", "b", "k", "tagging", nil, "PutObjectTagging"},
	{"DELETE", "b", "k", "tagging", nil, "DeleteObjectTagging"},
	{"GET", "b", "k", "attributes", nil, "GetObjectAttributes"},
	{"GET", "b", "k", "legal-hold", nil, "GetObjectLegalHold"},
	{"PUT", "b", "k", "legal-hold", nil, "PutObjectLegalHold"},
	{"GET", "b", "k", "retention", nil, "GetObjectRetention"},
	{"PUT", "b", "k", "retention", nil, "PutObjectRetention"},
	{"GET", "b", "k", "torrent", nil, "GetObjectTorrent"},
	{"POST", "b", "k", "restore&versionId=v", nil, "RestoreObject"},
	{"POST", "b", "k", "select&select-type=2", nil, "SelectObjectContent"},
	{"PUT", "b", "k", "encryption", nil, "UpdateObjectEncryption"},
	{"GET", "b", "k", "annotation&annotationName=n", nil, "GetObjectAnnotation"},
	{"GET", "b", "k", "annotation&x-id=ListObjectAnnotations", nil, "ListObjectAnnotations"},
	{"PUT", "b", "k", "annotation&annotationName=n", nil, "PutObjectAnnotation"},
	{"DELETE", "b", "k", "annotation&annotationName=n", nil, "DeleteObjectAnnotation"},
}

func TestClassify(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range classifyCases {
		q, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s3op.Classify(c.method, c.bucket, c.key, q, c.header)
		if err != nil || got != c.want {
			t.Errorf("Classify(%s /%s/%s?%s, %v) = %q, %v; want %q", c.method, c.bucket, c.key, c.query, c.header, got, err, c.want)
		}
		seen[got] = true
	}
	// Every operation of the table has an HTTP shape.
	for _, op := range s3op.Operations() {
		if !seen[op] {
			t.Errorf("no Classify case gives %s", op)
		}
	}
}

func TestClassifyErrors(t *testing.T) {
	for _, c := range []struct {
		method, bucket, key, query string
		want                       string
	}{
		{"PUT", "", "", "", "no S3 operation is PUT on the service"},
		{"GET", "", "k", "", "names no bucket"},
		{"GET", "b", "", "acl&policy", `two subresources, "acl" and "policy"`},
		{"GET", "b", "k", "tagging&uploadId=u", `two subresources`},
		{"GET", "b", "", "list-type=1", `list-type "1" is not 2`},
		{"POST", "b", "k", "", "no S3 operation is POST on an object"},
		{"GET", "b", "", "delete", "no S3 operation is GET on a bucket with ?delete"},
		{"PATCH", "b", "k", "", "no S3 operation is PATCH"},
		{"OPTIONS", "b", "k", "", "no S3 operation is OPTIONS"},
		{"GET", "b", "", "session", "s3express:CreateSession"},
		{"PUT", "b", "k", "renameObject", "directory buckets"},
	} {
		q, _ := url.ParseQuery(c.query)
		got, err := s3op.Classify(c.method, c.bucket, c.key, q, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Classify(%s /%s/%s?%s) = %q, %v; want an error containing %q", c.method, c.bucket, c.key, c.query, got, err, c.want)
		}
	}
}
