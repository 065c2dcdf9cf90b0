package checks_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/s3vet/s3vet/checks"
)

// A snapshot read offline, judged by two checks.
func Example() {
	s := &checks.Snapshot{
		Version: checks.SnapshotVersion,
		Account: checks.Account{ID: "111122223333"},
		Buckets: []checks.Bucket{{
			Name:   "website",
			Region: "us-east-1",
			Policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow",
			  "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::website/*"}]}`,
		}},
	}
	fs := checks.Run(s, checks.Options{Only: []string{"S3.2", "S3.5"}})
	for _, f := range fs {
		fmt.Printf("%s %s %s\n", f.Severity, f.Check, f.Resource)
		fmt.Println(" ", f.Evidence)
	}
	fmt.Println(strings.SplitN(fs[1].Fix, ": ", 2)[0])
	// Output:
	// CRITICAL S3.2 arn:aws:s3:::website
	//   statement 0 (Sid "PublicRead"): {"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}: Principal "*" with no condition that fixes the caller; grants s3:GetObject
	// MEDIUM S3.5 arn:aws:s3:::website
	//   no statement of the bucket policy denies requests by aws:SecureTransport
	// Add this statement to the bucket policy (PutBucketPolicy)
}

// A caller's own check, run beside the built-in ones.
func ExampleRegistry_Add() {
	r := checks.NewRegistry()
	err := r.Add(checks.Check{
		ID: "acme-owner-tag", Title: "Buckets should name their owner", Severity: checks.Low,
		Why: "Someone must answer for every bucket.",
		Fix: "aws s3api put-bucket-tagging --bucket {bucket} --tagging 'TagSet=[{Key=owner,Value=TEAM}]'",
		Bucket: func(t *checks.Target) []checks.Issue {
			if t.Bucket.Tags["owner"] == "" {
				return []checks.Issue{{Evidence: "no owner tag"}}
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	s := &checks.Snapshot{Version: 1, Account: checks.Account{ID: "111122223333"}, Buckets: []checks.Bucket{{Name: "logs"}}}
	for _, f := range r.Run(s, checks.Options{Only: []string{"acme-owner-tag"}}) {
		fmt.Println(f.Check, f.Bucket, f.Evidence)
		fmt.Println(f.Fix)
	}
	// Output:
	// acme-owner-tag logs no owner tag
	// aws s3api put-bucket-tagging --bucket logs --tagging 'TagSet=[{Key=owner,Value=TEAM}]'
}

// Findings as a table for people.
func ExampleWriteTable() {
	s := &checks.Snapshot{Version: 1, Account: checks.Account{ID: "111122223333"}, Buckets: []checks.Bucket{{
		Name: "archive", Versioning: checks.Versioning{Status: "Suspended"},
	}}}
	fs := checks.Run(s, checks.Options{Only: []string{"S3.14", "S3.20"}})
	if err := checks.WriteTable(os.Stdout, checks.NewReport(s, fs)); err != nil {
		panic(err)
	}
	// Output:
	// SEVERITY  CHECK  RESOURCE  FINDING                                                    EVIDENCE
	// LOW       S3.14  archive   S3 general purpose buckets should have versioning enabled  versioning is Suspended
	// LOW       S3.20  archive   S3 general purpose buckets should have MFA delete enabled  MFA Delete is not configured (versioning Suspended)
	// 2 findings: 2 low in 1 bucket of account 111122223333
}

// An access point judged offline: its own Block Public Access settings
// (S3.19), and its policy as S3 judges access point policies.
func Example_accessPoint() {
	s := &checks.Snapshot{Version: 1, Account: checks.Account{ID: "111122223333", AccessPoints: []checks.AccessPoint{{
		Name: "partners", Region: "us-east-1", Bucket: "exports", NetworkOrigin: "Internet",
		PublicAccessBlock: &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true},
		Policy: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
		  "Resource": "arn:aws:s3:us-east-1:111122223333:accesspoint/partners/object/*"}]}`,
	}}}}
	for _, f := range checks.Run(s, checks.Options{Only: []string{"S3.19", "access-point-public"}}) {
		fmt.Printf("%s %s %s\n", f.Severity, f.Check, f.Resource)
	}
	// Output:
	// CRITICAL S3.19 arn:aws:s3:us-east-1:111122223333:accesspoint/partners
	// CRITICAL access-point-public arn:aws:s3:us-east-1:111122223333:accesspoint/partners
}
