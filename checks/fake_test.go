package checks_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3vet/s3vet/checks"
)

// fakeS3 is a test double of the narrow interfaces checks declares, for
// one Region: it answers for the buckets of its Region as S3 does, and
// with a PermanentRedirect for the others.
type fakeS3 struct {
	region  string
	buckets map[string]*fakeBucket
	order   []string
	page    int           // ListBuckets page size; all at once when 0
	delay   time.Duration // of every bucket call, to see concurrency

	inflight, maxInflight atomic.Int32
	mu                    sync.Mutex
	calls                 map[string]int
}

type fakeBucket struct {
	region      string
	listRegion  bool // ListBuckets names the Region
	policy      string
	public      bool
	acl         *s3.GetBucketAclOutput
	pab         *types.PublicAccessBlockConfiguration
	ownership   types.ObjectOwnership
	encryption  *types.ServerSideEncryptionConfiguration
	versioning  *s3.GetBucketVersioningOutput
	lock        *types.ObjectLockConfiguration
	logging     *types.LoggingEnabled
	notify      *s3.GetBucketNotificationConfigurationOutput
	lifecycle   []types.LifecycleRule
	replication *types.ReplicationConfiguration
	website     *s3.GetBucketWebsiteOutput
	tags        []types.Tag
	errs        map[string]error // by call
}

func apiError(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

// redirect is S3's answer to a request sent to the wrong Region, as the
// SDK returns it: the error code, and the bucket's Region in a header.
func redirect(region string) error {
	h := http.Header{}
	h.Set("X-Amz-Bucket-Region", region)
	return &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 301, Header: h}},
		Err:      apiError("PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint."),
	}
}

func newFake(region string) *fakeS3 {
	return &fakeS3{region: region, buckets: map[string]*fakeBucket{}, calls: map[string]int{}}
}

func (f *fakeS3) add(name string, b *fakeBucket) *fakeS3 {
	if b.region == "" {
		b.region = f.region
	}
	f.buckets[name] = b
	f.order = append(f.order, name)
	return f
}

func (f *fakeS3) clients() checks.Clients {
	return checks.Clients{
		Buckets: f, Location: f, Policy: f, ACL: f, PublicAccessBlock: f, Encryption: f,
		Protection: f, Monitoring: f, Copies: f, Website: f, Account: &fakeAccount{}, Identity: f,
		AccessPoints: &fakeAccessPoints{}, AccessPointPolicy: &fakeAccessPoints{},
	}
}

// enter looks the bucket up for call and says what S3 would answer
// instead of the configuration: a redirect, an injected error, or nil.
func (f *fakeS3) enter(call string, name *string, notFound bool, notFoundCode string) (*fakeBucket, error) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.calls[call]++
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	b, ok := f.buckets[aws.ToString(name)]
	if !ok {
		return nil, apiError("NoSuchBucket", "The specified bucket does not exist")
	}
	if err := b.errs[call]; err != nil {
		return nil, err
	}
	if call != "GetBucketLocation" && b.region != f.region {
		return nil, redirect(b.region)
	}
	if notFound {
		return nil, apiError(notFoundCode, "not found")
	}
	return b, nil
}

func (f *fakeS3) ListBuckets(_ context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	start := 0
	if tok := aws.ToString(in.ContinuationToken); tok != "" {
		for i, n := range f.order {
			if n == tok {
				start = i
			}
		}
	}
	end := len(f.order)
	if f.page > 0 && start+f.page < end {
		end = start + f.page
	}
	out := &s3.ListBucketsOutput{}
	for _, n := range f.order[start:end] {
		b := types.Bucket{Name: aws.String(n)}
		if f.buckets[n].listRegion {
			b.BucketRegion = aws.String(f.buckets[n].region)
		}
		out.Buckets = append(out.Buckets, b)
	}
	if end < len(f.order) {
		out.ContinuationToken = aws.String(f.order[end])
	}
	return out, nil
}

func (f *fakeS3) GetBucketLocation(_ context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	b, err := f.enter("GetBucketLocation", in.Bucket, false, "")
	if err != nil {
		return nil, err
	}
	if b.region == "us-east-1" {
		return &s3.GetBucketLocationOutput{}, nil
	}
	return &s3.GetBucketLocationOutput{LocationConstraint: types.BucketLocationConstraint(b.region)}, nil
}

func (f *fakeS3) HeadBucket(_ context.Context, in *s3.HeadBucketInput, _ ...func(*s3.Options)) (*s3.HeadBucketOutput, error) {
	b, err := f.enter("HeadBucket", in.Bucket, false, "")
	if err != nil {
		return nil, err
	}
	return &s3.HeadBucketOutput{BucketRegion: aws.String(b.region)}, nil
}

func (f *fakeS3) GetBucketPolicy(_ context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	b, err := f.enter("GetBucketPolicy", in.Bucket, f.buckets[aws.ToString(in.Bucket)] != nil && f.buckets[aws.ToString(in.Bucket)].policy == "", "NoSuchBucketPolicy")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketPolicyOutput{Policy: aws.String(b.policy)}, nil
}

func (f *fakeS3) GetBucketPolicyStatus(_ context.Context, in *s3.GetBucketPolicyStatusInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	b, err := f.enter("GetBucketPolicyStatus", in.Bucket, f.buckets[aws.ToString(in.Bucket)] != nil && f.buckets[aws.ToString(in.Bucket)].policy == "", "NoSuchBucketPolicy")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &types.PolicyStatus{IsPublic: aws.Bool(b.public)}}, nil
}

func (f *fakeS3) GetBucketAcl(_ context.Context, in *s3.GetBucketAclInput, _ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	b, err := f.enter("GetBucketAcl", in.Bucket, false, "")
	if err != nil {
		return nil, err
	}
	if b.acl == nil {
		return &s3.GetBucketAclOutput{Owner: &types.Owner{ID: aws.String("owner-canonical-id")}}, nil
	}
	return b.acl, nil
}

func (f *fakeS3) GetBucketOwnershipControls(_ context.Context, in *s3.GetBucketOwnershipControlsInput, _ ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	b, err := f.enter("GetBucketOwnershipControls", in.Bucket, f.get(in.Bucket).ownership == "", "OwnershipControlsNotFoundError")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketOwnershipControlsOutput{OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: b.ownership}}}}, nil
}

func (f *fakeS3) get(name *string) *fakeBucket {
	if b := f.buckets[aws.ToString(name)]; b != nil {
		return b
	}
	return &fakeBucket{}
}

func (f *fakeS3) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	b, err := f.enter("GetPublicAccessBlock", in.Bucket, f.get(in.Bucket).pab == nil, "NoSuchPublicAccessBlockConfiguration")
	if err != nil {
		return nil, err
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.pab}, nil
}

func (f *fakeS3) GetBucketEncryption(_ context.Context, in *s3.GetBucketEncryptionInput, _ ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	b, err := f.enter("GetBucketEncryption", in.Bucket, f.get(in.Bucket).encryption == nil, "ServerSideEncryptionConfigurationNotFoundError")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketEncryptionOutput{ServerSideEncryptionConfiguration: b.encryption}, nil
}

func (f *fakeS3) GetBucketVersioning(_ context.Context, in *s3.GetBucketVersioningInput, _ ...func(*s3.Options)) (*s3.GetBucketVersioningOutput, error) {
	b, err := f.enter("GetBucketVersioning", in.Bucket, false, "")
	if err != nil {
		return nil, err
	}
	if b.versioning == nil {
		return &s3.GetBucketVersioningOutput{}, nil
	}
	return b.versioning, nil
}

func (f *fakeS3) GetObjectLockConfiguration(_ context.Context, in *s3.GetObjectLockConfigurationInput, _ ...func(*s3.Options)) (*s3.GetObjectLockConfigurationOutput, error) {
	b, err := f.enter("GetObjectLockConfiguration", in.Bucket, f.get(in.Bucket).lock == nil, "ObjectLockConfigurationNotFoundError")
	if err != nil {
		return nil, err
	}
	return &s3.GetObjectLockConfigurationOutput{ObjectLockConfiguration: b.lock}, nil
}

func (f *fakeS3) GetBucketLogging(_ context.Context, in *s3.GetBucketLoggingInput, _ ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error) {
	b, err := f.enter("GetBucketLogging", in.Bucket, false, "")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketLoggingOutput{LoggingEnabled: b.logging}, nil
}

func (f *fakeS3) GetBucketNotificationConfiguration(_ context.Context, in *s3.GetBucketNotificationConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketNotificationConfigurationOutput, error) {
	b, err := f.enter("GetBucketNotificationConfiguration", in.Bucket, false, "")
	if err != nil {
		return nil, err
	}
	if b.notify == nil {
		return &s3.GetBucketNotificationConfigurationOutput{}, nil
	}
	return b.notify, nil
}

func (f *fakeS3) GetBucketLifecycleConfiguration(_ context.Context, in *s3.GetBucketLifecycleConfigurationInput, _ ...func(*s3.Options)) (*s3.GetBucketLifecycleConfigurationOutput, error) {
	b, err := f.enter("GetBucketLifecycleConfiguration", in.Bucket, f.get(in.Bucket).lifecycle == nil, "NoSuchLifecycleConfiguration")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketLifecycleConfigurationOutput{Rules: b.lifecycle}, nil
}

func (f *fakeS3) GetBucketReplication(_ context.Context, in *s3.GetBucketReplicationInput, _ ...func(*s3.Options)) (*s3.GetBucketReplicationOutput, error) {
	b, err := f.enter("GetBucketReplication", in.Bucket, f.get(in.Bucket).replication == nil, "ReplicationConfigurationNotFoundError")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketReplicationOutput{ReplicationConfiguration: b.replication}, nil
}

func (f *fakeS3) GetBucketWebsite(_ context.Context, in *s3.GetBucketWebsiteInput, _ ...func(*s3.Options)) (*s3.GetBucketWebsiteOutput, error) {
	b, err := f.enter("GetBucketWebsite", in.Bucket, f.get(in.Bucket).website == nil, "NoSuchWebsiteConfiguration")
	if err != nil {
		return nil, err
	}
	return b.website, nil
}

func (f *fakeS3) GetBucketTagging(_ context.Context, in *s3.GetBucketTaggingInput, _ ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error) {
	b, err := f.enter("GetBucketTagging", in.Bucket, f.get(in.Bucket).tags == nil, "NoSuchTagSet")
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketTaggingOutput{TagSet: b.tags}, nil
}

// The account's side: S3 Control and STS.

type fakeAccount struct {
	pab *s3ctltypes.PublicAccessBlockConfiguration
	err error
}

func (a *fakeAccount) GetPublicAccessBlock(_ context.Context, in *s3control.GetPublicAccessBlockInput, _ ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	if a.err != nil {
		return nil, a.err
	}
	if a.pab == nil {
		return nil, apiError("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3control.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: a.pab}, nil
}

func (f *fakeS3) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Account: aws.String("111122223333"), Arn: aws.String("arn:aws:iam::111122223333:user/scanner")}, nil
}

// fakeAccessPoints is a test double of S3 Control's access points in one
// Region: ListAccessPoints a page at a time, GetAccessPoint,
// GetAccessPointPolicy and GetAccessPointPolicyStatus, with S3's "not
// found" codes and injected errors.
type fakeAccessPoints struct {
	aps     []*fakeAccessPoint
	page    int   // ListAccessPoints page size; all at once when 0
	listErr error // of ListAccessPoints

	mu    sync.Mutex
	calls map[string]int
}

type fakeAccessPoint struct {
	// get is GetAccessPoint's answer, which ListAccessPoints sums up.
	get    s3control.GetAccessPointOutput
	policy string
	public bool
	gone   bool             // deleted since listed: GetAccessPoint answers NoSuchAccessPoint
	errs   map[string]error // by call
}

func (f *fakeAccessPoints) enter(call string, name *string) (*fakeAccessPoint, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[call]++
	f.mu.Unlock()
	for _, ap := range f.aps {
		if aws.ToString(ap.get.Name) != aws.ToString(name) {
			continue
		}
		if ap.gone {
			break
		}
		return ap, ap.errs[call]
	}
	return nil, apiError("NoSuchAccessPoint", "The specified accesspoint does not exist")
}

func (f *fakeAccessPoints) ListAccessPoints(_ context.Context, in *s3control.ListAccessPointsInput, _ ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls["ListAccessPoints"]++
	f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	start := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		start, _ = strconv.Atoi(tok)
	}
	end := len(f.aps)
	if f.page > 0 && start+f.page < end {
		end = start + f.page
	}
	out := &s3control.ListAccessPointsOutput{}
	for _, ap := range f.aps[start:end] {
		g := ap.get
		out.AccessPointList = append(out.AccessPointList, s3ctltypes.AccessPoint{
			Name: g.Name, AccessPointArn: g.AccessPointArn, Alias: g.Alias, Bucket: g.Bucket, BucketAccountId: g.BucketAccountId,
			NetworkOrigin: g.NetworkOrigin, VpcConfiguration: g.VpcConfiguration,
		})
	}
	if end < len(f.aps) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (f *fakeAccessPoints) GetAccessPoint(_ context.Context, in *s3control.GetAccessPointInput, _ ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error) {
	ap, err := f.enter("GetAccessPoint", in.Name)
	if err != nil {
		return nil, err
	}
	out := ap.get
	return &out, nil
}

func (f *fakeAccessPoints) GetAccessPointPolicy(_ context.Context, in *s3control.GetAccessPointPolicyInput, _ ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error) {
	ap, err := f.enter("GetAccessPointPolicy", in.Name)
	if err != nil {
		return nil, err
	}
	if ap.policy == "" {
		return nil, apiError("NoSuchAccessPointPolicy", "The specified accesspoint policy does not exist")
	}
	return &s3control.GetAccessPointPolicyOutput{Policy: aws.String(ap.policy)}, nil
}

func (f *fakeAccessPoints) GetAccessPointPolicyStatus(_ context.Context, in *s3control.GetAccessPointPolicyStatusInput, _ ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyStatusOutput, error) {
	ap, err := f.enter("GetAccessPointPolicyStatus", in.Name)
	if err != nil {
		return nil, err
	}
	if ap.policy == "" {
		return nil, apiError("NoSuchAccessPointPolicy", "The specified accesspoint policy does not exist")
	}
	return &s3control.GetAccessPointPolicyStatusOutput{PolicyStatus: &s3ctltypes.PolicyStatus{IsPublic: ap.public}}, nil
}
