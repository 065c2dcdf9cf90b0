package public_test

import (
	"fmt"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// A bucket policy that lets a partner account read, lets anyone inside a
// VPC endpoint write, and lets anyone at all list the bucket: only the
// last statement makes it public.
func Example() {
	p := policy.MustParse("bucket policy of media", policy.ResourceBased, `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "111122223333"},
	     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*"},
	    {"Sid": "FromVpce", "Effect": "Allow", "Principal": "*",
	     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::media/*",
	     "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
	    {"Sid": "Listing", "Effect": "Allow", "Principal": "*",
	     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
	     "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}}
	  ]
	}`)
	res := public.Analyze(p)
	fmt.Println("public:", res.Public, "read:", res.Read, "write:", res.Write)
	for _, r := range res.Reasons {
		fmt.Printf("statement %d (%s): %s %v\n", r.Statement, r.Sid, r.Why, r.Actions)
	}
	r, _ := public.Statement(p, 1)
	fmt.Println("statement 1:", r.Why)
	// Output:
	// public: true read: true write: false
	// statement 2 (Listing): Principal "*" with no condition that fixes the caller: aws:SourceIp 0.0.0.0/1 is broader than /8 [s3:ListBucket]
	// statement 1: Principal "*", but StringEquals on aws:SourceVpce "vpce-1a2b3c4d" fixes the caller
}
