package access_test

import (
	"encoding/json"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// External access findings: IAM User Guide, "IAM Access Analyzer
// findings" ("a finding for each instance of a resource-based policy that
// grants access to a resource within your zone of trust to a principal that
// is not within your zone of trust"),
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
func TestExternal(t *testing.T) {
	zone := access.Zone{Accounts: []string{"111122223333", "555566667777"}, OrgID: "o-a1b2c3d4e5"}
	stmt := func(principal, cond string) string {
		if cond != "" {
			cond = `,"Condition":` + cond
		}
		return `{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"` + cond + `}`
	}
	tests := []struct {
		name       string
		statements string
		state      access.State
		want       []string // the findings' principals, as JSON
		public     bool
	}{
		{"account in the zone", stmt(`{"AWS":"555566667777"}`, ""), access.State{}, nil, false},
		{"account outside the zone", stmt(`{"AWS":"arn:aws:iam::444455556666:role/etl"}`, ""), access.State{}, []string{`{"AWS":"arn:aws:iam::444455556666:role/etl"}`}, false},
		{"public", stmt(`"*"`, ""), access.State{}, []string{`{"AWS":"*"}`}, true},
		{"* limited to the organization", stmt(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`), access.State{}, nil, false},
		{"* limited to another organization", stmt(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-zzzzzzzzzz"}}`), access.State{}, []string{`{"AWS":"*"}`}, false},
		{"* limited by a VPC endpoint is external, not public", stmt(`"*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`), access.State{}, []string{`{"AWS":"*"}`}, false},
		{"service for a zone account", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), access.State{}, nil, false},
		{"service for anyone", stmt(`{"Service":"cloudtrail.amazonaws.com"}`, ""), access.State{}, []string{`{"Service":"cloudtrail.amazonaws.com"}`}, false},
		{"RestrictPublicBuckets blocks a public policy", stmt(`"*"`, ""), access.State{AccountPublicAccessBlock: &access.PublicAccessBlock{RestrictPublicBuckets: true}}, nil, false},
		{"organization fence", stmt(`{"AWS":"444455556666"}`, "") + `,{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`, access.State{}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := policy.MustParse("b", policy.ResourceBased, `{"Version":"2012-10-17","Statement":[`+tt.statements+`]}`)
			fs := access.External(p, &tt.state, zone)
			var got []string
			for _, f := range fs {
				b, _ := json.Marshal(f.Principal)
				got = append(got, string(b))
				if f.IsPublic != tt.public || f.Source != "POLICY" || len(f.Actions) == 0 {
					t.Errorf("finding %+v: isPublic %v want %v", f, f.IsPublic, tt.public)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("findings %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("finding %d: %s, want %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// ACL grants count too, unless ACLs are disabled or IgnorePublicAcls
// is on (S3 User Guide, "Blocking public access to your Amazon S3 storage").
func TestExternalACL(t *testing.T) {
	zone := access.Zone{Accounts: []string{"111122223333"}}
	acl := []access.Grant{{Grantee: access.AllUsers, Permission: access.Read}, {Grantee: "444455556666", Permission: access.Write}, {Grantee: "111122223333", Permission: access.FullControl}}
	tests := []struct {
		name  string
		state access.State
		want  int
	}{
		{"ACLs enabled", access.State{ObjectOwnership: access.ObjectWriter, BucketACL: acl}, 2},
		{"ACLs disabled", access.State{ObjectOwnership: access.BucketOwnerEnforced, BucketACL: acl}, 0},
		{"IgnorePublicAcls", access.State{ObjectOwnership: access.ObjectWriter, BucketACL: acl, BucketPublicAccessBlock: &access.PublicAccessBlock{IgnorePublicAcls: true}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := access.External(nil, &tt.state, zone)
			if len(fs) != tt.want {
				t.Fatalf("%d findings, want %d: %+v", len(fs), tt.want, fs)
			}
			for _, f := range fs {
				if f.Source != "BUCKET_ACL" || len(f.Actions) == 0 {
					t.Errorf("finding %+v", f)
				}
			}
		})
	}
}
