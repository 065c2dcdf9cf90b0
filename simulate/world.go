package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3vet/s3vet/internal/strictjson"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// A World is the accounts, identities and buckets a simulator starts with:
// the format of docs/serve-config.md, which `s3vet serve --config` reads.
// Policies are JSON documents, parsed when the world is loaded.
type World struct {
	Region       string        `json:"region,omitempty"` // default us-east-1
	Organization *Organization `json:"organization,omitempty"`
	// AWSManagedPolicies are the AWS managed policies the world's
	// identities attach (arn:aws:iam::aws:policy/PATH/NAME).
	AWSManagedPolicies []ManagedPolicy `json:"awsManagedPolicies,omitempty"`
	Accounts           []*Account      `json:"accounts"`
}

// An Organization puts accounts under SCPs and RCPs.
//
// Its member accounts (Accounts) sit on one path from the root: the root,
// then the OUs of OUs, then the account. Level i of SCPs and RCPs is
// attached to the i-th target of that path; a target past the levels
// given has FullAWSAccess alone. An entry of a level is a policy document,
// or {"name", "id", "document"} to give the policy its name and ID.
type Organization struct {
	ID       string              `json:"id"`
	Accounts []string            `json:"accounts"`
	SCPs     [][]json.RawMessage `json:"scps,omitempty"` // root first, one slice per level
	RCPs     [][]json.RawMessage `json:"rcps,omitempty"`
	// ManagementAccount is the organization's management account, which
	// SCPs and RCPs do not apply to (AWS Organizations User Guide,
	// "Service control policies" and "Resource control policies").
	ManagementAccount string `json:"managementAccount,omitempty"`
	// RootID is the root's ID, r- and 4 to 32 lower-case letters and
	// digits; one is derived from ID when omitted.
	RootID string `json:"rootId,omitempty"`
	// OUs are the organizational units on the path from the root down to
	// the member accounts, outermost first. When omitted, the levels of
	// SCPs and RCPs between the first and the last are OUs of derived IDs
	// and names.
	OUs []OrganizationalUnit `json:"ous,omitempty"`
	// FullAWSAccess says whether AWS's default SCP, FullAWSAccess (allow
	// everything), is attached at every level of SCPs besides the SCPs
	// given, as AWS attaches it to the root, every OU and every account
	// (AWS Organizations User Guide, "Service control policies"). True
	// when omitted: a level of only Deny statements then denies just
	// those; false makes each level allow only what its SCPs allow.
	FullAWSAccess *bool `json:"fullAWSAccess,omitempty"`
}

// An OrganizationalUnit is an OU on the path of the member accounts.
type OrganizationalUnit struct {
	// ID is ou-, the root's ID without r-, a hyphen, and 8 to 32
	// lower-case letters and digits; derived when omitted.
	ID string `json:"id,omitempty"`
	// Name is the OU's name, for people; optional.
	Name string `json:"name,omitempty"`
}

// An Account is an AWS account: its root keys, identities, keys and buckets.
type Account struct {
	ID string `json:"id"`
	// CanonicalID is the account's canonical user ID (64 lower-case hex
	// digits), as S3 shows it in ACLs and listings; one is derived from
	// ID when omitted.
	CanonicalID       string                    `json:"canonicalId,omitempty"`
	RootAccessKeys    []AccessKey               `json:"rootAccessKeys,omitempty"`
	PublicAccessBlock *access.PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	Users             []*User                   `json:"users,omitempty"`
	Groups            []Group                   `json:"groups,omitempty"`
	Roles             []*Role                   `json:"roles,omitempty"`
	// ManagedPolicies are the account's customer managed policies.
	ManagedPolicies []ManagedPolicy `json:"managedPolicies,omitempty"`
	KMSKeys         []KMSKey        `json:"kmsKeys,omitempty"`
	Buckets         []*Bucket       `json:"buckets,omitempty"`
	// AccessPoints are the account's S3 access points, for its buckets
	// or, with BucketAccountID, another account's.
	AccessPoints []AccessPoint `json:"accessPoints,omitempty"`
	// VPCEndpoints are the gateway or interface endpoints for S3 in the
	// account's VPCs. A request that reaches the server through one (see
	// [Server.VPCEndpoint]) comes from inside that VPC.
	VPCEndpoints []VPCEndpoint `json:"vpcEndpoints,omitempty"`
}

// An AccessPoint is an S3 access point of the account: a named way into
// a bucket with its own policy, Block Public Access and network origin
// (S3 User Guide, "Managing access to shared datasets with access
// points").
type AccessPoint struct {
	// Name is the access point's name: 3 to 50 lower-case letters,
	// digits and hyphens, unique in the account.
	Name string `json:"name"`
	// Bucket is the bucket it is for.
	Bucket string `json:"bucket"`
	// BucketAccountID is the account that owns the bucket, for a
	// cross-account access point; the access point's account when
	// omitted.
	BucketAccountID string `json:"bucketAccountId,omitempty"`
	// VPCID makes the network origin VPC: S3 then refuses requests from
	// outside that VPC. Without it the network origin is Internet.
	VPCID string `json:"vpcId,omitempty"`
	// PublicAccessBlock is the access point's own Block Public Access
	// configuration; all four settings on when omitted, as for a new
	// access point.
	PublicAccessBlock *access.PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	Policy            json.RawMessage           `json:"policy,omitempty"`
}

// A VPCEndpoint is a VPC endpoint for S3.
type VPCEndpoint struct {
	// ID is the endpoint's ID, vpce- followed by lower-case hex digits.
	ID string `json:"id"`
	// VPCID is the VPC the endpoint is in, vpc- followed by lower-case
	// hex digits.
	VPCID string `json:"vpcId"`
	// Policy is the endpoint policy; AWS's default, which allows
	// everything, when omitted.
	Policy json.RawMessage `json:"policy,omitempty"`
}

// An AccessKey is a long-term access key.
type AccessKey struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// A User is an IAM user. Policies are its inline policies, each a policy
// document or {"name", "document"} ([NamedPolicy]); ManagedPolicies the
// ARNs of the managed policies it attaches. PermissionsBoundary is a
// managed policy's ARN (a JSON string), as in IAM, or a policy document.
type User struct {
	Name                string            `json:"name"`
	Path                string            `json:"path,omitempty"`
	AccessKeys          []AccessKey       `json:"accessKeys,omitempty"`
	Policies            []json.RawMessage `json:"policies,omitempty"`
	ManagedPolicies     []string          `json:"managedPolicies,omitempty"`
	Groups              []string          `json:"groups,omitempty"`
	PermissionsBoundary json.RawMessage   `json:"permissionsBoundary,omitempty"`
	Tags                map[string]string `json:"tags,omitempty"`

	account string // set by Account.AddUser and LoadWorld, for ARN
}

// A Group is an IAM group; its policies, inline and managed, apply to its
// users.
type Group struct {
	Name            string            `json:"name"`
	Path            string            `json:"path,omitempty"`
	Policies        []json.RawMessage `json:"policies,omitempty"`
	ManagedPolicies []string          `json:"managedPolicies,omitempty"`
}

// A Role is an IAM role, assumed through the simulator's STS. Its
// policies are written as a [User]'s.
type Role struct {
	Name                string            `json:"name"`
	Path                string            `json:"path,omitempty"`
	TrustPolicy         json.RawMessage   `json:"trustPolicy,omitempty"`
	Policies            []json.RawMessage `json:"policies,omitempty"`
	ManagedPolicies     []string          `json:"managedPolicies,omitempty"`
	PermissionsBoundary json.RawMessage   `json:"permissionsBoundary,omitempty"`
	MaxSessionDuration  int               `json:"maxSessionDuration,omitempty"` // seconds; default 3600
	Tags                map[string]string `json:"tags,omitempty"`

	account string // set by Account.AddRole and LoadWorld, for ARN
}

// A KMSKey is a key of the simulator's fake KMS.
type KMSKey struct {
	ID     string          `json:"id"`
	Alias  string          `json:"alias,omitempty"`
	Policy json.RawMessage `json:"policy,omitempty"`
}

// A Bucket is a bucket and its security configuration. Omitted settings
// take S3's defaults for a new bucket: Block Public Access all on,
// BucketOwnerEnforced, SSE-S3, SSE-C blocked, versioning never enabled.
type Bucket struct {
	Name              string                    `json:"name"`
	Policy            json.RawMessage           `json:"policy,omitempty"`
	ObjectOwnership   string                    `json:"objectOwnership,omitempty"`
	ACL               []access.Grant            `json:"acl,omitempty"`
	PublicAccessBlock *access.PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	Encryption        *Encryption               `json:"encryption,omitempty"`
	Versioning        string                    `json:"versioning,omitempty"` // "", "Enabled", "Suspended"
	MFADelete         bool                      `json:"mfaDelete,omitempty"`
	Logging           *Logging                  `json:"logging,omitempty"`
	Tags              map[string]string         `json:"tags,omitempty"`
	Objects           []Object                  `json:"objects,omitempty"`
}

// Encryption is a bucket's default encryption.
type Encryption struct {
	Algorithm              string   `json:"algorithm"` // "AES256", "aws:kms", "aws:kms:dsse"
	KMSKeyID               string   `json:"kmsKeyId,omitempty"`
	BucketKey              bool     `json:"bucketKey,omitempty"`
	BlockedEncryptionTypes []string `json:"blockedEncryptionTypes,omitempty"` // "SSE-C" or "NONE"
}

// Logging is a bucket's server access logging.
type Logging struct {
	TargetBucket string `json:"targetBucket"`
	TargetPrefix string `json:"targetPrefix,omitempty"`
}

// An Object is an object a bucket starts with.
type Object struct {
	Key   string            `json:"key"`
	Body  string            `json:"body"`
	Owner string            `json:"owner,omitempty"` // account ID; default the bucket owner
	ACL   []access.Grant    `json:"acl,omitempty"`
	Tags  map[string]string `json:"tags,omitempty"`
}

// LoadWorld reads a world from JSON or YAML. A document whose first
// character is '{' is JSON; anything else is YAML (1.2 core schema, one
// document), converted to JSON first so that both formats have the same
// fields and the same checks, and policies are written as YAML mappings.
// Numbers keep their literal text, so an account ID written unquoted is a
// number and refused where a string belongs: quote account IDs.
//
// Fields are read strictly: a field the format does not have, a field in
// another case than the format's ("Name" for "name") and a field given
// twice are errors that name the field, its path (accounts[0].buckets[1]),
// for YAML its line, and, where one is close, the field probably meant.
// Policies are not looked into here: their grammar is checked when they
// are parsed.
func LoadWorld(r io.Reader) (*World, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	doc := data
	isYAML := false
	if t := bytes.TrimLeft(data, " \t\r\n\ufeff"); len(t) == 0 || t[0] != '{' {
		if doc, err = yamlToJSON(data); err != nil {
			return nil, fmt.Errorf("world: %w", err)
		}
		isYAML = true
	}
	var w World
	if err := strictjson.Unmarshal(doc, &w); err != nil {
		var se *strictjson.Error
		if isYAML && errors.As(err, &se) {
			if line := yamlLine(data, se.Path); line > 0 {
				return nil, fmt.Errorf("world: line %d: %w", line, err)
			}
		}
		return nil, fmt.Errorf("world: %w", err)
	}
	if _, err := compile(&w, time.Now); err != nil {
		return nil, err
	}
	for _, a := range w.Accounts {
		for _, u := range a.Users {
			u.account = a.ID
		}
		for _, r := range a.Roles {
			r.account = a.ID
		}
	}
	return &w, nil
}

// parsePolicy parses an optional policy document; where names its owner.
func parsePolicy(where string, typ policy.Type, raw json.RawMessage) (*policy.Policy, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return nil, nil
	}
	p, err := policy.Parse(where, typ, raw)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	return p, nil
}

// validRegion reports whether s is written as AWS writes a Region's code,
// such as us-east-1 or us-gov-west-1: lower-case letters, digits and inner
// hyphens, starting with a letter.
func validRegion(s string) bool {
	if len(s) > 32 || s == "" || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func validName(kind, name string) error {
	if name == "" || strings.ContainsAny(name, " /:*?") {
		return fmt.Errorf("world: %s name %q is empty or has a character IAM refuses", kind, name)
	}
	return nil
}
