package simulate_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/simulate"
)

// aclWorld has a bucket with ACLs enabled and Block Public Access off.
func aclWorld() (*simulate.World, string) {
	w := &simulate.World{}
	a := w.AddAccount("111111111111")
	b := a.AddBucket("acls").AddObject("k", "v")
	b.ObjectOwnership = access.BucketOwnerPreferred
	b.PublicAccessBlock = &access.PublicAccessBlock{}
	return w, a.ARN()
}

// The simulator compiles ACLs and judges bucket policies once (policy/
// access's Cache), yet every change of an ACL, of Block Public Access or of
// the bucket policy changes the next decision.
func TestDecisionsFollowChanges(t *testing.T) {
	w, owner := aclWorld()
	srv := simulate.NewTestServer(t, w)
	ctx := context.Background()
	root, anonymous := srv.Client(owner), srv.Client(anon)
	canGet := func(step string, want bool) {
		t.Helper()
		_, err := get(ctx, anonymous, "acls", "k")
		if got := err == nil; got != want {
			t.Fatalf("%s: anonymous GetObject allowed %v, want %v (%v)", step, got, want, err)
		}
	}
	canList := func(step string, want bool) {
		t.Helper()
		_, err := anonymous.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("acls")})
		if got := err == nil; got != want {
			t.Fatalf("%s: anonymous ListObjectsV2 allowed %v, want %v (%v)", step, got, want, err)
		}
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	objectACL := func(acl types.ObjectCannedACL) {
		t.Helper()
		must(root.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("acls"), Key: aws.String("k"), ACL: acl}))
	}
	pab := func(c types.PublicAccessBlockConfiguration) {
		t.Helper()
		must(root.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("acls"), PublicAccessBlockConfiguration: &c}))
	}

	canGet("private object", false)
	objectACL(types.ObjectCannedACLPublicRead)
	canGet("public-read object ACL", true)
	canGet("public-read object ACL, again", true)
	pab(types.PublicAccessBlockConfiguration{IgnorePublicAcls: aws.Bool(true)})
	canGet("IgnorePublicAcls", false)
	pab(types.PublicAccessBlockConfiguration{})
	canGet("IgnorePublicAcls off", true)
	objectACL(types.ObjectCannedACLPrivate)
	canGet("private again", false)

	canList("private bucket", false)
	must(root.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acls"), ACL: types.BucketCannedACLPublicRead}))
	canList("public-read bucket ACL", true)
	must(root.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String("acls"),
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}))
	canList("ObjectWriter", true)
	must(root.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acls"), ACL: types.BucketCannedACLPrivate}))
	canList("private bucket again", false)

	// RestrictPublicBuckets judges the policy in force, not one before it.
	const public = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acls/*"}]}`
	must(root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("acls"), Policy: aws.String(public)}))
	canGet("public bucket policy", true)
	pab(types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)})
	canGet("RestrictPublicBuckets", false)
	must(root.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String("acls")}))
	pab(types.PublicAccessBlockConfiguration{})
	canGet("no bucket policy", false)
	must(root.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("acls"), Policy: aws.String(public)}))
	canGet("public bucket policy again", true)
}

// Readers decide while the owner flips the object's ACL (run with -race):
// each answer is one of the two the ACL allows, never an error.
func TestDecisionsConcurrentWithChanges(t *testing.T) {
	w, owner := aclWorld()
	srv := simulate.NewTestServer(t, w)
	ctx := context.Background()
	root := srv.Client(owner)
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			c := srv.Client(anon)
			for range 20 {
				if _, err := get(ctx, c, "acls", "k"); err != nil {
					if code, _, _ := apiError(t, err); code != "AccessDenied" {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	for i := range 20 {
		acl := types.ObjectCannedACLPublicRead
		if i%2 == 1 {
			acl = types.ObjectCannedACLPrivate
		}
		if _, err := root.PutObjectAcl(ctx, &s3.PutObjectAclInput{Bucket: aws.String("acls"), Key: aws.String("k"), ACL: acl}); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if _, err := get(ctx, srv.Client(anon), "acls", "k"); err == nil {
		t.Error("anonymous read after the last ACL, private: allowed")
	}
}
