package main

import (
	"io"

	"github.com/s3vet/s3vet/policy/verify"
)

// checkRules describes the checks as SARIF rules.
var checkRules = map[string]string{
	"no-new-access":      "The new policy grants access the old one did not",
	"access-not-granted": "The policy grants access it must not",
	"no-public-access":   "The bucket policy grants public access",
}

// writeCheckSARIF writes the results that are not PASS as a SARIF 2.1.0
// log for code scanning: a FAIL as an error, an UNKNOWN as a warning,
// each located in file (the policy, plan or template) and, for a plan or
// template, at the policy's address.
func writeCheckSARIF(w io.Writer, report checkReport, file string, iacInput bool) error {
	var results []sarifResult
	for _, r := range report.Results {
		if r.Verdict == verify.Pass {
			continue
		}
		level, msg := "error", r.Reason
		if r.Verdict == verify.Unknown {
			level, msg = "warning", "UNKNOWN: "+r.Reason
		}
		if r.Witness != nil {
			msg += ": " + r.Witness.String()
		}
		address := ""
		if iacInput {
			address = r.Location
		}
		results = append(results, sarifResult{
			RuleID: report.Check, Level: level, Message: sarifText{msg}, Locations: []sarifLocation{sarifAt(file, address)},
			PartialFingerprints: sarifFingerprint("s3vetCheck/v1", report.Check, r.Location),
		})
	}
	rules := []sarifRule{{ID: report.Check, ShortDescription: sarifText{checkRules[report.Check]},
		HelpURI: "https://pkg.go.dev/github.com/s3vet/s3vet/policy/verify"}}
	return writeSARIF(w, rules, results)
}
