package iac_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/iac"
)

// FuzzTerraform: no input panics, and a plan that reads gives a source
// whose buckets all have an address.
func FuzzTerraform(f *testing.F) {
	f.Add(readFile(f, "testdata/plan.json"))
	f.Add(tfPlan(`{"address": "aws_s3_bucket.b[0]", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": 0,
		"change": {"actions": ["create"], "before": null, "after": {"versioning": [{"enabled": true}]}, "after_unknown": {"bucket": true}}}`))
	f.Add([]byte(`{"format_version": "1.0", "values": {"root_module": {"resources": [{"mode": "managed", "type": "aws_s3_bucket_acl", "values": {"bucket": "b", "access_control_policy": [{"grant": [{"grantee": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}], "permission": "READ"}]}]}}]}}}`))
	f.Fuzz(func(t *testing.T, plan []byte) {
		src, err := iac.Terraform(plan)
		if err != nil {
			return
		}
		for _, b := range src.Snapshot.Buckets {
			if src.Addresses[b.Name] == "" {
				t.Errorf("bucket %q has no address", b.Name)
			}
		}
	})
}

// FuzzCloudFormation: no template panics, JSON or YAML, and every policy
// it gives is JSON.
func FuzzCloudFormation(f *testing.F) {
	f.Add(readFile(f, "testdata/template.yaml"), "Env=prod")
	f.Add(readFile(f, "testdata/template.json"), "AWS::AccountId=111122223333")
	f.Add([]byte("Conditions: {C: !Or [!Condition C, !Equals [!Ref AWS::Region, x]]}\nResources: {B: {Type: AWS::S3::Bucket, Condition: C}}"), "")
	f.Add([]byte("x: &a [*a, *a]\nResources: {}"), "")
	f.Fuzz(func(t *testing.T, template []byte, param string) {
		k, v, _ := strings.Cut(param, "=")
		src, err := iac.CloudFormation(template, map[string]string{k: v})
		if err != nil {
			return
		}
		for _, p := range src.Policies {
			if len(p.Document) == 0 {
				t.Errorf("%s: empty document", p.Location())
			}
		}
	})
}
