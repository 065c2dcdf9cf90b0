package policy_test

import (
	"slices"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// Condition key names are case-insensitive (IAM User Guide, "IAM JSON
// policy elements: Condition", "Condition keys are not case-sensitive"),
// and a key without values is absent. NewContext copies what it is given.
func TestNewContext(t *testing.T) {
	in := map[string][]string{
		"aws:SourceIp":        {"192.0.2.1"},
		"s3:prefix":           {"a/", "b/"},
		"aws:SecureTransport": {"true"},
		"s3:x-amz-acl":        nil,
	}
	c := policy.NewContext(in)
	if c.Len() != 3 {
		t.Errorf("Len %d, want 3 (a key without values is absent)", c.Len())
	}
	if got := c.Get("AWS:SOURCEIP"); !slices.Equal(got, []string{"192.0.2.1"}) {
		t.Errorf("Get in another case: %q", got)
	}
	in["s3:prefix"][0] = "changed/"
	if got := c.Get("s3:Prefix"); !slices.Equal(got, []string{"a/", "b/"}) {
		t.Errorf("the context shares the caller's slice: %q", got)
	}
	// Growing one key's values leaves its neighbours in the shared array alone.
	c.Set("aws:SourceIp", append(c.Get("aws:SourceIp"), "198.51.100.7")...)
	if got := c.Get("s3:prefix"); !slices.Equal(got, []string{"a/", "b/"}) {
		t.Errorf("appending to one key changed another: %q", got)
	}
	if got := c.Get("aws:securetransport"); !slices.Equal(got, []string{"true"}) {
		t.Errorf("appending to one key changed another: %q", got)
	}
	if policy.NewContext(nil).Len() != 0 || policy.NewContext(map[string][]string{"k": {}}).Len() != 0 {
		t.Error("an empty context has keys")
	}
}
