package simulate_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

func loadWorld(t *testing.T) *simulate.Simulator {
	t.Helper()
	f, err := os.Open("testdata/world.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := simulate.LoadWorld(f)
	if err != nil {
		t.Fatal(err)
	}
	s, err := simulate.New(w)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuthorize(t *testing.T) {
	s := loadWorld(t)
	const (
		alice = "arn:aws:iam::111111111111:user/alice"
		bob   = "arn:aws:iam::111111111111:user/ops/bob"
		carol = "arn:aws:iam::222222222222:user/carol"
		root  = "arn:aws:iam::111111111111:root"
	)
	tests := []struct {
		name, principal, op, bucket, key string
		want                             bool
		by                               policy.Type
		message                          string
	}{
		// Group policies apply to their users; ${aws:PrincipalTag/team} comes from the user's tags.
		{"group policy with a tag variable", alice, "GetObject", "reports", "eng/q1.csv", true, policy.IdentityBased, ""},
		{"another team's prefix", alice, "GetObject", "reports", "hr/pay.csv", false, policy.IdentityBased, "because no identity-based policy allows the s3:GetObject action"},
		// A permissions boundary limits s3:* to s3:Get*.
		{"boundary allows reads", bob, "GetObject", "reports", "hr/pay.csv", true, policy.IdentityBased, ""},
		{"boundary stops writes", bob, "PutObject", "reports", "new.csv", false, policy.PermissionsBoundary, "because no permissions boundary allows the s3:PutObject action"},
		// The SCP of the organization denies bucket deletion, even to the root user.
		{"SCP denies DeleteBucket", root, "DeleteBucket", "reports", "", false, policy.ServiceControlPolicy, "with an explicit deny in a service control policy"},
		// Cross account: carol's own policy is not enough; S3 says only "Access Denied".
		{"cross account without a bucket grant", carol, "GetObject", "reports", "eng/q1.csv", false, policy.ResourceBased, "Access Denied"},
		// A public bucket policy works where Block Public Access is off, not where it is on (the default).
		{"public bucket", "anonymous", "GetObject", "site", "index.html", true, policy.ResourceBased, ""},
		{"default Block Public Access", "anonymous", "GetObject", "locked-site", "index.html", false, policy.BlockPublicAccess, "Access Denied"},
		{"role session", "arn:aws:sts::111111111111:assumed-role/reader/s1", "GetObject", "reports", "hr/pay.csv", true, policy.IdentityBased, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := s.Authorize(tt.principal, &s3op.Request{Operation: tt.op, Bucket: tt.bucket, Key: tt.key})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != tt.want || d.Type != tt.by {
				t.Fatalf("allowed %v by %v, want %v by %v (%s)", d.Allowed, d.Type, tt.want, tt.by, d.Message)
			}
			if !strings.HasSuffix(d.Message, tt.message) {
				t.Errorf("message %q, want suffix %q", d.Message, tt.message)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	s := loadWorld(t)
	if _, err := s.Authorize("anonymous", &s3op.Request{Operation: "GetObject", Bucket: "nope", Key: "k"}); !errors.Is(err, simulate.ErrNoSuchBucket) {
		t.Errorf("unknown bucket: %v", err)
	}
	if _, err := s.Authorize("arn:aws:iam::111111111111:user/mallory", &s3op.Request{Operation: "GetObject", Bucket: "reports", Key: "k"}); err == nil {
		t.Error("unknown user: no error")
	}
	if _, err := s.Authorize("anonymous", &s3op.Request{Operation: "FlyToTheMoon", Bucket: "reports"}); err == nil {
		t.Error("unknown operation: no error")
	}
}

// Unknown fields, duplicate keys and bucket names, and malformed policies
// are errors naming what is wrong (docs/serve-config.md).
func TestLoadWorldErrors(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"accounts":[{"id":"111111111111","color":"red"}]}`, "color"},
		{`{"accounts":[{"id":"1"}]}`, "12 digits"},
		{`{"accounts":[{"id":"111111111111","users":[{"name":"a","accessKeys":[{"id":"K1","secret":"s"}]},{"name":"b","accessKeys":[{"id":"K1","secret":"s"}]}]}]}`, "K1"},
		{`{"accounts":[{"id":"111111111111","buckets":[{"name":"dup"},{"name":"dup"}]}]}`, "dup"},
		{`{"accounts":[{"id":"111111111111","buckets":[{"name":"b1x","policy":{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}}]}]}`, "bucket b1x"},
		{`{"accounts":[{"id":"111111111111","users":[{"name":"u","policies":[{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}]}]}]}`, "user u"},
		{`{"accounts":[{"id":"111111111111","buckets":[{"name":"Bad_Name"}]}]}`, "Bad_Name"},
		{`{"accounts":[{"id":"111111111111","buckets":[{"name":"okay","objectOwnership":"Mine"}]}]}`, "Mine"},
		{`{"accounts":[{"id":"111111111111","canonicalId":"ABC"}]}`, "canonicalId"},
		{`{"accounts":[{"id":"111111111111","canonicalId":"` + strings.Repeat("a", 64) + `"},{"id":"222222222222","canonicalId":"` + strings.Repeat("a", 64) + `"}]}`, "account 111111111111's too"},
	}
	for _, tt := range tests {
		_, err := simulate.LoadWorld(strings.NewReader(tt.doc))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming %q", tt.doc, err, tt.want)
		}
	}
}

// A world built in Go with a Region that is not a Region code is an error
// of New, not a panic (the Region is written into the aws/s3 key policy).
func TestNewBadRegion(t *testing.T) {
	w := &simulate.World{Region: `us-east-1","x":"`}
	w.AddAccount("111111111111")
	if _, err := simulate.New(w); err == nil || !strings.Contains(err.Error(), "is not a Region code") {
		t.Fatalf("New: %v", err)
	}
}

// AWS attaches FullAWSAccess at every level of an organization: a level
// of only a Deny SCP denies just that (AWS Organizations User Guide,
// "Service control policies": "FullAWSAccess ... is attached to every
// root, OU, and account"); a world that says fullAWSAccess false has
// levels that allow only what their SCPs allow.
func TestFullAWSAccess(t *testing.T) {
	doc := func(full string) string {
		return `{"organization": {"id": "o-x", "accounts": ["111111111111"]` + full + `,
		  "scps": [[{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}]]},
		  "accounts": [{"id": "111111111111", "users": [{"name": "u", "policies": [{"Version": "2012-10-17",
		    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]}], "buckets": [{"name": "b1b"}]}]}`
	}
	for _, tt := range []struct {
		full      string
		get, del  bool
		getReason string
	}{
		{"", true, false, ""},
		{`, "fullAWSAccess": true`, true, false, ""},
		{`, "fullAWSAccess": false`, false, false, "because no service control policy allows the s3:GetObject action"},
	} {
		w, err := simulate.LoadWorld(strings.NewReader(doc(tt.full)))
		if err != nil {
			t.Fatal(err)
		}
		sim, err := simulate.New(w)
		if err != nil {
			t.Fatal(err)
		}
		for op, want := range map[string]bool{"GetObject": tt.get, "DeleteObject": tt.del} {
			d, err := sim.Authorize("arn:aws:iam::111111111111:user/u", &s3op.Request{Operation: op, Bucket: "b1b", Key: "k"})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != want {
				t.Errorf("fullAWSAccess %q: %s allowed %v, want %v (%s)", tt.full, op, d.Allowed, want, d.Explained)
			}
			if op == "GetObject" && tt.getReason != "" && !strings.Contains(d.Explained, tt.getReason) {
				t.Errorf("fullAWSAccess %q: %s", tt.full, d.Explained)
			}
		}
	}
}
