package catalog

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy/catalog/internal/catgen"
)

// TestGeneratedIsCurrent checks that catalog_gen.go is what the generator
// makes of testdata/iam-reference. If it fails, run go generate.
func TestGeneratedIsCurrent(t *testing.T) {
	want, err := catgen.Generate(os.DirFS(catgen.DataDir))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("catalog_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < min(len(gl), len(wl)); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("catalog_gen.go is stale (run go generate ./policy/catalog); line %d is\n\t%s\nwant\n\t%s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("catalog_gen.go is stale (run go generate ./policy/catalog): %d lines, want %d", len(gl), len(wl))
	}
}

// The lookups rely on the tables' order and on the ids.
func TestTables(t *testing.T) {
	for i, e := range actions {
		if e.id != e.Service+":"+e.Name {
			t.Errorf("actions[%d]: id %q for %s:%s", i, e.id, e.Service, e.Name)
		}
		if i > 0 {
			p := actions[i-1]
			if c := cmpFold(p.Service, e.Service); c > 0 || c == 0 && cmpFold(p.Name, e.Name) >= 0 {
				t.Errorf("actions[%d] (%s) is not after %s", i, e.id, p.id)
			}
		}
	}
	for i := 1; i < len(resourceTypes); i++ {
		p, r := resourceTypes[i-1], resourceTypes[i]
		if c := cmpFold(p.Service, r.Service); c > 0 || c == 0 && cmpFold(p.Name, r.Name) >= 0 {
			t.Errorf("resourceTypes[%d] (%s %s) is not after %s %s", i, r.Service, r.Name, p.Service, p.Name)
		}
	}
	for i := 1; i < len(conditionKeys); i++ {
		p, k := conditionKeys[i-1], conditionKeys[i]
		if c := cmpFold(p.Name, k.Name); c > 0 || c == 0 && p.Service >= k.Service {
			t.Errorf("conditionKeys[%d] (%s %s) is not after %s %s", i, k.Name, k.Service, p.Name, p.Service)
		}
	}
	for _, tk := range conditionKeyTemplates {
		k := conditionKeys[tk.index]
		if !strings.Contains(k.Name, "${") || !match(tk.pattern, k.Name) {
			t.Errorf("template %q does not fit %s", tk.pattern, k.Name)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "abc", true},
		{"?", "", false},
		{"?", "a", true},
		{"?", "ab", false},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abcbc", true},
		{"a*c", "abcb", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*a*b", "xaxxbxab", true},
		{"*a*b", "xaxxbxa", false},
		{"?*", "", false},
		{"?*", "x", true},
		{"A*C", "abc", true},
		{"abc", "ABC", true},
		{"s3:*object?cl", "s3:GetObjectAcl", true},
		{"s3:*object?cl", "s3:GetObjectVersionAcl", false},
		{"**a", "a", true},
		{"a**", "a", true},
	} {
		if got := match(c.p, c.s); got != c.want {
			t.Errorf("match(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestCmpFold(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"a", "A", 0},
		{"GetObject", "getobject", 0},
		{"a", "b", -1},
		{"B", "a", +1},
		{"ab", "a", +1},
		{"a", "ab", -1},
		{"a_", "aZ", -1}, // '_' < 'z' once folded
		{"\xff", "a", +1},
	} {
		if got := cmpFold(c.a, c.b); got != c.want {
			t.Errorf("cmpFold(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
