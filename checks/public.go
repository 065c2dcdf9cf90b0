package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

const fixBPA = "PutPublicAccessBlock: aws s3api put-public-access-block --bucket {bucket} " +
	"--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"

func publicChecks() []Check {
	return []Check{
		{
			ID: "S3.1", Title: "S3 general purpose buckets should have block public access settings enabled",
			Severity: Medium, Doc: sh("S3.1"),
			Controls: Controls{SecurityHub: "S3.1", CIS: []string{"v1.4.0/2.1.5", "v3.0.0/2.1.4", "v5.0.0/2.1.4"}, ConfigRule: "s3-account-level-public-access-blocks-periodic"},
			Why: "Block Public Access at the account level keeps every bucket of the account, present and future, " +
				"from being made public by a policy or an ACL.",
			Fix: "PutPublicAccessBlock (S3 Control): aws s3control put-public-access-block --account-id {account} " +
				"--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
			Account: accountBPA,
		},
		{
			ID: "S3.2", Title: "S3 general purpose buckets should block public read access",
			Severity: Critical, Doc: sh("S3.2"),
			Controls: Controls{SecurityHub: "S3.2", ConfigRule: "s3-bucket-public-read-prohibited"},
			Why:      "Anyone on the internet can read from the bucket: list or download its objects, or read its configuration.",
			Fix:      fixBPA + "; or remove the public statement (PutBucketPolicy) or grant (PutBucketAcl).",
			Bucket:   func(t *Target) []Issue { return publicIssues(t, false) },
		},
		{
			ID: "S3.3", Title: "S3 general purpose buckets should block public write access",
			Severity: Critical, Doc: sh("S3.3"),
			Controls: Controls{SecurityHub: "S3.3", ConfigRule: "s3-bucket-public-write-prohibited"},
			Why:      "Anyone on the internet can write to the bucket: upload, overwrite or delete objects, or change its permissions.",
			Fix:      fixBPA + "; or remove the public statement (PutBucketPolicy) or grant (PutBucketAcl).",
			Bucket:   func(t *Target) []Issue { return publicIssues(t, true) },
		},
		{
			ID: "S3.8", Title: "S3 general purpose buckets should block public access",
			Severity: High, Doc: sh("S3.8"),
			Controls: Controls{SecurityHub: "S3.8", CIS: []string{"v1.4.0/2.1.5", "v3.0.0/2.1.4", "v5.0.0/2.1.4"}, ConfigRule: "s3-bucket-level-public-access-prohibited"},
			Why:      "Without all four Block Public Access settings in force, a bucket policy or ACL written by mistake can make the bucket public.",
			Fix:      fixBPA,
			Bucket:   bucketBPA,
		},
		{
			ID: "external-access", Title: "Bucket grants access outside the zone of trust",
			Severity: Medium, Doc: iamAnalyzer,
			Why: "A principal outside the account and its trusted accounts or organization can act on the bucket, " +
				"as IAM Access Analyzer's external access findings report.",
			Fix:    "Remove the principal from the statement or grant (PutBucketPolicy, PutBucketAcl), or limit it with aws:PrincipalOrgID; if the access is intended, add the account to the trusted accounts.",
			Bucket: externalAccess,
		},
		{
			ID: "acl-grants", Title: "Bucket ACL grants access while ACLs are enabled",
			Severity: Medium, Doc: s3ACLs,
			Why: "ACL grants are legacy permissions that no policy shows: a grant to AllUsers or AuthenticatedUsers is public, " +
				"a grant to another account gives it access outside the bucket policy.",
			Fix: "Move the access the grant gives into the bucket policy, then disable ACLs: aws s3api put-bucket-ownership-controls " +
				"--bucket {bucket} --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
			Bucket: aclGrants,
		},
		{
			ID: "S3.12", Title: "ACLs should not be used to manage user access to S3 general purpose buckets",
			Severity: Medium, Doc: sh("S3.12"),
			Controls: Controls{SecurityHub: "S3.12", ConfigRule: "s3-bucket-acl-prohibited"},
			Why: "With ACLs enabled, access is managed in two places and objects can be owned by the accounts that upload them; " +
				"with Object Ownership BucketOwnerEnforced, policies alone decide.",
			Fix:    "PutBucketOwnershipControls: aws s3api put-bucket-ownership-controls --bucket {bucket} --ownership-controls Rules=[{ObjectOwnership=BucketOwnerEnforced}]",
			Bucket: aclsEnabled,
		},
	}
}

func accountBPA(s *Snapshot, _ *Params) []Issue {
	if failed(s.Account.Errors, "GetPublicAccessBlock") {
		return nil
	}
	p := s.Account.PublicAccessBlock
	if p.All() {
		return nil
	}
	if p == nil {
		return []Issue{{Evidence: "the account has no Block Public Access configuration (GetPublicAccessBlock: NoSuchPublicAccessBlockConfiguration)"}}
	}
	return []Issue{{Evidence: "account Block Public Access: " + bpaSettings(p.access())}}
}

func bucketBPA(t *Target) []Issue {
	if slices.Contains(t.Params.PublicBuckets, t.Bucket.Name) || t.Unread("GetPublicAccessBlock") {
		return nil
	}
	// Security Hub's S3.8 is AWS Config's s3-bucket-level-public-access-
	// prohibited, which judges the bucket's own settings: "NON_COMPLIANT
	// if ... bucket level settings are public". The account's settings
	// may cover the bucket today (S3 applies the most restrictive
	// combination of the two), which the evidence says, but they are not
	// the bucket's: turned off, they leave it open.
	own := t.State.BucketPublicAccessBlock
	if own != nil && own.BlockPublicAcls && own.IgnorePublicAcls && own.BlockPublicPolicy && own.RestrictPublicBuckets {
		return nil
	}
	eff := t.State.Effective()
	evidence := "bucket Block Public Access: " + bpaSettingsOrNone(own) +
		"; account: " + bpaSettingsOrNone(t.State.AccountPublicAccessBlock) + "; in force: " + bpaSettings(&eff)
	if eff.BlockPublicAcls && eff.IgnorePublicAcls && eff.BlockPublicPolicy && eff.RestrictPublicBuckets {
		evidence += "; the account's settings cover the bucket today, but the bucket's own do not, " +
			"so turning the account's off would leave it open"
	}
	return []Issue{{Evidence: evidence}}
}

// bpaSettingsOrNone is bpaSettings, or "none" for no configuration.
func bpaSettingsOrNone(p *access.PublicAccessBlock) string {
	if p == nil {
		return "none"
	}
	return bpaSettings(p)
}

func bpaSettings(p *access.PublicAccessBlock) string {
	return fmt.Sprintf("BlockPublicAcls=%t IgnorePublicAcls=%t BlockPublicPolicy=%t RestrictPublicBuckets=%t",
		p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets)
}

// publicIssues finds what makes the bucket publicly readable (or
// writable), as S3 Block Public Access defines public, after applying the
// Block Public Access settings in force: RestrictPublicBuckets makes a
// public policy grant nothing outside the account, IgnorePublicAcls or
// disabled ACLs make public grants grant nothing.
func publicIssues(t *Target, write bool) []Issue {
	if slices.Contains(t.Params.PublicBuckets, t.Bucket.Name) {
		return nil
	}
	eff := t.State.Effective()
	var out []Issue
	if !eff.RestrictPublicBuckets && !t.Unread("GetBucketPolicy") {
		switch {
		case t.Policy != nil:
			for _, r := range t.publicReasons() {
				if write && r.Write || !write && r.Read {
					out = append(out, Issue{Evidence: fmt.Sprintf("%s: %s; grants %s", t.Statement(r.Statement), r.Why, strings.Join(r.Actions, ", "))})
				}
			}
		case t.PolicyErr != nil && t.Bucket.PolicyStatus != nil && t.Bucket.PolicyStatus.IsPublic:
			// s3vet cannot read the policy; S3 has judged it public, but
			// does not say for what: the stricter reading raises it as
			// both public read (S3.2) and public write (S3.3).
			out = append(out, Issue{Evidence: "GetBucketPolicyStatus: IsPublic true (s3vet cannot parse the policy to tell read from write, so it counts both: " + t.PolicyErr.Error() + ")"})
		}
	}
	if t.State.ACLsEnabled() && !eff.IgnorePublicAcls && !t.Unread("GetBucketAcl", "GetBucketOwnershipControls") {
		for _, g := range t.State.BucketACL {
			if !g.Public() {
				continue
			}
			r, w := aclReadWrite(g.Permission)
			if write && w || !write && r {
				out = append(out, Issue{Evidence: fmt.Sprintf("ACL grant %s to %s, with ACLs enabled (Object Ownership %s) and IgnorePublicAcls off",
					g.Permission, g.Grantee, t.State.ObjectOwnership)})
			}
		}
	}
	return out
}

// aclReadWrite reports whether an ACL permission lets its grantee read
// (READ lists the objects, READ_ACP reads the ACL) and write (WRITE
// writes and deletes objects, WRITE_ACP rewrites the ACL).
func aclReadWrite(perm string) (read, write bool) {
	switch perm {
	case access.Read, access.ReadACP:
		return true, false
	case access.Write, access.WriteACP:
		return false, true
	case access.FullControl:
		return true, true
	}
	return false, false
}

func externalAccess(t *Target) []Issue {
	if t.Unread("GetBucketPolicy", "GetBucketAcl", "GetBucketOwnershipControls") {
		return nil
	}
	var out []Issue
	for _, f := range t.externalFindings() {
		out = append(out, externalIssue(t, f, ""))
	}
	return out
}

func externalIssue(t *Target, f access.Finding, extra string) Issue {
	who, _ := json.Marshal(f.Principal)
	ev := fmt.Sprintf("%s may %s", who, strings.Join(f.Actions, ", "))
	if len(f.Condition) > 0 {
		c, _ := json.Marshal(f.Condition)
		ev += fmt.Sprintf(" when %s", c)
	}
	if f.Source == "POLICY" {
		ev += "; " + t.Statement(f.Statement)
	} else {
		ev += "; through the bucket ACL"
	}
	is := Issue{Evidence: ev + extra}
	if f.IsPublic {
		is.Severity = High
	}
	return is
}

func aclGrants(t *Target) []Issue {
	if !t.State.ACLsEnabled() || t.Unread("GetBucketAcl", "GetBucketOwnershipControls") {
		return nil
	}
	var out []Issue
	for _, g := range t.State.BucketACL {
		switch {
		case g.Public():
			out = append(out, Issue{Severity: High, Evidence: fmt.Sprintf("grant %s to %s (public)", g.Permission, g.Grantee)})
		case strings.HasSuffix(g.Grantee, access.LogDelivery):
			// S3's log delivery group, which server access logging to
			// this bucket may still need.
		default:
			out = append(out, Issue{Evidence: fmt.Sprintf("grant %s to %s (another account)", g.Permission, g.Grantee)})
		}
	}
	return out
}

func aclsEnabled(t *Target) []Issue {
	if !t.State.ACLsEnabled() || t.Unread("GetBucketOwnershipControls") {
		return nil
	}
	ev := "Object Ownership " + t.Bucket.ObjectOwnership
	if t.Bucket.ObjectOwnership == "" {
		ev = "no ownership controls (S3 applies ObjectWriter)"
	}
	ev += ": ACLs are enabled"
	if n := len(t.State.BucketACL); n > 0 {
		ev += fmt.Sprintf(", and the bucket ACL has %d grant(s) besides the owner's", n)
	}
	return []Issue{{Evidence: ev}}
}

// statementOf returns statement i of the target's parsed policy.
func statementOf(t *Target, i int) *policy.Statement {
	if t.Policy == nil || i < 0 || i >= len(t.Policy.Statements) {
		return nil
	}
	return &t.Policy.Statements[i]
}
