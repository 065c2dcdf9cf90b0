package s3op

// The table follows these AWS documents:
//
//   - Amazon S3 User Guide, "Required permissions for Amazon S3 API
//     operations":
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
//   - Service Authorization Reference, "Actions, resources, and condition keys
//     for Amazon S3" (its "API operations defined by Amazon S3" table):
//     https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
//   - the Permissions section of each operation's page in the Amazon S3 API
//     Reference, https://docs.aws.amazon.com/AmazonS3/latest/API/API_<Operation>.html
//     (the same text is the doc comment of aws-sdk-go-v2's service/s3
//     api_op_<Operation>.go), and for PostObject
//     https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html.
//
// The operation names are those of aws-sdk-go-v2/service/s3 v1.114.8.

// target is what a request names: the service, a bucket or an object.
type target uint8

const (
	onService target = iota // no resource: the action takes "*"
	onBucket                // arn:${Partition}:s3:::${BucketName}
	onObject                // arn:${Partition}:s3:::${BucketName}/${ObjectName}
)

// adds is a set of further permissions that a request's headers can call
// for, beyond the row's action.
type adds uint16

const (
	// addACL: x-amz-acl or x-amz-grant-* also need s3:PutObjectAcl on the
	// object, or for a bucket (CreateBucket) s3:PutBucketAcl unless the ACL
	// is "private" (API_CreateBucket, API_PutObject).
	addACL adds = 1 << iota
	// addTagging: a tag set (x-amz-tagging) also needs s3:PutObjectTagging;
	// for CopyObject only with x-amz-tagging-directive REPLACE.
	addTagging
	// addLock: x-amz-object-lock-mode or -retain-until-date also need
	// s3:PutObjectRetention, x-amz-object-lock-legal-hold
	// s3:PutObjectLegalHold (the reference's CopyObject operation row).
	addLock
	// addBypass: x-amz-bypass-governance-retention: true also needs
	// s3:BypassGovernanceRetention (API_PutObjectRetention, API_DeleteObject,
	// API_DeleteObjects).
	addBypass
	// addSource: the object named by x-amz-copy-source is read:
	// s3:GetObject, or s3:GetObjectVersion with a versionId
	// (API_CopyObject, API_UploadPartCopy).
	addSource
	// addAnnotations: x-amz-object-annotation-directive: COPY also needs
	// s3:GetObjectAnnotation on the source and s3:PutObjectAnnotation on the
	// target (API_CopyObject). COPY is also the default, but then only a
	// source with annotations needs them, which the request does not show:
	// only an explicit COPY adds them.
	addAnnotations
	// addBucketSetup: CreateBucket's x-amz-bucket-object-lock-enabled: true
	// also needs s3:PutBucketObjectLockConfiguration and
	// s3:PutBucketVersioning, x-amz-object-ownership
	// s3:PutBucketOwnershipControls (API_CreateBucket).
	addBucketSetup
	// addRead: GetObjectAttributes also needs s3:GetObject, or
	// s3:GetObjectVersion with a versionId (API_GetObjectAttributes). AWS
	// picks the version actions by whether the bucket is versioned, which
	// the request does not show: the versionId stands for it.
	addRead
	// perKey: the action applies to each object of Request.Keys
	// (DeleteObjects) instead of Request.Key.
	perKey
)

// A row maps an operation to the action it always needs.
type row struct {
	op     string // operation name, as aws-sdk-go-v2 spells it
	on     target
	action string // IAM action, without "s3:"
	// version is the action instead when the request names an object
	// version (versionId), or "" where the version does not change it.
	version string
	adds    adds
}

// table lists the operations, grouped as the API Reference groups them.
var table = [...]row{
	// Objects.
	{op: "GetObject", on: onObject, action: "GetObject", version: "GetObjectVersion"},
	{op: "HeadObject", on: onObject, action: "GetObject", version: "GetObjectVersion"},
	{op: "GetObjectAttributes", on: onObject, action: "GetObjectAttributes", version: "GetObjectVersionAttributes", adds: addRead},
	{op: "GetObjectTorrent", on: onObject, action: "GetObjectTorrent", version: "GetObjectVersionTorrent"},
	{op: "SelectObjectContent", on: onObject, action: "GetObject"},
	{op: "PutObject", on: onObject, action: "PutObject", adds: addACL | addTagging | addLock},
	{op: "PostObject", on: onObject, action: "PutObject", adds: addACL | addTagging | addLock},
	{op: "CopyObject", on: onObject, action: "PutObject", adds: addSource | addACL | addTagging | addLock | addAnnotations},
	{op: "DeleteObject", on: onObject, action: "DeleteObject", version: "DeleteObjectVersion", adds: addBypass},
	{op: "DeleteObjects", on: onObject, action: "DeleteObject", version: "DeleteObjectVersion", adds: addBypass | perKey},
	{op: "RestoreObject", on: onObject, action: "RestoreObject"},
	{op: "UpdateObjectEncryption", on: onObject, action: "UpdateObjectEncryption"},
	{op: "GetObjectAcl", on: onObject, action: "GetObjectAcl", version: "GetObjectVersionAcl"},
	{op: "PutObjectAcl", on: onObject, action: "PutObjectAcl", version: "PutObjectVersionAcl"},
	{op: "GetObjectTagging", on: onObject, action: "GetObjectTagging", version: "GetObjectVersionTagging"},
	{op: "PutObjectTagging", on: onObject, action: "PutObjectTagging", version: "PutObjectVersionTagging"},
	{op: "DeleteObjectTagging", on: onObject, action: "DeleteObjectTagging", version: "DeleteObjectVersionTagging"},
	{op: "GetObjectRetention", on: onObject, action: "GetObjectRetention"},
	{op: "PutObjectRetention", on: onObject, action: "PutObjectRetention", adds: addBypass},
	{op: "GetObjectLegalHold", on: onObject, action: "GetObjectLegalHold"},
	{op: "PutObjectLegalHold", on: onObject, action: "PutObjectLegalHold"},
	{op: "GetObjectAnnotation", on: onObject, action: "GetObjectAnnotation", version: "GetObjectVersionAnnotation"},
	{op: "PutObjectAnnotation", on: onObject, action: "PutObjectAnnotation", version: "PutObjectVersionAnnotation"},
	{op: "DeleteObjectAnnotation", on: onObject, action: "DeleteObjectAnnotation", version: "DeleteObjectVersionAnnotation"},
	{op: "ListObjectAnnotations", on: onObject, action: "ListObjectAnnotations", version: "ListObjectVersionAnnotations"},

	// Multipart uploads.
	{op: "CreateMultipartUpload", on: onObject, action: "PutObject", adds: addACL | addTagging | addLock},
	{op: "UploadPart", on: onObject, action: "PutObject"},
	{op: "UploadPartCopy", on: onObject, action: "PutObject", adds: addSource},
	{op: "CompleteMultipartUpload", on: onObject, action: "PutObject"},
	{op: "AbortMultipartUpload", on: onObject, action: "AbortMultipartUpload"},
	{op: "ListParts", on: onObject, action: "ListMultipartUploadParts"},
	{op: "ListMultipartUploads", on: onBucket, action: "ListBucketMultipartUploads"},

	// Listing.
	{op: "ListBuckets", on: onService, action: "ListAllMyBuckets"},
	{op: "ListObjects", on: onBucket, action: "ListBucket"},
	{op: "ListObjectsV2", on: onBucket, action: "ListBucket"},
	{op: "ListObjectVersions", on: onBucket, action: "ListBucketVersions"},

	// Buckets.
	{op: "CreateBucket", on: onBucket, action: "CreateBucket", adds: addACL | addBucketSetup},
	{op: "DeleteBucket", on: onBucket, action: "DeleteBucket"},
	{op: "HeadBucket", on: onBucket, action: "ListBucket"},
	{op: "GetBucketLocation", on: onBucket, action: "GetBucketLocation"},
	{op: "GetBucketPolicy", on: onBucket, action: "GetBucketPolicy"},
	{op: "PutBucketPolicy", on: onBucket, action: "PutBucketPolicy"},
	{op: "DeleteBucketPolicy", on: onBucket, action: "DeleteBucketPolicy"},
	{op: "GetBucketPolicyStatus", on: onBucket, action: "GetBucketPolicyStatus"},
	{op: "GetBucketAcl", on: onBucket, action: "GetBucketAcl"},
	{op: "PutBucketAcl", on: onBucket, action: "PutBucketAcl"},
	{op: "GetPublicAccessBlock", on: onBucket, action: "GetBucketPublicAccessBlock"},
	{op: "PutPublicAccessBlock", on: onBucket, action: "PutBucketPublicAccessBlock"},
	{op: "DeletePublicAccessBlock", on: onBucket, action: "PutBucketPublicAccessBlock"},
	{op: "GetBucketOwnershipControls", on: onBucket, action: "GetBucketOwnershipControls"},
	{op: "PutBucketOwnershipControls", on: onBucket, action: "PutBucketOwnershipControls"},
	{op: "DeleteBucketOwnershipControls", on: onBucket, action: "PutBucketOwnershipControls"},
	{op: "GetBucketEncryption", on: onBucket, action: "GetEncryptionConfiguration"},
	{op: "PutBucketEncryption", on: onBucket, action: "PutEncryptionConfiguration"},
	{op: "DeleteBucketEncryption", on: onBucket, action: "PutEncryptionConfiguration"},
	{op: "GetBucketVersioning", on: onBucket, action: "GetBucketVersioning"},
	{op: "PutBucketVersioning", on: onBucket, action: "PutBucketVersioning"},
	{op: "GetBucketLifecycleConfiguration", on: onBucket, action: "GetLifecycleConfiguration"},
	{op: "PutBucketLifecycleConfiguration", on: onBucket, action: "PutLifecycleConfiguration"},
	{op: "DeleteBucketLifecycle", on: onBucket, action: "PutLifecycleConfiguration"},
	{op: "GetBucketLogging", on: onBucket, action: "GetBucketLogging"},
	{op: "PutBucketLogging", on: onBucket, action: "PutBucketLogging"},
	{op: "GetBucketTagging", on: onBucket, action: "GetBucketTagging"},
	{op: "PutBucketTagging", on: onBucket, action: "PutBucketTagging"},
	{op: "DeleteBucketTagging", on: onBucket, action: "PutBucketTagging"},
	{op: "GetObjectLockConfiguration", on: onBucket, action: "GetBucketObjectLockConfiguration"},
	{op: "PutObjectLockConfiguration", on: onBucket, action: "PutBucketObjectLockConfiguration"},
	{op: "GetBucketReplication", on: onBucket, action: "GetReplicationConfiguration"},
	{op: "PutBucketReplication", on: onBucket, action: "PutReplicationConfiguration"},
	{op: "DeleteBucketReplication", on: onBucket, action: "PutReplicationConfiguration"},
	{op: "GetBucketNotificationConfiguration", on: onBucket, action: "GetBucketNotification"},
	{op: "PutBucketNotificationConfiguration", on: onBucket, action: "PutBucketNotification"},
	{op: "GetBucketCors", on: onBucket, action: "GetBucketCORS"},
	{op: "PutBucketCors", on: onBucket, action: "PutBucketCORS"},
	{op: "DeleteBucketCors", on: onBucket, action: "PutBucketCORS"},
	{op: "GetBucketWebsite", on: onBucket, action: "GetBucketWebsite"},
	{op: "PutBucketWebsite", on: onBucket, action: "PutBucketWebsite"},
	{op: "DeleteBucketWebsite", on: onBucket, action: "DeleteBucketWebsite"},
	{op: "GetBucketAccelerateConfiguration", on: onBucket, action: "GetAccelerateConfiguration"},
	{op: "PutBucketAccelerateConfiguration", on: onBucket, action: "PutAccelerateConfiguration"},
	{op: "GetBucketRequestPayment", on: onBucket, action: "GetBucketRequestPayment"},
	{op: "PutBucketRequestPayment", on: onBucket, action: "PutBucketRequestPayment"},
	{op: "GetBucketAbac", on: onBucket, action: "GetBucketAbac"},
	{op: "PutBucketAbac", on: onBucket, action: "PutBucketAbac"},

	// Analytics, inventory, metrics and S3 Intelligent-Tiering
	// configurations: reading and listing need the Get action, writing and
	// deleting the Put action.
	{op: "GetBucketAnalyticsConfiguration", on: onBucket, action: "GetAnalyticsConfiguration"},
	{op: "ListBucketAnalyticsConfigurations", on: onBucket, action: "GetAnalyticsConfiguration"},
	{op: "PutBucketAnalyticsConfiguration", on: onBucket, action: "PutAnalyticsConfiguration"},
	{op: "DeleteBucketAnalyticsConfiguration", on: onBucket, action: "PutAnalyticsConfiguration"},
	{op: "GetBucketInventoryConfiguration", on: onBucket, action: "GetInventoryConfiguration"},
	{op: "ListBucketInventoryConfigurations", on: onBucket, action: "GetInventoryConfiguration"},
	{op: "PutBucketInventoryConfiguration", on: onBucket, action: "PutInventoryConfiguration"},
	{op: "DeleteBucketInventoryConfiguration", on: onBucket, action: "PutInventoryConfiguration"},
	{op: "GetBucketMetricsConfiguration", on: onBucket, action: "GetMetricsConfiguration"},
	{op: "ListBucketMetricsConfigurations", on: onBucket, action: "GetMetricsConfiguration"},
	{op: "PutBucketMetricsConfiguration", on: onBucket, action: "PutMetricsConfiguration"},
	{op: "DeleteBucketMetricsConfiguration", on: onBucket, action: "PutMetricsConfiguration"},
	{op: "GetBucketIntelligentTieringConfiguration", on: onBucket, action: "GetIntelligentTieringConfiguration"},
	{op: "ListBucketIntelligentTieringConfigurations", on: onBucket, action: "GetIntelligentTieringConfiguration"},
	{op: "PutBucketIntelligentTieringConfiguration", on: onBucket, action: "PutIntelligentTieringConfiguration"},
	{op: "DeleteBucketIntelligentTieringConfiguration", on: onBucket, action: "PutIntelligentTieringConfiguration"},

	// S3 Metadata: the V1 (...MetadataTable...) and V2 (...Metadata...)
	// operations share their actions. Their s3tables: permissions are out
	// of scope.
	{op: "CreateBucketMetadataTableConfiguration", on: onBucket, action: "CreateBucketMetadataTableConfiguration"},
	{op: "CreateBucketMetadataConfiguration", on: onBucket, action: "CreateBucketMetadataTableConfiguration"},
	{op: "GetBucketMetadataTableConfiguration", on: onBucket, action: "GetBucketMetadataTableConfiguration"},
	{op: "GetBucketMetadataConfiguration", on: onBucket, action: "GetBucketMetadataTableConfiguration"},
	{op: "DeleteBucketMetadataTableConfiguration", on: onBucket, action: "DeleteBucketMetadataTableConfiguration"},
	{op: "DeleteBucketMetadataConfiguration", on: onBucket, action: "DeleteBucketMetadataTableConfiguration"},
	{op: "UpdateBucketMetadataAnnotationTableConfiguration", on: onBucket, action: "UpdateBucketMetadataAnnotationTableConfiguration"},
	{op: "UpdateBucketMetadataInventoryTableConfiguration", on: onBucket, action: "UpdateBucketMetadataInventoryTableConfiguration"},
	{op: "UpdateBucketMetadataJournalTableConfiguration", on: onBucket, action: "UpdateBucketMetadataJournalTableConfiguration"},
}

// excluded names the SDK's operations that the table leaves out, and why.
var excluded = map[string]string{
	"CreateSession":          "it is authorized by s3express:CreateSession (directory buckets), not an s3 action",
	"ListDirectoryBuckets":   "it is authorized by s3express:ListAllMyDirectoryBuckets (directory buckets), not an s3 action",
	"RenameObject":           "it exists only for directory buckets, authorized by s3express:CreateSession",
	"WriteGetObjectResponse": "it is authorized by s3-object-lambda:WriteGetObjectResponse, not an s3 action",
}

// lookup returns the row of the operation, or nil.
func lookup(op string) *row {
	for i := range table {
		if table[i].op == op {
			return &table[i]
		}
	}
	return nil
}
