package twin

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/simulate"
)

// OrganizationsReader reads the organization and the SCPs and RCPs on the
// path of an account.
type OrganizationsReader interface {
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, opts ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	ListParents(ctx context.Context, in *organizations.ListParentsInput, opts ...func(*organizations.Options)) (*organizations.ListParentsOutput, error)
	ListPoliciesForTarget(ctx context.Context, in *organizations.ListPoliciesForTargetInput, opts ...func(*organizations.Options)) (*organizations.ListPoliciesForTargetOutput, error)
	DescribePolicy(ctx context.Context, in *organizations.DescribePolicyInput, opts ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error)
}

var _ OrganizationsReader = (*organizations.Client)(nil)

// The IDs of AWS's default policies, attached everywhere.
const (
	fullAWSAccessID    = "p-FullAWSAccess"
	rcpFullAWSAccessID = "p-RCPFullAWSAccess"
)

// orgEntry is an SCP or RCP as the world writes it.
type orgEntry struct {
	Name     string          `json:"name"`
	ID       string          `json:"id"`
	Document json.RawMessage `json:"document"`
}

// collectOrg reads the organization of account, and the SCPs and RCPs on
// its path where the caller may; nil outside an organization, or when the
// organization cannot be described.
func collectOrg(ctx context.Context, c OrganizationsReader, account string, rep *report) *simulate.Organization {
	if c == nil {
		rep.note(Unread{Call: "organizations:DescribeOrganization", Message: "no Organizations client was given"})
		return nil
	}
	out, err := c.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "AWSOrganizationsNotInUseException" {
			rep.note(Unread{Call: "organizations:DescribeOrganization", Code: ae.ErrorCode(), Message: "the account is in no organization: no SCPs or RCPs apply"})
			return nil
		}
		rep.add("organizations:DescribeOrganization", "", err)
		return nil
	}
	o := &simulate.Organization{ID: aws.ToString(out.Organization.Id), ManagementAccount: aws.ToString(out.Organization.MasterAccountId),
		Accounts: []string{account}}
	// The path, from the account up to the root.
	path := []string{account}
	for child := account; ; {
		out, err := c.ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			rep.add("organizations:ListParents", child, err)
			return o
		}
		if len(out.Parents) == 0 {
			rep.note(Unread{Call: "organizations:ListParents", Target: child, Message: "no parent"})
			return o
		}
		p := out.Parents[0]
		child = aws.ToString(p.Id)
		path = append(path, child)
		if p.Type == types.ParentTypeRoot {
			break
		}
		if len(path) > 10 { // the root and at most five levels of OUs, and the account
			rep.note(Unread{Call: "organizations:ListParents", Target: child, Message: "the path is deeper than Organizations allows"})
			return o
		}
	}
	// Root first.
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	o.RootID = path[0]
	for _, ou := range path[1 : len(path)-1] {
		o.OUs = append(o.OUs, simulate.OrganizationalUnit{ID: ou})
	}
	docs := map[string]json.RawMessage{}
	levels := func(typ types.PolicyType, full string) ([][]json.RawMessage, []bool, bool) {
		var out [][]json.RawMessage
		var withFull []bool
		for _, target := range path {
			level := []json.RawMessage{}
			hasFull := false
			pages := organizations.NewListPoliciesForTargetPaginator(c, &organizations.ListPoliciesForTargetInput{TargetId: aws.String(target), Filter: typ})
			for pages.HasMorePages() {
				pg, err := pages.NextPage(ctx)
				if err != nil {
					rep.add("organizations:ListPoliciesForTarget", string(typ)+" "+target, err)
					return nil, nil, false
				}
				for _, p := range pg.Policies {
					id := aws.ToString(p.Id)
					if id == full {
						hasFull = true
						continue
					}
					doc, ok := docs[id]
					if !ok {
						d, err := c.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
						if err != nil {
							rep.add("organizations:DescribePolicy", id, err)
							return nil, nil, false
						}
						doc = json.RawMessage(aws.ToString(d.Policy.Content))
						docs[id] = doc
					}
					raw, _ := json.Marshal(orgEntry{Name: aws.ToString(p.Name), ID: id, Document: doc})
					level = append(level, raw)
				}
			}
			out, withFull = append(out, level), append(withFull, hasFull)
		}
		return out, withFull, true
	}
	if scps, full, ok := levels(types.PolicyTypeServiceControlPolicy, fullAWSAccessID); ok {
		o.SCPs, o.FullAWSAccess = scpLevels(scps, full)
	}
	if rcps, _, ok := levels(types.PolicyTypeResourceControlPolicy, rcpFullAWSAccessID); ok {
		o.RCPs = trimLevels(rcps)
	}
	if len(o.SCPs) == 0 && len(o.RCPs) == 0 {
		o.OUs = nil
	}
	return o
}

// scpLevels writes SCP levels in the world's form: FullAWSAccess by the
// flag when every level has it or none has; otherwise the flag is off
// and the levels that have it hold it as a policy of their own.
func scpLevels(levels [][]json.RawMessage, full []bool) ([][]json.RawMessage, *bool) {
	all, none := true, true
	for _, f := range full {
		all, none = all && f, none && !f
	}
	if all {
		return trimLevels(levels), nil
	}
	off := false
	if !none {
		doc := json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
		raw, _ := json.Marshal(orgEntry{Name: "FullAWSAccess", ID: fullAWSAccessID, Document: doc})
		for i, f := range full {
			if f {
				levels[i] = append([]json.RawMessage{raw}, levels[i]...)
			}
		}
	}
	return levels, &off
}

// trimLevels drops the levels past the last that has a policy, which the
// world's format gives FullAWSAccess alone; nil when none has one.
func trimLevels(levels [][]json.RawMessage) [][]json.RawMessage {
	n := len(levels)
	for n > 0 && len(levels[n-1]) == 0 {
		n--
	}
	if n == 0 {
		return nil
	}
	return levels[:n]
}
