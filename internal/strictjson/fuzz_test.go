package strictjson_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/internal/strictjson"
)

// FuzzCheck: no input panics Check; what Check accepts, encoding/json's
// DisallowUnknownFields accepts too (Check is the stricter); and what
// Unmarshal decodes marshals back to JSON that Unmarshal decodes the same.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"id":"x","items":[{"name":"a","tags":{"k":"v"}}]}`,
		`{"idd":"x"}`,
		`{"ID":"x","byKey":{"a":{"name":"n"}}}`,
		`{"id":"a","id":"b"}`,
		`{"items":[{"count":300}],"pair":[1,2,3]}`,
		`{"raw":{"x":1},"any":[1],"custom":{},"quoted":"1","Untagged":true,"promoted":"p"}`,
		`[{"x":[]}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := strictjson.Check(data, &doc{}); err == nil {
			d := json.NewDecoder(bytes.NewReader(data))
			d.DisallowUnknownFields()
			var v doc
			if err := d.Decode(&v); err != nil && strings.Contains(err.Error(), "unknown field") {
				t.Fatalf("Check accepted what DisallowUnknownFields refuses: %v", err)
			}
		}
		var v doc
		if strictjson.Unmarshal(data, &v) != nil {
			return
		}
		b, err := json.Marshal(&v)
		if err != nil {
			return // a value encoding/json decodes but cannot encode
		}
		var w doc
		if err := strictjson.Unmarshal(b, &w); err != nil {
			t.Fatalf("own output %s refused: %v", b, err)
		}
		if c, _ := json.Marshal(&w); !bytes.Equal(b, c) {
			t.Fatalf("round trip changed %s into %s", b, c)
		}
	})
}
