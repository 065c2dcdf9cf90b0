package checks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

func dataChecks() []Check {
	return []Check{
		{
			ID: "S3.9", Title: "S3 general purpose buckets should have server access logging enabled",
			Severity: Medium, Doc: sh("S3.9"),
			Controls: Controls{SecurityHub: "S3.9", ConfigRule: "s3-bucket-logging-enabled"},
			Why:      "Server access logs record every request to the bucket: who read or changed what, for audits and incident response.",
			Fix: `PutBucketLogging: aws s3api put-bucket-logging --bucket {bucket} --bucket-logging-status ` +
				`'{"LoggingEnabled":{"TargetBucket":"LOG-BUCKET","TargetPrefix":"{bucket}/"}}'`,
			Bucket: loggingEnabled,
		},
		{
			ID: "logging-target", Title: "Access logs should go to another bucket of the account that is not public",
			Severity: Medium, Doc: s3Logs,
			Why: "Logs delivered to the bucket itself log their own delivery without end; logs in a bucket of another account " +
				"or a public one are readable by others; S3 cannot deliver logs to another Region or to a bucket with a default Object Lock retention.",
			Fix: `PutBucketLogging with a private bucket of the account in the same Region: aws s3api put-bucket-logging --bucket {bucket} --bucket-logging-status ` +
				`'{"LoggingEnabled":{"TargetBucket":"LOG-BUCKET","TargetPrefix":"{bucket}/"}}'`,
			Bucket: loggingTarget,
		},
		{
			ID: "S3.14", Title: "S3 general purpose buckets should have versioning enabled",
			Severity: Low, Doc: sh("S3.14"),
			Controls: Controls{SecurityHub: "S3.14", ConfigRule: "s3-bucket-versioning-enabled"},
			Why:      "Versioning keeps every version of every object, so that an overwrite or a delete, by mistake or by an attacker, can be undone.",
			Fix:      "PutBucketVersioning: aws s3api put-bucket-versioning --bucket {bucket} --versioning-configuration Status=Enabled",
			Bucket:   versioningEnabled,
		},
		{
			ID: "S3.20", Title: "S3 general purpose buckets should have MFA delete enabled",
			Severity: Low, Doc: sh("S3.20"),
			Controls: Controls{SecurityHub: "S3.20", CIS: []string{"v1.4.0/2.1.3", "v3.0.0/2.1.2", "v5.0.0/2.1.2"}, ConfigRule: "s3-bucket-mfa-delete-enabled"},
			Why: "With MFA Delete, deleting an object version or suspending versioning needs the root user's MFA code too: " +
				"stolen credentials alone cannot destroy the bucket's history.",
			Fix: `PutBucketVersioning as the root user, with its MFA device: aws s3api put-bucket-versioning --bucket {bucket} ` +
				`--versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "arn:{partition}:iam::{account}:mfa/root-account-mfa-device CODE"`,
			Bucket: mfaDelete,
		},
		{
			ID: "S3.15", Title: "S3 general purpose buckets should have Object Lock enabled",
			Severity: Medium, Doc: sh("S3.15"),
			Controls: Controls{SecurityHub: "S3.15", ConfigRule: "s3-bucket-default-lock-enabled"},
			Why:      "Object Lock stores objects write-once-read-many: for the retention period no one can delete or overwrite them.",
			Fix: `PutObjectLockConfiguration (versioning must be on): aws s3api put-object-lock-configuration --bucket {bucket} ` +
				`--object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":30}}}'`,
			Bucket: objectLock,
		},
		{
			ID: "S3.10", Title: "S3 general purpose buckets with versioning enabled should have Lifecycle configurations",
			Severity: Medium, Doc: sh("S3.10"),
			Controls: Controls{SecurityHub: "S3.10", ConfigRule: "s3-version-lifecycle-policy-check"},
			Why:      "A versioned bucket keeps every noncurrent version until a lifecycle rule expires them: storage, and data kept past its time, grow without bound.",
			Fix:      fixLifecycle,
			Bucket:   versionedLifecycle,
		},
		{
			ID: "S3.13", Title: "S3 general purpose buckets should have Lifecycle configurations",
			Severity: Low, Doc: sh("S3.13"),
			Controls: Controls{SecurityHub: "S3.13", ConfigRule: "s3-lifecycle-policy-check"},
			Why:      "Lifecycle rules expire or archive objects on a schedule, so that data is not kept longer than needed.",
			Fix:      fixLifecycle,
			Bucket:   lifecycle,
		},
		{
			ID: "S3.7", Title: "S3 general purpose buckets should use cross-Region replication",
			Severity: Low, Doc: sh("S3.7"),
			Controls: Controls{SecurityHub: "S3.7", ConfigRule: "s3-bucket-cross-region-replication-enabled"},
			Why:      "A replica in another Region keeps the data available, and recoverable, when a Region is not.",
			Fix: `PutBucketReplication (versioning on both buckets): aws s3api put-bucket-replication --bucket {bucket} --replication-configuration ` +
				`'{"Role":"ROLE-ARN","Rules":[{"Status":"Enabled","Priority":1,"Filter":{},"DeleteMarkerReplication":{"Status":"Disabled"},"Destination":{"Bucket":"arn:{partition}:s3:::REPLICA-IN-ANOTHER-REGION"}}]}'`,
			Bucket: replication,
		},
		{
			ID: "S3.11", Title: "S3 general purpose buckets should have event notifications enabled",
			Severity: Medium, Doc: sh("S3.11"),
			Controls: Controls{SecurityHub: "S3.11", ConfigRule: "s3-event-notifications-enabled"},
			Why:      "Event notifications tell the teams that watch the bucket when objects are created, deleted or restored.",
			Fix: `PutBucketNotificationConfiguration: aws s3api put-bucket-notification-configuration --bucket {bucket} ` +
				`--notification-configuration '{"EventBridgeConfiguration":{}}'`,
			Bucket: notifications,
		},
	}
}

const fixLifecycle = `PutBucketLifecycleConfiguration: aws s3api put-bucket-lifecycle-configuration --bucket {bucket} --lifecycle-configuration ` +
	`'{"Rules":[{"ID":"expire-noncurrent","Status":"Enabled","Filter":{},"NoncurrentVersionExpiration":{"NoncurrentDays":90},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}'`

func loggingEnabled(t *Target) []Issue {
	if t.Unread("GetBucketLogging") || t.Bucket.Logging != nil && t.Bucket.Logging.TargetBucket != "" {
		return nil
	}
	return []Issue{{Evidence: "server access logging is off (GetBucketLogging returned no LoggingEnabled)"}}
}

func loggingTarget(t *Target) []Issue {
	lg := t.Bucket.Logging
	if t.Unread("GetBucketLogging") || lg == nil || lg.TargetBucket == "" {
		return nil
	}
	ev := "logs go to " + lg.TargetBucket
	if lg.TargetBucket == t.Bucket.Name {
		return []Issue{{Evidence: ev + ", the bucket itself"}}
	}
	other := t.Other(lg.TargetBucket)
	if other == nil {
		return []Issue{{Evidence: ev + ", which is not among the account's buckets (ListBuckets): another account owns it, or it does not exist"}}
	}
	var out []Issue
	if r1, r2 := t.Bucket.Region, other.Bucket.Region; r1 != "" && r2 != "" && r1 != r2 {
		out = append(out, Issue{Evidence: fmt.Sprintf("%s, in %s while the bucket is in %s", ev, r2, r1)})
	}
	if ol := other.Bucket.ObjectLock; ol != nil && ol.Mode != "" {
		out = append(out, Issue{Evidence: ev + ", which has a default Object Lock retention (" + ol.Mode + ")"})
	}
	for _, is := range slices.Concat(publicIssues(other, false), publicIssues(other, true)) {
		out = append(out, Issue{Evidence: ev + ", which is public: " + is.Evidence, Severity: High})
	}
	return out
}

func versioningEnabled(t *Target) []Issue {
	v := t.Bucket.Versioning
	if t.Unread("GetBucketVersioning") || v.Status == "Enabled" {
		return nil
	}
	if v.Status == "" {
		return []Issue{{Evidence: "versioning has never been enabled"}}
	}
	return []Issue{{Evidence: "versioning is " + v.Status}}
}

// mfaDelete follows Security Hub's S3.20, which "doesn't produce findings
// for buckets that have a lifecycle configuration": S3 refuses MFA Delete
// on them.
func mfaDelete(t *Target) []Issue {
	v := t.Bucket.Versioning
	if t.Unread("GetBucketVersioning", "GetBucketLifecycleConfiguration") || v.MFADelete == "Enabled" || len(t.Bucket.Lifecycle) > 0 {
		return nil
	}
	return []Issue{{Evidence: "MFA Delete is " + cmp.Or(v.MFADelete, "not configured") + " (versioning " + cmp.Or(v.Status, "never enabled") + ")"}}
}

func objectLock(t *Target) []Issue {
	ol := t.Bucket.ObjectLock
	if t.Unread("GetObjectLockConfiguration") {
		return nil
	}
	if ol == nil || !ol.Enabled {
		return []Issue{{Evidence: "Object Lock is not enabled (GetObjectLockConfiguration: ObjectLockConfigurationNotFoundError)"}}
	}
	if m := t.Params.ObjectLockMode; m != "" && ol.Mode != m {
		return []Issue{{Evidence: fmt.Sprintf("Object Lock default retention mode is %q, not %s", ol.Mode, m)}}
	}
	return nil
}

func enabledRules(rs []LifecycleRule) []LifecycleRule {
	var out []LifecycleRule
	for _, r := range rs {
		if r.Status == "Enabled" {
			out = append(out, r)
		}
	}
	return out
}

func versionedLifecycle(t *Target) []Issue {
	if t.Unread("GetBucketVersioning", "GetBucketLifecycleConfiguration") || t.Bucket.Versioning.Status != "Enabled" {
		return nil
	}
	if len(enabledRules(t.Bucket.Lifecycle)) > 0 {
		return nil
	}
	return []Issue{{Evidence: "versioning is Enabled and " + lifecycleEvidence(t.Bucket.Lifecycle)}}
}

func lifecycleEvidence(rs []LifecycleRule) string {
	if len(rs) == 0 {
		return "the bucket has no lifecycle configuration"
	}
	return fmt.Sprintf("none of its %d lifecycle rule(s) is Enabled", len(rs))
}

func lifecycle(t *Target) []Issue {
	if t.Unread("GetBucketLifecycleConfiguration") {
		return nil
	}
	rs := enabledRules(t.Bucket.Lifecycle)
	if len(rs) == 0 {
		return []Issue{{Evidence: lifecycleEvidence(t.Bucket.Lifecycle)}}
	}
	p := t.Params
	var out []Issue
	if n := p.LifecycleExpirationDays; n > 0 && !slices.ContainsFunc(rs, func(r LifecycleRule) bool { return r.ExpirationDays > 0 && r.ExpirationDays <= n }) {
		out = append(out, Issue{Evidence: fmt.Sprintf("no Enabled lifecycle rule expires objects within %d days", n)})
	}
	if n, class := p.LifecycleTransitionDays, p.LifecycleStorageClass; n > 0 || class != "" {
		ok := slices.ContainsFunc(rs, func(r LifecycleRule) bool {
			return slices.ContainsFunc(r.Transitions, func(tr Transition) bool {
				return (n == 0 || tr.Days <= n) && (class == "" || tr.StorageClass == class)
			})
		})
		if !ok {
			want := "transitions objects"
			if class != "" {
				want += " to " + class
			}
			if n > 0 {
				want += fmt.Sprintf(" within %d days", n)
			}
			out = append(out, Issue{Evidence: "no Enabled lifecycle rule " + want})
		}
	}
	return out
}

func replication(t *Target) []Issue {
	r := t.Bucket.Replication
	if t.Unread("GetBucketReplication") {
		return nil
	}
	if r == nil {
		return []Issue{{Evidence: "the bucket has no replication configuration (ReplicationConfigurationNotFoundError)"}}
	}
	var same []string
	enabled := 0
	for _, rule := range r.Rules {
		if rule.Status != "Enabled" {
			continue
		}
		enabled++
		name := rule.Destination[strings.LastIndex(rule.Destination, ":")+1:]
		other := t.Other(name)
		if other == nil || other.Bucket.Region == "" || t.Bucket.Region == "" || other.Bucket.Region != t.Bucket.Region {
			return nil // to another Region, or to a bucket s3vet cannot place: taken as cross-Region
		}
		same = append(same, rule.Destination)
	}
	if enabled == 0 {
		return []Issue{{Evidence: fmt.Sprintf("none of the %d replication rule(s) is Enabled", len(r.Rules))}}
	}
	return []Issue{{Evidence: "replication only within " + t.Bucket.Region + ", to " + strings.Join(same, ", ")}}
}

func notifications(t *Target) []Issue {
	n := t.Bucket.Notifications
	if t.Unread("GetBucketNotificationConfiguration") {
		return nil
	}
	if n == nil || len(n.Targets) == 0 && !n.EventBridge {
		return []Issue{{Evidence: "the bucket has no event notification configured"}}
	}
	if n.EventBridge {
		return nil // EventBridge receives every event
	}
	var missing []string
	for _, want := range t.Params.NotificationEvents {
		covered := slices.ContainsFunc(n.Targets, func(tg NotificationTarget) bool {
			return slices.ContainsFunc(tg.Events, func(e string) bool { return globMatch(e, want) })
		})
		if !covered {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return []Issue{{Evidence: "no notification for " + strings.Join(missing, ", ")}}
	}
	return nil
}
