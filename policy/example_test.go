package policy_test

import (
	"fmt"

	"github.com/s3vet/s3vet/policy"
)

// A cross-account request needs an allow on both sides: the bucket policy
// names the role, but the role's own account grants it nothing.
func Example() {
	bucket := policy.MustParse("bucket policy of media", policy.ResourceBased, `{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Effect": "Allow",
	    "Principal": {"AWS": "arn:aws:iam::210987654321:role/etl"},
	    "Action": "s3:GetObject",
	    "Resource": "arn:aws:s3:::media/*"
	  }]
	}`)
	req, err := policy.NewRequest("arn:aws:sts::210987654321:assumed-role/etl/job-7",
		"s3:GetObject", "arn:aws:s3:::media/a.jpg", "123456789012", policy.Context{})
	if err != nil {
		panic(err)
	}
	set := &policy.Set{Resource: bucket}
	res := set.Evaluate(req)
	fmt.Println(res.Decision)
	fmt.Println(res.Message(req))

	set.Identity = []*policy.Policy{policy.MustParse("etl-read", policy.IdentityBased, `{
	  "Version": "2012-10-17",
	  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*"}
	}`)}
	fmt.Println(set.Evaluate(req).Decision)
	// Output:
	// ImplicitDeny
	// User: arn:aws:sts::210987654321:assumed-role/etl/job-7 is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::media/a.jpg" because no identity-based policy allows the s3:GetObject action
	// Allowed
}

// Parse errors name the policy, the statement and the element.
func ExampleParse_error() {
	_, err := policy.Parse("uploads", policy.ResourceBased, []byte(`{
	  "Version": "2012-10-17",
	  "Statement": [{"Sid": "OnlyOffice", "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
	    "Resource": "arn:aws:s3:::uploads/*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}]
	}`))
	fmt.Println(err)
	// Output:
	// policy "uploads": statement 0 (Sid "OnlyOffice"): Condition: IpAddress: aws:SourceIp: "10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR block
}

// Explain lists every statement that applied.
func ExampleSet_Explain() {
	set := &policy.Set{
		Identity: []*policy.Policy{policy.MustParse("dev", policy.IdentityBased, `{"Version":"2012-10-17",
		  "Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)},
		Resource: policy.MustParse("bucket policy of media", policy.ResourceBased, `{"Version":"2012-10-17",
		  "Statement":[{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::media/*",
		    "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`),
	}
	req, err := policy.NewRequest("arn:aws:iam::123456789012:user/maria", "s3:GetObject", "arn:aws:s3:::media/a.jpg",
		"123456789012", policy.NewContext(map[string][]string{"aws:SecureTransport": {"false"}}))
	if err != nil {
		panic(err)
	}
	ex := set.Explain(req)
	fmt.Println(ex.Decision, "-", ex.Reason(req.Action))
	for _, m := range ex.Matches {
		fmt.Println(m)
	}
	// Output:
	// ExplicitDeny - with an explicit deny in a resource-based policy
	// Deny by statement 0 (Sid "TLSOnly") of resource-based policy "bucket policy of media"
	// Allow by statement 0 of identity-based policy "dev"
}
