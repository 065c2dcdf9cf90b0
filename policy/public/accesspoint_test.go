package public_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// apMeaning is the User Guide's paragraph on access point policies.
const apMeaning = `S3 User Guide, Blocking public access to your Amazon S3 storage > The meaning of "public" > Access points ("An access point that has a VPC network origin is always considered non-public"; "An access point policy that grants access to a set of access points using s3:DataAccessPointArn is considered public"), https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status`

// apStmt wraps one Allow statement granting s3:GetObject to "*" through
// the access point my-ap under cond.
func apStmt(cond string) string {
	s := `{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/*"`
	if cond != "" {
		s += `, "Condition": ` + cond
	}
	return `{"Version": "2012-10-17", "Statement": [` + s + `}]}`
}

func TestAccessPoint(t *testing.T) {
	t.Log(apMeaning)
	for _, c := range []struct {
		name string
		doc  string
		vpc  bool
		// bucket and accessPoint are the answers for the same document as
		// a bucket policy and as an access point policy.
		bucket, accessPoint bool
		why                 string // in the access point answer's first Why
	}{
		{name: "principal star", doc: apStmt(""), bucket: true, accessPoint: true, why: `Principal "*"`},
		{name: "principal star, VPC origin", doc: apStmt(""), vpc: true, bucket: true, accessPoint: false, why: "VPC network origin"},
		{
			name:   "set of access points",
			doc:    apStmt(`{"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}}`),
			bucket: false, accessPoint: true,
			why: "a set of access points is public",
		},
		{
			name:   "set of access points, VPC origin",
			doc:    apStmt(`{"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}}`),
			vpc:    true,
			bucket: false, accessPoint: false,
		},
		{
			name:   "one access point",
			doc:    apStmt(`{"StringEquals": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap"}}`),
			bucket: false, accessPoint: false,
			why: "fixes the caller",
		},
		{
			// Not an exception the User Guide names for access points, so the
			// list of keys applies as for buckets.
			name:   "access point account",
			doc:    apStmt(`{"StringEquals": {"s3:DataAccessPointAccount": "123456789012"}}`),
			bucket: false, accessPoint: false,
		},
		{
			name:   "fixed VPC endpoint",
			doc:    apStmt(`{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}`),
			bucket: false, accessPoint: false,
		},
		{
			name:   "wildcard VPC",
			doc:    apStmt(`{"StringLike": {"aws:SourceVpc": "vpc-*"}}`),
			bucket: true, accessPoint: true,
			why: "wildcard",
		},
		{
			name:   "fixed principal",
			doc:    `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:user/Jane"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/Jane/*"}]}`,
			bucket: false, accessPoint: false,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := policy.Parse(c.name, policy.ResourceBased, []byte(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := public.Analyze(p).Public; got != c.bucket {
				t.Errorf("as a bucket policy: public = %v, want %v", got, c.bucket)
			}
			res := public.AnalyzeAccessPoint(p, c.vpc)
			if res.Public != c.accessPoint {
				t.Fatalf("as an access point policy: public = %v, want %v\n%+v", res.Public, c.accessPoint, res)
			}
			if got := public.IsPublicAccessPoint(p, c.vpc); got != res.Public {
				t.Errorf("IsPublicAccessPoint = %v, AnalyzeAccessPoint says %v", got, res.Public)
			}
			r, pub := public.StatementAccessPoint(p, 0, c.vpc)
			if pub != res.Public {
				t.Errorf("StatementAccessPoint public = %v, AnalyzeAccessPoint says %v", pub, res.Public)
			}
			if res.Public {
				if diff := cmp.Diff(res.Reasons[0], r); diff != "" {
					t.Errorf("StatementAccessPoint differs from AnalyzeAccessPoint (-analyze +statement):\n%s", diff)
				}
			}
			if c.why != "" && !strings.Contains(r.Why, c.why) {
				t.Errorf("why %q lacks %q", r.Why, c.why)
			}
		})
	}
}

func TestAccessPointNil(t *testing.T) {
	want := public.Result{Reasons: []public.Reason{}}
	for _, vpc := range []bool{false, true} {
		if diff := cmp.Diff(want, public.AnalyzeAccessPoint(nil, vpc)); diff != "" {
			t.Errorf("AnalyzeAccessPoint(nil, %v) (-want +got):\n%s", vpc, diff)
		}
		if public.IsPublicAccessPoint(nil, vpc) {
			t.Errorf("IsPublicAccessPoint(nil, %v) = true", vpc)
		}
		if _, pub := public.StatementAccessPoint(nil, 0, vpc); pub {
			t.Errorf("StatementAccessPoint(nil, 0, %v) public", vpc)
		}
	}
}
