package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const iacFixtures = "../../iac/testdata/"

// TestScanTerraformJSON: scan --terraform judges the planned world
// offline; each finding names the resource address of its bucket, and
// what the plan leaves unknown is listed, and printed as notes, without
// failing the scan or making read-error findings.
func TestScanTerraformJSON(t *testing.T) {
	code, out, errOut := scan(t, "--terraform", iacFixtures+"plan.json", "--format", "json", "--only", "S3.2,S3.14,read-error")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct {
		Findings   []struct{ Check, Bucket, Location string }
		Unresolved []struct{ Address, Path, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	type loc struct{ Check, Bucket, Location string }
	var got []loc
	for _, f := range r.Findings {
		got = append(got, loc(f))
	}
	want := []loc{
		{"S3.14", "acme-logs", "module.logs.aws_s3_bucket.this"},
		{"S3.2", "<aws_s3_bucket.site>", "aws_s3_bucket.site"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(r.Unresolved) != 3 || r.Unresolved[2].Address != "aws_iam_role_policy.app_read" {
		t.Errorf("unresolved %+v", r.Unresolved)
	}
	if !strings.Contains(errOut, "s3vet scan: note: unresolved: aws_iam_role_policy.app_read.policy: known only after apply\n") {
		t.Errorf("stderr:\n%s", errOut)
	}
	// --fail-on still decides the exit status.
	if code, _, _ := scan(t, "--terraform", iacFixtures+"plan.json", "--fail-on", "critical"); code != 1 {
		t.Errorf("--fail-on critical: exit %d, want 1 (S3.2 of aws_s3_bucket.site)", code)
	}
}

// TestScanCloudFormationSARIF: a template's findings are located in the
// template (physicalLocation) and at the resource's logical ID (a
// logicalLocation, beside the bucket's ARN).
func TestScanCloudFormationSARIF(t *testing.T) {
	code, out, errOut := scan(t, "--cloudformation", iacFixtures+"template.yaml", "--parameter", "Env=test", "--format", "sarif", "--only", "S3.2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	log := readSARIF(t, out)
	res := log.Runs[0].Results[0]
	if res.RuleID != "S3.2" || len(res.Locations) != 1 {
		t.Fatalf("%+v", res)
	}
	l := res.Locations[0]
	if l.PhysicalLocation == nil || l.PhysicalLocation.ArtifactLocation.URI != "../../iac/testdata/template.yaml" {
		t.Errorf("physical location %+v", l.PhysicalLocation)
	}
	var names []string
	for _, ll := range l.LogicalLocations {
		names = append(names, ll.FullyQualifiedName)
	}
	if diff := cmp.Diff([]string{"arn:aws:s3:::acme-data-test", "DataBucket"}, names); diff != "" {
		t.Errorf("logical locations (-want +got):\n%s", diff)
	}
}

func TestScanIaCErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format_version": "2.0"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--terraform", "a.json", "--snapshot", "b.json"}, "cannot go together"},
		{[]string{"--terraform", "a.json", "--cloudformation", "b.yaml"}, "cannot go together"},
		{[]string{"--terraform", iacFixtures + "plan.json", "--parameter", "A=b"}, "--parameter goes with --cloudformation"},
		{[]string{"--cloudformation", iacFixtures + "template.yaml", "--parameter", "A"}, `"A" is not NAME=VALUE`},
		{[]string{"--terraform", bad}, bad + `: terraform plan: not a valid input: format_version "2.0" (want 1.x)`},
		{[]string{"--terraform", filepath.Join(t.TempDir(), "none.json")}, "no such file"},
	} {
		code, _, errOut := scan(t, tt.args...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("scan %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}

// TestLintTerraform: lint --terraform lints every policy of the plan, each
// finding prefixed with where its document is; a role's trust policy and
// what is unknown until apply are notes.
func TestLintTerraform(t *testing.T) {
	doc, _ := json.Marshal(lintBucketPolicy)
	plan := `{"format_version": "1.2", "resource_changes": [
		{"address": "module.m.aws_s3_bucket_policy.media", "module_address": "module.m", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "media",
		 "change": {"actions": ["update"], "before": {"bucket": "media", "policy": "{}"}, "after": {"bucket": "media", "policy": ` + string(doc) + `}, "after_unknown": {}}},
		{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
		 "change": {"actions": ["create"], "before": null, "after": {"assume_role_policy": "{}"}, "after_unknown": {"inline_policy": true}}}]}`
	var out, errb strings.Builder
	code := run(t.Context(), []string{"lint", "--terraform", writePolicy(t, plan), "--account", "111122223333"}, nil, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an ERROR finding)\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.HasPrefix(out.String(), "module.m.aws_s3_bucket_policy.media.policy: ERROR RESOURCE_ARN_MISMATCH statement 0 (Read): Action:") {
		t.Errorf("stdout:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "s3vet lint: note: aws_iam_role.r.assume_role_policy: a role's trust policy, not linted\n") {
		t.Errorf("stderr:\n%s", errb.String())
	}
}

// TestLintSARIF: lint --sarif writes a SARIF 2.1.0 log whose results are
// located in the plan and at the policy's address, with one rule per code
// and its AWS page, for code scanning.
func TestLintSARIF(t *testing.T) {
	doc, _ := json.Marshal(lintBucketPolicy)
	plan := writePolicy(t, `{"format_version": "1.2", "resource_changes": [
		{"address": "module.m.aws_s3_bucket_policy.media", "module_address": "module.m", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "media",
		 "change": {"actions": ["update"], "before": {"bucket": "media", "policy": "{}"}, "after": {"bucket": "media", "policy": `+string(doc)+`}, "after_unknown": {}}}]}`)
	var out, errb strings.Builder
	code := run(t.Context(), []string{"lint", "--terraform", plan, "--account", "111122223333", "--sarif"}, nil, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an ERROR finding)\n%s%s", code, out.String(), errb.String())
	}
	type result struct {
		RuleID, Level string
		URI, Address  string
	}
	var log struct {
		Version string
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID, HelpURI string }
				}
			}
			Results []struct {
				RuleID, Level string
				Locations     []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
					LogicalLocations []struct{ FullyQualifiedName string }
				}
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal([]byte(out.String()), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("log %+v", log)
	}
	r := log.Runs[0].Results[0]
	got := result{r.RuleID, r.Level, r.Locations[0].PhysicalLocation.ArtifactLocation.URI, r.Locations[0].LogicalLocations[0].FullyQualifiedName}
	want := result{"RESOURCE_ARN_MISMATCH", "error", "file://" + plan, "module.m.aws_s3_bucket_policy.media.policy"}
	if diff := cmp.Diff(want, got); diff != "" || r.PartialFingerprints["s3vetLint/v1"] == "" {
		t.Errorf("first result (-want +got):\n%s", diff)
	}
	rules := map[string]string{}
	for _, ru := range log.Runs[0].Tool.Driver.Rules {
		rules[ru.ID] = ru.HelpURI
	}
	for _, r := range log.Runs[0].Results {
		if !strings.HasPrefix(rules[r.RuleID], "https://docs.aws.amazon.com/") {
			t.Errorf("result %s: rule %q", r.RuleID, rules[r.RuleID])
		}
	}
	if code := run(t.Context(), []string{"lint", "-f", "-", "--sarif"}, strings.NewReader("{}"), &out, &errb); code != 2 {
		t.Errorf("--sarif on standard input: exit %d, want 2", code)
	}
}

func TestLintCloudFormationJSON(t *testing.T) {
	var out, errb strings.Builder
	code := run(t.Context(), []string{"lint", "--cloudformation", iacFixtures + "template.yaml", "--json"}, nil, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	var r struct {
		Findings []struct {
			Location, Code string
		}
		Unresolved []struct{ Address, Path, Reason string }
	}
	if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Findings {
		if f.Location != "DataPolicy.Properties.PolicyDocument" {
			t.Errorf("finding %+v of a policy that is not the template's only resolved one", f)
		}
	}
	if len(r.Unresolved) != 6 {
		t.Errorf("unresolved %+v", r.Unresolved)
	}
	for _, args := range [][]string{
		{"lint", "-f", "x.json", "--terraform", "p.json"},
		{"lint", "--terraform", "p.json", "--type", "identity"},
	} {
		if code := run(t.Context(), args, nil, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
