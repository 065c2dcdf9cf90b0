package simulate_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// A unit test declares a world, starts the simulator and runs the code
// under test with a real SDK client: S3's answers come back, refusals
// included. (In a test, simulate.NewTestServer(t, w) also closes it.)
func Example() {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	reader := acct.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	acct.AddBucket("reports").AddObject("q1.csv", "revenue,42")

	srv, err := simulate.NewServer(w)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	c := srv.Client(reader.ARN())
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("q1.csv")})
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	fmt.Println(string(body))

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("q2.csv"), Body: strings.NewReader("x")})
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.ErrorCode()+":", ae.ErrorMessage())
	}
	for _, r := range srv.Requests() {
		fmt.Println(r.Operation, r.Key, r.Status)
	}
	// Output:
	// revenue,42
	// AccessDenied: User: arn:aws:iam::111122223333:user/reader is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::reports/q2.csv" because no identity-based policy allows the s3:PutObject action
	// GetObject q1.csv 200
	// PutObject q2.csv 403
}

// Authorize answers without HTTP, with the same model.
func ExampleSimulator_Authorize() {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	acct.AddBucket("site", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)
	sim, err := simulate.New(w)
	if err != nil {
		log.Fatal(err)
	}
	d, err := sim.Authorize("anonymous", &s3op.Request{Operation: "GetObject", Bucket: "site", Key: "index.html"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Allowed, d.Explained)
	// Output:
	// false User: anonymous is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::site/index.html" because public access is restricted by the RestrictPublicBuckets block public access setting
}

// WithClock sets the simulator's time; the SDK clients of the server sign
// with it, and temporary credentials and presigned URLs expire by it.
func ExampleWithClock() {
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	acct.RootAccessKeys = []simulate.AccessKey{{ID: "AKIAROOTEXAMPLE00001", Secret: "root"}}
	acct.AddBucket("logs")
	srv, err := simulate.NewServer(w, simulate.WithClock(func() time.Time { return at }))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c := srv.Client(acct.ARN())
	ctx := context.Background()
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("logs"), Key: aws.String("a"), Body: strings.NewReader("x")}); err != nil {
		log.Fatal(err)
	}
	out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("logs"), Key: aws.String("a")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.LastModified.UTC())
	// Output:
	// 2030-01-01 00:00:00 +0000 UTC
}

// An organization's SCPs bound what its accounts' identities may do,
// whatever their own policies allow.
func Example_scp() {
	w, err := simulate.LoadWorld(strings.NewReader(`{
	  "organization": {"id": "o-example", "accounts": ["111122223333"],
	    "scps": [[{"Version": "2012-10-17", "Statement": [
	      {"Effect": "Allow", "Action": "*", "Resource": "*"},
	      {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}]]},
	  "accounts": [{"id": "111122223333",
	    "users": [{"name": "admin", "accessKeys": [{"id": "AKIAADMINEXAMPLE0001", "secret": "s"}],
	      "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]}],
	    "buckets": [{"name": "records", "objects": [{"key": "2030.csv", "body": "x"}]}]}]}`))
	if err != nil {
		log.Fatal(err)
	}
	sim, err := simulate.New(w)
	if err != nil {
		log.Fatal(err)
	}
	for _, op := range []string{"GetObject", "DeleteObject"} {
		d, err := sim.Authorize("arn:aws:iam::111122223333:user/admin", &s3op.Request{Operation: op, Bucket: "records", Key: "2030.csv"})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(op, d.Allowed, d.Type)
	}
	// Output:
	// GetObject true identity-based policy
	// DeleteObject false service control policy
}

// SSE-KMS objects need kms:Decrypt on their key to be read: a principal
// allowed s3:GetObject but not the key is refused, as in AWS.
func Example_sseKMS() {
	w, err := simulate.LoadWorld(strings.NewReader(`{"accounts": [{"id": "111122223333",
	  "users": [
	    {"name": "writer", "accessKeys": [{"id": "AKIAWRITEREXAMPLE001", "secret": "s"}],
	     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "kms:GenerateDataKey"], "Resource": "*"}]}]},
	    {"name": "reader", "accessKeys": [{"id": "AKIAREADEREXAMPLE001", "secret": "s"}],
	     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}]}],
	  "kmsKeys": [{"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "alias": "alias/app"}],
	  "buckets": [{"name": "vault", "encryption": {"algorithm": "aws:kms", "kmsKeyId": "alias/app"}}]}]}`))
	if err != nil {
		log.Fatal(err)
	}
	srv, err := simulate.NewServer(w)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	put, err := srv.Client("arn:aws:iam::111122223333:user/writer").PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("vault"), Key: aws.String("k"), Body: strings.NewReader("secret")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(put.ServerSideEncryption, aws.ToString(put.SSEKMSKeyId))
	_, err = srv.Client("arn:aws:iam::111122223333:user/reader").GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("k")})
	var ae smithy.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.ErrorCode()+":", ae.ErrorMessage())
	}
	// Output:
	// aws:kms arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
	// AccessDenied: User: arn:aws:iam::111122223333:user/reader is not authorized to perform: kms:Decrypt on resource: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" because no identity-based policy allows the kms:Decrypt action
}

// A bucket that only its VPC endpoint may reach (S3 User Guide,
// "Controlling access from VPC endpoints with bucket policies"), read
// through an access point, from outside the VPC and from inside it.
func ExampleServer_VPCEndpoint() {
	const ap = "arn:aws:s3:us-east-1:111122223333:accesspoint/analytics"
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	acct.AddBucket("reports", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"],
		 "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}},
		{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"],
		 "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`).AddObject("q1.csv", "revenue,42")
	reader := acct.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"`+ap+`/object/*"}]}`)
	acct.AccessPoints = []simulate.AccessPoint{{Name: "analytics", Bucket: "reports"}}
	acct.VPCEndpoints = []simulate.VPCEndpoint{{ID: "vpce-1a2b3c4d", VPCID: "vpc-1a2b3c4d"}}

	srv, err := simulate.NewTLSServer(w) // access points answer HTTPS only
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	inside, err := srv.VPCEndpoint("vpce-1a2b3c4d")
	if err != nil {
		log.Fatal(err)
	}
	for _, from := range []*simulate.Server{srv, inside} {
		out, err := from.Client(reader.ARN()).GetObject(context.Background(),
			&s3.GetObjectInput{Bucket: aws.String(ap), Key: aws.String("q1.csv")})
		var ae smithy.APIError
		switch {
		case errors.As(err, &ae):
			fmt.Println(ae.ErrorCode())
		case err != nil:
			log.Fatal(err)
		default:
			body, _ := io.ReadAll(out.Body)
			fmt.Println(string(body))
		}
	}
	// Output:
	// AccessDenied
	// revenue,42
}

// NewTestServer takes any testing.TB and closes the server when that test
// or benchmark ends. In a test, it is simulate.NewTestServer(t, w); an
// Example has no *testing.T, so this one measures a reader's GetObject
// with testing.Benchmark, whose *testing.B is the testing.TB (the standard
// library's way to run a benchmark outside go test). The SDK's answers are
// printed, not the timing, which varies; once the benchmark is over, the
// server is closed.
func ExampleNewTestServer() {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	reader := acct.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	acct.AddBucket("reports").AddObject("q1.csv", "revenue,42")

	ctx := context.Background()
	var srv *simulate.Server
	get := func(c *s3.Client, key string) (string, error) {
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String(key)})
		if err != nil {
			return "", err
		}
		defer out.Body.Close()
		body, err := io.ReadAll(out.Body)
		return string(body), err
	}
	res := testing.Benchmark(func(b *testing.B) {
		srv = simulate.NewTestServer(b, w) // closed when the benchmark ends
		c := srv.Client(reader.ARN())
		body, err := get(c, "q1.csv")
		fmt.Println("reader:", body, err)
		_, err = get(srv.Client("anonymous"), "q1.csv")
		var ae smithy.APIError
		if errors.As(err, &ae) {
			fmt.Println("anonymous:", ae.ErrorCode())
		}
		for b.Loop() {
			if _, err := get(c, "q1.csv"); err != nil {
				b.Fatal(err)
			}
		}
	})
	fmt.Println("measured:", res.N > 0)
	_, err := get(srv.Client(reader.ARN(), func(o *s3.Options) { o.RetryMaxAttempts = 1 }), "q1.csv")
	fmt.Println("after the benchmark, the server is closed:", err != nil)
	// Output:
	// reader: revenue,42 <nil>
	// anonymous: AccessDenied
	// measured: true
	// after the benchmark, the server is closed: true
}
