package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3vet/s3vet/internal/strictjson"
	"github.com/s3vet/s3vet/policy/access"
)

// SnapshotVersion is the version of the Snapshot format this package writes.
// ReadSnapshot refuses a later one.
const SnapshotVersion = 1

// A Snapshot is what Collect read of an account and its buckets: plain
// data that marshals to JSON and back, so that a scan can be saved and
// judged again offline. Each field holds what one S3 API call returned.
// A configuration that is not set (S3 answered with its "not found" error,
// such as NoSuchBucketPolicy) is the zero value; one that could not be
// read is named in Errors instead, and the checks that need it are not
// run.
type Snapshot struct {
	Version int `json:"version"`
	// Taken is when Collect began, in UTC; zero in hand-written snapshots.
	Taken time.Time `json:"taken,omitzero"`
	// Partition is the AWS partition of every ARN, "aws" when empty.
	Partition string   `json:"partition,omitempty"`
	Account   Account  `json:"account"`
	Buckets   []Bucket `json:"buckets"`
}

// An Account is the scanned account.
type Account struct {
	ID string `json:"id"`
	// PublicAccessBlock is the account's Block Public Access configuration
	// (S3 Control GetPublicAccessBlock); nil when none is set.
	PublicAccessBlock *PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	// AccessPoints are the account's S3 access points (S3 Control
	// ListAccessPoints), in the Regions Collect could list them in.
	AccessPoints []AccessPoint `json:"accessPoints,omitempty"`
	// Errors lists the calls that failed for the account: its Block
	// Public Access, and the listing of its access points.
	Errors []ReadError `json:"errors,omitempty"`
}

// An AccessPoint is one S3 access point of the account: a named way into a
// bucket, with its own policy, Block Public Access settings and network
// origin (S3 User Guide, "Managing access to shared datasets with access
// points"). Each field holds what S3 Control's ListAccessPoints,
// GetAccessPoint, GetAccessPointPolicy and GetAccessPointPolicyStatus
// returned.
type AccessPoint struct {
	Name string `json:"name"`
	// ARN is the access point's ARN (AccessPointArn),
	// arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME; when empty, the
	// checks build it from the partition, Region, account and name.
	ARN    string `json:"arn,omitempty"`
	Region string `json:"region,omitempty"`
	// Alias is the access point's alias, which requests may use where a
	// bucket name goes.
	Alias string `json:"alias,omitempty"`
	// Bucket is the bucket the access point is for; BucketAccountID is the
	// account that owns it, empty (or the scanned account) for a bucket of
	// the account.
	Bucket          string `json:"bucket"`
	BucketAccountID string `json:"bucketAccountId,omitempty"`
	// NetworkOrigin is "Internet" or "VPC"; VPCID is the VPC of an access
	// point of network origin VPC. As S3 says, an access point with a VPC
	// configuration has network origin VPC, and one without has Internet.
	NetworkOrigin string `json:"networkOrigin,omitempty"`
	VPCID         string `json:"vpcId,omitempty"`
	// PublicAccessBlock is the access point's own Block Public Access
	// configuration, fixed when the access point was created. nil stands
	// for S3's default for a new access point: all four settings on (S3
	// User Guide, "Managing public access to access points").
	PublicAccessBlock *PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	// Policy is the access point policy (GetAccessPointPolicy); empty when
	// it has none (NoSuchAccessPointPolicy).
	Policy string `json:"policy,omitempty"`
	// PolicyStatus is S3's own judgement of the policy
	// (GetAccessPointPolicyStatus).
	PolicyStatus *PolicyStatus `json:"policyStatus,omitempty"`
	// Errors lists the calls that failed for this access point.
	Errors []ReadError `json:"errors,omitempty"`
}

// VPCOrigin reports whether the access point accepts requests only from
// its VPC: network origin VPC, or a VPC configuration, which S3 gives only
// such access points.
func (ap *AccessPoint) VPCOrigin() bool {
	return strings.EqualFold(ap.NetworkOrigin, access.OriginVPC) || ap.VPCID != ""
}

// ownBucket reports whether the access point's bucket belongs to account.
func (ap *AccessPoint) ownBucket(account string) bool {
	return ap.BucketAccountID == "" || ap.BucketAccountID == account
}

// A Bucket is one bucket's configuration.
type Bucket struct {
	Name   string `json:"name"`
	Region string `json:"region,omitempty"`
	// Policy is the bucket policy as S3 returned it (GetBucketPolicy);
	// empty when the bucket has none.
	Policy string `json:"policy,omitempty"`
	// PolicyStatus is S3's own judgement of the policy (GetBucketPolicyStatus).
	PolicyStatus *PolicyStatus `json:"policyStatus,omitempty"`
	ACL          *ACL          `json:"acl,omitempty"`
	// PublicAccessBlock is the bucket's own Block Public Access
	// configuration; nil when none is set.
	PublicAccessBlock *PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	// ObjectOwnership is the Object Ownership setting (GetBucketOwnershipControls):
	// BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter. Empty means
	// the bucket has no ownership controls, which S3 treats as ObjectWriter:
	// ACLs enabled.
	ObjectOwnership string `json:"objectOwnership,omitempty"`
	// Encryption is the default encryption (GetBucketEncryption); nil when
	// none is configured.
	Encryption    *Encryption       `json:"encryption,omitempty"`
	Versioning    Versioning        `json:"versioning,omitzero"`
	Logging       *Logging          `json:"logging,omitempty"`
	Lifecycle     []LifecycleRule   `json:"lifecycle,omitempty"`
	ObjectLock    *ObjectLock       `json:"objectLock,omitempty"`
	Replication   *Replication      `json:"replication,omitempty"`
	Notifications *Notifications    `json:"notifications,omitempty"`
	Website       *Website          `json:"website,omitempty"`
	Tags          map[string]string `json:"tags,omitempty"`
	// Errors lists the calls that failed for this bucket.
	Errors []ReadError `json:"errors,omitempty"`
}

// PublicAccessBlock is a Block Public Access configuration, of an account
// or of a bucket.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"blockPublicAcls"`
	IgnorePublicAcls      bool `json:"ignorePublicAcls"`
	BlockPublicPolicy     bool `json:"blockPublicPolicy"`
	RestrictPublicBuckets bool `json:"restrictPublicBuckets"`
}

// All reports whether all four settings are on.
func (p *PublicAccessBlock) All() bool {
	return p != nil && p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets
}

func (p *PublicAccessBlock) access() *access.PublicAccessBlock {
	if p == nil {
		return nil
	}
	return &access.PublicAccessBlock{
		BlockPublicAcls:       p.BlockPublicAcls,
		IgnorePublicAcls:      p.IgnorePublicAcls,
		BlockPublicPolicy:     p.BlockPublicPolicy,
		RestrictPublicBuckets: p.RestrictPublicBuckets,
	}
}

// PolicyStatus is GetBucketPolicyStatus's (or GetAccessPointPolicyStatus's)
// answer.
type PolicyStatus struct {
	IsPublic bool `json:"isPublic"`
}

// An ACL is a bucket's access control list (GetBucketAcl). Grantees are
// written as package access reads them: AllUsers, AuthenticatedUsers,
// LogDelivery, or a canonical user ID.
type ACL struct {
	// Owner is the canonical user ID of the bucket owner. A grant to it
	// changes no one's access.
	Owner  string         `json:"owner,omitempty"`
	Grants []access.Grant `json:"grants,omitempty"`
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	// Algorithm is AES256 (SSE-S3), aws:kms (SSE-KMS) or aws:kms:dsse
	// (DSSE-KMS).
	Algorithm string `json:"algorithm"`
	// KMSKeyID is the KMS key for aws:kms and aws:kms:dsse, as configured
	// (key ID, key ARN or alias); empty means the AWS managed key aws/s3.
	KMSKeyID  string `json:"kmsKeyId,omitempty"`
	BucketKey bool   `json:"bucketKey,omitempty"`
	// BlockedEncryptionTypes are the encryption types uploads may not use,
	// such as "SSE-C".
	BlockedEncryptionTypes []string `json:"blockedEncryptionTypes,omitempty"`
}

// Versioning is GetBucketVersioning's answer.
type Versioning struct {
	// Status is "Enabled", "Suspended", or empty for a bucket that never
	// had versioning.
	Status string `json:"status,omitempty"`
	// MFADelete is "Enabled", "Disabled", or empty when never configured.
	MFADelete string `json:"mfaDelete,omitempty"`
}

// Logging is a bucket's server access logging (GetBucketLogging); nil in a
// Bucket when logging is off.
type Logging struct {
	TargetBucket string `json:"targetBucket"`
	TargetPrefix string `json:"targetPrefix,omitempty"`
}

// A LifecycleRule is one rule of a lifecycle configuration, with its
// actions summed up in days.
type LifecycleRule struct {
	ID     string `json:"id,omitempty"`
	Status string `json:"status"` // Enabled or Disabled
	// Filter is the rule's prefix, or a description of its filter.
	Filter string `json:"filter,omitempty"`
	// ExpirationDays is the Expiration action's Days; 0 when none.
	ExpirationDays int `json:"expirationDays,omitempty"`
	// NoncurrentExpirationDays is NoncurrentVersionExpiration's NoncurrentDays.
	NoncurrentExpirationDays int `json:"noncurrentExpirationDays,omitempty"`
	// AbortIncompleteUploadDays is AbortIncompleteMultipartUpload's DaysAfterInitiation.
	AbortIncompleteUploadDays int          `json:"abortIncompleteUploadDays,omitempty"`
	Transitions               []Transition `json:"transitions,omitempty"`
}

// A Transition moves objects to another storage class after Days.
type Transition struct {
	Days         int    `json:"days"`
	StorageClass string `json:"storageClass"`
}

// ObjectLock is GetObjectLockConfiguration's answer.
type ObjectLock struct {
	Enabled bool `json:"enabled"`
	// Mode is the default retention mode, GOVERNANCE or COMPLIANCE; empty
	// without a default retention.
	Mode  string `json:"mode,omitempty"`
	Days  int    `json:"days,omitempty"`
	Years int    `json:"years,omitempty"`
}

// Replication is a bucket's replication configuration.
type Replication struct {
	Role  string            `json:"role,omitempty"`
	Rules []ReplicationRule `json:"rules"`
}

// A ReplicationRule is one rule of a replication configuration.
type ReplicationRule struct {
	ID     string `json:"id,omitempty"`
	Status string `json:"status"` // Enabled or Disabled
	// Destination is the destination bucket's ARN.
	Destination string `json:"destination"`
	// Account is the destination bucket's owner, when the rule names one.
	Account string `json:"account,omitempty"`
}

// Notifications is a bucket's event notification configuration.
type Notifications struct {
	Targets []NotificationTarget `json:"targets,omitempty"`
	// EventBridge reports that every event is sent to Amazon EventBridge.
	EventBridge bool `json:"eventBridge,omitempty"`
}

// A NotificationTarget is a topic, queue or function that receives events.
type NotificationTarget struct {
	Type   string   `json:"type"` // "topic", "queue" or "lambda"
	ARN    string   `json:"arn"`
	Events []string `json:"events"`
}

// Website is a bucket's static website configuration.
type Website struct {
	IndexDocument string `json:"indexDocument,omitempty"`
	ErrorDocument string `json:"errorDocument,omitempty"`
	RedirectTo    string `json:"redirectTo,omitempty"`
}

// A ReadError is a call that failed while reading an account or a bucket:
// access denied, a region redirect that could not be followed, throttling
// after the SDK's retries, or any other error.
type ReadError struct {
	// Call is the S3 API operation, such as "GetBucketPolicy".
	Call string `json:"call"`
	// Code is S3's error code, such as "AccessDenied", or the HTTP status
	// when the response had no code.
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

func (e ReadError) String() string {
	if e.Code == "" {
		return e.Call + ": " + e.Message
	}
	return e.Call + ": " + e.Code + ": " + e.Message
}

// failed reports whether call is among errs.
func failed(errs []ReadError, call string) bool {
	for _, e := range errs {
		if e.Call == call {
			return true
		}
	}
	return false
}

// ErrSnapshotVersion is returned by ReadSnapshot for a snapshot of a format
// this package does not know.
var ErrSnapshotVersion = errors.New("unsupported snapshot version")

// ReadSnapshot decodes a Snapshot written as JSON. It reads strictly, so
// that a typo in a hand-written snapshot is an error rather than a setting
// silently left unset: a field the format does not have, a field in
// another case than the format's ("Name" for "name") and a field given
// twice are errors naming the field, its path (and bucket), and, where one
// is close, the field probably meant.
func ReadSnapshot(r io.Reader) (*Snapshot, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("checks: reading snapshot: %w", err)
	}
	// The version first: a later format's fields are not this one's to
	// judge.
	var v struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(data, &v) == nil && v.Version > SnapshotVersion {
		return nil, fmt.Errorf("checks: snapshot version %d: %w", v.Version, ErrSnapshotVersion)
	}
	var s Snapshot
	if err := strictjson.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("checks: reading snapshot: %s%w", bucketOf(data, err), err)
	}
	if s.Version < 1 || s.Version > SnapshotVersion {
		return nil, fmt.Errorf("checks: snapshot version %d: %w", s.Version, ErrSnapshotVersion)
	}
	return &s, nil
}

// bucketOf returns `bucket "NAME": ` when err is at a path inside a named
// bucket of the snapshot data, for the error's reader; "" otherwise.
func bucketOf(data []byte, err error) string {
	var se *strictjson.Error
	if !errors.As(err, &se) || len(se.Path) < 2 || se.Path[0] != "buckets" {
		return ""
	}
	i, _ := se.Path[1].(int)
	var top struct {
		Buckets []struct {
			Name string `json:"name"`
		} `json:"buckets"`
	}
	if json.Unmarshal(data, &top) != nil || i >= len(top.Buckets) || top.Buckets[i].Name == "" {
		return ""
	}
	return fmt.Sprintf("bucket %q: ", top.Buckets[i].Name)
}

// WriteTo writes the snapshot as indented JSON.
func (s *Snapshot) WriteTo(w io.Writer) (int64, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return 0, err
	}
	n, err := w.Write(append(b, '\n'))
	return int64(n), err
}

func (s *Snapshot) partition() string {
	if s.Partition == "" {
		return "aws"
	}
	return s.Partition
}
