package main

import (
	"context"
	"os"
	"strings"
)

// s3vet public says whether a bucket policy is public as S3 Block Public
// Access defines it, and why (the policy is an example of the S3 User
// Guide's, in policy/public/testdata).
func Example_public() {
	run(context.Background(), []string{"public", "-f", "../../policy/public/testdata/s3ug-mixed-grants.json"},
		strings.NewReader(""), os.Stdout, os.Stderr)
	// Output:
	// {"public":true,"read":true,"write":false,"reasons":[{"statement":2,"sid":"PublicRead","why":"Principal \"*\" with no condition that fixes the caller","actions":["s3:GetObject"],"read":true,"write":false}]}
}
