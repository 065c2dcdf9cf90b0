package access

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// What each ACL permission grants, from the S3 User Guide's "Access
// control list (ACL) overview" > "Mapping of ACL permissions and access
// policy permissions",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
var (
	bucketActions = map[string][]string{
		Read:     {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
		ReadACP:  {"s3:GetBucketAcl"},
		WriteACP: {"s3:PutBucketAcl"},
	}
	// WRITE on a bucket grants writes to the objects in it.
	bucketWriteActions = []string{"s3:PutObject", "s3:DeleteObject"}
	objectActions      = map[string][]string{
		Read:     {"s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTorrent"},
		ReadACP:  {"s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
		WriteACP: {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
	}
)

// ACLPolicy writes an ACL as a policy of type policy.AccessControlList, so
// that the engine evaluates its grants on the resource's side like a bucket
// policy. bucket is the bucket's name; object says whether the ACL is an
// object's. A grant to an account delegates to that account's identity
// policies, as a bucket policy naming the account does; AllUsers is
// everyone, anonymous callers included; AuthenticatedUsers is every signed
// request; LogDelivery is S3's log delivery service.
func ACLPolicy(bucket string, grants []Grant, object bool, bucketOwner string) (*policy.Policy, error) {
	type stmt struct {
		Sid       string         `json:"Sid"`
		Effect    string         `json:"Effect"`
		Principal any            `json:"Principal"`
		Action    []string       `json:"Action"`
		Resource  string         `json:"Resource"`
		Condition map[string]any `json:"Condition,omitempty"`
	}
	var stmts []stmt
	name := "bucket ACL of " + bucket
	if object {
		name = "object ACL in " + bucket
	}
	for i, g := range grants {
		if err := g.validate(); err != nil {
			return nil, fmt.Errorf("%s: grant %d: %w", name, i, err)
		}
		grantee := g.grantee()
		var principal any
		var cond map[string]any
		switch grantee {
		case AllUsers:
			principal = "*"
		case AuthenticatedUsers:
			principal = "*"
			cond = map[string]any{"StringNotEquals": map[string]string{"aws:PrincipalType": "Anonymous"}}
		case LogDelivery:
			principal = map[string]string{"Service": "logging.s3.amazonaws.com"}
		default:
			if policy.IsAccountID(grantee) {
				principal = map[string]string{"AWS": grantee}
			} else {
				principal = map[string]string{"CanonicalUser": grantee}
			}
		}
		perms := []string{g.Permission}
		if g.Permission == FullControl {
			perms = []string{Read, Write, ReadACP, WriteACP}
			if object {
				perms = []string{Read, ReadACP, WriteACP}
			}
		}
		sid := "Grant" + strconv.Itoa(i) + strings.ReplaceAll(g.Permission, "_", "")
		for _, perm := range perms {
			switch {
			case object && perm == Write:
				// Not applicable to an object: it grants nothing.
			case object:
				stmts = append(stmts, stmt{sid + perm, "Allow", principal, objectActions[perm], "*", cond})
			case perm == Write:
				actions := bucketWriteActions
				if grantee == bucketOwner {
					// "when the grantee is the bucket owner, granting WRITE
					// permission in a bucket ACL allows the
					// s3:DeleteObjectVersion action"
					actions = append(actions[:len(actions):len(actions)], "s3:DeleteObjectVersion")
				}
				stmts = append(stmts, stmt{sid + perm, "Allow", principal, actions, "arn:aws:s3:::" + bucket + "/*", cond})
			default:
				stmts = append(stmts, stmt{sid + perm, "Allow", principal, bucketActions[perm], "arn:aws:s3:::" + bucket, cond})
			}
		}
	}
	if len(stmts) == 0 {
		return nil, nil
	}
	doc, err := json.Marshal(map[string]any{"Version": policy.Version2012, "Statement": stmts})
	if err != nil {
		return nil, err
	}
	return policy.Parse(name, policy.AccessControlList, doc)
}

// ParseGrantHeader parses the value of an x-amz-grant-* header, such as
// `uri="http://acs.amazonaws.com/groups/global/AllUsers", id="..."`,
// into grants of the given permission.
func ParseGrantHeader(value, permission string) ([]Grant, error) {
	var out []Grant
	for _, part := range strings.Split(value, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("grant %q is not of the form id=ID, uri=URI or emailAddress=ADDRESS", part)
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "id", "uri":
		case "emailaddress":
			return nil, fmt.Errorf("grant %q: email grantees are no longer supported by S3", part)
		default:
			return nil, fmt.Errorf("grant %q: unknown grantee type %q", part, k)
		}
		g := Grant{Grantee: v, Permission: permission}
		if g.grantee() == "" {
			return nil, fmt.Errorf("grant %q: unknown grantee", part)
		}
		out = append(out, g)
	}
	return out, nil
}
