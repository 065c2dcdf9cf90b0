package checks_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/checks"
)

const shControls = "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html"

// fixtures pairs each check with snapshots in testdata: every bucket (and
// access point) whose name begins with "fail" must get at least one
// finding of the check, and no bucket (or access point) whose name begins
// with "pass" may get one. For account-level
// checks, account says whether the account passes or fails. doc is the
// AWS page whose rule the fixture encodes.
var fixtures = []struct {
	check, file, doc string
	params           checks.Params
	account          string
}{
	{check: "read-error", file: "read-error.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"},
	{check: "read-error", file: "read-error-account.json", account: "fail", doc: "https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html"},
	{check: "S3.1", file: "S3.1-pass.json", account: "pass", doc: shControls + "#s3-1"},
	{check: "S3.1", file: "S3.1-fail.json", account: "fail", doc: shControls + "#s3-1"},
	{check: "S3.1", file: "S3.1-fail-none.json", account: "fail", doc: shControls + "#s3-1"},
	// Public read and write as S3 Block Public Access defines public (S3
	// User Guide, "The meaning of "public""): a "*" limited to a VPC
	// endpoint, an organization or an access point account is not public.
	{check: "S3.2", file: "S3.2.json", doc: shControls + "#s3-2"},
	{check: "S3.3", file: "S3.3.json", doc: shControls + "#s3-3"},
	// "Amazon S3 applies the most restrictive combination of the bucket-level
	// and account-level settings": the account's settings cover a bucket
	// without its own.
	{check: "S3.2", file: "public-account-bpa.json", account: "pass", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"},
	{check: "S3.3", file: "public-account-bpa.json", account: "pass", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"},
	{check: "S3.8", file: "S3.8.json", params: checks.Params{PublicBuckets: []string{"pass-excluded"}}, doc: shControls + "#s3-8"},
	// S3.8 is AWS Config's s3-bucket-level-public-access-prohibited: the
	// bucket's own settings, whatever the account's cover.
	{check: "S3.8", file: "S3.8-account.json", account: "pass", doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html"},
	{check: "S3.8", file: "S3.8-covered.json", account: "pass", doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-level-public-access-prohibited.html"},
	{check: "external-access", file: "external-access.json", params: checks.Params{TrustedAccounts: []string{"555555555555"}, OrgID: "o-abc123"}, doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html"},
	{check: "acl-grants", file: "acl-grants.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html"},
	{check: "S3.12", file: "S3.12.json", doc: shControls + "#s3-12"},
	{check: "S3.5", file: "S3.5.json", doc: shControls + "#s3-5"},
	{check: "tls-minimum", file: "tls-minimum.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"},
	{check: "tls-minimum", file: "tls-minimum-13.json", params: checks.Params{MinTLSVersion: "1.3"}, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"},
	{check: "S3.6", file: "S3.6.json", params: checks.Params{TrustedAccounts: []string{"555555555555"}}, doc: shControls + "#s3-6"},
	{check: "least-privilege", file: "least-privilege.json", params: checks.Params{TrustedAccounts: []string{"555555555555"}, OrgID: "o-abc123"}, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"},
	{check: "allow-not-principal-or-action", file: "allow-not-principal-or-action.json", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"},
	{check: "policy-lint", file: "policy-lint.json", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"},
	{check: "presign-lifetime", file: "presign-lifetime.json", params: checks.Params{MaxSignatureAge: 10 * time.Minute}, doc: "https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html"},
	{check: "S3.17", file: "S3.17.json", doc: shControls + "#s3-17"},
	{check: "S3.17", file: "S3.17-required.json", params: checks.Params{RequiredKMSKeys: []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}, doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-default-encryption-kms.html"},
	{check: "kms-customer-key", file: "kms-customer-key.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"},
	{check: "kms-bucket-key", file: "kms-bucket-key.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html"},
	{check: "sse-c-blocked", file: "sse-c-blocked.json", params: checks.Params{SSECBuckets: []string{"pass-uses-sse-c"}}, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html"},
	{check: "encryption-bypass", file: "encryption-bypass.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"},
	{check: "S3.9", file: "S3.9.json", doc: shControls + "#s3-9"},
	{check: "logging-target", file: "logging-target.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html"},
	{check: "S3.14", file: "S3.14.json", doc: shControls + "#s3-14"},
	{check: "S3.20", file: "S3.20.json", doc: shControls + "#s3-20"},
	{check: "S3.15", file: "S3.15.json", doc: shControls + "#s3-15"},
	{check: "S3.15", file: "S3.15-mode.json", params: checks.Params{ObjectLockMode: "COMPLIANCE"}, doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-default-lock-enabled.html"},
	{check: "S3.10", file: "S3.10.json", doc: shControls + "#s3-10"},
	{check: "S3.13", file: "S3.13.json", doc: shControls + "#s3-13"},
	{check: "S3.13", file: "S3.13-days.json", params: checks.Params{LifecycleExpirationDays: 365, LifecycleTransitionDays: 30, LifecycleStorageClass: "GLACIER"}, doc: shControls + "#s3-13"},
	{check: "S3.7", file: "S3.7.json", doc: shControls + "#s3-7"},
	{check: "S3.11", file: "S3.11.json", doc: shControls + "#s3-11"},
	{check: "S3.11", file: "S3.11-events.json", params: checks.Params{NotificationEvents: []string{"s3:ObjectRemoved:*", "s3:ObjectCreated:Put"}}, doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-event-notifications-enabled.html"},
	// Bucket policies restricted to a VPC endpoint or a VPC (S3 User
	// Guide, "Controlling access from VPC endpoints with bucket policies",
	// whose two examples are the "ug" buckets): a "*" fixed by a value of
	// aws:SourceVpce or aws:SourceVpc is not public ("The meaning of
	// "public"" lists both keys), a "*" the condition does not fix
	// (IfExists, a wildcard, StringNotEquals) is; and S3.5 still wants its
	// Deny of plain HTTP, which a Deny of requests from outside the
	// endpoint is not, nor a Deny of HTTP narrowed to them.
	{check: "S3.2", file: "S3.2-vpc-endpoint.json", doc: vpcEndpointPolicies},
	{check: "S3.3", file: "S3.3-vpc-endpoint.json", doc: vpcEndpointPolicies},
	{check: "S3.5", file: "S3.5-vpc-endpoint.json", doc: vpcEndpointPolicies},
	// Access points. S3.19 requires all four of the access point's own
	// Block Public Access settings (the stricter reading of "block public
	// access settings aren't enabled"), on every network origin; its
	// excludedAccessPoints is PublicAccessPoints.
	{check: "S3.19", file: "S3.19.json", params: checks.Params{PublicAccessPoints: []string{"pass-excluded"}}, doc: shControls + "#s3-19"},
	// An access point policy is public as S3 Block Public Access judges
	// access point policies ("The meaning of "public"": never for network
	// origin VPC; a set of access points in s3:DataAccessPointArn is
	// public), unless RestrictPublicBuckets of the access point, the bucket
	// or the bucket owner's account is on ("For any request made through
	// an access point, Amazon S3 evaluates the block public access settings
	// for that access point, the underlying bucket, and the bucket owner's
	// account": S3 User Guide, "Managing public access to access points").
	{check: "access-point-public", file: "access-point-public.json", params: checks.Params{PublicAccessPoints: []string{"pass-excluded"}}, doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"},
	{check: "access-point-public", file: "access-point-public-account.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html"},
	// AWS Config's s3-access-point-in-vpc-only ("NON_COMPLIANT if
	// NetworkOrigin is Internet"), for the access points the parameter
	// names; an access point with a VPC configuration has network origin
	// VPC (S3 User Guide, "Creating access points restricted to a virtual
	// private cloud").
	{check: "access-point-vpc", file: "access-point-vpc.json", params: checks.Params{VPCAccessPoints: []string{"*-private"}}, doc: "https://docs.aws.amazon.com/config/latest/developerguide/s3-access-point-in-vpc-only.html"},
	// S3 User Guide, "Configuring IAM policies for using access points" >
	// "Delegating access control to access points": an Allow on
	// s3:DataAccessPointAccount (or s3:DataAccessPointArn) that admits the
	// bucket's access points.
	{check: "access-point-delegation", file: "access-point-delegation.json", doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html"},
}

const vpcEndpointPolicies = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html"

func readFixture(t testing.TB, file string) *checks.Snapshot {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := checks.ReadSnapshot(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return s
}

// roundTrip writes s as JSON and reads it back.
func roundTrip(t testing.TB, s *checks.Snapshot) *checks.Snapshot {
	t.Helper()
	var b bytes.Buffer
	if _, err := s.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	back, err := checks.ReadSnapshot(&b)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.check+"/"+fx.file, func(t *testing.T) {
			t.Parallel()
			s := readFixture(t, fx.file)
			opts := checks.Options{Only: []string{fx.check}, Params: fx.params}
			if err := checks.NewRegistry().Validate(opts); err != nil {
				t.Fatal(err)
			}
			fs := checks.Run(s, opts)
			if again := checks.Run(roundTrip(t, s), opts); !reflect.DeepEqual(fs, again) {
				t.Errorf("findings differ after a JSON round trip")
			}
			byBucket, byAP := map[string][]checks.Finding{}, map[string][]checks.Finding{}
			var account []checks.Finding
			for _, f := range fs {
				if f.Check != fx.check {
					t.Errorf("finding of check %s, want only %s", f.Check, fx.check)
				}
				if f.Title == "" || f.Why == "" || f.Fix == "" || f.Evidence == "" || f.Resource == "" || f.Doc == "" || f.Severity.Rank() < 0 {
					t.Errorf("incomplete finding %+v", f)
				}
				if strings.Contains(f.Fix, "{bucket}") || strings.Contains(f.Fix, "{account}") ||
					strings.Contains(f.Fix, "{accesspoint}") || strings.Contains(f.Fix, "{region}") {
					t.Errorf("placeholder left in fix: %s", f.Fix)
				}
				if _, ap, ok := strings.Cut(f.Resource, ":accesspoint/"); ok {
					byAP[ap] = append(byAP[ap], f)
					continue
				}
				if f.Bucket == "" {
					account = append(account, f)
					continue
				}
				byBucket[f.Bucket] = append(byBucket[f.Bucket], f)
			}
			for _, b := range s.Buckets {
				got := byBucket[b.Name]
				switch {
				case strings.HasPrefix(b.Name, "fail") && len(got) == 0:
					t.Errorf("%s: no %s finding (%s)", b.Name, fx.check, fx.doc)
				case strings.HasPrefix(b.Name, "pass") && len(got) > 0:
					t.Errorf("%s: unexpected finding (%s): %s", b.Name, fx.doc, got[0].Evidence)
				}
			}
			for _, ap := range s.Account.AccessPoints {
				got := byAP[ap.Name]
				switch {
				case strings.HasPrefix(ap.Name, "fail") && len(got) == 0:
					t.Errorf("access point %s: no %s finding (%s)", ap.Name, fx.check, fx.doc)
				case strings.HasPrefix(ap.Name, "pass") && len(got) > 0:
					t.Errorf("access point %s: unexpected finding (%s): %s", ap.Name, fx.doc, got[0].Evidence)
				}
			}
			switch {
			case fx.account == "fail" && len(account) == 0:
				t.Errorf("account: no %s finding (%s)", fx.check, fx.doc)
			case fx.account != "fail" && len(account) > 0:
				t.Errorf("account: unexpected finding (%s): %s", fx.doc, account[0].Evidence)
			}
		})
	}
}

// TestEveryCheckHasFixtures: each built-in check has a passing and a
// failing case among the fixtures.
func TestEveryCheckHasFixtures(t *testing.T) {
	pass, fail := map[string]bool{}, map[string]bool{}
	for _, fx := range fixtures {
		s := readFixture(t, fx.file)
		for _, b := range s.Buckets {
			pass[fx.check] = pass[fx.check] || strings.HasPrefix(b.Name, "pass")
			fail[fx.check] = fail[fx.check] || strings.HasPrefix(b.Name, "fail")
		}
		for _, ap := range s.Account.AccessPoints {
			pass[fx.check] = pass[fx.check] || strings.HasPrefix(ap.Name, "pass")
			fail[fx.check] = fail[fx.check] || strings.HasPrefix(ap.Name, "fail")
		}
		pass[fx.check] = pass[fx.check] || fx.account == "pass"
		fail[fx.check] = fail[fx.check] || fx.account == "fail"
	}
	for _, c := range checks.NewRegistry().Checks() {
		if !pass[c.ID] || !fail[c.ID] {
			t.Errorf("check %s: passing fixture %t, failing fixture %t", c.ID, pass[c.ID], fail[c.ID])
		}
	}
}

// TestCompliant: a bucket set up by every check's fix passes every check,
// and so does its access point.
func TestCompliant(t *testing.T) {
	s := readFixture(t, "compliant.json")
	fs := checks.Run(s, checks.Options{Params: checks.Params{
		MaxSignatureAge: 10 * time.Minute, MinTLSVersion: "1.2", VPCAccessPoints: []string{"*"},
		RequiredKMSKeys: []string{"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
	}})
	for _, f := range fs {
		t.Errorf("%s %s: %s", f.Check, f.Resource, f.Evidence)
	}
}

func TestFindingJSON(t *testing.T) {
	fs := checks.Run(readFixture(t, "S3.5.json"), checks.Options{Only: []string{"S3.5"}})
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	b, err := json.Marshal(fs[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"check", "title", "severity", "resource", "bucket", "region", "evidence", "why", "fix", "controls", "doc"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON finding lacks %q: %s", k, b)
		}
	}
	c := m["controls"].(map[string]any)
	if c["securityHub"] != "S3.5" || c["configRule"] != "s3-bucket-ssl-requests-only" {
		t.Errorf("controls %v", c)
	}
}

// TestKnownFalsePositives: what other tools report wrongly, and s3vet must
// not. Each case names its bucket in a fixture and the rule that makes it
// right; TestSimulatorFixtures builds each of them in the simulator and
// scans it through the SDK too.
func TestKnownFalsePositives(t *testing.T) {
	for _, tc := range []struct{ file, bucket, check, why string }{
		{"S3.2.json", "pass-sourcevpce", "S3.2", `"*" fixed by aws:SourceVpce is not public (S3 User Guide, "The meaning of "public"")`},
		{"S3.2.json", "pass-orgid", "S3.2", `"*" fixed by aws:PrincipalOrgID is not public`},
		{"S3.2.json", "pass-accesspointaccount", "S3.2", `"*" fixed by s3:DataAccessPointAccount is not public`},
		{"S3.3.json", "pass-sourcevpce-put", "S3.3", `"*" fixed by aws:SourceVpce is not public write`},
		{"S3.3.json", "pass-orgid-put", "S3.3", `"*" fixed by aws:PrincipalOrgID is not public write`},
		{"public-account-bpa.json", "pass-covered-by-account", "S3.2", "the account's Block Public Access covers a bucket without its own"},
		{"public-account-bpa.json", "pass-covered-by-account", "S3.3", "the account's Block Public Access covers a bucket without its own"},
		{"S3.5.json", "pass-among-others", "S3.5", "the Deny of HTTP is found among other statements"},
		{"S3.5.json", "pass-json-false", "S3.5", "aws:SecureTransport false as a JSON boolean"},
		{"S3.5.json", "pass-aws-star", "S3.5", `Principal {"AWS": "*"} is everyone`},
		{"S3.3.json", "pass-get-star", "S3.3", "s3:Get* is read, not write"},
	} {
		s := readFixture(t, tc.file)
		if !slices.ContainsFunc(s.Buckets, func(b checks.Bucket) bool { return b.Name == tc.bucket }) {
			t.Errorf("%s: no bucket %s", tc.file, tc.bucket)
		}
		if key := tc.file + "/" + tc.bucket; offline[key] != "" {
			t.Errorf("%s is judged offline only; TestSimulatorFixtures must build it", key)
		}
		var got []checks.Finding
		for _, f := range checks.Run(s, checks.Options{Only: []string{tc.check}}) {
			if f.Bucket == tc.bucket {
				got = append(got, f)
			}
		}
		if len(got) > 0 {
			t.Errorf("%s %s: %s, yet: %s", tc.check, tc.bucket, tc.why, got[0].Evidence)
		}
	}
}
