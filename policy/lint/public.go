package lint

import (
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// isPublic reports whether statement k of the bucket policy p is public
// in the sense of the S3 User Guide's "The meaning of "public"", and why.
func isPublic(p *policy.Policy, k int) (string, bool) {
	r, ok := public.Statement(p, k)
	return r.Why, ok
}
