package s3vet_test

import (
	"fmt"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// One bucket policy, three questions: is it public (package policy/public)?
// Can this principal read, and why not (package simulate, which applies
// package policy and S3's own rules of package policy/access)?
func Example() {
	const bucketPolicy = `{"Version": "2012-10-17", "Statement": [
	  {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}]}`

	p := policy.MustParse("bucket policy of site", policy.ResourceBased, bucketPolicy)
	fmt.Println("public:", public.Analyze(p).Public)

	w := &simulate.World{}
	w.AddAccount("111122223333").AddBucket("site", bucketPolicy) // Block Public Access on, as for any new bucket
	sim, err := simulate.New(w)
	if err != nil {
		panic(err)
	}
	d, err := sim.Authorize("anonymous", &s3op.Request{Operation: "GetObject", Bucket: "site", Key: "index.html"})
	if err != nil {
		panic(err)
	}
	fmt.Println("anonymous may read:", d.Allowed)
	fmt.Println(d.Explained)
	// Output:
	// public: true
	// anonymous may read: false
	// User: anonymous is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::site/index.html" because public access is restricted by the RestrictPublicBuckets block public access setting
}
