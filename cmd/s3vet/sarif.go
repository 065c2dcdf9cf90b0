package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"strings"
)

// The SARIF 2.1.0 log that s3vet check and s3vet lint write for code
// scanning (OASIS SARIF 2.1.0: runs, tool.driver.rules, results with
// physical and logical locations, partialFingerprints). s3vet scan writes
// its own, in package checks.

type sarifText struct {
	Text string `json:"text"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifRule struct {
	ID               string    `json:"id"`
	ShortDescription sarifText `json:"shortDescription"`
	HelpURI          string    `json:"helpUri,omitempty"`
}

// sarifArtifactOf is the artifact of a file named on the command line:
// relative to the source root, or a file URI when absolute.
func sarifArtifactOf(file string) sarifArtifact {
	if strings.HasPrefix(file, "/") {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: file}).String()}
	}
	return sarifArtifact{URI: (&url.URL{Path: file}).String(), URIBaseID: "%SRCROOT%"}
}

// sarifAt locates a result in file and, when address is not empty, at
// the declaration address names (a Terraform address or a CloudFormation
// logical ID, with the path of the policy within it).
func sarifAt(file, address string) sarifLocation {
	loc := sarifLocation{PhysicalLocation: &sarifPhysical{sarifArtifactOf(file)}}
	if address != "" {
		loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: address, Kind: "declaration"}}
	}
	return loc
}

// sarifFingerprint identifies a result across runs by the parts given,
// under the fingerprint name key.
func sarifFingerprint(key string, parts ...string) map[string]string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return map[string]string{key: hex.EncodeToString(sum[:16])}
}

// writeSARIF writes one run of s3vet with its rules and results.
func writeSARIF(w io.Writer, rules []sarifRule, results []sarifResult) error {
	if results == nil {
		results = []sarifResult{}
	}
	log := map[string]any{
		"version": "2.1.0",
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "s3vet", "version": version(), "informationUri": "https://github.com/s3vet/s3vet",
				"rules": rules,
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
