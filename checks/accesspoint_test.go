package checks_test

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/checks"
)

// TestAccessPointFindings: an access point's finding names the access
// point by its ARN (built from the partition, Region, account and name
// when the snapshot gives none), carries its Region but no bucket, and
// fills the placeholders of its fix. S3.19 follows the Security Hub User
// Guide (S3.19, AWS Config rule s3-access-point-public-access-blocks), and
// its fix re-creates the access point, whose settings S3 cannot change
// ("After you create an access point, you can't change its block public
// access settings": S3 User Guide, "Managing public access to access
// points"), with its VPC configuration.
func TestAccessPointFindings(t *testing.T) {
	s := &checks.Snapshot{Version: 1, Partition: "aws-cn", Account: checks.Account{ID: "111122223333", AccessPoints: []checks.AccessPoint{
		{Name: "etl", Region: "cn-north-1", Bucket: "data", NetworkOrigin: "VPC", VPCID: "vpc-1a2b3c",
			PublicAccessBlock: &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true}},
	}}}
	fs := checks.Run(s, checks.Options{Only: []string{"S3.19"}})
	const arn = "arn:aws-cn:s3:cn-north-1:111122223333:accesspoint/etl"
	want := []checks.Finding{{
		Check: "S3.19", Title: "S3 access points should have block public access settings enabled", Severity: checks.Critical,
		Resource: arn, Region: "cn-north-1",
		Evidence: "access point etl (bucket data): Block Public Access BlockPublicAcls=true IgnorePublicAcls=true BlockPublicPolicy=true RestrictPublicBuckets=false",
		Why: "For a request through an access point, S3 applies the access point's own Block Public Access settings as well as the bucket's and the account's: " +
			"with all four on, the access point can neither be given a public policy nor let one grant access outside the account.",
		Fix: "S3 cannot change an access point's Block Public Access settings after it is created: delete the access point and create it again with all four settings on " +
			"(DeleteAccessPoint, CreateAccessPoint): aws s3control delete-access-point --account-id 111122223333 --region cn-north-1 --name etl; " +
			"aws s3control create-access-point --account-id 111122223333 --region cn-north-1 --name etl --bucket data --vpc-configuration VpcId=vpc-1a2b3c " +
			"--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true. " +
			"Requests through the access point fail between the two calls.",
		Controls: checks.Controls{SecurityHub: "S3.19", ConfigRule: "s3-access-point-public-access-blocks"},
		Doc:      shControls + "#s3-19",
	}}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// An access point whose Region nobody knows: the fix says REGION.
	s.Account.AccessPoints[0].Region = ""
	fs = checks.Run(s, checks.Options{Only: []string{"S3.19"}})
	if len(fs) != 1 || !strings.Contains(fs[0].Fix, "--region REGION --name etl") || fs[0].Region != "" {
		t.Errorf("unknown Region: %+v", fs)
	}
}

// TestAccessPointPublicEvidence: the evidence quotes the public statement
// and says why it is public (package public's Reason.Why), as S3.2 does
// for a bucket policy, and where RestrictPublicBuckets was looked for.
func TestAccessPointPublicEvidence(t *testing.T) {
	s := readFixture(t, "access-point-public.json")
	var got []string
	for _, f := range checks.Run(s, checks.Options{Only: []string{"access-point-public"}}) {
		if strings.HasSuffix(f.Resource, "/fail-star") {
			got = append(got, f.Evidence)
		}
	}
	want := []string{`access point fail-star (bucket data): statement 0 (Sid "PublicRead"): ` +
		`{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/fail-star/object/*"}: ` +
		`Principal "*" with no condition that fixes the caller; grants s3:GetObject; RestrictPublicBuckets is off for the access point and for the bucket and the account`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}

// TestAccessPointVPCOffByDefault: an access point of network origin
// Internet is not wrong in itself; access-point-vpc reports only the
// access points Params.VPCAccessPoints names.
func TestAccessPointVPCOffByDefault(t *testing.T) {
	s := readFixture(t, "access-point-vpc.json")
	if fs := checks.Run(s, checks.Options{Only: []string{"access-point-vpc"}}); len(fs) != 0 {
		t.Errorf("without VPCAccessPoints: %+v", fs)
	}
	var got []string
	for _, f := range checks.Run(s, checks.Options{Only: []string{"access-point-vpc"}, Params: checks.Params{VPCAccessPoints: []string{"*"}}}) {
		got = append(got, f.Resource[strings.LastIndex(f.Resource, "/")+1:])
	}
	if diff := cmp.Diff([]string{"fail-etl-private", "fail-reports-private", "pass-web"}, got); diff != "" {
		t.Errorf(`VPCAccessPoints ["*"] (-want +got):\n%s`, diff)
	}
}

// TestAccessPointSARIFLocation: a finding of an access point is located
// at the access point's entry of the snapshot file.
func TestAccessPointSARIFLocation(t *testing.T) {
	const file = "testdata/S3.19.json"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := readFixture(t, "S3.19.json")
	fs := checks.Run(s, checks.Options{Only: []string{"S3.19"}})
	log := writeSARIF(t, fs, nil, sarifOptions(t, data))
	text := strings.Split(string(data), "\n")
	if len(log.Runs[0].Results) == 0 {
		t.Fatal("no results")
	}
	for i, r := range log.Runs[0].Results {
		p := r.Locations[0].PhysicalLocation
		if p == nil || p.Region == nil {
			t.Fatalf("result %d: no line", i)
		}
		name := fs[i].Resource[strings.LastIndex(fs[i].Resource, "/")+1:]
		if l := p.Region.StartLine; strings.TrimSpace(text[l-1]) != "{" || strings.TrimSpace(text[l]) != `"name": "`+name+`",` {
			t.Errorf("result %d (%s): line %d is %q, then %q", i, name, l, text[l-1], text[l])
		}
	}
}

// TestRegistryAccessPointCheck: a caller's check may judge access points
// alone, and a bucket's check sees the bucket's access points.
func TestRegistryAccessPointCheck(t *testing.T) {
	r := checks.NewRegistry()
	err := r.Add(checks.Check{
		ID: "acme-ap-policy", Title: "Access points should have a policy", Severity: checks.Low,
		Why: "An access point without a policy grants nothing of its own.", Fix: "aws s3control put-access-point-policy --account-id {account} --region {region} --name {accesspoint} --policy file://p.json",
		AccessPoint: func(t *checks.AccessPointTarget) []checks.Issue {
			if t.AccessPoint.Policy == "" {
				return []checks.Issue{{Evidence: "no policy for bucket " + t.AccessPoint.Bucket}}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Add(checks.Check{
		ID: "acme-ap-count", Title: "Buckets with access points", Severity: checks.Informational,
		Bucket: func(t *checks.Target) []checks.Issue {
			var names []string
			for _, ap := range t.AccessPoints() {
				names = append(names, ap.Name)
			}
			if len(names) == 0 {
				return nil
			}
			return []checks.Issue{{Evidence: strings.Join(names, ",")}}
		},
	}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range r.Run(readFixture(t, "access-point-delegation.json"), checks.Options{Only: []string{"acme-ap-policy", "acme-ap-count"}}) {
		got = append(got, f.Check+" "+f.Resource+" "+f.Evidence)
		if strings.Contains(f.Fix, "{") {
			t.Errorf("fix %q", f.Fix)
		}
	}
	// pass-foreign's access point is for another account's bucket of that
	// name: it is not the scanned bucket's.
	want := []string{
		"acme-ap-count arn:aws:s3:::fail-no-policy ap-one",
		"acme-ap-count arn:aws:s3:::fail-other-statement ap-two",
		"acme-ap-count arn:aws:s3:::fail-other-account ap-three",
		"acme-ap-count arn:aws:s3:::fail-deny-only ap-four",
		"acme-ap-count arn:aws:s3:::fail-one-of-two ap-five,ap-six",
		"acme-ap-count arn:aws:s3:::pass-account ap-seven",
		"acme-ap-count arn:aws:s3:::pass-arn-set ap-eight",
		"acme-ap-count arn:aws:s3:::pass-arn-exact ap-nine",
	}
	for _, ap := range []struct{ name, bucket string }{{"ap-one", "fail-no-policy"}, {"ap-two", "fail-other-statement"}, {"ap-three", "fail-other-account"},
		{"ap-four", "fail-deny-only"}, {"ap-five", "fail-one-of-two"}, {"ap-six", "fail-one-of-two"}, {"ap-seven", "pass-account"},
		{"ap-eight", "pass-arn-set"}, {"ap-nine", "pass-arn-exact"}, {"ap-ten", "pass-foreign"}} {
		want = append(want, "acme-ap-policy "+apARN("us-east-1", ap.name)+" no policy for bucket "+ap.bucket)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestAccessPointUnread: what could not be read is not judged (S3.19 needs
// GetAccessPoint), and does not hide public access: an access point whose
// settings are unknown is not taken to have S3's defaults, all on.
func TestAccessPointUnread(t *testing.T) {
	s := &checks.Snapshot{Version: 1, Account: checks.Account{ID: "111122223333", AccessPoints: []checks.AccessPoint{{
		Name: "blind", Region: "us-east-1", Bucket: "data", NetworkOrigin: "Internet",
		Policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/blind/object/*"}]}`,
		Errors: []checks.ReadError{{Call: "GetAccessPoint", Code: "AccessDenied", Message: "Access Denied"}},
	}}}}
	var got []string
	for _, f := range checks.Run(s, checks.Options{Only: []string{"S3.19", "access-point-public", "read-error"}}) {
		got = append(got, f.Check)
		if f.Check == "access-point-public" && !strings.HasSuffix(f.Evidence,
			"the access point's settings are unknown (GetAccessPoint failed), RestrictPublicBuckets is off and for the account, and the bucket is not in the snapshot") {
			t.Errorf("evidence %q", f.Evidence)
		}
	}
	if diff := cmp.Diff([]string{"read-error", "access-point-public"}, got); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
}
