package checks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
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
	Version        string      `json:"version,omitempty"`
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
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name               string `json:"name,omitempty"`
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

// SARIFOptions are what WriteSARIF needs besides the findings and checks.
type SARIFOptions struct {
	// Version is the version of the tool that judged, written as the
	// driver's version (SARIF 2.1.0, section 3.19.2).
	Version string
	// File is the file the findings were judged from, such as the snapshot
	// of `s3vet scan --snapshot FILE`: a path relative to the root of the
	// repository, with forward slashes. When it is set, every result is
	// located in File (a physicalLocation, 3.29), at the line Lines gives
	// for its bucket or account (a region's startLine, 3.30; no region
	// where Lines has no line for it). When it is
	// empty, as in a scan of a live account, a result's only location is
	// its resource's ARN as a logicalLocation (3.33): there is no file a
	// repository could show.
	File string
	// Lines are where File describes the account and each bucket, as
	// [FindSnapshotLines] finds them in a snapshot.
	Lines SnapshotLines
}

// SnapshotLines are the lines (from 1) of a snapshot's JSON where the
// account's object, each bucket's object and each access point's object
// begin; 0 where not known.
type SnapshotLines struct {
	Account int
	// Buckets holds the line of each bucket's entry in "buckets", by
	// name; the first, for a name given twice.
	Buckets map[string]int
	// AccessPoints holds the line of each access point's entry in the
	// account's "accessPoints", by the ARN it gives; an access point
	// without one is located at the account.
	AccessPoints map[string]int
}

// FindSnapshotLines finds where the snapshot data, as ReadSnapshot reads
// it, describes the account, each bucket and each access point, for
// [SARIFOptions].Lines.
func FindSnapshotLines(data []byte) (SnapshotLines, error) {
	l := SnapshotLines{Buckets: map[string]int{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	// lineAt is the line of the first value after the decoder's offset:
	// past blanks, the colon after a key and the comma between elements.
	// The offset only grows, so the lines are counted once.
	counted, line := 0, 1
	lineAt := func() int {
		off := int(dec.InputOffset())
		for off < len(data) && strings.IndexByte(" \t\r\n:,", data[off]) >= 0 {
			off++
		}
		if off > counted {
			line += bytes.Count(data[counted:off], []byte("\n"))
			counted = off
		}
		return line
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return l, errors.New("checks: snapshot lines: not a JSON object")
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return l, fmt.Errorf("checks: snapshot lines: %w", err)
		}
		switch key {
		case "account":
			l.Account = lineAt()
			if err := sarifAccountLines(dec, lineAt, &l.AccessPoints); err != nil {
				return l, err
			}
			continue
		case "buckets":
			if err := sarifBucketLines(dec, lineAt, l.Buckets); err != nil {
				return l, err
			}
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return l, fmt.Errorf("checks: snapshot lines: %w", err)
		}
	}
	return l, nil
}

// sarifAccountLines reads the account object, noting the line of each of
// its access points.
func sarifAccountLines(dec *json.Decoder, lineAt func() int, lines *map[string]int) error {
	switch t, err := dec.Token(); {
	case err != nil:
		return fmt.Errorf("checks: snapshot lines: %w", err)
	case t == nil:
		return nil // "account": null
	case t != json.Delim('{'):
		return fmt.Errorf("checks: snapshot lines: account: want an object, got %v", t)
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return fmt.Errorf("checks: snapshot lines: %w", err)
		}
		if key == "accessPoints" {
			if err := sarifAccessPointLines(dec, lineAt, lines); err != nil {
				return err
			}
			continue
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fmt.Errorf("checks: snapshot lines: %w", err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("checks: snapshot lines: %w", err)
	}
	return nil
}

// sarifBucketLines reads the buckets array, noting the line of each.
func sarifBucketLines(dec *json.Decoder, lineAt func() int, lines map[string]int) error {
	switch t, err := dec.Token(); {
	case err != nil:
		return fmt.Errorf("checks: snapshot lines: %w", err)
	case t == nil:
		return nil // "buckets": null
	case t != json.Delim('['):
		return fmt.Errorf("checks: snapshot lines: buckets: want an array, got %v", t)
	}
	for dec.More() {
		line := lineAt()
		var b struct {
			Name string `json:"name"`
		}
		if err := dec.Decode(&b); err != nil {
			return fmt.Errorf("checks: snapshot lines: %w", err)
		}
		if _, ok := lines[b.Name]; !ok {
			lines[b.Name] = line
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("checks: snapshot lines: %w", err)
	}
	return nil
}

// sarifAccessPointLines reads the account's accessPoints array, noting
// the line of each access point that gives its ARN.
func sarifAccessPointLines(dec *json.Decoder, lineAt func() int, lines *map[string]int) error {
	switch t, err := dec.Token(); {
	case err != nil:
		return fmt.Errorf("checks: snapshot lines: %w", err)
	case t == nil:
		return nil // "accessPoints": null
	case t != json.Delim('['):
		return fmt.Errorf("checks: snapshot lines: accessPoints: want an array, got %v", t)
	}
	for dec.More() {
		line := lineAt()
		var ap struct {
			ARN string `json:"arn"`
		}
		if err := dec.Decode(&ap); err != nil {
			return fmt.Errorf("checks: snapshot lines: %w", err)
		}
		if ap.ARN == "" {
			continue
		}
		if *lines == nil {
			*lines = map[string]int{}
		}
		if _, ok := (*lines)[ap.ARN]; !ok {
			(*lines)[ap.ARN] = line
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("checks: snapshot lines: %w", err)
	}
	return nil
}

// fingerprintKey names the partialFingerprints entry (SARIF 2.1.0,
// 3.27.17). Version 2 is derived from the check and the resource only;
// version 1 also hashed the evidence, so that rewording it, or a change in
// what it quotes, made a new alert of an old finding. A key names how its
// value is computed, so values computed differently get another key rather
// than being compared with version 1's.
const fingerprintKey = "s3vetFinding/v2"

// fingerprint identifies a finding across runs: its check, its resource,
// and, for the second and later findings of one check on one resource
// (such as two policy-lint findings of one bucket policy), their rank
// among them, so that they stay apart.
func fingerprint(f *Finding, rank int) string {
	s := f.Check + "\x00" + f.Resource
	if rank > 0 {
		s += "\x00" + strconv.Itoa(rank)
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// WriteSARIF writes the findings as a SARIF 2.1.0 log, so that code
// scanning tools show them. cs describe the rules; every check with a
// finding gets a rule, from cs when it is there. o gives the tool's
// version and, when the findings were judged from a file, the file and
// lines to locate them at.
//
// Each result carries a partial fingerprint, "s3vetFinding/v2", derived
// from its check and resource only, so that code scanning matches a
// finding with the same finding of earlier runs even when its evidence
// reads differently.
func WriteSARIF(w io.Writer, fs []Finding, cs []Check, o SARIFOptions) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "s3vet", Version: o.Version,
			InformationURI: "https://github.com/s3vet/s3vet", Rules: []sarifRule{}}},
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
			r.Help = &sarifText{strings.NewReplacer("{bucket}", "BUCKET", "{account}", "ACCOUNT-ID", "{partition}", "aws",
				"{accesspoint}", "ACCESS-POINT", "{region}", "REGION").Replace(c.Fix)}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, r)
	}
	for _, c := range cs {
		addRule(c)
	}
	ranks := map[[2]string]int{}
	for i := range fs {
		f := &fs[i]
		addRule(Check{ID: f.Check, Title: f.Title, Severity: f.Severity, Controls: f.Controls, Doc: f.Doc, Why: f.Why})
		rank := ranks[[2]string{f.Check, f.Resource}]
		ranks[[2]string{f.Check, f.Resource}]++
		run.Results = append(run.Results, sarifResult{
			RuleID: f.Check, RuleIndex: index[f.Check], Level: sarifLevel(f.Severity),
			Message:             sarifText{f.Title + ": " + f.Evidence + ". Fix: " + f.Fix},
			Locations:           []sarifLocation{o.location(f)},
			PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f, rank)},
			Properties:          map[string]any{"severity": string(f.Severity), "security-severity": securitySeverity(f.Severity)},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{run}})
}

// location is where a finding is: its resource, by ARN, and when the
// findings were judged from a file, the line of the file that describes
// the resource.
func (o *SARIFOptions) location(f *Finding) sarifLocation {
	l := sarifLocation{LogicalLocations: []sarifLogical{{Name: f.Bucket, FullyQualifiedName: f.Resource, Kind: "resource"}}}
	if f.Location != "" {
		// The resource of the infrastructure as code that declares it.
		l.LogicalLocations = append(l.LogicalLocations, sarifLogical{FullyQualifiedName: f.Location, Kind: "declaration"})
	}
	if o.File == "" {
		return l
	}
	p := &sarifPhysical{ArtifactLocation: sarifArtifactFor(o.File)}
	line := o.Lines.Account
	if f.Bucket != "" {
		line = o.Lines.Buckets[f.Bucket]
	} else if l, ok := o.Lines.AccessPoints[f.Resource]; ok {
		line = l
	}
	if line > 0 {
		p.Region = &sarifRegion{StartLine: line}
	}
	l.PhysicalLocation = p
	return l
}

// sarifArtifactFor writes a file's path as an artifactLocation (3.4): a
// relative path as a relative reference from the root of the sources
// (%SRCROOT%, as code scanning tools read it), an absolute one as a file
// URI, percent-encoded either way.
func sarifArtifactFor(file string) sarifArtifact {
	if strings.HasPrefix(file, "/") {
		return sarifArtifact{URI: (&url.URL{Scheme: "file", Path: file}).String()}
	}
	return sarifArtifact{URI: (&url.URL{Path: file}).String(), URIBaseID: "%SRCROOT%"}
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
