package checks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// CollectOptions tune Collect.
type CollectOptions struct {
	// AccountID is the scanned account; when empty, Collect asks
	// Clients.Identity.
	AccountID string
	// Partition is the AWS partition, "aws" when empty.
	Partition string
	// Region is the Region the S3 clients send requests to. A bucket in
	// another Region is read through Regional's clients for its Region;
	// when Region is empty, every bucket whose Region is known is.
	Region string
	// Regional returns clients for a Region; Collect calls it once per
	// Region, and uses its S3 clients, and its AccessPoints and
	// AccessPointPolicy (when set) to list and read the access points of
	// that Region. Without it, buckets are read through Clients whatever
	// their Region, a region redirect is recorded as a read error, and
	// only the access points of the Region of Clients are listed.
	Regional func(region string) Clients
	// Concurrency is how many buckets are read at once; 8 when zero.
	Concurrency int
	// Buckets, when set, limits the scan to the buckets of these names,
	// which are not listed: ListBuckets, and s3:ListAllMyBuckets, are
	// not needed.
	Buckets []string
	// Progress, when set, is called after each bucket is read, from one
	// goroutine at a time, with the number of buckets read so far.
	Progress func(done, total int, bucket string)
	// Now is the time recorded as Snapshot.Taken; the current time when zero.
	Now time.Time
}

// errNoClient is the error of a call whose client is nil.
var errNoClient = errors.New("no client was given for this call")

// Collect reads a Snapshot of the account, its buckets and its access
// points through the clients. Buckets, then access points, are read
// concurrently, at most opts.Concurrency at a time. A call that fails for a bucket (access denied, a region redirect
// that cannot be followed, throttling once the SDK's retries are spent)
// is recorded in the bucket's (or access point's, or account's) Errors,
// and the scan goes on; S3's "not found" answers (NoSuchBucketPolicy,
// NoSuchPublicAccessBlockConfiguration, NoSuchAccessPointPolicy, ...) mean
// the configuration is not set. Collect returns an error only
// when it cannot list the buckets, cannot learn the account ID, or ctx
// ends.
func Collect(ctx context.Context, clients Clients, opts CollectOptions) (*Snapshot, error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	s := &Snapshot{Version: SnapshotVersion, Taken: now.UTC(), Partition: opts.Partition, Account: Account{ID: opts.AccountID}}
	if s.Account.ID == "" {
		if clients.Identity == nil {
			return nil, errors.New("checks: the account ID is unknown: set CollectOptions.AccountID or Clients.Identity")
		}
		out, err := clients.Identity.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("checks: GetCallerIdentity: %w", err)
		}
		s.Account.ID = aws.ToString(out.Account)
	}
	c := &collector{base: clients, opts: opts, regional: map[string]Clients{}}
	c.account(ctx, &s.Account)
	listed, err := c.list(ctx)
	if err != nil {
		return nil, err
	}
	s.Buckets = make([]Bucket, len(listed))
	n := opts.Concurrency
	if n <= 0 {
		n = 8
	}
	var (
		wg       sync.WaitGroup
		sem      = make(chan struct{}, n)
		progress sync.Mutex
		done     int
	)
	for i, lb := range listed {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			s.Buckets[i] = c.bucket(ctx, lb.name, lb.region)
			if opts.Progress != nil {
				progress.Lock()
				done++
				opts.Progress(done, len(listed), lb.name)
				progress.Unlock()
			}
		})
	}
	wg.Wait()
	if ctx.Err() == nil {
		c.accessPoints(ctx, s)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("checks: collect: %w", err)
	}
	return s, nil
}

type collector struct {
	base Clients
	opts CollectOptions

	mu       sync.Mutex
	regional map[string]Clients
}

// clientsFor returns the clients to read a bucket of region with.
func (c *collector) clientsFor(region string) Clients {
	if c.opts.Regional == nil || region == "" || region == c.opts.Region {
		return c.base
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cl, ok := c.regional[region]
	if !ok {
		cl = c.opts.Regional(region)
		c.regional[region] = cl
	}
	return cl
}

func (c *collector) account(ctx context.Context, a *Account) {
	if c.base.Account == nil {
		a.Errors = append(a.Errors, ReadError{Call: "GetPublicAccessBlock", Message: errNoClient.Error()})
		return
	}
	out, err := c.base.Account.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(a.ID)})
	switch {
	case err == nil:
		if p := out.PublicAccessBlockConfiguration; p != nil {
			a.PublicAccessBlock = &PublicAccessBlock{
				BlockPublicAcls: aws.ToBool(p.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(p.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets),
			}
		}
	case errorCode(err) == "NoSuchPublicAccessBlockConfiguration":
	default:
		a.Errors = append(a.Errors, readError("GetPublicAccessBlock", err))
	}
}

type listedBucket struct{ name, region string }

// list pages through ListBuckets; the buckets of opts.Buckets, when set,
// are taken as they are, without ListBuckets (and its
// s3:ListAllMyBuckets), their Region read with each bucket.
func (c *collector) list(ctx context.Context) ([]listedBucket, error) {
	if len(c.opts.Buckets) > 0 {
		var out []listedBucket
		for _, name := range c.opts.Buckets {
			if !slices.ContainsFunc(out, func(b listedBucket) bool { return b.name == name }) {
				out = append(out, listedBucket{name: name})
			}
		}
		return out, nil
	}
	if c.base.Buckets == nil {
		return nil, errors.New("checks: Clients.Buckets is nil: cannot list the buckets")
	}
	var out []listedBucket
	seen := map[string]bool{}
	in := &s3.ListBucketsInput{MaxBuckets: aws.Int32(1000)}
	for {
		page, err := c.base.Buckets.ListBuckets(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("checks: ListBuckets: %w", err)
		}
		for _, b := range page.Buckets {
			out = append(out, listedBucket{aws.ToString(b.Name), aws.ToString(b.BucketRegion)})
		}
		tok := aws.ToString(page.ContinuationToken)
		if tok == "" || seen[tok] {
			return out, nil
		}
		seen[tok] = true
		in = &s3.ListBucketsInput{MaxBuckets: aws.Int32(1000), ContinuationToken: aws.String(tok)}
	}
}

func readError(call string, err error) ReadError {
	return ReadError{Call: call, Code: errorCode(err), Message: errorMessage(err)}
}

// locationRegion reads GetBucketLocation's answer: an empty constraint is
// us-east-1, and "EU" the old name of eu-west-1.
func locationRegion(out *s3.GetBucketLocationOutput) string {
	switch r := string(out.LocationConstraint); r {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	default:
		return r
	}
}
