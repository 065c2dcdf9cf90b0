package strictjson_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/internal/strictjson"
)

type inner struct {
	Name  string            `json:"name"`
	Count int8              `json:"count,omitempty"`
	Tags  map[string]string `json:"tags,omitempty"`
}

type Embedded struct {
	Promoted string `json:"promoted"`
}

type custom struct{ v string }

func (c *custom) UnmarshalJSON(b []byte) error { c.v = string(b); return nil }

type doc struct {
	Embedded
	ID       string            `json:"id"`
	Items    []inner           `json:"items"`
	ByKey    map[string]*inner `json:"byKey,omitempty"`
	Ptr      *inner            `json:"ptr,omitempty"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Any      any               `json:"any,omitempty"`
	Custom   custom            `json:"custom"`
	When     time.Time         `json:"when,omitzero"`
	Quoted   int               `json:"quoted,string,omitempty"`
	Untagged bool
	Skipped  string `json:"-"`
	Pair     [2]int `json:"pair"`
	hidden   string // encoding/json neither reads nor writes it
}

var _ = doc{hidden: "unexported fields are not JSON fields"}

// encoding/json "preferring an exact match but also accepting a
// case-insensitive match" and ignoring "object keys which don't have a
// corresponding struct field" (https://pkg.go.dev/encoding/json#Unmarshal)
// are what Check refuses: every field as the type spells it, or an error
// that says where and what was meant.
func TestCheck(t *testing.T) {
	tests := []struct {
		name, json string
		want       *strictjson.Error // nil: no error
	}{
		{"all fields", `{"promoted":"p","id":"x","items":[{"name":"a","count":1,"tags":{"k":"v"}}],"byKey":{"a b":{"name":"n"}},
			"ptr":{"name":"p"},"raw":{"anything":[1]},"any":{"x":1},"custom":{"y":2},"when":"2026-01-01T00:00:00Z","quoted":"7",
			"Untagged":true,"pair":[1,2]}`, nil},
		{"nulls", `{"items":null,"ptr":null,"id":null,"byKey":{"a":null}}`, nil},
		{"typo", `{"idd":"x"}`, &strictjson.Error{Path: []any{"idd"}, Kind: strictjson.Unknown, Suggestion: "id"}},
		{"unknown, nothing close", `{"vpcEndpointPolicy":{}}`, &strictjson.Error{Path: []any{"vpcEndpointPolicy"}, Kind: strictjson.Unknown}},
		{"case", `{"ID":"x"}`, &strictjson.Error{Path: []any{"ID"}, Kind: strictjson.Unknown, Suggestion: "id"}},
		{"case of an untagged field", `{"untagged":true}`, &strictjson.Error{Path: []any{"untagged"}, Kind: strictjson.Unknown, Suggestion: "Untagged"}},
		{"skipped field", `{"Skipped":"x"}`, &strictjson.Error{Path: []any{"Skipped"}, Kind: strictjson.Unknown}},
		{"unexported field", `{"hidden":"x"}`, &strictjson.Error{Path: []any{"hidden"}, Kind: strictjson.Unknown}},
		{"nested in a slice", `{"items":[{"name":"a"},{"nmae":"b"}]}`, &strictjson.Error{Path: []any{"items", 1, "nmae"}, Kind: strictjson.Unknown, Suggestion: "name"}},
		{"nested in a map", `{"byKey":{"a b":{"Name":"n"}}}`, &strictjson.Error{Path: []any{"byKey", "a b", "Name"}, Kind: strictjson.Unknown, Suggestion: "name"}},
		{"through a pointer", `{"ptr":{"tag":{}}}`, &strictjson.Error{Path: []any{"ptr", "tag"}, Kind: strictjson.Unknown, Suggestion: "tags"}},
		{"first in document order", `{"zz":1,"aa":2}`, &strictjson.Error{Path: []any{"zz"}, Kind: strictjson.Unknown}},
		{"duplicate field", `{"id":"a","id":"b"}`, &strictjson.Error{Path: []any{"id"}, Kind: strictjson.Duplicate}},
		{"duplicate map key", `{"items":[{"tags":{"k":"1","k":"2"}}]}`, &strictjson.Error{Path: []any{"items", 0, "tags", "k"}, Kind: strictjson.Duplicate}},
		{"number for a string", `{"id":12}`, &strictjson.Error{Path: []any{"id"}, Kind: strictjson.WrongType, Want: "a string", Got: "the number 12"}},
		{"string for a number", `{"items":[{"count":"1"}]}`, &strictjson.Error{Path: []any{"items", 0, "count"}, Kind: strictjson.WrongType, Want: "a number", Got: "a string"}},
		{"out of range", `{"items":[{"count":300}]}`, &strictjson.Error{Path: []any{"items", 0, "count"}, Kind: strictjson.WrongType, Want: "a whole number from -128 to 127", Got: "the number 300"}},
		{"fraction for an integer", `{"items":[{"count":1.5}]}`, &strictjson.Error{Path: []any{"items", 0, "count"}, Kind: strictjson.WrongType, Want: "a whole number from -128 to 127", Got: "the number 1.5"}},
		{"object for an array", `{"items":{}}`, &strictjson.Error{Path: []any{"items"}, Kind: strictjson.WrongType, Want: "an array", Got: "an object"}},
		{"array for an object", `[]`, &strictjson.Error{Kind: strictjson.WrongType, Want: "an object", Got: "an array"}},
		{"bool for a string", `{"id":true}`, &strictjson.Error{Path: []any{"id"}, Kind: strictjson.WrongType, Want: "a string", Got: "true"}},
		{"array too long", `{"pair":[1,2,3]}`, &strictjson.Error{Path: []any{"pair", 2}, Kind: strictjson.WrongType, Want: "at most 2 elements", Got: "more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := strictjson.Check([]byte(tt.json), &doc{})
			if tt.want == nil {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			var got *strictjson.Error
			if !errors.As(err, &got) {
				t.Fatalf("error %v, want a *strictjson.Error", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct{ json, want string }{
		{`{"idd":"x"}`, `unknown field "idd"; did you mean "id"?`},
		{`{"ID":"x"}`, `unknown field "ID"; field names are case-sensitive: did you mean "id"?`},
		{`{"vpcEndpointPolicy":1}`, `unknown field "vpcEndpointPolicy"`},
		{`{"items":[{"nmae":"b"}]}`, `unknown field "nmae" in items[0]; did you mean "name"?`},
		{`{"byKey":{"a b":{"x":1}}}`, `unknown field "x" in byKey["a b"]`},
		{`{"id":"a","id":"b"}`, `field "id" given twice`},
		{`{"id":1}`, `id: want a string, got the number 1`},
		{`{"id":"x",}`, `line 1, column 11: invalid character '}' looking for beginning of object key string`},
		{"{\n  \"id\": \"x\"\n  \"items\": []\n}", `line 3, column 3: invalid character '"' after object key:value pair`},
		{`{"id":`, `line 1, column 6: unexpected end of JSON input`},
	}
	for _, tt := range tests {
		err := strictjson.Check([]byte(tt.json), &doc{})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.json, err, tt.want)
		}
	}
}

// Check's path begins where the caller says the document sits.
func TestCheckAt(t *testing.T) {
	err := strictjson.Check([]byte(`{"nmae":1}`), inner{}, "scenarios", 3, "s3")
	if err == nil || err.Error() != `unknown field "nmae" in scenarios[3].s3; did you mean "name"?` {
		t.Errorf("error %v", err)
	}
}

func TestUnmarshal(t *testing.T) {
	var d doc
	if err := strictjson.Unmarshal([]byte(`{"id":"x","items":[{"name":"a"}],"quoted":"5"}`), &d); err != nil {
		t.Fatal(err)
	}
	if d.ID != "x" || len(d.Items) != 1 || d.Items[0].Name != "a" || d.Quoted != 5 {
		t.Errorf("decoded %+v", d)
	}
	var e doc
	if err := strictjson.Unmarshal([]byte(`{"ID":"x"}`), &e); err == nil || e.ID != "" {
		t.Errorf("a field in another case: error %v, decoded %+v", err, e)
	}
	// What Check cannot see is left to encoding/json, in words without Go
	// type names.
	err := strictjson.Unmarshal([]byte(`{"quoted":"x"}`), &e)
	if err == nil || strings.Contains(err.Error(), "strictjson") {
		t.Errorf("bad quoted number: error %v", err)
	}
}

func TestFormatPath(t *testing.T) {
	tests := []struct {
		path []any
		want string
	}{
		{nil, ""},
		{[]any{3}, "[3]"},
		{[]any{"accounts", 0, "buckets", 2, "name"}, "accounts[0].buckets[2].name"},
		{[]any{"context", "aws:SourceIp"}, `context["aws:SourceIp"]`},
		{[]any{"", "_x1"}, `[""]._x1`},
	}
	for _, tt := range tests {
		if got := strictjson.FormatPath(tt.path); got != tt.want {
			t.Errorf("FormatPath(%v) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
