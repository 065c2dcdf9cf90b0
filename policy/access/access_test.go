package access_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

const owner = "111122223333"

func request(t *testing.T, principal, action, resource string, ctx map[string][]string) *policy.Request {
	t.Helper()
	r, err := policy.NewRequest(principal, action, resource, owner, policy.NewContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// BlockPublicPolicy: "Amazon S3 rejects calls to PUT Bucket policy if the
// specified bucket policy allows public access." S3 User Guide, "Blocking
// public access to your Amazon S3 storage",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
func TestBlockPublicPolicy(t *testing.T) {
	admin := policy.MustParse("admin", policy.IdentityBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	publicPolicy := policy.MustParse("new", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`)
	orgPolicy := policy.MustParse("new", policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}}`)
	set := &policy.Set{Identity: []*policy.Policy{admin}}
	req := request(t, "arn:aws:iam::111122223333:user/admin", "s3:PutBucketPolicy", "arn:aws:s3:::b", nil)
	tests := []struct {
		name   string
		newPol *policy.Policy
		pab    *access.PublicAccessBlock
		want   policy.Decision
	}{
		{"public policy blocked at bucket level", publicPolicy, &access.PublicAccessBlock{BlockPublicPolicy: true}, policy.ExplicitDeny},
		{"non-public policy passes", orgPolicy, &access.PublicAccessBlock{BlockPublicPolicy: true}, policy.Allowed},
		{"public policy without the setting", publicPolicy, &access.PublicAccessBlock{BlockPublicAcls: true}, policy.Allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := access.Decide(set, access.Request{Request: req, NewPolicy: tt.newPol}, &access.State{BucketOwner: owner, BucketPublicAccessBlock: tt.pab})
			if err != nil {
				t.Fatal(err)
			}
			if d.Decision != tt.want {
				t.Fatalf("decision %v, want %v", d.Decision, tt.want)
			}
			if tt.want == policy.ExplicitDeny && (d.Setting != "BlockPublicPolicy" || !strings.Contains(d.Message(req), "BlockPublicPolicy")) {
				t.Errorf("setting %q, message %q: BlockPublicPolicy not named", d.Setting, d.Message(req))
			}
		})
	}
	// The account-level setting covers every bucket.
	d, err := access.Decide(set, access.Request{Request: req, NewPolicy: publicPolicy}, &access.State{BucketOwner: owner, AccountPublicAccessBlock: &access.PublicAccessBlock{BlockPublicPolicy: true}})
	if err != nil || d.Decision != policy.ExplicitDeny {
		t.Errorf("account-level BlockPublicPolicy: %v, %v", d.Decision, err)
	}
}

// BlockPublicAcls with an ACL in the request body (PutBucketAcl).
func TestBlockPublicAclsBody(t *testing.T) {
	admin := policy.MustParse("admin", policy.IdentityBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	set := &policy.Set{Identity: []*policy.Policy{admin}}
	req := request(t, "arn:aws:iam::111122223333:user/admin", "s3:PutBucketAcl", "arn:aws:s3:::b", nil)
	state := &access.State{BucketOwner: owner, ObjectOwnership: access.ObjectWriter, BucketPublicAccessBlock: &access.PublicAccessBlock{BlockPublicAcls: true}}
	for _, tt := range []struct {
		acl  []access.Grant
		want policy.Decision
	}{
		{[]access.Grant{{Grantee: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", Permission: access.Read}}, policy.ExplicitDeny},
		{[]access.Grant{{Grantee: "444455556666", Permission: access.Read}}, policy.Allowed},
	} {
		d, err := access.Decide(set, access.Request{Request: req, NewACL: tt.acl}, state)
		if err != nil {
			t.Fatal(err)
		}
		if d.Decision != tt.want {
			t.Errorf("ACL %v: %v, want %v", tt.acl, d.Decision, tt.want)
		}
	}
}

func TestGrantHeaders(t *testing.T) {
	g, err := access.ParseGrantHeader(`uri="http://acs.amazonaws.com/groups/global/AllUsers", id="79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"`, access.Read)
	if err != nil || len(g) != 2 || !g[0].Public() || g[1].Public() {
		t.Fatalf("got %v, %v", g, err)
	}
	for _, bad := range []string{`emailAddress="a@example.com"`, `x="y"`, `uri="http://example.com/group"`, "nonsense"} {
		if _, err := access.ParseGrantHeader(bad, access.Read); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := access.CannedACL("public-everything", owner); err == nil {
		t.Error("unknown canned ACL: no error")
	}
}

func TestDecideRejectsBadInput(t *testing.T) {
	set := &policy.Set{}
	req := request(t, "arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:s3:::b/k", nil)
	if _, err := access.Decide(set, access.Request{Request: req}, &access.State{ObjectOwnership: "Whoever"}); err == nil {
		t.Error("unknown ownership: no error")
	}
	notS3 := request(t, "arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:sqs:us-east-1:111122223333:q", nil)
	if _, err := access.Decide(set, access.Request{Request: notS3}, &access.State{}); err == nil {
		t.Error("non-S3 resource: no error")
	}
	if _, err := access.Decide(set, access.Request{}, &access.State{}); err == nil {
		t.Error("nil request: no error")
	}
}

func FuzzParseGrantHeader(f *testing.F) {
	f.Add(`uri="http://acs.amazonaws.com/groups/global/AllUsers", id="111122223333"`)
	f.Add(`id=79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be`)
	f.Add(`emailAddress="x@example.com"`)
	f.Fuzz(func(t *testing.T, v string) {
		gs, err := access.ParseGrantHeader(v, access.FullControl)
		if err != nil {
			return
		}
		if _, err := access.ACLPolicy("b", gs, false, owner); err != nil {
			t.Fatalf("grants %v from %q do not make an ACL policy: %v", gs, v, err)
		}
	})
}

// "Amazon S3 considers a bucket or object ACL public if it grants any
// permissions to members of the predefined AllUsers or AuthenticatedUsers
// groups." S3 User Guide, "The meaning of "public"".
func TestPublicGrants(t *testing.T) {
	acl := []access.Grant{
		{Grantee: "444455556666", Permission: access.FullControl},
		{Grantee: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", Permission: access.ReadACP},
		{Grantee: access.LogDelivery, Permission: access.Write},
		{Grantee: access.AllUsers, Permission: access.Read},
	}
	got := access.PublicGrants(acl)
	want := []string{"grant 1 gives READ_ACP to AuthenticatedUsers", "grant 3 gives READ to AllUsers"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %q, want %q", got, want)
	}
	if access.PublicGrants(acl[:1]) != nil {
		t.Error("an account grant is not public")
	}
}
