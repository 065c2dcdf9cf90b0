// Package twin reads an AWS account (IAM, Organizations, KMS, and S3
// through package checks) into a [simulate.World]: the account's twin,
// which the simulator serves and who-can questions are asked of.
//
// # Collect
//
// [Collect] reads, through the SDK clients it is given:
//
//   - IAM: GetAccountAuthorizationDetails, page by page (users, groups,
//     roles, their inline and attached policies, boundaries, tags and
//     trust policies, and the managed policies' default versions), and
//     ListRoles for each role's MaxSessionDuration;
//   - Organizations: DescribeOrganization, then ListParents from the
//     account up to the root, and at each level ListPoliciesForTarget and
//     DescribePolicy for SCPs and RCPs, which AWS serves to the management
//     account (or a delegated administrator) only: give Clients.Organizations
//     a client of that account;
//   - KMS: DescribeKey and GetKeyPolicy for the customer managed keys of the
//     account that its buckets' default encryption uses;
//   - S3: checks.Collect, whose buckets and access points become the
//     world's.
//
// The three services are read at once, and the keys at most
// Options.Concurrency at a time. What could not be read (AccessDenied, an
// account outside any organization, a key of another account) is named in
// the [Report] and the collection goes on. Secrets are never collected: no
// access keys, no object data.
//
// Build the clients with the SDK's adaptive retry mode, so that a large
// account's reads back off when throttled:
//
//	cfg, _ := config.LoadDefaultConfig(ctx, config.WithRetryer(func() aws.Retryer {
//		return retry.NewAdaptiveMode()
//	}))
//
// # The canonical form
//
// The world Collect writes is in one form, which a round trip through the
// simulator keeps: inline policies named, managed policies by ARN, AWS
// managed policies only where attached, boundaries by ARN, key policies
// and canonical IDs written out, SCPs and RCPs named with their IDs and
// the levels past the last that has a policy of its own left out. OU
// names are not read (DescribeOrganizationalUnit is not called).
//
// # Ask
//
// The world answers who may do what: [simulate.Simulator.WhoCan] (and
// s3vet who-can) for one bucket, [simulate.DiffAccess] (and s3vet
// access-diff) between two collections, [simulate.CheckAccess] to keep the
// answer in a golden file of a unit test.
//
// # An organization of many accounts
//
// Collect reads one account. Cover an organization with one collection per
// account, run in parallel by your own scheduler (each with the account's
// own credentials, and the Organizations client of the management
// account), and join the worlds with [simulate.MergeWorlds] (or give each
// file to s3vet who-can with its own --world), so that a bucket's grant to
// another account meets that account's policies. A world holds one path of
// SCPs and RCPs from the root down, the same for all its accounts: the
// accounts under the same OUs merge, and MergeWorlds refuses, saying why,
// to merge those whose paths differ; answer them apart.
package twin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/simulate"
)

// Clients are the clients Collect reads through. A nil client's calls are
// not made, and what they would read is named in the Report.
type Clients struct {
	IAM           IAMReader
	Organizations OrganizationsReader
	KMS           KeyReader
	// S3 are the clients of checks.Collect.
	S3 checks.Clients
}

// Options tune Collect.
type Options struct {
	// AccountID is the account read; when empty, S3.Identity is asked.
	AccountID string
	// Region is the world's Region, and the S3 clients'; us-east-1 when
	// empty.
	Region string
	// Concurrency is how many keys, and buckets, are read at once; 8 when
	// zero.
	Concurrency int
	// S3 are the options of checks.Collect; its AccountID, Region and
	// Concurrency are set from the fields above.
	S3 checks.CollectOptions
}

// A Report says what Collect could not read.
type Report struct {
	Unread []Unread `json:"unread,omitempty"`
}

// Unread is a call that failed, or a thing that could not be collected.
type Unread struct {
	// Call is the API call, such as "iam:GetAccountAuthorizationDetails".
	Call string `json:"call"`
	// Target is what it was for: a bucket, a key, an OU; empty for the
	// account.
	Target string `json:"target,omitempty"`
	// Code is the service's error code, if any.
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// report collects Unread from several goroutines.
type report struct {
	mu sync.Mutex
	r  Report
}

func (r *report) add(call, target string, err error) {
	u := Unread{Call: call, Target: target, Message: err.Error()}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		u.Code, u.Message = ae.ErrorCode(), ae.ErrorMessage()
	}
	r.note(u)
}

func (r *report) note(u Unread) {
	r.mu.Lock()
	r.r.Unread = append(r.r.Unread, u)
	r.mu.Unlock()
}

// Collect reads the account into a world: its IAM, the organization's
// SCPs and RCPs on its path, the key policies its buckets use and its
// buckets and access points. It returns an error only when S3 cannot be
// collected at all (checks.Collect's error) or ctx ends; what else could
// not be read is in the Report.
func Collect(ctx context.Context, clients Clients, opts Options) (*simulate.World, *Report, error) {
	region := opts.Region
	if region == "" {
		region = "us-east-1"
	}
	n := opts.Concurrency
	if n <= 0 {
		n = 8
	}
	so := opts.S3
	so.AccountID, so.Region, so.Concurrency = opts.AccountID, region, n
	var rep report

	// S3 first names the account, when it is not given.
	var (
		wg       sync.WaitGroup
		snap     *checks.Snapshot
		snapErr  error
		iamPart  *iamResult
		orgPart  *simulate.Organization
		account  = opts.AccountID
		accountC = make(chan string, 1)
	)
	wg.Go(func() {
		snap, snapErr = checks.Collect(ctx, clients.S3, so)
		if snapErr == nil {
			accountC <- snap.Account.ID
		}
		close(accountC)
	})
	if account == "" {
		account = <-accountC
	}
	if account != "" {
		wg.Go(func() { iamPart = collectIAM(ctx, clients.IAM, &rep) })
		wg.Go(func() { orgPart = collectOrg(ctx, clients.Organizations, account, &rep) })
	}
	wg.Wait()
	if snapErr != nil {
		return nil, nil, fmt.Errorf("twin: %w", snapErr)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("twin: %w", err)
	}
	w := &simulate.World{Region: region, Organization: orgPart}
	a := accountOf(snap, &rep)
	if iamPart != nil {
		a.ManagedPolicies, a.Users, a.Groups, a.Roles = iamPart.managed, iamPart.users, iamPart.groups, iamPart.roles
		w.AWSManagedPolicies = iamPart.awsManaged
	}
	a.KMSKeys = collectKeys(ctx, clients.KMS, snap, n, &rep)
	w.Accounts = []*simulate.Account{a}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("twin: %w", err)
	}
	return w, &rep.r, nil
}
