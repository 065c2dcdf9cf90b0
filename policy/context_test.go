package policy_test

import (
	"slices"
	"strings"
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

// Keys are found in any case whether NewContext and Set know their
// spelling (the keys of most requests, which they lower-case without
// allocating) or not.
func TestContextKeyCase(t *testing.T) {
	for _, k := range []string{"aws:SourceIp", "aws:SecureTransport", "aws:CurrentTime", "aws:EpochTime", "s3:authType",
		"s3:signatureAge", "s3:TlsVersion", "aws:PrincipalOrgID", "s3:x-amz-acl", "aws:PrincipalTag/Team",
		"s3:ExistingObjectTag/Project", "AWS:SOURCEIP", "Custom:Key"} {
		c := policy.NewContext(map[string][]string{k: {"v"}})
		var set policy.Context
		set.Set(k, "v")
		for _, as := range []string{k, strings.ToLower(k), strings.ToUpper(k)} {
			if got := c.Get(as); !slices.Equal(got, []string{"v"}) {
				t.Errorf("NewContext with %s: Get(%s) = %q", k, as, got)
			}
			if got := set.Get(as); !slices.Equal(got, []string{"v"}) {
				t.Errorf("Set of %s: Get(%s) = %q", k, as, got)
			}
		}
	}
	// The keys the SDK's requests carry cost NewContext its map (two
	// allocations) and its array of values, nothing per key.
	kv := map[string][]string{"aws:SourceIp": {"127.0.0.1"}, "aws:SecureTransport": {"false"}, "aws:CurrentTime": {"t"},
		"aws:EpochTime": {"1"}, "s3:authType": {"REST-HEADER"}, "s3:signatureAge": {"1"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"}}
	if n := testing.AllocsPerRun(100, func() { policy.NewContext(kv) }); n > 3 {
		t.Errorf("NewContext of the SDK's keys: %v allocations, want 3", n)
	}
}
