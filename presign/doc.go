// Package presign shares S3 objects safely, with presigned URLs and POST
// forms, and is the other side of them too: it verifies AWS Signature
// Version 4 the way S3 does.
//
// # Signing
//
// [Presigner] issues presigned URLs ([Presigner.GetObject],
// [Presigner.PutObject], [Presigner.HeadObject], [Presigner.DeleteObject],
// [Presigner.UploadPart]) on top of aws-sdk-go-v2's s3.PresignClient, and
// browser upload forms ([Presigner.PostObject] with a [PostPolicy]), with
// guardrails:
//
//   - a short default expiry ([DefaultExpiry], 15 minutes), a maximum
//     ([DefaultMaxExpiry] unless set) and never beyond SigV4's seven days
//     ([ErrExpiryTooLong]); with temporary credentials the expiry is capped
//     at theirs, and the result says so (Capped, CappedBy);
//   - HTTPS only, unless the caller opts in ([ErrInsecureEndpoint]);
//   - no public canned ACL ([ErrPublicACL]);
//   - what a PUT may carry (content type and length, checksum, SSE-S3,
//     SSE-KMS, SSE-C key MD5 but never the key, ACL, tags, metadata) is
//     bound into the signature, and [Presigned].Header lists what the
//     holder must send;
//   - a POST policy is built here, not by the SDK's PresignPostObject:
//     every condition comes with its form field ([Form]), values are
//     escaped in the policy JSON and in [Form.HTML];
//   - the signature and session token are never logged: [Presigned] and
//     [Form] redact themselves when printed or logged.
//
// Time is an input (Presigner.Now), X-Amz-Date included, so URLs and
// forms are reproducible in tests.
//
// # Verifying
//
// [Verifier] authenticates a request as S3 would, and answers S3's own
// errors ([*Error]: InvalidAccessKeyId, SignatureDoesNotMatch with the
// canonical request and string to sign, RequestTimeTooSkewed,
// AccessDenied "Request has expired", AuthorizationHeaderMalformed,
// AuthorizationQueryParametersError, ExpiredToken, InvalidToken,
// XAmzContentSHA256Mismatch, BadDigest, IncompleteBody, ...):
//
//   - [Verifier.Verify]: SigV4 in the Authorization header (s3:authType
//     REST-HEADER) or in the query string of a presigned URL
//     (REST-QUERY-STRING). The body is checked as it streams: its
//     x-amz-content-sha256 and x-amz-checksum-*, or, for aws-chunked
//     uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, with or without
//     trailer, and STREAMING-UNSIGNED-PAYLOAD-TRAILER), every chunk
//     signature, the trailing checksum (CRC32, CRC32C, CRC64NVME, SHA1,
//     SHA256) and the trailer signature. A signed chunk's bytes are
//     returned only once its signature holds; at most one chunk
//     ([MaxChunkSize]) is held in memory.
//   - [Verifier.VerifyPost]: browser uploads with a SigV4 POST policy:
//     signature, expiration, every condition (exact match, starts-with,
//     content-length-range) and S3's rule that every field be named by a
//     condition.
//
// Secrets come from a [CredentialStore] the caller provides
// ([StaticCredentials] is a map). Time is an input (Verifier.Now), so
// expiry and skew are exact in tests. The [Result] carries the signer,
// the scope and the condition keys IAM policies test (s3:authType,
// s3:signatureversion, s3:signatureAge, s3:x-amz-content-sha256).
// Requests without a signature are anonymous: the result says so, and the
// authorization layer decides.
//
// Signatures are compared in constant time; no secret access key or
// session token appears in an error, a log or a printed [Credentials].
//
// # Performance
//
// Measured on the project's 2-core CI machine (go test -bench Chunked
// -benchmem -count 6, benchstat), a 64 MiB body in signed 64 KiB
// aws-chunked chunks verifies at 1.50 GiB/s, 88.5% of the reference
// (SHA-256 over every byte plus one HMAC per chunk, BenchmarkChunked/
// sha256+hmac, 1.69 GiB/s in the same run), holding one chunk (81 KiB per
// operation whatever the body's size). A header-signed request verifies
// in about 7 µs (BenchmarkVerifyHeader).
//
// The verifier imports nothing of aws-sdk-go-v2: its tests use the SDK's
// signer and S3 client as the oracle, with the SigV4 test suite of
// aws-c-auth and the examples of S3's documentation as golden vectors
// (testdata/).
//
// # Specifications
//
// Signing and verifying follow the S3 API Reference's SigV4 pages:
// [Authorization header], [presigned URLs] (query parameters),
// [aws-chunked uploads] and [trailing checksums], [POST policies] and
// [browser uploads with POST]; the condition keys are those of [policy
// conditions for SigV4]. The guardrails follow the S3 User Guide's
// [sharing objects with presigned URLs] and the IAM User Guide's [SigV4].
// Errors are S3's [error responses].
//
// [Authorization header]: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
// [presigned URLs]: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// [aws-chunked uploads]: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// [trailing checksums]: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
// [POST policies]: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// [browser uploads with POST]: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-UsingHTTPPOST.html
// [policy conditions for SigV4]: https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html
// [sharing objects with presigned URLs]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html
// [SigV4]: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html
// [error responses]: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
package presign
