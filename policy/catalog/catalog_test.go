package catalog_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/s3vet/s3vet/policy/catalog"
)

func mustLookup(t *testing.T, name string) catalog.Action {
	t.Helper()
	a, ok := catalog.Lookup(name)
	if !ok {
		t.Fatalf("Lookup(%q) not found", name)
	}
	return a
}

func hasResource(a catalog.Action, typ string) bool {
	return slices.ContainsFunc(a.Resources, func(r catalog.Resource) bool { return r.Type == typ })
}

// Service Authorization Reference: Actions defined by Amazon S3.
func TestS3Actions(t *testing.T) {
	a := mustLookup(t, "s3:GetObject")
	if a.Service != "s3" || a.Name != "GetObject" || a.String() != "s3:GetObject" {
		t.Errorf("s3:GetObject = %q %q %q", a.Service, a.Name, a.String())
	}
	if a.Access != catalog.Read {
		t.Errorf("s3:GetObject access = %q, want Read", a.Access)
	}
	if !hasResource(a, "object") {
		t.Errorf("s3:GetObject resources = %v, want object among them", a.Resources)
	}
	if !slices.Contains(a.ConditionKeys, "s3:ExistingObjectTag/${TagKey}") {
		t.Errorf("s3:GetObject condition keys = %v, want s3:ExistingObjectTag/${TagKey}", a.ConditionKeys)
	}
	if a.Description == "" {
		t.Error("s3:GetObject has no description")
	}

	for name, want := range map[string]catalog.AccessLevel{
		"s3:PutBucketPolicy":  catalog.PermissionsManagement, // listed as "Permissions management, Write"
		"s3:PutObjectTagging": catalog.Tagging,               // listed as "Tagging, Write"
		"s3:PutObject":        catalog.Write,
		"s3:ListAllMyBuckets": catalog.List,
		"s3:ListBucket":       catalog.List,
	} {
		if got := mustLookup(t, name).Access; got != want {
			t.Errorf("%s access = %q, want %q", name, got, want)
		}
	}
	if a := mustLookup(t, "s3:PutBucketPolicy"); !hasResource(a, "bucket") {
		t.Errorf("s3:PutBucketPolicy resources = %v, want bucket", a.Resources)
	}
	// Actions without resource-level permissions have no resources.
	if a := mustLookup(t, "s3:ListAllMyBuckets"); len(a.Resources) != 0 {
		t.Errorf("s3:ListAllMyBuckets resources = %v, want none", a.Resources)
	}
	if a := mustLookup(t, "s3:PutObject"); !slices.Contains(a.ConditionKeys, "s3:RequestObjectTag/${TagKey}") ||
		!slices.Contains(a.ConditionKeys, "s3:x-amz-acl") {
		t.Errorf("s3:PutObject condition keys = %v", a.ConditionKeys)
	}
}

// Service Authorization Reference: Actions defined by AWS Key Management
// Service and by AWS Security Token Service.
func TestKMSAndSTSActions(t *testing.T) {
	d := mustLookup(t, "kms:Decrypt")
	if d.Access != catalog.Write || !hasResource(d, "key") || !slices.Contains(d.ConditionKeys, "kms:EncryptionContext:${EncryptionContextKey}") {
		t.Errorf("kms:Decrypt = %+v", d)
	}
	if a := mustLookup(t, "kms:PutKeyPolicy"); a.Access != catalog.PermissionsManagement {
		t.Errorf("kms:PutKeyPolicy access = %q", a.Access)
	}
	r := mustLookup(t, "sts:AssumeRole")
	if r.Access != catalog.Write || !hasResource(r, "role") || !slices.Contains(r.ConditionKeys, "sts:ExternalId") {
		t.Errorf("sts:AssumeRole = %+v", r)
	}
	if a := mustLookup(t, "sts:GetCallerIdentity"); len(a.Resources) != 0 {
		t.Errorf("sts:GetCallerIdentity resources = %v", a.Resources)
	}
}

func TestLookupCaseInsensitive(t *testing.T) {
	for _, name := range []string{"s3:getobject", "S3:GETOBJECT", "s3:gEtObJeCt", "KMS:decrypt", "Sts:AssumeRole"} {
		a, ok := catalog.Lookup(name)
		if !ok || !strings.EqualFold(a.String(), name) {
			t.Errorf("Lookup(%q) = %v, %v", name, a, ok)
		}
	}
	if a, _ := catalog.Lookup("s3:getobject"); a.Name != "GetObject" {
		t.Errorf("Lookup(s3:getobject).Name = %q, want AWS's spelling GetObject", a.Name)
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{
		"", ":", "s3", "s3:", ":GetObject", "GetObject", "s3:GetObjects", "s3:GetObjec",
		"s3:Get*", "s3:*", "*", "ec2:RunInstances", "s3express:GetObject", "s3 :GetObject",
		"s3:GetObject ", "s3:GetObject:x", "iam:PassRole",
	} {
		if a, ok := catalog.Lookup(name); ok {
			t.Errorf("Lookup(%q) = %v, want not found", name, a)
		}
	}
}

func TestLookupAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { catalog.Lookup("S3:NoSuchAction") }); n != 0 {
		t.Errorf("Lookup of an unknown action: %v allocations, want 0", n)
	}
}

func names(as []catalog.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.String()
	}
	return out
}

func TestExpand(t *testing.T) {
	got := catalog.Expand("s3:Get*")
	ns := names(got)
	for _, want := range []string{"s3:GetObject", "s3:GetBucketPolicy", "s3:GetObjectAcl"} {
		if !slices.Contains(ns, want) {
			t.Errorf("Expand(s3:Get*) lacks %s", want)
		}
	}
	for _, a := range got {
		if a.Service != "s3" || !strings.HasPrefix(a.Name, "Get") {
			t.Errorf("Expand(s3:Get*) returned %s", a)
		}
	}
	for _, a := range catalog.Actions("s3") {
		if strings.HasPrefix(a.Name, "Get") != slices.Contains(ns, a.String()) {
			t.Errorf("Expand(s3:Get*) and %s disagree", a)
		}
	}

	if got := names(catalog.Expand("s3:*Object?cl")); !slices.Equal(got, []string{"s3:GetObjectAcl", "s3:PutObjectAcl"}) {
		t.Errorf("Expand(s3:*Object?cl) = %v", got)
	}
	if got := names(catalog.Expand("s3:GetObject")); !slices.Equal(got, []string{"s3:GetObject"}) {
		t.Errorf("Expand(s3:GetObject) = %v", got)
	}

	all := catalog.Expand("*")
	total := 0
	for _, s := range catalog.Services() {
		total += len(catalog.Actions(s))
	}
	if len(all) != total || total < 200 {
		t.Errorf("Expand(*) = %d actions, the services have %d", len(all), total)
	}
	if !slices.IsSortedFunc(all, cmpAction) {
		t.Error("Expand(*) is not sorted by service, then name")
	}
	if n := len(catalog.Expand("s3:*")); n != len(catalog.Actions("s3")) {
		t.Errorf("Expand(s3:*) = %d actions, Actions(s3) = %d", n, len(catalog.Actions("s3")))
	}
	// The service prefix is matched too.
	for _, a := range catalog.Expand("s*:Get*") {
		if a.Service != "s3" && a.Service != "sts" {
			t.Errorf("Expand(s*:Get*) returned %s", a)
		}
	}
	if got := names(catalog.Expand("*:AssumeRole")); !slices.Equal(got, []string{"sts:AssumeRole"}) {
		t.Errorf("Expand(*:AssumeRole) = %v", got)
	}
	if got := catalog.Expand("*:GetCallerIdentity?"); len(got) != 0 {
		t.Errorf("Expand(*:GetCallerIdentity?) = %v", names(got))
	}

	for _, p := range []string{"", ":", "s3", "s3:", "s3:Get", "ec2:*", "s3:Get*Zz", "s3:?"} {
		if got := catalog.Expand(p); got != nil {
			t.Errorf("Expand(%q) = %v, want nil", p, names(got))
		}
	}
}

func TestExpandCaseInsensitive(t *testing.T) {
	want := names(catalog.Expand("s3:Get*"))
	for _, p := range []string{"s3:get*", "S3:GET*", "s3:gEt*", "S3:Get*"} {
		if got := names(catalog.Expand(p)); !slices.Equal(got, want) {
			t.Errorf("Expand(%q) = %d actions, Expand(s3:Get*) = %d", p, len(got), len(want))
		}
	}
	if got := names(catalog.Expand("KMS:DECRYPT")); !slices.Equal(got, []string{"kms:Decrypt"}) {
		t.Errorf("Expand(KMS:DECRYPT) = %v", got)
	}
}

func cmpAction(a, b catalog.Action) int {
	if c := strings.Compare(a.Service, b.Service); c != 0 {
		return c
	}
	return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
}

func TestServicesAndActions(t *testing.T) {
	if got := catalog.Services(); !slices.Equal(got, []string{"kms", "s3", "sts"}) {
		t.Errorf("Services() = %v", got)
	}
	for _, s := range catalog.Services() {
		as := catalog.Actions(s)
		if len(as) == 0 {
			t.Errorf("Actions(%q) is empty", s)
		}
		if !slices.IsSortedFunc(as, cmpAction) {
			t.Errorf("Actions(%q) is not sorted", s)
		}
		for _, a := range as {
			if a.Service != s {
				t.Errorf("Actions(%q) returned %s", s, a)
			}
			switch a.Access {
			case catalog.List, catalog.Read, catalog.Write, catalog.PermissionsManagement, catalog.Tagging:
			default:
				t.Errorf("%s: access level %q", a, a.Access)
			}
			if b, ok := catalog.Lookup(a.String()); !ok || b.String() != a.String() {
				t.Errorf("Lookup(%s) = %v, %v", a, b, ok)
			}
			for _, r := range a.Resources {
				if _, ok := catalog.LookupResourceType(a.Service, r.Type); !ok {
					t.Errorf("%s: resource type %q not found", a, r.Type)
				}
			}
			for _, k := range a.ConditionKeys {
				if _, ok := catalog.LookupConditionKey(k); !ok {
					t.Errorf("%s: condition key %q not found", a, k)
				}
			}
		}
	}
	if len(catalog.Actions("S3")) != len(catalog.Actions("s3")) {
		t.Error("Actions is case-sensitive")
	}
	for _, s := range []string{"", "ec2", "s", "s3express", "kmsx"} {
		if got := catalog.Actions(s); got != nil {
			t.Errorf("Actions(%q) = %d actions, want nil", s, len(got))
		}
	}
}

func TestLookupResourceType(t *testing.T) {
	r, ok := catalog.LookupResourceType("s3", "object")
	if !ok || r.Service != "s3" || r.Name != "object" || r.ARN != "arn:${Partition}:s3:::${BucketName}/${ObjectName}" {
		t.Errorf("LookupResourceType(s3, object) = %+v, %v", r, ok)
	}
	if r, ok := catalog.LookupResourceType("KMS", "Key"); !ok || r.Name != "key" || !slices.Contains(r.ConditionKeys, "kms:KeySpec") {
		t.Errorf("LookupResourceType(KMS, Key) = %+v, %v", r, ok)
	}
	if r, ok := catalog.LookupResourceType("sts", "role"); !ok || !strings.Contains(r.ARN, ":role/") {
		t.Errorf("LookupResourceType(sts, role) = %+v, %v", r, ok)
	}
	for _, c := range [][2]string{{"s3", "key"}, {"kms", "object"}, {"s3", ""}, {"", "object"}, {"ec2", "instance"}} {
		if r, ok := catalog.LookupResourceType(c[0], c[1]); ok {
			t.Errorf("LookupResourceType(%q, %q) = %+v", c[0], c[1], r)
		}
	}
}

func TestLookupConditionKey(t *testing.T) {
	for key, want := range map[string]string{
		"s3:x-amz-acl":                              "s3:x-amz-acl",
		"S3:X-AMZ-ACL":                              "s3:x-amz-acl",
		"s3:RequestObjectTag/${TagKey}":             "s3:RequestObjectTag/${TagKey}",
		"s3:RequestObjectTag/env":                   "s3:RequestObjectTag/${TagKey}",
		"s3:requestobjecttag/a/b:c":                 "s3:RequestObjectTag/${TagKey}",
		"s3:ExistingObjectTag/<key>":                "s3:ExistingObjectTag/${TagKey}", // the reference's spelling
		"kms:EncryptionContext:dept":                "kms:EncryptionContext:${EncryptionContextKey}",
		"kms:EncryptionContextKeys":                 "kms:EncryptionContextKeys", // exact beats the template
		"aws:RequestTag/Project":                    "aws:RequestTag/${TagKey}",
		"aws:TagKeys":                               "aws:TagKeys",
		"sts:ExternalId":                            "sts:ExternalId",
		"saml:aud":                                  "saml:aud",
		"token.actions.githubusercontent.com:sub":   "",
		"token.actions.githubusercontent.com:actor": "token.actions.githubusercontent.com:actor",
		"token.actions.githubusercontent.com/x:ref": "token.actions.githubusercontent.com/${SubPath}:ref",
		"agent.acme.buildkite.dev:cluster_id":       "agent.${Domain}.buildkite.dev:cluster_id",
		"s3:RequestObjectTag/":                      "", // a placeholder is never empty
		"s3:RequestObjectTag":                       "",
		"s3:x-amz-acl ":                             "",
		"aws:SourceIp":                              "", // global keys are not in the catalog
		"":                                          "",
		"*":                                         "",
		"s3:*":                                      "",
	} {
		k, ok := catalog.LookupConditionKey(key)
		if ok != (want != "") || k.Name != want {
			t.Errorf("LookupConditionKey(%q) = %q, %v; want %q", key, k.Name, ok, want)
		}
	}
	k, _ := catalog.LookupConditionKey("s3:x-amz-acl")
	if k.Service != "s3" || k.Type != "String" || k.Description == "" {
		t.Errorf("s3:x-amz-acl = %+v", k)
	}
	if k, _ := catalog.LookupConditionKey("aws:TagKeys"); k.Type != "ArrayOfString" {
		t.Errorf("aws:TagKeys = %+v", k)
	}
}

// The tables must not be reachable through returned values.
func TestResultsAreCopies(t *testing.T) {
	a := mustLookup(t, "s3:GetObject")
	a.ConditionKeys[0] = "mutated"
	a.Resources[0].Type = "mutated"
	for _, b := range catalog.Expand("s3:GetObject") {
		b.ConditionKeys[0] = "mutated"
		b.Resources[0].Type = "mutated"
	}
	as := catalog.Actions("s3")
	as[0].Name = "mutated"
	as[0].ConditionKeys[0] = "mutated"
	s := catalog.Services()
	s[0] = "mutated"
	r, _ := catalog.LookupResourceType("kms", "key")
	r.ConditionKeys[0] = "mutated"

	b := mustLookup(t, "s3:GetObject")
	if b.ConditionKeys[0] == "mutated" || b.Resources[0].Type == "mutated" {
		t.Error("mutating a result of Lookup or Expand changed the catalog")
	}
	if c := catalog.Actions("s3"); c[0].Name == "mutated" || c[0].ConditionKeys[0] == "mutated" {
		t.Error("mutating a result of Actions changed the catalog")
	}
	if catalog.Services()[0] == "mutated" {
		t.Error("mutating a result of Services changed the catalog")
	}
	if r, _ := catalog.LookupResourceType("kms", "key"); r.ConditionKeys[0] == "mutated" {
		t.Error("mutating a result of LookupResourceType changed the catalog")
	}
}

func ExampleLookup() {
	a, ok := catalog.Lookup("s3:putbucketpolicy")
	fmt.Println(a, ok, a.Access)
	for _, r := range a.Resources {
		fmt.Println("resource:", r.Type)
	}
	_, ok = catalog.Lookup("s3:PutBucketPolicies")
	fmt.Println(ok)
	// Output:
	// s3:PutBucketPolicy true Permissions management
	// resource: bucket
	// false
}

func ExampleExpand() {
	for _, a := range catalog.Expand("s3:*Object?cl") {
		fmt.Println(a, a.Access)
	}
	// Output:
	// s3:GetObjectAcl Read
	// s3:PutObjectAcl Permissions management
}

func ExampleLookupConditionKey() {
	k, ok := catalog.LookupConditionKey("s3:RequestObjectTag/Project")
	fmt.Println(k.Name, k.Type, ok)
	// Output:
	// s3:RequestObjectTag/${TagKey} String true
}

// wildcardRegexp is a reference implementation of IAM action patterns.
func wildcardRegexp(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?i)^`)
	for i, r := range p {
		switch r {
		case '*':
			if i == 0 || p[i-1] != '*' { // regexp is slow on long runs of .*
				b.WriteString(`.*`)
			}
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{
		"", "*", "?", ":", "s3:*", "s3:Get*", "S3:GET*", "s3:*Object?cl", "*:*", "**", "*?*?*",
		"s*:Get*", "kms:Decrypt", "sts:AssumeRole*", "s3:GetObject", "s3:G*t*b*j*c*t",
		"?3:*", "s3:***Acl", "s3:\x00", "s3:Ǆ*", "\xff*", strings.Repeat("*a", 40),
	} {
		f.Add(s)
	}
	all := catalog.Expand("*")
	f.Fuzz(func(t *testing.T, pattern string) {
		got := catalog.Expand(pattern)
		if !slices.IsSortedFunc(got, cmpAction) {
			t.Fatalf("Expand(%q) is not sorted", pattern)
		}
		if len(got) > len(all) {
			t.Fatalf("Expand(%q) returned %d actions, more than the catalog's %d", pattern, len(got), len(all))
		}
		if !strings.ContainsAny(pattern, "*?") {
			a, ok := catalog.Lookup(pattern)
			if ok != (len(got) == 1) || ok && got[0].String() != a.String() {
				t.Fatalf("Expand(%q) = %v, Lookup = %v, %v", pattern, names(got), a, ok)
			}
		}
		// Check against regexp; its (?i) folds non-ASCII letters too
		// (K, the Kelvin sign, matches k), so only for ASCII patterns,
		// and only for short ones, as regexp is slow on long ones.
		if len(pattern) > 256 || strings.IndexFunc(pattern, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			return
		}
		re := wildcardRegexp(pattern)
		var want []string
		for _, a := range all {
			if re.MatchString(a.String()) {
				want = append(want, a.String())
			}
		}
		if g := names(got); !slices.Equal(g, want) {
			t.Fatalf("Expand(%q) = %v, want %v", pattern, g, want)
		}
	})
}

func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		catalog.Lookup("S3:GetObject")
	}
}

func BenchmarkExpand(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		catalog.Expand("s3:Get*")
	}
}

// Matching yields what Expand returns, in the same order, and stops when
// the loop does.
func TestMatching(t *testing.T) {
	for _, p := range []string{"s3:Get*", "*", "s*:Get*", "kms:?ncrypt", "s3:NoSuchAction*", "sts:AssumeRole"} {
		want := catalog.Expand(p)
		var got []catalog.Action
		for a := range catalog.Matching(p) {
			got = append(got, a)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: Matching yields %d actions, Expand returns %d", p, len(got), len(want))
		}
		for i := range got {
			if got[i].String() != want[i].String() || len(got[i].Resources) != len(want[i].Resources) {
				t.Errorf("%s: action %d is %s, Expand's is %s", p, i, got[i], want[i])
			}
		}
	}
	n := 0
	for range catalog.Matching("*") {
		if n++; n == 3 {
			break
		}
	}
	if n != 3 {
		t.Errorf("the loop ran %d times after breaking at 3", n)
	}
}
