package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// Grammar: IAM User Guide, "Grammar of the IAM JSON policy language",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestParseAcceptsEveryForm(t *testing.T) {
	tests := []struct {
		name string
		typ  policy.Type
		doc  string
	}{
		{"statement as one object", policy.IdentityBased,
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`},
		{"lists everywhere", policy.IdentityBased,
			`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:Put*"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"]}]}`},
		{"NotAction and NotResource", policy.IdentityBased,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b/*"}]}`},
		{"no Version", policy.IdentityBased,
			`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`},
		{"Version 2008-10-17 with literal ${", policy.IdentityBased,
			`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${x"}]}`},
		{"principal star", policy.ResourceBased,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`},
		{"every principal type", policy.ResourceBased,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{
			"AWS":["*","123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/a/b","arn:aws:iam::123456789012:role/r",
			"arn:aws:sts::123456789012:assumed-role/r/s","arn:aws:sts::123456789012:federated-user/f","AIDAJQABLZS4A3QDU576Q"],
			"Service":"cloudtrail.amazonaws.com","Federated":"cognito-identity.amazonaws.com",
			"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
			"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`},
		{"NotPrincipal with Deny", policy.ResourceBased,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:user/a"]},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`},
		{"every operator", policy.IdentityBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
			"StringEquals":{"a":"x"},"StringNotEquals":{"a":["x","y"]},"StringEqualsIgnoreCase":{"a":"X"},"StringNotEqualsIgnoreCase":{"a":"X"},
			"StringLike":{"a":"x*"},"StringNotLike":{"a":"?"},
			"NumericEquals":{"n":1},"NumericNotEquals":{"n":"1"},"NumericLessThan":{"n":1.5},"NumericLessThanEquals":{"n":"-2"},"NumericGreaterThan":{"n":3},"NumericGreaterThanEquals":{"n":3},
			"DateEquals":{"d":"2020-01-01T00:00:00Z"},"DateNotEquals":{"d":"2020-01-01"},"DateLessThan":{"d":1577836800},"DateLessThanEquals":{"d":"2020-01-01T00:00:00.123Z"},"DateGreaterThan":{"d":"2020-01-01T10:00+02:00"},"DateGreaterThanEquals":{"d":"2020"},
			"Bool":{"b":true},"BinaryEquals":{"x":"QmluYXJ5"},"IpAddress":{"ip":["203.0.113.0/24","2001:db8::/32","192.0.2.1"]},"NotIpAddress":{"ip":"10.0.0.0/8"},
			"ArnEquals":{"r":"arn:aws:iam::123456789012:role/x"},"ArnLike":{"r":"arn:aws:iam::*:role/*"},"ArnNotEquals":{"r":"*"},"ArnNotLike":{"r":"arn:aws:iam::1:role/?"},
			"Null":{"k":"true"},"StringEqualsIfExists":{"a":"x"},"ForAllValues:StringLike":{"aws:TagKeys":"a*"},"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"b"}}}]}`},
		{"policy variables", policy.IdentityBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",
			"Resource":"arn:aws:s3:::b/${aws:username}/${*}${?}${$}","Condition":{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'default'}"}}}]}`},
		{"SCP", policy.ServiceControlPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		// IAM User Guide, "Roles terms and concepts" > trust policy: a
		// resource-based policy with Principal and no Resource.
		{"role trust policy", policy.TrustPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`},
		{"RCP", policy.ResourceControlPolicy, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := policy.Parse(tt.name, tt.typ, []byte(tt.doc)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Malformed input is an error naming the policy, the statement (index and
// Sid) and the element. IAM User Guide, "Grammar of the IAM JSON policy
// language" and "IAM JSON policy elements reference".
func TestParseErrorsNameTheFault(t *testing.T) {
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":[{"Sid":"S1",` + s + `}]}` }
	tests := []struct {
		name, doc string
		typ       policy.Type
		want      []string // substrings of the error
	}{
		{"both Action and NotAction", stmt(`"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"`), policy.IdentityBased, []string{"statement 0", `"S1"`, "Action", "both"}},
		{"no Effect", stmt(`"Action":"s3:*","Resource":"*"`), policy.IdentityBased, []string{"Effect", "missing"}},
		{"unknown Effect", stmt(`"Effect":"Permit","Action":"s3:*","Resource":"*"`), policy.IdentityBased, []string{"Effect", "Permit"}},
		{"unknown operator", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}`), policy.IdentityBased, []string{"Condition", "StringEqualz"}},
		{"resource policy without Principal", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*"`), policy.ResourceBased, []string{"Principal", "missing"}},
		{"identity policy with Principal", stmt(`"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"`), policy.IdentityBased, []string{"Principal", "not allowed"}},
		{"bad CIDR", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}`), policy.IdentityBased, []string{"IpAddress", "aws:SourceIp", "10.0.0.0/33"}},
		{"bad date", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}`), policy.IdentityBased, []string{"DateGreaterThan", "yesterday"}},
		{"bad number", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}`), policy.IdentityBased, []string{"NumericLessThan", "ten"}},
		{"IfExists on Null", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"a":"true"}}`), policy.IdentityBased, []string{"NullIfExists"}},
		{"no Action", stmt(`"Effect":"Allow","Resource":"*"`), policy.IdentityBased, []string{"Action", "missing"}},
		{"no Resource", stmt(`"Effect":"Allow","Action":"s3:*"`), policy.IdentityBased, []string{"Resource", "missing"}},
		{"unknown Version", `{"Version":"2020-01-01","Statement":[]}`, policy.IdentityBased, []string{"Version", "2020-01-01"}},
		{"no Statement", `{"Version":"2012-10-17"}`, policy.IdentityBased, []string{"Statement", "missing"}},
		{"unknown element", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Actions":"x"`), policy.IdentityBased, []string{"Actions", "unknown element"}},
		{"wildcard in principal ARN", stmt(`"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:*","Resource":"*"`), policy.ResourceBased, []string{"Principal", "wildcard"}},
		{"NotPrincipal with Allow", stmt(`"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"`), policy.ResourceBased, []string{"NotPrincipal", "Deny"}},
		{"resource not an ARN", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"bucket/*"`), policy.IdentityBased, []string{"Resource", "bucket/*"}},
		{"action without service", stmt(`"Effect":"Allow","Action":"GetObject","Resource":"*"`), policy.IdentityBased, []string{"Action", "GetObject"}},
		{"bad variable", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username"`), policy.IdentityBased, []string{"Resource", "unterminated"}},
		{"object as condition value", stmt(`"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a":{"b":"c"}}}`), policy.IdentityBased, []string{"StringEquals", "value"}},
		{"not JSON", `{"Statement":`, policy.IdentityBased, []string{"JSON"}},
		{"trailing data", `{"Statement":[]} {}`, policy.IdentityBased, []string{"trailing"}},
		{"Resource in a trust policy", stmt(`"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"`), policy.TrustPolicy, []string{"Resource", "trust"}},
		{"RCP principal other than *", stmt(`"Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"`), policy.ResourceControlPolicy, []string{"Principal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse("p1", tt.typ, []byte(tt.doc))
			if err == nil {
				t.Fatal("parsed; want an error")
			}
			if !errors.Is(err, policy.ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			var se *policy.SyntaxError
			if !errors.As(err, &se) || se.Policy != "p1" {
				t.Errorf("error %v is not a *SyntaxError naming the policy", err)
			}
			for _, w := range append(tt.want, `"p1"`) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
