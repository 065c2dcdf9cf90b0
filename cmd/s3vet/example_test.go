package main

import (
	"context"
	"os"
	"strings"
)

// s3vet public says whether a bucket policy is public as S3 Block Public
// Access defines it, and why (the policy is an example of the S3 User
// Guide's, in policy/public/testdata). It exits 1, as the policy is public.
func Example_public() {
	run(context.Background(), []string{"public", "-f", "../../policy/public/testdata/s3ug-mixed-grants.json"},
		strings.NewReader(""), os.Stdout, os.Stderr)
	// Output:
	// ../../policy/public/testdata/s3ug-mixed-grants.json: public read
	//   statement 2 (Sid "PublicRead"): Principal "*" with no condition that fixes the caller; grants s3:GetObject
}

// With --json, s3vet public prints the same answer as one JSON object.
func Example_publicJSON() {
	run(context.Background(), []string{"public", "--json", "-f", "../../policy/public/testdata/s3ug-mixed-grants.json"},
		strings.NewReader(""), os.Stdout, os.Stderr)
	// Output:
	// {"public":true,"read":true,"write":false,"reasons":[{"statement":2,"sid":"PublicRead","why":"Principal \"*\" with no condition that fixes the caller","actions":["s3:GetObject"],"read":true,"write":false}]}
}
