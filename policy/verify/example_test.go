package verify_test

import (
	"context"
	"fmt"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/verify"
)

// A bucket policy gains a statement for public reads of one prefix: the
// check proves it grants new access, with the request that shows it.
func ExampleNoNewAccess() {
	old, _ := policy.Parse("old", policy.ResourceBased, []byte(`{
		"Version": "2012-10-17",
		"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},
			"Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*"}]}`))
	new, _ := policy.Parse("new", policy.ResourceBased, []byte(`{
		"Version": "2012-10-17",
		"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},
			"Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*"},
		{"Sid": "Public", "Effect": "Allow", "Principal": "*",
			"Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/public/*"}]}`))
	res, err := verify.NoNewAccess(context.Background(), []*policy.Policy{old}, []*policy.Policy{new}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Verdict)
	fmt.Println(res.Witness)
	fmt.Println(res.Statements[0].Sid)
	// Output:
	// FAIL
	// anonymous s3:GetObject arn:aws:s3:::media/public/example
	// Public
}

// An identity policy may delete under uploads/ but not under
// uploads/keep/: the check proves the second.
func ExampleAccessNotGranted() {
	p, _ := policy.Parse("app", policy.IdentityBased, []byte(`{
		"Version": "2012-10-17",
		"Statement": [
			{"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::media/uploads/*"},
			{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::media/uploads/keep/*"}]}`))
	ctx := context.Background()
	for _, r := range []string{"arn:aws:s3:::media/uploads/keep/*", "arn:aws:s3:::media/*"} {
		res, err := verify.AccessNotGranted(ctx, []*policy.Policy{p}, verify.Access{Actions: []string{"s3:DeleteObject"}, Resources: []string{r}}, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r, res.Verdict)
	}
	// Output:
	// arn:aws:s3:::media/uploads/keep/* PASS
	// arn:aws:s3:::media/* FAIL
}

// A policy that allows anyone through one VPC endpoint is not public, as
// S3 Block Public Access defines it.
func ExampleNoPublicAccess() {
	p, _ := policy.Parse("bucket policy", policy.ResourceBased, []byte(`{
		"Version": "2012-10-17",
		"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
			"Resource": "arn:aws:s3:::media/*",
			"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}`))
	res, err := verify.NoPublicAccess(context.Background(), p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Verdict)
	// Output: PASS
}
