package simulate_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"

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
