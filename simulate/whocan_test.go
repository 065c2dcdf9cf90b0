package simulate_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/simulate"
)

// whoCanWorld is an account with an administrator, a reader, a writer of
// one prefix and a user without policies; a bucket whose policy lets a
// partner account read one prefix and denies deleting another to all.
func whoCanWorld(t *testing.T) *simulate.World {
	t.Helper()
	w, err := simulate.LoadWorld(strings.NewReader(`{
  "accounts": [{
    "id": "111122223333",
    "roles": [
      {"name": "Admin", "trustPolicy": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]},
       "policies": [{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"}]}]},
      {"name": "Reader", "policies": [{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-records/*"}]}]},
      {"name": "Intake", "policies": [{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::acme-records/incoming/*"}]}]}
    ],
    "users": [{"name": "alice", "accessKeys": [{"id": "AKIAALICEEXAMPLE0001", "secret": "alice-secret"}]}],
    "buckets": [{"name": "acme-records", "policy": {"Version":"2012-10-17","Statement":[
      {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-records/shared/*"},
      {"Sid":"KeepLegal","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::acme-records/legal/*"}
    ]}, "objects": [{"key": "legal/hold.pdf", "body": "kept"}, {"key": "incoming/a.csv", "body": "a"}, {"key": "shared/report.csv", "body": "r"}, {"key": "other.txt", "body": "o"}]}]
  }]
}`))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestWhoCan: who may read, write and delete in acme-records, through
// which statement, with the key classes the policies name. The rules are
// the IAM User Guide's "Policy evaluation logic" (an explicit deny wins;
// within an account an identity-based or a resource-based policy allows;
// across accounts both must) and the S3 User Guide's "How Amazon S3
// authorizes a request".
func TestWhoCan(t *testing.T) {
	sim, err := simulate.New(whoCanWorld(t))
	if err != nil {
		t.Fatal(err)
	}
	got, err := sim.WhoCan(simulate.WhoCanQuery{Bucket: "acme-records", Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, a := range got {
		lines = append(lines, a.String())
		if a.Via == "" {
			t.Errorf("%s: no statement named", a)
		}
	}
	const (
		admin  = "arn:aws:iam::111122223333:role/Admin"
		intake = "arn:aws:iam::111122223333:role/Intake"
		reader = "arn:aws:iam::111122223333:role/Reader"
		root   = "arn:aws:iam::111122223333:root"
		b      = "arn:aws:s3:::acme-records"
	)
	want := []string{
		"read s3:GetObject " + b + "/* " + admin,
		"read s3:GetObject " + b + "/* " + reader,
		"read s3:GetObject " + b + "/* " + root,
		"read s3:GetObject " + b + "/shared/* arn:aws:iam::444455556666:root",
		"write s3:PutObject " + b + "/* " + admin,
		"write s3:PutObject " + b + "/* " + root,
		"write s3:PutObject " + b + "/incoming/* " + intake,
		"delete s3:DeleteObject " + b + "/* " + admin + " except legal/*",
		"delete s3:DeleteObject " + b + "/* " + root + " except legal/*",
		"delete s3:DeleteObject " + b + "/incoming/* " + intake,
	}
	if diff := cmp.Diff(want, lines); diff != "" {
		t.Errorf("who can (-want +got):\n%s", diff)
	}
	for _, a := range got {
		if a.Principal == reader && !strings.Contains(a.Via, `Sid "Read"`) {
			t.Errorf("reader's access is through %q, want the Read statement", a.Via)
		}
		if a.Principal == "arn:aws:iam::444455556666:root" && (a.Kind != simulate.KindAccount || !strings.Contains(a.Via, "Partner")) {
			t.Errorf("partner: kind %s via %q", a.Kind, a.Via)
		}
	}
}

// TestWhoCanAgreesWithTheSDK: for each principal of the world and each key
// of acme-records, WhoCan on that key and a request through the SDK over
// HTTPS agree: the one answers what the other does.
func TestWhoCanAgreesWithTheSDK(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, whoCanWorld(t))
	ctx := context.Background()
	principals := []string{
		"arn:aws:iam::111122223333:role/Admin", "arn:aws:iam::111122223333:role/Reader",
		"arn:aws:iam::111122223333:role/Intake", "arn:aws:iam::111122223333:user/alice", "anonymous",
	}
	for _, key := range []string{"legal/hold.pdf", "incoming/a.csv", "shared/report.csv", "other.txt"} {
		got, err := srv.WhoCan(simulate.WhoCanQuery{Bucket: "acme-records", Key: key, Actions: []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}})
		if err != nil {
			t.Fatal(err)
		}
		can := map[string]bool{}
		for _, a := range got {
			can[a.Principal+" "+a.Action] = true
		}
		for _, p := range principals {
			c := srv.Client(p)
			try := map[string]func() error{
				"s3:GetObject": func() error {
					// Of a key that exists: S3 answers a missing key with
					// AccessDenied to a caller without s3:ListBucket.
					_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("acme-records"), Key: aws.String(key)})
					return err
				},
				"s3:PutObject": func() error {
					_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("acme-records"), Key: aws.String(key + ".probe"), Body: bytes.NewReader(nil)})
					return err
				},
				"s3:DeleteObject": func() error {
					_, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("acme-records"), Key: aws.String(key + ".absent")})
					return err
				},
			}
			for action, f := range try {
				// Put and delete a key of the same class as key: its
				// name plus a suffix the policies do not tell apart.
				err := f()
				var api smithy.APIError
				denied := errors.As(err, &api) && api.ErrorCode() == "AccessDenied"
				if err != nil && !denied {
					t.Fatalf("%s %s %s: %v", p, action, key, err)
				}
				if wc := can[p+" "+action]; wc == denied {
					t.Errorf("%s %s on %s: who-can says %t, the SDK's request was denied: %t", p, action, key, wc, denied)
				}
			}
		}
	}
}
