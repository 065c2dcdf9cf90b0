package s3op

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Classify names the S3 operation of an HTTP request from its method, its
// bucket and key (empty for a request on the service or on a bucket), its
// query and its headers, as S3's REST API routes requests: by method and by
// the subresource in the query (GET /b/k?acl is GetObjectAcl, PUT /b?policy
// is PutBucketPolicy, POST /b?delete is DeleteObjects), with
// x-amz-copy-source telling CopyObject from PutObject and UploadPartCopy
// from UploadPart. GET / is ListBuckets, GET /b?list-type=2 ListObjectsV2,
// and POST /b without a subresource is a browser-based upload, PostObject.
//
// The query's x-id, which SDKs add, is ignored: S3 does not route by it.
// A query with two subresources, an operation the table leaves out
// (CreateSession, RenameObject) or a shape S3 has no operation for is an
// error.
func Classify(method, bucket, key string, query url.Values, header http.Header) (string, error) {
	method = strings.ToUpper(method)
	if bucket == "" {
		if key != "" {
			return "", fmt.Errorf("s3op: a request with an object key %q names no bucket", key)
		}
		if method == http.MethodGet {
			return "ListBuckets", nil
		}
		return "", fmt.Errorf("s3op: no S3 operation is %s on the service", method)
	}
	routes := bucketRoutes
	what := "a bucket"
	if key != "" {
		routes, what = objectRoutes, "an object"
	}
	var sub string
	for q := range query {
		if !slices.Contains(subresources, q) {
			continue
		}
		if sub != "" {
			return "", fmt.Errorf("s3op: the query names two subresources, %q and %q", min(sub, q), max(sub, q))
		}
		sub = q
	}
	op, ok := routes[method+" "+sub]
	if !ok {
		if sub == "" {
			return "", fmt.Errorf("s3op: no S3 operation is %s on %s", method, what)
		}
		return "", fmt.Errorf("s3op: no S3 operation is %s on %s with ?%s", method, what, sub)
	}
	copying := headerHas(header, "x-amz-copy-source")
	switch op {
	case "ListObjectsV2":
		if query.Get("list-type") != "2" {
			return "", fmt.Errorf("s3op: list-type %q is not 2", query.Get("list-type"))
		}
	case "PutObject":
		if copying {
			op = "CopyObject"
		}
	case "UploadPart":
		if copying {
			op = "UploadPartCopy"
		}
	case "ListObjectAnnotations":
		if query.Has("annotationName") {
			op = "GetObjectAnnotation"
		}
	case "GetBucketAnalyticsConfiguration", "GetBucketInventoryConfiguration",
		"GetBucketMetricsConfiguration", "GetBucketIntelligentTieringConfiguration":
		// Without an id, GET lists the configurations.
		if !query.Has("id") {
			op = "List" + strings.TrimPrefix(strings.TrimSuffix(op, "Configuration"), "Get") + "Configurations"
		}
	}
	if why, ok := excluded[op]; ok {
		return "", fmt.Errorf("s3op: operation %s is not covered: %s", op, why)
	}
	return op, nil
}

// headerHas reports whether h has a non-empty value for name, matched
// case-insensitively.
func headerHas(h http.Header, name string) bool {
	for k, vs := range h {
		if strings.EqualFold(k, name) && slices.ContainsFunc(vs, func(v string) bool { return v != "" }) {
			return true
		}
	}
	return false
}

// subresources are the query parameters that select an operation.
var subresources = []string{
	"abac", "accelerate", "acl", "analytics", "annotation", "attributes", "cors", "delete", "encryption",
	"intelligent-tiering", "inventory", "legal-hold", "lifecycle", "list-type", "location", "logging",
	"metadataAnnotationTable", "metadataConfiguration", "metadataInventoryTable", "metadataJournalTable",
	"metadataTable", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
	"publicAccessBlock", "renameObject", "replication", "requestPayment", "restore", "retention", "select",
	"session", "tagging", "torrent", "uploadId", "uploads", "versioning", "versions", "website",
}

// bucketRoutes maps "METHOD subresource" on a bucket to an operation.
var bucketRoutes = map[string]string{
	"GET ":                         "ListObjects",
	"GET list-type":                "ListObjectsV2",
	"GET versions":                 "ListObjectVersions",
	"GET uploads":                  "ListMultipartUploads",
	"GET session":                  "CreateSession",
	"GET abac":                     "GetBucketAbac",
	"GET accelerate":               "GetBucketAccelerateConfiguration",
	"GET acl":                      "GetBucketAcl",
	"GET analytics":                "GetBucketAnalyticsConfiguration",
	"GET cors":                     "GetBucketCors",
	"GET encryption":               "GetBucketEncryption",
	"GET intelligent-tiering":      "GetBucketIntelligentTieringConfiguration",
	"GET inventory":                "GetBucketInventoryConfiguration",
	"GET lifecycle":                "GetBucketLifecycleConfiguration",
	"GET location":                 "GetBucketLocation",
	"GET logging":                  "GetBucketLogging",
	"GET metadataConfiguration":    "GetBucketMetadataConfiguration",
	"GET metadataTable":            "GetBucketMetadataTableConfiguration",
	"GET metrics":                  "GetBucketMetricsConfiguration",
	"GET notification":             "GetBucketNotificationConfiguration",
	"GET object-lock":              "GetObjectLockConfiguration",
	"GET ownershipControls":        "GetBucketOwnershipControls",
	"GET policy":                   "GetBucketPolicy",
	"GET policyStatus":             "GetBucketPolicyStatus",
	"GET publicAccessBlock":        "GetPublicAccessBlock",
	"GET replication":              "GetBucketReplication",
	"GET requestPayment":           "GetBucketRequestPayment",
	"GET tagging":                  "GetBucketTagging",
	"GET versioning":               "GetBucketVersioning",
	"GET website":                  "GetBucketWebsite",
	"HEAD ":                        "HeadBucket",
	"PUT ":                         "CreateBucket",
	"PUT abac":                     "PutBucketAbac",
	"PUT accelerate":               "PutBucketAccelerateConfiguration",
	"PUT acl":                      "PutBucketAcl",
	"PUT analytics":                "PutBucketAnalyticsConfiguration",
	"PUT cors":                     "PutBucketCors",
	"PUT encryption":               "PutBucketEncryption",
	"PUT intelligent-tiering":      "PutBucketIntelligentTieringConfiguration",
	"PUT inventory":                "PutBucketInventoryConfiguration",
	"PUT lifecycle":                "PutBucketLifecycleConfiguration",
	"PUT logging":                  "PutBucketLogging",
	"PUT metadataAnnotationTable":  "UpdateBucketMetadataAnnotationTableConfiguration",
	"PUT metadataInventoryTable":   "UpdateBucketMetadataInventoryTableConfiguration",
	"PUT metadataJournalTable":     "UpdateBucketMetadataJournalTableConfiguration",
	"PUT metrics":                  "PutBucketMetricsConfiguration",
	"PUT notification":             "PutBucketNotificationConfiguration",
	"PUT object-lock":              "PutObjectLockConfiguration",
	"PUT ownershipControls":        "PutBucketOwnershipControls",
	"PUT policy":                   "PutBucketPolicy",
	"PUT publicAccessBlock":        "PutPublicAccessBlock",
	"PUT replication":              "PutBucketReplication",
	"PUT requestPayment":           "PutBucketRequestPayment",
	"PUT tagging":                  "PutBucketTagging",
	"PUT versioning":               "PutBucketVersioning",
	"PUT website":                  "PutBucketWebsite",
	"DELETE ":                      "DeleteBucket",
	"DELETE analytics":             "DeleteBucketAnalyticsConfiguration",
	"DELETE cors":                  "DeleteBucketCors",
	"DELETE encryption":            "DeleteBucketEncryption",
	"DELETE intelligent-tiering":   "DeleteBucketIntelligentTieringConfiguration",
	"DELETE inventory":             "DeleteBucketInventoryConfiguration",
	"DELETE lifecycle":             "DeleteBucketLifecycle",
	"DELETE metadataConfiguration": "DeleteBucketMetadataConfiguration",
	"DELETE metadataTable":         "DeleteBucketMetadataTableConfiguration",
	"DELETE metrics":               "DeleteBucketMetricsConfiguration",
	"DELETE ownershipControls":     "DeleteBucketOwnershipControls",
	"DELETE policy":                "DeleteBucketPolicy",
	"DELETE publicAccessBlock":     "DeletePublicAccessBlock",
	"DELETE replication":           "DeleteBucketReplication",
	"DELETE tagging":               "DeleteBucketTagging",
	"DELETE website":               "DeleteBucketWebsite",
	"POST ":                        "PostObject",
	"POST delete":                  "DeleteObjects",
	"POST metadataConfiguration":   "CreateBucketMetadataConfiguration",
	"POST metadataTable":           "CreateBucketMetadataTableConfiguration",
}

// objectRoutes maps "METHOD subresource" on an object to an operation.
var objectRoutes = map[string]string{
	"GET ":              "GetObject",
	"GET acl":           "GetObjectAcl",
	"GET annotation":    "ListObjectAnnotations", // GetObjectAnnotation with annotationName
	"GET attributes":    "GetObjectAttributes",
	"GET legal-hold":    "GetObjectLegalHold",
	"GET retention":     "GetObjectRetention",
	"GET tagging":       "GetObjectTagging",
	"GET torrent":       "GetObjectTorrent",
	"GET uploadId":      "ListParts",
	"HEAD ":             "HeadObject",
	"PUT ":              "PutObject",  // CopyObject with x-amz-copy-source
	"PUT uploadId":      "UploadPart", // UploadPartCopy with x-amz-copy-source
	"PUT acl":           "PutObjectAcl",
	"PUT annotation":    "PutObjectAnnotation",
	"PUT encryption":    "UpdateObjectEncryption",
	"PUT legal-hold":    "PutObjectLegalHold",
	"PUT renameObject":  "RenameObject",
	"PUT retention":     "PutObjectRetention",
	"PUT tagging":       "PutObjectTagging",
	"DELETE ":           "DeleteObject",
	"DELETE annotation": "DeleteObjectAnnotation",
	"DELETE tagging":    "DeleteObjectTagging",
	"DELETE uploadId":   "AbortMultipartUpload",
	"POST uploads":      "CreateMultipartUpload",
	"POST uploadId":     "CompleteMultipartUpload",
	"POST restore":      "RestoreObject",
	"POST select":       "SelectObjectContent",
}
