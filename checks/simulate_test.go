package checks_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/simulate"
)

// The fixtures again, built in the simulator through the SDK and read
// back by Collect through the SDK: the same path as a scan of AWS.

const (
	simAccount = "111122223333"
	simRoot    = "arn:aws:iam::111122223333:root"
	simScanner = "arn:aws:iam::111122223333:user/scanner"
)

// simWorld is one account with its root keys, a read-only scanner, the KMS
// key of the fixtures, and the buckets whose MFA Delete only the world can
// turn on (the API needs the root user's MFA device).
func simWorld(s *checks.Snapshot) *simulate.World {
	a := &simulate.Account{
		ID:             simAccount,
		RootAccessKeys: []simulate.AccessKey{{ID: "AKIAROOTEXAMPLE00001", Secret: "root-secret"}},
		Users: []*simulate.User{{
			Name: "scanner", AccessKeys: []simulate.AccessKey{{ID: "AKIASCANNEREXAMPLE01", Secret: "scanner-secret"}},
			Policies: []json.RawMessage{json.RawMessage(`{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"},
				{"Effect":"Deny","Action":"s3:GetBucketPolicy","Resource":"arn:aws:s3:::fail-denied"}]}`)},
		}},
		KMSKeys: []simulate.KMSKey{{ID: "1234abcd-12ab-34cd-56ef-1234567890ab"}},
		Roles:   []*simulate.Role{{Name: "app"}, {Name: "admin"}, {Name: "replication"}},
	}
	for _, b := range s.Buckets {
		if b.Versioning.MFADelete == "Enabled" {
			a.Buckets = append(a.Buckets, &simulate.Bucket{Name: b.Name, Versioning: "Enabled", MFADelete: true})
		}
	}
	// The other accounts the fixtures' policies name.
	other := &simulate.Account{ID: "444455556666", Roles: []*simulate.Role{{Name: "x"}, {Name: "admin"}}}
	trusted := &simulate.Account{ID: "555555555555"}
	w := &simulate.World{Accounts: []*simulate.Account{a, other, trusted}}
	// And those their ACLs grant to, by canonical user ID: S3 refuses a
	// grantee it does not know.
	seen := map[string]bool{}
	for _, b := range s.Buckets {
		if b.ACL == nil {
			continue
		}
		for _, g := range b.ACL.Grants {
			if len(g.Grantee) == 64 && g.Grantee != b.ACL.Owner && !seen[g.Grantee] {
				seen[g.Grantee] = true
				w.Accounts = append(w.Accounts, &simulate.Account{ID: fmt.Sprintf("9%011d", len(seen)), CanonicalID: g.Grantee})
			}
		}
	}
	if deny := deniedReads(s); deny != nil {
		// The scan runs as the root user, whom a bucket policy cannot deny
		// GetBucketPolicy; an SCP can (Organizations User Guide, "SCPs
		// affect ... the root user" of member accounts).
		w.Organization = &simulate.Organization{ID: "o-simulatorscp", Accounts: []string{simAccount},
			SCPs: [][]json.RawMessage{{json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), deny}}}
	}
	return w
}

// readActions are the IAM actions of the calls Collect makes, with the
// subresource of each call's request.
var readActions = map[string]struct{ action, sub string }{
	"GetBucketPolicy":                    {"s3:GetBucketPolicy", "policy"},
	"GetBucketPolicyStatus":              {"s3:GetBucketPolicyStatus", "policyStatus"},
	"GetBucketAcl":                       {"s3:GetBucketAcl", "acl"},
	"GetPublicAccessBlock":               {"s3:GetBucketPublicAccessBlock", "publicAccessBlock"},
	"GetBucketOwnershipControls":         {"s3:GetBucketOwnershipControls", "ownershipControls"},
	"GetBucketEncryption":                {"s3:GetEncryptionConfiguration", "encryption"},
	"GetBucketVersioning":                {"s3:GetBucketVersioning", "versioning"},
	"GetBucketLogging":                   {"s3:GetBucketLogging", "logging"},
	"GetBucketLifecycleConfiguration":    {"s3:GetLifecycleConfiguration", "lifecycle"},
	"GetObjectLockConfiguration":         {"s3:GetBucketObjectLockConfiguration", "object-lock"},
	"GetBucketReplication":               {"s3:GetReplicationConfiguration", "replication"},
	"GetBucketNotificationConfiguration": {"s3:GetBucketNotification", "notification"},
	"GetBucketWebsite":                   {"s3:GetBucketWebsite", "website"},
	"GetBucketTagging":                   {"s3:GetBucketTagging", "tagging"},
}

// deniedReads returns an SCP that denies the calls the snapshot could not
// make for AccessDenied, or nil.
func deniedReads(s *checks.Snapshot) json.RawMessage {
	type stmt struct {
		Effect   string
		Action   string
		Resource string
	}
	var sts []stmt
	for _, e := range s.Account.Errors {
		if e.Code == "AccessDenied" && e.Call == "GetPublicAccessBlock" {
			sts = append(sts, stmt{"Deny", "s3:GetAccountPublicAccessBlock", "*"})
		}
	}
	for _, b := range s.Buckets {
		for _, e := range b.Errors {
			if e.Code == "AccessDenied" {
				sts = append(sts, stmt{"Deny", readActions[e.Call].action, "arn:aws:s3:::" + b.Name})
			}
		}
	}
	if len(sts) == 0 {
		return nil
	}
	doc, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": sts})
	return doc
}

// faults stands between the SDK and the simulator, which neither throttles
// nor holds buckets of other Regions: it answers the calls a snapshot
// records as throttled (SlowDown) or redirected (PermanentRedirect) as S3
// does, so that the SDK's own retryer and error decoding make the errors.
type faults struct {
	base http.RoundTripper
	code map[string]string // bucket + "?" + subresource -> S3 error code
}

func newFaults(base http.RoundTripper, s *checks.Snapshot) *faults {
	f := &faults{base: base, code: map[string]string{}}
	for _, b := range s.Buckets {
		for _, e := range b.Errors {
			if e.Code != "AccessDenied" {
				f.code[b.Name+"?"+readActions[e.Call].sub] = e.Code
			}
		}
	}
	return f
}

func (f *faults) RoundTrip(r *http.Request) (*http.Response, error) {
	bucket, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	for sub := range r.URL.Query() {
		code, ok := f.code[bucket+"?"+sub]
		if !ok || r.Method != http.MethodGet {
			continue
		}
		status, msg, h := http.StatusServiceUnavailable, "Please reduce your request rate.", http.Header{"Content-Type": {"application/xml"}}
		if code == "PermanentRedirect" {
			status, msg = http.StatusMovedPermanently, "The bucket you are attempting to access must be addressed using the specified endpoint."
			h.Set("X-Amz-Bucket-Region", "eu-west-1")
		}
		body := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>FAULT</RequestId></Error>`, code, msg)
		return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Header: h,
			Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: r,
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}, nil
	}
	return f.base.RoundTrip(r)
}

// scanClients are the clients of a scan as the root user, through faults,
// with the SDK's standard retryer (three attempts, backoff capped at a
// millisecond so that throttling exhausts them at once).
func scanClients(srv *simulate.Server, s *checks.Snapshot) checks.Clients {
	cfg := srv.Config(simRoot)
	cfg.HTTPClient = &http.Client{Transport: newFaults(srv.HTTPClient().Transport, s)}
	cfg.Retryer = func() aws.Retryer {
		return retry.AddWithMaxBackoffDelay(retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3 }), time.Millisecond)
	}
	return checks.NewClients(s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), s3control.NewFromConfig(cfg), nil)
}

// build sets up the snapshot's account and buckets in the simulator, in
// the order S3 allows, and returns the buckets S3 refused to set up as the
// snapshot says, with S3's error.
func build(ctx context.Context, t *testing.T, srv *simulate.Server, s *checks.Snapshot, check string) map[string]error {
	t.Helper()
	c := srv.Client(simRoot)
	refused := map[string]error{}
	for _, b := range s.Buckets {
		in := &s3.CreateBucketInput{Bucket: aws.String(b.Name)}
		if b.ObjectLock != nil && b.ObjectLock.Enabled {
			in.ObjectLockEnabledForBucket = aws.Bool(true)
		}
		if b.Region != "" && b.Region != "us-east-1" {
			refused[b.Name] = fmt.Errorf("the simulator serves one Region, not %s", b.Region)
			continue
		}
		if _, err := c.CreateBucket(ctx, in); err != nil {
			t.Fatalf("CreateBucket %s: %v", b.Name, err)
		}
	}
	// Access points, with their policies, while the new buckets' Block
	// Public Access (all on) is lifted: configure sets it as the snapshot
	// says afterwards, as the account's is set last.
	for _, ap := range s.Account.AccessPoints {
		if err := createAccessPoint(ctx, srv, c, ap); err != nil {
			refused["accesspoint/"+ap.Name] = err
		}
	}
	// A logging target that is not among the account's buckets: S3 logs
	// only to a bucket of the same owner, which is then deleted (S3 keeps
	// the source's logging configuration).
	var gone []string
	for _, b := range s.Buckets {
		if lg := b.Logging; lg != nil && refused[b.Name] == nil && !slices.ContainsFunc(s.Buckets, func(o checks.Bucket) bool { return o.Name == lg.TargetBucket }) &&
			!slices.Contains(gone, lg.TargetBucket) {
			if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(lg.TargetBucket)}); err != nil {
				t.Fatalf("CreateBucket %s: %v", lg.TargetBucket, err)
			}
			gone = append(gone, lg.TargetBucket)
		}
	}
	for _, b := range s.Buckets {
		if refused[b.Name] != nil {
			continue
		}
		if err := configure(ctx, c, b, encryptionChecks[check]); err != nil {
			refused[b.Name] = err
		}
	}
	for _, name := range gone {
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatalf("DeleteBucket %s: %v", name, err)
		}
	}
	if p := s.Account.PublicAccessBlock; p != nil {
		ctl := s3control.NewFromConfig(srv.Config(simRoot))
		_, err := ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(simAccount),
			PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(p.BlockPublicAcls), IgnorePublicAcls: aws.Bool(p.IgnorePublicAcls),
				BlockPublicPolicy: aws.Bool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets)}})
		if err != nil {
			t.Fatalf("S3 Control PutPublicAccessBlock: %v", err)
		}
	}
	return refused
}

// createAccessPoint creates an access point of the snapshot in the
// simulator, and puts its policy. Its bucket must be one of the account's
// buckets of the snapshot, whose Block Public Access it lifts.
func createAccessPoint(ctx context.Context, srv *simulate.Server, c *s3.Client, ap checks.AccessPoint) error {
	if ap.BucketAccountID != "" && ap.BucketAccountID != simAccount {
		return fmt.Errorf("the bucket of account %s is not in the simulator's world", ap.BucketAccountID)
	}
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(ap.Bucket)}); err != nil {
		return fmt.Errorf("bucket %s: %w", ap.Bucket, err)
	}
	ctl := s3control.NewFromConfig(srv.Config(simRoot))
	in := &s3control.CreateAccessPointInput{AccountId: aws.String(simAccount), Name: aws.String(ap.Name), Bucket: aws.String(ap.Bucket)}
	if ap.VPCID != "" {
		in.VpcConfiguration = &s3ctltypes.VpcConfiguration{VpcId: aws.String(ap.VPCID)}
	}
	if p := ap.PublicAccessBlock; p != nil {
		in.PublicAccessBlockConfiguration = &s3ctltypes.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(p.BlockPublicAcls), IgnorePublicAcls: aws.Bool(p.IgnorePublicAcls),
			BlockPublicPolicy: aws.Bool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets)}
	}
	if _, err := ctl.CreateAccessPoint(ctx, in); err != nil {
		return fmt.Errorf("CreateAccessPoint: %w", err)
	}
	if ap.Policy != "" {
		if _, err := ctl.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(simAccount),
			Name: aws.String(ap.Name), Policy: aws.String(ap.Policy)}); err != nil {
			// Not as the snapshot says: no access point rather than one
			// without its policy.
			ctl.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: aws.String(simAccount), Name: aws.String(ap.Name)})
			return fmt.Errorf("PutAccessPointPolicy: %w", err)
		}
	}
	return nil
}

// encryptionChecks are the checks that read the default encryption: for
// them a bucket without one cannot be built (see configureEncryption).
var encryptionChecks = map[string]bool{"S3.17": true, "kms-customer-key": true, "kms-bucket-key": true, "sse-c-blocked": true, "encryption-bypass": true}

// configure makes one bucket's configuration what the snapshot says.
func configure(ctx context.Context, c *s3.Client, b checks.Bucket, strictEncryption bool) error {
	name := aws.String(b.Name)
	step := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	// New buckets block public access and disable ACLs: lift both while
	// the policy and the ACL are written, then set them as the snapshot says.
	if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: name}); err != nil {
		return step("DeletePublicAccessBlock", err)
	}
	if b.ACL != nil && len(b.ACL.Grants) > 1 {
		if _, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: name,
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnershipObjectWriter}}}}); err != nil {
			return step("PutBucketOwnershipControls", err)
		}
		cur, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: name})
		if err != nil {
			return step("GetBucketAcl", err)
		}
		acp := &types.AccessControlPolicy{Owner: cur.Owner}
		for _, g := range b.ACL.Grants {
			ge := &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(g.Grantee)}
			switch g.Grantee {
			case b.ACL.Owner:
				ge.ID = cur.Owner.ID
			case "AllUsers", "AuthenticatedUsers":
				ge = &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/" + g.Grantee)}
			case "LogDelivery":
				ge = &types.Grantee{Type: types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/s3/LogDelivery")}
			}
			acp.Grants = append(acp.Grants, types.Grant{Grantee: ge, Permission: types.Permission(g.Permission)})
		}
		if _, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: name, AccessControlPolicy: acp}); err != nil {
			return step("PutBucketAcl", err)
		}
	}
	var err error
	if b.ObjectOwnership == "" {
		_, err = c.DeleteBucketOwnershipControls(ctx, &s3.DeleteBucketOwnershipControlsInput{Bucket: name})
	} else {
		_, err = c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: name,
			OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{{ObjectOwnership: types.ObjectOwnership(b.ObjectOwnership)}}}})
	}
	if err != nil {
		return step("ownership controls", err)
	}
	if err := configureEncryption(ctx, c, b, strictEncryption); err != nil {
		return err
	}
	if v := b.Versioning; v.Status != "" && v.MFADelete != "Enabled" {
		if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: name,
			VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatus(v.Status)}}); err != nil {
			return step("PutBucketVersioning", err)
		}
	}
	if ol := b.ObjectLock; ol != nil && ol.Enabled {
		olc := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
		if ol.Mode != "" {
			d := &types.DefaultRetention{Mode: types.ObjectLockRetentionMode(ol.Mode)}
			if ol.Days > 0 {
				d.Days = aws.Int32(int32(ol.Days))
			}
			if ol.Years > 0 {
				d.Years = aws.Int32(int32(ol.Years))
			}
			olc.Rule = &types.ObjectLockRule{DefaultRetention: d}
		}
		if _, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: name, ObjectLockConfiguration: olc}); err != nil {
			return step("PutObjectLockConfiguration", err)
		}
	}
	if err := configureData(ctx, c, b); err != nil {
		return err
	}
	// The policy comes after the rest, which it may deny even to the root
	// user, and before Block Public Access, whose BlockPublicPolicy would
	// refuse a public policy: the order in which S3 accepts both.
	if b.Policy != "" {
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: name, Policy: aws.String(b.Policy)}); err != nil {
			return step("PutBucketPolicy", err)
		}
	}
	if p := b.PublicAccessBlock; p != nil {
		if _, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: name, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(p.BlockPublicAcls), IgnorePublicAcls: aws.Bool(p.IgnorePublicAcls),
			BlockPublicPolicy: aws.Bool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(p.RestrictPublicBuckets)}}); err != nil {
			return step("PutPublicAccessBlock", err)
		}
	}
	return nil
}

func configureEncryption(ctx context.Context, c *s3.Client, b checks.Bucket, strict bool) error {
	name := aws.String(b.Name)
	e := b.Encryption
	if e == nil {
		if _, err := c.DeleteBucketEncryption(ctx, &s3.DeleteBucketEncryptionInput{Bucket: name}); err != nil {
			return fmt.Errorf("DeleteBucketEncryption: %w", err)
		}
		// Every bucket has a default encryption since 2023: deleting it
		// resets it to SSE-S3.
		if out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: name}); strict && err == nil && out.ServerSideEncryptionConfiguration != nil {
			return fmt.Errorf("DeleteBucketEncryption leaves a default encryption, so a bucket without one cannot be built")
		}
		return nil
	}
	rule := types.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryption(e.Algorithm)},
		BucketKeyEnabled:                   aws.Bool(e.BucketKey),
		BlockedEncryptionTypes:             &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeNone}},
	}
	if e.KMSKeyID != "" {
		rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID = aws.String(e.KMSKeyID)
	}
	if len(e.BlockedEncryptionTypes) > 0 {
		rule.BlockedEncryptionTypes.EncryptionType = nil
		for _, t := range e.BlockedEncryptionTypes {
			rule.BlockedEncryptionTypes.EncryptionType = append(rule.BlockedEncryptionTypes.EncryptionType, types.EncryptionType(t))
		}
	}
	_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: name,
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{rule}}})
	if err != nil {
		return fmt.Errorf("PutBucketEncryption: %w", err)
	}
	return nil
}

func configureData(ctx context.Context, c *s3.Client, b checks.Bucket) error {
	name := aws.String(b.Name)
	if lg := b.Logging; lg != nil {
		if _, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: name, BucketLoggingStatus: &types.BucketLoggingStatus{
			LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String(lg.TargetBucket), TargetPrefix: aws.String(lg.TargetPrefix)}}}); err != nil {
			return fmt.Errorf("PutBucketLogging: %w", err)
		}
	}
	if len(b.Lifecycle) > 0 {
		var rules []types.LifecycleRule
		for _, r := range b.Lifecycle {
			lr := types.LifecycleRule{ID: aws.String(r.ID), Status: types.ExpirationStatus(r.Status), Filter: &types.LifecycleRuleFilter{Prefix: aws.String(r.Filter)}}
			if r.ExpirationDays > 0 {
				lr.Expiration = &types.LifecycleExpiration{Days: aws.Int32(int32(r.ExpirationDays))}
			}
			if r.NoncurrentExpirationDays > 0 {
				lr.NoncurrentVersionExpiration = &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(int32(r.NoncurrentExpirationDays))}
			}
			if r.AbortIncompleteUploadDays > 0 {
				lr.AbortIncompleteMultipartUpload = &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(int32(r.AbortIncompleteUploadDays))}
			}
			for _, tr := range r.Transitions {
				lr.Transitions = append(lr.Transitions, types.Transition{Days: aws.Int32(int32(tr.Days)), StorageClass: types.TransitionStorageClass(tr.StorageClass)})
			}
			rules = append(rules, lr)
		}
		if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: name,
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}}); err != nil {
			return fmt.Errorf("PutBucketLifecycleConfiguration: %w", err)
		}
	}
	if r := b.Replication; r != nil {
		rc := &types.ReplicationConfiguration{Role: aws.String(r.Role)}
		for i, rule := range r.Rules {
			rc.Rules = append(rc.Rules, types.ReplicationRule{ID: aws.String(rule.ID), Status: types.ReplicationRuleStatus(rule.Status), Priority: aws.Int32(int32(i + 1)),
				Filter: &types.ReplicationRuleFilter{Prefix: aws.String("")}, DeleteMarkerReplication: &types.DeleteMarkerReplication{Status: types.DeleteMarkerReplicationStatusDisabled},
				Destination: &types.Destination{Bucket: aws.String(rule.Destination)}})
		}
		if _, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: name, ReplicationConfiguration: rc}); err != nil {
			return fmt.Errorf("PutBucketReplication: %w", err)
		}
	}
	if n := b.Notifications; n != nil {
		nc := &types.NotificationConfiguration{}
		if n.EventBridge {
			nc.EventBridgeConfiguration = &types.EventBridgeConfiguration{}
		}
		for _, tg := range n.Targets {
			var events []types.Event
			for _, e := range tg.Events {
				events = append(events, types.Event(e))
			}
			switch tg.Type {
			case "topic":
				nc.TopicConfigurations = append(nc.TopicConfigurations, types.TopicConfiguration{TopicArn: aws.String(tg.ARN), Events: events})
			case "queue":
				nc.QueueConfigurations = append(nc.QueueConfigurations, types.QueueConfiguration{QueueArn: aws.String(tg.ARN), Events: events})
			case "lambda":
				nc.LambdaFunctionConfigurations = append(nc.LambdaFunctionConfigurations, types.LambdaFunctionConfiguration{LambdaFunctionArn: aws.String(tg.ARN), Events: events})
			}
		}
		if _, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{Bucket: name, NotificationConfiguration: nc}); err != nil {
			return fmt.Errorf("PutBucketNotificationConfiguration: %w", err)
		}
	}
	if w := b.Website; w != nil {
		wc := &types.WebsiteConfiguration{IndexDocument: &types.IndexDocument{Suffix: aws.String(w.IndexDocument)}}
		if _, err := c.PutBucketWebsite(ctx, &s3.PutBucketWebsiteInput{Bucket: name, WebsiteConfiguration: wc}); err != nil {
			return fmt.Errorf("PutBucketWebsite: %w", err)
		}
	}
	if len(b.Tags) > 0 {
		var tags []types.Tag
		for k, v := range b.Tags {
			tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: name, Tagging: &types.Tagging{TagSet: tags}}); err != nil {
			return fmt.Errorf("PutBucketTagging: %w", err)
		}
	}
	return nil
}

// closeIdle closes the clients' idle connections before the server
// closes, so that its graceful shutdown need not wait for connections the
// SDK opened and never used.
func closeIdle(t *testing.T, srv *simulate.Server) {
	t.Cleanup(func() {
		if tr, ok := srv.HTTPClient().Transport.(interface{ CloseIdleConnections() }); ok {
			tr.CloseIdleConnections()
		}
	})
}

// offline are the fixture buckets the simulator does not build, and why:
// each is a state S3 refuses to be put in (so a scan of AWS cannot meet it
// either, but a snapshot written by hand or by an older S3 can), or one the
// simulator cannot hold. TestSimulatorFixtures fails if any other bucket
// cannot be built, or if one of these can.
var offline = map[string]string{
	// Allow with NotPrincipal: "Using it with "Effect":"Allow" is not
	// supported" (IAM User Guide, NotPrincipal). The S3.2 bucket is the
	// fallback on GetBucketPolicyStatus for a policy s3vet cannot parse: the
	// simulator parses policies with s3vet's own parser, so it refuses any
	// policy s3vet cannot read.
	"S3.2.json/fail-status-unparsable":                     "MalformedPolicy: Invalid principal in policy",
	"allow-not-principal-or-action.json/fail-notprincipal": "MalformedPolicy: Invalid principal in policy",
	// The same, for the stricter readings of S3.3, S3.5 and S3.6 when the
	// policy cannot be read (docs/security-hub.md).
	"S3.3.json/fail-status-unparsable": "MalformedPolicy: Invalid principal in policy",
	"S3.5.json/fail-unparsable":        "MalformedPolicy: Invalid principal in policy",
	"S3.6.json/fail-unparsable":        "MalformedPolicy: Invalid principal in policy",
	// ACL grants beside Object Ownership BucketOwnerEnforced: S3 refuses
	// the ownership controls while the ACL grants (and the ACL once they
	// are set), so GetBucketAcl never shows such grants.
	"S3.2.json/pass-acls-disabled":           "InvalidBucketAclWithObjectOwnership",
	"acl-grants.json/pass-disabled":          "InvalidBucketAclWithObjectOwnership",
	"external-access.json/pass-acl-disabled": "InvalidBucketAclWithObjectOwnership",
	"S3.5.json/fail-other-bucket":            "MalformedPolicy: Policy has invalid resource",
	"policy-lint.json/fail-invalid-action":   "MalformedPolicy: Policy has invalid action",
	"policy-lint.json/fail-not-json":         "MalformedPolicy: This policy contains invalid Json",
	"S3.17.json/fail-none":                   "every bucket has default encryption since January 2023: DeleteBucketEncryption resets it to SSE-S3",
	"sse-c-blocked.json/fail-no-encryption":  "every bucket has default encryption since January 2023: DeleteBucketEncryption resets it to SSE-S3",
	"logging-target.json/fail-other-region":  "S3 logs only to a bucket of the same Region (and the simulator serves one Region)",
	"logging-target.json/pass-eu-logs":       "a bucket in eu-west-1: the simulator serves one Region (simulate.World.Region)",
	"S3.7.json/pass-replica-eu":              "a bucket in eu-west-1: the simulator serves one Region (simulate.World.Region)",
	// Access points for buckets the world lacks, and a policy S3 refuses.
	"S3.19.json/accesspoint/fail-cross-account":                          "the bucket of another account is not in the simulator's world",
	"access-point-public.json/accesspoint/fail-cross-account":            "the bucket of another account is not in the simulator's world",
	"access-point-public-account.json/accesspoint/fail-cross-account":    "the bucket of another account is not in the simulator's world",
	"access-point-delegation.json/accesspoint/ap-ten":                    "the bucket of another account is not in the simulator's world",
	"access-point-public.json/accesspoint/fail-bucket-unscanned":         "an access point needs its bucket, which would then be scanned",
	"access-point-public-account.json/accesspoint/pass-bucket-unscanned": "an access point needs its bucket, which would then be scanned",
	"access-point-public.json/accesspoint/fail-unparsable":               "MalformedPolicy: Invalid principal in policy",
}

// notSimulated are the fixture files the simulator does not build, and
// why.
var notSimulated = map[string]string{
	// The User Guide's policies deny every request that does not come
	// through the VPC endpoint or VPC, and the scan reaches the simulator
	// from outside any: S3 would refuse the scan itself, as the simulator
	// does.
	"S3.2-vpc-endpoint.json": "the policies deny every request from outside the VPC endpoint, the scan's included",
	"S3.3-vpc-endpoint.json": "the policies deny every request from outside the VPC endpoint, the scan's included",
	"S3.5-vpc-endpoint.json": "the policies deny every request from outside the VPC endpoint, the scan's included",
}

// readErrors lists a bucket's read errors as "call code", sorted.
func readErrors(errs []checks.ReadError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Call+" "+e.Code)
	}
	slices.Sort(out)
	return out
}

// TestSimulatorFixtures builds each fixture in the simulator, scans it
// through the SDK as s3vet scan does, and expects the verdicts of the
// offline fixtures: every check has a passing and a failing bucket built
// in the simulator and read back through the SDK. The read errors of the
// fixtures are made too: AccessDenied by an SCP, throttling and redirects
// by S3's own responses to the SDK (see faults).
func TestSimulatorFixtures(t *testing.T) {
	var (
		mu         sync.Mutex
		pass, fail = map[string]bool{}, map[string]bool{}
		notBuilt   = map[string]bool{}
	)
	t.Run("fixtures", func(t *testing.T) {
		for _, fx := range fixtures {
			t.Run(fx.check+"/"+fx.file, func(t *testing.T) {
				if why := notSimulated[fx.file]; why != "" {
					t.Skip(why)
				}
				t.Parallel()
				ctx := context.Background()
				want := readFixture(t, fx.file)
				// Over HTTPS: the fixtures' policies deny plain HTTP.
				srv := simulate.NewTestTLSServer(t, simWorld(want))
				closeIdle(t, srv)
				refused := build(ctx, t, srv, want, fx.check)
				got, err := checks.Collect(ctx, scanClients(srv, want), checks.CollectOptions{AccountID: simAccount, Region: "us-east-1", Concurrency: 4})
				if err != nil {
					t.Fatal(err)
				}
				byBucket, byAP := map[string][]checks.Finding{}, map[string][]checks.Finding{}
				var account []checks.Finding
				for _, f := range checks.Run(got, checks.Options{Only: []string{fx.check}, Params: fx.params}) {
					if _, ap, ok := strings.Cut(f.Resource, ":accesspoint/"); ok {
						byAP[ap] = append(byAP[ap], f)
						continue
					}
					if f.Bucket == "" {
						account = append(account, f)
					}
					byBucket[f.Bucket] = append(byBucket[f.Bucket], f)
				}
				mu.Lock()
				defer mu.Unlock()
				for name, err := range refused {
					key := fx.file + "/" + name
					notBuilt[key] = true
					if offline[key] == "" {
						t.Errorf("%s: not built: %v", name, err)
					}
				}
				wantErrs := map[string][]string{}
				for _, b := range want.Buckets {
					wantErrs[b.Name] = readErrors(b.Errors)
				}
				if g, w := readErrors(got.Account.Errors), readErrors(want.Account.Errors); !slices.Equal(g, w) {
					t.Errorf("account: read errors %v, want %v", g, w)
				}
				for _, b := range got.Buckets {
					if refused[b.Name] != nil {
						continue
					}
					if g := readErrors(b.Errors); !slices.Equal(g, wantErrs[b.Name]) {
						t.Errorf("%s: read errors %v, want %v", b.Name, g, wantErrs[b.Name])
					}
					fs := byBucket[b.Name]
					switch {
					case strings.HasPrefix(b.Name, "fail") && len(fs) == 0:
						t.Errorf("%s: no %s finding (%s)", b.Name, fx.check, fx.doc)
					case strings.HasPrefix(b.Name, "pass") && len(fs) > 0:
						t.Errorf("%s: unexpected finding: %s", b.Name, fs[0].Evidence)
					case strings.HasPrefix(b.Name, "fail"):
						fail[fx.check] = true
					case strings.HasPrefix(b.Name, "pass"):
						pass[fx.check] = true
					}
				}
				for _, ap := range got.Account.AccessPoints {
					if g := readErrors(ap.Errors); len(g) > 0 {
						t.Errorf("access point %s: read errors %v", ap.Name, g)
					}
					fs := byAP[ap.Name]
					switch {
					case strings.HasPrefix(ap.Name, "fail") && len(fs) == 0:
						t.Errorf("access point %s: no %s finding (%s)", ap.Name, fx.check, fx.doc)
					case strings.HasPrefix(ap.Name, "pass") && len(fs) > 0:
						t.Errorf("access point %s: unexpected finding: %s", ap.Name, fs[0].Evidence)
					case strings.HasPrefix(ap.Name, "fail"):
						fail[fx.check] = true
					case strings.HasPrefix(ap.Name, "pass"):
						pass[fx.check] = true
					}
				}
				if (fx.account == "fail") != (len(account) > 0) {
					t.Errorf("account: %d findings, want account %q", len(account), fx.account)
				}
				pass[fx.check] = pass[fx.check] || fx.account == "pass" && len(account) == 0
				fail[fx.check] = fail[fx.check] || fx.account == "fail" && len(account) > 0
			})
		}
	})
	for key, why := range offline {
		if !notBuilt[key] {
			t.Errorf("%s is listed as offline (%s) but was built: take it off the list", key, why)
		}
	}
	for _, c := range checks.NewRegistry().Checks() {
		if !pass[c.ID] || !fail[c.ID] {
			t.Errorf("check %s: passing bucket in the simulator %t, failing %t", c.ID, pass[c.ID], fail[c.ID])
		}
	}
}

// TestSimulatorReadError: a bucket the scanner may not read is a finding
// of its own, and the scan of the others goes on.
func TestSimulatorReadError(t *testing.T) {
	s := &checks.Snapshot{Buckets: []checks.Bucket{{Name: "fail-denied"}, {Name: "pass-clean"}}}
	w := simWorld(s)
	w.Accounts[0].Buckets = []*simulate.Bucket{{Name: "fail-denied"}, {Name: "pass-clean"}}
	srv := simulate.NewTestTLSServer(t, w)
	closeIdle(t, srv)
	got, err := checks.Collect(context.Background(), checks.NewClients(srv.Client(simScanner), s3control.NewFromConfig(srv.Config(simScanner)), nil),
		checks.CollectOptions{AccountID: simAccount, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	fs := checks.Run(got, checks.Options{Only: []string{"read-error"}})
	if len(fs) != 1 || fs[0].Bucket != "fail-denied" || !strings.HasPrefix(fs[0].Evidence, "GetBucketPolicy: AccessDenied") ||
		!strings.Contains(fs[0].Fix, "s3:GetBucketPolicy") {
		t.Fatalf("findings %+v", fs)
	}
	// What could be read was: the default encryption of a new bucket.
	if e := got.Buckets[0].Encryption; e == nil || e.Algorithm != "AES256" {
		t.Errorf("encryption of the unreadable bucket: %+v", e)
	}
}

// BenchmarkCollect scans 1,000 buckets in the simulator through the SDK,
// as s3vet scan --endpoint does, and judges them: buckets per second, and
// the peak heap while it runs.
func BenchmarkCollect(b *testing.B) {
	const n = 1000
	s := &checks.Snapshot{}
	w := simWorld(s)
	for i := range n {
		bk := &simulate.Bucket{Name: fmt.Sprintf("bucket-%04d", i), Versioning: "Enabled", Tags: map[string]string{"n": fmt.Sprint(i)}}
		if i%3 == 0 {
			bk.Policy = json.RawMessage(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",`+
				`"Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, bk.Name))
		}
		w.Accounts[0].Buckets = append(w.Accounts[0].Buckets, bk)
	}
	srv, err := simulate.NewTLSServer(w)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	clients := checks.NewClients(srv.Client(simRoot), s3control.NewFromConfig(srv.Config(simRoot)), nil)
	ctx := context.Background()
	b.ReportAllocs()
	// The heap the simulator holds before the scan: what the scan adds to
	// it is peak-heap-MB less world-heap-MB.
	var ms0 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	var peak uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	for b.Loop() {
		snap, err := checks.Collect(ctx, clients, checks.CollectOptions{AccountID: simAccount, Region: "us-east-1", Concurrency: 16})
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Buckets) != n || len(snap.Buckets[n-1].Errors) != 0 {
			b.Fatalf("%d buckets, errors %v", len(snap.Buckets), snap.Buckets[n-1].Errors)
		}
		checks.Run(snap, checks.Options{})
	}
	close(stop)
	<-sampled
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "buckets/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(ms0.HeapInuse)/(1<<20), "world-heap-MB")
}

// Collect with the buckets named reads them without ListBuckets: a
// principal without s3:ListAllMyBuckets, allowed to read the bucket's
// configuration, scans it (issue: scan --bucket needed ListAllMyBuckets).
func TestCollectNamedBucketsWithoutListing(t *testing.T) {
	w := &simulate.World{}
	a := w.AddAccount(simAccount)
	a.AddUser("auditor", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:Get*","s3:ListBucket"],"Resource":["arn:aws:s3:::audited","arn:aws:s3:::audited/*"]},
		{"Effect":"Deny","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`).AccessKeys = []simulate.AccessKey{{ID: "AKIAAUDITOREXAMPLE01", Secret: "s"}}
	a.AddBucket("audited")
	a.AddBucket("other")
	srv := simulate.NewTestServer(t, w)
	cfg := srv.Config("arn:aws:iam::" + simAccount + ":user/auditor")
	clients := checks.NewClients(s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), s3control.NewFromConfig(cfg), nil)
	ctx := context.Background()
	if _, err := checks.Collect(ctx, clients, checks.CollectOptions{AccountID: simAccount, Region: "us-east-1"}); err == nil {
		t.Fatal("Collect of every bucket without s3:ListAllMyBuckets: no error")
	}
	s, err := checks.Collect(ctx, clients, checks.CollectOptions{AccountID: simAccount, Region: "us-east-1", Buckets: []string{"audited", "audited"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Buckets) != 1 || s.Buckets[0].Name != "audited" || s.Buckets[0].Region != "us-east-1" {
		t.Fatalf("buckets %+v", s.Buckets)
	}
	for _, e := range s.Buckets[0].Errors {
		if e.Call == "GetBucketLocation" || e.Call == "GetBucketPolicy" {
			t.Errorf("read error %+v", e)
		}
	}
	for _, r := range srv.Requests() {
		if r.Operation == "ListBuckets" && r.Allowed() {
			t.Errorf("ListBuckets was called: %+v", r)
		}
	}
}
