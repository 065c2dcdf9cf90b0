package iac_test

import (
	"fmt"
	"os"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/iac"
)

// Judge the buckets a Terraform plan creates, before it is applied, and
// say which resource each finding is about.
func ExampleTerraform() {
	plan, err := os.ReadFile("testdata/plan.json") // terraform show -json plan.out > plan.json
	if err != nil {
		fmt.Println(err)
		return
	}
	src, err := iac.Terraform(plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range checks.Run(&src.Snapshot, checks.Options{Only: []string{"S3.2", "S3.8"}}) {
		fmt.Printf("%s %s: %s\n", f.Check, src.Locate(&f), f.Title)
	}
	for _, p := range src.Policies {
		fmt.Printf("%s (%s)\n", p.Location(), p.Type)
	}
	for _, u := range src.Unresolved {
		fmt.Println("unresolved:", u)
	}
	// Output:
	// S3.2 aws_s3_bucket.site: S3 general purpose buckets should block public read access
	// S3.8 aws_s3_bucket.site: S3 general purpose buckets should block public access
	// S3.8 aws_s3_bucket.legacy: S3 general purpose buckets should block public access
	// aws_s3_bucket.legacy.policy (resource-based policy)
	// aws_s3_bucket_policy.site.policy (resource-based policy)
	// aws_iam_role.app.assume_role_policy (role trust policy)
	// aws_iam_role.app.inline_policy[0].policy (identity-based policy)
	// unresolved: aws_s3_bucket.site.bucket: the bucket's name is known only after apply (bucket_prefix, or a name Terraform generates)
	// unresolved: aws_s3_bucket_versioning.site.versioning_configuration[0].mfa_delete: known only after apply: judged as not enabled
	// unresolved: aws_iam_role_policy.app_read.policy: known only after apply
}

// Read a CloudFormation template with its parameters, and list its policy
// documents and what only a deployment could resolve.
func ExampleCloudFormation() {
	tmpl := []byte(`
Parameters:
  Env: {Type: String, Default: dev}
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub acme-site-${Env}
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub ${Site.Arn}/*
  Deployer:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !ImportValue ci-role-arn}
            Action: sts:AssumeRole
`)
	src, err := iac.CloudFormation(tmpl, map[string]string{"Env": "prod"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range src.Policies {
		fmt.Printf("%s (%s) %s\n", p.Location(), p.Type, p.Document)
	}
	for _, u := range src.Unresolved {
		fmt.Println("unresolved:", u)
	}
	// A new bucket has S3's default Block Public Access: all four on.
	fmt.Println(len(checks.Run(&src.Snapshot, checks.Options{Only: []string{"S3.2"}})), "public read findings")
	// Output:
	// SitePolicy.Properties.PolicyDocument (resource-based policy) {"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::acme-site-prod/*"}],"Version":"2012-10-17"}
	// unresolved: Deployer.Properties.AssumeRolePolicyDocument.Statement[0].Principal.AWS.Fn::ImportValue: Fn::ImportValue: the export of another stack, known only at deployment
	// 0 public read findings
}
