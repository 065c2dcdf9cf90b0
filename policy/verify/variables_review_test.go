package verify

import (
	"context"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// Review of policy variables: hand-made policy pairs with requests chosen
// by hand, whose evaluation by policy.Set.Evaluate is the truth.

type vrCase struct {
	name     string
	kind     Kind
	old, new []string // whole policy documents; old nil means no old policy
	reqs     []advReq
	want     Verdict
}

func vrParse(t *testing.T, kind Kind, name string, docs []string) []*policy.Policy {
	t.Helper()
	typ := policy.IdentityBased
	if kind == Resource {
		typ = policy.ResourceBased
	}
	var out []*policy.Policy
	for _, d := range docs {
		p, err := policy.Parse(name, typ, []byte(d))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, p)
	}
	return out
}

func v12(sts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func v08(sts ...string) string {
	return `{"Version":"2008-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
}

func runVR(t *testing.T, tc vrCase) {
	t.Helper()
	old := vrParse(t, tc.kind, "old", tc.old)
	nw := vrParse(t, tc.kind, "new", tc.new)
	res := checkAgainstTruth(t, tc.kind, old, nw, tc.reqs)
	t.Logf("verdict %s (%s) witness %v", res.Verdict, res.Reason, res.Witness)
	if tc.want != 255 && res.Verdict != tc.want {
		t.Errorf("verdict %s (%s), want %s; witness %v", res.Verdict, res.Reason, tc.want, res.Witness)
	}
}

const alice = "arn:aws:iam::111122223333:user/alice"

func TestVariablesReview(t *testing.T) {
	for _, tc := range []vrCase{
		{
			// IAM User Guide, Policy variables: ${*} is a variable (a
			// literal *) only in Version 2012-10-17.
			name: "the same resource text in a 2008 and a 2012 policy",
			kind: Resource,
			old:  []string{v08(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`)},
			new:  []string{v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`)},
			reqs: []advReq{{"anonymous", "s3:GetObject", "arn:aws:s3:::b/*", nil}},
			want: Fail,
		},
		{
			name: "the same resource text in a 2012 and a 2008 policy",
			kind: Resource,
			old:  []string{v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`)},
			new:  []string{v08(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`)},
			reqs: []advReq{{"anonymous", "s3:GetObject", "arn:aws:s3:::b/${x}", nil}},
			want: Fail,
		},
		{
			name: "old default, new none: absent tag",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}`)},
			want: 255,
		},
		{
			name: "new default, old none",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/shared/k", nil}},
			want: 255,
		},
		{
			name: "NotResource with a variable on the old side",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/alice/*"}`)},
			reqs: []advReq{{"arn:aws:iam::111122223333:user/bob", "s3:GetObject", "arn:aws:s3:::b/bob/k", nil}},
			want: Fail,
		},
		{
			name: "NotResource with a variable on the new side",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/alice/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			reqs: []advReq{{"arn:aws:iam::111122223333:user/bob", "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}},
			want: Fail,
		},
		{
			name: "old Deny NotResource with a variable, new Deny fixed",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/alice/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}, {"arn:aws:iam::111122223333:user/bob", "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}},
			want: Fail,
		},
		{
			name: "StringNotLike with a variable, new",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringNotLike":{"s3:prefix":"alice/*"}}}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringNotLike":{"s3:prefix":"${aws:username}/*"}}}`)},
			reqs: []advReq{{"arn:aws:iam::111122223333:user/bob", "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"alice/x"}}}},
			want: Fail,
		},
		{
			name: "a Deny both hold removed beside a set-aside Allow",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`, `{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`)},
			reqs: []advReq{{alice, "s3:DeleteObject", "arn:aws:s3:::b/home/alice/k", nil}},
			want: Fail,
		},
		{
			name: "old Deny with a variable swapped for another variable",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`, `{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`, `{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/home/${aws:PrincipalTag/x}/*"}`)},
			reqs: []advReq{{alice, "s3:DeleteObject", "arn:aws:s3:::b/home/alice/k", map[string][]string{"aws:PrincipalTag/x": {"bob"}}}},
			want: 255,
		},
		{
			name: "variable in the bucket name",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::${aws:PrincipalTag/b}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::data/k", nil}},
			want: Fail,
		},
		{
			name: "variable in the account of a KMS key",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:${aws:PrincipalAccount}:key/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:444455556666:key/*"}`)},
			reqs: []advReq{{alice, "kms:Decrypt", "arn:aws:kms:us-east-1:444455556666:key/k", nil}},
			want: Fail,
		},
		{
			name: "ArnLike with a variable in the last segment",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/${aws:username}"}}}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)},
			reqs: []advReq{{"arn:aws:sts::111122223333:assumed-role/r/s", "s3:GetObject", "arn:aws:s3:::b/k", nil}},
			want: Fail,
		},
		{
			name: "same text, Sid differs",
			kind: Identity,
			old:  []string{v12(`{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			new:  []string{v12(`{"Sid":"B","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			want: Pass,
		},
		{
			name: "bucket policy, Principal widened to *",
			kind: Resource,
			old:  []string{v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			reqs: []advReq{{"arn:aws:iam::444455556666:user/bob", "s3:GetObject", "arn:aws:s3:::b/bob/k", nil}},
			want: 255,
		},
		{
			name: "2008 old literal, 2012 new variable",
			kind: Identity,
			old:  []string{v08(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}},
			want: Fail,
		},
		{
			name: "2012 old variable, 2008 new literal",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			new:  []string{v08(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/${aws:username}/k", nil}},
			want: Fail,
		},
		{
			name: "escapes before the variable",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}/${aws:username}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}/x/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/*/x/k", nil}},
			want: Fail,
		},
		{
			name: "escape-only statements",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/x", nil}},
			want: Fail,
		},
		{
			name: "multivalued key as a variable",
			kind: Identity,
			old:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:CalledVia}/*"}`)},
			new:  []string{v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/x/*"}`)},
			reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/x/k", nil}},
			want: Fail,
		},
		{
			name: "trust policy, condition with a variable dropped",
			kind: Resource,
			old:  []string{v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Resource":"*","Condition":{"StringEquals":{"sts:RoleSessionName":"${aws:username}"}}}`)},
			new:  []string{v12(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole","Resource":"*"}`)},
			reqs: []advReq{{alice, "sts:AssumeRole", "arn:aws:iam::444455556666:role/r", map[string][]string{"sts:RoleSessionName": {"x"}}}},
			want: Fail,
		},
	} {
		t.Run(tc.name, func(t *testing.T) { runVR(t, tc) })
	}
}

func TestVariablesReviewPublic(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, doc string
		outsider  advReq // a request from outside, when the policy allows one
		want      Verdict
	}{
		{
			// Only users of 111122223333, which the policy names, reach
			// their homes: anonymous has no aws:username, other accounts
			// are denied. Step 3 used to bind the anonymous witness to a
			// user of 111122223333 and call it a request from outside.
			name: "only the named account has a user name that resolves",
			doc: v12(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
				`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`,
				`{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":["111122223333","anonymous"]}}}`),
			want: Unknown,
		},
		{
			name:     "any account's users reach their homes",
			doc:      v12(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`),
			outsider: advReq{"arn:aws:iam::444455556666:user/bob", "s3:GetObject", "arn:aws:s3:::b/bob/k", nil},
			want:     Fail,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := policy.MustParse("bucket", policy.ResourceBased, tc.doc)
			res, err := NoPublicAccess(ctx, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := newCheck(Resource, nil)
			set, _ := c.set([]*policy.Policy{p})
			if tc.outsider.principal != "" {
				r, err := policy.NewRequest(tc.outsider.principal, tc.outsider.action, tc.outsider.resource, "", policy.NewContext(tc.outsider.ctx))
				if err != nil || set.Evaluate(r).Decision != policy.Allowed {
					t.Fatalf("the request from outside chosen by hand is not allowed (%v)", err)
				}
			}
			if res.Verdict == Fail {
				named := namedAccounts(p)
				w, err := policy.ParsePrincipal(res.Witness.Principal)
				if err != nil || !(w.Kind == policy.Anonymous || w.Account != "" && !named[w.Account]) {
					t.Errorf("FAIL with a witness not from outside: %s", res.Witness)
				}
			}
			if res.Verdict != tc.want {
				t.Errorf("%s (%s), want %s; witness %v", res.Verdict, res.Reason, tc.want, res.Witness)
			}
		})
	}
}

func TestVariablesReviewAccessNotGranted(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		doc    string
		access Access
		req    advReq // allowed, for the access
		want   Verdict
	}{
		{"an Allow with a variable", v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`),
			Access{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/*"}},
			advReq{alice, "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}, Fail},
		{"a Deny with a variable is narrowed", v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"}`),
			Access{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/*"}},
			advReq{alice, "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}, Fail},
		{"a Deny with a variable in a negated condition", v12(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotLike":{"s3:prefix":"${aws:username}/*"}}}`),
			Access{Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::b"}},
			advReq{alice, "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"alice/x"}}}, Fail},
		{"an Allow with a variable, asked of one user's home", v12(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*"}`),
			Access{Actions: []string{"s3:GetObject"}, Resources: []string{"arn:aws:s3:::b/alice/*"}},
			advReq{alice, "s3:GetObject", "arn:aws:s3:::b/alice/k", nil}, 255},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := policy.MustParse("p", policy.IdentityBased, tc.doc)
			res, err := AccessNotGranted(ctx, []*policy.Policy{p}, tc.access, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := newCheck(Identity, nil)
			set, _ := c.set([]*policy.Policy{p})
			r, err := policy.NewRequest(tc.req.principal, tc.req.action, tc.req.resource, "", policy.NewContext(tc.req.ctx))
			if err != nil || set.Evaluate(r).Decision != policy.Allowed {
				t.Fatalf("the request chosen by hand is not allowed (%v)", err)
			}
			if res.Verdict == Pass {
				t.Errorf("wrong PASS: %s is allowed", tc.req.resource)
			}
			if res.Verdict == Fail {
				w, _ := res.Witness.Request()
				if set.Evaluate(w).Decision != policy.Allowed {
					t.Errorf("FAIL with a witness the engine does not allow: %s", res.Witness)
				}
			}
			t.Logf("%s (%s) witness %v", res.Verdict, res.Reason, res.Witness)
			if tc.want != 255 && res.Verdict != tc.want {
				t.Errorf("%s, want %s", res.Verdict, tc.want)
			}
		})
	}
}
