package lint_test

import (
	"fmt"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/lint"
)

// A bucket policy with three common mistakes: s3:GetObject granted on the
// bucket rather than its objects, a wildcard inside a principal ARN, and
// s3:PutBucketPolicy open to everyone.
func Example() {
	doc := []byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "Read", "Effect": "Allow",
	     "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
	     "Action": ["s3:GetObject", "s3:ListBucket"],
	     "Resource": "arn:aws:s3:::media"},
	    {"Sid": "Apps", "Effect": "Allow",
	     "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-*"},
	     "Action": "s3:PutObject",
	     "Resource": "arn:aws:s3:::media/*"},
	    {"Sid": "Admin", "Effect": "Allow", "Principal": "*",
	     "Action": "s3:PutBucketPolicy",
	     "Resource": "arn:aws:s3:::media"}
	  ]
	}`)
	findings, err := lint.Check(policy.ResourceBased, doc, lint.Options{Account: "111122223333"})
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Println(f.Severity, f.Code, f.Statement, f.Element)
	}
	fmt.Println(lint.HasErrors(findings))
	// Output:
	// ERROR RESOURCE_ARN_MISMATCH 0 Action
	// ERROR UNSUPPORTED_WILDCARD_IN_PRINCIPAL 1 Principal: AWS
	// SECURITY_WARNING PUBLIC_PERMISSIONS_MANAGEMENT 2 Action
	// true
}

// Lint a policy already parsed.
func ExamplePolicy() {
	p := policy.MustParse("etl", policy.IdentityBased, `{
	  "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::media/*"}]
	}`)
	for _, f := range lint.Policy(p, lint.Options{}) {
		fmt.Println(f)
	}
	// Output:
	// WARNING MISSING_VERSION policy: Version: We recommend that you specify the Version element ("Version": "2012-10-17"): without it, the policy is read as Version 2008-10-17, where policy variables such as ${aws:username} are literal text.
	// ERROR INVALID_ACTION statement 0: Action: The action s3:GetObjects does not exist. Did you mean s3:GetObject?
}
