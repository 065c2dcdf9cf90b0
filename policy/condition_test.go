package policy_test

import (
	"fmt"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// allowIf returns whether a one-statement identity policy, allowing
// s3:GetObject under the given Condition block, allows a request with ctx.
func allowIf(t *testing.T, condition string, ctx map[string][]string) bool {
	t.Helper()
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + condition + `}]}`
	p, err := policy.Parse("p", policy.IdentityBased, []byte(doc))
	if err != nil {
		t.Fatalf("%s: %v", condition, err)
	}
	req, err := policy.NewRequest("arn:aws:iam::111122223333:user/alice", "s3:GetObject", "arn:aws:s3:::b/k", "111122223333", policy.NewContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	set := &policy.Set{Identity: []*policy.Policy{p}}
	return set.Evaluate(req).Decision == policy.Allowed
}

func kv(k string, v ...string) map[string][]string { return map[string][]string{k: v} }

// Every operator of the IAM User Guide, "IAM JSON policy elements:
// Condition operators",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
func TestConditionOperators(t *testing.T) {
	tests := []struct {
		cond string
		ctx  map[string][]string
		want bool
	}{
		// String condition operators.
		{`{"StringEquals":{"s3:prefix":"home/"}}`, kv("s3:prefix", "home/"), true},
		{`{"StringEquals":{"s3:prefix":"home/"}}`, kv("s3:prefix", "Home/"), false},
		{`{"StringEquals":{"s3:prefix":["a/","home/"]}}`, kv("s3:prefix", "home/"), true}, // values are ORed
		{`{"StringEquals":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "home/x"), false},     // no wildcards in Equals
		{`{"StringNotEquals":{"s3:prefix":["a","b"]}}`, kv("s3:prefix", "c"), true},       // NOR
		{`{"StringNotEquals":{"s3:prefix":["a","b"]}}`, kv("s3:prefix", "b"), false},
		{`{"StringEqualsIgnoreCase":{"s3:prefix":"HOME/"}}`, kv("s3:prefix", "home/"), true},
		{`{"StringNotEqualsIgnoreCase":{"s3:prefix":"HOME/"}}`, kv("s3:prefix", "home/"), false},
		{`{"StringLike":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "home/a/b"), true},
		{`{"StringLike":{"s3:prefix":"home/?"}}`, kv("s3:prefix", "home/ab"), false},
		{`{"StringLike":{"s3:prefix":"*/?/*.txt"}}`, kv("s3:prefix", "ab/cd.txt"), false},
		{`{"StringLike":{"s3:prefix":"*/?/*.txt"}}`, kv("s3:prefix", "x/y/z.txt"), true},
		{`{"StringNotLike":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "etc/"), true},
		// Numeric condition operators.
		{`{"NumericEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "10"), true},
		{`{"NumericEquals":{"s3:max-keys":10}}`, kv("s3:max-keys", "10.0"), true},
		{`{"NumericNotEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "11"), true},
		{`{"NumericLessThan":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "10"), false},
		{`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "10"), true},
		{`{"NumericGreaterThan":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "11"), true},
		{`{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "9"), false},
		{`{"NumericLessThan":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "ten"), false},
		// Date condition operators: ISO 8601 and epoch seconds.
		{`{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, kv("aws:CurrentTime", "2020-06-01T00:00:00Z"), true},
		{`{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, kv("aws:CurrentTime", "2020-06-01T00:00:00Z"), false},
		{`{"DateLessThan":{"aws:EpochTime":"1577836800"}}`, kv("aws:EpochTime", "1577836799"), true},
		{`{"DateEquals":{"aws:CurrentTime":"2020-01-01T02:00:00+02:00"}}`, kv("aws:CurrentTime", "2020-01-01T00:00:00Z"), true},
		{`{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}`, kv("aws:CurrentTime", "2020-01-01T00:00:00Z"), false},
		{`{"DateLessThanEquals":{"aws:CurrentTime":1577836800}}`, kv("aws:CurrentTime", "2020-01-01T00:00:00Z"), true},
		{`{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00.5Z"}}`, kv("aws:CurrentTime", "2020-01-01T00:00:00Z"), false},
		// Boolean.
		{`{"Bool":{"aws:SecureTransport":"true"}}`, kv("aws:SecureTransport", "true"), true},
		{`{"Bool":{"aws:SecureTransport":true}}`, kv("aws:SecureTransport", "false"), false},
		{`{"Bool":{"aws:SecureTransport":"false"}}`, nil, false},
		// Binary: byte for byte against the base64 value.
		{`{"BinaryEquals":{"k":"QmluYXJ5VmFsdWU="}}`, kv("k", "QmluYXJ5VmFsdWU="), true},
		{`{"BinaryEquals":{"k":"QmluYXJ5VmFsdWU="}}`, kv("k", "QmluYXJ5"), false},
		// IP address: IPv4 and IPv6 CIDRs.
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:SourceIp", "203.0.113.7"), true},
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:SourceIp", "203.0.114.7"), false},
		{`{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`, kv("aws:SourceIp", "2001:db8:1234:5678::1"), true},
		{`{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, kv("aws:SourceIp", "2001:db8:1234:5679::1"), false},
		{`{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, kv("aws:SourceIp", "203.0.113.7"), true},
		{`{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, kv("aws:SourceIp", "203.0.113.7"), true},
		// ARN: each of the six components separately; ArnEquals = ArnLike.
		{`{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}`, kv("aws:SourceArn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"), true},
		{`{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}}`, kv("aws:SourceArn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/t"), true},
		{`{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::b*"}}`, kv("aws:SourceArn", "arn:aws:s3:us-east-1::b"), false},
		{`{"ArnNotLike":{"aws:SourceArn":"arn:aws:iam::*:role/admin"}}`, kv("aws:SourceArn", "arn:aws:iam::1:role/dev"), true},
		{`{"ArnNotEquals":{"aws:SourceArn":"arn:aws:iam::1:role/dev"}}`, kv("aws:SourceArn", "arn:aws:iam::1:role/dev"), false},
		// The ARN example of the guide: StringLike spans colons, ArnLike does not.
		{`{"StringLike":{"aws:SourceArn":"arn:aws:s3:::b*"}}`, kv("aws:SourceArn", "arn:aws:s3:::b:x"), true},
		// Null.
		{`{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{`{"Null":{"aws:TokenIssueTime":"false"}}`, nil, false},
		{`{"Null":{"aws:TokenIssueTime":"false"}}`, kv("aws:TokenIssueTime", "2020-01-01T00:00:00Z"), true},
		// Missing keys: positive operators false, negated true, IfExists true.
		{`{"StringEquals":{"s3:prefix":"a"}}`, nil, false},
		{`{"StringNotEquals":{"s3:prefix":"a"}}`, nil, true},
		{`{"StringEqualsIfExists":{"s3:prefix":"a"}}`, nil, true},
		{`{"StringEqualsIfExists":{"s3:prefix":"a"}}`, kv("s3:prefix", "b"), false},
		{`{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
		{`{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
		{`{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`, nil, true},
		// Condition key names are case-insensitive.
		{`{"StringEquals":{"S3:PREFIX":"a"}}`, kv("s3:prefix", "a"), true},
		// Several keys and operators are ANDed.
		{`{"StringEquals":{"s3:prefix":"a","s3:delimiter":"/"}}`, kv("s3:prefix", "a"), false},
		{`{"StringEquals":{"s3:prefix":"a"},"Bool":{"aws:SecureTransport":"true"}}`, map[string][]string{"s3:prefix": {"a"}, "aws:SecureTransport": {"true"}}, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.cond, tt.ctx), func(t *testing.T) {
			if got := allowIf(t, tt.cond, tt.ctx); got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

// Set operators: IAM User Guide, "Single-valued vs. multivalued context
// keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func TestSetOperators(t *testing.T) {
	tests := []struct {
		cond string
		ctx  map[string][]string
		want bool
	}{
		{`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, kv("aws:TagKeys", "a", "b"), true},
		{`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, kv("aws:TagKeys", "a", "c"), false},
		// "It also returns true if there are no context keys in the request."
		{`{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, true},
		{`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, kv("aws:TagKeys", "c", "b"), true},
		{`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, kv("aws:TagKeys", "c", "d"), false},
		// "For no matching context key or if the key does not exist, the condition returns false."
		{`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, false},
		// Negated operators with a qualifier apply per request value.
		{`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}`, kv("aws:TagKeys", "b", "c"), true},
		{`{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a"]}}`, kv("aws:TagKeys", "b", "a"), false},
		{`{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}`, kv("aws:TagKeys", "b", "a"), true},
		{`{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a/r-ab/ou-1/*"}}`, kv("aws:PrincipalOrgPaths", "o-a/r-ab/ou-1/ou-2/"), true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.cond, tt.ctx), func(t *testing.T) {
			if got := allowIf(t, tt.cond, tt.ctx); got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}

// Policy variables: IAM User Guide, "IAM policy elements: Variables and
// tags",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestPolicyVariables(t *testing.T) {
	const alice = "arn:aws:iam::111122223333:user/alice"
	tests := []struct {
		name, version, resource, cond string
		reqResource                   string
		ctx                           map[string][]string
		want                          bool
	}{
		{"aws:username in Resource", "2012-10-17", "arn:aws:s3:::b/home/${aws:username}/*", "", "arn:aws:s3:::b/home/alice/x", nil, true},
		{"aws:username is another user's", "2012-10-17", "arn:aws:s3:::b/home/${aws:username}/*", "", "arn:aws:s3:::b/home/bob/x", nil, false},
		{"principal tag", "2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "", "arn:aws:s3:::b/red/x", kv("aws:PrincipalTag/team", "red"), true},
		// "the resource that includes a policy variable with no value will not match any resource"
		{"missing variable matches nothing", "2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/team}/*", "", "arn:aws:s3:::b//x", nil, false},
		{"default value", "2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*", "", "arn:aws:s3:::b/shared/x", nil, true},
		{"default not used when set", "2012-10-17", "arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*", "", "arn:aws:s3:::b/shared/x", kv("aws:PrincipalTag/team", "red"), false},
		{"${*} is a literal star", "2012-10-17", "arn:aws:s3:::b/${*}", "", "arn:aws:s3:::b/*", nil, true},
		{"${*} is not a wildcard", "2012-10-17", "arn:aws:s3:::b/${*}", "", "arn:aws:s3:::b/x", nil, false},
		{"${?} and ${$}", "2012-10-17", "arn:aws:s3:::b/${?}${$}", "", "arn:aws:s3:::b/?$", nil, true},
		{"2008-10-17: variables are literal", "2008-10-17", "arn:aws:s3:::b/${aws:username}", "", "arn:aws:s3:::b/${aws:username}", nil, true},
		{"2008-10-17: not replaced", "2008-10-17", "arn:aws:s3:::b/${aws:username}", "", "arn:aws:s3:::b/alice", nil, false},
		{"variable in a condition", "2012-10-17", "*", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, "arn:aws:s3:::b", kv("s3:prefix", "home/alice/x"), true},
		// "Inverted condition operators ... do match against a null value."
		{"negated operator with missing variable", "2012-10-17", "*", `{"StringNotEquals":{"s3:prefix":"${aws:PrincipalTag/x}"}}`, "arn:aws:s3:::b", kv("s3:prefix", "a"), true},
		// "Using variables ... Resource element ... Condition element": a
		// variable in an ARN value holds colons that do not split it.
		{"variable in an ArnLike value", "2012-10-17", "*", `{"ArnLike":{"aws:SourceArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}`, "arn:aws:s3:::b", kv("aws:SourceArn", "arn:aws:iam::111122223333:role/r"), true},
		{"variable in an ArnLike value, other account", "2012-10-17", "*", `{"ArnLike":{"aws:SourceArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}`, "arn:aws:s3:::b", kv("aws:SourceArn", "arn:aws:iam::444455556666:role/r"), false},
		{"multivalued key is no variable", "2012-10-17", "arn:aws:s3:::b/${aws:TagKeys}", "", "arn:aws:s3:::b/a", kv("aws:TagKeys", "a", "b"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond := ""
			if tt.cond != "" {
				cond = `,"Condition":` + tt.cond
			}
			doc := `{"Version":"` + tt.version + `","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"` + tt.resource + `"` + cond + `}]}`
			p, err := policy.Parse("p", policy.IdentityBased, []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			req, err := policy.NewRequest(alice, "s3:GetObject", tt.reqResource, "111122223333", policy.NewContext(tt.ctx))
			if err != nil {
				t.Fatal(err)
			}
			got := (&policy.Set{Identity: []*policy.Policy{p}}).Evaluate(req).Decision == policy.Allowed
			if got != tt.want {
				t.Errorf("allowed = %v, want %v", got, tt.want)
			}
		})
	}
}
