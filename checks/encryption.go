package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The default encryption algorithms (SSEAlgorithm).
const (
	sseS3   = "AES256"
	sseKMS  = "aws:kms"
	dsseKMS = "aws:kms:dsse"
)

func encryptionChecks() []Check {
	return []Check{
		{
			ID: "S3.17", Title: "S3 general purpose buckets should be encrypted at rest with AWS KMS keys",
			Severity: Medium, Doc: sh("S3.17"),
			Controls: Controls{SecurityHub: "S3.17", ConfigRule: "s3-default-encryption-kms"},
			Why: "With SSE-KMS, reading an object also needs kms:Decrypt on the key: a second permission, " +
				"a key policy that can revoke access to all the data at once, and a CloudTrail record of every use.",
			Fix: `PutBucketEncryption: aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration ` +
				`'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY-ARN"},"BucketKeyEnabled":true}]}'`,
			Bucket: kmsDefault,
		},
		{
			ID: "kms-customer-key", Title: "Default SSE-KMS encryption should use a customer managed key",
			Severity: Low, Doc: s3KMS,
			Why: "The AWS managed key aws/s3 has a key policy no one can change: every principal of the account that " +
				"may use S3 may use the key, and it cannot be shared with another account or disabled.",
			Fix: `PutBucketEncryption with a customer managed key: aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration ` +
				`'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY-ARN"},"BucketKeyEnabled":true}]}'`,
			Bucket: kmsCustomerKey,
		},
		{
			ID: "kms-bucket-key", Title: "Default SSE-KMS encryption should use an S3 Bucket Key",
			Severity: Low, Doc: s3BucketKey,
			Why: "Without an S3 Bucket Key, S3 calls KMS for every object: up to 99% more KMS requests, " +
				"their cost, and KMS request quotas that can throttle uploads and downloads.",
			Fix: `PutBucketEncryption with "BucketKeyEnabled":true, keeping the algorithm and key: aws s3api put-bucket-encryption --bucket {bucket} ` +
				`--server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"KEY-ARN"},"BucketKeyEnabled":true}]}'`,
			Bucket: bucketKey,
		},
		{
			ID: "sse-c-blocked", Title: "Buckets that do not use SSE-C should block it",
			Severity: Medium, Doc: s3SSEC,
			Why: "With SSE-C the caller supplies the key: whoever can write to the bucket can store objects " +
				"that no one else can read, the owner included (as ransomware has done).",
			Fix: `PutBucketEncryption with "BlockedEncryptionTypes":{"EncryptionType":["SSE-C"]}, keeping the default encryption: aws s3api put-bucket-encryption --bucket {bucket} ` +
				`--server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"},"BlockedEncryptionTypes":{"EncryptionType":["SSE-C"]}}]}'`,
			Bucket: sseCBlocked,
		},
		{
			ID: "encryption-bypass", Title: "Uploads should not be able to bypass the default KMS encryption",
			Severity: Medium, Doc: s3KMS,
			Why: "Default encryption applies only to uploads that ask for none: an upload that names SSE-S3 or another " +
				"KMS key is stored that way, outside the key's policy and audit trail, unless the bucket policy denies it.",
			Fix:    bypassFix(sseKMS, "KEY-ARN"),
			Bucket: encryptionBypass,
		},
	}
}

func isKMS(e *Encryption) bool { return e != nil && (e.Algorithm == sseKMS || e.Algorithm == dsseKMS) }

func encryptionEvidence(e *Encryption) string {
	if e == nil {
		return "no default encryption configuration (GetBucketEncryption: ServerSideEncryptionConfigurationNotFoundError)"
	}
	ev := "default encryption " + e.Algorithm
	switch e.Algorithm {
	case sseS3:
		ev += " (SSE-S3)"
	case sseKMS, dsseKMS:
		key := e.KMSKeyID
		if key == "" {
			key = "aws/s3, the AWS managed key"
		}
		ev += " with key " + key
	}
	return ev
}

func kmsDefault(t *Target) []Issue {
	e := t.Bucket.Encryption
	if t.Unread("GetBucketEncryption") {
		return nil
	}
	if !isKMS(e) {
		return []Issue{{Evidence: encryptionEvidence(e)}}
	}
	if keys := t.Params.RequiredKMSKeys; len(keys) > 0 && !keyIn(e.KMSKeyID, keys) {
		return []Issue{{Evidence: encryptionEvidence(e) + ", not one of the required keys " + strings.Join(keys, ", ")}}
	}
	return nil
}

// keyIn reports whether the configured key (ARN, ID or alias) is one of
// keys (ARNs): the same ARN, or the ID or alias the ARN ends with.
func keyIn(key string, keys []string) bool {
	if key == "" {
		return false
	}
	for _, k := range keys {
		if k == key || strings.HasSuffix(k, ":key/"+key) || strings.HasSuffix(k, ":"+key) {
			return true
		}
	}
	return false
}

// awsManagedKey reports whether a configured key is the AWS managed key.
func awsManagedKey(key string) bool {
	return key == "" || key == "alias/aws/s3" || strings.HasSuffix(key, ":alias/aws/s3")
}

func kmsCustomerKey(t *Target) []Issue {
	e := t.Bucket.Encryption
	if t.Unread("GetBucketEncryption") || !isKMS(e) || !awsManagedKey(e.KMSKeyID) {
		return nil
	}
	return []Issue{{Evidence: encryptionEvidence(e)}}
}

func bucketKey(t *Target) []Issue {
	e := t.Bucket.Encryption
	// DSSE-KMS does not use Bucket Keys.
	if t.Unread("GetBucketEncryption") || e == nil || e.Algorithm != sseKMS || e.BucketKey {
		return nil
	}
	return []Issue{{Evidence: encryptionEvidence(e) + ", BucketKeyEnabled false", Fix: encryptionFix(e, true, false)}}
}

// encryptionFix writes the PutBucketEncryption call that keeps e and turns
// on the Bucket Key or the SSE-C block.
func encryptionFix(e *Encryption, bucketKey, blockSSEC bool) string {
	def := map[string]string{"SSEAlgorithm": sseS3}
	rule := map[string]any{"ApplyServerSideEncryptionByDefault": def}
	if e != nil {
		def["SSEAlgorithm"] = e.Algorithm
		if e.KMSKeyID != "" {
			def["KMSMasterKeyID"] = e.KMSKeyID
		}
		if e.BucketKey {
			rule["BucketKeyEnabled"] = true
		}
		if len(e.BlockedEncryptionTypes) > 0 {
			rule["BlockedEncryptionTypes"] = map[string]any{"EncryptionType": e.BlockedEncryptionTypes}
		}
	}
	if bucketKey {
		rule["BucketKeyEnabled"] = true
	}
	if blockSSEC {
		rule["BlockedEncryptionTypes"] = map[string]any{"EncryptionType": []string{"SSE-C"}}
	}
	doc, _ := json.Marshal(map[string]any{"Rules": []any{rule}})
	return "PutBucketEncryption: aws s3api put-bucket-encryption --bucket {bucket} --server-side-encryption-configuration '" + string(doc) + "'"
}

const sseCHeader = "s3:x-amz-server-side-encryption-customer-algorithm"

func sseCBlocked(t *Target) []Issue {
	if slices.Contains(t.Params.SSECBuckets, t.Bucket.Name) || t.Unread("GetBucketEncryption", "GetBucketPolicy") || t.PolicyErr != nil {
		return nil
	}
	e := t.Bucket.Encryption
	if e != nil && slices.ContainsFunc(e.BlockedEncryptionTypes, func(s string) bool { return strings.EqualFold(s, "SSE-C") }) {
		return nil
	}
	obj := t.ARN + "/s3vet-probe"
	if t.Policy != nil && t.probe("s3:PutObject", obj, map[string][]string{sseCHeader: {"AES256"}}) && !t.probe("s3:PutObject", obj, nil) {
		return nil // the bucket policy denies SSE-C uploads
	}
	ev := "BlockedEncryptionTypes does not include SSE-C"
	if e == nil {
		ev = "no default encryption configuration, so no BlockedEncryptionTypes"
	}
	return []Issue{{
		Evidence: ev + ", and the bucket policy does not deny s3:PutObject with " + sseCHeader,
		Fix:      encryptionFix(e, false, true),
	}}
}

func encryptionBypass(t *Target) []Issue {
	e := t.Bucket.Encryption
	required := t.Params.RequiredKMSKeys
	if t.Unread("GetBucketEncryption", "GetBucketPolicy") || t.PolicyErr != nil || !isKMS(e) && len(required) == 0 {
		return nil
	}
	alg, key := sseKMS, ""
	if e != nil && isKMS(e) {
		alg, key = e.Algorithm, e.KMSKeyID
	}
	if key == "" && len(required) > 0 {
		key = required[0]
	}
	obj := t.ARN + "/s3vet-probe"
	compliant := map[string][]string{"s3:x-amz-server-side-encryption": {alg}}
	if key != "" {
		compliant["s3:x-amz-server-side-encryption-aws-kms-key-id"] = []string{key}
	}
	type bypass struct {
		what string
		kv   map[string][]string
	}
	bypasses := []bypass{
		{"x-amz-server-side-encryption: AES256 (SSE-S3)", map[string][]string{"s3:x-amz-server-side-encryption": {sseS3}}},
	}
	if key != "" {
		other := "arn:" + t.Snapshot.partition() + ":kms:" + t.Bucket.Region + ":999999999999:key/s3vet-other-key"
		bypasses = append(bypasses, bypass{"another KMS key (" + other + ")", map[string][]string{"s3:x-amz-server-side-encryption": {alg}, "s3:x-amz-server-side-encryption-aws-kms-key-id": {other}}})
	}
	deniedAnyway := t.Policy != nil && t.probe("s3:PutObject", obj, compliant)
	var open []string
	for _, b := range bypasses {
		if t.Policy == nil || deniedAnyway || !t.probe("s3:PutObject", obj, b.kv) {
			open = append(open, b.what)
		}
	}
	if len(open) == 0 {
		return nil
	}
	ev := encryptionEvidence(e) + "; the bucket policy does not deny a PutObject that asks for " + strings.Join(open, " or ")
	if deniedAnyway {
		ev += " (it denies even an upload with the default encryption, for another reason, so s3vet cannot tell)"
	}
	return []Issue{{Evidence: ev, Fix: bypassFix(alg, key)}}
}

func bypassFix(alg, key string) string {
	fix := fmt.Sprintf(`Add to the bucket policy (PutBucketPolicy): {"Sid":"DenyOtherEncryption","Effect":"Deny","Principal":"*","Action":"s3:PutObject",`+
		`"Resource":"arn:{partition}:s3:::{bucket}/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":%q},"Null":{"s3:x-amz-server-side-encryption":"false"}}}`, alg)
	if key != "" {
		fix += fmt.Sprintf(` and {"Sid":"DenyOtherKeys","Effect":"Deny","Principal":"*","Action":"s3:PutObject",`+
			`"Resource":"arn:{partition}:s3:::{bucket}/*","Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption-aws-kms-key-id":%q},"Null":{"s3:x-amz-server-side-encryption-aws-kms-key-id":"false"}}}`, key)
	}
	return fix
}
