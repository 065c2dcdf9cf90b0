package access_test

import (
	"fmt"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// A public bucket policy, and Block Public Access turned on for the
// account: anonymous callers are refused.
func ExampleDecide() {
	bucketPolicy := policy.MustParse("bucket policy of site", policy.ResourceBased, `{"Version":"2012-10-17",
	  "Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)
	req, err := policy.NewRequest("anonymous", "s3:GetObject", "arn:aws:s3:::site/index.html", "111122223333", policy.Context{})
	if err != nil {
		panic(err)
	}
	set := &policy.Set{Resource: bucketPolicy}
	state := &access.State{BucketOwner: "111122223333"}
	d, _ := access.Decide(set, access.Request{Request: req}, state)
	fmt.Println(d.Decision)

	state.AccountPublicAccessBlock = &access.PublicAccessBlock{RestrictPublicBuckets: true}
	d, _ = access.Decide(set, access.Request{Request: req}, state)
	fmt.Println(d.Decision, d.Reason(req.Action))
	// Output:
	// Allowed
	// ImplicitDeny because public access is restricted by the RestrictPublicBuckets block public access setting
}
