package scenario_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy/scenario"
)

func load(t testing.TB, pattern string) map[string][]scenario.Scenario {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]scenario.Scenario{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		list, err := scenario.Decode(fh)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = list
	}
	return out
}

func run(t *testing.T, files map[string][]scenario.Scenario, needSource bool) int {
	n := 0
	names := map[string]string{}
	for file, list := range files {
		for _, sc := range list {
			n++
			if prev, dup := names[sc.Name]; dup {
				t.Errorf("%s: scenario name %q also in %s", file, sc.Name, prev)
			}
			names[sc.Name] = file
			if needSource && !strings.Contains(sc.Source, "docs.aws.amazon.com") {
				t.Errorf("%s: %q names no AWS document in source", file, sc.Name)
			}
			t.Run(filepath.Base(file)+"/"+sc.Name, func(t *testing.T) {
				t.Parallel()
				if sc.Expect == "" {
					t.Fatal("scenario has no expect")
				}
				got := sc.Answer()
				if got.Decision != sc.Expect {
					t.Errorf("decision = %s, want %s\nsource: %s\nerror: %s\nmessage: %s\nmatched: %q",
						got.Decision, sc.Expect, sc.Source, got.Error, got.Message, got.Matched)
				}
				if got.Decision == scenario.Invalid && got.Error == "" {
					t.Error("Invalid without an error")
				}
			})
		}
	}
	return n
}

// TestExamples runs the worked examples of the scenario format
// (docs/scenario.md).
func TestExamples(t *testing.T) {
	if n := run(t, load(t, "testdata/examples.json"), false); n < 6 {
		t.Fatalf("ran %d examples, want at least 6", n)
	}
}

// TestCorpus runs every scenario of testdata/corpus, each derived from a
// rule or an example of the AWS documentation it names in "source".
func TestCorpus(t *testing.T) {
	n := run(t, load(t, "testdata/corpus/*.json"), true)
	if n < 150 {
		t.Fatalf("corpus has %d scenarios, want at least 150", n)
	}
}

// FuzzDecode checks that reading and answering any scenario file never
// panics, and that every answer has a decision.
func FuzzDecode(f *testing.F) {
	// One seed per worked example, compact, so that mutations stay small.
	for _, list := range load(f, "testdata/examples.json") {
		for _, sc := range list {
			b, err := json.Marshal(sc)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"name":"x","request":{"context":{"k":[1,true,"s"]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := scenario.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i := range list {
			switch a := list[i].Answer(); a.Decision {
			case "Allowed", "ExplicitDeny", "ImplicitDeny":
			case scenario.Invalid:
				if a.Error == "" {
					t.Fatal("Invalid without an error")
				}
			default:
				t.Fatalf("decision %q", a.Decision)
			}
		}
	})
}
