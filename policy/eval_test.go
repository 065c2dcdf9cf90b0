package policy_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

const (
	acctA = "111122223333"
	acctB = "444455556666"
	alice = "arn:aws:iam::111122223333:user/alice"
	sess  = "arn:aws:sts::111122223333:assumed-role/app/s1"
)

func mustParse(t testing.TB, typ policy.Type, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse(t.Name(), typ, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func allowStmt(extra string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` + extra + `"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`
}

func denyStmt(extra string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Deny",` + extra + `"Action":"s3:*","Resource":"*"}]}`
}

func eval(t *testing.T, set *policy.Set, principal, account string) policy.Result {
	t.Helper()
	req, err := policy.NewRequest(principal, "s3:GetObject", "arn:aws:s3:::b/k", account, policy.Context{})
	if err != nil {
		t.Fatal(err)
	}
	return set.Evaluate(req)
}

// IAM User Guide, "Policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// and "Cross-account policy evaluation logic",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestEvaluationLogic(t *testing.T) {
	id := func(t *testing.T) []*policy.Policy {
		return []*policy.Policy{mustParse(t, policy.IdentityBased, allowStmt(""))}
	}
	res := func(t *testing.T, principal string) *policy.Policy {
		return mustParse(t, policy.ResourceBased, allowStmt(`"Principal":{"AWS":"`+principal+`"},`))
	}
	tests := []struct {
		name      string
		set       func(t *testing.T) *policy.Set
		principal string
		account   string
		want      policy.Decision
		by        policy.Type
	}{
		{"default deny", func(t *testing.T) *policy.Set { return &policy.Set{} }, alice, acctA, policy.ImplicitDeny, policy.IdentityBased},
		{"identity policy allows, same account", func(t *testing.T) *policy.Set { return &policy.Set{Identity: id(t)} }, alice, acctA, policy.Allowed, policy.IdentityBased},
		{"explicit deny in identity wins", func(t *testing.T) *policy.Set {
			return &policy.Set{Identity: append(id(t), mustParse(t, policy.IdentityBased, denyStmt("")))}
		}, alice, acctA, policy.ExplicitDeny, policy.IdentityBased},
		{"explicit deny in bucket policy wins", func(t *testing.T) *policy.Set {
			return &policy.Set{Identity: id(t), Resource: mustParse(t, policy.ResourceBased, denyStmt(`"Principal":"*",`))}
		}, alice, acctA, policy.ExplicitDeny, policy.ResourceBased},
		{"bucket policy naming the user allows, same account", func(t *testing.T) *policy.Set { return &policy.Set{Resource: res(t, alice)} }, alice, acctA, policy.Allowed, policy.ResourceBased},
		{"cross account: identity alone is not enough", func(t *testing.T) *policy.Set { return &policy.Set{Identity: id(t)} }, alice, acctB, policy.ImplicitDeny, policy.ResourceBased},
		{"cross account: resource alone is not enough", func(t *testing.T) *policy.Set { return &policy.Set{Resource: res(t, alice)} }, alice, acctB, policy.ImplicitDeny, policy.IdentityBased},
		{"cross account: both allow", func(t *testing.T) *policy.Set { return &policy.Set{Identity: id(t), Resource: res(t, alice)} }, alice, acctB, policy.Allowed, policy.IdentityBased},
		{"cross account: account principal is enough on the resource side", func(t *testing.T) *policy.Set { return &policy.Set{Identity: id(t), Resource: res(t, acctA)} }, alice, acctB, policy.Allowed, policy.IdentityBased},
		// "The account ARN and the shortened account ID behave the same way. Both delegate permissions to the account."
		{"account principal delegates: grants nothing by itself", func(t *testing.T) *policy.Set { return &policy.Set{Resource: res(t, acctA)} }, alice, acctA, policy.ImplicitDeny, policy.IdentityBased},
		{"root ARN principal delegates too", func(t *testing.T) *policy.Set { return &policy.Set{Resource: res(t, "arn:aws:iam::111122223333:root")} }, alice, acctA, policy.ImplicitDeny, policy.IdentityBased},
		{"root of the owning account", func(t *testing.T) *policy.Set { return &policy.Set{} }, "arn:aws:iam::111122223333:root", acctA, policy.Allowed, 0},
		// Role ARN in a resource policy matches the role's sessions.
		{"role ARN matches its session", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, "arn:aws:iam::111122223333:role/app")}
		}, sess, acctA, policy.Allowed, policy.ResourceBased},
		{"role ARN with a path matches its session", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, "arn:aws:iam::111122223333:role/team/app")}
		}, sess, acctA, policy.Allowed, policy.ResourceBased},
		{"other role does not match", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, "arn:aws:iam::111122223333:role/other")}
		}, sess, acctA, policy.ImplicitDeny, policy.IdentityBased},
		// "resource-based policies that grant permissions to an IAM user ARN ... are not limited by an implicit deny in an identity-based policy or permissions boundary"
		{"user ARN grant not limited by boundary", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, alice), Boundary: mustParse(t, policy.PermissionsBoundary, `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}`)}
		}, alice, acctA, policy.Allowed, policy.ResourceBased},
		// Role ARN grants "are limited by an implicit deny in a permissions boundary or session policy."
		{"role ARN grant limited by boundary", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, "arn:aws:iam::111122223333:role/app"), Boundary: mustParse(t, policy.PermissionsBoundary, `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}`)}
		}, sess, acctA, policy.ImplicitDeny, policy.PermissionsBoundary},
		{"role ARN grant limited by session policy", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, "arn:aws:iam::111122223333:role/app"), Session: mustParse(t, policy.SessionPolicy, `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}`)}
		}, sess, acctA, policy.ImplicitDeny, policy.SessionPolicy},
		// "Permissions granted directly to a session are not limited by an implicit deny in an identity-based policy, a permissions boundary, or session policy."
		{"session ARN grant not limited by session policy", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: res(t, sess), Session: mustParse(t, policy.SessionPolicy, `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}`)}
		}, sess, acctA, policy.Allowed, policy.ResourceBased},
		{"boundary alone grants nothing", func(t *testing.T) *policy.Set {
			return &policy.Set{Boundary: mustParse(t, policy.PermissionsBoundary, allowStmt(""))}
		}, alice, acctA, policy.ImplicitDeny, policy.IdentityBased},
		{"identity allow limited by boundary", func(t *testing.T) *policy.Set {
			return &policy.Set{Identity: id(t), Boundary: mustParse(t, policy.PermissionsBoundary, `{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}}`)}
		}, alice, acctA, policy.ImplicitDeny, policy.PermissionsBoundary},
		// SCPs: every level must allow; they do not apply to anonymous callers.
		{"SCP level without an allow", func(t *testing.T) *policy.Set {
			full := mustParse(t, policy.ServiceControlPolicy, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`)
			ec2 := mustParse(t, policy.ServiceControlPolicy, `{"Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}`)
			return &policy.Set{Identity: id(t), SCPs: [][]*policy.Policy{{full}, {ec2}}}
		}, alice, acctA, policy.ImplicitDeny, policy.ServiceControlPolicy},
		{"SCPs do not apply to anonymous callers", func(t *testing.T) *policy.Set {
			ec2 := mustParse(t, policy.ServiceControlPolicy, `{"Statement":{"Effect":"Allow","Action":"ec2:*","Resource":"*"}}`)
			return &policy.Set{Resource: mustParse(t, policy.ResourceBased, allowStmt(`"Principal":"*",`)), SCPs: [][]*policy.Policy{{ec2}}}
		}, "anonymous", acctA, policy.Allowed, policy.ResourceBased},
		// RCPFullAWSAccess is implicit at every level: an RCP can only deny.
		{"RCP level without allows still allows", func(t *testing.T) *policy.Set {
			rcp := mustParse(t, policy.ResourceControlPolicy, `{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}`)
			return &policy.Set{Identity: id(t), RCPs: [][]*policy.Policy{{rcp}}}
		}, alice, acctA, policy.Allowed, policy.IdentityBased},
		{"RCP deny applies to the owner's own principals", func(t *testing.T) *policy.Set {
			rcp := mustParse(t, policy.ResourceControlPolicy, denyStmt(`"Principal":"*",`))
			return &policy.Set{Identity: id(t), RCPs: [][]*policy.Policy{{rcp}}}
		}, alice, acctA, policy.ExplicitDeny, policy.ResourceControlPolicy},
		// Anonymous: only "*" grants.
		{"anonymous allowed by Principal *", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: mustParse(t, policy.ResourceBased, allowStmt(`"Principal":{"AWS":"*"},`))}
		}, "anonymous", acctA, policy.Allowed, policy.ResourceBased},
		{"anonymous not allowed by an account principal", func(t *testing.T) *policy.Set { return &policy.Set{Resource: res(t, acctA)} }, "anonymous", acctA, policy.ImplicitDeny, policy.ResourceBased},
		{"service principal", func(t *testing.T) *policy.Set {
			return &policy.Set{Resource: mustParse(t, policy.ResourceBased, allowStmt(`"Principal":{"Service":"cloudtrail.amazonaws.com"},`))}
		}, "cloudtrail.amazonaws.com", acctA, policy.Allowed, policy.ResourceBased},
		// NotPrincipal: the caller is left out only when its account and its own ARN are listed.
		{"NotPrincipal listing user and account excludes the user", func(t *testing.T) *policy.Set {
			return &policy.Set{Identity: id(t), Resource: mustParse(t, policy.ResourceBased, denyStmt(`"NotPrincipal":{"AWS":["`+alice+`","arn:aws:iam::111122223333:root"]},`))}
		}, alice, acctA, policy.Allowed, policy.IdentityBased},
		{"NotPrincipal listing only the user denies", func(t *testing.T) *policy.Set {
			return &policy.Set{Identity: id(t), Resource: mustParse(t, policy.ResourceBased, denyStmt(`"NotPrincipal":{"AWS":["`+alice+`"]},`))}
		}, alice, acctA, policy.ExplicitDeny, policy.ResourceBased},
		{"NotPrincipal always denies a principal with a boundary", func(t *testing.T) *policy.Set {
			return &policy.Set{Identity: id(t), Boundary: mustParse(t, policy.PermissionsBoundary, allowStmt("")),
				Resource: mustParse(t, policy.ResourceBased, denyStmt(`"NotPrincipal":{"AWS":["`+alice+`","111122223333"]},`))}
		}, alice, acctA, policy.ExplicitDeny, policy.ResourceBased},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := eval(t, tt.set(t), tt.principal, tt.account)
			if got.Decision != tt.want || got.Type != tt.by {
				t.Errorf("got %v by %v, want %v by %v", got.Decision, got.Type, tt.want, tt.by)
			}
		})
	}
}

// The words of S3's AccessDenied messages: S3 User Guide, "Troubleshoot
// access denied (403 Forbidden) errors in Amazon S3",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html
func TestMessages(t *testing.T) {
	req, err := policy.NewRequest(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA, policy.Context{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		set  *policy.Set
		want string
	}{
		{&policy.Set{}, `User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no identity-based policy allows the s3:GetObject action`},
		{&policy.Set{Resource: mustParse(t, policy.ResourceBased, denyStmt(`"Principal":"*",`))}, `User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a resource-based policy`},
		{&policy.Set{Identity: []*policy.Policy{mustParse(t, policy.IdentityBased, denyStmt(""))}}, `with an explicit deny in an identity-based policy`},
		{&policy.Set{Identity: []*policy.Policy{mustParse(t, policy.IdentityBased, allowStmt(""))}, Session: mustParse(t, policy.SessionPolicy, denyStmt(""))}, `with an explicit deny in a session policy`},
	}
	for _, tt := range tests {
		if got := tt.set.Evaluate(req).Message(req); !strings.HasSuffix(got, tt.want) {
			t.Errorf("message = %q, want suffix %q", got, tt.want)
		}
	}
}

// Keys AWS derives from the principal: IAM User Guide, "AWS global
// condition context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func TestDerivedKeys(t *testing.T) {
	tests := []struct {
		principal, cond string
		want            bool
	}{
		{sess, `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}`, true},
		{sess, `{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}`, true},
		{sess, `{"Null":{"aws:username":"true"}}`, true},
		{alice, `{"StringEquals":{"aws:username":"alice"}}`, true},
		{alice, `{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`, true},
		{alice, `{"StringEquals":{"aws:PrincipalType":"User"}}`, true},
		{alice, `{"Bool":{"aws:PrincipalIsAWSService":"false"}}`, true},
		{"arn:aws:iam::111122223333:root", `{"StringEquals":{"aws:PrincipalType":"Account","aws:userid":"111122223333"}}`, true},
		{"arn:aws:sts::111122223333:federated-user/bob", `{"StringEquals":{"aws:userid":"111122223333:bob","aws:PrincipalType":"FederatedUser"}}`, true},
		{"cloudtrail.amazonaws.com", `{"Bool":{"aws:PrincipalIsAWSService":"true"}}`, true},
		// An anonymous caller has the keys whose Availability reads "for all
		// requests, including anonymous requests" (aws:PrincipalAccount:
		// "For anonymous requests, the request context returns anonymous";
		// aws:PrincipalType and aws:userid, valued as the policy variables
		// page's "Principal key values" table says), and not those whose
		// Availability reads "Anonymous requests do not include this key".
		{"anonymous", `{"StringEquals":{"aws:PrincipalType":"Anonymous","aws:PrincipalAccount":"anonymous"}}`, true},
		{"anonymous", `{"Null":{"aws:PrincipalAccount":"true"}}`, false},
		{"anonymous", `{"StringEquals":{"aws:userid":"anonymous"}}`, true},
		{"anonymous", `{"Null":{"aws:PrincipalArn":"true","aws:username":"true","aws:PrincipalIsAWSService":"true"}}`, true},
		{alice, `{"StringEquals":{"aws:ResourceAccount":"111122223333"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.principal+" "+tt.cond, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":` + tt.cond + `}]}`
			set := &policy.Set{Resource: mustParse(t, policy.ResourceBased, doc)}
			if got := eval(t, set, tt.principal, acctA).Decision == policy.Allowed; got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

// Action names are case-insensitive; resource ARNs case-sensitive; a *
// expands within its ARN segment, and past colons only at a segment's end.
// IAM User Guide, "IAM JSON policy elements: Action" and "... Resource".
func TestActionAndResourceMatching(t *testing.T) {
	tests := []struct {
		action, resource  string
		reqAction, reqRes string
		want              bool
	}{
		{"S3:getobject", "*", "s3:GetObject", "arn:aws:s3:::b/k", true},
		{"s3:Get*", "*", "s3:GetObjectAcl", "arn:aws:s3:::b/k", true},
		{"s3:*Object", "*", "s3:GetObjectAcl", "arn:aws:s3:::b/k", false},
		{"s3:Get?bject", "*", "s3:GetObject", "arn:aws:s3:::b/k", true},
		{"*", "arn:aws:s3:::*", "s3:GetObject", "arn:aws:s3:::b/a/b/c", true},
		{"s3:*", "arn:aws:s3:::B/*", "s3:GetObject", "arn:aws:s3:::b/k", false},
		{"s3:*", "arn:aws:s3:::b/*/report-??.csv", "s3:GetObject", "arn:aws:s3:::b/2024/x/report-01.csv", true},
		{"s3:*", "arn:aws:s3:::b/*/report-??.csv", "s3:GetObject", "arn:aws:s3:::b/2024/report-1.csv", false},
		{"s3:*", "arn:aws:s3:::b", "s3:GetObject", "arn:aws:s3:::b/k", false},
		{"s3:*", "arn:aws:s3:*", "s3:GetObject", "arn:aws:s3:::b/k", true},
		{"s3:*", "arn:aws:s*3:::b/k", "s3:GetObject", "arn:aws:s:x3:::b/k", false},
		// The first * ends its segment (a colon follows it) and spans
		// colons; the second stays within its segment. The match needs the
		// first to take "k:x:z", not the shortest run before ":x".
		{"s3:*", "arn:aws:s3:::b/*:x*y", "s3:GetObject", "arn:aws:s3:::b/k:x:z:xy", true},
		{"s3:*", "arn:aws:s3:::b/*:x*y", "s3:GetObject", "arn:aws:s3:::b/k:x:z:x:y", false},
		// Access points and Multi-Region Access Points: S3 User Guide,
		// "Referencing access points" and "Making requests through a
		// Multi-Region Access Point" ("arn:aws:s3::123456789012:accesspoint/*
		// ... doesn't match any Regional Amazon S3 Access Points because
		// the ARN doesn't include an AWS Region", and the converse).
		{"s3:*", "arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/unit-01/finance/*", "s3:GetObject", "arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/unit-01/finance/q1.csv", true},
		{"s3:*", "arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/*", "s3:GetObject", "arn:aws:s3:us-west-2:123456789012:accesspoint/other/object/k", false},
		{"s3:*", "arn:aws:s3::123456789012:accesspoint/*", "s3:GetObject", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", true},
		{"s3:*", "arn:aws:s3::123456789012:accesspoint/*", "s3:GetObject", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/k", true},
		{"s3:*", "arn:aws:s3::123456789012:accesspoint/*", "s3:GetObject", "arn:aws:s3:us-west-2:123456789012:accesspoint/test", false},
		{"s3:*", "arn:aws:s3:us-west-2:123456789012:accesspoint/*", "s3:GetObject", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", false},
		{"s3:*", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/*", "s3:GetObject", "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/a/b", true},
	}
	for _, tt := range tests {
		t.Run(tt.action+" "+tt.resource+" "+tt.reqRes, func(t *testing.T) {
			doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + tt.action + `","Resource":"` + tt.resource + `"}]}`
			set := &policy.Set{Identity: []*policy.Policy{mustParse(t, policy.IdentityBased, doc)}}
			req, err := policy.NewRequest(alice, tt.reqAction, tt.reqRes, acctA, policy.Context{})
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Evaluate(req).Decision == policy.Allowed; got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestExplainListsMatches(t *testing.T) {
	set := &policy.Set{
		Identity: []*policy.Policy{mustParse(t, policy.IdentityBased, allowStmt(""))},
		Resource: mustParse(t, policy.ResourceBased, denyStmt(`"Principal":"*",`)),
	}
	req, err := policy.NewRequest(alice, "s3:GetObject", "arn:aws:s3:::b/k", acctA, policy.Context{})
	if err != nil {
		t.Fatal(err)
	}
	ex := set.Explain(req)
	if ex.Decision != policy.ExplicitDeny || len(ex.Matches) != 2 {
		t.Fatalf("got %v with %d matches, want ExplicitDeny with 2: %v", ex.Decision, len(ex.Matches), ex.Matches)
	}
	if ex.Result != set.Evaluate(req) {
		t.Errorf("Explain's result %+v differs from Evaluate's %+v", ex.Result, set.Evaluate(req))
	}
}
