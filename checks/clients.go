package checks

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The interfaces below are the SDK calls Collect makes, one or two to an
// interface. *s3.Client, *s3control.Client and *sts.Client implement them;
// so can a test double. An implementation must be safe for concurrent use
// and return the SDK's errors (a smithy.APIError carrying S3's error code)
// for Collect to tell "not set" from "could not read".

// BucketLister lists the buckets of the account (ListBuckets).
type BucketLister interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, opts ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}

// BucketLocator finds the Region of a bucket: GetBucketLocation, and
// HeadBucket, whose answer names it too.
type BucketLocator interface {
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, opts ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	HeadBucket(ctx context.Context, in *s3.HeadBucketInput, opts ...func(*s3.Options)) (*s3.HeadBucketOutput, error)
}

// PolicyReader reads a bucket policy and S3's judgement of it.
type PolicyReader interface {
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, opts ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketPolicyStatus(ctx context.Context, in *s3.GetBucketPolicyStatusInput, opts ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
}

// ACLReader reads a bucket's ACL and its Object Ownership, which says
// whether the ACL counts.
type ACLReader interface {
	GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, opts ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetBucketOwnershipControls(ctx context.Context, in *s3.GetBucketOwnershipControlsInput, opts ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error)
}

// PublicAccessBlockReader reads a bucket's Block Public Access settings.
type PublicAccessBlockReader interface {
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, opts ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

// EncryptionReader reads a bucket's default encryption.
type EncryptionReader interface {
	GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, opts ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error)
}

// ProtectionReader reads what protects objects from deletion: versioning
// with MFA Delete, and Object Lock.
type ProtectionReader interface {
	GetBucketVersioning(ctx context.Context, in *s3.GetBucketVersioningInput, opts ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error)
	GetObjectLockConfiguration(ctx context.Context, in *s3.GetObjectLockConfigurationInput, opts ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error)
}

// MonitoringReader reads who hears of requests: server access logging and
// event notifications.
type MonitoringReader interface {
	GetBucketLogging(ctx context.Context, in *s3.GetBucketLoggingInput, opts ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
	GetBucketNotificationConfiguration(ctx context.Context, in *s3.GetBucketNotificationConfigurationInput, opts ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error)
}

// CopiesReader reads what makes or removes copies: lifecycle rules and
// replication.
type CopiesReader interface {
	GetBucketLifecycleConfiguration(ctx context.Context, in *s3.GetBucketLifecycleConfigurationInput, opts ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error)
	GetBucketReplication(ctx context.Context, in *s3.GetBucketReplicationInput, opts ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error)
}

// WebsiteReader reads a bucket's static website configuration and tags.
type WebsiteReader interface {
	GetBucketWebsite(ctx context.Context, in *s3.GetBucketWebsiteInput, opts ...func(*s3.Options)) (*s3.GetBucketWebsiteOutput, error)
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, opts ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
}

// AccountReader reads the account's Block Public Access settings (S3
// Control).
type AccountReader interface {
	GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, opts ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

// AccessPointReader lists the account's access points in the Region of
// its client, and reads one (S3 Control ListAccessPoints and
// GetAccessPoint).
type AccessPointReader interface {
	ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, opts ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error)
	GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, opts ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error)
}

// AccessPointPolicyReader reads an access point's policy and S3's
// judgement of it (S3 Control GetAccessPointPolicy and
// GetAccessPointPolicyStatus).
type AccessPointPolicyReader interface {
	GetAccessPointPolicy(ctx context.Context, in *s3control.GetAccessPointPolicyInput, opts ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error)
	GetAccessPointPolicyStatus(ctx context.Context, in *s3control.GetAccessPointPolicyStatusInput, opts ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyStatusOutput, error)
}

// IdentityReader tells which account the credentials belong to (STS).
type IdentityReader interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, opts ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var (
	_ BucketLister            = (*s3.Client)(nil)
	_ BucketLocator           = (*s3.Client)(nil)
	_ PolicyReader            = (*s3.Client)(nil)
	_ ACLReader               = (*s3.Client)(nil)
	_ PublicAccessBlockReader = (*s3.Client)(nil)
	_ EncryptionReader        = (*s3.Client)(nil)
	_ ProtectionReader        = (*s3.Client)(nil)
	_ MonitoringReader        = (*s3.Client)(nil)
	_ CopiesReader            = (*s3.Client)(nil)
	_ WebsiteReader           = (*s3.Client)(nil)
	_ AccountReader           = (*s3control.Client)(nil)
	_ AccessPointReader       = (*s3control.Client)(nil)
	_ AccessPointPolicyReader = (*s3control.Client)(nil)
	_ IdentityReader          = (*sts.Client)(nil)
)

// Clients are the clients Collect reads through. A nil client means its
// calls are not made: what they would read is recorded as not read.
type Clients struct {
	Buckets           BucketLister
	Location          BucketLocator
	Policy            PolicyReader
	ACL               ACLReader
	PublicAccessBlock PublicAccessBlockReader
	Encryption        EncryptionReader
	Protection        ProtectionReader
	Monitoring        MonitoringReader
	Copies            CopiesReader
	Website           WebsiteReader
	// Account reads the account's Block Public Access; Identity, the
	// account ID when CollectOptions.AccountID is empty.
	Account  AccountReader
	Identity IdentityReader
	// AccessPoints lists and reads the account's access points in its
	// client's Region, and AccessPointPolicy reads their policies, through
	// the same Region's S3 Control endpoint.
	AccessPoints      AccessPointReader
	AccessPointPolicy AccessPointPolicyReader
}

// NewClients returns Clients that make every call through the given SDK
// clients. control and id may be nil.
func NewClients(c *s3.Client, control *s3control.Client, id *sts.Client) Clients {
	cl := Clients{
		Buckets: c, Location: c, Policy: c, ACL: c, PublicAccessBlock: c,
		Encryption: c, Protection: c, Monitoring: c, Copies: c, Website: c,
	}
	if control != nil {
		cl.Account, cl.AccessPoints, cl.AccessPointPolicy = control, control, control
	}
	if id != nil {
		cl.Identity = id
	}
	return cl
}
