package main

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/simulate"
)

// The access matrix of the bucket is kept in testdata: a policy change that
// lets one more principal delete fails this test until the golden file is
// rewritten and the change reviewed.
func TestWhoCanDeleteRecords(t *testing.T) {
	got, err := whoCanDelete(world("arn:aws:s3:::acme-records/incoming/*"))
	if err != nil {
		t.Fatal(err)
	}
	simulate.CheckAccess(t, "testdata/acme-records.access", got)
}

// The program prints who can delete and what the change would grant.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"arn:aws:iam::111122223333:role/admin on arn:aws:s3:::acme-records/* except legal/*",
		"arn:aws:iam::111122223333:role/intake on arn:aws:s3:::acme-records/incoming/*",
		"grant s3:DeleteObject on arn:aws:s3:::acme-records/* except legal/* to arn:aws:iam::111122223333:role/intake",
		"replace s3:DeleteObject on arn:aws:s3:::acme-records/incoming/* for arn:aws:iam::111122223333:role/intake",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "user/analyst on") {
		t.Errorf("the analyst may not delete:\n%s", out.String())
	}
}
