package iac_test

import (
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
