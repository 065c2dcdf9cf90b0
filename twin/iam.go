package twin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3vet/s3vet/simulate"
)

// IAMReader reads an account's IAM: GetAccountAuthorizationDetails, and
// ListRoles for what it leaves out (MaxSessionDuration).
type IAMReader interface {
	GetAccountAuthorizationDetails(ctx context.Context, in *iam.GetAccountAuthorizationDetailsInput, opts ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error)
	ListRoles(ctx context.Context, in *iam.ListRolesInput, opts ...func(*iam.Options)) (*iam.ListRolesOutput, error)
}

var _ IAMReader = (*iam.Client)(nil)

type iamResult struct {
	users      []*simulate.User
	groups     []simulate.Group
	roles      []*simulate.Role
	managed    []simulate.ManagedPolicy
	awsManaged []simulate.ManagedPolicy
}

// decodeDoc reads a policy document as IAM returns it, URL-encoded.
func decodeDoc(s *string) (json.RawMessage, error) {
	doc, err := url.QueryUnescape(aws.ToString(s))
	if err != nil {
		return nil, err
	}
	if !json.Valid([]byte(doc)) {
		return nil, errors.New("the policy document is not JSON")
	}
	return json.RawMessage(doc), nil
}

// path is a path as the world writes it: omitted when "/".
func path(p *string) string {
	if s := aws.ToString(p); s != "/" {
		return s
	}
	return ""
}

// nonEmpty is s, or nil when s is empty, as the world writes an omitted list.
func nonEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func tags(ts []types.Tag) map[string]string {
	if len(ts) == 0 {
		return nil
	}
	m := make(map[string]string, len(ts))
	for _, t := range ts {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func boundary(b *types.AttachedPermissionsBoundary) json.RawMessage {
	if b == nil || aws.ToString(b.PermissionsBoundaryArn) == "" {
		return nil
	}
	raw, _ := json.Marshal(aws.ToString(b.PermissionsBoundaryArn))
	return raw
}

// collectIAM reads the account's IAM; nil if it could not.
func collectIAM(ctx context.Context, c IAMReader, rep *report) *iamResult {
	const gaad = "iam:GetAccountAuthorizationDetails"
	if c == nil {
		rep.note(Unread{Call: gaad, Message: "no IAM client was given"})
		return nil
	}
	res := &iamResult{}
	var policies []types.ManagedPolicyDetail
	used := map[string]bool{} // managed policy ARNs attached or set as boundaries
	inline := func(owner string, ps []types.PolicyDetail) []json.RawMessage {
		var out []json.RawMessage
		for _, p := range ps {
			doc, err := decodeDoc(p.PolicyDocument)
			if err != nil {
				rep.add(gaad, owner+" inline "+aws.ToString(p.PolicyName), err)
				continue
			}
			out = append(out, simulate.NamedPolicy(aws.ToString(p.PolicyName), string(doc)))
		}
		return out
	}
	attached := func(ps []types.AttachedPolicy) []string {
		var out []string
		for _, p := range ps {
			out = append(out, aws.ToString(p.PolicyArn))
			used[aws.ToString(p.PolicyArn)] = true
		}
		return out
	}
	pages := iam.NewGetAccountAuthorizationDetailsPaginator(c, &iam.GetAccountAuthorizationDetailsInput{MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			rep.add(gaad, "", err)
			return nil
		}
		for _, u := range out.UserDetailList {
			name := aws.ToString(u.UserName)
			wu := &simulate.User{Name: name, Path: path(u.Path), Policies: inline("user/"+name, u.UserPolicyList),
				ManagedPolicies: attached(u.AttachedManagedPolicies), Groups: slices.Clip(nonEmpty(u.GroupList)),
				PermissionsBoundary: boundary(u.PermissionsBoundary), Tags: tags(u.Tags)}
			if u.PermissionsBoundary != nil {
				used[aws.ToString(u.PermissionsBoundary.PermissionsBoundaryArn)] = true
			}
			res.users = append(res.users, wu)
		}
		for _, g := range out.GroupDetailList {
			name := aws.ToString(g.GroupName)
			res.groups = append(res.groups, simulate.Group{Name: name, Path: path(g.Path), Policies: inline("group/"+name, g.GroupPolicyList),
				ManagedPolicies: attached(g.AttachedManagedPolicies)})
		}
		for _, r := range out.RoleDetailList {
			name := aws.ToString(r.RoleName)
			wr := &simulate.Role{Name: name, Path: path(r.Path), Policies: inline("role/"+name, r.RolePolicyList),
				ManagedPolicies: attached(r.AttachedManagedPolicies), PermissionsBoundary: boundary(r.PermissionsBoundary), Tags: tags(r.Tags)}
			if r.PermissionsBoundary != nil {
				used[aws.ToString(r.PermissionsBoundary.PermissionsBoundaryArn)] = true
			}
			if r.AssumeRolePolicyDocument != nil {
				doc, err := decodeDoc(r.AssumeRolePolicyDocument)
				if err != nil {
					rep.add(gaad, "role/"+name+" trust policy", err)
				}
				wr.TrustPolicy = doc
			}
			res.roles = append(res.roles, wr)
		}
		policies = append(policies, out.Policies...)
	}
	for _, p := range policies {
		arn := aws.ToString(p.Arn)
		var doc json.RawMessage
		for _, v := range p.PolicyVersionList {
			if v.IsDefaultVersion {
				d, err := decodeDoc(v.Document)
				if err != nil {
					rep.add(gaad, arn, err)
				}
				doc = d
			}
		}
		if doc == nil {
			rep.note(Unread{Call: gaad, Target: arn, Message: "no default version document"})
			continue
		}
		mp := simulate.ManagedPolicy{Name: aws.ToString(p.PolicyName), Path: path(p.Path), Document: doc}
		if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
			// AWS's own: only those the account uses.
			if used[arn] {
				res.awsManaged = append(res.awsManaged, mp)
			}
			continue
		}
		res.managed = append(res.managed, mp)
	}
	collectMaxDurations(ctx, c, res.roles, rep)
	return res
}

// collectMaxDurations reads each role's MaxSessionDuration with ListRoles,
// which GetAccountAuthorizationDetails does not return.
func collectMaxDurations(ctx context.Context, c IAMReader, roles []*simulate.Role, rep *report) {
	if len(roles) == 0 {
		return
	}
	durations := map[string]int32{}
	pages := iam.NewListRolesPaginator(c, &iam.ListRolesInput{MaxItems: aws.Int32(1000)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			rep.add("iam:ListRoles", "", fmt.Errorf("roles' MaxSessionDuration left at 3600 seconds: %w", err))
			return
		}
		for _, r := range out.Roles {
			durations[aws.ToString(r.RoleName)] = aws.ToInt32(r.MaxSessionDuration)
		}
	}
	for _, r := range roles {
		if d := durations[r.Name]; d != 0 && d != 3600 {
			r.MaxSessionDuration = int(d)
		}
	}
}
