package simulate

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// The YAML a world is written in becomes the JSON the world decoder reads,
// scalar by scalar as YAML 1.2's core schema resolves it
// (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
func TestYAMLToJSON(t *testing.T) {
	tests := []struct{ yaml, json string }{
		{"a: 1", `{"a":1}`},
		{"id: 111122223333", `{"id":111122223333}`},
		{`id: "111122223333"`, `{"id":"111122223333"}`},
		{"id: 012345678901", `{"id":"012345678901"}`}, // not a JSON number: kept as written
		{"n: 0x1F", `{"n":"0x1F"}`},
		{"n: .inf", `{"n":".inf"}`},
		{"f: 1.5e3", `{"f":1.5e3}`},
		{"b: false", `{"b":false}`},
		{"b: True", `{"b":true}`},
		{"s: yes", `{"s":"yes"}`}, // YAML 1.1's booleans are strings in 1.2
		{"s: on", `{"s":"on"}`},
		{"n: null", `{"n":null}`},
		{"n: ~", `{"n":null}`},
		{"n:", `{"n":null}`},
		{"d: 2026-04-01", `{"d":"2026-04-01"}`},
		{"d: 2026-04-01T00:00:00Z", `{"d":"2026-04-01T00:00:00Z"}`},
		{"s: '<h1>'", `{"s":"\u003ch1\u003e"}`},
		{"l: [a, 'b c', 3]", `{"l":["a","b c",3]}`},
		{"x: &p {Effect: Allow}\ny: *p", `{"x":{"Effect":"Allow"},"y":{"Effect":"Allow"}}`},
		{"Condition:\n  Bool:\n    aws:SecureTransport: false", `{"Condition":{"Bool":{"aws:SecureTransport":false}}}`},
		{"v: |\n  two\n  lines\n", `{"v":"two\nlines\n"}`},
		{`{"a": [1, {"b": "c"}]}`, `{"a":[1,{"b":"c"}]}`}, // JSON is YAML too
	}
	for _, tt := range tests {
		got, err := yamlToJSON([]byte(tt.yaml))
		if err != nil {
			t.Errorf("%q: %v", tt.yaml, err)
			continue
		}
		if string(got) != tt.json {
			t.Errorf("%q: got %s, want %s", tt.yaml, got, tt.json)
		}
	}
}

func TestYAMLToJSONErrors(t *testing.T) {
	// A billion laughs: each level names the one before twice, so 40
	// levels stand for 2^40 leaves.
	var bomb strings.Builder
	bomb.WriteString("l0: &l0 [x, x]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&bomb, "l%d: &l%d [*l%d, *l%d]\n", i, i, i-1, i-1)
	}
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	tests := []struct{ yaml, want string }{
		{"", "empty document"},
		{"# only a comment\n", "empty document"},
		{"a: 1\n---\nb: 2\n", "second document"},
		{"a: 1\na: 2\n", `"a"`},
		{"a:\n\t- b\n", "line 2"},
		{"[1, 2]: x\n", "plain strings"},
		{"<<: {a: 1}\n", "plain strings"},
		{"a: [\n", "yaml:"},
		{bomb.String(), "aliases expand"},
		{deep, "levels deep"},
	}
	for _, tt := range tests {
		_, err := yamlToJSON([]byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.40q: error %v, want one containing %q", tt.yaml, err, tt.want)
		}
	}
}

// The YAML world in testdata is the JSON one in another syntax: both load
// to the same World.
func TestLoadWorldYAMLMatchesJSON(t *testing.T) {
	load := func(name string) []byte {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		w, err := LoadWorld(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	j, y := load("testdata/world.json"), load("testdata/world.yaml")
	if string(j) != string(y) {
		t.Errorf("world.yaml loads differently from world.json:\njson %s\nyaml %s", j, y)
	}
}

// A YAML world gets the same field checks as a JSON one, and the errors
// name the field (docs/serve-config.md).
func TestLoadWorldYAMLErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"accounts:\n  - id: 111111111111\n", "line 2: accounts[0].id: want a string, got the number 111111111111"}, // unquoted: a number
		{"accounts:\n  - id: \"111111111111\"\n    color: red\n", "color"},
		{"accounts:\n  - id: \"1\"\n", "12 digits"},
		{"accounts:\n  - id: \"111111111111\"\n    roles: [{name: r, maxSessionDuration: 0x10}]\n", "maxSessionDuration"},
		{"accounts:\n  - id: \"111111111111\"\n    buckets:\n      - name: b1x\n        policy: {Statement: [{Effect: Permit, Action: \"s3:*\", Resource: \"*\"}]}\n", "bucket b1x"},
	}
	for _, tt := range tests {
		_, err := LoadWorld(strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want one naming %q", tt.doc, err, tt.want)
		}
	}
}

// docs/serve-config.md: unknown fields are an error naming the field, with
// its path, for YAML its line, and the field probably meant; a field in
// another case than the format's is one too (encoding/json alone would take
// it), and so is a field given twice.
func TestLoadWorldStrict(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"accounts":[{"id":"111111111111","buckets":[{"name":"b","versionning":"Enabled"}]}]}`,
			`world: unknown field "versionning" in accounts[0].buckets[0]; did you mean "versioning"?`},
		{`{"accounts":[{"id":"111111111111","vpcEndpoint":[]}]}`,
			`world: unknown field "vpcEndpoint" in accounts[0]; did you mean "vpcEndpoints"?`},
		{`{"Accounts":[]}`,
			`world: unknown field "Accounts"; field names are case-sensitive: did you mean "accounts"?`},
		{`{"accounts":[{"id":"111111111111","publicAccessBlock":{"blockPublicAcls":true}}]}`,
			`world: unknown field "blockPublicAcls" in accounts[0].publicAccessBlock; field names are case-sensitive: did you mean "BlockPublicAcls"?`},
		{`{"accounts":[{"id":"111111111111","id":"222222222222"}]}`,
			`world: field "id" given twice in accounts[0]`},
		{"{\n \"accounts\": [\n  {\"id\": \"111111111111\",}\n ]\n}",
			`world: line 3, column 25: invalid character '}'`},
		{"accounts:\n  - id: \"111111111111\"\n    buckets:\n      - name: b\n        versionning: Enabled\n",
			`world: line 5: unknown field "versionning" in accounts[0].buckets[0]; did you mean "versioning"?`},
		{"region: us-east-1\naccounts:\n  - id: \"111111111111\"\n    users:\n      - name: alice\n        Policies: []\n",
			`world: line 6: unknown field "Policies" in accounts[0].users[0]; field names are case-sensitive: did you mean "policies"?`},
		{"a: &acct {id: \"111111111111\", colour: red}\naccounts: [*acct]\n",
			`world: line 1: unknown field "a"`},
		{"accounts:\n  - &acct {id: \"111111111111\", colour: red}\n",
			`world: line 2: unknown field "colour" in accounts[0]`},
		{"region: us-east-1\"\naccounts: []\n", `world: region "us-east-1\"" is not a Region code`},
	}
	for _, tt := range tests {
		_, err := LoadWorld(strings.NewReader(tt.doc))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q:\nerror %v\nwant  %s", tt.doc, err, tt.want)
		}
	}
}

// FuzzLoadWorld: no input panics the loader, and whatever YAML converts is
// valid JSON.
func FuzzLoadWorld(f *testing.F) {
	for _, name := range []string{"testdata/world.json", "testdata/world.yaml", "testdata/world-iam.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("accounts: [{id: '111111111111', buckets: [{name: b}]}]"))
	// Strict fields: a misspelt one, one in another case.
	f.Add([]byte("accounts: [{id: '111111111111', buckets: [{name: b, versionning: Enabled}]}]"))
	f.Add([]byte(`{"Accounts":[{"id":"111111111111","publicAccessBlock":{"blockPublicAcls":true}}]}`))
	// A region is written into the aws/s3 key policy: one with a quote once
	// made that policy malformed, and compile panicked.
	f.Add([]byte("region: 0\"0\naccounts:\n  - id: \"000000000000\""))
	// Named policies, managed policies by ARN, a boundary by ARN, the tree.
	f.Add([]byte(`{"accounts":[{"id":"111111111111","users":[{"name":"u","policies":[{"name":"n","document":null}],"permissionsBoundary":"arn"}]}]}`))
	f.Add([]byte(`{"organization":{"id":"o","ous":[{"name":""}],"scps":[[{"name":"x","id":"p-1","document":{}}]]},"accounts":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if j, err := yamlToJSON(data); err == nil && !json.Valid(j) {
			t.Fatalf("yaml %q converted to invalid JSON %q", data, j)
		}
		_, _ = LoadWorld(strings.NewReader(string(data)))
	})
}
