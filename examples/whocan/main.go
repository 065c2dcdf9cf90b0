// Command whocan shows who may do what on a bucket, and what a policy
// change would grant: the account's twin asked as s3vet who-can and
// s3vet access-diff ask it. main_test.go keeps the answer in a golden
// file, so that a grant nobody meant fails a unit test.
//
// Run it with go run ./examples/whocan, and its test with
// go test ./examples/whocan (S3VET_UPDATE_GOLDEN=1 rewrites the file).
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/s3vet/s3vet/simulate"
)

// world is one account: an administrator, an intake role that writes and
// deletes incoming/*, an analyst who reads, and the records bucket, whose
// policy keeps legal/* from deletion. grant is the intake role's Resource.
func world(grant string) *simulate.World {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	acct.AddRole("admin", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	acct.AddRole("intake", "", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"`+grant+`"}]}`)
	acct.AddUser("analyst", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::acme-records","arn:aws:s3:::acme-records/*"]}]}`)
	acct.AddBucket("acme-records", `{"Version":"2012-10-17","Statement":[
		{"Sid":"KeepLegal","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::acme-records/legal/*"}]}`)
	return w
}

// whoCanDelete answers who may delete objects of acme-records in w.
func whoCanDelete(w *simulate.World) ([]simulate.Access, error) {
	sim, err := simulate.New(w)
	if err != nil {
		return nil, err
	}
	return sim.WhoCan(simulate.WhoCanQuery{Bucket: "acme-records", Actions: []string{"s3:DeleteObject"}})
}

func run(out io.Writer) error {
	before, err := whoCanDelete(world("arn:aws:s3:::acme-records/incoming/*"))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "who can delete objects of acme-records:")
	for _, a := range before {
		fmt.Fprintf(out, "  %s on %s%s\n    through %s\n", a.Principal, a.Resource, except(a), a.Via)
	}
	// A change that widens the intake role to the whole bucket.
	after, err := whoCanDelete(world("arn:aws:s3:::acme-records/*"))
	if err != nil {
		return err
	}
	gained, lost := simulate.DiffAccess(before, after)
	fmt.Fprintln(out, "widening intake to acme-records/* would:")
	for _, a := range gained {
		fmt.Fprintf(out, "  grant %s on %s%s to %s\n", a.Action, a.Resource, except(a), a.Principal)
	}
	for _, a := range lost {
		fmt.Fprintf(out, "  replace %s on %s for %s\n", a.Action, a.Resource, a.Principal)
	}
	return nil
}

func except(a simulate.Access) string {
	if len(a.Except) == 0 {
		return ""
	}
	return " except " + strings.Join(a.Except, ", ")
}

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}
