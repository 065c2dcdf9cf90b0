package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"strings"

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
	type text struct {
		Text string `json:"text"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	type logical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	type location struct {
		PhysicalLocation *struct {
			ArtifactLocation artifact `json:"artifactLocation"`
		} `json:"physicalLocation,omitempty"`
		LogicalLocations []logical `json:"logicalLocations,omitempty"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		Level               string            `json:"level"`
		Message             text              `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
	}
	type rule struct {
		ID               string `json:"id"`
		ShortDescription text   `json:"shortDescription"`
		HelpURI          string `json:"helpUri"`
	}
	art := artifact{URI: (&url.URL{Path: file}).String(), URIBaseID: "%SRCROOT%"}
	if strings.HasPrefix(file, "/") {
		art = artifact{URI: (&url.URL{Scheme: "file", Path: file}).String()}
	}
	results := []result{}
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
		loc := location{PhysicalLocation: &struct {
			ArtifactLocation artifact `json:"artifactLocation"`
		}{art}}
		if iacInput {
			loc.LogicalLocations = []logical{{FullyQualifiedName: r.Location, Kind: "declaration"}}
		}
		sum := sha256.Sum256([]byte(report.Check + "\x00" + r.Location))
		results = append(results, result{
			RuleID: report.Check, Level: level, Message: text{msg}, Locations: []location{loc},
			PartialFingerprints: map[string]string{"s3vetCheck/v1": hex.EncodeToString(sum[:16])},
		})
	}
	log := map[string]any{
		"version": "2.1.0",
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "s3vet", "version": version(), "informationUri": "https://github.com/s3vet/s3vet",
				"rules": []rule{{ID: report.Check, ShortDescription: text{checkRules[report.Check]},
					HelpURI: "https://pkg.go.dev/github.com/s3vet/s3vet/policy/verify"}},
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
