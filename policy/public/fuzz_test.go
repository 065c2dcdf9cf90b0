package public_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// FuzzAnalyze parses any bytes as a bucket policy and, when they parse,
// checks that Analyze, IsPublic and Statement agree and never panic.
func FuzzAnalyze(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, c := range cases {
		if c.doc != "" {
			f.Add([]byte(c.doc))
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, err := policy.Parse("fuzz", policy.ResourceBased, doc)
		if err != nil {
			return
		}
		res := public.Analyze(p)
		if got := public.IsPublic(p); got != res.Public {
			t.Fatalf("IsPublic = %v, Analyze(..).Public = %v", got, res.Public)
		}
		if res.Reasons == nil || res.Public != (len(res.Reasons) > 0) {
			t.Fatalf("Public %v with reasons %v", res.Public, res.Reasons)
		}
		read, write := false, false
		for _, r := range res.Reasons {
			sr, pub := public.Statement(p, r.Statement)
			if !pub || sr.Why != r.Why || !slices.Equal(sr.Actions, r.Actions) {
				t.Fatalf("Statement(%d) = %+v, %v; Analyze gave %+v", r.Statement, sr, pub, r)
			}
			if len(r.Actions) == 0 || !r.Read && !r.Write {
				t.Fatalf("public statement without bad actions: %+v", r)
			}
			read, write = read || r.Read, write || r.Write
		}
		if read != res.Read || write != res.Write {
			t.Fatalf("Result read/write %v/%v, reasons say %v/%v", res.Read, res.Write, read, write)
		}
		// An access point policy is judged by the same rules with one
		// key stricter, so whatever is public as a bucket policy is public
		// as an access point policy; with a VPC origin nothing is.
		ap := public.AnalyzeAccessPoint(p, false)
		if res.Public && !ap.Public {
			t.Fatalf("public as a bucket policy, not as an access point policy: %+v", res)
		}
		if got := public.IsPublicAccessPoint(p, false); got != ap.Public {
			t.Fatalf("IsPublicAccessPoint = %v, AnalyzeAccessPoint(..).Public = %v", got, ap.Public)
		}
		if public.AnalyzeAccessPoint(p, true).Public || public.IsPublicAccessPoint(p, true) {
			t.Fatal("an access point with a VPC origin judged public")
		}
	})
}
