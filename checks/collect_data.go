package checks

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// readData reads the rest: encryption, versioning, Object Lock, logging,
// notifications, lifecycle, replication, website and tags.
func (r *bucketReader) readData(in *string) {
	ctx, b := r.ctx, r.b
	r.read("GetBucketEncryption", "ServerSideEncryptionConfigurationNotFoundError", func(cl *Clients) error {
		if cl.Encryption == nil {
			return errNoClient
		}
		out, err := cl.Encryption.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: in})
		if err == nil && out.ServerSideEncryptionConfiguration != nil {
			b.Encryption = convertEncryption(out.ServerSideEncryptionConfiguration.Rules)
		}
		return err
	})
	r.read("GetBucketVersioning", "", func(cl *Clients) error {
		if cl.Protection == nil {
			return errNoClient
		}
		out, err := cl.Protection.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: in})
		if err == nil {
			b.Versioning = Versioning{Status: string(out.Status), MFADelete: string(out.MFADelete)}
		}
		return err
	})
	r.read("GetObjectLockConfiguration", "ObjectLockConfigurationNotFoundError", func(cl *Clients) error {
		if cl.Protection == nil {
			return errNoClient
		}
		out, err := cl.Protection.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: in})
		if err == nil && out.ObjectLockConfiguration != nil {
			b.ObjectLock = convertObjectLock(out.ObjectLockConfiguration)
		}
		return err
	})
	r.read("GetBucketLogging", "", func(cl *Clients) error {
		if cl.Monitoring == nil {
			return errNoClient
		}
		out, err := cl.Monitoring.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: in})
		if err == nil && out.LoggingEnabled != nil {
			b.Logging = &Logging{TargetBucket: aws.ToString(out.LoggingEnabled.TargetBucket), TargetPrefix: aws.ToString(out.LoggingEnabled.TargetPrefix)}
		}
		return err
	})
	r.read("GetBucketNotificationConfiguration", "", func(cl *Clients) error {
		if cl.Monitoring == nil {
			return errNoClient
		}
		out, err := cl.Monitoring.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: in})
		if err == nil {
			b.Notifications = convertNotifications(out)
		}
		return err
	})
	r.read("GetBucketLifecycleConfiguration", "NoSuchLifecycleConfiguration", func(cl *Clients) error {
		if cl.Copies == nil {
			return errNoClient
		}
		out, err := cl.Copies.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: in})
		if err == nil {
			b.Lifecycle = convertLifecycle(out.Rules)
		}
		return err
	})
	r.read("GetBucketReplication", "ReplicationConfigurationNotFoundError", func(cl *Clients) error {
		if cl.Copies == nil {
			return errNoClient
		}
		out, err := cl.Copies.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: in})
		if err == nil && out.ReplicationConfiguration != nil {
			b.Replication = convertReplication(out.ReplicationConfiguration)
		}
		return err
	})
	r.read("GetBucketWebsite", "NoSuchWebsiteConfiguration", func(cl *Clients) error {
		if cl.Website == nil {
			return errNoClient
		}
		out, err := cl.Website.GetBucketWebsite(ctx, &s3.GetBucketWebsiteInput{Bucket: in})
		if err == nil {
			w := &Website{}
			if out.IndexDocument != nil {
				w.IndexDocument = aws.ToString(out.IndexDocument.Suffix)
			}
			if out.ErrorDocument != nil {
				w.ErrorDocument = aws.ToString(out.ErrorDocument.Key)
			}
			if out.RedirectAllRequestsTo != nil {
				w.RedirectTo = aws.ToString(out.RedirectAllRequestsTo.HostName)
			}
			b.Website = w
		}
		return err
	})
	r.read("GetBucketTagging", "NoSuchTagSet", func(cl *Clients) error {
		if cl.Website == nil {
			return errNoClient
		}
		out, err := cl.Website.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: in})
		if err == nil && len(out.TagSet) > 0 {
			b.Tags = make(map[string]string, len(out.TagSet))
			for _, t := range out.TagSet {
				b.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
		}
		return err
	})
}

// convertEncryption reads the first rule: S3 allows only one.
func convertEncryption(rules []types.ServerSideEncryptionRule) *Encryption {
	if len(rules) == 0 {
		return nil
	}
	r := rules[0]
	e := &Encryption{BucketKey: aws.ToBool(r.BucketKeyEnabled)}
	if d := r.ApplyServerSideEncryptionByDefault; d != nil {
		e.Algorithm = string(d.SSEAlgorithm)
		e.KMSKeyID = aws.ToString(d.KMSMasterKeyID)
	}
	if bl := r.BlockedEncryptionTypes; bl != nil {
		for _, t := range bl.EncryptionType {
			e.BlockedEncryptionTypes = append(e.BlockedEncryptionTypes, string(t))
		}
	}
	return e
}

func convertObjectLock(c *types.ObjectLockConfiguration) *ObjectLock {
	ol := &ObjectLock{Enabled: c.ObjectLockEnabled == types.ObjectLockEnabledEnabled}
	if c.Rule != nil && c.Rule.DefaultRetention != nil {
		d := c.Rule.DefaultRetention
		ol.Mode = string(d.Mode)
		ol.Days = int(aws.ToInt32(d.Days))
		ol.Years = int(aws.ToInt32(d.Years))
	}
	return ol
}

func convertNotifications(out *s3.GetBucketNotificationConfigurationOutput) *Notifications {
	n := &Notifications{EventBridge: out.EventBridgeConfiguration != nil}
	add := func(typ string, arn *string, events []types.Event) {
		t := NotificationTarget{Type: typ, ARN: aws.ToString(arn)}
		for _, e := range events {
			t.Events = append(t.Events, string(e))
		}
		n.Targets = append(n.Targets, t)
	}
	for _, c := range out.TopicConfigurations {
		add("topic", c.TopicArn, c.Events)
	}
	for _, c := range out.QueueConfigurations {
		add("queue", c.QueueArn, c.Events)
	}
	for _, c := range out.LambdaFunctionConfigurations {
		add("lambda", c.LambdaFunctionArn, c.Events)
	}
	if len(n.Targets) == 0 && !n.EventBridge {
		return nil
	}
	return n
}

func convertLifecycle(rules []types.LifecycleRule) []LifecycleRule {
	var out []LifecycleRule
	for _, r := range rules {
		// A rule of the older form has its prefix outside a Filter, which S3
		// still returns for it.
		lr := LifecycleRule{ID: aws.ToString(r.ID), Status: string(r.Status), Filter: aws.ToString(r.Prefix)} //lint:ignore SA1019 S3 returns it for rules of the older form
		if f := r.Filter; f != nil {
			switch {
			case f.Prefix != nil:
				lr.Filter = aws.ToString(f.Prefix)
			case f.Tag != nil:
				lr.Filter = "tag " + aws.ToString(f.Tag.Key) + "=" + aws.ToString(f.Tag.Value)
			case f.And != nil:
				lr.Filter = "and " + aws.ToString(f.And.Prefix)
			}
		}
		if r.Expiration != nil {
			lr.ExpirationDays = int(aws.ToInt32(r.Expiration.Days))
		}
		if r.NoncurrentVersionExpiration != nil {
			lr.NoncurrentExpirationDays = int(aws.ToInt32(r.NoncurrentVersionExpiration.NoncurrentDays))
		}
		if r.AbortIncompleteMultipartUpload != nil {
			lr.AbortIncompleteUploadDays = int(aws.ToInt32(r.AbortIncompleteMultipartUpload.DaysAfterInitiation))
		}
		for _, t := range r.Transitions {
			lr.Transitions = append(lr.Transitions, Transition{Days: int(aws.ToInt32(t.Days)), StorageClass: string(t.StorageClass)})
		}
		out = append(out, lr)
	}
	return out
}

func convertReplication(c *types.ReplicationConfiguration) *Replication {
	rep := &Replication{Role: aws.ToString(c.Role), Rules: []ReplicationRule{}}
	for _, r := range c.Rules {
		rr := ReplicationRule{ID: aws.ToString(r.ID), Status: string(r.Status)}
		if d := r.Destination; d != nil {
			rr.Destination = aws.ToString(d.Bucket)
			rr.Account = aws.ToString(d.Account)
		}
		rep.Rules = append(rep.Rules, rr)
	}
	return rep
}
