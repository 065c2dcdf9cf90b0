package checks

import (
	"slices"
	"strings"
)

// Pages the built-in checks cite.
const (
	shControls   = "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html"
	s3BPA        = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"
	s3Ownership  = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html"
	s3Security   = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html"
	s3TLS        = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"
	s3Logs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"
	s3BucketKey  = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html"
	s3SSEC       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html"
	s3KMS        = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"
	s3SigAge     = "https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html"
	s3ACLs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"
	iamAnalyzer  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html"
	iamNotPrinc  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"
	iamValidate  = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"
	s3Perms      = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"
	s3ReadErrors = "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"
)

func sh(id string) string { return shControls + "#s3-" + strings.TrimPrefix(id, "S3.") }

// builtin returns the built-in checks, in the order they run.
func builtin() []Check {
	return slices.Concat(
		[]Check{readErrorCheck()},
		publicChecks(),
		accessPointChecks(),
		policyChecks(),
		encryptionChecks(),
		dataChecks(),
	)
}

// readErrorCheck turns every call Collect could not make into a finding:
// a scan that cannot read a configuration does not pass it.
func readErrorCheck() Check {
	return Check{
		ID:       "read-error",
		Title:    "Configuration could not be read",
		Severity: Medium,
		Doc:      s3ReadErrors,
		Why: "s3vet could not read this configuration, so the checks that need it did not run: " +
			"the resource may break them unseen.",
		Account:     func(s *Snapshot, _ *Params) []Issue { return readIssues(s.Account.Errors, true) },
		Bucket:      func(t *Target) []Issue { return readIssues(t.Bucket.Errors, false) },
		AccessPoint: func(t *AccessPointTarget) []Issue { return readIssues(t.AccessPoint.Errors, false) },
	}
}

// readIssues makes one issue of the calls that failed with the same error,
// such as every call to a bucket of another Region.
func readIssues(errs []ReadError, account bool) []Issue {
	var out []Issue
	var calls [][]string
	var seen []ReadError
	for _, e := range errs {
		i := slices.IndexFunc(seen, func(s ReadError) bool { return s.Code == e.Code && s.Message == e.Message })
		if i < 0 {
			seen, calls = append(seen, e), append(calls, nil)
			i = len(seen) - 1
		}
		calls[i] = append(calls[i], e.Call)
	}
	for i, e := range seen {
		e.Call = strings.Join(calls[i], ", ")
		out = append(out, Issue{Evidence: e.String(), Fix: readFix(seen[i], account, calls[i])})
	}
	return out
}

// iamActions maps each S3 call Collect makes to the IAM action it needs.
var iamActions = map[string]string{
	"ListBuckets":                        "s3:ListAllMyBuckets",
	"GetBucketLocation":                  "s3:GetBucketLocation",
	"HeadBucket":                         "s3:ListBucket",
	"GetBucketPolicy":                    "s3:GetBucketPolicy",
	"GetBucketPolicyStatus":              "s3:GetBucketPolicyStatus",
	"GetBucketAcl":                       "s3:GetBucketAcl",
	"GetPublicAccessBlock":               "s3:GetBucketPublicAccessBlock",
	"GetBucketOwnershipControls":         "s3:GetBucketOwnershipControls",
	"GetBucketEncryption":                "s3:GetEncryptionConfiguration",
	"GetBucketVersioning":                "s3:GetBucketVersioning",
	"GetBucketLogging":                   "s3:GetBucketLogging",
	"GetBucketLifecycleConfiguration":    "s3:GetLifecycleConfiguration",
	"GetObjectLockConfiguration":         "s3:GetBucketObjectLockConfiguration",
	"GetBucketReplication":               "s3:GetReplicationConfiguration",
	"GetBucketNotificationConfiguration": "s3:GetBucketNotification",
	"GetBucketWebsite":                   "s3:GetBucketWebsite",
	"GetBucketTagging":                   "s3:GetBucketTagging",
	"ListAccessPoints":                   "s3:ListAccessPoints",
	"GetAccessPoint":                     "s3:GetAccessPoint",
	"GetAccessPointPolicy":               "s3:GetAccessPointPolicy",
	"GetAccessPointPolicyStatus":         "s3:GetAccessPointPolicyStatus",
}

func readFix(e ReadError, account bool, calls []string) string {
	switch classify(e.Code) {
	case kindDenied:
		var actions []string
		for _, c := range calls {
			a := iamActions[c]
			if account && c == "GetPublicAccessBlock" {
				a = "s3:GetAccountPublicAccessBlock"
			}
			if a != "" && !slices.Contains(actions, a) {
				actions = append(actions, a)
			}
		}
		action := strings.Join(actions, ", ")
		if action == "" {
			action = "the read-only S3 permissions"
		}
		return "Allow the scanning principal " + action + " (the AWS managed policy SecurityAudit has it), " +
			"and check that no bucket policy, SCP or RCP denies it; then scan again."
	case kindRedirect:
		return "The bucket is in another Region than the client: give Collect a client for each Region " +
			"(CollectOptions.Regional; s3vet scan does), or scan with --region set to the bucket's Region."
	case kindThrottled:
		return "S3 throttled the scan after the SDK's retries: scan again with less concurrency (--concurrency)."
	}
	return "Scan again; if the error persists, read the bucket's configuration with the call named in the evidence."
}
