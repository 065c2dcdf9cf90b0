package lint_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/lint"
)

// FuzzCheck checks that Check never panics, on any bytes and any policy
// type, and that what it returns is well formed: every document the
// engine refuses has an ERROR finding, and for a document it accepts,
// Check and Policy agree.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("../testdata/seeds/*.json")
	for _, file := range append(files, more...) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		var fs []struct {
			Type   string          `json:"type"`
			Policy json.RawMessage `json:"policy"`
		}
		if json.Unmarshal(b, &fs) == nil && len(fs) > 0 && fs[0].Policy != nil {
			for _, fx := range fs {
				f.Add(uint8(types[fx.Type]), []byte(fx.Policy))
			}
			continue
		}
		for typ := policy.IdentityBased; typ <= policy.ResourceControlPolicy; typ++ {
			f.Add(uint8(typ), b)
		}
	}
	f.Add(uint8(policy.ResourceBased), []byte(`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":["*"]},"Action":"s3:*","Resource":"arn:*:s3:::*","Condition":{"ForAnyValue:NullIfExists":{"":[]}}}]}`))
	f.Add(uint8(policy.IdentityBased), []byte(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":["s3:Get?bject","*"],"NotResource":["arn:aws:s3:::${aws:username","arn:aws:s3:::a*b?c"]}}`))
	f.Add(uint8(0), []byte(`{}`))
	f.Fuzz(func(t *testing.T, typ uint8, doc []byte) {
		pt := policy.Type(typ)
		got, err := lint.Check(pt, doc, lint.Options{Account: "111122223333"})
		valid := pt >= policy.IdentityBased && pt <= policy.ResourceControlPolicy || pt == policy.VPCEndpointPolicy
		if err != nil {
			if valid {
				t.Fatalf("Check(%s): %v", pt, err)
			}
			return
		}
		if !valid {
			t.Fatalf("Check(type %d): no error", typ)
		}
		checkWellFormed(t, got)
		p, perr := policy.Parse("fuzz", pt, doc)
		if perr != nil {
			if !lint.HasErrors(got) {
				t.Fatalf("Parse refuses (%v), but no ERROR finding:\n%s", perr, dump(got))
			}
			return
		}
		for _, g := range got {
			if g.Statement >= len(p.Statements) {
				t.Fatalf("finding for statement %d of %d", g.Statement, len(p.Statements))
			}
		}
		parsed := lint.Policy(p, lint.Options{Account: "111122223333"})
		for _, g := range parsed {
			if !slices.Contains(got, g) {
				t.Fatalf("Policy finds %v, Check does not:\n%s", g, dump(got))
			}
		}
	})
}
