package access_test

import (
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

const other = "444455556666"

// cacheCase is one decision, taken with and without a cache.
type cacheCase struct {
	name      string
	principal string
	action    string
	resource  string
	set       *policy.Set
	state     access.State
	want      policy.Decision
	setting   string
}

func cacheCases() []cacheCase {
	publicRead := policy.MustParse("bucket policy of b", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`)
	acls := access.State{BucketOwner: owner, ObjectOwnership: access.ObjectWriter,
		BucketACL: []access.Grant{{Grantee: access.AllUsers, Permission: access.Read}, {Grantee: other, Permission: access.Write}},
		ObjectACL: []access.Grant{{Grantee: access.AllUsers, Permission: access.Read}}}
	ignore := acls
	ignore.BucketPublicAccessBlock = &access.PublicAccessBlock{IgnorePublicAcls: true}
	foreign := acls
	foreign.ObjectOwner = other
	foreign.ObjectACL = []access.Grant{{Grantee: owner, Permission: access.Read}}
	return []cacheCase{
		{"public object ACL", "anonymous", "s3:GetObject", "arn:aws:s3:::b/k", &policy.Set{}, acls, policy.Allowed, ""},
		{"public bucket ACL", "anonymous", "s3:ListBucket", "arn:aws:s3:::b", &policy.Set{}, acls, policy.Allowed, ""},
		{"account grant of WRITE", "arn:aws:iam::" + other + ":root", "s3:PutObject", "arn:aws:s3:::b/k", &policy.Set{}, acls, policy.Allowed, ""},
		{"IgnorePublicAcls", "anonymous", "s3:GetObject", "arn:aws:s3:::b/k", &policy.Set{}, ignore, policy.ImplicitDeny, "IgnorePublicAcls"},
		{"IgnorePublicAcls keeps account grants", "arn:aws:iam::" + other + ":root", "s3:PutObject", "arn:aws:s3:::b/k", &policy.Set{}, ignore, policy.Allowed, ""},
		{"object owned by another account, delegated", "arn:aws:iam::" + owner + ":root", "s3:GetObject", "arn:aws:s3:::b/k", &policy.Set{}, foreign, policy.Allowed, ""},
		{"ACLs disabled", "anonymous", "s3:GetObject", "arn:aws:s3:::b/k", &policy.Set{}, access.State{BucketOwner: owner, BucketACL: acls.BucketACL, ObjectACL: acls.ObjectACL}, policy.ImplicitDeny, ""},
		{"public policy", "anonymous", "s3:GetObject", "arn:aws:s3:::b/k", &policy.Set{Resource: publicRead}, access.State{BucketOwner: owner}, policy.Allowed, ""},
		{"RestrictPublicBuckets", "anonymous", "s3:GetObject", "arn:aws:s3:::b/k", &policy.Set{Resource: publicRead},
			access.State{BucketOwner: owner, AccountPublicAccessBlock: &access.PublicAccessBlock{RestrictPublicBuckets: true}}, policy.ImplicitDeny, "RestrictPublicBuckets"},
	}
}

func (tt cacheCase) request(t testing.TB) *policy.Request {
	r, err := policy.NewRequest(tt.principal, tt.action, tt.resource, owner, policy.Context{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A Cache answers as Decide does, the first time and every time after.
func TestCacheDecidesAsDecide(t *testing.T) {
	var c access.Cache
	for round := range 3 {
		for _, tt := range cacheCases() {
			req := access.Request{Request: tt.request(t)}
			want, err := access.Decide(tt.set, req, &tt.state)
			if err != nil {
				t.Fatal(err)
			}
			if want.Decision != tt.want || want.Setting != tt.setting {
				t.Fatalf("%s: Decide says %v (%q), want %v (%q)", tt.name, want.Decision, want.Setting, tt.want, tt.setting)
			}
			got, err := c.Decide(tt.set, req, &tt.state)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d, %s: cached %+v, want %+v", round, tt.name, got, want)
			}
		}
	}
	var nilCache *access.Cache
	for _, tt := range cacheCases() {
		if d, err := nilCache.Decide(tt.set, access.Request{Request: tt.request(t)}, &tt.state); err != nil || d.Decision != tt.want {
			t.Errorf("nil Cache, %s: %v, %v; want %v", tt.name, d.Decision, err, tt.want)
		}
	}
}

// The cache never answers for a state that changed since: an ACL changed
// in place, Block Public Access turned on or off, a new bucket policy.
func TestCacheNotStale(t *testing.T) {
	var c access.Cache
	set := &policy.Set{}
	req := access.Request{Request: cacheCase{principal: "anonymous", action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}.request(t)}
	state := &access.State{BucketOwner: owner, ObjectOwnership: access.BucketOwnerPreferred,
		ObjectACL: []access.Grant{{Grantee: access.AllUsers, Permission: access.Read}}}
	decide := func(step string, want policy.Decision, setting string) {
		t.Helper()
		d, err := c.Decide(set, req, state)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if d.Decision != want || d.Setting != setting {
			t.Errorf("%s: %v (%q), want %v (%q)", step, d.Decision, d.Setting, want, setting)
		}
	}
	decide("public object ACL", policy.Allowed, "")
	state.ObjectACL[0].Grantee = other // in place: the same slice
	decide("ACL changed in place to an account grant", policy.ImplicitDeny, "")
	state.ObjectACL[0].Grantee = access.AllUsers
	decide("ACL public again", policy.Allowed, "")
	state.ObjectACL[0].Permission = access.ReadACP
	decide("ACL grants READ_ACP only", policy.ImplicitDeny, "")
	state.ObjectACL[0].Permission = access.Read
	state.BucketPublicAccessBlock = &access.PublicAccessBlock{IgnorePublicAcls: true}
	decide("IgnorePublicAcls on", policy.ImplicitDeny, "IgnorePublicAcls")
	state.BucketPublicAccessBlock.IgnorePublicAcls = false
	decide("IgnorePublicAcls off", policy.Allowed, "")
	state.ObjectOwnership = access.BucketOwnerEnforced
	decide("ACLs disabled", policy.ImplicitDeny, "")
	state.ObjectOwnership = access.ObjectWriter
	state.ObjectACL = nil
	decide("ACL removed", policy.ImplicitDeny, "")

	// The public verdict of the bucket policy follows the policy.
	req = access.Request{Request: cacheCase{principal: "arn:aws:iam::" + other + ":root", action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}.request(t)}
	state.AccountPublicAccessBlock = &access.PublicAccessBlock{RestrictPublicBuckets: true}
	set.Resource = policy.MustParse("bucket policy", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`)
	decide("public policy, restricted", policy.ImplicitDeny, "RestrictPublicBuckets")
	set.Resource = policy.MustParse("bucket policy", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"`+other+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`)
	decide("a policy for one account is not public", policy.Allowed, "")
	set.Resource = policy.MustParse("bucket policy", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`)
	decide("public again", policy.ImplicitDeny, "RestrictPublicBuckets")
	state.AccountPublicAccessBlock.RestrictPublicBuckets = false
	decide("RestrictPublicBuckets off", policy.Allowed, "")
}

// Errors are the same with a cache, and not remembered.
func TestCacheErrors(t *testing.T) {
	var c access.Cache
	req := access.Request{Request: cacheCase{principal: "anonymous", action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}.request(t)}
	bad := &access.State{ObjectOwnership: access.ObjectWriter, ObjectACL: []access.Grant{{Grantee: access.AllUsers, Permission: "FLY"}}}
	_, want := access.Decide(&policy.Set{}, req, bad)
	_, got := c.Decide(&policy.Set{}, req, bad)
	if want == nil || got == nil || got.Error() != want.Error() {
		t.Fatalf("an unknown permission: cached error %v, want %v", got, want)
	}
	bad.ObjectACL[0].Permission = access.Read
	if d, err := c.Decide(&policy.Set{}, req, bad); err != nil || d.Decision != policy.Allowed {
		t.Errorf("fixed ACL: %v, %v", d.Decision, err)
	}
}

// More distinct ACLs than the cache keeps: it empties itself and goes on
// answering right.
func TestCacheManyACLs(t *testing.T) {
	var c access.Cache
	for i := range 1100 {
		grantee := fmt.Sprintf("%012d", i)
		req := access.Request{Request: cacheCase{principal: "arn:aws:iam::" + grantee + ":root", action: "s3:GetObject", resource: "arn:aws:s3:::b/k"}.request(t)}
		state := &access.State{BucketOwner: owner, ObjectOwnership: access.ObjectWriter,
			ObjectACL: []access.Grant{{Grantee: fmt.Sprintf("%012d", i), Permission: access.Read}}}
		if d, err := c.Decide(&policy.Set{}, req, state); err != nil || d.Decision != policy.Allowed {
			t.Fatalf("grant %d: %v, %v", i, d.Decision, err)
		}
		state.ObjectACL[0].Grantee = fmt.Sprintf("%012d", i+1)
		if d, err := c.Decide(&policy.Set{}, req, state); err != nil || d.Decision != policy.ImplicitDeny {
			t.Fatalf("grant %d to another account: %v, %v", i, d.Decision, err)
		}
	}
}

// One cache shared by goroutines deciding on several states (run with
// -race).
func TestCacheConcurrent(t *testing.T) {
	var c access.Cache
	cases := cacheCases()
	want := make([]access.Decision, len(cases))
	for i, tt := range cases {
		var err error
		if want[i], err = access.Decide(tt.set, access.Request{Request: tt.request(t)}, &tt.state); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for n := range 50 {
				i := (g + n) % len(cases)
				tt := cases[i]
				state := tt.state // each goroutine its own copy of the state
				got, err := c.Decide(tt.set, access.Request{Request: tt.request(t)}, &state)
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(got, want[i]) {
					t.Errorf("goroutine %d, %s: %v, want %v", g, tt.name, got.Decision, want[i].Decision)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkDecide decides a read of an object in a bucket with ACLs
// enabled and IgnorePublicAcls on, denied: the case that compiles the
// ACLs twice without a cache.
func BenchmarkDecide(b *testing.B) {
	admin := policy.MustParse("admin", policy.IdentityBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}`)
	publicRead := policy.MustParse("bucket policy of b", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`)
	set := &policy.Set{Identity: []*policy.Policy{admin}, Resource: publicRead}
	req, err := policy.NewRequest("arn:aws:iam::"+other+":user/u", "s3:GetObject", "arn:aws:s3:::b/k", owner, policy.Context{})
	if err != nil {
		b.Fatal(err)
	}
	grants := make([]access.Grant, 0, 4)
	for i := range 3 {
		grants = append(grants, access.Grant{Grantee: "55556666" + strconv.Itoa(7000+i), Permission: access.Read})
	}
	grants = append(grants, access.Grant{Grantee: access.AllUsers, Permission: access.Read})
	state := &access.State{BucketOwner: owner, ObjectOwnership: access.ObjectWriter, BucketACL: grants, ObjectACL: grants,
		BucketPublicAccessBlock: &access.PublicAccessBlock{IgnorePublicAcls: true, RestrictPublicBuckets: true}}
	var c access.Cache
	for _, bc := range []struct {
		name   string
		decide func(*policy.Set, access.Request, *access.State) (access.Decision, error)
	}{{"uncached", access.Decide}, {"cached", c.Decide}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				d, err := bc.decide(set, access.Request{Request: req}, state)
				if err != nil || d.Decision == policy.Allowed {
					b.Fatal(d.Decision, err)
				}
			}
		})
	}
}

// WRITE granted on an object is kept but grants nothing: "WRITE ... When
// granted on an object: Not applicable" (S3 User Guide, "Access control
// list (ACL) overview"); the canned ACL public-read-write, which applies
// to objects, grants AllUsers READ and WRITE.
func TestObjectWriteGrantsNothing(t *testing.T) {
	acl, err := access.CannedACL("public-read-write", "111111111111")
	if err != nil {
		t.Fatal(err)
	}
	state := &access.State{BucketOwner: "111111111111", ObjectOwnership: access.ObjectWriter, ObjectACL: acl}
	if err := state.Validate(); err != nil {
		t.Fatalf("public-read-write on an object: %v", err)
	}
	for _, tt := range []struct {
		action string
		want   policy.Decision
	}{{"s3:GetObject", policy.Allowed}, {"s3:PutObject", policy.ImplicitDeny}, {"s3:DeleteObject", policy.ImplicitDeny}, {"s3:PutObjectAcl", policy.ImplicitDeny}} {
		req := access.Request{Request: cacheCase{principal: "anonymous", action: tt.action, resource: "arn:aws:s3:::b/k"}.request(t)}
		d, err := access.Decide(&policy.Set{}, req, state)
		if err != nil || d.Decision != tt.want {
			t.Errorf("anonymous %s under public-read-write: %v %v, want %v", tt.action, d.Decision, err, tt.want)
		}
	}
}
