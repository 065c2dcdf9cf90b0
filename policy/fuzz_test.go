package policy_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// seeds adds every policy document of testdata/seeds to f.
func seeds(f *testing.F, add func(doc []byte)) {
	files, err := filepath.Glob("testdata/seeds/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/seeds: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// FuzzParse checks that Parse never panics, and that what it accepts is
// well formed.
func FuzzParse(f *testing.F) {
	seeds(f, func(doc []byte) {
		for typ := policy.IdentityBased; typ <= policy.TrustPolicy; typ++ {
			f.Add(uint8(typ), doc)
		}
	})
	f.Fuzz(func(t *testing.T, typ uint8, doc []byte) {
		p, err := policy.Parse("fuzz", policy.Type(typ), doc)
		if err != nil {
			if p != nil {
				t.Fatal("non-nil policy with an error")
			}
			return
		}
		if len(p.Statements) == 0 {
			t.Fatal("accepted a policy with no statements")
		}
		for _, st := range p.Statements {
			if st.Effect != policy.Allow && st.Effect != policy.Deny {
				t.Fatalf("accepted effect %v", st.Effect)
			}
			if len(st.Action) == 0 || len(st.Resource) == 0 {
				t.Fatal("accepted a statement without Action or Resource")
			}
		}
	})
}

// FuzzEvaluate checks that evaluation never panics and that Evaluate and
// Explain agree, on any policy and request.
func FuzzEvaluate(f *testing.F) {
	seeds(f, func(doc []byte) {
		f.Add(doc, "arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/home/alice/k", "111122223333", "s3:prefix", "home/alice/")
		f.Add(doc, "arn:aws:sts::444455556666:assumed-role/app/s", "s3:ListBucket", "arn:aws:s3:::b", "111122223333", "aws:SourceIp", "203.0.113.7")
		f.Add(doc, "anonymous", "s3:PutObject", "arn:aws:s3:::b/x", "111122223333", "aws:CurrentTime", "2020-01-01T00:00:00Z")
	})
	f.Fuzz(func(t *testing.T, doc []byte, principal, action, resource, account, key, value string) {
		req, err := policy.NewRequest(principal, action, resource, account, policy.NewContext(map[string][]string{key: {value, value + "x"}}))
		if err != nil {
			return
		}
		var set policy.Set
		if p, err := policy.Parse("id", policy.IdentityBased, doc); err == nil {
			set.Identity = []*policy.Policy{p}
			set.Boundary = p
		}
		if p, err := policy.Parse("res", policy.ResourceBased, doc); err == nil {
			set.Resource = p
		}
		if p, err := policy.Parse("scp", policy.ServiceControlPolicy, doc); err == nil {
			set.SCPs = [][]*policy.Policy{{p}}
		}
		res := set.Evaluate(req)
		if ex := set.Explain(req); ex.Result != res {
			t.Fatalf("Explain %+v != Evaluate %+v", ex.Result, res)
		}
		_ = res.Message(req)
	})
}
