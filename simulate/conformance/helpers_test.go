// Package conformance_test states S3's behaviour, operation by operation,
// and checks the simulator against it through aws-sdk-go-v2's S3 client
// over loopback HTTP and HTTPS. Each test names the page of the S3 API
// Reference or User Guide it follows; where AWS documents nothing and the
// behaviour was observed on S3 by others, the test says so and where.
//
// Where S3's current defaults made an older expectation wrong (Block
// Public Access on and ACLs disabled for new buckets since April 2023, no
// DisplayName since 2025, SSE-C blocked on new buckets since April 2026),
// the tests expect what S3 answers today.
package conformance_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/s3vet/s3vet/simulate"
)

// The world: account 111122223333 with an admin allowed every S3 and KMS
// action, and account 444455556666 with a user allowed every S3 action
// (which the other account's buckets must still grant).
const (
	ownerAccount = "111122223333"
	otherAccount = "444455556666"
	admin        = "arn:aws:iam::111122223333:user/admin"
	stranger     = "arn:aws:iam::444455556666:user/stranger"
	ownerRoot    = "arn:aws:iam::111122223333:root"
	anonymous    = "anonymous"
)

func world(t testing.TB) *simulate.World {
	t.Helper()
	w, err := simulate.LoadWorld(strings.NewReader(`{"accounts": [
	  {"id": "111122223333", "rootAccessKeys": [{"id": "AKIACONFROOT00000001", "secret": "root"}],
	   "users": [{"name": "admin", "accessKeys": [{"id": "AKIACONFADMIN0000001", "secret": "admin"}],
	     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "kms:*"], "Resource": "*"}]}]}],
	   "kmsKeys": [{"id": "0b1c2d3e-0000-4000-8000-000000000001"}]},
	  {"id": "444455556666",
	   "users": [{"name": "stranger", "accessKeys": [{"id": "AKIACONFSTRANGER0001", "secret": "stranger"}],
	     "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// kmsKey is the ARN of the owner account's KMS key.
const kmsKey = "arn:aws:kms:us-east-1:111122223333:key/0b1c2d3e-0000-4000-8000-000000000001"

// env is a started simulator and the admin's client.
type env struct {
	srv *simulate.Server
	c   *s3.Client
	ctx context.Context
}

// newEnv starts the world over HTTP, or HTTPS with tls.
func newEnv(t *testing.T, tls bool) *env {
	t.Helper()
	var srv *simulate.Server
	if tls {
		srv = simulate.NewTestTLSServer(t, world(t))
	} else {
		srv = simulate.NewTestServer(t, world(t))
	}
	return &env{srv: srv, c: srv.Client(admin), ctx: context.Background()}
}

// bucket creates a bucket of the admin's account, with S3's defaults for
// a new bucket; fns may change the input.
func (e *env) bucket(t *testing.T, name string, fns ...func(*s3.CreateBucketInput)) string {
	t.Helper()
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	for _, f := range fns {
		f(in)
	}
	if _, err := e.c.CreateBucket(e.ctx, in); err != nil {
		t.Fatalf("CreateBucket %s: %v", name, err)
	}
	return name
}

// versioned creates a bucket with versioning enabled.
func (e *env) versioned(t *testing.T, name string) string {
	t.Helper()
	e.bucket(t, name)
	if _, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(name),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// put writes an object and returns its version ID ("" when none is
// returned).
func (e *env) put(t *testing.T, bucket, key, body string, fns ...func(*s3.PutObjectInput)) string {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}
	for _, f := range fns {
		f(in)
	}
	out, err := e.c.PutObject(e.ctx, in)
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return aws.ToString(out.VersionId)
}

// get reads an object's bytes, failing the test on an error.
func (e *env) get(t *testing.T, bucket, key string, fns ...func(*s3.GetObjectInput)) (string, *s3.GetObjectOutput) {
	t.Helper()
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	for _, f := range fns {
		f(in)
	}
	out, err := e.c.GetObject(e.ctx, in)
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	return readAll(t, out.Body), out
}

func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// apiErr is what an S3 error answer carries.
type apiErr struct {
	Status  int
	Code    string
	Message string
}

// asAPIErr returns err's status, code and message; the zero apiErr for
// nil.
func asAPIErr(err error) apiErr {
	if err == nil {
		return apiErr{}
	}
	var out apiErr
	var ae smithy.APIError
	if errors.As(err, &ae) {
		out.Code, out.Message = ae.ErrorCode(), ae.ErrorMessage()
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) {
		out.Status = re.HTTPStatusCode()
	}
	return out
}

// wantErr fails the test unless err is the S3 error of status and code,
// with a message holding msg.
func wantErr(t *testing.T, err error, status int, code, msg string) {
	t.Helper()
	got := asAPIErr(err)
	if err == nil || got.Status != status || got.Code != code || !strings.Contains(got.Message, msg) {
		t.Fatalf("error %+v (%v), want %d %s %q", got, err, status, code, msg)
	}
}
