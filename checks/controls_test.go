package checks_test

import (
	"slices"
	"testing"

	"github.com/s3vet/s3vet/checks"
)

// TestControls holds the built-in checks to the documents they map to.
//
// Severity, AWS Config rule and CIS numbers are those of the AWS Security
// Hub User Guide, "Security Hub CSPM controls for Amazon S3"
// (https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html),
// each control's "Severity", "AWS Config rule" and "Related requirements"
// lines. The CIS numbers differ between versions of the CIS AWS Foundations
// Benchmark: v1.4.0 2.1.2 deny HTTP, 2.1.3 MFA Delete, 2.1.5 Block Public
// Access; v3.0.0 and v5.0.0 2.1.1 deny HTTP, 2.1.2 MFA Delete, 2.1.4 Block
// Public Access (2.1.3, Macie, has no check that S3's APIs can show).
func TestControls(t *testing.T) {
	want := map[string]struct {
		severity checks.Severity
		rule     string
		cis      []string
	}{
		"S3.1":  {checks.Medium, "s3-account-level-public-access-blocks-periodic", []string{"v1.4.0/2.1.5", "v3.0.0/2.1.4", "v5.0.0/2.1.4"}},
		"S3.2":  {checks.Critical, "s3-bucket-public-read-prohibited", nil},
		"S3.3":  {checks.Critical, "s3-bucket-public-write-prohibited", nil},
		"S3.5":  {checks.Medium, "s3-bucket-ssl-requests-only", []string{"v1.4.0/2.1.2", "v3.0.0/2.1.1", "v5.0.0/2.1.1"}},
		"S3.6":  {checks.High, "s3-bucket-blacklisted-actions-prohibited", nil},
		"S3.7":  {checks.Low, "s3-bucket-cross-region-replication-enabled", nil},
		"S3.8":  {checks.High, "s3-bucket-level-public-access-prohibited", []string{"v1.4.0/2.1.5", "v3.0.0/2.1.4", "v5.0.0/2.1.4"}},
		"S3.9":  {checks.Medium, "s3-bucket-logging-enabled", nil},
		"S3.10": {checks.Medium, "s3-version-lifecycle-policy-check", nil},
		"S3.11": {checks.Medium, "s3-event-notifications-enabled", nil},
		"S3.12": {checks.Medium, "s3-bucket-acl-prohibited", nil},
		"S3.13": {checks.Low, "s3-lifecycle-policy-check", nil},
		"S3.14": {checks.Low, "s3-bucket-versioning-enabled", nil},
		"S3.15": {checks.Medium, "s3-bucket-default-lock-enabled", nil},
		"S3.17": {checks.Medium, "s3-default-encryption-kms", nil},
		"S3.19": {checks.Critical, "s3-access-point-public-access-blocks", nil},
		"S3.20": {checks.Low, "s3-bucket-mfa-delete-enabled", []string{"v1.4.0/2.1.3", "v3.0.0/2.1.2", "v5.0.0/2.1.2"}},
	}
	// Checks that map to an AWS Config managed rule of no Security Hub
	// control: AWS Config Developer Guide, s3-access-point-in-vpc-only.
	configOnly := map[string]string{"access-point-vpc": "s3-access-point-in-vpc-only"}
	seen := map[string]bool{}
	for _, c := range checks.NewRegistry().Checks() {
		sh := c.Controls.SecurityHub
		w, ok := want[sh]
		if !ok {
			if sh == "" && len(c.Controls.CIS) == 0 && c.Controls.ConfigRule == configOnly[c.ID] {
				continue
			}
			if sh != "" || c.Controls.ConfigRule != "" || len(c.Controls.CIS) > 0 {
				t.Errorf("check %s maps to controls %+v that the Security Hub S3 controls do not list", c.ID, c.Controls)
			}
			continue
		}
		seen[sh] = true
		if c.ID != sh {
			t.Errorf("check %s maps to Security Hub %s: the ID should be the control's", c.ID, sh)
		}
		if c.Severity != w.severity || c.Controls.ConfigRule != w.rule || !slices.Equal(c.Controls.CIS, w.cis) {
			t.Errorf("%s: severity %s, Config rule %s, CIS %v; the Security Hub User Guide says %s, %s, CIS %v",
				sh, c.Severity, c.Controls.ConfigRule, c.Controls.CIS, w.severity, w.rule, w.cis)
		}
		if c.Doc != shControls+"#s3-"+sh[len("S3."):] {
			t.Errorf("%s: doc %s", sh, c.Doc)
		}
	}
	for sh := range want {
		if !seen[sh] {
			t.Errorf("no check for Security Hub control %s", sh)
		}
	}
}
