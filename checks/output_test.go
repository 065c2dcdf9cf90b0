package checks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/checks"
)

func failingRun(t *testing.T) (*checks.Snapshot, []checks.Finding) {
	t.Helper()
	s := readFixture(t, "S3.2.json")
	fs := checks.Run(s, checks.Options{})
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	return s, fs
}

// sarifLog is the part of a SARIF log the tests read.
type sarifLog struct {
	Version string `json:"version"`
	Schema  string `json:"$schema"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string         `json:"id"`
					ShortDescription map[string]any `json:"shortDescription"`
					HelpURI          string         `json:"helpUri"`
					Properties       map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []sarifResult `json:"results"`
	} `json:"runs"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             map[string]string `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations"`
}

type sarifPhysical struct {
	ArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	} `json:"artifactLocation"`
	Region *struct {
		StartLine int `json:"startLine"`
	} `json:"region,omitempty"`
}

type sarifLogical struct {
	Name               string `json:"name,omitempty"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// writeSARIF writes the findings as SARIF and reads the log back.
func writeSARIF(t *testing.T, fs []checks.Finding, cs []checks.Check, o checks.SARIFOptions) sarifLog {
	t.Helper()
	var b bytes.Buffer
	if err := checks.WriteSARIF(&b, fs, cs, o); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs", len(log.Runs))
	}
	return log
}

// sarifOptions locates findings in a snapshot file of the data, as
// s3vet scan --snapshot does: the lines of every snapshot ReadSnapshot
// reads can be found.
func sarifOptions(t *testing.T, data []byte) checks.SARIFOptions {
	t.Helper()
	lines, err := checks.FindSnapshotLines(data)
	if err != nil {
		t.Fatalf("FindSnapshotLines of a snapshot ReadSnapshot reads: %v", err)
	}
	return checks.SARIFOptions{Version: "devel", File: "snapshot.json", Lines: lines}
}

// TestSARIF checks the log against what the SARIF 2.1.0 specification
// requires (OASIS, sections 3.13 sarifLog, 3.14 run, 3.18 tool, 3.19
// toolComponent, 3.49 reportingDescriptor, 3.27 result, 3.28 location), and
// what code scanning needs to place and rank results.
func TestSARIF(t *testing.T) {
	_, fs := failingRun(t)
	log := writeSARIF(t, fs, checks.NewRegistry().Checks(), checks.SARIFOptions{Version: "v1.2.3"})
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-schema-2.1.0") {
		t.Fatalf("version %q schema %q", log.Version, log.Schema)
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "s3vet" || len(run.Tool.Driver.Rules) < len(checks.NewRegistry().Checks()) {
		t.Fatalf("driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
	}
	// 3.19.2: the version of the tool, as it writes its versions.
	if run.Tool.Driver.Version != "v1.2.3" {
		t.Errorf("driver.version %q, want v1.2.3", run.Tool.Driver.Version)
	}
	ids := map[string]bool{}
	for _, r := range run.Tool.Driver.Rules {
		if r.ID == "" || r.ShortDescription["text"] == "" || r.HelpURI == "" || r.Properties["security-severity"] == nil {
			t.Errorf("rule %+v", r)
		}
		if ids[r.ID] {
			t.Errorf("rule %s twice", r.ID)
		}
		ids[r.ID] = true
	}
	if len(run.Results) != len(fs) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(fs))
	}
	for i, r := range run.Results {
		if r.RuleIndex == nil || run.Tool.Driver.Rules[*r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d: ruleIndex does not point at rule %s", i, r.RuleID)
		}
		switch r.Level {
		case "error", "warning", "note", "none":
		default:
			t.Errorf("result %d: level %q", i, r.Level)
		}
		if r.Message["text"] == "" || len(r.Locations) != 1 || len(r.Locations[0].LogicalLocations) != 1 ||
			r.Locations[0].LogicalLocations[0].FullyQualifiedName != fs[i].Resource || r.PartialFingerprints["s3vetFinding/v2"] == "" {
			t.Errorf("result %d: %+v", i, r)
		}
	}
}

// TestSARIFFingerprints: a finding's partialFingerprints (SARIF 2.1.0,
// 3.27.17) stay the same across runs for the same check and resource, even
// when the evidence reads differently, and differ otherwise, also between
// two findings of one check on one resource in a run.
func TestSARIFFingerprints(t *testing.T) {
	bucket := func(check, name, evidence string) checks.Finding {
		return checks.Finding{Check: check, Title: "t", Severity: checks.High, Resource: "arn:aws:s3:::" + name, Bucket: name, Evidence: evidence}
	}
	print := func(fs ...checks.Finding) []string {
		var out []string
		for _, r := range writeSARIF(t, fs, nil, checks.SARIFOptions{}).Runs[0].Results {
			if len(r.PartialFingerprints) != 1 || r.PartialFingerprints["s3vetFinding/v2"] == "" {
				t.Fatalf("partialFingerprints %v", r.PartialFingerprints)
			}
			out = append(out, r.PartialFingerprints["s3vetFinding/v2"])
		}
		return out
	}
	a := print(bucket("S3.5", "logs", "statement 0 allows HTTP"))[0]
	for _, tc := range []struct {
		name string
		f    checks.Finding
		same bool
	}{
		{"other evidence", bucket("S3.5", "logs", "the policy has no Deny of aws:SecureTransport false"), true},
		{"other check", bucket("S3.14", "logs", "statement 0 allows HTTP"), false},
		{"other bucket", bucket("S3.5", "logs2", "statement 0 allows HTTP"), false},
		{"the account", checks.Finding{Check: "S3.5", Resource: "AWS::::Account:111122223333", Evidence: "statement 0 allows HTTP"}, false},
	} {
		if got := print(tc.f)[0]; (got == a) != tc.same {
			t.Errorf("%s: fingerprint %s, first %s; want same %v", tc.name, got, a, tc.same)
		}
	}
	// Two findings of one check on one bucket (two lint findings of one
	// policy) stay two alerts; the first keeps the fingerprint it has alone.
	two := print(bucket("S3.5", "logs", "first"), bucket("S3.5", "logs", "second"))
	if two[0] != a || two[1] == a {
		t.Errorf("two findings of S3.5 on logs: %v; want %s and another", two, a)
	}
}

// TestSARIFSnapshotLocations: findings judged from a snapshot file are
// located in that file (SARIF 2.1.0, 3.29 physicalLocation), at the line
// where the bucket's entry, or the account's object, begins (3.30 region),
// as code scanning needs to show them.
func TestSARIFSnapshotLocations(t *testing.T) {
	const file = "testdata/S3.2.json"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := checks.ReadSnapshot(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	fs := checks.Run(s, checks.Options{})
	lines, err := checks.FindSnapshotLines(data)
	if err != nil {
		t.Fatal(err)
	}
	log := writeSARIF(t, fs, nil, checks.SARIFOptions{Version: "devel", File: "checks/" + file, Lines: lines})
	text := strings.Split(string(data), "\n")
	account := false
	for i, r := range log.Runs[0].Results {
		f := fs[i]
		p := r.Locations[0].PhysicalLocation
		if p == nil || p.ArtifactLocation.URI != "checks/testdata/S3.2.json" || p.ArtifactLocation.URIBaseID != "%SRCROOT%" || p.Region == nil {
			t.Fatalf("result %d (%s %s): physicalLocation %+v", i, f.Check, f.Resource, p)
		}
		line := p.Region.StartLine
		if line < 1 || line >= len(text) {
			t.Fatalf("result %d: startLine %d of %d lines", i, line, len(text))
		}
		// The fixture is indented JSON: a bucket's "{" on a line of its
		// own, its name on the next; the account on the line of its key.
		if f.Bucket == "" {
			account = true
			if strings.TrimSpace(text[line-1]) != `"account": {` {
				t.Errorf("result %d (%s, the account): line %d is %q", i, f.Check, line, text[line-1])
			}
			continue
		}
		if strings.TrimSpace(text[line-1]) != "{" || strings.TrimSpace(text[line]) != fmt.Sprintf(`"name": %q,`, f.Bucket) {
			t.Errorf("result %d (%s %s): line %d is %q, then %q", i, f.Check, f.Bucket, line, text[line-1], text[line])
		}
	}
	if !account {
		t.Error("no finding about the account: its line is not tested")
	}
}

// TestFindSnapshotLines finds the lines however the JSON is laid out.
func TestFindSnapshotLines(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       checks.SnapshotLines
	}{
		{"compact", `{"version":1,"account":{"id":"1"},"buckets":[{"name":"a"},{"name":"b"}]}`,
			checks.SnapshotLines{Account: 1, Buckets: map[string]int{"a": 1, "b": 1}}},
		{"laid out by hand", "{\"version\": 1,\n\"buckets\" :\n[\n  {\"name\": \"a\", \"tags\": {\"k\": \"{\\n\"}}\n,\n\n\t{\"name\": \"b\"},\r\n {\"name\": \"a\"}],\n\"account\":\n\n  {\"id\": \"1\"}}",
			checks.SnapshotLines{Account: 11, Buckets: map[string]int{"a": 4, "b": 7}}},
		{"no buckets", `{"version":1,"account":{"id":"1"},"buckets":null}`,
			checks.SnapshotLines{Account: 1, Buckets: map[string]int{}}},
	} {
		got, err := checks.FindSnapshotLines([]byte(tc.data))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: lines (-want +got):\n%s", tc.name, diff)
		}
	}
	for _, bad := range []string{"", "[]", `{"buckets": {}}`, `{"buckets": [{"name": "a"`} {
		if _, err := checks.FindSnapshotLines([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestSARIFLiveLocations: findings of a live scan have no file: a result's
// location is its resource's ARN as a logicalLocation (SARIF 2.1.0, 3.33)
// and nothing else, no physicalLocation with an s3:// URI that code
// scanning cannot place in a repository.
func TestSARIFLiveLocations(t *testing.T) {
	_, fs := failingRun(t)
	var b bytes.Buffer
	if err := checks.WriteSARIF(&b, fs, nil, checks.SARIFOptions{Version: "devel"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "physicalLocation") || strings.Contains(b.String(), "s3://") {
		t.Errorf("a live scan's log has a physical location or an s3:// URI:\n%s", b.String())
	}
	log := writeSARIF(t, fs, nil, checks.SARIFOptions{Version: "devel"})
	for i, r := range log.Runs[0].Results {
		want := []sarifLocation{{LogicalLocations: []sarifLogical{{Name: fs[i].Bucket, FullyQualifiedName: fs[i].Resource, Kind: "resource"}}}}
		if diff := cmp.Diff(want, r.Locations); diff != "" {
			t.Errorf("result %d: locations (-want +got):\n%s", i, diff)
		}
	}
}

func TestJSONReport(t *testing.T) {
	s, fs := failingRun(t)
	var b bytes.Buffer
	if err := checks.WriteJSON(&b, checks.NewReport(s, fs)); err != nil {
		t.Fatal(err)
	}
	var r checks.Report
	if err := json.Unmarshal(b.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Account != "111122223333" || r.Buckets != len(s.Buckets) || len(r.Findings) != len(fs) || r.Counts[checks.Critical] == 0 {
		t.Errorf("report %+v", r)
	}
	b.Reset()
	if err := checks.WriteJSON(&b, checks.NewReport(s, nil)); err != nil || !strings.Contains(b.String(), `"findings": []`) {
		t.Errorf("empty report: %v %s", err, b.String())
	}
}

func TestTable(t *testing.T) {
	s, fs := failingRun(t)
	var b bytes.Buffer
	if err := checks.WriteTable(&b, checks.NewReport(s, fs)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if !strings.HasPrefix(lines[0], "SEVERITY") || !strings.HasPrefix(lines[1], "CRITICAL") || len(lines) != len(fs)+2 {
		t.Errorf("table:\n%s", b.String())
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "critical") || !strings.Contains(last, "111122223333") {
		t.Errorf("summary %q", last)
	}
	b.Reset()
	if err := checks.WriteTable(&b, checks.NewReport(s, nil)); err != nil || !strings.HasPrefix(b.String(), "no findings in") {
		t.Errorf("empty table %q", b.String())
	}
	// Findings judged from infrastructure as code name the address that
	// declares the resource.
	located := []checks.Finding{
		{Check: "S3.8", Severity: checks.High, Bucket: "acme-logs", Location: "module.logs.aws_s3_bucket.this", Title: "t"},
		{Check: "S3.8", Severity: checks.High, Bucket: "<aws_s3_bucket.site>", Location: "aws_s3_bucket.site", Title: "t"},
		{Check: "S3.1", Severity: checks.Medium, Resource: "AWS::::Account:111122223333", Title: "t"},
	}
	b.Reset()
	if err := checks.WriteTable(&b, checks.NewReport(s, located)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range strings.Split(b.String(), "\n")[1:4] {
		got = append(got, strings.Fields(l)[2])
	}
	want := []string{"module.logs.aws_s3_bucket.this", "aws_s3_bucket.site", "AWS::::Account:111122223333"}
	if diff := cmp.Diff(want, got); diff != "" || !strings.Contains(b.String(), "module.logs.aws_s3_bucket.this (acme-logs)") {
		t.Errorf("resources (-want +got):\n%s\n%s", diff, b.String())
	}
}

func TestSeverity(t *testing.T) {
	for _, s := range []string{"critical", "HIGH", " Medium ", "low", "informational"} {
		if _, err := checks.ParseSeverity(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := checks.ParseSeverity("severe"); err == nil {
		t.Error("severe accepted")
	}
	_, fs := failingRun(t)
	for _, f := range checks.AtLeast(fs, checks.High) {
		if f.Severity.Rank() < checks.High.Rank() {
			t.Errorf("%s in AtLeast(High)", f.Severity)
		}
	}
}
