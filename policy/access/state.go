package access

import (
	"errors"
	"fmt"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// Object Ownership settings (S3 User Guide, "Controlling ownership of
// objects and disabling ACLs for your bucket").
const (
	BucketOwnerEnforced  = "BucketOwnerEnforced"
	BucketOwnerPreferred = "BucketOwnerPreferred"
	ObjectWriter         = "ObjectWriter"
)

// The predefined S3 groups an ACL can grant to, and the ACL permissions
// (S3 User Guide, "Access control list (ACL) overview").
const (
	AllUsers           = "AllUsers"
	AuthenticatedUsers = "AuthenticatedUsers"
	LogDelivery        = "LogDelivery"

	Read        = "READ"
	Write       = "WRITE"
	ReadACP     = "READ_ACP"
	WriteACP    = "WRITE_ACP"
	FullControl = "FULL_CONTROL"
)

// A Grant is one grant of an ACL. Grantee is AllUsers, AuthenticatedUsers,
// LogDelivery, a 12-digit account ID or a canonical user ID; the group URIs
// (http://acs.amazonaws.com/groups/global/AllUsers, ...) are accepted too.
type Grant struct {
	Grantee    string `json:"grantee"`
	Permission string `json:"permission"`
}

// PublicAccessBlock is an S3 Block Public Access configuration, of a
// bucket or of an account.
type PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// State is what S3 knows of a bucket and an object beyond the policies:
// the `s3` block of a scenario (docs/scenario.md).
type State struct {
	BucketOwner string `json:"bucketOwner,omitempty"` // account ID; defaults to the request's resource account
	ObjectOwner string `json:"objectOwner,omitempty"` // account ID; defaults to the bucket owner
	// ObjectOwnership defaults to BucketOwnerEnforced, the setting of every
	// new bucket since April 2023: ACLs disabled.
	ObjectOwnership          string             `json:"objectOwnership,omitempty"`
	BucketACL                []Grant            `json:"bucketAcl,omitempty"`
	ObjectACL                []Grant            `json:"objectAcl,omitempty"`
	BucketPublicAccessBlock  *PublicAccessBlock `json:"bucketPublicAccessBlock,omitempty"`
	AccountPublicAccessBlock *PublicAccessBlock `json:"accountPublicAccessBlock,omitempty"`
	// AccessPoint is the access point a request is made through, when its
	// resource is an access point's ARN; nil for a request to the bucket.
	AccessPoint *AccessPoint `json:"accessPoint,omitempty"`
}

// Effective combines the bucket's and the account's Block Public Access
// settings: each setting is on when either level turns it on (S3 User
// Guide, "Blocking public access to your Amazon S3 storage").
func (s *State) Effective() PublicAccessBlock {
	return PublicAccessBlock{}.union(s.BucketPublicAccessBlock).union(s.AccountPublicAccessBlock)
}

// ACLsEnabled reports whether ACLs affect access: every Object Ownership
// setting but BucketOwnerEnforced.
func (s *State) ACLsEnabled() bool {
	return s.ownership() != BucketOwnerEnforced
}

func (s *State) ownership() string {
	if s.ObjectOwnership == "" {
		return BucketOwnerEnforced
	}
	return s.ObjectOwnership
}

// A StateError is [Decide] refusing a malformed [State] (see
// [State.Validate]), as opposed to a request it cannot decide: the fault
// of whoever built the state.
type StateError struct{ Err error }

func (e *StateError) Error() string { return "s3 state: " + e.Err.Error() }
func (e *StateError) Unwrap() error { return e.Err }

// Validate reports what is malformed in the state.
func (s *State) Validate() error {
	var errs []error
	for _, acct := range []struct{ field, v string }{{"bucketOwner", s.BucketOwner}, {"objectOwner", s.ObjectOwner}} {
		if acct.v != "" && !policy.IsAccountID(acct.v) {
			errs = append(errs, fmt.Errorf("%s: %q is not a 12-digit account ID", acct.field, acct.v))
		}
	}
	switch s.ObjectOwnership {
	case "", BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter:
	default:
		errs = append(errs, fmt.Errorf("objectOwnership: unknown setting %q (want %s, %s or %s)",
			s.ObjectOwnership, BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter))
	}
	for i, g := range s.BucketACL {
		if err := g.validate(); err != nil {
			errs = append(errs, fmt.Errorf("bucketAcl[%d]: %w", i, err))
		}
	}
	for i, g := range s.ObjectACL {
		if err := g.validate(); err != nil {
			errs = append(errs, fmt.Errorf("objectAcl[%d]: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func (g Grant) validate() error {
	if g.grantee() == "" {
		return fmt.Errorf("grantee %q is not AllUsers, AuthenticatedUsers, LogDelivery, an account ID or a canonical user ID", g.Grantee)
	}
	switch g.Permission {
	case Read, Write, ReadACP, WriteACP, FullControl:
		// WRITE on an object is accepted and kept, as S3 keeps it (the
		// canned ACL public-read-write applies to objects), but grants
		// nothing: "WRITE ... When granted on an object: Not applicable"
		// (S3 User Guide, "Access control list (ACL) overview").
	default:
		return fmt.Errorf("unknown permission %q (want READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL)", g.Permission)
	}
	return nil
}

// grantee returns the grantee in its short form, or "" when malformed.
func (g Grant) grantee() string {
	v := g.Grantee
	switch v {
	case AllUsers, "http://acs.amazonaws.com/groups/global/AllUsers", "uri=http://acs.amazonaws.com/groups/global/AllUsers":
		return AllUsers
	case AuthenticatedUsers, "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "uri=http://acs.amazonaws.com/groups/global/AuthenticatedUsers":
		return AuthenticatedUsers
	case LogDelivery, "http://acs.amazonaws.com/groups/s3/LogDelivery", "uri=http://acs.amazonaws.com/groups/s3/LogDelivery":
		return LogDelivery
	}
	v = strings.TrimPrefix(strings.TrimPrefix(v, "id="), "id=")
	if policy.IsAccountID(v) || isCanonicalID(v) {
		return v
	}
	return ""
}

// Public reports whether the grant is to everyone or to every
// authenticated AWS user: what S3 Block Public Access calls a public ACL.
func (g Grant) Public() bool {
	gr := g.grantee()
	return gr == AllUsers || gr == AuthenticatedUsers
}

func isCanonicalID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// CannedACL returns the grants of a canned ACL (the x-amz-acl header), not
// counting the owner's FULL_CONTROL, which changes no one's access. owner
// is the bucket owner, for bucket-owner-read and bucket-owner-full-control.
func CannedACL(name, bucketOwner string) ([]Grant, error) {
	switch name {
	case "private", "aws-exec-read":
		return nil, nil
	case "public-read":
		return []Grant{{AllUsers, Read}}, nil
	case "public-read-write":
		return []Grant{{AllUsers, Read}, {AllUsers, Write}}, nil
	case "authenticated-read":
		return []Grant{{AuthenticatedUsers, Read}}, nil
	case "bucket-owner-read":
		return []Grant{{bucketOwner, Read}}, nil
	case "bucket-owner-full-control":
		return []Grant{{bucketOwner, FullControl}}, nil
	case "log-delivery-write":
		return []Grant{{LogDelivery, Write}, {LogDelivery, ReadACP}}, nil
	}
	return nil, fmt.Errorf("unknown canned ACL %q", name)
}

// PublicGrants returns the reasons an ACL is public, one per public grant,
// as S3 Block Public Access judges ACLs: a grant to AllUsers or to
// AuthenticatedUsers is public (S3 User Guide, "The meaning of "public"" >
// "Access control lists (ACLs)",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
func PublicGrants(acl []Grant) []string {
	var out []string
	for i, g := range acl {
		if g.Public() {
			out = append(out, fmt.Sprintf("grant %d gives %s to %s", i, g.Permission, g.grantee()))
		}
	}
	return out
}
