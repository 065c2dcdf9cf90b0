package twin_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/simulate"
	"github.com/s3vet/s3vet/twin"
)

// TestCollectServeWhoCan is the account's twin end to end: an account
// served by the simulator is collected through the SDK's clients, the
// collected world is served in its turn, and who-can on it answers as on
// the account itself; then the SDK, against the twin, is allowed exactly
// what who-can says for the deletes of acme-records.
func TestCollectServeWhoCan(t *testing.T) {
	orig := loadWorld(t, "testdata/account.json")
	srv := simulate.NewTestTLSServer(t, orig)
	collected, _, err := twin.Collect(context.Background(), clients(srv, root111, root999), twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A collected world holds no secrets: the test gives its users keys
	// of its own, as a user of the twin would.
	for i, u := range collected.Accounts[0].Users {
		u.AccessKeys = []simulate.AccessKey{{ID: "AKIATWINUSER0000000" + string(rune('0'+i)), Secret: "twin-secret"}}
	}
	twinSrv := simulate.NewTestTLSServer(t, collected)
	own := func(as []simulate.Access) []simulate.Access {
		var out []simulate.Access
		for _, a := range as {
			// The management account is not collected: leave its
			// root out of the comparison.
			if !strings.Contains(a.Principal, "999999999999") {
				out = append(out, a)
			}
		}
		return out
	}
	for _, b := range []string{"acme-records", "acme-reports"} {
		want, err := srv.WhoCan(simulate.WhoCanQuery{Bucket: b})
		if err != nil {
			t.Fatal(err)
		}
		got, err := twinSrv.WhoCan(simulate.WhoCanQuery{Bucket: b})
		if err != nil {
			t.Fatal(err)
		}
		if len(own(want)) == 0 {
			t.Fatalf("%s: no access in the account", b)
		}
		if diff := cmp.Diff(own(want), own(got)); diff != "" {
			t.Errorf("%s: who-can on the twin (-account +twin):\n%s", b, diff)
		}
	}

	// Who can delete in acme-records, and does the SDK agree?
	dels, err := twinSrv.WhoCan(simulate.WhoCanQuery{Bucket: "acme-records", Key: "2026/q1.csv", Actions: []string{"s3:DeleteObject"}})
	if err != nil {
		t.Fatal(err)
	}
	can := map[string]bool{}
	for _, a := range dels {
		can[a.Principal] = true
	}
	ctx := context.Background()
	allowed, refused := 0, 0
	for _, p := range []string{"arn:aws:iam::111111111111:role/Admin", "arn:aws:iam::111111111111:role/ci/Deployer",
		"arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/build/ci", "anonymous"} {
		who := p
		if i := strings.Index(p, ":role/"); i >= 0 {
			who = p[:i] + ":role/" + p[strings.LastIndexByte(p, '/')+1:]
		}
		_, err := twinSrv.Client(who).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("acme-records"), Key: aws.String("2026/q1.csv")})
		var api smithy.APIError
		denied := errors.As(err, &api) && api.ErrorCode() == "AccessDenied"
		if err != nil && !denied {
			t.Fatalf("%s: %v", p, err)
		}
		if denied {
			refused++
		} else {
			allowed++
		}
		if can[p] == denied {
			t.Errorf("%s: who-can says %t, the SDK was denied: %t", p, can[p], denied)
		}
	}
	if allowed == 0 || refused == 0 {
		t.Errorf("%d allowed and %d refused: the case tells nothing apart", allowed, refused)
	}
}
