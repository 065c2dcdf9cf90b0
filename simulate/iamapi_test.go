package simulate_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/simulate"
)

const (
	auditor  = "arn:aws:iam::111111111111:user/audit/auditor"
	iamAlice = "arn:aws:iam::111111111111:user/alice"
	mgmtRoot = "arn:aws:iam::999999999999:root"
)

// GetAccountAuthorizationDetails through the SDK's iam client, page by
// page: every user, group, role and managed policy with its relationships
// and its documents URL-encoded, as the IAM API Reference describes
// ("GetAccountAuthorizationDetails": "Policies returned by this operation
// are URL-encoded compliant with RFC 3986"), and Filter.
func TestGetAccountAuthorizationDetails(t *testing.T) {
	srv := simulate.NewTestServer(t, loadIAMWorld(t))
	ctx := context.Background()
	c := iam.NewFromConfig(srv.Config(auditor))

	var users, groups, roles, policies []string
	pages := 0
	p := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(2)})
	var bob iamtypes.UserDetail
	var reader iamtypes.RoleDetail
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range out.UserDetailList {
			users = append(users, aws.ToString(u.Arn))
			if aws.ToString(u.UserName) == "bob" {
				bob = u
			}
		}
		for _, g := range out.GroupDetailList {
			groups = append(groups, aws.ToString(g.Arn))
		}
		for _, r := range out.RoleDetailList {
			roles = append(roles, aws.ToString(r.Arn))
			reader = r
		}
		for _, mp := range out.Policies {
			policies = append(policies, aws.ToString(mp.Arn))
		}
	}
	got := [][]string{users, groups, roles, policies}
	want := [][]string{
		{iamAlice, auditor, "arn:aws:iam::111111111111:user/bob"},
		{"arn:aws:iam::111111111111:group/writers"},
		{"arn:aws:iam::111111111111:role/Reader"},
		{"arn:aws:iam::111111111111:policy/app/WriteReports", "arn:aws:iam::111111111111:policy/NoWrites", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entities (-want +got):\n%s", diff)
	}
	if pages != 4 { // 8 entities, 2 a page
		t.Errorf("%d pages, want 4", pages)
	}
	if b := bob.PermissionsBoundary; b == nil || aws.ToString(b.PermissionsBoundaryArn) != "arn:aws:iam::111111111111:policy/NoWrites" {
		t.Errorf("bob's boundary %+v", b)
	}
	if len(reader.RolePolicyList) != 1 || aws.ToString(reader.RolePolicyList[0].PolicyName) != "ReadReports" {
		t.Fatalf("Reader's inline policies %+v", reader.RolePolicyList)
	}
	doc, err := url.QueryUnescape(aws.ToString(reader.RolePolicyList[0].PolicyDocument))
	if err != nil || !strings.Contains(doc, `"Sid": "Read"`) {
		t.Errorf("Reader's inline policy, decoded: %q, %v", doc, err)
	}
	if !strings.Contains(aws.ToString(reader.AssumeRolePolicyDocument), "%22sts%3AAssumeRole%22") {
		t.Errorf("trust policy not URL-encoded: %s", aws.ToString(reader.AssumeRolePolicyDocument))
	}

	out, err := c.GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []iamtypes.EntityType{iamtypes.EntityTypeAWSManagedPolicy}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.UserDetailList)+len(out.RoleDetailList) != 0 || len(out.Policies) != 1 || aws.ToInt32(out.Policies[0].AttachmentCount) != 1 {
		t.Errorf("Filter AWSManagedPolicy: %+v", out)
	}

	roleList, err := c.ListRoles(ctx, &iam.ListRolesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(roleList.Roles) != 1 || aws.ToInt32(roleList.Roles[0].MaxSessionDuration) != 3600 {
		t.Errorf("ListRoles: %+v", roleList.Roles)
	}
}

// IAM refuses a caller whose policies do not allow the action, and one an
// SCP denies it to (IAM User Guide, "Policy evaluation logic"), with
// IAM's AccessDenied.
func TestIAMAccessDenied(t *testing.T) {
	doc := strings.Replace(iamWorld, `{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}`,
		`{"Effect": "Deny", "Action": ["s3:DeleteObject", "iam:GetAccountAuthorizationDetails"], "Resource": "*"}`, 1)
	ctx := context.Background()
	_, err := iam.NewFromConfig(simulate.NewTestServer(t, loadIAMWorld(t)).Config(iamAlice)).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	wantError(t, err, "AccessDenied", "User: "+iamAlice+" is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: * because no identity-based policy allows")
	srv := simulate.NewTestServer(t, mustLoad(t, doc))
	_, err = iam.NewFromConfig(srv.Config(auditor)).GetAccountAuthorizationDetails(ctx, &iam.GetAccountAuthorizationDetailsInput{})
	wantError(t, err, "AccessDenied", "with an explicit deny in a service control policy")
	// ListRoles is still allowed to the auditor.
	if _, err := iam.NewFromConfig(srv.Config(auditor)).ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatal(err)
	}
}

// The Organizations API as the management account sees it, and what a
// member account, a caller without permission and an account outside
// the organization get (Organizations API Reference: ListParents,
// ListPoliciesForTarget, DescribePolicy "can be called only from the
// organization's management account"; AWSOrganizationsNotInUseException).
func TestOrganizationsAPI(t *testing.T) {
	doc := strings.Replace(iamWorld, `"accounts": [
    {
      "id": "111111111111",`, `"accounts": [
    {"id": "333333333333", "rootAccessKeys": [{"id": "AKIAROOT333333333333", "secret": "s"}]},
    {
      "id": "111111111111",`, 1)
	srv := simulate.NewTestServer(t, mustLoad(t, doc))
	ctx := context.Background()
	mgmt := organizations.NewFromConfig(srv.Config(mgmtRoot))

	org, err := mgmt.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(org.Organization.Id) != "o-a1b2c3d4e5" || aws.ToString(org.Organization.MasterAccountId) != "999999999999" {
		t.Errorf("DescribeOrganization: %+v", org.Organization)
	}
	var path []string
	for child := "111111111111"; ; {
		out, err := mgmt.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			t.Fatal(err)
		}
		child = aws.ToString(out.Parents[0].Id)
		path = append(path, string(out.Parents[0].Type)+" "+child)
		if out.Parents[0].Type == orgtypes.ParentTypeRoot {
			break
		}
	}
	if len(path) != 2 || !strings.HasPrefix(path[0], "ORGANIZATIONAL_UNIT ou-") || !strings.HasPrefix(path[1], "ROOT r-") {
		t.Errorf("path %q", path)
	}
	root := strings.TrimPrefix(path[1], "ROOT ")
	var names []string
	pg := organizations.NewListPoliciesForTargetPaginator(mgmt, &organizations.ListPoliciesForTargetInput{
		TargetId: aws.String(root), Filter: orgtypes.PolicyTypeServiceControlPolicy, MaxResults: aws.Int32(1)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range out.Policies {
			names = append(names, aws.ToString(p.Name)+" "+aws.ToString(p.Id))
		}
	}
	if diff := cmp.Diff([]string{"FullAWSAccess p-FullAWSAccess", "DenyDeletes p-deny0001"}, names); diff != "" {
		t.Errorf("SCPs of the root (-want +got):\n%s", diff)
	}
	pol, err := mgmt.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-deny0001")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(pol.Policy.Content), `"s3:DeleteObject"`) {
		t.Errorf("DescribePolicy content %s", aws.ToString(pol.Policy.Content))
	}
	rcps, err := mgmt.ListPoliciesForTarget(ctx, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(root),
		Filter: orgtypes.PolicyTypeResourceControlPolicy})
	if err != nil || len(rcps.Policies) != 0 {
		t.Errorf("RCPs, not enabled in this world: %+v, %v", rcps, err)
	}

	_, err = organizations.NewFromConfig(srv.Config(auditor)).ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("111111111111")})
	wantError(t, err, "AccessDeniedException", "You don't have permissions")
	_, err = organizations.NewFromConfig(srv.Config(iamAlice)).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantError(t, err, "AccessDeniedException", "is not authorized to perform: organizations:DescribeOrganization")
	parents := organizations.NewFromConfig(srv.Config("arn:aws:iam::999999999999:user/parents"))
	if _, err := parents.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String("111111111111")}); err != nil {
		t.Fatal(err)
	}
	_, err = parents.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-deny0001")})
	wantError(t, err, "AccessDeniedException", "organizations:DescribePolicy")
	_, err = organizations.NewFromConfig(srv.Config("arn:aws:iam::333333333333:root")).DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	wantError(t, err, "AWSOrganizationsNotInUseException", "")
	_, err = mgmt.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String("p-nosuchpolicy")})
	wantError(t, err, "PolicyNotFoundException", "")
}

// DescribeKey and GetKeyPolicy through the SDK's kms client, by key ID,
// ARN and alias (KMS API Reference: DescribeKey takes an alias,
// GetKeyPolicy a key ID or ARN), authorized by the key policy, which by
// default lets the account's IAM policies decide.
func TestKMSReadAPI(t *testing.T) {
	srv := simulate.NewTestServer(t, loadIAMWorld(t))
	ctx := context.Background()
	c := kms.NewFromConfig(srv.Config(auditor))
	const id = "1234abcd-12ab-34cd-56ef-1234567890ab"
	arn := "arn:aws:kms:us-east-1:111111111111:key/" + id
	for _, ref := range []string{id, arn, "alias/app", "arn:aws:kms:us-east-1:111111111111:alias/app"} {
		out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		if err != nil {
			t.Fatalf("DescribeKey %s: %v", ref, err)
		}
		if aws.ToString(out.KeyMetadata.Arn) != arn || out.KeyMetadata.KeyManager != "CUSTOMER" {
			t.Errorf("DescribeKey %s: %+v", ref, out.KeyMetadata)
		}
	}
	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(aws.ToString(pol.Policy), "Enable IAM User Permissions") {
		t.Errorf("default key policy %s", aws.ToString(pol.Policy))
	}
	out, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/s3")})
	if err != nil || out.KeyMetadata.KeyManager != "AWS" {
		t.Errorf("aws/s3: %+v, %v", out, err)
	}
	_, err = kms.NewFromConfig(srv.Config(iamAlice)).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id)})
	wantError(t, err, "AccessDeniedException", "kms:GetKeyPolicy")
	_, err = c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("alias/app")})
	wantError(t, err, "NotFoundException", "")
}
