package iac_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/iac"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// policyView is a Policy with its documents as strings, for readable diffs.
type policyView struct {
	Location string
	Type     policy.Type
	Bucket   string
	Document string
	Before   string
}

func viewPolicies(ps []iac.Policy) []policyView {
	var out []policyView
	for _, p := range ps {
		out = append(out, policyView{p.Location(), p.Type, p.Bucket, string(p.Document), string(p.Before)})
	}
	return out
}

const (
	sitePolicy   = `{"Version": "2012-10-17", "Statement": [{"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-site-*/*"}]}`
	legacyBefore = `{"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-legacy/*"}]}`
	legacyAfter  = `{"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::acme-legacy/*"}]}`
	appTrust     = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}`
	appInline    = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`
)

var allOn = &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

// TestTerraformPlan reads testdata/plan.json, a plan written by hand in the
// shape of Terraform JSON Output Format (format_version 1.2): a module's
// bucket with split-out resources, a bucket named at apply (bucket_prefix)
// whose resources find it through the configuration's references, an AWS
// provider v3 bucket with inline configuration being updated, a bucket
// being deleted, the account's Block Public Access, and IAM.
func TestTerraformPlan(t *testing.T) {
	src, err := iac.Terraform(readFile(t, "testdata/plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := checks.Snapshot{
		Version: checks.SnapshotVersion,
		Account: checks.Account{ID: "111122223333", PublicAccessBlock: &checks.PublicAccessBlock{
			BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true}},
		Buckets: []checks.Bucket{
			{
				// Created: S3's defaults for a new bucket where the plan
				// says nothing (S3 User Guide, "Setting default server-side
				// encryption behavior for Amazon S3 buckets": SSE-S3).
				Name: "acme-logs", PublicAccessBlock: allOn, ObjectOwnership: "BucketOwnerPreferred",
				Encryption: &checks.Encryption{Algorithm: "AES256"},
				Lifecycle: []checks.LifecycleRule{{ID: "expire", Status: "Enabled", Filter: "logs/", ExpirationDays: 90,
					NoncurrentExpirationDays: 30, AbortIncompleteUploadDays: 7,
					Transitions: []checks.Transition{{Days: 30, StorageClass: "STANDARD_IA"}}}},
				Tags: map[string]string{"team": "platform"},
			},
			{
				Name: "<aws_s3_bucket.site>", Policy: sitePolicy,
				PublicAccessBlock: &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true},
				// S3 User Guide, "Controlling ownership of objects": new
				// buckets get BucketOwnerEnforced.
				ObjectOwnership: "BucketOwnerEnforced",
				Encryption: &checks.Encryption{Algorithm: "aws:kms", BucketKey: true,
					KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
				Versioning: checks.Versioning{Status: "Enabled"},
				Logging:    &checks.Logging{TargetBucket: "acme-logs", TargetPrefix: "site/"},
			},
			{
				// Updated, not created: only what the plan declares.
				Name: "acme-legacy", Region: "eu-west-1", Policy: legacyAfter,
				ACL:        &checks.ACL{Grants: []access.Grant{{Grantee: access.AllUsers, Permission: access.Read}}},
				Encryption: &checks.Encryption{Algorithm: "AES256"},
				Versioning: checks.Versioning{Status: "Enabled"},
				Logging:    &checks.Logging{TargetBucket: "acme-logs", TargetPrefix: "legacy/"},
				Lifecycle:  []checks.LifecycleRule{{ID: "old", Status: "Enabled", Filter: "tmp/", ExpirationDays: 30, AbortIncompleteUploadDays: 3}},
			},
		},
	}
	if diff := cmp.Diff(want, src.Snapshot); diff != "" {
		t.Errorf("snapshot (-want +got):\n%s", diff)
	}
	wantAddr := map[string]string{
		"acme-logs":            "module.logs.aws_s3_bucket.this",
		"<aws_s3_bucket.site>": "aws_s3_bucket.site",
		"acme-legacy":          "aws_s3_bucket.legacy",
	}
	if diff := cmp.Diff(wantAddr, src.Addresses); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
	if src.AccountAddress != "aws_s3_account_public_access_block.this" {
		t.Errorf("account address %q", src.AccountAddress)
	}
	// data.aws_iam_policy_document.site's json is the bucket policy's
	// document: listed once, as the bucket policy.
	wantPolicies := []policyView{
		{"aws_s3_bucket.legacy.policy", policy.ResourceBased, "acme-legacy", legacyAfter, legacyBefore},
		{"aws_s3_bucket_policy.site.policy", policy.ResourceBased, "", sitePolicy, ""},
		{"aws_iam_role.app.assume_role_policy", policy.TrustPolicy, "", appTrust, ""},
		{"aws_iam_role.app.inline_policy[0].policy", policy.IdentityBased, "", appInline, ""},
	}
	if diff := cmp.Diff(wantPolicies, viewPolicies(src.Policies)); diff != "" {
		t.Errorf("policies (-want +got):\n%s", diff)
	}
	wantUnresolved := []iac.Unresolved{
		{"aws_s3_bucket.site", "bucket", "the bucket's name is known only after apply (bucket_prefix, or a name Terraform generates)"},
		{"aws_s3_bucket_versioning.site", "versioning_configuration[0].mfa_delete", "known only after apply: judged as not enabled"},
		{"aws_iam_role_policy.app_read", "policy", "known only after apply"},
	}
	if diff := cmp.Diff(wantUnresolved, src.Unresolved); diff != "" {
		t.Errorf("unresolved (-want +got):\n%s", diff)
	}
	// The findings of the planned world are located at their resources.
	var located bool
	for _, f := range checks.Run(&src.Snapshot, checks.Options{}) {
		if f.Check == "S3.2" && src.Locate(&f) == "aws_s3_bucket.site" {
			located = true
		}
	}
	if !located {
		t.Error("no S3.2 (public read) finding located at aws_s3_bucket.site")
	}
}

// tfPlan wraps resource_changes in a plan of format_version 1.2.
func tfPlan(changes string) []byte {
	return []byte(`{"format_version": "1.2", "resource_changes": [` + changes + `]}`)
}

// TestTerraformRules checks one rule at a time, each from Terraform JSON
// Output Format ("Change Representation", "Values Representation") or the
// Terraform AWS provider's documentation of the resource.
func TestTerraformRules(t *testing.T) {
	t.Run("a deleted resource is not planned", func(t *testing.T) {
		src, err := iac.Terraform(tfPlan(`{"address": "aws_s3_bucket.a", "mode": "managed", "type": "aws_s3_bucket", "name": "a",
			"change": {"actions": ["delete"], "before": {"bucket": "a"}, "after": null}}`))
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Snapshot.Buckets) != 0 {
			t.Errorf("buckets %v, want none", src.Snapshot.Buckets)
		}
	})
	t.Run("a replaced policy keeps its before", func(t *testing.T) {
		src, err := iac.Terraform(tfPlan(`{"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
			"change": {"actions": ["delete", "create"], "before": {"policy": "{\"old\":1}"}, "after": {"policy": "{\"new\":1}"}, "after_unknown": {}}}`))
		if err != nil {
			t.Fatal(err)
		}
		want := []policyView{{"aws_iam_policy.p.policy", policy.IdentityBased, "", `{"new":1}`, `{"old":1}`}}
		if diff := cmp.Diff(want, viewPolicies(src.Policies)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("an unknown bucket policy is not guessed", func(t *testing.T) {
		src, err := iac.Terraform(tfPlan(`{"address": "aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "p",
			"change": {"actions": ["create"], "before": null, "after": {"bucket": "b"}, "after_unknown": {"policy": true, "id": true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Policies) != 0 {
			t.Errorf("policies %v, want none", src.Policies)
		}
		want := []checks.ReadError{{Call: "GetBucketPolicy", Code: "Unresolved", Message: "the policy of aws_s3_bucket_policy.p is known only after apply"}}
		if diff := cmp.Diff(want, src.Snapshot.Buckets[0].Errors); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
	})
	t.Run("an unknown policy is named among the unresolved policies", func(t *testing.T) {
		src, err := iac.Terraform(tfPlan(`{"address": "aws_iam_user_policy.u", "mode": "managed", "type": "aws_iam_user_policy", "name": "u",
			"change": {"actions": ["update"], "before": {"policy": "{}"}, "after": {}, "after_unknown": {"policy": true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		want := []policyView{{"aws_iam_user_policy.u.policy", policy.IdentityBased, "", "", ""}}
		if diff := cmp.Diff(want, viewPolicies(src.UnresolvedPolicies)); diff != "" || len(src.Policies) != 0 {
			t.Errorf("unresolved policies (-want +got):\n%s\npolicies %v", diff, viewPolicies(src.Policies))
		}
	})
	t.Run("user and group policies are identity-based", func(t *testing.T) {
		// Terraform AWS provider: aws_iam_user_policy, aws_iam_group_policy.
		src, err := iac.Terraform(tfPlan(`{"address": "aws_iam_user_policy.u", "mode": "managed", "type": "aws_iam_user_policy", "name": "u",
			"change": {"actions": ["create"], "before": null, "after": {"policy": "{\"u\":1}"}, "after_unknown": {}}},
			{"address": "aws_iam_group_policy.g", "mode": "managed", "type": "aws_iam_group_policy", "name": "g",
			"change": {"actions": ["update"], "before": {"policy": "{\"g\":0}"}, "after": {"policy": "{\"g\":1}"}, "after_unknown": {}}}`))
		if err != nil {
			t.Fatal(err)
		}
		want := []policyView{
			{"aws_iam_user_policy.u.policy", policy.IdentityBased, "", `{"u":1}`, ""},
			{"aws_iam_group_policy.g.policy", policy.IdentityBased, "", `{"g":1}`, `{"g":0}`},
		}
		if diff := cmp.Diff(want, viewPolicies(src.Policies)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("a data source's document has no before", func(t *testing.T) {
		plan := `{"format_version": "1.2", "resource_changes": [], "prior_state": {"values": {"root_module": {"resources": [
			{"address": "data.aws_iam_policy_document.kms", "mode": "data", "type": "aws_iam_policy_document", "name": "kms",
			 "values": {"json": "{\"Statement\":[]}"}}]}}}}`
		src, err := iac.Terraform([]byte(plan))
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Policies) != 1 || !src.Policies[0].DataSource || src.Policies[0].Before != nil {
			t.Errorf("policies %+v, want one data source without a before", src.Policies)
		}
	})
	t.Run("aws_s3_bucket_acl gives the bucket its grants", func(t *testing.T) {
		// Terraform AWS provider: aws_s3_bucket_acl; S3 User Guide,
		// "Access control list (ACL) overview" (Canned ACL: public-read).
		src, err := iac.Terraform(tfPlan(`{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
			"change": {"actions": ["create"], "before": null, "after": {"bucket": "b"}, "after_unknown": {}}},
			{"address": "aws_s3_bucket_acl.b", "mode": "managed", "type": "aws_s3_bucket_acl", "name": "b",
			"change": {"actions": ["create"], "before": null, "after": {"bucket": "b", "acl": "public-read"}, "after_unknown": {}}}`))
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Snapshot.Buckets) != 1 || src.Snapshot.Buckets[0].ACL == nil {
			t.Fatalf("buckets %+v, want b with an ACL", src.Snapshot.Buckets)
		}
		want, err := access.CannedACL("public-read", "")
		if err != nil {
			t.Fatal(err)
		}
		var others []access.Grant
		for _, g := range want {
			if g.Grantee != "" {
				others = append(others, g)
			}
		}
		if diff := cmp.Diff(others, src.Snapshot.Buckets[0].ACL.Grants); diff != "" || len(others) == 0 {
			t.Errorf("grants (-want +got):\n%s", diff)
		}
	})
	t.Run("a bucket policy of a bucket the plan does not show is still a policy", func(t *testing.T) {
		src, err := iac.Terraform(tfPlan(`{"address": "module.perms.aws_s3_bucket_policy.this", "module_address": "module.perms", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "this",
			"change": {"actions": ["create"], "before": null, "after": {"policy": "{\"p\":1}"}, "after_unknown": {"bucket": true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		want := []policyView{{"module.perms.aws_s3_bucket_policy.this.policy", policy.ResourceBased, "", `{"p":1}`, ""}}
		if diff := cmp.Diff(want, viewPolicies(src.Policies)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("a v3 inline policy that differs from the bucket policy resource is kept", func(t *testing.T) {
		// AWS provider v3: aws_s3_bucket's policy argument and
		// aws_s3_bucket_policy both manage the bucket's policy.
		changes := `{"address": "aws_s3_bucket.data", "mode": "managed", "type": "aws_s3_bucket", "name": "data",
			"change": {"actions": ["update"], "before": {"bucket": "data", "policy": "{\"v\":0}"}, "after": {"bucket": "data", "policy": "{\"v\":2}"}, "after_unknown": {}}},
			{"address": "aws_s3_bucket_policy.data", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "data",
			"change": {"actions": ["no-op"], "before": {"bucket": "data", "policy": "{\"v\":0}"}, "after": {"bucket": "data", "policy": "{\"v\":0}"}, "after_unknown": {}}}`
		config := func(expr string) string {
			return `, "configuration": {"root_module": {"resources": [{"mode": "managed", "type": "aws_s3_bucket", "name": "data", "expressions": {"bucket": {"constant_value": "data"}` + expr + `}}]}}`
		}
		for _, tc := range []struct {
			name, config string
			want         []string
		}{
			{"configured", config(`, "policy": {"references": ["data.aws_iam_policy_document.p.json"]}`), []string{"aws_s3_bucket.data.policy", "aws_s3_bucket_policy.data.policy"}},
			{"computed (provider v4)", config(""), []string{"aws_s3_bucket_policy.data.policy"}},
		} {
			src, err := iac.Terraform([]byte(`{"format_version": "1.2", "resource_changes": [` + changes + `]` + tc.config + `}`))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range src.Policies {
				got = append(got, p.Location())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, diff)
			}
		}
	})
	t.Run("identity policies name their identity, and deleted ones are kept", func(t *testing.T) {
		// Terraform AWS provider: aws_iam_role_policy.role,
		// aws_iam_user_policy.user, aws_iam_role.name (inline_policy).
		src, err := iac.Terraform(tfPlan(`{"address": "aws_iam_user_policy.u", "mode": "managed", "type": "aws_iam_user_policy", "name": "u",
			"change": {"actions": ["create"], "before": null, "after": {"user": "alice", "policy": "{}"}, "after_unknown": {}}},
			{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
			"change": {"actions": ["create"], "before": null, "after": {"name": "app", "assume_role_policy": "{}", "inline_policy": [{"name": "i", "policy": "{}"}]}, "after_unknown": {}}},
			{"address": "aws_iam_role_policy.gone", "mode": "managed", "type": "aws_iam_role_policy", "name": "gone",
			"change": {"actions": ["delete"], "before": {"role": "app", "policy": "{\"d\":1}"}, "after": null}}`))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, p := range src.Policies {
			got[p.Location()] = p.Identities
		}
		want := map[string][]string{"aws_iam_user_policy.u.policy": {"user/alice"}, "aws_iam_role.r.assume_role_policy": nil, "aws_iam_role.r.inline_policy[0].policy": {"role/app"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("identities (-want +got):\n%s", diff)
		}
		if len(src.Removed) != 1 || src.Removed[0].Location() != "aws_iam_role_policy.gone.policy" || string(src.Removed[0].Before) != `{"d":1}` ||
			!cmp.Equal(src.Removed[0].Identities, []string{"role/app"}) {
			t.Errorf("removed %+v", src.Removed)
		}
		var sets []string
		for _, set := range iac.IdentitySets(src, nil) {
			for _, d := range set.Old {
				sets = append(sets, set.Identity+" old "+d.Location)
			}
			for _, d := range set.New {
				sets = append(sets, set.Identity+" new "+d.Location)
			}
		}
		wantSets := []string{"role/app old aws_iam_role_policy.gone.policy (deleted)", "role/app new aws_iam_role.r.inline_policy[0].policy", "user/alice new aws_iam_user_policy.u.policy"}
		if diff := cmp.Diff(wantSets, sets); diff != "" {
			t.Errorf("identity sets (-want +got):\n%s", diff)
		}
	})
	t.Run("a bucket of count found by the same index", func(t *testing.T) {
		plan := `{"format_version": "1.2", "resource_changes": [
			{"address": "aws_s3_bucket.b[0]", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": 0,
			 "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true}}},
			{"address": "aws_s3_bucket.b[1]", "mode": "managed", "type": "aws_s3_bucket", "name": "b", "index": 1,
			 "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true}}},
			{"address": "aws_s3_bucket_ownership_controls.o[1]", "mode": "managed", "type": "aws_s3_bucket_ownership_controls", "name": "o", "index": 1,
			 "change": {"actions": ["create"], "before": null, "after": {"rule": [{"object_ownership": "ObjectWriter"}]}, "after_unknown": {"bucket": true}}}],
			"configuration": {"root_module": {"resources": [{"mode": "managed", "type": "aws_s3_bucket_ownership_controls", "name": "o",
			 "expressions": {"bucket": {"references": ["aws_s3_bucket.b[count.index].id", "aws_s3_bucket.b"]}}}]}}}`
		src, err := iac.Terraform([]byte(plan))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, b := range src.Snapshot.Buckets {
			got[b.Name] = b.ObjectOwnership
		}
		want := map[string]string{"<aws_s3_bucket.b[0]>": "BucketOwnerEnforced", "<aws_s3_bucket.b[1]>": "ObjectWriter"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("a bucket-level resource of no known bucket is unresolved", func(t *testing.T) {
		src, err := iac.Terraform(tfPlan(`{"address": "aws_s3_bucket_versioning.v", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "v",
			"change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true}}}`))
		if err != nil {
			t.Fatal(err)
		}
		if len(src.Snapshot.Buckets) != 0 || len(src.Unresolved) != 1 || src.Unresolved[0].Path != "bucket" {
			t.Errorf("buckets %v, unresolved %v", src.Snapshot.Buckets, src.Unresolved)
		}
	})
	t.Run("a state is read as planned values", func(t *testing.T) {
		state := `{"format_version": "1.0", "values": {"root_module": {"child_modules": [{"address": "module.m", "resources": [
			{"address": "module.m.aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "p",
			 "values": {"bucket": "b", "policy": "{\"Statement\":[]}"}}]}]}}}`
		src, err := iac.Terraform([]byte(state))
		if err != nil {
			t.Fatal(err)
		}
		want := []policyView{{"module.m.aws_s3_bucket_policy.p.policy", policy.ResourceBased, "b", `{"Statement":[]}`, `{"Statement":[]}`}}
		if diff := cmp.Diff(want, viewPolicies(src.Policies)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

func TestTerraformErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{``, "unexpected end of JSON input"},
		{`[]`, "cannot unmarshal array"},
		{`{}`, "no format_version"},
		// Terraform JSON Output Format: "Reject any input which reports an
		// unsupported major version."
		{`{"format_version": "2.0"}`, `format_version "2.0"`},
		{`{"format_version": "1.0", "resource_changes": {}}`, "cannot unmarshal object"},
	} {
		_, err := iac.Terraform([]byte(tt.in))
		if err == nil || !errors.Is(err, iac.ErrInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Terraform(%q) = %v, want an ErrInput saying %q", tt.in, err, tt.want)
		}
	}
}
