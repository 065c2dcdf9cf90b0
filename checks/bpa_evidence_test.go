package checks_test

import (
	"testing"

	"github.com/s3vet/s3vet/checks"
)

// S3.8's evidence names the bucket's settings, the account's and those in
// force, with "none" where a level has no configuration; when the
// account's cover the bucket, it says so, for S3.8 judges the bucket's own
// settings (AWS Config, s3-bucket-level-public-access-prohibited:
// https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html).
func TestBucketBPAEvidence(t *testing.T) {
	const (
		allOff   = "BlockPublicAcls=false IgnorePublicAcls=false BlockPublicPolicy=false RestrictPublicBuckets=false"
		allOn    = "BlockPublicAcls=true IgnorePublicAcls=true BlockPublicPolicy=true RestrictPublicBuckets=true"
		covered  = "; the account's settings cover the bucket today, but the bucket's own do not, so turning the account's off would leave it open"
		aclsOnly = "BlockPublicAcls=true IgnorePublicAcls=true BlockPublicPolicy=false RestrictPublicBuckets=false"
	)
	acls := &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true}
	all := &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	for _, tc := range []struct {
		name            string
		bucket, account *checks.PublicAccessBlock
		want            string
	}{
		{"neither", nil, nil, "bucket Block Public Access: none; account: none; in force: " + allOff},
		{"bucket only", acls, nil, "bucket Block Public Access: " + aclsOnly + "; account: none; in force: " + aclsOnly},
		{"account only", nil, acls, "bucket Block Public Access: none; account: " + aclsOnly + "; in force: " + aclsOnly},
		{"both", acls, &checks.PublicAccessBlock{}, "bucket Block Public Access: " + aclsOnly + "; account: " + allOff + "; in force: " + aclsOnly},
		{"covered by the account", nil, all, "bucket Block Public Access: none; account: " + allOn + "; in force: " + allOn + covered},
		{"partly own, covered", acls, all, "bucket Block Public Access: " + aclsOnly + "; account: " + allOn + "; in force: " + allOn + covered},
	} {
		s := &checks.Snapshot{
			Account: checks.Account{ID: "111122223333", PublicAccessBlock: tc.account},
			Buckets: []checks.Bucket{{Name: "b", PublicAccessBlock: tc.bucket}},
		}
		fs := checks.Run(s, checks.Options{Only: []string{"S3.8"}})
		if len(fs) != 1 || fs[0].Evidence != tc.want {
			t.Errorf("%s: got %+v, want one finding with evidence %q", tc.name, fs, tc.want)
		}
	}
}
