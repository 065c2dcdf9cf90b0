// Package checks judges the security posture of an AWS account's S3
// buckets: [Collect] reads a [Snapshot] through the AWS SDK, and [Run]
// turns a Snapshot into [Finding]s, each with its evidence, why it
// matters, the fix, and the compliance controls it maps to.
//
// # Collect, then judge
//
// Collect reads the account's Block Public Access settings and, for each
// bucket, its Region, policy and policy status, ACL, Block Public Access,
// Object Ownership, default encryption, versioning and MFA Delete,
// logging, lifecycle rules, Object Lock, replication, notifications,
// website and tags; then the account's access points (S3 Control
// ListAccessPoints), each with its bucket, network origin, Block Public
// Access, policy and policy status, in the Region of the clients and in
// the other Regions of the buckets that [CollectOptions].Regional gives an
// S3 Control client for. It makes its calls through [Clients], narrow
// interfaces that *s3.Client, *s3control.Client and *sts.Client implement
// ([NewClients]), against AWS or the simulator of package
// [github.com/s3vet/s3vet/simulate] alike. Buckets are read concurrently,
// as many at once as [CollectOptions].Concurrency says; a bucket in another
// Region is followed there through [CollectOptions].Regional. A call that
// fails (access denied, a redirect that cannot be followed, throttling once
// the SDK's retries are spent) is recorded in the snapshot, and the scan
// goes on: the read-error check reports it, and the checks that need what
// it would have read do not run.
//
// A Snapshot is plain data: it marshals to JSON and back ([ReadSnapshot],
// [Snapshot.WriteTo]), so a scan can be saved and judged again offline,
// and a test can write one by hand.
//
// # The checks
//
// Run is pure: the same snapshot and [Options] give the same findings.
// The built-in checks cover the AWS Security Hub controls for S3 that S3's
// own APIs can show (Security Hub User Guide, "Security Hub controls for
// Amazon S3", https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html),
// with their IDs, severities and AWS Config rules:
//
//	S3.1   account Block Public Access         S3.11  event notifications
//	S3.2   public read                         S3.12  ACLs disabled
//	S3.3   public write                        S3.13  lifecycle rules
//	S3.5   requests over TLS only              S3.14  versioning
//	S3.6   actions granted to other accounts   S3.15  Object Lock
//	S3.7   cross-Region replication            S3.17  SSE-KMS default encryption
//	S3.8   bucket Block Public Access          S3.19  access point Block Public Access
//	S3.9   server access logging               S3.20  MFA Delete
//	S3.10  lifecycle on versioned buckets
//
// and beyond them:
//
//	read-error                     a configuration that could not be read
//	external-access                access from outside the zone of trust (IAM Access Analyzer's findings)
//	acl-grants                     ACL grants to everyone or to other accounts while ACLs are enabled
//	tls-minimum                    a Deny of TLS versions below Params.MinTLSVersion
//	least-privilege                s3:*, policy, ACL and Block Public Access changes granted beyond the owner
//	allow-not-principal-or-action  Allow with NotPrincipal or NotAction
//	policy-lint                    every finding of package [github.com/s3vet/s3vet/policy/lint]
//	kms-customer-key               SSE-KMS with a customer managed key, not aws/s3
//	kms-bucket-key                 SSE-KMS with an S3 Bucket Key
//	sse-c-blocked                  SSE-C blocked where it is not used
//	encryption-bypass              uploads that could choose other encryption than the default
//	presign-lifetime               presigned URL lifetime capped by s3:signatureAge (when asked)
//	logging-target                 access logs kept in a private bucket of the account
//	access-point-public            an access point policy public as S3 judges access point policies
//	access-point-vpc               access points of network origin Internet that Params.VPCAccessPoints names
//	access-point-delegation        a bucket with access points whose policy does not delegate to them
//
// Public access is decided as S3 decides it: the policy by package
// [github.com/s3vet/s3vet/policy/public] (S3 Block Public Access's meaning
// of public, so a "*" fixed by aws:SourceVpce, aws:PrincipalOrgID or
// s3:DataAccessPointAccount is not public), ACLs by their grants to
// AllUsers and AuthenticatedUsers, and each after the Block Public Access
// settings in force, the bucket's and the account's combined setting by
// setting (package [github.com/s3vet/s3vet/policy/access]). S3.8 is the
// exception, as in Security Hub: it judges the bucket's own settings
// (AWS Config's s3-bucket-level-public-access-prohibited), and when the
// account's settings cover the bucket its evidence says so. An access point's policy is judged as S3
// judges access point policies (never public for network origin VPC; a
// set of access points in s3:DataAccessPointArn is public), after the
// RestrictPublicBuckets of the access point, its bucket and the bucket
// owner's account, all three of which S3 applies to a request through it;
// S3.19 wants all four of the access point's own settings on, the stricter
// reading of Security Hub's "not enabled". Where the policy engine refuses a policy,
// the public checks fall back on S3's own GetBucketPolicyStatus.
//
// S3.5 and tls-minimum find the Deny however it is written: Bool
// aws:SecureTransport as "false" or false, with or without IfExists (and,
// for S3.5, NumericLessThanIfExists on s3:TlsVersion, which a request over
// HTTP lacks); NumericLessThan or NumericLessThanEquals on s3:TlsVersion
// for tls-minimum; Principal "*" or {"AWS": "*"}; Action s3:*, * or
// patterns that cover every S3 action; Resource naming the bucket and all
// its objects in any form; anywhere among the statements. A Deny narrowed
// by another condition does not count, such as one of HTTP from outside a
// VPC endpoint; nor does a Deny of requests from outside a VPC endpoint or
// VPC (S3 User Guide, "Controlling access from VPC endpoints with bucket
// policies"), which says nothing of TLS. presign-lifetime, encryption-bypass and sse-c-blocked ask the
// policy engine (package [github.com/s3vet/s3vet/policy]) whether the bucket
// policy denies a probing request, so every form of the Deny counts.
//
// Where Security Hub and s3vet read a rule differently, s3vet says so in
// the check, and docs/security-hub.md in the repository lists, control by
// control, what Security Hub raises and every remaining difference: S3.6, like Security Hub, counts the Principal element only,
// not the conditions; least-privilege and external-access weigh the
// conditions, as IAM Access Analyzer does. As Security Hub does, S3.20
// passes a bucket with a lifecycle configuration, on which S3 refuses MFA
// Delete. The CIS AWS Foundations Benchmark numbers are those Security Hub
// lists: S3.5 is v3.0.0 2.1.1 (v1.4.0 2.1.2), S3.20 v3.0.0 2.1.2 (v1.4.0
// 2.1.3), S3.1 and S3.8 v3.0.0 2.1.4 (v1.4.0 2.1.5).
//
// # Registry and parameters
//
// The checks are a [Registry]. [NewRegistry] returns one holding the
// built-in checks; a caller adds its own with [Registry.Add]. [Options]
// select checks by ID (Only, Skip), override their severities, and carry
// the [Params]: trusted accounts and organization, required KMS keys,
// lifecycle days, the minimum TLS version, the longest presigned URL
// lifetime, the access points that must accept requests only from a VPC
// or are meant to be public, and the rest. [Registry.Validate] reports unknown IDs and
// malformed parameters.
//
// # Output
//
// [WriteJSON] writes a [Report], [WriteSARIF] a SARIF 2.1.0 log for code
// scanning tools, and [WriteTable] a table for people. A SARIF result
// names its resource's ARN and, when the findings were judged from a
// snapshot file of the repository, the file and the line of the bucket
// ([FindSnapshotLines]), so that code scanning can show it there. The
// command `s3vet scan` puts Collect, Run and these together.
//
// # Performance
//
// Measured on two shared cores (AMD EPYC), go test -bench:
//
//	BenchmarkCollect      1,000 buckets collected from the simulator over HTTPS through the SDK
//	                      (15 calls a bucket, Concurrency 16) and judged: 120-210 buckets/s;
//	                      peak heap in use 235-245 MB (3.4 MB of it the simulator's world),
//	                      about 1 MB allocated a bucket, nearly all in the SDK and the simulator
//	BenchmarkRun          1,000 buckets judged by every check: about 4,500 buckets/s
//	                      (0.22 s), 147 MB and 713,000 allocations (0.46 s, 221 MB and
//	                      1.1 million while lint copied every action a pattern matched)
//
// Collect holds no more than Concurrency buckets' calls in flight, whatever
// the number of buckets; the snapshot it returns grows with them.
//
// # Limits
//
// The checks read what S3's own APIs show. Security Hub's S3 controls that
// need other services (CloudTrail's object-level logging) or Multi-Region
// Access Points are not covered. Collect reads one account, through the
// clients it is given, and uses S3 Control for the account's Block Public
// Access and its access points; access points in a Region without an S3
// Control client are not listed. Findings map
// to [Security Hub's S3 controls], [AWS Config managed rules] and the
// [CIS AWS Foundations Benchmark] numbers Security Hub lists.
//
// [Security Hub's S3 controls]: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html
// [AWS Config managed rules]: https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
// [CIS AWS Foundations Benchmark]: https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html
package checks
