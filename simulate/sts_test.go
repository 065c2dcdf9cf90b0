package simulate_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/s3vet/s3vet/simulate"
)

func stsWorld() *simulate.World {
	w := &simulate.World{}
	prod := w.AddAccount("111111111111")
	prod.AddRole("reader", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:user/dev"},
		"Action":["sts:AssumeRole","sts:TagSession"],"Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]},
		 {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::data/${aws:PrincipalTag/team}/*"}]}`).MaxSessionDuration = 7200
	prod.AddBucket("data").AddObject("public/a.txt", "a").AddObject("private/b.txt", "b")
	dev := w.AddAccount("222222222222")
	dev.AddUser("dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"arn:aws:iam::111111111111:role/*"}]}`)
	dev.AddUser("nobody")
	return w
}

const (
	devARN    = "arn:aws:iam::222222222222:user/dev"
	readerARN = "arn:aws:iam::111111111111:role/reader"
)

// s3As returns an S3 client signing with temporary credentials.
func s3As(srv *simulate.Server, c *ststypes.Credentials) *s3.Client {
	cfg := srv.Config(anon)
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
			SessionToken: aws.ToString(c.SessionToken)}, nil
	})
	return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true; o.RetryMaxAttempts = 1 })
}

// AssumeRole through the SDK's sts client: the trust policy and the
// caller's policies decide; the session has the role's permissions, cut
// down by the session policy, with its tags; it expires.
func TestAssumeRole(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := simulate.NewTestServer(t, stsWorld(), simulate.WithClock(clk.now))
	ctx := context.Background()
	stsc := sts.NewFromConfig(srv.Config(devARN))

	id, err := stsc.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != devARN || aws.ToString(id.Account) != "222222222222" {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	_, err = stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1")})
	wantError(t, err, "AccessDenied", "is not authorized to perform: sts:AssumeRole on resource: "+readerARN)
	_, err = sts.NewFromConfig(srv.Config("arn:aws:iam::222222222222:user/nobody")).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"), ExternalId: aws.String("ext-1")})
	wantError(t, err, "AccessDenied", "")
	_, err = stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"),
		ExternalId: aws.String("ext-1"), DurationSeconds: aws.Int32(3 * 3600)})
	wantError(t, err, "ValidationError", "MaxSessionDuration")

	out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("s1"),
		ExternalId: aws.String("ext-1"), Tags: []ststypes.Tag{{Key: aws.String("team"), Value: aws.String("public")}}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.AssumedRoleUser.Arn) != "arn:aws:sts::111111111111:assumed-role/reader/s1" {
		t.Fatalf("assumed role ARN %q", aws.ToString(out.AssumedRoleUser.Arn))
	}
	c := s3As(srv, out.Credentials)
	if body, err := get(ctx, c, "data", "private/b.txt"); err != nil || body != "b" {
		t.Fatalf("role session GET: %q %v", body, err)
	}
	if err := put(ctx, c, "data", "public/new.txt", "n"); err != nil {
		t.Fatalf("PUT under the session tag's prefix: %v", err)
	}
	err = put(ctx, c, "data", "private/new.txt", "n")
	wantError(t, err, "AccessDenied", `User: arn:aws:sts::111111111111:assumed-role/reader/s1 is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::data/private/new.txt" because no identity-based policy allows the s3:PutObject action`)
	who, err := sts.NewFromConfig(s3ConfigFor(srv, out.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != "arn:aws:sts::111111111111:assumed-role/reader/s1" {
		t.Fatalf("session GetCallerIdentity: %v", err)
	}

	// A session policy narrows the session.
	narrow, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerARN), RoleSessionName: aws.String("narrow"),
		ExternalId: aws.String("ext-1"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/public/*"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	nc := s3As(srv, narrow.Credentials)
	if _, err := get(ctx, nc, "data", "public/a.txt"); err != nil {
		t.Fatal(err)
	}
	_, err = get(ctx, nc, "data", "private/b.txt")
	wantError(t, err, "AccessDenied", "because no session policy allows the s3:GetObject action")

	// Temporary credentials expire. (The SDK corrects its clock from the
	// Date of the RequestTimeTooSkewed answer, and retries.)
	clk.set(time.Now().Add(2 * time.Hour))
	retrying := s3.NewFromConfig(s3ConfigFor(srv, out.Credentials), func(o *s3.Options) { o.UsePathStyle = true })
	_, err = get(ctx, retrying, "data", "public/a.txt")
	wantError(t, err, "ExpiredToken", "")
}

// Config gives a client for a role session ARN directly.
func TestRoleSessionClient(t *testing.T) {
	srv := simulate.NewTestServer(t, stsWorld())
	c := srv.Client("arn:aws:sts::111111111111:assumed-role/reader/direct")
	if body, err := get(context.Background(), c, "data", "public/a.txt"); err != nil || body != "a" {
		t.Fatalf("%q %v", body, err)
	}
	recs := srv.Requests()
	if recs[len(recs)-1].Principal != "arn:aws:sts::111111111111:assumed-role/reader/direct" {
		t.Errorf("principal %q", recs[len(recs)-1].Principal)
	}
}

func s3ConfigFor(srv *simulate.Server, c *ststypes.Credentials) aws.Config {
	cfg := srv.Config(anon)
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: aws.ToString(c.AccessKeyId), SecretAccessKey: aws.ToString(c.SecretAccessKey),
			SessionToken: aws.ToString(c.SessionToken)}, nil
	})
	return cfg
}
