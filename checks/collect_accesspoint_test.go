package checks_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/checks"
)

// The access points of the account, read through S3 Control as the S3 API
// Reference describes ListAccessPoints (up to 1,000 a call, "the response
// will include a continuation token that you can use to list the
// additional access points"), GetAccessPoint, GetAccessPointPolicy and
// GetAccessPointPolicyStatus.

func apARN(region, name string) string {
	return "arn:aws:s3:" + region + ":111122223333:accesspoint/" + name
}

func allOn() *s3ctltypes.PublicAccessBlockConfiguration {
	return &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
		BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
}

// fakeAP is an access point as CreateAccessPoint makes it by default:
// network origin Internet, all four Block Public Access settings on.
func fakeAP(region, name, bucket string) *fakeAccessPoint {
	return &fakeAccessPoint{get: s3control.GetAccessPointOutput{
		Name: aws.String(name), Bucket: aws.String(bucket), AccessPointArn: aws.String(apARN(region, name)),
		Alias: aws.String(name + "-abcdefghijklmnopqrstuvwxyz012-s3alias"), NetworkOrigin: s3ctltypes.NetworkOriginInternet,
		PublicAccessBlockConfiguration: allOn(),
	}}
}

func collectAPs(t *testing.T, f *fakeS3, ctl checks.AccessPointReader, pol checks.AccessPointPolicyReader, opts checks.CollectOptions) *checks.Snapshot {
	t.Helper()
	cl := f.clients()
	cl.AccessPoints, cl.AccessPointPolicy = ctl, pol
	s, err := checks.Collect(context.Background(), cl, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCollectAccessPoints: every access point of the account lands in the
// snapshot, page after page, with its configuration, its policy and S3's
// judgement of it. NoSuchAccessPointPolicy means no policy, as
// NoSuchBucketPolicy does for a bucket; an access point deleted between
// ListAccessPoints and GetAccessPoint (NoSuchAccessPoint) is left out.
func TestCollectAccessPoints(t *testing.T) {
	const vpcPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/etl"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/private/object/*"}]}`
	const partnerPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/partner/object/*"}]}`
	internet := fakeAP("us-east-1", "analytics", "data")
	vpc := fakeAP("us-east-1", "private", "data")
	vpc.get.NetworkOrigin = s3ctltypes.NetworkOriginVpc
	vpc.get.VpcConfiguration = &s3ctltypes.VpcConfiguration{VpcId: aws.String("vpc-1a2b3c")}
	vpc.policy = vpcPolicy
	gone := fakeAP("us-east-1", "deleted", "data")
	gone.gone = true
	partner := fakeAP("us-east-1", "partner", "shared")
	partner.get.BucketAccountId = aws.String("444455556666")
	partner.get.PublicAccessBlockConfiguration = &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true),
		IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
	partner.policy, partner.public = partnerPolicy, true
	ctl := &fakeAccessPoints{aps: []*fakeAccessPoint{internet, vpc, gone, partner}, page: 2}

	s := collectAPs(t, newFake("us-east-1").add("data", &fakeBucket{}), ctl, ctl, checks.CollectOptions{Region: "us-east-1", Concurrency: 2})
	all := &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
	want := []checks.AccessPoint{
		{Name: "analytics", ARN: apARN("us-east-1", "analytics"), Region: "us-east-1", Alias: "analytics-abcdefghijklmnopqrstuvwxyz012-s3alias",
			Bucket: "data", NetworkOrigin: "Internet", PublicAccessBlock: all},
		{Name: "private", ARN: apARN("us-east-1", "private"), Region: "us-east-1", Alias: "private-abcdefghijklmnopqrstuvwxyz012-s3alias",
			Bucket: "data", NetworkOrigin: "VPC", VPCID: "vpc-1a2b3c", PublicAccessBlock: all,
			Policy: vpcPolicy, PolicyStatus: &checks.PolicyStatus{IsPublic: false}},
		{Name: "partner", ARN: apARN("us-east-1", "partner"), Region: "us-east-1", Alias: "partner-abcdefghijklmnopqrstuvwxyz012-s3alias",
			Bucket: "shared", BucketAccountID: "444455556666", NetworkOrigin: "Internet",
			PublicAccessBlock: &checks.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true},
			Policy:            partnerPolicy, PolicyStatus: &checks.PolicyStatus{IsPublic: true}},
	}
	if diff := cmp.Diff(want, s.Account.AccessPoints); diff != "" {
		t.Errorf("access points (-want +got):\n%s", diff)
	}
	if len(s.Account.Errors) != 0 {
		t.Errorf("account errors %v", s.Account.Errors)
	}
	if got := ctl.calls["ListAccessPoints"]; got != 2 {
		t.Errorf("%d ListAccessPoints calls, want 2 pages", got)
	}
	if diff := cmp.Diff(s, roundTrip(t, s)); diff != "" {
		t.Errorf("snapshot changed in a JSON round trip (-before +after):\n%s", diff)
	}
}

// TestCollectAccessPointErrors: a call that fails is recorded where it
// failed, the account's listing in the account and an access point's in
// the access point, as for buckets, and becomes a read-error finding that
// names the permission; an endpoint that does not implement access points
// has none.
func TestCollectAccessPointErrors(t *testing.T) {
	f := newFake("us-east-1").add("data", &fakeBucket{})

	s := collectAPs(t, f, &fakeAccessPoints{listErr: apiError("AccessDenied", "Access Denied")}, nil, checks.CollectOptions{Region: "us-east-1"})
	if diff := cmp.Diff([]checks.ReadError{{Call: "ListAccessPoints", Code: "AccessDenied", Message: "Access Denied"}}, s.Account.Errors); diff != "" {
		t.Errorf("ListAccessPoints denied (-want +got):\n%s", diff)
	}
	fs := checks.Run(s, checks.Options{Only: []string{"read-error"}})
	if len(fs) != 1 || fs[0].Resource != "AWS::::Account:111122223333" || !strings.Contains(fs[0].Fix, "s3:ListAccessPoints") {
		t.Errorf("read-error findings %+v", fs)
	}

	denied := fakeAP("us-east-1", "locked", "data")
	denied.policy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/locked/object/*"}]}`
	denied.get.PublicAccessBlockConfiguration = &s3ctltypes.PublicAccessBlockConfiguration{}
	denied.errs = map[string]error{"GetAccessPointPolicy": apiError("AccessDenied", "Access Denied")}
	ctl := &fakeAccessPoints{aps: []*fakeAccessPoint{denied}}
	s = collectAPs(t, f, ctl, ctl, checks.CollectOptions{Region: "us-east-1"})
	if len(s.Account.AccessPoints) != 1 {
		t.Fatalf("access points %+v", s.Account.AccessPoints)
	}
	if diff := cmp.Diff([]checks.ReadError{{Call: "GetAccessPointPolicy", Code: "AccessDenied", Message: "Access Denied"}}, s.Account.AccessPoints[0].Errors); diff != "" {
		t.Errorf("GetAccessPointPolicy denied (-want +got):\n%s", diff)
	}
	var got []string
	for _, f := range checks.Run(s, checks.Options{Only: []string{"read-error", "access-point-public"}}) {
		got = append(got, f.Check+" "+f.Resource+" "+f.Evidence)
		if !strings.Contains(f.Fix, "s3:GetAccessPointPolicy") {
			t.Errorf("fix %q does not name the permission", f.Fix)
		}
	}
	// The policy is unknown: access-point-public does not judge it.
	if diff := cmp.Diff([]string{"read-error " + apARN("us-east-1", "locked") + " GetAccessPointPolicy: AccessDenied: Access Denied"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// An endpoint without access points (an S3-compatible store that
	// answers NotImplemented) leaves them unread, and says so.
	s = collectAPs(t, f, &fakeAccessPoints{listErr: apiError("NotImplemented", "not implemented")}, nil, checks.CollectOptions{Region: "us-east-1"})
	if diff := cmp.Diff([]checks.ReadError{{Call: "ListAccessPoints", Code: "NotImplemented", Message: "not implemented"}}, s.Account.Errors); diff != "" || len(s.Account.AccessPoints) != 0 {
		t.Errorf("NotImplemented (-want +got):\n%s", diff)
	}

	// Without clients, nothing is read, and the snapshot says so.
	s = collectAPs(t, f, nil, nil, checks.CollectOptions{Region: "us-east-1"})
	if diff := cmp.Diff([]checks.ReadError{{Call: "ListAccessPoints", Message: "no client was given for this call"}}, s.Account.Errors); diff != "" {
		t.Errorf("no AccessPoints client (-want +got):\n%s", diff)
	}
	ctl = &fakeAccessPoints{aps: []*fakeAccessPoint{fakeAP("us-east-1", "analytics", "data")}}
	s = collectAPs(t, f, ctl, nil, checks.CollectOptions{Region: "us-east-1"})
	if diff := cmp.Diff([]string{"GetAccessPointPolicy ", "GetAccessPointPolicyStatus "}, readErrors(s.Account.AccessPoints[0].Errors)); diff != "" {
		t.Errorf("no AccessPointPolicy client (-want +got):\n%s", diff)
	}
}

// TestCollectAccessPointsRegions: access points are regional ("When you
// create an access point, you choose its name and the AWS Region to
// create it in": S3 User Guide, "Access points naming rules, restrictions,
// and limitations"). Collect lists those of the clients' Region and of the
// other Regions of the buckets, through the Regional clients that can; a
// Region whose listing fails is named in the error.
func TestCollectAccessPointsRegions(t *testing.T) {
	base := newFake("us-east-1").
		add("home", &fakeBucket{}).
		add("eu", &fakeBucket{region: "eu-west-1", listRegion: true}).
		add("mumbai", &fakeBucket{region: "ap-south-1", listRegion: true}).
		add("sydney", &fakeBucket{region: "ap-southeast-2", listRegion: true})
	home := &fakeAccessPoints{aps: []*fakeAccessPoint{fakeAP("us-east-1", "home-ap", "home")}}
	eu := &fakeAccessPoints{aps: []*fakeAccessPoint{fakeAP("eu-west-1", "eu-ap", "eu")}}
	sydney := &fakeAccessPoints{listErr: apiError("AccessDenied", "Access Denied")}
	regional := func(region string) checks.Clients {
		f := newFake(region)
		for _, n := range base.order {
			if b := base.buckets[n]; b.region == region {
				f.add(n, &fakeBucket{region: region})
			}
		}
		cl := f.clients()
		cl.AccessPoints, cl.AccessPointPolicy = nil, nil
		switch region {
		case "eu-west-1":
			cl.AccessPoints, cl.AccessPointPolicy = eu, eu
		case "ap-southeast-2":
			cl.AccessPoints = sydney
		}
		return cl
	}
	s := collectAPs(t, base, home, home, checks.CollectOptions{Region: "us-east-1", Regional: regional})
	var names []string
	for _, ap := range s.Account.AccessPoints {
		names = append(names, ap.Region+"/"+ap.Name)
	}
	if diff := cmp.Diff([]string{"us-east-1/home-ap", "eu-west-1/eu-ap"}, names); diff != "" {
		t.Errorf("access points (-want +got):\n%s", diff)
	}
	want := []checks.ReadError{{Call: "ListAccessPoints", Code: "AccessDenied", Message: "Access Denied (Region ap-southeast-2)"}}
	if diff := cmp.Diff(want, s.Account.Errors); diff != "" {
		t.Errorf("account errors (-want +got):\n%s", diff)
	}
}
