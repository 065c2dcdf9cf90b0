package simulate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// The AWS documents the access point and VPC endpoint tests follow.
const (
	apPolicies   = "S3 User Guide, Configuring IAM policies for using access points, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html"
	apFSx        = "FSx for ONTAP User Guide, Configuring network access for Amazon S3 access points (the identity policy is evaluated against the access point resource), https://docs.aws.amazon.com/fsx/latest/ONTAPGuide/configuring-network-access-for-s3-access-points.html"
	apNaming     = "S3 User Guide, Referencing access points with ARNs, access point aliases, or virtual-hosted-style URIs, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-naming.html"
	apCompat     = "S3 User Guide, Access point compatibility, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-service-api-support.html"
	apVPC        = "S3 User Guide, Creating access points restricted to a virtual private cloud, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-vpc.html"
	apBPA        = "S3 User Guide, Managing public access to access points for general purpose buckets, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html"
	apControl    = "S3 API Reference, CreateAccessPoint, GetAccessPoint, ListAccessPoints, PutAccessPointPolicy, GetAccessPointPolicy, GetAccessPointPolicyStatus, https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateAccessPoint.html"
	vpceBucket   = "S3 User Guide, Controlling access from VPC endpoints with bucket policies, https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html"
	vpcePolicy   = "AWS PrivateLink Guide, Control access to VPC endpoints using endpoint policies, https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"
	vpceKeys     = "IAM User Guide, AWS global condition context keys (aws:SourceIp is absent through a VPC endpoint; aws:SourceVpce, aws:SourceVpc, aws:VpceAccount, aws:VpcSourceIp), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
	apAccountA   = "111122223333"
	apAccountB   = "444455556666"
	analyticsARN = "arn:aws:s3:us-east-1:" + apAccountA + ":accesspoint/analytics"
	privateARN   = "arn:aws:s3:us-east-1:" + apAccountA + ":accesspoint/private"
	partnerARN   = "arn:aws:s3:us-east-1:" + apAccountB + ":accesspoint/partner"
	janeARN      = "arn:aws:iam::" + apAccountA + ":user/jane"
	bobARN       = "arn:aws:iam::" + apAccountA + ":user/bob"
	carolARN     = "arn:aws:iam::" + apAccountB + ":user/carol"
	rootA        = "arn:aws:iam::" + apAccountA + ":root"
)

// delegate is the S3 User Guide's bucket policy that delegates access
// control to the access points of account.
func delegate(bucket, account string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",
	"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],
	"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + account + `"}}}]}`
}

// apWorld has a bucket whose policy delegates to its account's access
// points; the access point analytics, whose policy grants Jane her
// prefix; the access point private, of network origin VPC; a VPC
// endpoint in that VPC whose policy allows reads only; a bucket that
// admits only requests through that endpoint; and a cross-account access
// point of account B.
func apWorld(t testing.TB) *simulate.World {
	w := &simulate.World{}
	a := w.AddAccount(apAccountA)
	a.AddBucket("reports", delegate("reports", apAccountA)).AddObject("Jane/a.txt", "jane's").AddObject("Bob/b.txt", "bob's")
	a.AddBucket("shared", delegate("shared", apAccountB)).AddObject("x.txt", "shared")
	// S3 User Guide, "Restricting access to a specific VPC endpoint".
	a.AddBucket("internal", `{"Version":"2012-10-17","Statement":[{"Sid":"Access-to-specific-VPCE-only","Effect":"Deny","Principal":"*",
		"Action":"s3:*","Resource":["arn:aws:s3:::internal","arn:aws:s3:::internal/*"],
		"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`).AddObject("i.txt", "internal")
	// A deny on aws:SourceIp, absent through an endpoint.
	a.AddBucket("by-ip", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::by-ip","arn:aws:s3:::by-ip/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}`).AddObject("p.txt", "by ip")
	// Jane's own policy lets her list through any access point and read
	// through private; analytics' policy grants her objects there.
	a.AddUser("jane", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:us-east-1:`+apAccountA+`:accesspoint/*"},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+privateARN+`/object/*"}]}`)
	a.AddUser("bob", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	a.AccessPoints = []simulate.AccessPoint{
		{Name: "analytics", Bucket: "reports", Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"` + janeARN + `"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"` + analyticsARN + `/object/Jane/*"},
			{"Effect":"Allow","Principal":{"AWS":"` + janeARN + `"},"Action":"s3:ListBucket","Resource":"` + analyticsARN + `"}]}`)},
		{Name: "private", Bucket: "reports", VPCID: "vpc-1a2b3c4d"},
	}
	a.VPCEndpoints = []simulate.VPCEndpoint{{ID: "vpce-1a2b3c4d", VPCID: "vpc-1a2b3c4d", Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}`)}}
	b := w.AddAccount(apAccountB)
	b.AddUser("carol", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	b.AccessPoints = []simulate.AccessPoint{
		{Name: "partner", Bucket: "shared", BucketAccountID: apAccountA},
		{Name: "sneaky", Bucket: "reports", BucketAccountID: apAccountA},
	}
	return w
}

// TestAccessPointRequests sends requests through access points with the
// SDK, which turns an access point ARN given as the bucket into the host
// NAME-ACCOUNT.<endpoint>.
func TestAccessPointRequests(t *testing.T) {
	ctx := context.Background()
	srv := simulate.NewTestTLSServer(t, apWorld(t))
	inside, err := srv.VPCEndpoint("vpce-1a2b3c4d")
	if err != nil {
		t.Fatal(err)
	}
	sneakyARN := "arn:aws:s3:us-east-1:" + apAccountB + ":accesspoint/sneaky"
	for _, tc := range []struct {
		name, source      string
		from              *simulate.Server
		principal         string
		bucket, key       string
		want, code, inMsg string
	}{
		{"Jane through the access point, in her prefix", apPolicies, srv, janeARN, analyticsARN, "Jane/a.txt", "jane's", "", ""},
		{"Jane through the access point, outside her prefix", apPolicies, srv, janeARN, analyticsARN, "Bob/b.txt", "", "AccessDenied", "s3:GetObject"},
		{"Jane to the bucket: her identity policy names only access points", apFSx, srv, janeARN, "reports", "Jane/a.txt", "", "AccessDenied", "no identity-based policy allows"},
		{"Bob to the bucket", apPolicies, srv, bobARN, "reports", "Bob/b.txt", "bob's", "", ""},
		{"Bob through the access point: his identity policy names the bucket", apFSx, srv, bobARN, analyticsARN, "Bob/b.txt", "", "AccessDenied", ""},
		{"network origin VPC, from outside the VPC", apVPC, srv, janeARN, privateARN, "Jane/a.txt", "", "AccessDenied", "explicit deny in a resource-based policy"},
		{"network origin VPC, from its VPC's endpoint", apVPC, inside, janeARN, privateARN, "Jane/a.txt", "jane's", "", ""},
		{"another account's access point the bucket delegates to", apPolicies, srv, carolARN, partnerARN, "x.txt", "shared", "", ""},
		{"another account's access point the bucket does not delegate to", apPolicies, srv, carolARN, sneakyARN, "Jane/a.txt", "", "AccessDenied", ""},
		{"a bucket restricted to an endpoint, from outside", vpceBucket, srv, rootA, "internal", "i.txt", "", "AccessDenied", "explicit deny in a resource-based policy"},
		{"a bucket restricted to an endpoint, through it", vpceBucket, inside, rootA, "internal", "i.txt", "internal", "", ""},
		{"a deny on aws:SourceIp, from the internet", vpceKeys, srv, rootA, "by-ip", "p.txt", "by ip", "", ""},
		{"a deny on aws:SourceIp, through an endpoint, where the key is absent", vpceKeys, inside, rootA, "by-ip", "p.txt", "", "AccessDenied", "explicit deny"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Log(tc.source)
			got, err := get(ctx, tc.from.Client(tc.principal), tc.bucket, tc.key)
			if tc.code != "" {
				wantError(t, err, tc.code, tc.inMsg)
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}

	// The endpoint's policy allows reads only: "because no VPC endpoint
	// policy allows" a write (S3 User Guide, "Troubleshoot access denied
	// (403 Forbidden) errors").
	t.Log(vpcePolicy)
	wantError(t, put(ctx, inside.Client(rootA), "reports", "new.txt", "x"), "AccessDenied", "because no VPC endpoint policy allows the s3:PutObject action")
	if err := put(ctx, srv.Client(rootA), "reports", "new.txt", "x"); err != nil {
		t.Fatalf("the same write from the internet: %v", err)
	}

	// Writes and listings through the access point act on its bucket.
	if err := put(ctx, srv.Client(janeARN), analyticsARN, "Jane/new.txt", "written through"); err != nil {
		t.Fatal(err)
	}
	if got, err := get(ctx, srv.Client(rootA), "reports", "Jane/new.txt"); err != nil || got != "written through" {
		t.Fatalf("read from the bucket: %q, %v", got, err)
	}
	out, err := srv.Client(janeARN).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(analyticsARN), Prefix: aws.String("Jane/")})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	if diff := cmp.Diff([]string{"Jane/a.txt", "Jane/new.txt"}, keys); diff != "" {
		t.Errorf("listing through the access point (-want +got):\n%s", diff)
	}

	// The records say how each request came.
	var sawAP, sawVPCE bool
	for _, r := range srv.Requests() {
		if r.AccessPoint == analyticsARN && r.Bucket == "reports" {
			sawAP = true
		}
		if r.VPCEndpoint == "vpce-1a2b3c4d" {
			sawVPCE = true
		}
	}
	if !sawAP || !sawVPCE {
		t.Errorf("records: access point %v, VPC endpoint %v", sawAP, sawVPCE)
	}
}

// TestAccessPointAliasAndLimits: the alias stands for the bucket name;
// access points serve object operations only, and HTTPS only.
func TestAccessPointAliasAndLimits(t *testing.T) {
	ctx := context.Background()
	srv := simulate.NewTestTLSServer(t, apWorld(t))
	ctl := s3control.NewFromConfig(srv.Config(rootA))
	ap, err := ctl.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(apAccountA), Name: aws.String("analytics")})
	if err != nil {
		t.Fatal(err)
	}
	alias := aws.ToString(ap.Alias)
	t.Log(apNaming)
	if !strings.HasPrefix(alias, "analytics-") || !strings.HasSuffix(alias, "-s3alias") || len(alias) > 63 {
		t.Fatalf("alias %q is not NAME-METADATA-s3alias of a bucket name's length", alias)
	}
	for _, pathStyle := range []bool{true, false} {
		c := srv.Client(janeARN, func(o *s3.Options) { o.UsePathStyle = pathStyle })
		if got, err := get(ctx, c, alias, "Jane/a.txt"); err != nil || got != "jane's" {
			t.Errorf("path style %v: through the alias: %q, %v", pathStyle, got, err)
		}
		wantError(t, func() error { _, err := get(ctx, c, alias, "Bob/b.txt"); return err }(), "AccessDenied", "")
	}

	t.Log(apCompat)
	_, err = srv.Client(rootA).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(analyticsARN)})
	wantError(t, err, "InvalidRequest", "not supported through an access point")
	_, err = srv.Client(rootA).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("nothere-" + strings.TrimPrefix(alias, "analytics-")), Key: aws.String("k")})
	wantError(t, err, "NoSuchAccessPoint", "")

	// "S3 access points don't support access by HTTP" (apNaming).
	plain := simulate.NewTestServer(t, apWorld(t))
	_, err = get(ctx, plain.Client(janeARN), analyticsARN, "Jane/a.txt")
	wantError(t, err, "InvalidRequest", "HTTPS")
}

// TestAccessPointControl drives the S3 Control API for access points
// through the SDK's s3control client.
func TestAccessPointControl(t *testing.T) {
	t.Log(apControl)
	ctx := context.Background()
	w := apWorld(t)
	w.Accounts[0].PublicAccessBlock = &access.PublicAccessBlock{}
	for _, b := range w.Accounts[0].Buckets {
		b.PublicAccessBlock = &access.PublicAccessBlock{}
	}
	srv := simulate.NewTestTLSServer(t, w)
	ctl := s3control.NewFromConfig(srv.Config(rootA))
	acct := aws.String(apAccountA)

	created, err := ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("open"), Bucket: aws.String("reports"),
		PublicAccessBlockConfiguration: &ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false),
			BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}})
	if err != nil {
		t.Fatal(err)
	}
	openARN := "arn:aws:s3:us-east-1:" + apAccountA + ":accesspoint/open"
	if aws.ToString(created.AccessPointArn) != openARN || !strings.HasSuffix(aws.ToString(created.Alias), "-s3alias") {
		t.Fatalf("created %s, alias %s", aws.ToString(created.AccessPointArn), aws.ToString(created.Alias))
	}
	_, err = ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("open"), Bucket: aws.String("reports")})
	wantError(t, err, "AccessPointAlreadyOwnedByYou", "")
	_, err = ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("Bad_Name"), Bucket: aws.String("reports")})
	wantError(t, err, "InvalidRequest", "access point name")

	got, err := ctl.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("open")})
	if err != nil {
		t.Fatal(err)
	}
	want := &s3control.GetAccessPointOutput{Name: aws.String("open"), Bucket: aws.String("reports"), NetworkOrigin: ctypes.NetworkOriginInternet,
		AccessPointArn: aws.String(openARN), Alias: created.Alias, BucketAccountId: acct,
		PublicAccessBlockConfiguration: &ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false),
			BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(s3control.GetAccessPointOutput{}, ctypes.PublicAccessBlockConfiguration{}),
		cmpopts.IgnoreFields(s3control.GetAccessPointOutput{}, "CreationDate", "Endpoints", "ResultMetadata")); diff != "" {
		t.Errorf("GetAccessPoint (-want +got):\n%s", diff)
	}
	if got.Endpoints["ipv4"] != "s3-accesspoint.us-east-1.amazonaws.com" || got.CreationDate == nil {
		t.Errorf("endpoints %v, creation date %v", got.Endpoints, got.CreationDate)
	}

	// A public policy on an access point whose Block Public Access is off
	// is accepted, and its status says public; under the access point's
	// default settings it is refused (apBPA).
	publicPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + openARN + `/object/*"}]}`
	if _, err := ctl.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("open"), Policy: aws.String(publicPolicy)}); err != nil {
		t.Fatal(err)
	}
	st, err := ctl.GetAccessPointPolicyStatus(ctx, &s3control.GetAccessPointPolicyStatusInput{AccountId: acct, Name: aws.String("open")})
	if err != nil || st.PolicyStatus == nil || !st.PolicyStatus.IsPublic {
		t.Fatalf("policy status %+v, %v; want public", st, err)
	}
	pol, err := ctl.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: aws.String("open")})
	if err != nil || aws.ToString(pol.Policy) != publicPolicy {
		t.Fatalf("GetAccessPointPolicy %v, %v", pol, err)
	}
	_, err = ctl.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("analytics"),
		Policy: aws.String(strings.ReplaceAll(publicPolicy, openARN, analyticsARN))})
	wantError(t, err, "AccessDenied", "BlockPublicPolicy")
	_, err = ctl.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("open"),
		Policy: aws.String(strings.ReplaceAll(publicPolicy, openARN, analyticsARN))})
	wantError(t, err, "MalformedPolicy", "invalid resource")

	// Listing, a page at a time.
	var names []string
	p := s3control.NewListAccessPointsPaginator(ctl, &s3control.ListAccessPointsInput{AccountId: acct, MaxResults: 1})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.AccessPointList) > 1 {
			t.Fatalf("a page of %d", len(page.AccessPointList))
		}
		for _, ap := range page.AccessPointList {
			names = append(names, aws.ToString(ap.Name))
		}
	}
	if diff := cmp.Diff([]string{"analytics", "open", "private"}, names); diff != "" {
		t.Errorf("ListAccessPoints (-want +got):\n%s", diff)
	}

	if _, err := ctl.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: acct, Name: aws.String("open")}); err != nil {
		t.Fatal(err)
	}
	_, err = ctl.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: acct, Name: aws.String("open")})
	wantError(t, err, "NoSuchAccessPointPolicy", "")
	if _, err := ctl.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: acct, Name: aws.String("open")}); err != nil {
		t.Fatal(err)
	}
	_, err = ctl.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("open")})
	wantError(t, err, "NoSuchAccessPoint", "")

	// Only the account's principals act on its access points, and only as
	// their policies allow.
	_, err = s3control.NewFromConfig(srv.Config(carolARN)).GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("analytics")})
	wantError(t, err, "AccessDenied", "")
	_, err = s3control.NewFromConfig(srv.Config(janeARN)).CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("mine"), Bucket: aws.String("reports")})
	wantError(t, err, "AccessDenied", "s3:CreateAccessPoint")
}

// TestAccessPointSCPNetworkOrigin: the S3 User Guide's SCP that requires
// new access points to have network origin VPC, through
// s3:AccessPointNetworkOrigin.
func TestAccessPointSCPNetworkOrigin(t *testing.T) {
	t.Log(apPolicies)
	ctx := context.Background()
	w := apWorld(t)
	w.Organization = &simulate.Organization{ID: "o-a1b2c3d4e5", Accounts: []string{apAccountA},
		SCPs: [][]json.RawMessage{{json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:CreateAccessPoint","Resource":"*",
			"Condition":{"StringNotEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}]}`)}}}
	srv := simulate.NewTestTLSServer(t, w)
	ctl := s3control.NewFromConfig(srv.Config(rootA))
	_, err := ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(apAccountA), Name: aws.String("open"), Bucket: aws.String("reports")})
	wantError(t, err, "AccessDenied", "service control policy")
	if _, err := ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(apAccountA), Name: aws.String("closed"), Bucket: aws.String("reports"),
		VpcConfiguration: &ctypes.VpcConfiguration{VpcId: aws.String("vpc-1a2b3c4d")}}); err != nil {
		t.Fatalf("a VPC access point: %v", err)
	}
}

// TestAuthorizeThroughAccessPoint: Simulator.Authorize takes an access
// point's ARN as the bucket, and a VPC endpoint in the connection.
func TestAuthorizeThroughAccessPoint(t *testing.T) {
	sim, err := simulate.New(apWorld(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		req     s3op.Request
		allowed bool
		errText string
	}{
		{"Jane through analytics", s3op.Request{Operation: "GetObject", Bucket: analyticsARN, Key: "Jane/a.txt"}, true, ""},
		{"Jane through analytics, outside her prefix", s3op.Request{Operation: "GetObject", Bucket: analyticsARN, Key: "Bob/b.txt"}, false, ""},
		{"Jane through private, outside its VPC", s3op.Request{Operation: "GetObject", Bucket: privateARN, Key: "Jane/a.txt"}, false, ""},
		{"Jane through private, from its endpoint", s3op.Request{Operation: "GetObject", Bucket: privateARN, Key: "Jane/a.txt",
			Conn: s3op.Conn{SourceIP: "10.0.0.7", VPCEndpoint: &s3op.VPCEndpoint{ID: "vpce-1a2b3c4d"}}}, true, ""},
		{"an unknown endpoint", s3op.Request{Operation: "GetObject", Bucket: privateARN, Key: "Jane/a.txt",
			Conn: s3op.Conn{VPCEndpoint: &s3op.VPCEndpoint{ID: "vpce-99999999"}}}, false, "no such VPC endpoint"},
		{"an unknown access point", s3op.Request{Operation: "GetObject", Bucket: "arn:aws:s3:us-east-1:" + apAccountA + ":accesspoint/nope", Key: "k"}, false, "NoSuchAccessPoint"},
		{"a bucket operation through an access point", s3op.Request{Operation: "PutBucketPolicy", Bucket: analyticsARN}, false, "not supported through an access point"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := sim.Authorize(janeARN, &tc.req)
			if tc.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errText) {
					t.Fatalf("error %v, want one saying %q", err, tc.errText)
				}
				return
			}
			if err != nil || d.Allowed != tc.allowed {
				t.Fatalf("allowed %v, %v (%s); want %v", d.Allowed, err, d.Explained, tc.allowed)
			}
		})
	}
}

// TestAccessPointWorldErrors: a world's access points and endpoints are
// checked when it is loaded.
func TestAccessPointWorldErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"accounts":[{"id":"111122223333","accessPoints":[{"name":"apx","bucket":"nope"}]}]}`, `bucket "nope" is not in the world`},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"bk1"}],"accessPoints":[{"name":"Bad","bucket":"bk1"}]}]}`, "lower-case"},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"bk1"}],"accessPoints":[{"name":"ap1","bucket":"bk1"},{"name":"ap1","bucket":"bk1"}]}]}`, "declared twice"},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"bk1"}]},{"id":"444455556666","accessPoints":[{"name":"ap1","bucket":"bk1"}]}]}`, "bucketAccountId"},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"bk1"}],"accessPoints":[{"name":"ap1","bucket":"bk1","vpcId":"vpc-XYZ"}]}]}`, "not a VPC ID"},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"ap1-111122223333"}],"accessPoints":[{"name":"ap1","bucket":"ap1-111122223333"}]}]}`, "host name label"},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"bk1"}],"accessPoints":[{"name":"ap1","bucket":"bk1","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bk1/*"}]}}]}]}`, "invalid resource"},
		{`{"accounts":[{"id":"111122223333","vpcEndpoints":[{"id":"vpce-1","vpcId":"vpc-1"},{"id":"vpce-1","vpcId":"vpc-1"}]}]}`, "declared twice"},
		{`{"accounts":[{"id":"111122223333","vpcEndpoints":[{"id":"endpoint","vpcId":"vpc-1"}]}]}`, "not a VPC endpoint ID"},
		{`{"accounts":[{"id":"111122223333","vpcEndpoints":[{"id":"vpce-1","vpcId":"vpc-1","policy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}]}]}`, "Principal"},
		{`{"accounts":[{"id":"111122223333","buckets":[{"name":"x-s3alias"}]}]}`, "reserved"},
	} {
		_, err := simulate.LoadWorld(strings.NewReader(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n error %v, want one saying %q", tc.doc, err, tc.want)
		}
	}
	srv := simulate.NewTestServer(t, apWorld(t))
	if _, err := srv.VPCEndpoint("vpce-00000000"); err == nil {
		t.Error("VPCEndpoint of an unknown endpoint: no error")
	}
}
