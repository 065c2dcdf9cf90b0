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
	// Strict input: a misspelt field, a field in another case, an unknown
	// field in the s3 block, a context key twice.
	f.Add([]byte(`[{"name":"a","permissionBoundary":{}},{"Name":"b","request":{"Principal":"anonymous"}}]`))
	f.Add([]byte(`{"name":"x","s3":{"bucketAcls":[]},"expect":"Allow","request":{"context":{"k":"1","K":"2"}}}`))
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

// docs/scenario.md: a field the format does not have, or a field in
// another case than the format's, is an error that names the scenario (its
// index and name), the field and where it is, and the field probably meant.
func TestDecodeStrict(t *testing.T) {
	const req = `"request":{"principal":"anonymous","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111122223333"}`
	tests := []struct {
		name, doc string
		want      []string // substrings of the error, in order
	}{
		{"typo", `[{"name":"ok",` + req + `},{"name":"bounded",` + req + `,"permissionBoundary":{}}]`,
			[]string{`scenarios[1] ("bounded")`, `unknown field "permissionBoundary"`, `did you mean "permissionsBoundary"?`}},
		{"field the format lacks", `[{"name":"vpce",` + req + `,"gatewayPolicy":{}}]`,
			[]string{`scenarios[0] ("vpce")`, `unknown field "gatewayPolicy"`}},
		{"case", `{"Name":"x",` + req + `}`,
			[]string{`scenario: `, `unknown field "Name"`, `case-sensitive: did you mean "name"?`}},
		{"nested typo", `[{"name":"n","request":{"princpal":"anonymous"}}]`,
			[]string{`scenarios[0] ("n")`, `unknown field "princpal" in request`, `did you mean "principal"?`}},
		{"s3 block", `{"name":"acl",` + req + `,"s3":{"bucketAcls":[]}}`,
			[]string{`scenario ("acl")`, `unknown field "bucketAcls" in s3`, `did you mean "bucketAcl"?`}},
		{"s3 block, nested", `{"name":"acl",` + req + `,"s3":{"bucketAcl":[{"grantee":"AllUsers","permision":"READ"}]}}`,
			[]string{`scenario ("acl")`, `unknown field "permision" in s3.bucketAcl[0]`, `did you mean "permission"?`}},
		{"field twice", `{"name":"x",` + req + `,"expect":"Allowed","expect":"ImplicitDeny"}`,
			[]string{`scenario ("x")`, `field "expect" given twice`}},
		{"wrong kind", `[{"name":"x","request":{"principal":7}}]`,
			[]string{`scenarios[0] ("x")`, `request.principal: want a string, got the number 7`}},
		{"expect", `{"name":"x",` + req + `,"expect":"Allow"}`,
			[]string{`scenario ("x")`, `expect "Allow" is not a decision`, `did you mean "Allowed"?`}},
		{"context key twice", `{"name":"x","request":{"context":{"aws:SourceIp":"1.2.3.4","AWS:SourceIP":"5.6.7.8"}}}`,
			[]string{`scenario ("x")`, `"AWS:SourceIP" and "aws:SourceIp" are the same key`}},
		{"not a scenario", `"x"`, []string{`want one scenario (an object) or an array of them, got a string`}},
		{"malformed", "[\n{\"name\": \"x\",}\n]", []string{`scenarios: line 2, column 14: invalid character '}'`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := scenario.Decode(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, w := range tt.want {
				i := strings.Index(msg, w)
				if i < 0 {
					t.Fatalf("error %q does not say %q", err, w)
				}
				msg = msg[i+len(w):]
			}
		})
	}
}

// A scenario built in Go rather than decoded gets the same check of its s3
// block when it is answered.
func TestAnswerStrictS3(t *testing.T) {
	sc := scenario.Scenario{Name: "x", Request: scenario.Request{Principal: "anonymous", Action: "s3:GetObject",
		Resource: "arn:aws:s3:::b/k", ResourceAccount: "111122223333"}, S3: json.RawMessage(`{"ObjectOwnership":"ObjectWriter"}`)}
	a := sc.Answer()
	if a.Decision != scenario.Invalid || !strings.Contains(a.Error, `s3: unknown field "ObjectOwnership"; field names are case-sensitive: did you mean "objectOwnership"?`) {
		t.Errorf("answer %+v", a)
	}
}
