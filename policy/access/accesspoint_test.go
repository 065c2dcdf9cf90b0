package access_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// A request through an access point is decided by the access point and by
// the bucket, each on its own resource: "For an application or user to be
// able to access objects through an access point, both the access point
// and the underlying bucket must permit the request" (S3 User Guide,
// "Configuring IAM policies for using access points"). The bucket may
// delegate to access points with s3:DataAccessPointAccount (same page,
// "Delegating access control to access points"); the identity policy is
// checked against the access point's ARN, and within one account it or
// the access point policy may grant (FSx for ONTAP User Guide,
// "Configuring network access for Amazon S3 access points").
func TestAccessPoints(t *testing.T) {
	const (
		owner = "111122223333"
		other = "444455556666"
		jane  = "arn:aws:iam::111122223333:user/Jane"
		apARN = "arn:aws:s3:us-east-1:111122223333:accesspoint/my-access-point"
		xARN  = "arn:aws:s3:us-east-1:444455556666:accesspoint/partner"
	)
	parse := func(typ policy.Type, doc string) *policy.Policy {
		t.Helper()
		p, err := policy.Parse("test", typ, []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The User Guide's example delegation, and its example access point
	// policy for Jane.
	delegate := func(account string) *policy.Policy {
		return parse(policy.ResourceBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",
			"Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
			"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"`+account+`"}}}]}`)
	}
	janePolicy := parse(policy.ResourceBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+jane+`"},
		"Action":["s3:GetObject","s3:PutObject"],"Resource":"`+apARN+`/object/Jane/*"}]}`)
	denyJane := parse(policy.ResourceBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"`+jane+`"},
		"Action":"s3:*","Resource":"`+apARN+`/object/*"}]}`)
	identityOnAP := parse(policy.IdentityBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)
	partnerIdentity := parse(policy.IdentityBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+xARN+`/object/*"}]}`)
	publicAP := parse(policy.ResourceBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)

	ap := func(arn string) *access.AccessPoint {
		return &access.AccessPoint{ARN: arn, Bucket: "amzn-s3-demo-bucket"}
	}
	tests := []struct {
		name      string
		principal string
		resource  string
		context   map[string][]string
		set       *policy.Set
		ap        *access.AccessPoint
		apPolicy  *policy.Policy
		want      policy.Decision
		wantType  policy.Type
	}{
		{"the access point policy grants, the bucket delegates", jane, apARN + "/object/Jane/a.txt", nil,
			&policy.Set{Resource: delegate(owner)}, ap(apARN), janePolicy, policy.Allowed, policy.ResourceBased},
		{"the access point policy grants, the bucket does not", jane, apARN + "/object/Jane/a.txt", nil,
			&policy.Set{}, ap(apARN), janePolicy, policy.ImplicitDeny, policy.IdentityBased},
		{"outside what the access point policy grants", jane, apARN + "/object/Bob/a.txt", nil,
			&policy.Set{Resource: delegate(owner)}, ap(apARN), janePolicy, policy.ImplicitDeny, policy.IdentityBased},
		{"an identity policy on the access point's ARN, the bucket delegates", jane, apARN + "/object/x", nil,
			&policy.Set{Identity: []*policy.Policy{identityOnAP}, Resource: delegate(owner)}, ap(apARN), nil, policy.Allowed, policy.IdentityBased},
		{"a deny of the access point policy wins", jane, apARN + "/object/Jane/a.txt", nil,
			&policy.Set{Identity: []*policy.Policy{identityOnAP}, Resource: delegate(owner)}, ap(apARN), denyJane, policy.ExplicitDeny, policy.ResourceBased},
		{"a bucket delegating to another account", jane, apARN + "/object/x", nil,
			&policy.Set{Identity: []*policy.Policy{identityOnAP}, Resource: delegate(other)}, ap(apARN), nil, policy.ImplicitDeny, policy.IdentityBased},
		{"a cross-account access point the bucket delegates to", "arn:aws:iam::444455556666:user/p", xARN + "/object/x", nil,
			&policy.Set{Identity: []*policy.Policy{partnerIdentity}, Resource: delegate(other)}, ap(xARN), nil, policy.Allowed, policy.IdentityBased},
		{"a cross-account access point the bucket does not delegate to", "arn:aws:iam::444455556666:user/p", xARN + "/object/x", nil,
			&policy.Set{Identity: []*policy.Policy{partnerIdentity}}, ap(xARN), nil, policy.ImplicitDeny, policy.ResourceBased},
		{"a VPC access point, from outside its VPC", jane, apARN + "/object/x", nil,
			&policy.Set{Identity: []*policy.Policy{identityOnAP}, Resource: delegate(owner)},
			&access.AccessPoint{ARN: apARN, Bucket: "amzn-s3-demo-bucket", NetworkOrigin: "VPC", VPC: "vpc-1a2b3c4d"}, nil, policy.ExplicitDeny, policy.ResourceBased},
		{"a VPC access point, from its VPC", jane, apARN + "/object/x", map[string][]string{"aws:SourceVpc": {"vpc-1a2b3c4d"}},
			&policy.Set{Identity: []*policy.Policy{identityOnAP}, Resource: delegate(owner)},
			&access.AccessPoint{ARN: apARN, Bucket: "amzn-s3-demo-bucket", NetworkOrigin: "VPC", VPC: "vpc-1a2b3c4d"}, nil, policy.Allowed, policy.IdentityBased},
		{"a public access point policy under the access point's Block Public Access", "anonymous", apARN + "/object/x", nil,
			&policy.Set{Resource: delegate(owner)}, ap(apARN), publicAP, policy.ImplicitDeny, policy.BlockPublicAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := policy.NewRequest(tt.principal, "s3:GetObject", tt.resource, owner, policy.NewContext(tt.context))
			if err != nil {
				t.Fatal(err)
			}
			tt.ap.Policy = tt.apPolicy
			state := &access.State{BucketOwner: owner, AccessPoint: tt.ap}
			d, err := access.Decide(tt.set, access.Request{Request: req}, state)
			if err != nil {
				t.Fatal(err)
			}
			if d.Decision != tt.want || d.Type != tt.wantType {
				t.Errorf("%v by %v, want %v by %v: %s (%s)", d.Decision, d.Type, tt.want, tt.wantType, d.Message(req), d.Note)
			}
			if !strings.Contains(d.Note, tt.ap.ARN) {
				t.Errorf("the note does not name the access point: %q", d.Note)
			}
		})
	}

	// A resource of another access point, or an access point's resource
	// without one in the state, is an error.
	req, _ := policy.NewRequest(jane, "s3:GetObject", xARN+"/object/x", owner, policy.Context{})
	if _, err := access.Decide(&policy.Set{}, access.Request{Request: req}, &access.State{BucketOwner: owner, AccessPoint: ap(apARN)}); err == nil {
		t.Error("another access point's resource: no error")
	}
	if _, err := access.Decide(&policy.Set{}, access.Request{Request: req}, &access.State{BucketOwner: owner}); err == nil {
		t.Error("an access point's resource, no access point: no error")
	}
}

// The ARN forms of access points: the S3 User Guide, "Referencing access
// points".
func TestParseAccessPointARN(t *testing.T) {
	for _, tt := range []struct {
		arn                        string
		region, account, name, key string
		ok                         bool
	}{
		{"arn:aws:s3:us-west-2:123456789012:accesspoint/test", "us-west-2", "123456789012", "test", "", true},
		{"arn:aws:s3:us-west-2:123456789012:accesspoint/test/object/unit-01/a b.txt", "us-west-2", "123456789012", "test", "unit-01/a b.txt", true},
		{"arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/x", "cn-north-1", "123456789012", "x", "", true},
		// Multi-Region Access Points: "Making requests through a
		// Multi-Region Access Point".
		{"arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", "", "123456789012", "mfzwi23gnjvgw.mrap", "", true},
		{"arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap/object/unit-01/finance/q1", "", "123456789012", "mfzwi23gnjvgw.mrap", "unit-01/finance/q1", true},
		{"arn:aws:s3::123456789012:accesspoint/test", "", "", "", "", false},
		{"arn:aws:s3::123456789012:accesspoint/.mrap", "", "", "", "", false},
		{"arn:aws:s3::123456789012:accesspoint/Mfz.mrap", "", "", "", "", false},
		{"arn:aws:s3:::bucket/key", "", "", "", "", false},
		{"arn:aws:s3:us-west-2:123456789012:accesspoint/", "", "", "", "", false},
		{"arn:aws:s3:us-west-2:123456789012:accesspoint/test/key", "", "", "", "", false},
		{"arn:aws:s3:us-west-2:12345:accesspoint/test", "", "", "", "", false},
	} {
		region, account, name, key, err := access.ParseAccessPointARN(tt.arn)
		if (err == nil) != tt.ok || region != tt.region || account != tt.account || name != tt.name || key != tt.key {
			t.Errorf("ParseAccessPointARN(%q) = %q %q %q %q %v", tt.arn, region, account, name, key, err)
		}
	}
}
