package verify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// adversarial: hand-crafted policy pairs, each with requests chosen by
// hand (not from the procedure's class representatives), whose
// evaluation by policy.Set.Evaluate is the true answer.

type advReq struct {
	principal, action, resource string
	ctx                         map[string][]string
}

type advCase struct {
	name     string
	kind     Kind
	old, new string // statements, comma-separated; old "" means no old policy
	// reqs are requests chosen by hand: if one of them is allowed by new
	// and not by old, the answer must be FAIL.
	reqs []advReq
	want Verdict
}

func advPolicy(t *testing.T, kind Kind, name, sts string) *policy.Policy {
	t.Helper()
	typ := policy.IdentityBased
	if kind == Resource {
		typ = policy.ResourceBased
	}
	p, err := policy.Parse(name, typ, []byte(`{"Version":"2012-10-17","Statement":[`+sts+`]}`))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

func runAdv(t *testing.T, tc advCase) {
	t.Helper()
	var old []*policy.Policy
	if tc.old != "" {
		old = []*policy.Policy{advPolicy(t, tc.kind, "old", tc.old)}
	}
	nw := []*policy.Policy{advPolicy(t, tc.kind, "new", tc.new)}
	res := checkAgainstTruth(t, tc.kind, old, nw, tc.reqs)
	if res.Verdict == Unknown && strings.Contains(res.Reason, "engine does not confirm") {
		t.Errorf("internal disagreement: %s", res.Reason)
	}
	if res.Verdict == Fail && !inDomain(res.Witness.Action, res.Witness.Resource) {
		t.Errorf("witness %s pairs an action with a resource the catalog does not", res.Witness)
	}
	if res.Verdict != tc.want {
		t.Errorf("verdict %s (%s), want %s; witness %v", res.Verdict, res.Reason, tc.want, res.Witness)
	}
}

// checkAgainstTruth runs NoNewAccess on old and nw and holds its answer
// against requests chosen by hand: if the engine allows one of them under
// nw and not under old, a PASS is wrong; a FAIL's witness must be one
// the engine confirms. A nil old means no old policy.
func checkAgainstTruth(t *testing.T, kind Kind, old, nw []*policy.Policy, reqs []advReq) Result {
	t.Helper()
	res, err := NoNewAccess(context.Background(), old, nw, nil)
	if err != nil {
		t.Fatalf("NoNewAccess: %v", err)
	}
	c := newCheck(kind, nil)
	newSet, _ := c.set(nw)
	oldSet, _ := c.set(old)
	newAccess := func(r *policy.Request) bool {
		return newSet.Evaluate(r).Decision == policy.Allowed && (old == nil || oldSet.Evaluate(r).Decision != policy.Allowed)
	}
	for i := range reqs {
		q := &reqs[i]
		r, err := policy.NewRequest(q.principal, q.action, q.resource, "", policy.NewContext(q.ctx))
		if err != nil {
			t.Fatalf("request %v: %v", q, err)
		}
		if newAccess(r) {
			if res.Verdict == Pass {
				t.Errorf("wrong PASS: the engine allows %+v under new and not under old", *q)
			}
			break
		}
	}
	if res.Verdict == Fail {
		r, err := res.Witness.Request()
		if err != nil {
			t.Fatalf("witness: %v", err)
		}
		if !newAccess(r) {
			t.Errorf("FAIL with a witness the engine does not confirm: %s", res.Witness)
		}
	}
	return res
}

func TestAdversarial(t *testing.T) {
	get := func(p, res string, ctx map[string][]string) advReq {
		return advReq{p, "s3:GetObject", res, ctx}
	}
	alice := "arn:aws:iam::111122223333:user/alice"
	cases := []advCase{{
		name: "Null aws:userid false: users have a userid",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:userid":"false"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:userid": {"AIDAEXAMPLE"}})},
		want: Fail,
	}, {
		name: "ArnLike aws:userid *",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:userid":"*"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:userid": {"AIDAEXAMPLE"}})},
		want: Fail,
	}, {
		name: "ArnLike aws:userid six components",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:userid":"AIDA*"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:userid":"a:b:c:d:e:*"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:userid": {"a:b:c:d:e:f"}})},
		want: Fail,
	}, {
		name: "BinaryEquals non-canonical base64",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"BinaryEquals":{"k":"QR=="}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"k": {"QQ=="}})},
		want: Fail,
	}, {
		name: "IPv6 above the mapped range",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/81","::8000:0:0/82","::c000:0:0/83","::e000:0:0/84","::f000:0:0/85","::f800:0:0/86","::fc00:0:0/87","::fe00:0:0/88","::ff00:0:0/89","::ff80:0:0/90","::ffc0:0:0/91","::ffe0:0:0/92","::fff0:0:0/93","::fff8:0:0/94","::fffc:0:0/95","::fffe:0:0/96"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["0.0.0.0/0","::/1"]}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:SourceIp": {"2001:db8::1"}})},
		want: Fail,
	}, {
		name: "IgnoreCase long s",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"k":["s","S"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"k":"s"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"k": {"ſ"}})},
		want: Unknown,
	}, {
		name: "partition named in a condition",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws-cn:iam::*:user/*"}}}`,
		reqs: []advReq{get("arn:aws-cn:iam::111122223333:user/alice", "arn:aws-cn:s3:::b/k", nil)},
		want: Fail,
	}, {
		name: "aws:CalledVia is multivalued",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:CalledVia":"athena.amazonaws.com"},"StringLike":{"aws:CalledVia":"glue.*"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:CalledVia": {"athena.amazonaws.com", "glue.amazonaws.com"}})},
		want: Fail,
	}, {
		name: "every ASCII character named",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:UserAgent":` + everyASCII() + `}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:UserAgent":"?"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:UserAgent": {"é"}})},
		want: Fail,
	}, {
		// A key whose patterns are all "" (or one character each) still
		// has values that match none of them.
		name: "StringEqualsIfExists s3:prefix \"\" removed",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringEqualsIfExists":{"s3:prefix":""}}}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
		reqs: []advReq{{alice, "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:prefix": {"secret/"}}}},
		want: Fail,
	}, {
		name: "StringNotEquals s3:delimiter of one character",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},{"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringNotEquals":{"s3:delimiter":["/",""]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
		reqs: []advReq{{alice, "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:delimiter": {"|"}}}},
		want: Fail,
	}, {
		name: "ForAllValues aws:TagKeys of the empty string",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":[""]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*"}`,
		reqs: []advReq{{alice, "s3:PutObjectTagging", "arn:aws:s3:::b/k", map[string][]string{"aws:TagKeys": {"team"}}}},
		want: Fail,
	}, {
		// IAM User Guide, Numeric condition operators: between two bounds
		// near the largest float, the midpoint must not overflow.
		name: "numbers near the largest float",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"1e308"},"NumericLessThan":{"s3:max-keys":"1.5e308"}}}`,
		reqs: []advReq{{alice, "s3:ListBucket", "arn:aws:s3:::b", map[string][]string{"s3:max-keys": {"1.2e308"}}}},
		want: Fail,
	}, {
		// IAM User Guide, Date condition operators (W3C ISO 8601): the
		// year 0000 at +01:00 is an instant before 0000-01-01T00:00:00Z.
		name: "a date before the year 0000 in UTC",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"0000-01-01T00:00:00Z"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:CurrentTime": {"0000-01-01T00:00:00+01:00"}})},
		want: Fail,
	}, {
		name: "a date after the year 9999 in UTC",
		kind: Identity,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"9999-12-31T23:59:59.999999999Z"}}}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/k", map[string][]string{"aws:CurrentTime": {"9999-12-31T23:59:59-01:00"}})},
		want: Fail,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runAdv(t, tc) })
	}
}

// TestPrincipalsReview: the second review's probes of the callers (users
// and roles with paths, federated users, partitions), each against
// requests chosen by hand.
func TestPrincipalsReview(t *testing.T) {
	get := func(p, res string, ctx map[string][]string) advReq { return advReq{p, "s3:GetObject", res, ctx} }
	for _, tc := range []advCase{{
		// IAM API Reference, CreateUser: Path holds any of ! to ~, so a
		// user's path may read ":role/" and a * crosses it.
		name: "StringLike aws:PrincipalArn arn:aws:iam::*:role/*",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}}`,
		reqs: []advReq{{"arn:aws:sts::111122223333:assumed-role/app/s", "s3:PutObject", "arn:aws:s3:::b/k", nil}},
		want: Fail,
	}, {
		name: "a user whose path reads :federated-user/",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:userid":"true"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/x:federated-user/*"}}}`,
		reqs: []advReq{get("arn:aws:iam::111122223333:user/x:federated-user/bob", "arn:aws:s3:::b/k", map[string][]string{"aws:userid": {"AIDAEXAMPLE"}})},
		want: Fail,
	}, {
		// A principal of aws-cn calls into aws-cn: a policy that names
		// both partitions grants in both.
		name: "a grant to the aws-cn partition beside aws",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::c/*","Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws-cn:iam::*"}}}`,
		reqs: []advReq{get("arn:aws-cn:iam::111122223333:user/alice", "arn:aws-cn:s3:::c/k", nil)},
		want: Fail,
	}, {
		// A role recreated with another path between the two policies:
		// its sessions match by name, as package policy matches them.
		name: "one role named with two paths",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/p/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/p/r"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/q/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		reqs: []advReq{get("arn:aws:sts::111122223333:assumed-role/r/s", "arn:aws:s3:::b/k", map[string][]string{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/q/r"}})},
		want: Fail,
	}} {
		t.Run(tc.name, func(t *testing.T) { runAdv(t, tc) })
	}
	ctx := context.Background()
	t.Run("AccessNotGranted, one role named with two paths in one policy", func(t *testing.T) {
		p := advPolicy(t, Resource, "p", `{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:role/p/r","arn:aws:iam::111122223333:role/q/r"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)
		res, err := AccessNotGranted(ctx, []*policy.Policy{p}, Access{Actions: []string{"s3:GetObject"}}, nil)
		if err != nil || res.Verdict != Fail {
			t.Errorf("%s (%s) %v, want FAIL", res.Verdict, res.Reason, err)
		}
	})
	t.Run("NoPublicAccess with StringNotLike aws:PrincipalArn role/admin-*", func(t *testing.T) {
		p := advPolicy(t, Resource, "p", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}}`)
		res, err := NoPublicAccess(ctx, p, nil)
		if err != nil || res.Verdict != Fail {
			t.Errorf("%s (%s) %v, want FAIL", res.Verdict, res.Reason, err)
		}
	})
	// A witness given a user for ${aws:username} keeps none of the keys
	// of the caller it replaces: no role's aws:PrincipalArn, and a userid.
	for _, tc := range []struct {
		name string
		kind Kind
		st   string
	}{
		{"a user is no role", Identity, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/p/*"}}}`},
		{"a user has a userid", Resource, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"Null":{"aws:userid":"true"}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := NoNewAccess(ctx, nil, []*policy.Policy{advPolicy(t, tc.kind, "new", tc.st)}, nil)
			if err != nil || res.Verdict == Fail {
				t.Errorf("%s (%s) %v, witness %v: want PASS or UNKNOWN", res.Verdict, res.Reason, err, res.Witness)
			}
		})
	}
}

// TestOtherDimensionsReview: the third review's probes of actions,
// resources, the resource account and multivalued keys, each against
// requests chosen by hand.
func TestOtherDimensionsReview(t *testing.T) {
	alice := "arn:aws:iam::111122223333:user/alice"
	for _, tc := range []advCase{{
		// KMS API Reference, CreateAlias: an alias name takes /.
		name: "a KMS alias with / in its name",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"*"},{"Effect":"Deny","Action":"kms:CreateAlias","Resource":"arn:aws:kms:*:*:alias/team/*"}`,
		new:  `{"Effect":"Allow","Action":"kms:CreateAlias","Resource":"*"}`,
		reqs: []advReq{{alice, "kms:CreateAlias", "arn:aws:kms:us-east-1:111122223333:alias/team/x", nil}},
		want: Fail,
	}, {
		// S3 User Guide, Multi-Region Access Point permissions: objects
		// through one are arn:aws:s3::ACCOUNT:accesspoint/ALIAS/object/KEY.
		name: "an object through a Multi-Region Access Point",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::*","arn:aws:s3:?*:*:accesspoint/*"]}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:*"}`,
		reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap/object/k", nil}},
		want: Fail,
	}, {
		// Service Authorization Reference: s3:ResourceAccount is S3's;
		// IAM User Guide: aws:ResourceAccount is in most services' requests.
		name: "s3:ResourceAccount is in S3's requests alone",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"111122223333"}}}`,
		new:  `{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}}`,
		reqs: []advReq{{alice, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", map[string][]string{"aws:ResourceAccount": {"111122223333"}}}},
		want: Fail,
	}, {
		name: "s3:ResourceAccount and aws:ResourceAccount agree on S3",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"111122223333"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}}`,
		reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::b/k", map[string][]string{"aws:ResourceAccount": {"111122223333"}, "s3:ResourceAccount": {"111122223333"}}}},
		want: Pass,
	}, {
		// IAM User Guide, single-valued vs multivalued context keys:
		// dynamodb:LeadingKeys is multivalued; a key of a service outside
		// the catalog is read as one.
		name: "a multivalued key of a service outside the catalog",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"},{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":{"dynamodb:LeadingKeys":"b"}}}`,
		new:  `{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"},{"Effect":"Deny","Action":"dynamodb:GetItem","Resource":"*","Condition":{"StringEquals":{"dynamodb:LeadingKeys":"b"},"StringNotEquals":{"dynamodb:LeadingKeys":"c"}}}`,
		reqs: []advReq{{alice, "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t", map[string][]string{"dynamodb:LeadingKeys": {"b", "c"}}}},
		want: Fail,
	}, {
		// Read only by positive operators in Allows, a key outside the
		// catalog is decided by single values, however many it names.
		name: "eleven regions of ec2:Region, unchanged",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"ec2:Region":["r1","r2","r3","r4","r5","r6","r7","r8","r9","r10","r11"]}}}`,
		new:  `{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"ec2:Region":["r1","r2","r3","r4","r5","r6","r7","r8","r9","r10","r11"]}}}`,
		reqs: []advReq{{alice, "ec2:RunInstances", "*", map[string][]string{"ec2:Region": {"r1", "r12"}}}},
		want: Pass,
	}, {
		name: "a twelfth region of ec2:Region",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"ec2:Region":["r1","r2","r3","r4","r5","r6","r7","r8","r9","r10","r11"]}}}`,
		new:  `{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"ec2:Region":["r1","r2","r3","r4","r5","r6","r7","r8","r9","r10","r11","r12"]}}}`,
		reqs: []advReq{{alice, "ec2:RunInstances", "*", map[string][]string{"ec2:Region": {"r12"}}}},
		want: Fail,
	}} {
		t.Run(tc.name, func(t *testing.T) { runAdv(t, tc) })
	}
	t.Run("AccessNotGranted, a Multi-Region Access Point's objects", func(t *testing.T) {
		p := advPolicy(t, Identity, "p", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3::111122223333:accesspoint/*"}`)
		res, err := AccessNotGranted(context.Background(), []*policy.Policy{p}, Access{Actions: []string{"s3:GetObject"}}, nil)
		if err != nil || res.Verdict != Fail {
			t.Errorf("%s (%s) %v, want FAIL", res.Verdict, res.Reason, err)
		}
	})
	t.Run("NoPublicAccess, an access point policy for a set of access points", func(t *testing.T) {
		// S3 User Guide, The meaning of "public" (access point policies).
		p := advPolicy(t, Resource, "p", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*","Condition":{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/*"}}}`)
		res, err := NoPublicAccess(context.Background(), p, nil)
		if err != nil || res.Verdict != Fail {
			t.Errorf("%s (%s) %v, want FAIL", res.Verdict, res.Reason, err)
		}
	})
}

// TestAccessNotGrantedUnmatched: AccessNotGranted reads values no pattern
// matches too (a Deny on s3:prefix "" leaves every other prefix allowed).
func TestAccessNotGrantedUnmatched(t *testing.T) {
	p, err := policy.Parse("p", policy.IdentityBased, []byte(`{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},`+
		`{"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringEqualsIfExists":{"s3:prefix":""}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := AccessNotGranted(context.Background(), []*policy.Policy{p}, Access{Actions: []string{"s3:ListBucket"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Fail || len(res.Witness.Context["s3:prefix"]) != 1 || res.Witness.Context["s3:prefix"][0] == "" {
		t.Errorf("verdict %s (%s), witness %v; want FAIL with a non-empty s3:prefix", res.Verdict, res.Reason, res.Witness)
	}
}

// everyASCII is a JSON array of every character 1-127, one a value.
func everyASCII() string {
	var vs []string
	for b := 1; b < 128; b++ {
		j, _ := json.Marshal(string(rune(b)))
		vs = append(vs, string(j))
	}
	return "[" + strings.Join(vs, ",") + "]"
}

// TestAdversarialHeld: probes of tricky rules that the procedure gets
// right, each against requests chosen by hand.
func TestAdversarialHeld(t *testing.T) {
	alice := "arn:aws:iam::111122223333:user/alice"
	engAlice := "arn:aws:iam::111122223333:user/eng/alice"
	bob := "arn:aws:iam::444455556666:user/bob"
	app := "arn:aws:sts::111122223333:assumed-role/app/s"
	root := "arn:aws:iam::111122223333:root"
	other := "arn:aws:iam::999999999999:root"
	anon := "anonymous"
	svc := "cloudtrail.amazonaws.com"
	get := func(p, res string, ctx map[string][]string) advReq { return advReq{p, "s3:GetObject", res, ctx} }
	obj := "arn:aws:s3:::b/k"
	k := func(key string, vs ...string) map[string][]string { return map[string][]string{key: vs} }
	allPrincipals := []string{alice, engAlice, bob, app, root, other, anon, svc, "s3.amazonaws.com"}
	everyone := func(res string, ctx map[string][]string) []advReq {
		var out []advReq
		for _, p := range allPrincipals {
			out = append(out, get(p, res, ctx))
		}
		return out
	}
	cases := []advCase{{
		name: "NotPrincipal account and user: the user is left out, other users of the account are not",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/alice"]},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}`,
		reqs: everyone(obj, nil),
		want: Pass,
	}, {
		name: "NotPrincipal account only leaves its users in",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}`,
		reqs: everyone(obj, nil),
		want: Fail,
	}, {
		name: "role ARN with a path in Principal names the role's sessions",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team/app"},"Action":"s3:GetObject","Resource":"*"}`,
		reqs: everyone(obj, nil),
		want: Pass,
	}, {
		name: "user ARN with a path is another user",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/eng/alice"},"Action":"s3:GetObject","Resource":"*"}`,
		reqs: everyone(obj, nil),
		want: Fail,
	}, {
		name: "aws:username is the last segment of a user with a path",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalArn":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:user/eng/alice"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"alice"}}}`,
		reqs: []advReq{get(engAlice, obj, nil), get("arn:aws:iam::111122223333:user/ops/alice", obj, nil)},
		want: Fail,
	}, {
		name: "aws:PrincipalAccount with a wildcard",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":{"AWS":["111122223333","111122224444"]},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalAccount":"11112222????"}}}`,
		reqs: append(everyone(obj, nil), get("arn:aws:iam::111122225555:user/x", obj, nil)),
		want: Fail,
	}, {
		name: "Null on aws:PrincipalArn: anonymous has none",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"Anonymous"}}},{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:PrincipalIsAWSService":"true"}}}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:PrincipalArn":"true"}}}`,
		reqs: everyone(obj, nil),
		want: Pass,
	}, {
		name: "aws:userid of a root user is its account",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:userid":"111122223333"}}}`,
		reqs: append(everyone(obj, nil), get(bob, obj, k("aws:userid", "111122223333"))),
		want: Fail,
	}, {
		name: "Bool reads TRUE as true, and 1 as neither",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"TRUE"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:SecureTransport", "1")), get(alice, obj, nil), get(alice, obj, k("aws:SecureTransport", "True"))},
		want: Fail,
	}, {
		name: "numbers: 1e3 is 1000, 0x10 and ' 5' are no numbers",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"1000"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"1e3"}}},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"1000.0"}}}`,
		reqs: []advReq{{alice, "s3:ListBucket", "arn:aws:s3:::b", k("s3:max-keys", "0x10")}, {alice, "s3:ListBucket", "arn:aws:s3:::b", k("s3:max-keys", " 5")}, {alice, "s3:ListBucket", "arn:aws:s3:::b", k("s3:max-keys", "1e3")}},
		want: Pass,
	}, {
		name: "NumericNotEquals matches what is no number",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"10"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericNotEquals":{"s3:max-keys":"10"}}}`,
		reqs: []advReq{{alice, "s3:ListBucket", "arn:aws:s3:::b", k("s3:max-keys", "0x10")}, {alice, "s3:ListBucket", "arn:aws:s3:::b", nil}},
		want: Fail,
	}, {
		name: "dates: epoch seconds and ISO forms name one instant",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"1767225599"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:CurrentTime", "2025-12-31T23:59:59.5Z")), get(alice, obj, k("aws:CurrentTime", "1767225600"))},
		want: Fail,
	}, {
		name: "dates: 2026 is 2026-01-01T00:00:00Z",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2026"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:CurrentTime", "2025")), get(alice, obj, k("aws:CurrentTime", "1767225600")), get(alice, obj, k("aws:CurrentTime", "2025-12-31T23:00-01:00"))},
		want: Pass,
	}, {
		name: "an IPv4-mapped request address is its IPv4 address",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}}`,
		reqs: []advReq{get(alice, obj, k("aws:SourceIp", "::ffff:10.0.0.1")), get(alice, obj, k("aws:SourceIp", "2001:db8::1"))},
		want: Fail,
	}, {
		name: "NotIpAddress with IPv4-mapped request addresses",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","::/0"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"::/0"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:SourceIp", "::ffff:11.0.0.1")), get(alice, obj, k("aws:SourceIp", "::ffff:10.0.0.1")), get(alice, obj, k("aws:SourceIp", "x")), get(alice, obj, nil)},
		want: Pass,
	}, {
		name: "ForAllValues:StringNotEquals, IfExists, and an absent key",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"ForAllValues:StringNotEqualsIfExists":{"aws:TagKeys":"a"}}}`,
		reqs: []advReq{{alice, "s3:PutObject", obj, nil}, {alice, "s3:PutObject", obj, k("aws:TagKeys", "b")}},
		want: Fail,
	}, {
		name: "many values of a multivalued key",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b*"]},"Null":{"aws:TagKeys":"false"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b*","c"]},"ForAnyValue:StringLike":{"aws:TagKeys":"a*"}}}`,
		reqs: []advReq{{alice, "s3:PutObject", obj, k("aws:TagKeys", "a", "b", "c")}, {alice, "s3:PutObject", obj, k("aws:TagKeys", "a", "b1", "b2", "ab", "c")}},
		want: Fail,
	}, {
		name: "condition keys are case-insensitive",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"AWS:SOURCEVPCE":"vpce-1"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:sourcevpce", "vpce-1"))},
		want: Pass,
	}, {
		name: "aws:ResourceAccount and s3:ResourceAccount agree",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":"111122223333"}}}`,
		reqs: []advReq{get(alice, obj, map[string][]string{"aws:ResourceAccount": {"111122223333"}, "s3:ResourceAccount": {"111122223333"}})},
		want: Pass,
	}, {
		name: "aws:PrincipalType and aws:PrincipalIsAWSService for services and anonymous",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":["User","AssumedRole","FederatedUser","Account"]}}}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:PrincipalIsAWSService":"false"}}}`,
		reqs: everyone(obj, nil),
		want: Pass,
	}, {
		name: "aws:PrincipalType: a federated user is neither a user nor a role session",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":["User","AssumedRole","Account"]}}}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:PrincipalIsAWSService":"false"}}}`,
		reqs: everyone(obj, nil),
		want: Fail,
	}, {
		name: "a service principal is exact; Principal * takes every service",
		kind: Resource,
		old:  `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalServiceName":"cloudtrail.amazonaws.com"}}}`,
		reqs: everyone(obj, k("aws:PrincipalServiceName", "cloudtrail.amazonaws.com")),
		want: Fail,
	}, {
		name: "actions outside the catalog take any resource",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"}`,
		new:  `{"Effect":"Allow","Action":"ec2:*","Resource":"arn:aws:ec2:*:*:instance/*"}`,
		reqs: []advReq{{alice, "ec2:TerminateInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", nil}},
		want: Fail,
	}, {
		name: "an action that takes no resource type pairs with * only",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`,
		new:  `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":["*","arn:aws:s3:::*"]}`,
		reqs: []advReq{{alice, "s3:ListAllMyBuckets", "*", nil}},
		want: Pass,
	}, {
		name: "ARN wildcards: * stops at a colon, ? does not",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-*-1:*:key/*"}`,
		new:  `{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us?east?1:111122223333:key/*"}`,
		reqs: []advReq{{alice, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", nil}},
		want: Fail,
	}, {
		name: "ARN wildcards: a * before other text in a segment does not cross a colon",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a*z"}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a*:*z"}`,
		reqs: []advReq{get(alice, "arn:aws:s3:::b/a:z", nil), get(alice, "arn:aws:s3:::b/ax:yz", nil)},
		want: Fail,
	}, {
		name: "ArnLike on a free key: fewer than six components match nothing but *",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:*"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:*:*:*:*"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:SourceArn", "arn:aws:s3:::x")), get(alice, obj, k("aws:SourceArn", "arn:aws:s3")), get(alice, obj, k("aws:SourceArn", "arn:aws:sqs:us-east-1:1:q:x"))},
		want: Pass,
	}, {
		name: "ArnNotLike matches values of fewer components",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:*:*:*:*:*"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"arn:aws:s3:::b"}}}`,
		reqs: []advReq{get(alice, obj, k("aws:SourceArn", "x")), get(alice, obj, nil)},
		want: Fail,
	}, {
		name: "StringLike with consecutive stars and an empty value",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a*"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a**"}}},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:prefix":""}}}`,
		reqs: []advReq{{alice, "s3:ListBucket", "arn:aws:s3:::b", k("s3:prefix", "")}},
		want: Fail,
	}, {
		name: "StringEqualsIgnoreCase with non-letters",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-acl":["private","PRIVATE","Private"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"s3:x-amz-acl":"Private-1"}}}`,
		reqs: []advReq{{alice, "s3:PutObject", obj, k("s3:x-amz-acl", "pRIVATE-1")}},
		want: Fail,
	}, {
		name: "IgnoreCase alone: the long s is an s",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"k":"S"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"k":"s"}}}`,
		reqs: []advReq{get(alice, obj, k("k", "ſ")), get(alice, obj, k("k", "s"))},
		want: Pass,
	}, {
		name: "NotAction and NotResource together",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","NotAction":"s3:DeleteObject","NotResource":"arn:aws:s3:::c/*"}`,
		reqs: []advReq{{alice, "s3:GetObject", "arn:aws:s3:::d/k", nil}, {alice, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k", nil}},
		want: Fail,
	}, {
		name: "actions with upper case",
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`,
		new:  `{"Effect":"Allow","Action":["S3:GETOBJECT","s3:gEt?bjectAcl"],"Resource":"*"}`,
		reqs: []advReq{get(alice, obj, nil)},
		want: Pass,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runAdv(t, tc) })
	}
}

// TestUseridAlwaysPresent: AWS gives every user and role session an
// aws:userid, so a policy that requires one grants no less than one that
// does not ask.
func TestUseridAlwaysPresent(t *testing.T) {
	runAdv(t, advCase{
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"aws:userid":"false"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`,
		reqs: []advReq{{"arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/k", map[string][]string{"aws:userid": {"AIDAEXAMPLE"}}}},
		want: Pass,
	})
}

// TestRoleWithPath: ${RoleNameWithPath} in the Service Authorization
// Reference's role ARN holds the role's path ("IAM identifiers", IAM
// User Guide): sts:AssumeRole on a role under a path is a request.
func TestRoleWithPath(t *testing.T) {
	runAdv(t, advCase{
		kind: Identity,
		old:  `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/app"}`,
		new:  `{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/team/*"}`,
		reqs: []advReq{{"arn:aws:iam::111122223333:user/alice", "sts:AssumeRole", "arn:aws:iam::111122223333:role/team/app", nil}},
		want: Fail,
	})
}

// TestAdversarialOtherChecks: AccessNotGranted and trust policies against
// requests chosen by hand.
func TestAdversarialOtherChecks(t *testing.T) {
	ctx := context.Background()
	alice := "arn:aws:iam::111122223333:user/alice"
	// NotResource with a wildcard that stops at a colon in a segment.
	p := advPolicy(t, Identity, "p", `{"Effect":"Allow","Action":"kms:*","NotResource":"arn:aws:kms:*:111122223333:key/*"},{"Effect":"Deny","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-*:*:*"}`)
	res, err := AccessNotGranted(ctx, []*policy.Policy{p}, Access{Actions: []string{"kms:Decrypt"}, Resources: []string{"arn:aws:kms:*:*:key/*"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := newCheck(Identity, nil)
	set, _ := c.set([]*policy.Policy{p})
	r, _ := policy.NewRequest(alice, "kms:Decrypt", "arn:aws:kms:eu-west-1:444455556666:key/k", "", policy.Context{})
	if set.Evaluate(r).Decision != policy.Allowed {
		t.Fatal("the hand-chosen request should be allowed")
	}
	if res.Verdict != Fail {
		t.Errorf("AccessNotGranted: %s (%s), want FAIL", res.Verdict, res.Reason)
	}

	// A trust policy: a role named with a path in Principal names its
	// sessions; a service principal is exact.
	trust := func(sts string) *policy.Policy {
		return policy.MustParse("trust", policy.TrustPolicy, `{"Version":"2012-10-17","Statement":[`+sts+`]}`)
	}
	old := trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app","Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	nw := trust(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team/app"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`)
	res, err = NoNewAccess(ctx, []*policy.Policy{old}, []*policy.Policy{nw}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Pass {
		t.Errorf("trust policy: %s (%s), want PASS", res.Verdict, res.Reason)
	}
	res, err = NoNewAccess(ctx, []*policy.Policy{nw}, []*policy.Policy{old}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != Fail {
		t.Errorf("trust policy, reversed: %s (%s), want FAIL", res.Verdict, res.Reason)
	}
}
