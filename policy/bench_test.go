package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// benchInput is a compiled policy set and a request it is asked.
type benchInput struct {
	name string
	set  *policy.Set
	req  *policy.Request
}

func benchInputs(tb testing.TB) []benchInput {
	one := mustParseTB(tb, policy.IdentityBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}]}`)

	// A 20-statement bucket policy with conditions; the request matches
	// late in the list.
	var stmts []string
	for i := 0; i < 18; i++ {
		stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/r%d"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::media/team%d/*","Condition":{"StringLike":{"s3:prefix":"team%d/*"},"IpAddress":{"aws:SourceIp":"10.%d.0.0/16"}}}`, i, i, i, i, i))
	}
	stmts = append(stmts,
		`{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::media","arn:aws:s3:::media/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/app"},"Action":"s3:Get*","Resource":"arn:aws:s3:::media/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}}`)
	bucket := mustParseTB(tb, policy.ResourceBased, `{"Version":"2012-10-17","Statement":[`+strings.Join(stmts, ",")+`]}`)

	// Ten identity policies of ten statements each; the allow is the last.
	var ten []*policy.Policy
	for p := 0; p < 10; p++ {
		var ss []string
		for s := 0; s < 10; s++ {
			ss = append(ss, fmt.Sprintf(`{"Effect":"Allow","Action":["s3:PutObject","s3:List*"],"Resource":"arn:aws:s3:::bucket%d-%d/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t%d"}}}`, p, s, s))
		}
		if p == 9 {
			ss[9] = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/${aws:username}/*"}`
		}
		ten = append(ten, mustParseTB(tb, policy.IdentityBased, `{"Version":"2012-10-17","Statement":[`+strings.Join(ss, ",")+`]}`))
	}

	ctx := policy.NewContext(map[string][]string{
		"aws:SourceIp":          {"203.0.113.9"},
		"aws:SecureTransport":   {"true"},
		"aws:PrincipalTag/team": {"blue"},
	})
	req := func(principal, resource string) *policy.Request {
		r, err := policy.NewRequest(principal, "s3:GetObject", resource, "111122223333", ctx)
		if err != nil {
			tb.Fatal(err)
		}
		return r
	}
	return []benchInput{
		{"OneStatement", &policy.Set{Identity: []*policy.Policy{one}}, req("arn:aws:iam::111122223333:user/app", "arn:aws:s3:::media/a.jpg")},
		{"BucketPolicy20", &policy.Set{Resource: bucket}, req("arn:aws:iam::111122223333:user/app", "arn:aws:s3:::media/a.jpg")},
		{"TenPolicies", &policy.Set{Identity: ten}, req("arn:aws:iam::111122223333:user/app", "arn:aws:s3:::media/app/a.jpg")},
	}
}

func mustParseTB(tb testing.TB, typ policy.Type, doc string) *policy.Policy {
	tb.Helper()
	p, err := policy.Parse("bench", typ, []byte(doc))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestEvaluateAllocatesNothing holds the design's promise: evaluation of a
// compiled policy set makes no allocation.
func TestEvaluateAllocatesNothing(t *testing.T) {
	for _, in := range benchInputs(t) {
		if got := in.set.Evaluate(in.req).Decision; got != policy.Allowed {
			t.Fatalf("%s: %v, want Allowed", in.name, got)
		}
		if n := testing.AllocsPerRun(100, func() { in.set.Evaluate(in.req) }); n != 0 {
			t.Errorf("%s: %v allocations per Evaluate, want 0", in.name, n)
		}
	}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, in := range benchInputs(b) {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				in.set.Evaluate(in.req)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	doc := []byte(`{"Version":"2012-10-17","Statement":[{"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/app"},"Action":"s3:Get*","Resource":"arn:aws:s3:::media/*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]},"StringEqualsIfExists":{"s3:x-amz-acl":"private"}}}]}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Parse("bench", policy.ResourceBased, doc); err != nil {
			b.Fatal(err)
		}
	}
}
