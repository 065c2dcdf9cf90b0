package simulate

import (
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// TestGlob: the wildcards of IAM's string matching (IAM User Guide,
// "IAM JSON policy elements: Resource": * any run of characters, ? one),
// for whole strings and for the strings that begin with a prefix.
func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		p, s          string
		match, prefix bool
	}{
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/", true, true},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/", true, true},
		{"arn:aws:s3:::b?", "arn:aws:s3:::b/", true, true},
		{"arn:aws:s3:::c/*", "arn:aws:s3:::b/", false, false},
		{"*", "arn:aws:s3:::b/", true, true},
		{"arn:aws:s3:::*/reports/*", "arn:aws:s3:::b/", false, true},
		{"arn:aws:s3:::b/reports/*", "arn:aws:s3:::b/", false, true},
		{"arn:aws:s3:::bb/*", "arn:aws:s3:::b/", false, false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/", false, false},
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/", false, false}, // case-sensitive
		{"a*b*c", "axxbyyc", true, true},
		{"a*b*c", "axxbyy", false, true},
	} {
		if got := globMatch(tc.p, tc.s); got != tc.match {
			t.Errorf("globMatch(%q, %q) = %t", tc.p, tc.s, got)
		}
		if got := globMayPrefix(tc.p, tc.s); got != tc.prefix {
			t.Errorf("globMayPrefix(%q, %q) = %t", tc.p, tc.s, got)
		}
	}
}

// TestPolicyTouches: the pre-filter never skips a policy that may allow an
// S3 action on the bucket or its objects.
func TestPolicyTouches(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want bool
	}{
		{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x/*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::c/*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}/*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::c/*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"dynamodb:*","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Action":"S3:Get*","Resource":"*"}]}`, true},
		{`{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}`, false},
	} {
		p, err := policy.Parse("p", policy.IdentityBased, []byte(tc.doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := policyTouches(p, "b"); got != tc.want {
			t.Errorf("%s: %t, want %t", tc.doc, got, tc.want)
		}
	}
}
