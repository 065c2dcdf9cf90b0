package checks_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

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

// TestSARIF checks the log against what the SARIF 2.1.0 specification
// requires (OASIS, sections 3.13 sarifLog, 3.14 run, 3.18 tool, 3.19
// toolComponent, 3.49 reportingDescriptor, 3.27 result, 3.28 location), and
// what code scanning needs to place and rank results.
func TestSARIF(t *testing.T) {
	_, fs := failingRun(t)
	var b bytes.Buffer
	if err := checks.WriteSARIF(&b, fs, checks.NewRegistry().Checks()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string         `json:"id"`
						ShortDescription map[string]any `json:"shortDescription"`
						HelpURI          string         `json:"helpUri"`
						Properties       map[string]any `json:"properties"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string            `json:"ruleId"`
				RuleIndex *int              `json:"ruleIndex"`
				Level     string            `json:"level"`
				Message   map[string]string `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	dec := json.NewDecoder(&b)
	if err := dec.Decode(&log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-schema-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "s3vet" || len(run.Tool.Driver.Rules) < len(checks.NewRegistry().Checks()) {
		t.Fatalf("driver %q with %d rules", run.Tool.Driver.Name, len(run.Tool.Driver.Rules))
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
		if r.Message["text"] == "" || len(r.Locations) == 0 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" ||
			r.Locations[0].LogicalLocations[0].FullyQualifiedName != fs[i].Resource || r.PartialFingerprints["s3vetFinding/v1"] == "" {
			t.Errorf("result %d: %+v", i, r)
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
