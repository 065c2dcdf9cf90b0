package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
)

// SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html):
// only the parts s3vet fills.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      *sarifText     `json:"fullDescription,omitempty"`
	Help                 *sarifText     `json:"help,omitempty"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s Severity) string {
	switch s {
	case Critical, High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is the score code scanning tools rank security results
// by (GitHub: 9.0 and up critical, 7.0 high, 4.0 medium, below low).
func securitySeverity(s Severity) string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	case Low:
		return "3.0"
	}
	return "0.0"
}

// WriteSARIF writes the findings as a SARIF 2.1.0 log, so that code
// scanning tools show them. cs describe the rules; every check with a
// finding gets a rule, from cs when it is there.
func WriteSARIF(w io.Writer, fs []Finding, cs []Check) error {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: "s3vet", InformationURI: "https://github.com/s3vet/s3vet", Rules: []sarifRule{}}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	addRule := func(c Check) {
		if _, ok := index[c.ID]; ok {
			return
		}
		index[c.ID] = len(run.Tool.Driver.Rules)
		r := sarifRule{
			ID: c.ID, Name: ruleName(c.Title), ShortDescription: sarifText{c.Title}, HelpURI: c.Doc,
			DefaultConfiguration: sarifConfig{sarifLevel(c.Severity)},
			Properties:           map[string]any{"security-severity": securitySeverity(c.Severity), "tags": ruleTags(c.Controls)},
		}
		if c.Why != "" {
			r.FullDescription = &sarifText{c.Why}
		}
		if c.Fix != "" {
			r.Help = &sarifText{strings.NewReplacer("{bucket}", "BUCKET", "{account}", "ACCOUNT-ID", "{partition}", "aws").Replace(c.Fix)}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, r)
	}
	for _, c := range cs {
		addRule(c)
	}
	for _, f := range fs {
		addRule(Check{ID: f.Check, Title: f.Title, Severity: f.Severity, Controls: f.Controls, Doc: f.Doc, Why: f.Why})
		uri := f.Resource
		if f.Bucket != "" {
			uri = "s3://" + f.Bucket
		}
		sum := sha256.Sum256([]byte(f.Check + "\x00" + f.Resource + "\x00" + f.Evidence))
		run.Results = append(run.Results, sarifResult{
			RuleID: f.Check, RuleIndex: index[f.Check], Level: sarifLevel(f.Severity),
			Message: sarifText{f.Title + ": " + f.Evidence + ". Fix: " + f.Fix},
			Locations: []sarifLocation{{
				PhysicalLocation: sarifPhysical{sarifArtifact{uri}},
				LogicalLocations: []sarifLogical{{FullyQualifiedName: f.Resource, Kind: "resource"}},
			}},
			PartialFingerprints: map[string]string{"s3vetFinding/v1": hex.EncodeToString(sum[:16])},
			Properties:          map[string]any{"severity": string(f.Severity), "security-severity": securitySeverity(f.Severity)},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{run}})
}

// ruleName writes a title as the PascalCase name SARIF rules carry.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func ruleTags(c Controls) []string {
	tags := []string{"security", "aws", "s3"}
	if c.SecurityHub != "" {
		tags = append(tags, "securityhub:"+c.SecurityHub)
	}
	for _, cis := range c.CIS {
		tags = append(tags, "cis-aws-foundations:"+cis)
	}
	if c.ConfigRule != "" {
		tags = append(tags, "config-rule:"+c.ConfigRule)
	}
	return tags
}
