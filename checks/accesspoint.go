package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// Pages the access point checks cite.
const (
	s3APBPA      = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html"
	s3APVPC      = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html"
	s3APPolicies = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html"
	// s3PublicMeaning is "The meaning of "public"", which judges access
	// point policies as well as bucket policies.
	s3PublicMeaning = s3BPA + "#access-control-block-public-access-policy-status"
)

const fixAllBlocked = "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"

func accessPointChecks() []Check {
	return []Check{
		{
			ID: "S3.19", Title: "S3 access points should have block public access settings enabled",
			Severity: Critical, Doc: sh("S3.19"),
			Controls: Controls{SecurityHub: "S3.19", ConfigRule: "s3-access-point-public-access-blocks"},
			Why: "For a request through an access point, S3 applies the access point's own Block Public Access settings " +
				"as well as the bucket's and the account's: with all four on, the access point can neither be given a public policy " +
				"nor let one grant access outside the account.",
			Fix:         recreateFix(nil),
			AccessPoint: accessPointBPA,
		},
		{
			ID: "access-point-public", Title: "S3 access point policies should not grant public access",
			Severity: Critical, Doc: s3PublicMeaning,
			Why: "The access point policy grants access to anyone with AWS credentials, as S3 Block Public Access defines public, " +
				"and no RestrictPublicBuckets setting of the access point, the bucket or the account stops it: " +
				"whatever the bucket lets through its access points is public through this one.",
			Fix: "Remove the public statement, or fix its principal with a condition such as aws:PrincipalOrgID (PutAccessPointPolicy: " +
				"aws s3control put-access-point-policy --account-id {account} --region {region} --name {accesspoint} --policy file://policy.json); " +
				"or turn RestrictPublicBuckets on for the bucket, which S3 applies to requests through its access points: " + fixBPA + ".",
			AccessPoint: accessPointPublic,
		},
		{
			ID: "access-point-vpc", Title: "S3 access points should accept requests only from a VPC",
			Severity: Medium, Doc: s3APVPC,
			Controls: Controls{ConfigRule: "s3-access-point-in-vpc-only"},
			Why: "An access point of network origin Internet takes requests from anywhere; one of network origin VPC refuses " +
				"every request that does not come from its VPC. Params.VPCAccessPoints names the access points that must be of the latter kind.",
			Fix: "An access point's network origin cannot be changed after it is created (S3 User Guide, \"Creating access points restricted to a virtual private cloud\"): " +
				"create another with a VPC configuration, move its clients and its policy to it, and delete this one: " +
				"aws s3control create-access-point --account-id {account} --region {region} --name NEW-NAME --bucket {bucket} --vpc-configuration VpcId=VPC-ID; " +
				"aws s3control delete-access-point --account-id {account} --region {region} --name {accesspoint}",
			AccessPoint: accessPointVPC,
		},
		{
			ID: "access-point-delegation", Title: "Buckets with access points should delegate access control to them",
			Severity: Low, Doc: s3APPolicies,
			Why: "A request through an access point needs the bucket's permission too. Without a bucket policy statement that delegates " +
				"access control to the account's access points, every permission an access point policy grants must also be granted in the bucket policy, " +
				"where it lets the same principals reach the bucket directly, around the access point's network origin and policy.",
			Fix: `Add the S3 User Guide's delegating statement ("Delegating access control to access points") to the bucket policy (PutBucketPolicy), ` +
				`with its Action narrowed to what the access points serve (the Guide's "*" includes the actions S3.6 forbids to grant to "*", as Security Hub reads the Principal alone): ` +
				`{"Sid":"DelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:ListBucket"],` +
				`"Resource":["arn:{partition}:s3:::{bucket}","arn:{partition}:s3:::{bucket}/*"],` +
				`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"{account}"}}}; then remove the grants that only repeat the access points'.`,
			Bucket: bucketDelegation,
		},
	}
}

// recreateFix is S3.19's fix: an access point's Block Public Access
// settings cannot be changed once it exists ("After you create an access
// point, you can't change its block public access settings": S3 User
// Guide, "Managing public access to access points"), so it is deleted and
// created again, with the same bucket and network origin and all four
// settings on, and its policy put back. ap is nil for the check's default
// fix, with placeholders.
func recreateFix(ap *AccessPoint) string {
	create := "aws s3control create-access-point --account-id {account} --region {region} --name {accesspoint} --bucket {bucket}"
	if ap != nil {
		if ap.BucketAccountID != "" {
			create += " --bucket-account-id " + ap.BucketAccountID
		}
		if ap.VPCOrigin() {
			create += " --vpc-configuration VpcId=" + vpcOrPlaceholder(ap.VPCID)
		}
	}
	fix := "S3 cannot change an access point's Block Public Access settings after it is created: delete the access point and create it again " +
		"with all four settings on (DeleteAccessPoint, CreateAccessPoint): aws s3control delete-access-point --account-id {account} --region {region} --name {accesspoint}; " +
		create + " --public-access-block-configuration " + fixAllBlocked
	if ap == nil || ap.Policy != "" {
		fix += "; then put its policy back: aws s3control put-access-point-policy --account-id {account} --region {region} --name {accesspoint} --policy file://policy.json"
	}
	return fix + ". Requests through the access point fail between the two calls."
}

// vpcOrPlaceholder returns the VPC ID, or a placeholder for an unknown one.
func vpcOrPlaceholder(id string) string {
	if id == "" {
		return "VPC-ID"
	}
	return id
}

// accessPointBPA is S3.19. The AWS Config rule is NON_COMPLIANT "if block
// public access settings are not enabled"; Prowler's equivalent requires
// all four. s3vet takes the stricter reading: the access point fails
// unless all four of its own settings are on. The bucket's and the
// account's settings do not count: the control judges the access point's
// own configuration.
func accessPointBPA(t *AccessPointTarget) []Issue {
	ap := t.AccessPoint
	if slices.Contains(t.Params.PublicAccessPoints, ap.Name) || t.Unread("GetAccessPoint") {
		return nil
	}
	p := t.publicAccessBlock()
	if p.BlockPublicAcls && p.IgnorePublicAcls && p.BlockPublicPolicy && p.RestrictPublicBuckets {
		return nil
	}
	return []Issue{{
		Evidence: t.name() + ": Block Public Access " + bpaSettings(p),
		Fix:      recreateFix(ap),
	}}
}

// accessPointPublic reports an access point whose policy is public as S3
// judges access point policies (package public's AnalyzeAccessPoint: never
// public for network origin VPC; a wildcard in s3:DataAccessPointArn does
// not fix the caller), unless RestrictPublicBuckets is in force for
// requests through it. "For any request made through an access point,
// Amazon S3 evaluates the block public access settings for that access
// point, the underlying bucket, and the bucket owner's account" (S3 User
// Guide, "Managing public access to access points"), so the setting counts
// from any of the three; the settings of a bucket that is not in the
// snapshot, and of another account's, are unknown and counted as off.
func accessPointPublic(t *AccessPointTarget) []Issue {
	ap := t.AccessPoint
	if slices.Contains(t.Params.PublicAccessPoints, ap.Name) || t.Unread("GetAccessPointPolicy") {
		return nil
	}
	restricted, off := t.restrictPublic()
	if restricted {
		return nil
	}
	var out []Issue
	switch {
	case t.Policy != nil:
		for _, r := range public.AnalyzeAccessPoint(t.Policy, ap.VPCOrigin()).Reasons {
			out = append(out, Issue{Evidence: fmt.Sprintf("%s: %s: %s; grants %s; %s",
				t.name(), t.Statement(r.Statement), r.Why, strings.Join(r.Actions, ", "), off)})
		}
	case t.PolicyErr != nil && !ap.VPCOrigin() && ap.PolicyStatus != nil && ap.PolicyStatus.IsPublic:
		// s3vet cannot read the policy; S3 has judged it.
		out = append(out, Issue{Evidence: t.name() + ": GetAccessPointPolicyStatus: IsPublic true (s3vet cannot parse the policy: " +
			t.PolicyErr.Error() + "); " + off})
	}
	return out
}

// restrictPublic reports whether RestrictPublicBuckets is on for requests
// through the access point, from the access point, its bucket or the
// bucket owner's account; when it is not, off says where it was looked
// for, in words for evidence.
func (t *AccessPointTarget) restrictPublic() (restricted bool, off string) {
	ap := t.AccessPoint
	p := t.publicAccessBlock()
	if p != nil && p.RestrictPublicBuckets {
		return true, ""
	}
	off = "RestrictPublicBuckets is off for the access point"
	if p == nil {
		off = "the access point's settings are unknown (GetAccessPoint failed), RestrictPublicBuckets is off"
	}
	switch {
	case !ap.ownBucket(t.Snapshot.Account.ID):
		return false, off + ", and the settings of the bucket and of its account " + ap.BucketAccountID + " are not in the snapshot"
	case t.Bucket != nil:
		if eff := t.Bucket.State.Effective(); eff.RestrictPublicBuckets {
			return true, ""
		}
		return false, off + " and for the bucket and the account"
	}
	if a := t.Snapshot.Account.PublicAccessBlock; a != nil && a.RestrictPublicBuckets {
		return true, ""
	}
	return false, off + " and for the account, and the bucket is not in the snapshot"
}

// accessPointVPC reports an access point of network origin Internet whose
// name Params.VPCAccessPoints matches (AWS Config's
// s3-access-point-in-vpc-only: "NON_COMPLIANT if NetworkOrigin is
// Internet"), for the access points that must be reached from a VPC only.
func accessPointVPC(t *AccessPointTarget) []Issue {
	ap := t.AccessPoint
	if ap.VPCOrigin() || t.Unread("GetAccessPoint") && ap.NetworkOrigin == "" {
		return nil
	}
	i := slices.IndexFunc(t.Params.VPCAccessPoints, func(p string) bool { return globMatch(p, ap.Name) })
	if i < 0 {
		return nil
	}
	origin := ap.NetworkOrigin
	if origin == "" {
		origin = "Internet"
	}
	return []Issue{{Evidence: fmt.Sprintf("%s: network origin %s, while VPCAccessPoints %q requires VPC", t.name(), origin, t.Params.VPCAccessPoints[i])}}
}

// bucketDelegation reports a bucket with access points of the account
// whose bucket policy does not delegate access control to them: no Allow
// statement with a condition on s3:DataAccessPointAccount or
// s3:DataAccessPointArn that admits them (S3 User Guide, "Configuring IAM
// policies for using access points" > "Delegating access control to
// access points").
func bucketDelegation(t *Target) []Issue {
	aps := t.env.apsOf[t.Bucket.Name]
	if len(aps) == 0 || t.Unread("GetBucketPolicy") || t.PolicyErr != nil {
		return nil
	}
	var names []string
	for _, i := range aps {
		if ap := t.env.accessPoint(i); !t.delegates(ap) {
			names = append(names, ap.AccessPoint.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	ev := fmt.Sprintf("no delegation to access point(s) %s (%d of the bucket's %d): ", strings.Join(names, ", "), len(names), len(aps))
	if t.Policy == nil {
		return []Issue{{Evidence: ev + "the bucket has no policy"}}
	}
	return []Issue{{Evidence: ev + "no Allow statement of the bucket policy has a condition on " +
		"s3:DataAccessPointAccount or s3:DataAccessPointArn that admits them"}}
}

// delegates reports whether an Allow statement of the bucket policy
// delegates to the access point: it has a condition on
// s3:DataAccessPointAccount that admits the access point's account, or on
// s3:DataAccessPointArn that admits its ARN.
func (t *Target) delegates(ap *AccessPointTarget) bool {
	if t.Policy == nil {
		return false
	}
	for i := range t.Policy.Statements {
		st := &t.Policy.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		for _, c := range st.Conditions {
			switch {
			case strings.EqualFold(c.Key, "s3:DataAccessPointAccount") && conditionAdmits(c, t.Owner()):
				return true
			case strings.EqualFold(c.Key, "s3:DataAccessPointArn") && conditionAdmits(c, ap.ARN):
				return true
			}
		}
	}
	return false
}

// conditionAdmits reports whether a condition of a positive string or ARN
// operator (StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals,
// ArnLike, with or without IfExists and a set operator) has a value that
// v matches. The Like and Arn operators take * and ? as wildcards.
func conditionAdmits(c policy.Condition, v string) bool {
	op := strings.ToLower(c.Operator)
	if _, after, ok := strings.Cut(op, ":"); ok {
		op = after
	}
	op = strings.TrimSuffix(op, "ifexists")
	for _, want := range c.Values {
		switch op {
		case "stringequals":
			if want == v {
				return true
			}
		case "stringequalsignorecase":
			if strings.EqualFold(want, v) {
				return true
			}
		case "stringlike", "arnequals", "arnlike":
			if globMatch(want, v) {
				return true
			}
		}
	}
	return false
}
