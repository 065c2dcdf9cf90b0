package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	checkOld = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}]}`
	checkNew = `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"},
		{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/public/*"}]}`
	checkIdentity = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::media/*"},
		{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::media/keep/*"}]}`
)

// TestCheck runs the three checks on files: exit 0 for PASS, 1 for FAIL,
// with the witness in text and JSON.
func TestCheck(t *testing.T) {
	old, nw := file(t, "old.json", checkOld), file(t, "new.json", checkNew)
	got := cli(t, "", "check", "no-new-access", "--old", old, "--new", nw)
	if got.Code != 1 {
		t.Fatalf("adding a public statement: exit %d, want 1: %s", got.Code, got.Stderr)
	}
	for _, want := range []string{"no-new-access: FAIL", "principal  anonymous", "action     s3:GetObject", "resource   arn:aws:s3:::media/public/", `allowed by statement 1 (Sid "Public")`} {
		if !strings.Contains(got.Stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, got.Stdout)
		}
	}
	if got := cli(t, "", "check", "no-new-access", "--old", nw, "--new", old); got.Code != 0 || !strings.Contains(got.Stdout, "PASS") {
		t.Errorf("removing it: exit %d, %s", got.Code, got.Stdout)
	}
	// From standard input, as JSON.
	got = cli(t, checkNew, "check", "no-public-access", "-f", "-", "--json")
	if got.Code != 1 {
		t.Fatalf("no-public-access: exit %d: %s", got.Code, got.Stderr)
	}
	var report struct {
		Check   string
		Results []struct {
			Location string
			Result   string
			Witness  struct{ Principal, Action, Resource string }
		}
	}
	if err := json.Unmarshal([]byte(got.Stdout), &report); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		Location string
		Result   string
		Witness  struct{ Principal, Action, Resource string }
	}{{Location: "-", Result: "FAIL", Witness: struct{ Principal, Action, Resource string }{"anonymous", "s3:GetObject", "arn:aws:s3:::media/public/example"}}}
	if diff := cmp.Diff(want, report.Results); diff != "" || report.Check != "no-public-access" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
	id := file(t, "id.json", checkIdentity)
	if got := cli(t, "", "check", "access-not-granted", "-f", id, "--action", "s3:DeleteObject", "--resource", "arn:aws:s3:::media/keep/*"); got.Code != 0 {
		t.Errorf("access-not-granted, denied: exit %d: %s%s", got.Code, got.Stdout, got.Stderr)
	}
	if got := cli(t, "", "check", "access-not-granted", "-f", id, "--action", "s3:Delete*"); got.Code != 1 || !strings.Contains(got.Stdout, "s3:DeleteObject") {
		t.Errorf("access-not-granted, granted: exit %d: %s", got.Code, got.Stdout)
	}
	// UNKNOWN blocks a pipeline: nothing was proven.
	canonical := file(t, "canonical.json", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}}`)
	if got := cli(t, "", "check", "no-new-access", "--new", canonical); got.Code != 1 || !strings.Contains(got.Stdout, "UNKNOWN") {
		t.Errorf("CanonicalUser principal: exit %d: %s", got.Code, got.Stdout)
	}
}

// TestCheckTerraform: every policy a plan creates or changes is checked
// against its value before the plan, and located by its address.
func TestCheckTerraform(t *testing.T) {
	got := cli(t, "", "check", "no-new-access", "--terraform", "../../iac/testdata/plan.json", "--json")
	if got.Code != 1 {
		t.Fatalf("exit %d: %s", got.Code, got.Stderr)
	}
	var report struct {
		Results []struct{ Location, Result string }
	}
	if err := json.Unmarshal([]byte(got.Stdout), &report); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, r := range report.Results {
		found[r.Location] = r.Result
	}
	if found["aws_s3_bucket_policy.site.policy"] != "FAIL" {
		t.Errorf("the public bucket policy the plan creates: %v", found)
	}
	got = cli(t, "", "check", "no-public-access", "--terraform", "../../iac/testdata/plan.json")
	if got.Code != 1 || !strings.Contains(got.Stdout, "aws_s3_bucket_policy.site.policy: no-public-access: FAIL") {
		t.Errorf("no-public-access on the plan: exit %d:\n%s", got.Code, got.Stdout)
	}
}

// TestCheckCloudFormation: with the template before the change, each
// policy is compared with its own before, paired by logical ID and path.
func TestCheckCloudFormation(t *testing.T) {
	const tmpl = `{"Resources":{"Policy":{"Type":"AWS::S3::BucketPolicy","Properties":{"Bucket":"media","PolicyDocument":{"Version":"2012-10-17","Statement":[%s]}}}}}`
	read := `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}`
	write := `{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::media/*"}`
	old := file(t, "old.json", strings.Replace(tmpl, "%s", read+","+write, 1))
	nw := file(t, "new.json", strings.Replace(tmpl, "%s", read, 1))
	if got := cli(t, "", "check", "no-new-access", "--cloudformation", nw, "--old-cloudformation", old); got.Code != 0 || !strings.Contains(got.Stdout, "Policy.Properties.PolicyDocument: no-new-access: PASS") {
		t.Errorf("a statement removed: exit %d:\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	if got := cli(t, "", "check", "no-new-access", "--cloudformation", old, "--old-cloudformation", nw); got.Code != 1 || !strings.Contains(got.Stdout, "s3:PutObject") {
		t.Errorf("a statement added: exit %d:\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	if got := cli(t, "", "check", "no-new-access", "--cloudformation", old); got.Code != 1 {
		t.Errorf("without the template before, every grant is new: exit %d", got.Code)
	}
}

// TestCheckUnresolved: a policy whose document is known only at
// deployment (or after apply) is UNKNOWN, which fails the gate; it is
// never left out silently.
func TestCheckUnresolved(t *testing.T) {
	tmpl := file(t, "t.yaml", `
Resources:
  Data: {Type: AWS::S3::Bucket}
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "s3:*", Resource: !Sub "${Data.Arn}/*"}]}
`)
	got := cli(t, "", "check", "no-public-access", "--cloudformation", tmpl, "--json")
	var report struct {
		Results []struct{ Location, Result, Reason string }
	}
	if err := json.Unmarshal([]byte(got.Stdout), &report); err != nil {
		t.Fatalf("%v: %s", err, got.Stdout)
	}
	if got.Code != 1 || len(report.Results) != 1 || report.Results[0].Location != "DataPolicy.Properties.PolicyDocument" ||
		report.Results[0].Result != "UNKNOWN" || !strings.Contains(report.Results[0].Reason, "Fn::GetAtt Data.Arn") {
		t.Errorf("exit %d, results %+v", got.Code, report.Results)
	}
	plan := file(t, "plan.json", `{"format_version": "1.2", "resource_changes": [
		{"address": "aws_s3_bucket_policy.p", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "p",
		 "change": {"actions": ["update"], "before": {"bucket": "b", "policy": "{}"}, "after": {"bucket": "b"}, "after_unknown": {"policy": true}}}]}`)
	if got := cli(t, "", "check", "no-new-access", "--terraform", plan); got.Code != 1 ||
		!strings.Contains(got.Stdout, "aws_s3_bucket_policy.p.policy: no-new-access: UNKNOWN") || !strings.Contains(got.Stdout, "not known until apply") {
		t.Errorf("a policy known after apply: exit %d:\n%s", got.Code, got.Stdout)
	}
}

// TestCheckIdentitySets: an identity's documents are one set (IAM User
// Guide, "Policy evaluation logic": an explicit Deny in any policy
// overrides an Allow in another), so a Deny deleted with its resource, or
// moved from one document to another, is judged with the identity's
// other documents.
func TestCheckIdentitySets(t *testing.T) {
	allow := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}`
	guard := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}`
	both := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}`
	change := func(addr, actions, before, after string) string {
		name := addr[strings.IndexByte(addr, '.')+1:]
		b, a := "null", "null"
		if before != "" {
			b = `{"role": "app", "policy": "` + before + `"}`
		}
		if after != "" {
			a = `{"role": "app", "policy": "` + after + `"}`
		}
		return `{"address": "` + addr + `", "mode": "managed", "type": "aws_iam_role_policy", "name": "` + name + `",
			"change": {"actions": ` + actions + `, "before": ` + b + `, "after": ` + a + `, "after_unknown": {}}}`
	}
	plan := func(changes ...string) string {
		return file(t, "plan.json", `{"format_version": "1.2", "resource_changes": [`+strings.Join(changes, ",")+`]}`)
	}
	deleted := plan(change("aws_iam_role_policy.main", `["no-op"]`, allow, allow), change("aws_iam_role_policy.guard", `["delete"]`, guard, ""))
	if got := cli(t, "", "check", "no-new-access", "--terraform", deleted); got.Code != 1 ||
		!strings.Contains(got.Stdout, "role/app (aws_iam_role_policy.main.policy): no-new-access: FAIL") || !strings.Contains(got.Stdout, "s3:DeleteBucket") {
		t.Errorf("the guard deleted: exit %d:\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	moved := plan(change("aws_iam_role_policy.main", `["update"]`, both, allow), change("aws_iam_role_policy.guard", `["create"]`, "", guard))
	if got := cli(t, "", "check", "no-new-access", "--terraform", moved); got.Code != 0 ||
		!strings.Contains(got.Stdout, "role/app (aws_iam_role_policy.main.policy, aws_iam_role_policy.guard.policy): no-new-access: PASS") {
		t.Errorf("the Deny moved to another document of the role: exit %d:\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	tmpl := func(policies string) string {
		return `{"Resources": {"App": {"Type": "AWS::IAM::Role", "Properties": {
			"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
			"Policies": [` + policies + `]}}}}`
	}
	inline := func(name, st string) string {
		return `{"PolicyName": "` + name + `", "PolicyDocument": {"Version": "2012-10-17", "Statement": [` + st + `]}}`
	}
	a, d := `{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}`, `{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}`
	old := file(t, "old.json", tmpl(inline("main", a)+","+inline("guard", d)))
	nw := file(t, "new.json", tmpl(inline("main", a)+","+inline("guard", `{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}`)))
	if got := cli(t, "", "check", "no-new-access", "--cloudformation", nw, "--old-cloudformation", old); got.Code != 1 || !strings.Contains(got.Stdout, "role/@App (") || !strings.Contains(got.Stdout, "s3:DeleteBucket") {
		t.Errorf("CloudFormation, the guard's Deny dropped: exit %d:\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
}

// TestCheckAttachments: a policy attachment the plan creates grants what
// the attached policy grants: judged with the identity's documents when
// the plan holds the policy, UNKNOWN when it does not (an AWS managed
// policy); an attachment the plan leaves alone changes nothing.
func TestCheckAttachments(t *testing.T) {
	attach := func(actions, arn string) string {
		return `{"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
			"change": {"actions": ` + actions + `, "before": null, "after": {"role": "app", "policy_arn": "` + arn + `"}, "after_unknown": {}}}`
	}
	managed := file(t, "managed.json", `{"format_version": "1.2", "resource_changes": [`+attach(`["create"]`, "arn:aws:iam::aws:policy/AdministratorAccess")+`]}`)
	if got := cli(t, "", "check", "no-new-access", "--terraform", managed); got.Code != 1 ||
		!strings.Contains(got.Stdout, "aws_iam_role_policy_attachment.a: no-new-access: UNKNOWN") || !strings.Contains(got.Stdout, "AdministratorAccess to role/app") {
		t.Errorf("an AWS managed policy attached: exit %d:\n%s", got.Code, got.Stdout)
	}
	linked := file(t, "linked.json", `{"format_version": "1.2", "resource_changes": [
		{"address": "aws_iam_policy.p", "mode": "managed", "type": "aws_iam_policy", "name": "p",
		 "change": {"actions": ["create"], "before": null, "after": {"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:DeleteBucket\",\"Resource\":\"*\"}]}"}, "after_unknown": {"arn": true}}},
		{"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
		 "change": {"actions": ["create"], "before": null, "after": {"role": "app"}, "after_unknown": {"policy_arn": true}}}],
		"configuration": {"root_module": {"resources": [{"mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
		 "expressions": {"role": {"constant_value": "app"}, "policy_arn": {"references": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]}}}]}}}`)
	if got := cli(t, "", "check", "no-new-access", "--terraform", linked); got.Code != 1 ||
		!strings.Contains(got.Stdout, "role/app (aws_iam_policy.p.policy): no-new-access: FAIL") || strings.Contains(got.Stdout, "UNKNOWN") {
		t.Errorf("a policy of the plan attached: exit %d:\n%s", got.Code, got.Stdout)
	}
	noop := file(t, "noop.json", `{"format_version": "1.2", "resource_changes": [
		{"address": "aws_iam_role_policy_attachment.a", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "a",
		 "change": {"actions": ["no-op"], "before": {"role": "app", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}, "after": {"role": "app", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}, "after_unknown": {}}}]}`)
	if got := cli(t, "", "check", "no-new-access", "--terraform", noop); got.Code != 0 {
		t.Errorf("an attachment left alone: exit %d:\n%s", got.Code, got.Stdout)
	}
}

// TestCheckDataSource: Terraform reads a data source anew at every plan,
// so no-new-access has no before for its document (it judges the
// resources that use it); the other checks judge the document itself.
func TestCheckDataSource(t *testing.T) {
	plan := file(t, "plan.json", `{"format_version": "1.2", "resource_changes": [
		{"address": "aws_kms_key.k", "mode": "managed", "type": "aws_kms_key", "name": "k",
		 "change": {"actions": ["no-op"], "before": {}, "after": {}, "after_unknown": {}}}],
		"prior_state": {"values": {"root_module": {"resources": [
		{"address": "data.aws_iam_policy_document.kms", "mode": "data", "type": "aws_iam_policy_document", "name": "kms",
		 "values": {"json": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:DeleteObject\",\"Resource\":\"*\"}]}"}}]}}}}`)
	if got := cli(t, "", "check", "no-new-access", "--terraform", plan); got.Code != 0 {
		t.Errorf("no-new-access: exit %d:\n%s%s", got.Code, got.Stdout, got.Stderr)
	}
	if got := cli(t, "", "check", "access-not-granted", "--terraform", plan, "--action", "s3:DeleteObject"); got.Code != 1 ||
		!strings.Contains(got.Stdout, "data.aws_iam_policy_document.kms.json: access-not-granted: FAIL") {
		t.Errorf("access-not-granted: exit %d:\n%s", got.Code, got.Stdout)
	}
}

// TestCheckSARIF: a FAIL is an error result located in the plan and at
// the policy's address, for code scanning.
func TestCheckSARIF(t *testing.T) {
	got := cli(t, "", "check", "no-public-access", "--terraform", "../../iac/testdata/plan.json", "--sarif")
	if got.Code != 1 {
		t.Fatalf("exit %d: %s", got.Code, got.Stderr)
	}
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID, Level string
				Locations     []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
					LogicalLocations []struct{ FullyQualifiedName string }
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(got.Stdout), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || len(log.Runs[0].Results) == 0 {
		t.Fatalf("got %+v", log)
	}
	r := log.Runs[0].Results[0]
	if r.RuleID != "no-public-access" || r.Level != "error" || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "../../iac/testdata/plan.json" ||
		r.Locations[0].LogicalLocations[0].FullyQualifiedName != "aws_s3_bucket_policy.site.policy" {
		t.Errorf("result %+v", r)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		line string
	}{
		{[]string{"check"}, "s3vet check: name the check first: no-new-access, access-not-granted, no-public-access"},
		{[]string{"check", "no-new-acces", "--new", "x"}, `s3vet check: unknown check "no-new-acces" (want no-new-access, access-not-granted, no-public-access); did you mean no-new-access?`},
		{[]string{"check", "no-new-access"}, "s3vet check: no-new-access takes --new FILE (and --old FILE)"},
		{[]string{"check", "no-public-access", "--new", "x"}, "s3vet check: no-public-access takes -f FILE"},
		{[]string{"check", "access-not-granted", "-f", "x"}, "s3vet check: access-not-granted takes --action or --resource"},
		{[]string{"check", "no-public-access", "-f", "x", "--type", "bucket"}, `s3vet check: --type "bucket": want identity or resource`},
		{[]string{"check", "no-public-access", "--terraform", "p", "--cloudformation", "t"}, "s3vet check: --terraform and --cloudformation cannot go together"},
	} {
		want := result{2, "", tt.line + "\nRun 's3vet check --help' for usage.\n"}
		if diff := cmp.Diff(want, cli(t, "", tt.args...)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestCheckGate: plans and templates written by a review to slip new
// access past the gate (testdata/gate), each with the exit status the
// gate must give. The rules: an identity's documents are one set (IAM
// User Guide, "Policy evaluation logic"); what the input does not hold
// (an AWS managed policy, a group's policies, a resource created under a
// condition no parameter decides) is UNKNOWN; a Deny lifted from what the
// input shows may uncover the identity's other policies.
func TestCheckGate(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string // in the output
	}{
		{"a policy moved from role a to role b", []string{"--terraform", "move.json"}, 1, "role/b ("},
		{"a Deny policy deleted, nothing else of the role shown", []string{"--terraform", "deldeny.json"}, 1, "lifts a Deny"},
		{"a Deny dropped from a policy attached by a no-op attachment", []string{"--terraform", "noopattach.json"}, 1, "FAIL"},
		{"the attachment of a Deny policy deleted", []string{"--terraform", "detach.json"}, 1, "FAIL"},
		{"a Deny inline block dropped from a role", []string{"--terraform", "inlineblock.json"}, 1, "FAIL"},
		{"an attachment's role list shrinks", []string{"--terraform", "polattach.json"}, 0, "PASS"},
		{"a user added to a group", []string{"--terraform", "membership.json"}, 1, "the policies of group/"},
		{"managed_policy_arns gains AdministratorAccess", []string{"--terraform", "mpa.json"}, 1, "AdministratorAccess"},
		{"ManagedPolicyArns changed", []string{"--cloudformation", "new2.yaml", "--old-cloudformation", "old2.yaml"}, 1, "AdministratorAccess"},
		{"ManagedPolicyArns unchanged", []string{"--cloudformation", "old2.yaml", "--old-cloudformation", "old2.yaml"}, 0, "PASS"},
		{"a guard created under a condition no parameter decides", []string{"--cloudformation", "dnew.yaml", "--old-cloudformation", "dold.yaml"}, 1, "cannot be evaluated"},
		{"tags alone", []string{"--terraform", "tags.json"}, 0, "PASS"},
		{"an attachment replaced: its role changes", []string{"--terraform", "attachment-replaced.json"}, 1, "UNKNOWN"},
		{"managed_policy_arns loses a Deny policy", []string{"--terraform", "managed-arns-lose-deny.json"}, 1, "detaches"},
		{"a group membership deleted", []string{"--terraform", "membership-deleted.json"}, 1, "detaches the policies of group/"},
		{"a deleted document package policy cannot read", []string{"--terraform", "deleted-unreadable.json"}, 1, "cannot be read"},
		{"a policy deleted with its attachment", []string{"--terraform", "policy-deleted-with-attachment.json"}, 0, "PASS"},
		{"Groups written with Fn::If", []string{"--cloudformation", "groups_new.yaml", "--old-cloudformation", "groups_old.yaml"}, 1, "group/admins"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"check", "no-new-access"}
			for i, a := range tc.args {
				if i%2 == 1 {
					a = filepath.Join("testdata", "gate", a)
				}
				args = append(args, a)
			}
			got := cli(t, "", args...)
			if got.Code != tc.code || !strings.Contains(got.Stdout, tc.want) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", got.Code, tc.code, tc.want, got.Stdout, got.Stderr)
			}
		})
	}
}
