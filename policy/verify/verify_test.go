package verify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/verify"
)

func parse(t *testing.T, typ policy.Type, name, statements string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(name, typ, []byte(`{"Version":"2012-10-17","Statement":[`+statements+`]}`))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

// confirm re-evaluates a FAIL's witness with the engine, the way a user
// would: new allows it, old does not.
func confirm(t *testing.T, kind verify.Kind, res verify.Result, newP, oldP []*policy.Policy) {
	t.Helper()
	if res.Witness == nil {
		t.Fatal("FAIL without a witness")
	}
	r, err := res.Witness.Request()
	if err != nil {
		t.Fatal(err)
	}
	everything := func(typ policy.Type, doc string) *policy.Policy {
		p, err := policy.Parse("everything", typ, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A federated user's session policy allows everything.
	session := everything(policy.IdentityBased, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
	set := func(ps []*policy.Policy) *policy.Set {
		if kind == verify.Identity {
			return &policy.Set{Identity: ps, Session: session, Resource: everything(policy.ResourceBased, `{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`)}
		}
		s := &policy.Set{Session: session, Identity: []*policy.Policy{everything(policy.IdentityBased, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)}}
		if len(ps) > 0 {
			s.Resource = ps[0]
		}
		return s
	}
	if d := set(newP).Evaluate(r).Decision; d != policy.Allowed {
		t.Errorf("witness %s: new policy decides %s", res.Witness, d)
	}
	if oldP != nil {
		if d := set(oldP).Evaluate(r).Decision; d == policy.Allowed {
			t.Errorf("witness %s: old policy allows it too", res.Witness)
		}
	}
}

// TestNoNewAccess encodes, case by case, the rule of AWS each answer
// follows.
func TestNoNewAccess(t *testing.T) {
	id, rb := policy.IdentityBased, policy.ResourceBased
	cases := []struct {
		name, doc string
		typ       policy.Type
		old, new  string
		want      verify.Verdict
		// check, when set, inspects the witness.
		check func(w *verify.Witness) string
	}{{
		name: "same statements, reordered",
		doc:  "IAM User Guide, Policy evaluation logic: statement order does not matter",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "actions and resources merged into one statement",
		doc:  "Service Authorization Reference: s3:GetObject takes the object resource type, s3:ListBucket the bucket",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`,
		new:  `{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`,
		want: verify.Pass,
	}, {
		name: "a wildcard action widens the grant",
		doc:  "IAM User Guide, IAM JSON policy elements: Action (wildcards)",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if !strings.HasPrefix(w.Action, "s3:Get") || w.Action == "s3:GetObject" {
				return "want another s3:Get action, got " + w.Action
			}
			return ""
		},
	}, {
		name: "action names are case-insensitive",
		doc:  "IAM User Guide, IAM JSON policy elements: Action (action names are not case sensitive)",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:getobject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Action":"S3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "a narrower resource grants nothing new",
		doc:  "IAM User Guide, Using wildcards in resource ARNs",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/?/*"}`,
		want: verify.Pass,
	}, {
		name: "? is one character, * any run",
		doc:  "IAM User Guide, IAM JSON policy elements: Resource (wildcards * and ?)",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a?"}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if k := strings.TrimPrefix(w.Resource, "arn:aws:s3:::b/a"); len(k) == 1 {
				return "the witness key must not be a and one character: " + w.Resource
			}
			return ""
		},
	}, {
		name: "removing a Deny grants new access",
		doc:  "IAM User Guide, Policy evaluation logic: an explicit deny overrides any allow",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if w.Action != "s3:DeleteObject" {
				return "want s3:DeleteObject, got " + w.Action
			}
			return ""
		},
	}, {
		name: "adding a Deny never grants",
		doc:  "IAM User Guide, Policy evaluation logic: an explicit deny overrides any allow",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		new:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}`,
		want: verify.Pass,
	}, {
		name: "NotAction allows every other action",
		doc:  "IAM User Guide, IAM JSON policy elements: NotAction",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`,
		new:  `{"Effect":"Allow","NotAction":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Fail,
	}, {
		name: "actions that take no resource type pair with *",
		doc:  "Service Authorization Reference, Amazon S3: s3:ListAllMyBuckets has no resource type; IAM User Guide: such actions need \"Resource\": \"*\"",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}`,
		new:  `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if w.Resource != "*" {
				return "want resource *, got " + w.Resource
			}
			return ""
		},
	}, {
		name: "a condition dropped",
		doc:  "IAM User Guide, Condition operators: Bool (aws:SecureTransport)",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if v := w.Context["aws:SecureTransport"]; len(v) == 1 && strings.EqualFold(v[0], "true") {
				return "the witness must not be over TLS"
			}
			return ""
		},
	}, {
		name: "IfExists holds when the key is absent",
		doc:  "IAM User Guide, Condition operators: ...IfExists condition operators",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"aws:kms"}}}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if _, ok := w.Context["s3:x-amz-server-side-encryption"]; ok {
				return "want the key absent"
			}
			return ""
		},
	}, {
		name: "a narrower CIDR block",
		doc:  "IAM User Guide, Condition operators: IP address condition operators",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.1.0.0/16","10.200.0.7/32"]}}}`,
		want: verify.Pass,
	}, {
		name: "a wider CIDR block",
		doc:  "IAM User Guide, Condition operators: IP address condition operators",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/15"}}}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if ip := w.Context["aws:SourceIp"]; len(ip) != 1 || !strings.HasPrefix(ip[0], "10.0.") {
				return "want an address of 10.0.0.0/16"
			}
			return ""
		},
	}, {
		name: "a later expiry date",
		doc:  "IAM User Guide, Condition operators: Date condition operators",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027-06-01T00:00:00Z"}}}`,
		want: verify.Fail,
	}, {
		name: "numbers: max-keys of at most 10 within at most 100",
		doc:  "IAM User Guide, Condition operators: Numeric condition operators",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10.5"}}}`,
		want: verify.Pass,
	}, {
		name: "ForAllValues holds for a request without the key",
		doc:  "IAM User Guide, Single-valued vs. multivalued context keys: ForAllValues returns true when the key is absent",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","cost"]}}}`,
		want: verify.Fail,
	}, {
		name: "ForAllValues within a smaller set",
		doc:  "IAM User Guide, Single-valued vs. multivalued context keys",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","cost"]}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}`,
		want: verify.Pass,
	}, {
		name: "StringEqualsIgnoreCase admits other cases",
		doc:  "IAM User Guide, Condition operators: String condition operators",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"s3:x-amz-acl":"private"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"s3:x-amz-acl":"private"}}}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if v := w.Context["s3:x-amz-acl"]; len(v) != 1 || v[0] == "private" || !strings.EqualFold(v[0], "private") {
				return "want another case of private"
			}
			return ""
		},
	}, {
		name: "an account principal covers its users",
		doc:  "IAM User Guide, IAM JSON policy elements: Principal (AWS account principals)",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if !strings.Contains(w.Principal, "111122223333") || w.Principal == "arn:aws:iam::111122223333:user/alice" {
				return "want another principal of 111122223333, got " + w.Principal
			}
			return ""
		},
	}, {
		name: "an account named in the Principal or in aws:PrincipalAccount",
		doc:  "IAM User Guide, AWS global condition context keys: aws:PrincipalAccount",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "a role principal covers its sessions; aws:PrincipalArn is the role's",
		doc:  "IAM User Guide, IAM JSON policy elements: Principal (IAM role principals); aws:PrincipalArn",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/app"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "aws:PrincipalArn of a session is its role's ARN, path and all",
		doc:  "IAM User Guide, AWS global condition context keys: aws:PrincipalArn (role ARN, not the session's); IAM identifiers (paths)",
		typ:  id,
		old: `{"Effect":"Allow","Action":"s3:*","Resource":"*"},` +
			`{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if a := w.Context["aws:PrincipalArn"]; len(a) != 1 || !strings.Contains(a[0], ":role/aws-reserved/sso.amazonaws.com/") || !strings.Contains(w.Principal, ":assumed-role/") {
				return "want a session of a role under /aws-reserved/sso.amazonaws.com/, got " + w.String()
			}
			return ""
		},
	}, {
		name: "a bucket policy that stops sparing roles with a path",
		doc:  "IAM User Guide, AWS global condition context keys: aws:PrincipalArn; IAM identifiers (paths)",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ops/*"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Fail,
	}, {
		name: "a role named in a Principal is one role, whatever its path",
		doc:  "IAM User Guide, IAM JSON policy elements: Principal (IAM role principals); IAM identifiers (names are unique in an account)",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/team/app"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/team/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "a federated user is a caller of identity policies",
		doc:  "IAM User Guide, AWS global condition context keys: aws:PrincipalType (FederatedUser); Session policies (GetFederationToken)",
		typ:  id,
		old: `{"Effect":"Allow","Action":"s3:*","Resource":"*"},` +
			`{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"FederatedUser"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if !strings.Contains(w.Principal, ":federated-user/") {
				return "want a federated user, got " + w.Principal
			}
			return ""
		},
	}, {
		name: "a federated user's aws:userid is ACCOUNT:NAME",
		doc:  "IAM User Guide, IAM policy elements: variables and tags (Principal key values: federated user)",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:userid":"*3:b*"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:federated-user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "a federated user's aws:userid names the user",
		doc:  "IAM User Guide, IAM policy elements: variables and tags (Principal key values: federated user)",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:userid":"*3:c*"}}}`,
		new:  `{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:federated-user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Fail,
	}, {
		name: "Principal * reaches anonymous callers",
		doc:  "IAM User Guide, IAM JSON policy elements: Principal (All principals); S3 User Guide, The meaning of \"public\"",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if w.Principal != "anonymous" {
				return "want anonymous first, got " + w.Principal
			}
			return ""
		},
	}, {
		name: "NotPrincipal in a Deny protects all but the listed",
		doc:  "IAM User Guide, IAM JSON policy elements: NotPrincipal",
		typ:  rb,
		old:  `{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/admin"]},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/*"}`,
		new:  `{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/admin"]},"Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}`,
		want: verify.Pass,
	}, {
		name: "aws:ResourceAccount",
		doc:  "IAM User Guide, AWS global condition context keys: aws:ResourceAccount",
		typ:  id,
		old:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"111122223333"}}}`,
		new:  `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ResourceAccount":["111122223333","444455556666"]}}}`,
		want: verify.Fail,
		check: func(w *verify.Witness) string {
			if v := w.Context["aws:ResourceAccount"]; len(v) != 1 || v[0] != "444455556666" {
				return "want resource account 444455556666"
			}
			return ""
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldP := parse(t, tc.typ, "old", tc.old)
			newP := parse(t, tc.typ, "new", tc.new)
			res, err := verify.NoNewAccess(context.Background(), []*policy.Policy{oldP}, []*policy.Policy{newP}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("%s: got %s (%s, witness %v), want %s", tc.doc, res.Verdict, res.Reason, res.Witness, tc.want)
			}
			if res.Verdict == verify.Fail {
				kind, _ := verify.KindOf(tc.typ)
				confirm(t, kind, res, []*policy.Policy{newP}, []*policy.Policy{oldP})
				if len(res.Statements) == 0 {
					t.Error("a FAIL names the statements that allow the witness")
				}
				if tc.check != nil {
					if msg := tc.check(res.Witness); msg != "" {
						t.Errorf("%s: witness %s: %s", tc.doc, res.Witness, msg)
					}
				}
			}
		})
	}
}

// TestNoNewAccessSets compares sets of identity policies: a request is
// allowed when one policy allows it and none denies it.
func TestNoNewAccessSets(t *testing.T) {
	id := policy.IdentityBased
	a := parse(t, id, "read", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)
	w := parse(t, id, "write", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}`)
	guard := parse(t, id, "guard", `{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)
	ctx := context.Background()
	res, err := verify.NoNewAccess(ctx, []*policy.Policy{a, w}, []*policy.Policy{w, guard, a}, nil)
	if err != nil || res.Verdict != verify.Pass {
		t.Fatalf("adding a guard: %s %v", res.Verdict, err)
	}
	res, err = verify.NoNewAccess(ctx, []*policy.Policy{a, guard}, []*policy.Policy{a, w}, nil)
	if err != nil || res.Verdict != verify.Fail {
		t.Fatalf("adding write without the guard: %s %v", res.Verdict, err)
	}
	if diff := cmp.Diff([]verify.StatementRef{{Policy: "write", Statement: 0}}, res.Statements); diff != "" {
		t.Errorf("statements (-want +got):\n%s", diff)
	}
	confirm(t, verify.Identity, res, []*policy.Policy{a, w}, []*policy.Policy{a, guard})
	res, err = verify.NoNewAccess(ctx, nil, []*policy.Policy{a}, nil)
	if err != nil || res.Verdict != verify.Fail {
		t.Fatalf("from nothing: %s %v", res.Verdict, err)
	}
}

func TestAccessNotGranted(t *testing.T) {
	id := policy.IdentityBased
	p := parse(t, id, "app", `{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::b/uploads/*"},
		{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::b/uploads/keep/*"}`)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		access verify.Access
		want   verify.Verdict
	}{
		{"the action on any resource", verify.Access{Actions: []string{"s3:DeleteObject"}}, verify.Fail},
		{"the action on a resource the Deny covers", verify.Access{Actions: []string{"s3:DeleteObject"}, Resources: []string{"arn:aws:s3:::b/uploads/keep/*"}}, verify.Pass},
		{"an action not granted", verify.Access{Actions: []string{"s3:PutBucketPolicy", "s3:DeleteBucket"}}, verify.Pass},
		{"any action on another bucket", verify.Access{Resources: []string{"arn:aws:s3:::other/*"}}, verify.Pass},
		{"a pattern of actions", verify.Access{Actions: []string{"s3:Delete*"}}, verify.Fail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := verify.AccessNotGranted(ctx, []*policy.Policy{p}, tc.access, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("IAM Access Analyzer API Reference, CheckAccessNotGranted: got %s (%s, %v), want %s", res.Verdict, res.Reason, res.Witness, tc.want)
			}
			if res.Verdict == verify.Fail {
				confirm(t, verify.Identity, res, []*policy.Policy{p}, nil)
				if !strings.HasPrefix(res.Witness.Action, "s3:Delete") {
					t.Errorf("witness %s is not for the access", res.Witness)
				}
			}
		})
	}
	if _, err := verify.AccessNotGranted(ctx, []*policy.Policy{p}, verify.Access{}, nil); err == nil {
		t.Error("an empty access is an error")
	}
	if _, err := verify.AccessNotGranted(ctx, []*policy.Policy{p}, verify.Access{Actions: []string{"GetObject"}}, nil); err == nil {
		t.Error("an action not of the form service:action is an error")
	}
}

func TestNoPublicAccess(t *testing.T) {
	rb := policy.ResourceBased
	ctx := context.Background()
	for _, tc := range []struct {
		name, doc, stmts string
		want             verify.Verdict
	}{
		{"Principal * without condition", "S3 User Guide, The meaning of \"public\"",
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, verify.Fail},
		{"fixed to a VPC endpoint", "S3 User Guide, The meaning of \"public\": aws:SourceVpce with a fixed value",
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`, verify.Pass},
		{"an account", "S3 User Guide, The meaning of \"public\"",
			`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, verify.Pass},
		{"public, but every request is denied", "IAM User Guide, Policy evaluation logic: an explicit deny overrides any allow",
			`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}`, verify.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := parse(t, rb, "bucket policy", tc.stmts)
			res, err := verify.NoPublicAccess(ctx, p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("%s: got %s (%s), want %s", tc.doc, res.Verdict, res.Reason, tc.want)
			}
			if res.Verdict == verify.Fail {
				confirm(t, verify.Resource, res, []*policy.Policy{p}, nil)
				if res.Witness.Principal != "anonymous" {
					t.Errorf("want an anonymous witness, got %s", res.Witness.Principal)
				}
			}
		})
	}
	if _, err := verify.NoPublicAccess(ctx, parse(t, policy.IdentityBased, "id", `{"Effect":"Allow","Action":"*","Resource":"*"}`), nil); err == nil {
		t.Error("an identity policy is no question of public access")
	}
}

// TestUnknown: what the procedure does not decide exactly is UNKNOWN with
// the reason, never a PASS.
func TestUnknown(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		typ      policy.Type
		old, new string
		reason   string
	}{
		{"a policy variable of the caller's account", policy.IdentityBased,
			`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/111122223333/*"}`,
			`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:PrincipalAccount}/*"}`, "policy variable ${aws:PrincipalAccount}"},
		{"canonical user", policy.ResourceBased,
			`{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`,
			`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`, "CanonicalUser"},
		{"a key read as a string and a number", policy.IdentityBased,
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringEquals":{"s3:max-keys":"10"}}}`,
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}}`, "both as"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := verify.NoNewAccess(ctx, []*policy.Policy{parse(t, tc.typ, "old", tc.old)}, []*policy.Policy{parse(t, tc.typ, "new", tc.new)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != verify.Unknown || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("got %s (%s), want UNKNOWN naming %q", res.Verdict, res.Reason, tc.reason)
			}
		})
	}
	// A limit reached is UNKNOWN too.
	p := parse(t, policy.IdentityBased, "p", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`)
	res, err := verify.NoNewAccess(ctx, nil, []*policy.Policy{p}, &verify.Options{MaxWork: 10})
	if err != nil || res.Verdict != verify.Unknown || !strings.Contains(res.Reason, "MaxWork") {
		t.Fatalf("with MaxWork 10: %s (%s) %v", res.Verdict, res.Reason, err)
	}
	// A cancelled context is an error, not a verdict.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := verify.NoNewAccess(cctx, nil, []*policy.Policy{p}, nil); err == nil {
		t.Error("a cancelled context is an error")
	}
}

// TestPolicyVariables: a policy variable takes the value of its key in
// the request ("IAM policy elements: Variables and tags", IAM User Guide).
// The check approximates it soundly, and a FAIL's witness carries a value
// for it.
func TestPolicyVariables(t *testing.T) {
	const (
		home   = `{"Sid":"Home","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`
		public = `{"Sid":"Public","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"}`
		guard  = `{"Sid":"Guard","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`
	)
	ctx := context.Background()
	for _, tc := range []struct {
		name, old, new string
		want           verify.Verdict
		principal      string // the witness's, when set
	}{
		{"a fixed home in place of the variable", home, `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/alice/*"}`, verify.Fail, ""},
		{"the variable in place of a fixed home", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/alice/*"}`, home, verify.Fail, "arn:aws:iam::111122223333:user/s3vet-var"},
		{"a statement removed beside the variable's", home + "," + public, home, verify.Pass, ""},
		{"a Deny added beside it", home, home + "," + guard, verify.Pass, ""},
		{"the same statements", home + "," + public, public + "," + home, verify.Pass, ""},
		{"a Deny removed that covered the variable's statement", home + "," + guard, `{"Sid":"Home","Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`, verify.Fail, "arn:aws:iam::111122223333:user/s3vet-var"},
		{"a condition with a variable dropped", `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}`,
			`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`, verify.Fail, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := parse(t, policy.IdentityBased, "old", tc.old)
			n := parse(t, policy.IdentityBased, "new", tc.new)
			res, err := verify.NoNewAccess(ctx, []*policy.Policy{o}, []*policy.Policy{n}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want {
				t.Fatalf("got %s (%s, %v), want %s", res.Verdict, res.Reason, res.Witness, tc.want)
			}
			if res.Verdict == verify.Fail {
				confirm(t, verify.Identity, res, []*policy.Policy{n}, []*policy.Policy{o})
				if tc.principal != "" && res.Witness.Principal != tc.principal {
					t.Errorf("witness %s, want principal %s", res.Witness, tc.principal)
				}
			}
		})
	}
}

// TestResultJSON: a Result survives JSON, as s3vet check --json writes it.
func TestResultJSON(t *testing.T) {
	want := verify.Result{Verdict: verify.Fail, Witness: &verify.Witness{Principal: "anonymous", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k",
		Context: map[string][]string{"aws:SecureTransport": {"true"}}}, Statements: []verify.StatementRef{{Policy: "p", Statement: 1, Sid: "S"}}, Reason: "r",
		Classes: map[string]int{"principal": 3}}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got verify.Result
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"result":"MAYBE"}`), &got); err == nil {
		t.Error("an unknown verdict is an error")
	}
}

// TestVersions: in a policy of Version 2008-10-17, ${...} is text, not a
// variable ("IAM JSON policy elements: Version"), even beside a policy of
// 2012-10-17.
func TestVersions(t *testing.T) {
	old, err := policy.Parse("old", policy.IdentityBased, []byte(`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/t":"${$}"}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	nw := parse(t, policy.IdentityBased, "new", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalTag/t":"$?*"}}}`)
	res, err := verify.NoNewAccess(context.Background(), []*policy.Policy{old}, []*policy.Policy{nw}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdict != verify.Fail {
		t.Fatalf("got %s (%s), want FAIL: the old policy allows only the text ${$}", res.Verdict, res.Reason)
	}
	confirm(t, verify.Identity, res, []*policy.Policy{nw}, []*policy.Policy{old})
}

func TestInputErrors(t *testing.T) {
	ctx := context.Background()
	id := parse(t, policy.IdentityBased, "id", `{"Effect":"Allow","Action":"*","Resource":"*"}`)
	rb := parse(t, policy.ResourceBased, "rb", `{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`)
	if _, err := verify.NoNewAccess(ctx, []*policy.Policy{id}, []*policy.Policy{rb}, nil); err == nil {
		t.Error("policies of two kinds are an error")
	}
	if _, err := verify.NoNewAccess(ctx, nil, nil, nil); err == nil {
		t.Error("no policy is an error")
	}
	if _, err := verify.NoNewAccess(ctx, []*policy.Policy{rb, rb}, []*policy.Policy{rb}, nil); err == nil {
		t.Error("two resource policies on a side are an error")
	}
}

// TestNoNewAccessBesideOthers: identity policies that need not be all of
// an identity's (IAM User Guide, "Policy evaluation logic": an explicit
// Deny in any policy overrides an Allow in another).
func TestNoNewAccessBesideOthers(t *testing.T) {
	id := policy.IdentityBased
	guard := parse(t, id, "guard", `{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}`)
	read := parse(t, id, "read", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)
	write := parse(t, id, "write", `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		old, new []*policy.Policy
		want     verify.Verdict
	}{
		{"a Deny lifted uncovers the other policies", []*policy.Policy{read, guard}, []*policy.Policy{read}, verify.Unknown},
		{"an Allow added is new access", []*policy.Policy{read}, []*policy.Policy{read, write}, verify.Fail},
		{"a Deny added", []*policy.Policy{read}, []*policy.Policy{read, guard}, verify.Pass},
		{"unchanged", []*policy.Policy{read, guard}, []*policy.Policy{guard, read}, verify.Pass},
	} {
		res, err := verify.NoNewAccessBesideOthers(ctx, tc.old, tc.new, nil)
		if err != nil || res.Verdict != tc.want {
			t.Errorf("%s: %s (%s) %v, want %s", tc.name, res.Verdict, res.Reason, err, tc.want)
		}
		if tc.want == verify.Unknown && !strings.Contains(res.Reason, "s3:DeleteBucket") {
			t.Errorf("%s: reason %q names no request", tc.name, res.Reason)
		}
	}
	// NoNewAccess alone passes a lifted Deny: the two differ.
	if res, _ := verify.NoNewAccess(ctx, []*policy.Policy{read, guard}, []*policy.Policy{read}, nil); res.Verdict != verify.Pass {
		t.Errorf("NoNewAccess: %s", res.Verdict)
	}
}
