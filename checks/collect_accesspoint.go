package checks

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/s3vet/s3vet/policy/access"
)

// listedAccessPoint is an access point as ListAccessPoints named it, with
// the clients of its Region.
type listedAccessPoint struct {
	ap AccessPoint
	cl Clients
}

// accessPoints lists the account's access points and reads each of them.
// Access points are regional ("When you create an access point, you choose
// its name and the AWS Region to create it in": S3 User Guide, "Access
// points naming rules, restrictions, and limitations"): they are listed
// through Clients.AccessPoints in the Region of the S3 clients, and in
// every other Region of the snapshot's buckets whose
// CollectOptions.Regional clients have an AccessPoints reader.
func (c *collector) accessPoints(ctx context.Context, s *Snapshot) {
	a := &s.Account
	if c.base.AccessPoints == nil {
		a.Errors = append(a.Errors, ReadError{Call: "ListAccessPoints", Message: errNoClient.Error()})
		return
	}
	type where struct {
		region string
		cl     Clients
	}
	regions := []where{{c.opts.Region, c.base}}
	if c.opts.Regional != nil {
		seen := map[string]bool{c.opts.Region: true}
		for _, b := range s.Buckets {
			if b.Region == "" || seen[b.Region] {
				continue
			}
			seen[b.Region] = true
			if cl := c.clientsFor(b.Region); cl.AccessPoints != nil {
				regions = append(regions, where{b.Region, cl})
			}
		}
	}
	var listed []listedAccessPoint
	for _, w := range regions {
		aps, err := c.listAccessPoints(ctx, w.cl.AccessPoints, a.ID, w.region)
		if err != nil {
			a.Errors = append(a.Errors, *err)
		}
		for _, ap := range aps {
			// With CollectOptions.Region empty, the S3 clients' Region may
			// be listed twice, as itself and through Regional.
			dup := slices.ContainsFunc(listed, func(l listedAccessPoint) bool {
				return l.ap.Name == ap.Name && l.ap.Region == ap.Region && l.ap.ARN == ap.ARN
			})
			if !dup {
				listed = append(listed, listedAccessPoint{ap, w.cl})
			}
		}
	}
	if len(listed) == 0 {
		return
	}
	n := c.opts.Concurrency
	if n <= 0 {
		n = 8
	}
	var (
		wg   sync.WaitGroup
		sem  = make(chan struct{}, n)
		gone = make([]bool, len(listed))
	)
	for i := range listed {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			gone[i] = !readAccessPoint(ctx, listed[i].cl, a.ID, &listed[i].ap)
		})
	}
	wg.Wait()
	for i, l := range listed {
		if !gone[i] {
			a.AccessPoints = append(a.AccessPoints, l.ap)
		}
	}
}

// listAccessPoints pages through ListAccessPoints in one Region. It
// returns the access points listed, and the error of the call that failed,
// if one did.
func (c *collector) listAccessPoints(ctx context.Context, r AccessPointReader, account, region string) ([]AccessPoint, *ReadError) {
	var out []AccessPoint
	seen := map[string]bool{}
	in := &s3control.ListAccessPointsInput{AccountId: aws.String(account)}
	for {
		page, err := r.ListAccessPoints(ctx, in)
		if err != nil {
			e := readError("ListAccessPoints", err)
			if region != c.opts.Region {
				e.Message += " (Region " + region + ")"
			}
			return out, &e
		}
		for _, p := range page.AccessPointList {
			ap := AccessPoint{
				Name: aws.ToString(p.Name), ARN: aws.ToString(p.AccessPointArn), Alias: aws.ToString(p.Alias),
				Bucket: aws.ToString(p.Bucket), BucketAccountID: aws.ToString(p.BucketAccountId),
				NetworkOrigin: string(p.NetworkOrigin), Region: region,
			}
			if p.VpcConfiguration != nil {
				ap.VPCID = aws.ToString(p.VpcConfiguration.VpcId)
			}
			if r, _, _, _, err := access.ParseAccessPointARN(ap.ARN); err == nil && r != "" {
				ap.Region = r
			}
			out = append(out, ap)
		}
		tok := aws.ToString(page.NextToken)
		if tok == "" || seen[tok] {
			return out, nil
		}
		seen[tok] = true
		in = &s3control.ListAccessPointsInput{AccountId: aws.String(account), NextToken: aws.String(tok)}
	}
}

// readAccessPoint reads one access point's configuration and policy into
// ap, as the bucket reader does: a "not found" answer leaves a
// configuration unset, any other error is recorded in ap.Errors. It
// reports false when the access point no longer exists (deleted since it
// was listed).
func readAccessPoint(ctx context.Context, cl Clients, account string, ap *AccessPoint) bool {
	acct, name := aws.String(account), aws.String(ap.Name)
	record := func(call, notFound string, err error) {
		switch {
		case err == nil, notFound != "" && errorCode(err) == notFound:
		case err == errNoClient:
			ap.Errors = append(ap.Errors, ReadError{Call: call, Message: err.Error()})
		default:
			ap.Errors = append(ap.Errors, readError(call, err))
		}
	}
	out, err := cl.AccessPoints.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: name})
	if errorCode(err) == "NoSuchAccessPoint" {
		return false
	}
	if err == nil {
		ap.ARN = cmp.Or(aws.ToString(out.AccessPointArn), ap.ARN)
		ap.Alias = cmp.Or(aws.ToString(out.Alias), ap.Alias)
		ap.Bucket = cmp.Or(aws.ToString(out.Bucket), ap.Bucket)
		ap.BucketAccountID = cmp.Or(aws.ToString(out.BucketAccountId), ap.BucketAccountID)
		ap.NetworkOrigin = cmp.Or(string(out.NetworkOrigin), ap.NetworkOrigin)
		if out.VpcConfiguration != nil {
			ap.VPCID = aws.ToString(out.VpcConfiguration.VpcId)
		}
		if p := out.PublicAccessBlockConfiguration; p != nil {
			ap.PublicAccessBlock = &PublicAccessBlock{
				BlockPublicAcls: aws.ToBool(p.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(p.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets),
			}
		}
	}
	record("GetAccessPoint", "", err)
	if cl.AccessPointPolicy == nil {
		record("GetAccessPointPolicy", "", errNoClient)
		record("GetAccessPointPolicyStatus", "", errNoClient)
		return true
	}
	pol, err := cl.AccessPointPolicy.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: name})
	if err == nil {
		ap.Policy = aws.ToString(pol.Policy)
	}
	record("GetAccessPointPolicy", "NoSuchAccessPointPolicy", err)
	st, err := cl.AccessPointPolicy.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: acct, Name: name})
	if err == nil && st.PolicyStatus != nil {
		ap.PolicyStatus = &PolicyStatus{IsPublic: st.PolicyStatus.IsPublic}
	}
	record("GetAccessPointPolicyStatus", "NoSuchAccessPointPolicy", err)
	return true
}
