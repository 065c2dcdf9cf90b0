// Package interop proves that s3vet's client-side encryption
// (github.com/s3vet/s3vet/encrypt) and AWS's own Go client,
// github.com/aws/amazon-s3-encryption-client-go/v4 at v4.0.0, read each
// other's objects, byte for byte, and measures the two side by side.
//
// It is a module of its own so that the official client never enters the
// library's dependency graph. The tests run both directions through the
// simulator (package simulate) over loopback HTTP, KMS keys through the
// simulator's KMS API and the SDK's kms client, raw AES and RSA keys
// through RawCMM on the official side; the benchmarks and
// cmd/peakmem compare speed and memory through Sink, an S3 endpoint without
// a network. README.md holds the results.
package interop
