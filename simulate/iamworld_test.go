package simulate_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// iamWorld is an account as IAM holds it: customer and AWS managed
// policies attached by ARN, named inline policies, a managed policy as a
// boundary, and an organization whose management account is another.
const iamWorld = `{
  "awsManagedPolicies": [
    {"name": "AmazonS3ReadOnlyAccess", "document": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}}
  ],
  "organization": {
    "id": "o-a1b2c3d4e5", "managementAccount": "999999999999",
    "accounts": ["111111111111", "999999999999"],
    "ous": [{"name": "Prod"}],
    "scps": [[{"name": "DenyDeletes", "id": "p-deny0001", "document": {"Version": "2012-10-17", "Statement": [
      {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}}]]
  },
  "accounts": [
    {
      "id": "111111111111",
      "managedPolicies": [
        {"name": "WriteReports", "path": "/app/", "document": {"Version": "2012-10-17", "Statement": [
          {"Sid": "Write", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::reports/*"}]}},
        {"name": "NoWrites", "document": {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}}
      ],
      "groups": [{"name": "writers", "managedPolicies": ["arn:aws:iam::111111111111:policy/app/WriteReports"]}],
      "users": [
        {"name": "alice", "groups": ["writers"], "managedPolicies": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
         "accessKeys": [{"id": "AKIAALICE11111111111", "secret": "alice-secret"}], "tags": {"team": "data"}},
        {"name": "auditor", "path": "/audit/", "accessKeys": [{"id": "AKIAAUDITOR111111111", "secret": "auditor-secret"}],
         "policies": [{"name": "ReadIAM", "document": {"Version": "2012-10-17", "Statement": [
           {"Effect": "Allow", "Action": ["iam:GetAccountAuthorizationDetails", "iam:ListRoles", "kms:DescribeKey", "kms:GetKeyPolicy",
             "organizations:DescribeOrganization"], "Resource": "*"}]}}]},
        {"name": "bob", "managedPolicies": ["arn:aws:iam::111111111111:policy/app/WriteReports"],
         "permissionsBoundary": "arn:aws:iam::111111111111:policy/NoWrites"}
      ],
      "roles": [
        {"name": "Reader", "trustPolicy": {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}]},
         "policies": [{"name": "ReadReports", "document": {"Version": "2012-10-17", "Statement": [
           {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}}]}
      ],
      "kmsKeys": [{"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "alias": "alias/app"}],
      "buckets": [{"name": "reports"}]
    },
    {
      "id": "999999999999",
      "rootAccessKeys": [{"id": "AKIAROOT999999999999", "secret": "root-secret"}],
      "users": [{"name": "parents", "accessKeys": [{"id": "AKIAPARENTS999999999", "secret": "parents-secret"}],
        "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "organizations:ListParents", "Resource": "*"}]}]}],
      "roles": [{"name": "Admin", "policies": [{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}]}],
      "buckets": [{"name": "mgmt-logs"}]
    }
  ]
}`

func loadIAMWorld(t *testing.T) *simulate.World {
	t.Helper()
	w, err := simulate.LoadWorld(strings.NewReader(iamWorld))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Managed policies grant through users, groups and roles; a managed
// policy as a permissions boundary limits them (IAM User Guide,
// "Permissions boundaries for IAM entities": "a managed policy to set the
// maximum permissions"); explanations name inline policies by their name
// and managed ones by their ARN; SCPs do not apply in the management
// account (AWS Organizations User Guide, "Service control policies": "SCPs
// don't affect users or roles in the management account").
func TestManagedAndNamedPolicies(t *testing.T) {
	sim, err := simulate.New(loadIAMWorld(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		principal string
		req       s3op.Request
		allowed   bool
		explained string
	}{
		{"arn:aws:iam::111111111111:user/alice", s3op.Request{Operation: "GetObject", Bucket: "reports", Key: "a"}, true,
			`"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"`},
		{"arn:aws:iam::111111111111:user/alice", s3op.Request{Operation: "PutObject", Bucket: "reports", Key: "a"}, true,
			`"arn:aws:iam::111111111111:policy/app/WriteReports"`},
		{"arn:aws:iam::111111111111:user/alice", s3op.Request{Operation: "DeleteObject", Bucket: "reports", Key: "a"}, false,
			`DenyDeletes`},
		{"arn:aws:iam::111111111111:user/bob", s3op.Request{Operation: "PutObject", Bucket: "reports", Key: "a"}, false,
			"permissions boundary"},
		{"arn:aws:sts::111111111111:assumed-role/Reader/s", s3op.Request{Operation: "GetObject", Bucket: "reports", Key: "a"}, true,
			`"role/Reader inline ReadReports"`},
		{"arn:aws:sts::999999999999:assumed-role/Admin/s", s3op.Request{Operation: "DeleteObject", Bucket: "mgmt-logs", Key: "a"}, true, ""},
	}
	for _, tt := range tests {
		d, err := sim.Authorize(tt.principal, &tt.req)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.principal, tt.req.Operation, err)
		}
		got := d.Explained
		if p := d.Explanation.Result.Policy; p != nil {
			got += " [" + p.Name + "]"
		}
		if d.Allowed != tt.allowed || !strings.Contains(got, tt.explained) {
			t.Errorf("%s %s: allowed %v, %s\nwant allowed %v, mentioning %s", tt.principal, tt.req.Operation, d.Allowed, got, tt.allowed, tt.explained)
		}
	}
}

// What the format refuses, each with an error naming the place.
func TestIAMWorldErrors(t *testing.T) {
	tests := []struct{ change, with, want string }{
		{`"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],`, `"arn:aws:iam::aws:policy/Missing"],`,
			"account 111111111111 user alice managedPolicies[0]: no managed policy arn:aws:iam::aws:policy/Missing in the world"},
		{`"permissionsBoundary": "arn:aws:iam::111111111111:policy/NoWrites"`, `"permissionsBoundary": "arn:aws:iam::111111111111:policy/Nope"`,
			"account 111111111111 user bob permissionsBoundary: no managed policy"},
		{`{"name": "ReadReports", "document"`, `{"name": "ReadReports", "sid": "x", "document"`,
			`account 111111111111 role Reader[0]: unknown field "sid"`},
		{`{"name": "ReadReports", "document"`, `{"name": "Read Reports", "document"`, `policy name "Read Reports"`},
		{`{"name": "NoWrites"`, `{"name": "WriteReports"`, `policy name "WriteReports" is used twice`},
		{`"ous": [{"name": "Prod"}]`, `"ous": [], "rcps": [[], [], []]`, "organization has 3 levels of policies but a path of 2 targets"},
		{`"id": "p-deny0001"`, `"id": "deny"`, `id "deny" is not p-`},
		{`"managementAccount": "999999999999"`, `"managementAccount": "9"`, `managementAccount "9" is not 12 digits`},
		{`"ous": [{"name": "Prod"}]`, `"ous": [{"id": "ou-x", "name": "Prod"}]`, `ous[0]: id "ou-x"`},
	}
	for _, tt := range tests {
		doc := strings.Replace(iamWorld, tt.change, tt.with, 1)
		if doc == iamWorld {
			t.Fatalf("%q is not in the world", tt.change)
		}
		_, err := simulate.LoadWorld(strings.NewReader(doc))
		if err == nil {
			// Levels beyond the OUs given are found when compiling.
			_, err = simulate.New(mustLoad(t, doc))
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.with, err, tt.want)
		}
	}
}

func mustLoad(t *testing.T, doc string) *simulate.World {
	t.Helper()
	w, err := simulate.LoadWorld(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return w
}
