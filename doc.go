// Package s3vet answers questions about the security of Amazon S3 the way
// AWS itself would: can this principal do this action on this bucket or
// object, and why or why not? Is this bucket public? Which buckets break
// the best practices? How do I encrypt and share objects without getting
// it wrong? And all of that in a unit test, against an in-process S3 that
// refuses what S3 refuses.
//
// The module is a set of packages; this one holds only the map.
//
// # Packages
//
// The policy engine, pure Go (no SDK, no I/O):
//
//   - [github.com/s3vet/s3vet/policy]: the IAM policy language and AWS's
//     evaluation logic (identity and bucket policies, permissions
//     boundaries, session policies, SCPs and RCPs, VPC endpoint policies,
//     cross account). Parse
//     once, evaluate many times, with an explanation in the words of S3's
//     AccessDenied messages.
//   - [github.com/s3vet/s3vet/policy/access]: S3's own authorization rules
//     on top: ACLs, Object Ownership, Block Public Access, the bucket
//     owner's exceptions, requests through access points, and external
//     access against a zone of trust.
//   - [github.com/s3vet/s3vet/policy/public]: "is this bucket (or access
//     point) policy public?", as S3 Block Public Access defines it.
//   - [github.com/s3vet/s3vet/policy/s3op]: from an S3 request to the IAM
//     actions, resources and condition keys it needs.
//   - [github.com/s3vet/s3vet/policy/catalog]: the S3, KMS and STS actions,
//     resource types and condition keys of AWS's Service Authorization
//     Reference.
//   - [github.com/s3vet/s3vet/policy/lint]: policy validation in the manner
//     of IAM Access Analyzer.
//   - [github.com/s3vet/s3vet/policy/scenario]: authorization questions as
//     JSON, the format `s3vet eval` reads.
//   - [github.com/s3vet/s3vet/policy/verify]: IAM Access Analyzer's custom
//     policy checks, offline: does a new policy grant new access, a given
//     access, public access? A FAIL comes with a request the engine
//     confirms.
//
// Sharing and encrypting objects:
//
//   - [github.com/s3vet/s3vet/presign]: presigned URLs and POST forms with
//     guardrails, and SigV4 verification as S3 does it.
//   - [github.com/s3vet/s3vet/encrypt]: SSE-S3, SSE-KMS, DSSE-KMS and SSE-C
//     request helpers, and streaming client-side envelope encryption in the
//     Amazon S3 Encryption Client's object format.
//
// Putting them together, through the AWS SDK for Go v2:
//
//   - [github.com/s3vet/s3vet/simulate]: an in-process S3, like
//     net/http/httptest, that authenticates (presign) and authorizes
//     (policy, policy/access) like AWS, with fake STS and KMS beside it,
//     access points and VPC endpoints, for unit tests with the real SDK.
//   - [github.com/s3vet/s3vet/checks]: posture checks of an account's
//     buckets and access points (the Security Hub S3 controls and more),
//     read through the SDK
//     from AWS or the simulator alike.
//   - [github.com/s3vet/s3vet/twin]: reads an account (IAM, Organizations,
//     KMS, and S3 through package checks) into a simulate.World.
//   - [github.com/s3vet/s3vet/iac]: reads a Terraform plan or a
//     CloudFormation template into the world package checks judges, and
//     its policy documents.
//
// Dependencies point one way: policy imports nothing of the module;
// presign and encrypt import at most internal packages; simulate uses
// policy, presign and encrypt; checks uses policy; twin uses checks and
// simulate; iac uses checks and policy.
//
// # The command and the examples
//
// The command s3vet (cmd/s3vet) puts the packages on the command line:
// eval, public, lint, check, scan, serve, and demo, which runs a tour of all of
// them against the simulator in a few seconds:
//
//	go run github.com/s3vet/s3vet/cmd/s3vet demo
//
// The directory examples/ holds small programs, one idea each, each with a
// test that runs it: canxdoy (answering "can X do Y" in a unit test),
// scanaws (scanning AWS with the default credentials), encryptfile
// (encrypting a large file, streaming), uploadform (a presigned browser
// upload form), lintpolicy (linting policy files in CI) and policygate
// (proving a bucket policy change grants nothing new, public or
// destructive).
package s3vet
