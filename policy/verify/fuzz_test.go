package verify

import (
	"context"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
)

// FuzzNoNewAccess runs the checks on arbitrary pairs of policies that
// package policy accepts: no panic, no error, and never a witness the
// engine does not confirm.
func FuzzNoNewAccess(f *testing.F) {
	f.Add([]byte(`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`),
		[]byte(`{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}}`), false)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`),
		[]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"},"NotIpAddress":{"aws:SourceIp":"10.1.0.0/16"}}}]}`), true)
	f.Add([]byte(`{"Statement":{"Effect":"Deny","NotAction":"s3:List*","NotResource":"arn:aws:s3:::b?/*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*","b"]}}}}`),
		[]byte(`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2027"},"NumericGreaterThan":{"s3:max-keys":"1e2"},"Null":{"aws:SourceVpce":"false"}}}]}`), false)
	f.Add([]byte(`{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/a/b"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x*"},"StringLike":{"aws:userid":"AROA*:*","aws:username":"al?"}}}}`),
		[]byte(`{"Statement":{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEqualsIgnoreCase":{"aws:ResourceAccount":"111122223333"},"Bool":{"aws:SecureTransport":"TRUE"}}}}`), true)
	f.Fuzz(func(t *testing.T, oldDoc, newDoc []byte, resource bool) {
		typ := policy.IdentityBased
		if resource {
			typ = policy.ResourceBased
		}
		old, err := policy.Parse("old", typ, oldDoc)
		if err != nil {
			return
		}
		nw, err := policy.Parse("new", typ, newDoc)
		if err != nil {
			return
		}
		opts := &Options{MaxStates: 5000, MaxWork: 2_000_000}
		ctx := context.Background()
		check := func(what string, res Result, err error) {
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if strings.Contains(res.Reason, "does not confirm") || strings.Contains(res.Reason, "internal error") {
				t.Fatalf("%s: %s", what, res.Reason)
			}
			if (res.Verdict == Fail) != (res.Witness != nil) {
				t.Fatalf("%s: %s with witness %v", what, res.Verdict, res.Witness)
			}
		}
		res, err := NoNewAccess(ctx, []*policy.Policy{old}, []*policy.Policy{nw}, opts)
		check("NoNewAccess", res, err)
		res, err = AccessNotGranted(ctx, []*policy.Policy{nw}, Access{Actions: []string{"s3:Delete*"}, Resources: []string{"arn:aws:s3:::b/*"}}, opts)
		check("AccessNotGranted", res, err)
		if resource {
			res, err = NoPublicAccess(ctx, nw, opts)
			check("NoPublicAccess", res, err)
		}
	})
}
