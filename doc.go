// Package s3vet answers questions about the security of Amazon S3 the way
// AWS itself would. The module is a set of packages; this one holds only
// the map.
//
// # Packages
//
//   - [github.com/s3vet/s3vet/policy]: the IAM policy language and AWS's
//     evaluation logic (identity and bucket policies, permissions
//     boundaries, session policies, SCPs and RCPs, cross account). Parse
//     once, evaluate many times, with an explanation in the words of S3's
//     AccessDenied messages.
//   - [github.com/s3vet/s3vet/policy/catalog]: the S3, KMS and STS actions,
//     resource types and condition keys of AWS's Service Authorization
//     Reference.
//   - [github.com/s3vet/s3vet/policy/access]: S3's own authorization rules
//     on top: ACLs, Object Ownership, Block Public Access, the bucket
//     owner's exceptions, and external access against a zone of trust.
//   - [github.com/s3vet/s3vet/policy/public]: "is this bucket policy
//     public?", as S3 Block Public Access defines it.
//   - [github.com/s3vet/s3vet/policy/s3op]: from an S3 request to the IAM
//     actions, resources and condition keys it needs.
//   - [github.com/s3vet/s3vet/policy/lint]: policy validation in the manner
//     of IAM Access Analyzer.
//   - [github.com/s3vet/s3vet/policy/scenario]: authorization questions as
//     JSON, the format `s3vet eval` reads.
//   - [github.com/s3vet/s3vet/presign]: presigned URLs and POST forms with
//     guardrails, and SigV4 verification as S3 does it.
//   - [github.com/s3vet/s3vet/encrypt]: SSE-S3, SSE-KMS, DSSE-KMS and SSE-C
//     request helpers, and streaming client-side envelope encryption in the
//     Amazon S3 Encryption Client's object format.
//   - [github.com/s3vet/s3vet/simulate]: an in-process S3 that
//     authenticates and authorizes like AWS, for unit tests with the real
//     SDK.
//   - [github.com/s3vet/s3vet/checks]: posture checks of accounts and
//     buckets, against AWS or the simulator.
//
// The command s3vet (cmd/s3vet) puts them on the command line.
package s3vet
