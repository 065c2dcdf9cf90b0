package checks

import (
	"fmt"
	"strings"
)

// A Finding is one thing wrong with one resource: which check found it,
// where, the evidence, why it matters and how to fix it.
type Finding struct {
	// Check is the stable ID of the check, such as "S3.5" or
	// "external-access".
	Check    string   `json:"check"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	// Resource is the ARN of the bucket or access point, or for an
	// account-level finding the account as Security Hub names it
	// ("AWS::::Account:111122223333").
	Resource string `json:"resource"`
	// Bucket is the bucket of a bucket's finding; empty for the account's
	// and an access point's. Region is the bucket's or access point's.
	Bucket string `json:"bucket,omitempty"`
	Region string `json:"region,omitempty"`
	// Evidence quotes what the check saw: the policy statement, the ACL
	// grant or the setting.
	Evidence string `json:"evidence"`
	// Why says why it matters.
	Why string `json:"why"`
	// Fix is the exact API call, CLI command or policy statement that
	// fixes it.
	Fix      string   `json:"fix"`
	Controls Controls `json:"controls,omitzero"`
	// Doc is the AWS page that explains the check.
	Doc string `json:"doc,omitempty"`
	// Location is where the resource is declared, when the findings were
	// judged from infrastructure as code: a Terraform resource address or
	// a CloudFormation logical ID (package iac); empty otherwise.
	Location string `json:"location,omitempty"`
}

// Controls are the controls of compliance frameworks a check maps to.
type Controls struct {
	// SecurityHub is the AWS Security Hub control ID of the AWS
	// Foundational Security Best Practices standard, such as "S3.5".
	SecurityHub string `json:"securityHub,omitempty"`
	// CIS lists the CIS AWS Foundations Benchmark recommendations, as
	// "v3.0.0/2.1.1".
	CIS []string `json:"cis,omitempty"`
	// ConfigRule is the AWS Config managed rule, such as
	// "s3-bucket-ssl-requests-only".
	ConfigRule string `json:"configRule,omitempty"`
}

// Severity is how bad a finding is, in Security Hub's labels.
type Severity string

// The severities, most severe first.
const (
	Critical      Severity = "CRITICAL"
	High          Severity = "HIGH"
	Medium        Severity = "MEDIUM"
	Low           Severity = "LOW"
	Informational Severity = "INFORMATIONAL"
)

// Rank orders severities: 4 for Critical down to 0 for Informational, and
// -1 for a severity this package does not know.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	case Informational:
		return 0
	}
	return -1
}

// ParseSeverity reads a severity, case-insensitively ("high", "HIGH").
func ParseSeverity(s string) (Severity, error) {
	sev := Severity(strings.ToUpper(strings.TrimSpace(s)))
	if sev.Rank() < 0 {
		return "", fmt.Errorf("checks: unknown severity %q (want critical, high, medium, low or informational)", s)
	}
	return sev, nil
}

// AtLeast returns the findings of severity min or worse.
func AtLeast(fs []Finding, min Severity) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Severity.Rank() >= min.Rank() {
			out = append(out, f)
		}
	}
	return out
}
