// Command canxdoy shows the simulator answering "can X do Y?" for code
// that uses the AWS SDK: saveReport is the code under test, and main_test.go
// is the unit test a service would write for it.
//
// Run it with go run ./examples/canxdoy, and its test with
// go test ./examples/canxdoy.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/simulate"
)

// saveReport is application code: it stores a report with the client it
// is given, whoever that client signs as.
func saveReport(ctx context.Context, c *s3.Client, bucket, key, body string) error {
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)})
	return err
}

// world is one account with a writer, a reader and a bucket.
func world() (w *simulate.World, writer, reader string) {
	w = &simulate.World{}
	acct := w.AddAccount("111122223333")
	wr := acct.AddUser("writer", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	rd := acct.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	acct.AddBucket("reports")
	return w, wr.ARN(), rd.ARN()
}

// run saves a report as each principal against the simulator and says
// what S3 answered.
func run(ctx context.Context, stdout io.Writer) error {
	w, writer, reader := world()
	srv, err := simulate.NewServer(w)
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, who := range []string{writer, reader} {
		err := saveReport(ctx, srv.Client(who), "reports", "q1.csv", "revenue,42")
		var ae smithy.APIError
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "%s: saved\n", who)
		case errors.As(err, &ae):
			fmt.Fprintf(stdout, "%s: %s: %s\n", who, ae.ErrorCode(), ae.ErrorMessage())
		default:
			return err
		}
	}
	return nil
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}
