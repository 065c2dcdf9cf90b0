package checks_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/policy/access"
)

var taken = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// fullBucket is a bucket with every configuration set, as S3's API
// returns them.
func fullBucket() *fakeBucket {
	return &fakeBucket{
		policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::full/*"}]}`,
		public: true,
		acl: &s3.GetBucketAclOutput{
			Owner: &types.Owner{ID: aws.String("owner-id")},
			Grants: []types.Grant{
				{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String("owner-id")}, Permission: types.PermissionFullControl},
				{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: types.PermissionRead},
				{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}, Permission: types.PermissionWrite},
			},
		},
		pab:       &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false)},
		ownership: types.ObjectOwnershipObjectWriter,
		encryption: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("arn:aws:kms:us-east-1:111122223333:key/k")},
			BucketKeyEnabled:                   aws.Bool(true),
			BlockedEncryptionTypes:             &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeSseC}},
		}}},
		versioning: &s3.GetBucketVersioningOutput{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteStatusDisabled},
		lock:       &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled, Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(30)}}},
		logging:    &types.LoggingEnabled{TargetBucket: aws.String("logs"), TargetPrefix: aws.String("full/")},
		notify: &s3.GetBucketNotificationConfigurationOutput{
			QueueConfigurations:      []types.QueueConfiguration{{QueueArn: aws.String("arn:aws:sqs:us-east-1:111122223333:q"), Events: []types.Event{"s3:ObjectCreated:*"}}},
			EventBridgeConfiguration: &types.EventBridgeConfiguration{},
		},
		lifecycle: []types.LifecycleRule{{
			ID: aws.String("old"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")},
			Expiration:                     &types.LifecycleExpiration{Days: aws.Int32(30)},
			NoncurrentVersionExpiration:    &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(7)},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)},
			Transitions:                    []types.Transition{{Days: aws.Int32(10), StorageClass: types.TransitionStorageClassGlacier}},
		}},
		replication: &types.ReplicationConfiguration{Role: aws.String("arn:aws:iam::111122223333:role/r"), Rules: []types.ReplicationRule{{
			ID: aws.String("dr"), Status: types.ReplicationRuleStatusEnabled, Destination: &types.Destination{Bucket: aws.String("arn:aws:s3:::replica"), Account: aws.String("444455556666")},
		}}},
		website: &s3.GetBucketWebsiteOutput{IndexDocument: &types.IndexDocument{Suffix: aws.String("index.html")}, ErrorDocument: &types.ErrorDocument{Key: aws.String("404.html")}},
		tags:    []types.Tag{{Key: aws.String("team"), Value: aws.String("storage")}},
	}
}

// TestCollectReadsEverything: every configuration S3 returns lands in the
// snapshot, in the snapshot's own terms.
func TestCollectReadsEverything(t *testing.T) {
	f := newFake("us-east-1").add("full", fullBucket()).add("empty", &fakeBucket{})
	cl := f.clients()
	cl.Account = &fakeAccount{pab: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}}
	s, err := checks.Collect(context.Background(), cl, checks.CollectOptions{Region: "us-east-1", Now: taken})
	if err != nil {
		t.Fatal(err)
	}
	want := &checks.Snapshot{
		Version: checks.SnapshotVersion, Taken: taken,
		Account: checks.Account{ID: "111122223333", PublicAccessBlock: &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}},
		Buckets: []checks.Bucket{
			{
				Name: "full", Region: "us-east-1",
				Policy:       fullBucket().policy,
				PolicyStatus: &checks.PolicyStatus{IsPublic: true},
				ACL: &checks.ACL{Owner: "owner-id", Grants: []access.Grant{
					{Grantee: "owner-id", Permission: "FULL_CONTROL"}, {Grantee: "AllUsers", Permission: "READ"}, {Grantee: "LogDelivery", Permission: "WRITE"},
				}},
				PublicAccessBlock: &checks.PublicAccessBlock{BlockPublicAcls: true, BlockPublicPolicy: true},
				ObjectOwnership:   "ObjectWriter",
				Encryption:        &checks.Encryption{Algorithm: "aws:kms", KMSKeyID: "arn:aws:kms:us-east-1:111122223333:key/k", BucketKey: true, BlockedEncryptionTypes: []string{"SSE-C"}},
				Versioning:        checks.Versioning{Status: "Enabled", MFADelete: "Disabled"},
				Logging:           &checks.Logging{TargetBucket: "logs", TargetPrefix: "full/"},
				Lifecycle: []checks.LifecycleRule{{ID: "old", Status: "Enabled", Filter: "tmp/", ExpirationDays: 30, NoncurrentExpirationDays: 7, AbortIncompleteUploadDays: 1,
					Transitions: []checks.Transition{{Days: 10, StorageClass: "GLACIER"}}}},
				ObjectLock:    &checks.ObjectLock{Enabled: true, Mode: "GOVERNANCE", Days: 30},
				Replication:   &checks.Replication{Role: "arn:aws:iam::111122223333:role/r", Rules: []checks.ReplicationRule{{ID: "dr", Status: "Enabled", Destination: "arn:aws:s3:::replica", Account: "444455556666"}}},
				Notifications: &checks.Notifications{EventBridge: true, Targets: []checks.NotificationTarget{{Type: "queue", ARN: "arn:aws:sqs:us-east-1:111122223333:q", Events: []string{"s3:ObjectCreated:*"}}}},
				Website:       &checks.Website{IndexDocument: "index.html", ErrorDocument: "404.html"},
				Tags:          map[string]string{"team": "storage"},
			},
			// S3's "not found" answers are settings that are not set.
			{Name: "empty", Region: "us-east-1", ACL: &checks.ACL{Owner: "owner-canonical-id"}},
		},
	}
	if !reflect.DeepEqual(s, want) {
		g, _ := json.MarshalIndent(s, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("snapshot:\n%s\nwant:\n%s", g, w)
	}
	if back := roundTrip(t, s); !reflect.DeepEqual(back, s) {
		t.Errorf("snapshot changed in a JSON round trip")
	}
}

// TestCollectUnreadableBucket: a bucket whose configuration cannot be read
// (access denied, throttling once the SDK's retries are spent, a redirect
// with no client for the Region) becomes findings, not a failed scan.
func TestCollectUnreadableBucket(t *testing.T) {
	throttled := &retry.MaxAttemptsError{Attempt: 3, Err: apiError("SlowDown", "Please reduce your request rate.")}
	f := newFake("us-east-1").
		add("denied", &fakeBucket{errs: map[string]error{"GetBucketPolicy": apiError("AccessDenied", "Access Denied")}}).
		add("throttled", &fakeBucket{errs: map[string]error{"GetBucketAcl": throttled}}).
		add("elsewhere", &fakeBucket{region: "eu-west-1", listRegion: true}).
		add("fine", &fakeBucket{})
	s, err := checks.Collect(context.Background(), f.clients(), checks.CollectOptions{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	errs := map[string][]checks.ReadError{}
	for _, b := range s.Buckets {
		errs[b.Name] = b.Errors
	}
	if e := errs["denied"]; len(e) != 1 || e[0].Call != "GetBucketPolicy" || e[0].Code != "AccessDenied" {
		t.Errorf("denied: %v", e)
	}
	if e := errs["throttled"]; len(e) != 1 || e[0].Call != "GetBucketAcl" || e[0].Code != "SlowDown" {
		t.Errorf("throttled: %v", e)
	}
	if e := errs["elsewhere"]; len(e) != 14 || e[0].Code != "PermanentRedirect" {
		t.Errorf("elsewhere without a regional client: %d errors, %v", len(e), e)
	}
	if e := errs["fine"]; len(e) != 0 {
		t.Errorf("fine: %v", e)
	}
	var got []string
	for _, fd := range checks.Run(s, checks.Options{Only: []string{"read-error"}}) {
		got = append(got, fd.Bucket+" "+strings.SplitN(fd.Evidence, ": ", 2)[0])
		if fd.Bucket == "denied" && !strings.Contains(fd.Fix, "s3:GetBucketPolicy") {
			t.Errorf("fix does not name the permission: %s", fd.Fix)
		}
		if fd.Bucket == "throttled" && !strings.Contains(fd.Fix, "concurrency") {
			t.Errorf("fix for throttling: %s", fd.Fix)
		}
	}
	// One finding for every call that failed the same way.
	if len(got) != 3 || got[0] != "denied GetBucketPolicy" || got[1] != "throttled GetBucketAcl" ||
		!strings.HasPrefix(got[2], "elsewhere GetBucketPolicy, GetBucketPolicyStatus, GetBucketAcl,") {
		t.Errorf("read-error findings: %v", got)
	}
	// The account's Block Public Access could not be read either: the
	// fake S3 Control has no configuration, which is "not set".
	if s.Account.PublicAccessBlock != nil || len(s.Account.Errors) != 0 {
		t.Errorf("account: %+v", s.Account)
	}
}

// TestCollectFollowsRegions: buckets of another Region are read through
// the caller's client for that Region, whether ListBuckets, GetBucketLocation
// or a redirect names the Region; the factory is called once per Region.
func TestCollectFollowsRegions(t *testing.T) {
	base := newFake("us-east-1").
		add("home", &fakeBucket{}).
		add("listed", &fakeBucket{region: "eu-west-1", listRegion: true}).
		add("located", &fakeBucket{region: "eu-west-1"}).
		add("hidden", &fakeBucket{region: "ap-south-1", errs: map[string]error{"GetBucketLocation": apiError("AccessDenied", "Access Denied")}})
	regional := map[string]*fakeS3{"eu-west-1": newFake("eu-west-1"), "ap-south-1": newFake("ap-south-1")}
	for _, n := range []string{"listed", "located"} {
		b := *base.buckets[n]
		b.policy = `{"Version":"2012-10-17","Statement":[]}`
		regional["eu-west-1"].add(n, &b)
	}
	regional["ap-south-1"].add("hidden", &fakeBucket{policy: `{"Version":"2012-10-17","Statement":[]}`})
	calls := map[string]int{}
	s, err := checks.Collect(context.Background(), base.clients(), checks.CollectOptions{
		Region: "us-east-1", Concurrency: 1,
		Regional: func(region string) checks.Clients { calls[region]++; return regional[region].clients() },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range s.Buckets {
		wantErrs := 0
		if b.Name == "hidden" {
			wantErrs = 1 // GetBucketLocation; the redirect's header then named the Region
		}
		if len(b.Errors) != wantErrs {
			t.Errorf("%s: %v", b.Name, b.Errors)
		}
		if b.Name != "home" && b.Policy == "" {
			t.Errorf("%s: policy not read through the regional client", b.Name)
		}
		if want := base.buckets[b.Name].region; b.Region != want {
			t.Errorf("%s: region %q, want %q", b.Name, b.Region, want)
		}
	}
	if calls["eu-west-1"] != 1 || calls["ap-south-1"] != 1 || len(calls) != 2 {
		t.Errorf("factory calls %v, want one per Region", calls)
	}
}

func TestCollectConcurrencyAndProgress(t *testing.T) {
	f := newFake("us-east-1")
	f.page = 7
	f.delay = time.Millisecond
	for i := range 40 {
		f.add("bucket-"+string(rune('a'+i/26))+string(rune('a'+i%26)), &fakeBucket{})
	}
	var dones []int
	s, err := checks.Collect(context.Background(), f.clients(), checks.CollectOptions{
		Region: "us-east-1", Concurrency: 3,
		Progress: func(done, total int, _ string) {
			if total != 40 {
				t.Errorf("total %d", total)
			}
			dones = append(dones, done)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Buckets) != 40 || s.Buckets[0].Name != "bucket-aa" || s.Buckets[39].Name != "bucket-bn" {
		t.Errorf("%d buckets, pages not followed in order", len(s.Buckets))
	}
	if m := f.maxInflight.Load(); m > 3 || m < 2 {
		t.Errorf("at most %d calls at once, want 2 or 3 (concurrency 3)", m)
	}
	for i, d := range dones {
		if d != i+1 {
			t.Fatalf("progress %v", dones)
		}
	}
	if len(dones) != 40 {
		t.Errorf("progress called %d times", len(dones))
	}
}

func TestCollectOptions(t *testing.T) {
	f := newFake("us-east-1").add("a", &fakeBucket{}).add("b", &fakeBucket{})
	s, err := checks.Collect(context.Background(), f.clients(), checks.CollectOptions{AccountID: "999988887777", Buckets: []string{"b"}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Account.ID != "999988887777" || len(s.Buckets) != 1 || s.Buckets[0].Name != "b" {
		t.Errorf("%+v", s)
	}

	cl := f.clients()
	cl.Identity = nil
	if _, err := checks.Collect(context.Background(), cl, checks.CollectOptions{}); err == nil || !strings.Contains(err.Error(), "account ID") {
		t.Errorf("no identity: %v", err)
	}
	cl = f.clients()
	cl.Buckets = nil
	if _, err := checks.Collect(context.Background(), cl, checks.CollectOptions{}); err == nil {
		t.Error("no lister: no error")
	}
	cl = f.clients()
	cl.Account = &fakeAccount{err: apiError("AccessDenied", "Access Denied")}
	cl.Website = nil
	s, err = checks.Collect(context.Background(), cl, checks.CollectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e := s.Account.Errors; len(e) != 1 || e[0].Code != "AccessDenied" {
		t.Errorf("account errors %v", e)
	}
	if e := s.Buckets[0].Errors; len(e) != 2 || e[0].Call != "GetBucketWebsite" || e[1].Call != "GetBucketTagging" {
		t.Errorf("nil client: %v", e)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := checks.Collect(ctx, f.clients(), checks.CollectOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
