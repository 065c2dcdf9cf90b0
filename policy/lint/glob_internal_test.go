package lint

import (
	"strings"
	"testing"
)

// Resource patterns against the ARN templates of the Service Authorization
// Reference (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html#amazons3-resources-for-iam-policies),
// read with the IAM User Guide's wildcard rules
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards).
func TestIntersectTemplates(t *testing.T) {
	const (
		bucket = "arn:${Partition}:s3:::${BucketName}"
		object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
		ap     = "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}"
		key    = "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
	)
	for _, tc := range []struct {
		resource, template string
		want               bool
	}{
		{"arn:aws:s3:::media", bucket, true},
		{"arn:aws:s3:::media", object, false},
		{"arn:aws:s3:::media/*", object, true},
		{"arn:aws:s3:::media/*", bucket, false},
		{"arn:aws:s3:::media/a:b/c", object, true},
		{"arn:aws:s3:::*", bucket, true},
		{"arn:aws:s3:::*", object, true},
		{"arn:aws:s3:::media*", object, true},
		{"arn:aws:s3:::med?a", bucket, true},
		{"arn:aws:s3:::${aws:username}/*", object, true},
		{"arn:aws:s3:us-east-1::media", bucket, false},
		{"arn:aws:s3:*:111122223333:accesspoint/*", ap, true},
		{"arn:aws:s3:*:111122223333:accesspoint/*", bucket, false},
		{"arn:aws:s3:::accesspoint/x", ap, false},
		{"arn:aws:*", key, true},
		{"arn:*:kms:*:*:key/*", key, true},
		{"arn:*:kms:*:*:alias/*", key, false},
		// A star before the end of its segment stays in the segment.
		{"arn:aws:s3*s3:::media", bucket, false},
		{"arn:aws:s3:::*", key, false},
	} {
		got, decided := intersect(resourceTokens(tc.resource), templateTokens(tc.template))
		if got != tc.want || !decided {
			t.Errorf("intersect(%q, %q) = %v, %v; want %v", tc.resource, tc.template, got, decided, tc.want)
		}
	}
}

func TestIntersectBudget(t *testing.T) {
	long := literalTokens(strings.Repeat("a", 2000))
	pat := resourceTokens(strings.Repeat("*a", 1000) + "b")
	if _, decided := intersect(long, pat); decided {
		t.Error("decided past the budget")
	}
	if !mayIntersect(long, pat) || surelyIntersect(long, pat) {
		t.Error("budget answers are not conservative")
	}
}

func TestMatchFoldAndCovers(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"s3:Get*", "s3:getobject", true},
		{"s3:Get?bject", "s3:GetObject", true},
		{"s3:Get", "s3:GetObject", false},
		{"*", "kms:Decrypt", true},
	} {
		if got := matchFold(tc.p, tc.s); got != tc.want {
			t.Errorf("matchFold(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"s3:*", "s3:Get*", true},
		{"s3:Get*", "s3:GetObject*", true},
		{"s3:Get*", "s3:*Object", false},
		{"s3:GetObject", "s3:Get*", false},
		{"S3:GETOBJECT", "s3:GetObject", true},
	} {
		if got := patternCovers(tc.a, tc.b, true, matchFold); got != tc.want {
			t.Errorf("patternCovers(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
	if !patternCovers("arn:aws:s3:::media/*", "arn:aws:s3:::media/a/b", false, resourceMatches) ||
		patternCovers("arn:aws:s3:::media/*", "arn:aws:s3:::Media/a", false, resourceMatches) {
		t.Error("resource coverage is wrong")
	}
}

// Every issue code used has a rule, and every rule's link is an AWS page.
func TestRules(t *testing.T) {
	for code, r := range rules {
		if !strings.HasPrefix(r.learn, "https://docs.aws.amazon.com/") {
			t.Errorf("%s: learn %q", code, r.learn)
		}
		switch r.severity {
		case Error, SecurityWarning, Warning, Suggestion:
		default:
			t.Errorf("%s: severity %q", code, r.severity)
		}
	}
}
