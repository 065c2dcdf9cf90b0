package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/policy"
)

// A request through a VPC endpoint must be allowed by the endpoint's
// policy too, and a Deny there wins: "An endpoint policy does not override
// or replace identity-based policies or resource-based policies" (AWS
// PrivateLink Guide, "Control access to VPC endpoints using endpoint
// policies"); S3 says which ("... because no VPC endpoint policy allows
// the s3:GetObject action", "... with an explicit deny in a VPC endpoint
// policy": S3 User Guide, "Troubleshoot access denied (403 Forbidden)
// errors", VPC endpoint policies).
func TestVPCEndpointPolicy(t *testing.T) {
	const acct = "111122223333"
	const alice = "arn:aws:iam::111122223333:user/alice"
	identity := mustParse(t, policy.IdentityBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	public := mustParse(t, policy.ResourceBased, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	endpoint := func(doc string) *policy.Policy { return mustParse(t, policy.VPCEndpointPolicy, doc) }
	allowBucket := endpoint(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	otherBucket := endpoint(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*"}]}`)
	denyAlice := endpoint(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":{"AWS":"` + alice + `"},"Action":"s3:GetObject","Resource":"*"}]}`)
	tests := []struct {
		name      string
		set       *policy.Set
		principal string
		want      policy.Result
		message   string
	}{
		{"no endpoint: the identity policy allows", &policy.Set{Identity: []*policy.Policy{identity}}, alice,
			policy.Result{Decision: policy.Allowed, Type: policy.IdentityBased, Policy: identity, Statement: 0}, ""},
		{"the endpoint allows the bucket", &policy.Set{Identity: []*policy.Policy{identity}, Endpoint: allowBucket}, alice,
			policy.Result{Decision: policy.Allowed, Type: policy.IdentityBased, Policy: identity, Statement: 0}, ""},
		{"the endpoint allows another bucket only", &policy.Set{Identity: []*policy.Policy{identity}, Endpoint: otherBucket}, alice,
			policy.Result{Decision: policy.ImplicitDeny, Type: policy.VPCEndpointPolicy, Statement: -1},
			`User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because no VPC endpoint policy allows the s3:GetObject action`},
		{"a Deny of the endpoint wins", &policy.Set{Identity: []*policy.Policy{identity}, Endpoint: denyAlice}, alice,
			policy.Result{Decision: policy.ExplicitDeny, Type: policy.VPCEndpointPolicy, Policy: denyAlice, Statement: 1},
			`User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k" with an explicit deny in a VPC endpoint policy`},
		{"anonymous through an endpoint that allows everyone", &policy.Set{Resource: public, Endpoint: allowBucket}, "anonymous",
			policy.Result{Decision: policy.Allowed, Type: policy.ResourceBased, Policy: public, Statement: 0}, ""},
		{"anonymous through an endpoint that does not allow it", &policy.Set{Resource: public, Endpoint: otherBucket}, "anonymous",
			policy.Result{Decision: policy.ImplicitDeny, Type: policy.VPCEndpointPolicy, Statement: -1}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := policy.NewRequest(tt.principal, "s3:GetObject", "arn:aws:s3:::b/k", acct, policy.Context{})
			if err != nil {
				t.Fatal(err)
			}
			got := tt.set.Evaluate(req)
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b *policy.Policy) bool { return a == b })); diff != "" {
				t.Errorf("Evaluate (-want +got):\n%s", diff)
			}
			if tt.message != "" && got.Message(req) != tt.message {
				t.Errorf("message %q,\nwant %q", got.Message(req), tt.message)
			}
		})
	}
	// An endpoint policy needs a Principal, as AWS requires ("It must
	// contain a Principal element").
	if _, err := policy.Parse("endpoint", policy.VPCEndpointPolicy, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)); err == nil {
		t.Error("an endpoint policy without Principal was accepted")
	}
}
