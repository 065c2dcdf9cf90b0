package checks_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/checks"
)

// S3.6's blacklisted actions may be patterns, as the Config rule's
// blacklistedActionPatterns parameter ("s3:GetBucket*") is
// (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-blacklisted-actions-prohibited.html):
// a grant of an action the pattern matches to another account fails.
func TestS36ActionPatterns(t *testing.T) {
	s := &checks.Snapshot{
		Account: checks.Account{ID: "111122223333"},
		Buckets: []checks.Bucket{{Name: "b", Region: "us-east-1", Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
			"Principal":{"AWS":"444455556666"},"Action":"s3:GetBucketPolicy","Resource":"arn:aws:s3:::b"}]}`}},
	}
	for _, tc := range []struct {
		actions []string
		want    int
	}{
		{nil, 0}, // Security Hub's five do not include it
		{[]string{"s3:GetBucket*"}, 1},
		{[]string{"s3:GetBucketPolicy"}, 1},
		{[]string{"s3:Put*"}, 0},
	} {
		fs := checks.Run(s, checks.Options{Only: []string{"S3.6"}, Params: checks.Params{BlacklistedActions: tc.actions}})
		if len(fs) != tc.want {
			t.Errorf("%v: %d findings, want %d: %+v", tc.actions, len(fs), tc.want, fs)
		}
		if len(fs) > 0 && !strings.Contains(fs[0].Evidence, "s3:GetBucketPolicy") {
			t.Errorf("%v: evidence %q", tc.actions, fs[0].Evidence)
		}
	}
}
