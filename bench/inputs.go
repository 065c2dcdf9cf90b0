// Package bench compares s3vet's policy engine with MinIO's
// (github.com/minio/pkg/v3/policy) on the same policy documents and
// requests.
//
// It is a module of its own so that MinIO's AGPL code never enters the
// dependency graph of github.com/s3vet/s3vet. See README.md for how to run
// it and for the results.
package bench

import (
	"fmt"
	"strings"
)

// Kind says how an input's documents are evaluated.
type Kind int

const (
	// Identity: identity-based policies attached to the caller. s3vet puts
	// them in Set.Identity; MinIO parses each with ParseConfig, merges them
	// with MergePolicies (as its IAM subsystem does) and calls
	// Policy.IsAllowed.
	Identity Kind = iota + 1
	// Bucket: one bucket policy. s3vet puts it in Set.Resource; MinIO
	// parses it with ParseBucketPolicyConfig and calls
	// BucketPolicy.IsAllowed.
	Bucket
)

// Account is the one AWS account of every input: callers and buckets
// belong to it, so no request is cross-account.
const Account = "111122223333"

// A Request is one authorization question, written once for both engines.
type Request struct {
	Name string
	// Principal is the caller's ARN, or "anonymous".
	Principal string
	Action    string // "s3:GetObject"
	Bucket    string
	Key       string // empty for bucket-level actions such as s3:ListBucket
	// Context holds condition keys as AWS spells them ("aws:SourceIp");
	// MinIO's spelling ("SourceIp") is derived from it.
	Context map[string][]string
	// Allowed is the expected answer; TestSameAnswers checks both engines
	// against it.
	Allowed bool
}

// ResourceARN is the S3 ARN of the request's bucket or object.
func (r *Request) ResourceARN() string {
	if r.Key == "" {
		return "arn:aws:s3:::" + r.Bucket
	}
	return "arn:aws:s3:::" + r.Bucket + "/" + r.Key
}

// An Input is a set of policy documents with the requests asked of them.
type Input struct {
	Name   string
	Kind   Kind
	Bucket string   // for Kind Bucket: the bucket the policy is attached to
	Docs   []string // JSON policy documents
	// Bench are the requests the Evaluate benchmark cycles through, one
	// decision per iteration. Extra are further requests, many of them
	// denied, checked by TestSameAnswers only.
	Bench []Request
	Extra []Request
}

// Requests returns Bench followed by Extra.
func (in *Input) Requests() []Request {
	return append(append([]Request(nil), in.Bench...), in.Extra...)
}

// Inputs are the benchmark inputs, in the order they are reported. They
// stay within what MinIO's parser accepts: Principal only as {"AWS": [...]}
// (bucket policies), actions MinIO knows spelled in its case, S3 ARNs, and
// condition operators and keys MinIO supports for the actions they guard.
var Inputs = []*Input{oneStatement(), bucketPolicy20(), tenPolicies()}

const (
	alice = "arn:aws:iam::" + Account + ":user/alice"
	bob   = "arn:aws:iam::" + Account + ":user/bob"
)

func secure(ip string, kv ...string) map[string][]string {
	m := map[string][]string{
		"aws:SourceIp":        {ip},
		"aws:SecureTransport": {"true"},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []string{kv[i+1]}
	}
	return m
}

func oneStatement() *Input {
	return &Input{
		Name: "OneStatement",
		Kind: Identity,
		Docs: []string{`{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadMedia",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::media/*"
    }
  ]
}`},
		Bench: []Request{
			{Name: "get", Principal: alice, Action: "s3:GetObject", Bucket: "media", Key: "videos/2024/intro.mp4", Allowed: true},
		},
		Extra: []Request{
			{Name: "put", Principal: alice, Action: "s3:PutObject", Bucket: "media", Key: "videos/2024/intro.mp4"},
			{Name: "other-bucket", Principal: alice, Action: "s3:GetObject", Bucket: "private", Key: "videos/2024/intro.mp4"},
			{Name: "list", Principal: alice, Action: "s3:ListBucket", Bucket: "media"},
		},
	}
}

// bucketPolicy20 is a 20-statement bucket policy: three Deny statements
// first (as policies are commonly written), public read, twelve team
// statements, and the statements for alice last.
func bucketPolicy20() *Input {
	const doc = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "DenyDeleteLocked", "Effect": "Deny", "Principal": {"AWS": ["*"]},
     "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::media/locked/*"},
    {"Sid": "DenyUnencryptedPut", "Effect": "Deny", "Principal": {"AWS": ["*"]},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::media/*",
     "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption": ["AES256", "aws:kms"]}}},
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": {"AWS": ["*"]},
     "Action": "s3:*", "Resource": ["arn:aws:s3:::media", "arn:aws:s3:::media/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": {"AWS": ["*"]},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/public/*"},
    {"Sid": "PublicList", "Effect": "Allow", "Principal": {"AWS": ["*"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["public/*"]}}},
    {"Sid": "Team1Objects", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team1-lead", "arn:aws:iam::111122223333:user/team1-dev"]},
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::media/teams/team1/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.1.0.0/16"}}},
    {"Sid": "Team1List", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team1-lead", "arn:aws:iam::111122223333:user/team1-dev"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["teams/team1/*", "teams/team1"]}}},
    {"Sid": "Team2Objects", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team2-lead", "arn:aws:iam::111122223333:user/team2-dev"]},
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::media/teams/team2/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.2.0.0/16"}}},
    {"Sid": "Team2List", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team2-lead", "arn:aws:iam::111122223333:user/team2-dev"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["teams/team2/*", "teams/team2"]}}},
    {"Sid": "Team3Objects", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team3-lead", "arn:aws:iam::111122223333:user/team3-dev"]},
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::media/teams/team3/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.3.0.0/16"}}},
    {"Sid": "Team3List", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team3-lead", "arn:aws:iam::111122223333:user/team3-dev"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["teams/team3/*", "teams/team3"]}}},
    {"Sid": "Team4Objects", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team4-lead", "arn:aws:iam::111122223333:user/team4-dev"]},
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::media/teams/team4/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.4.0.0/16"}}},
    {"Sid": "Team4List", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team4-lead", "arn:aws:iam::111122223333:user/team4-dev"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["teams/team4/*", "teams/team4"]}}},
    {"Sid": "Team5Objects", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team5-lead", "arn:aws:iam::111122223333:user/team5-dev"]},
     "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::media/teams/team5/*",
     "Condition": {"IpAddress": {"aws:SourceIp": "10.5.0.0/16"}}},
    {"Sid": "Team5List", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/team5-lead", "arn:aws:iam::111122223333:user/team5-dev"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["teams/team5/*", "teams/team5"]}}},
    {"Sid": "AuditorsKmsOnly", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/auditor"]},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::media/audit/*",
     "Condition": {"StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}},
    {"Sid": "AuditorsRead", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/auditor"]},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["172.16.0.0/12"]}}},
    {"Sid": "AliceShared", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/alice"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": "shared/*"}, "NumericLessThanEquals": {"s3:max-keys": "1000"}}},
    {"Sid": "AliceList", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/alice"]},
     "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::media",
     "Condition": {"StringLike": {"s3:prefix": ["home/alice/*", "home/alice"]},
                   "IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}},
    {"Sid": "AliceHome", "Effect": "Allow",
     "Principal": {"AWS": ["arn:aws:iam::111122223333:user/alice"]},
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::media/home/alice/*",
     "Condition": {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}}}
  ]
}`
	team3dev := "arn:aws:iam::" + Account + ":user/team3-dev"
	return &Input{
		Name:   "BucketPolicy20",
		Kind:   Bucket,
		Bucket: "media",
		Docs:   []string{doc},
		// Each is allowed by one of the last two statements, after every
		// other statement has been tried.
		Bench: []Request{
			{Name: "alice-get-home", Principal: alice, Action: "s3:GetObject", Bucket: "media", Key: "home/alice/photos/2024/cat.jpg",
				Context: secure("192.0.2.10"), Allowed: true},
			{Name: "alice-list-home", Principal: alice, Action: "s3:ListBucket", Bucket: "media",
				Context: secure("192.0.2.10", "s3:prefix", "home/alice/"), Allowed: true},
			{Name: "alice-put-home", Principal: alice, Action: "s3:PutObject", Bucket: "media", Key: "home/alice/report.pdf",
				Context: secure("198.51.100.7", "s3:x-amz-server-side-encryption", "AES256"), Allowed: true},
		},
		Extra: []Request{
			{Name: "alice-put-unencrypted", Principal: alice, Action: "s3:PutObject", Bucket: "media", Key: "home/alice/report.pdf",
				Context: secure("192.0.2.10")},
			{Name: "alice-get-insecure", Principal: alice, Action: "s3:GetObject", Bucket: "media", Key: "home/alice/cat.jpg",
				Context: map[string][]string{"aws:SourceIp": {"192.0.2.10"}, "aws:SecureTransport": {"false"}}},
			{Name: "alice-get-wrong-ip", Principal: alice, Action: "s3:GetObject", Bucket: "media", Key: "home/alice/cat.jpg",
				Context: secure("203.0.113.5")},
			{Name: "bob-get-alice-home", Principal: bob, Action: "s3:GetObject", Bucket: "media", Key: "home/alice/cat.jpg",
				Context: secure("192.0.2.10")},
			{Name: "alice-list-other-prefix", Principal: alice, Action: "s3:ListBucket", Bucket: "media",
				Context: secure("192.0.2.10", "s3:prefix", "home/bob/")},
			{Name: "anonymous-get-public", Principal: "anonymous", Action: "s3:GetObject", Bucket: "media", Key: "public/logo.png",
				Context: secure("203.0.113.5"), Allowed: true},
			{Name: "anonymous-get-home", Principal: "anonymous", Action: "s3:GetObject", Bucket: "media", Key: "home/alice/cat.jpg",
				Context: secure("192.0.2.10")},
			{Name: "team3-get", Principal: team3dev, Action: "s3:GetObject", Bucket: "media", Key: "teams/team3/plan.txt",
				Context: secure("10.3.1.1"), Allowed: true},
			{Name: "team3-get-wrong-ip", Principal: team3dev, Action: "s3:GetObject", Bucket: "media", Key: "teams/team3/plan.txt",
				Context: secure("10.4.1.1")},
			{Name: "team3-get-team4", Principal: team3dev, Action: "s3:GetObject", Bucket: "media", Key: "teams/team4/plan.txt",
				Context: secure("10.4.1.1")},
			{Name: "alice-delete-locked", Principal: alice, Action: "s3:DeleteObject", Bucket: "media", Key: "locked/contract.pdf",
				Context: secure("192.0.2.10")},
			{Name: "alice-delete-home", Principal: alice, Action: "s3:DeleteObject", Bucket: "media", Key: "home/alice/old.txt",
				Context: secure("192.0.2.10"), Allowed: true},
			{Name: "alice-list-shared", Principal: alice, Action: "s3:ListBucket", Bucket: "media",
				Context: secure("203.0.113.5", "s3:prefix", "shared/docs/", "s3:max-keys", "500"), Allowed: true},
			{Name: "alice-list-shared-too-many", Principal: alice, Action: "s3:ListBucket", Bucket: "media",
				Context: secure("203.0.113.5", "s3:prefix", "shared/docs/", "s3:max-keys", "5000")},
			{Name: "auditor-put-kms", Principal: "arn:aws:iam::" + Account + ":user/auditor", Action: "s3:PutObject", Bucket: "media", Key: "audit/2024.csv",
				Context: secure("203.0.113.5", "s3:x-amz-server-side-encryption", "aws:kms"), Allowed: true},
			{Name: "auditor-put-aes", Principal: "arn:aws:iam::" + Account + ":user/auditor", Action: "s3:PutObject", Bucket: "media", Key: "audit/2024.csv",
				Context: secure("203.0.113.5", "s3:x-amz-server-side-encryption", "AES256")},
		},
	}
}

// tenPolicies is ten identity policies of ten statements each, attached to
// one user. Policy j grants objects under data-j/pK/ (K = 1..9), some of
// them only from 10.j.K.0/24, and denies deleting under */archive/.
func tenPolicies() *Input {
	docs := make([]string, 10)
	for j := range docs {
		var b strings.Builder
		b.WriteString("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n")
		fmt.Fprintf(&b, `    {"Sid": "DenyArchiveDelete%d", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::data-%d/*/archive/*"}`, j, j)
		for k := 1; k < 10; k++ {
			b.WriteString(",\n")
			cond := ""
			if k%2 == 1 {
				cond = fmt.Sprintf(`, "Condition": {"IpAddress": {"aws:SourceIp": "10.%d.%d.0/24"}}`, j, k)
			}
			fmt.Fprintf(&b, `    {"Sid": "Data%dPrefix%d", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::data-%d/p%d/*"%s}`, j, k, j, k, cond)
		}
		b.WriteString("\n  ]\n}")
		docs[j] = b.String()
	}
	return &Input{
		Name: "TenPolicies",
		Kind: Identity,
		Docs: docs,
		// Allowed by the last statement of the last policy.
		Bench: []Request{
			{Name: "get-last", Principal: alice, Action: "s3:GetObject", Bucket: "data-9", Key: "p9/file.bin",
				Context: secure("10.9.9.4"), Allowed: true},
		},
		Extra: []Request{
			{Name: "get-wrong-ip", Principal: alice, Action: "s3:GetObject", Bucket: "data-9", Key: "p9/file.bin",
				Context: secure("10.9.8.4")},
			{Name: "get-no-condition", Principal: alice, Action: "s3:GetObject", Bucket: "data-4", Key: "p2/file.bin",
				Allowed: true},
			{Name: "delete-archive", Principal: alice, Action: "s3:DeleteObject", Bucket: "data-3", Key: "p2/archive/old.bin",
				Context: secure("10.3.2.1")},
			{Name: "delete", Principal: alice, Action: "s3:DeleteObject", Bucket: "data-3", Key: "p2/new.bin",
				Allowed: true},
			{Name: "other-bucket", Principal: alice, Action: "s3:GetObject", Bucket: "data-10", Key: "p1/file.bin",
				Context: secure("10.10.1.1")},
			{Name: "list", Principal: alice, Action: "s3:ListBucket", Bucket: "data-1"},
		},
	}
}
