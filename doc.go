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
//   - [github.com/s3vet/s3vet/policy/scenario]: authorization questions as
//     JSON, the format `s3vet eval` reads.
//
// The command s3vet (cmd/s3vet) puts them on the command line.
package s3vet
