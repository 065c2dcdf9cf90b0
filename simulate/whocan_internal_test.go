package simulate

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
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
		if got := (&model{}).policyTouches(p, "b"); got != tc.want {
			t.Errorf("%s: %t, want %t", tc.doc, got, tc.want)
		}
	}
}

// TestWhoCanGroups: deciding once for a group of principals gives each the
// answer it gets alone, through its own statements, in a world where
// principals with the same policies differ by name (a bucket policy naming
// one, a condition on aws:username) and by tags.
func TestWhoCanGroups(t *testing.T) {
	w := &World{}
	a := w.AddAccount("111122223333")
	read := `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}]}`
	tagged := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"data"}}}]}`
	for i := range 4 {
		r := a.AddRole(fmt.Sprintf("reader-%d", i), "", read, tagged)
		if i%2 == 0 {
			r.Tags = map[string]string{"team": "data"}
		}
	}
	for i := range 3 {
		a.AddUser(fmt.Sprintf("u%d", i), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bkt/home/${aws:username}/*"}]}`)
	}
	a.AddBucket("bkt", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader-1"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/secret/*"},
		{"Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bkt","Condition":{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/reader-3"}}}]}`)
	m, err := compile(w, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	alone, err := m.whoCan(WhoCanQuery{Bucket: "bkt"}, now, false)
	if err != nil {
		t.Fatal(err)
	}
	grouped, err := m.whoCan(WhoCanQuery{Bucket: "bkt"}, now, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(alone) == 0 {
		t.Fatal("no access at all")
	}
	if diff := cmp.Diff(alone, grouped); diff != "" {
		t.Errorf("grouped answers differ from answers alone (-alone +grouped):\n%s", diff)
	}
	// Without the bucket policy's names and condition, the readers of
	// the same tags form groups.
	b := m.buckets["bkt"]
	var readers []*whoPrincipal
	for _, p := range m.whoPrincipals(m.resourceReach(b)) {
		if strings.HasPrefix(p.arn, "arn:aws:iam::111122223333:role/reader-") {
			readers = append(readers, p)
		}
	}
	saved := b.policy
	b.policy = nil
	defer func() { b.policy = saved }()
	if gs := m.groupPrincipals(b, readers); len(gs) != 2 {
		t.Errorf("%d groups of 4 readers with two tag sets, want 2", len(gs))
	}
	b.policy = saved
	if gs := m.groupPrincipals(b, readers); len(gs) != 4 {
		t.Errorf("%d groups when a policy reads aws:PrincipalArn, want 4 (each alone)", len(gs))
	}
}

// TestWhoCanFastEqualsSlow: what WhoCan skips (principals no Allow may
// reach, actions no Allow names, key classes a principal cannot tell apart,
// groups decided once) changes no answer: the fast answer equals deciding
// every principal, action and key class, on worlds built to catch a
// pre-filter that skips too much (an account named by ID, a role named by
// ARN, NotPrincipal, ACLs to other accounts and to everyone, an object ACL,
// a boundary, an SCP, tags, a policy variable, another account of the
// world with and without identity policies).
func TestWhoCanFastEqualsSlow(t *testing.T) {
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	for _, tc := range []struct {
		name, bucketPolicy, ownership string
		acl                           []access.Grant
	}{
		{name: "no bucket policy"},
		{name: "own account by ID", bucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)},
		{name: "own root and other account", bucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]},"Action":["s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bkt","arn:aws:s3:::bkt/*"]}`)},
		{name: "a role by ARN", bucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/plain-1"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::bkt/tmp/*"}`)},
		{name: "another world account's role", bucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:role/far"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)},
		{name: "another world account by ID", bucketPolicy: doc(`{"Effect":"Allow","Principal":{"AWS":"777788889999"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`)},
		{name: "NotPrincipal deny", bucketPolicy: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/admin-0"},"Action":"s3:Delete*","Resource":"arn:aws:s3:::bkt/*"}`)},
		{name: "anyone with a condition", bucketPolicy: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/pub/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}`)},
		{name: "ACLs", ownership: access.ObjectWriter, acl: []access.Grant{{Grantee: "111122223333", Permission: access.FullControl},
			{Grantee: "777788889999", Permission: access.Read}, {Grantee: access.AllUsers, Permission: access.Read}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &World{Organization: &Organization{ID: "o-abc", Accounts: []string{"111122223333"},
				SCPs: [][]json.RawMessage{{json.RawMessage(doc(`{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}`))}}}}
			a := w.AddAccount("111122223333")
			for i := range 2 {
				a.AddRole(fmt.Sprintf("admin-%d", i), "", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
				a.AddRole(fmt.Sprintf("plain-%d", i), "")
				a.AddRole(fmt.Sprintf("home-%d", i), "", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bkt/home/${aws:username}/*"}`))
			}
			r := a.AddRole("tagged", "", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}`))
			r.Tags = map[string]string{"team": "x"}
			r = a.AddRole("bounded", "", doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`))
			r.PermissionsBoundary = json.RawMessage(doc(`{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::bkt/reports/*"}`))
			a.AddUser("alice", doc(`{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::bkt/in/*"}`))
			other := w.AddAccount("777788889999")
			other.AddRole("far", "", doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}`))
			other.AddRole("near", "")
			var policies []string
			if tc.bucketPolicy != "" {
				policies = append(policies, tc.bucketPolicy)
			}
			bk := a.AddBucket("bkt", policies...)
			bk.ObjectOwnership, bk.ACL = tc.ownership, tc.acl
			bk.AddObject("reports/q1.csv", "q1")
			if tc.ownership != "" {
				bk.Objects = append(bk.Objects, Object{Key: "open.txt", Body: "o", ACL: []access.Grant{{Grantee: access.AllUsers, Permission: access.Read}}})
			}
			m, err := compile(w, time.Now)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Now()
			for _, key := range []string{"", "reports/q1.csv", "home/x/y"} {
				slow, err := m.whoCan(WhoCanQuery{Bucket: "bkt", Key: key}, now, false)
				if err != nil {
					t.Fatal(err)
				}
				fast, err := m.whoCan(WhoCanQuery{Bucket: "bkt", Key: key}, now, true)
				if err != nil {
					t.Fatal(err)
				}
				if len(slow) == 0 {
					t.Fatalf("key %q: no access at all", key)
				}
				if diff := cmp.Diff(slow, fast); diff != "" {
					t.Errorf("key %q: fast differs from slow (-slow +fast):\n%s", key, diff)
				}
			}
		})
	}
}
