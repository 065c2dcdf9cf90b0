package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// The unit test a service writes: the real SDK against an in-process S3
// that refuses what S3 refuses.
func TestOnlyWritersSaveReports(t *testing.T) {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	writer := acct.AddUser("writer", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	reader := acct.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	acct.AddBucket("reports")
	srv := simulate.NewTestServer(t, w) // closed when the test ends

	ctx := context.Background()
	if err := saveReport(ctx, srv.Client(writer.ARN()), "reports", "q1.csv", "revenue,42"); err != nil {
		t.Fatalf("writer: %v", err)
	}
	err := saveReport(ctx, srv.Client(reader.ARN()), "reports", "q1.csv", "revenue,0")
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("reader: got %v, want AccessDenied", err)
	}
}

// The same question without HTTP, with the reason.
func TestWhyReaderCannotSave(t *testing.T) {
	w, _, reader := world()
	sim, err := simulate.New(w)
	if err != nil {
		t.Fatal(err)
	}
	d, err := sim.Authorize(reader, &s3op.Request{Operation: "PutObject", Bucket: "reports", Key: "q1.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Allowed || !strings.HasSuffix(d.Explained, "because no identity-based policy allows the s3:PutObject action") {
		t.Errorf("reader PutObject: allowed %t: %s", d.Allowed, d.Explained)
	}
}

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	want := `arn:aws:iam::111122223333:user/writer: saved
arn:aws:iam::111122223333:user/reader: AccessDenied: User: arn:aws:iam::111122223333:user/reader is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::reports/q1.csv" because no identity-based policy allows the s3:PutObject action
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}
