package simulate_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/simulate"
)

// TestMergeWorlds: two accounts collected apart and merged see each other:
// account B's bucket grants account A's reader role, which A's own policy
// lets read and A's writer role's does not. Apart, B's world can only say
// that someone of A's account may read, whatever A's policies say ("IAM
// User Guide, "Cross-account policy evaluation logic": both sides must
// allow).
func TestMergeWorlds(t *testing.T) {
	org := func() *simulate.Organization {
		return &simulate.Organization{ID: "o-abc", Accounts: []string{"111111111111", "222222222222"},
			SCPs: [][]json.RawMessage{{json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)}}}
	}
	a := &simulate.World{Organization: org()}
	acctA := a.AddAccount("111111111111")
	acctA.AddRole("reader", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*"}]}`)
	acctA.AddRole("writer", "", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]}`)
	b := &simulate.World{Organization: org()}
	b.AddAccount("222222222222").AddBucket("shared-data", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::shared-data/*"}]}`)

	ask := func(w *simulate.World) []string {
		t.Helper()
		sim, err := simulate.New(w)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sim.WhoCan(simulate.WhoCanQuery{Bucket: "shared-data", Actions: []string{"s3:GetObject", "s3:PutObject"}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range got {
			out = append(out, a.String())
		}
		return out
	}
	apart := ask(b)
	if diff := cmp.Diff([]string{
		"read s3:GetObject arn:aws:s3:::shared-data/* arn:aws:iam::111111111111:root",
		"read s3:GetObject arn:aws:s3:::shared-data/* arn:aws:iam::222222222222:root",
		"write s3:PutObject arn:aws:s3:::shared-data/* arn:aws:iam::111111111111:root",
		"write s3:PutObject arn:aws:s3:::shared-data/* arn:aws:iam::222222222222:root",
	}, apart); diff != "" {
		t.Errorf("B apart (-want +got):\n%s", diff)
	}
	merged, err := simulate.MergeWorlds(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{
		"read s3:GetObject arn:aws:s3:::shared-data/* arn:aws:iam::111111111111:role/reader",
		"read s3:GetObject arn:aws:s3:::shared-data/* arn:aws:iam::111111111111:root",
		"read s3:GetObject arn:aws:s3:::shared-data/* arn:aws:iam::222222222222:root",
		"write s3:PutObject arn:aws:s3:::shared-data/* arn:aws:iam::111111111111:role/writer",
		"write s3:PutObject arn:aws:s3:::shared-data/* arn:aws:iam::111111111111:root",
		"write s3:PutObject arn:aws:s3:::shared-data/* arn:aws:iam::222222222222:root",
	}, ask(merged)); diff != "" {
		t.Errorf("merged (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		name string
		ws   []*simulate.World
		err  string
	}{
		{"same account twice", []*simulate.World{a, a}, "account 111111111111 is in an earlier world"},
		{"regions", []*simulate.World{a, {Region: "eu-west-1"}}, "Region eu-west-1"},
		{"organizations", []*simulate.World{a, {Organization: &simulate.Organization{ID: "o-abc", Accounts: []string{"333333333333"}}}}, "differ in their SCPs"},
		{"nil", []*simulate.World{a, nil}, "world 1 is nil"},
	} {
		if _, err := simulate.MergeWorlds(tc.ws...); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want an error saying %q", tc.name, err, tc.err)
		}
	}
}
