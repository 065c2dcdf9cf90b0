package twin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/simulate"
	"github.com/s3vet/s3vet/twin"
)

const (
	root111 = "arn:aws:iam::111111111111:root"
	root999 = "arn:aws:iam::999999999999:root"
)

func loadWorld(t *testing.T, name string) *simulate.World {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := simulate.LoadWorld(f)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// clients reads account 111111111111 as its root, and the organization as
// its management account's root, through the SDK's clients.
func clients(srv *simulate.Server, principal, orgPrincipal string) twin.Clients {
	cfg := srv.Config(principal)
	return twin.Clients{
		IAM:           iam.NewFromConfig(cfg),
		Organizations: organizations.NewFromConfig(srv.Config(orgPrincipal)),
		KMS:           kms.NewFromConfig(cfg),
		S3: checks.NewClients(s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }),
			s3control.NewFromConfig(cfg), sts.NewFromConfig(cfg)),
	}
}

// worldDiff compares worlds by what they say: policy documents as JSON
// values, whatever their spacing.
func worldDiff(want, got *simulate.World) string {
	asJSON := cmp.Transformer("json", func(raw json.RawMessage) any {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return string(raw)
		}
		return v
	})
	return cmp.Diff(want, got, asJSON, cmpopts.IgnoreUnexported(simulate.User{}, simulate.Role{}))
}

// A world in the collector's canonical form, served by the simulator and
// collected back through the SDK's clients, is the same world, less its
// secrets and the accounts not collected.
func TestRoundTrip(t *testing.T) {
	orig := loadWorld(t, "testdata/account.json")
	srv := simulate.NewTestTLSServer(t, orig)
	got, rep, err := twin.Collect(context.Background(), clients(srv, root111, root999), twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unread) != 0 {
		t.Errorf("unread: %+v", rep.Unread)
	}
	want := loadWorld(t, "testdata/account.json")
	want.Accounts = want.Accounts[:1]
	want.Accounts[0].RootAccessKeys = nil
	if d := worldDiff(want, got); d != "" {
		t.Errorf("collected world (-want +got):\n%s", d)
	}

	// Written with WriteJSON, it loads as it is, to the same world.
	var buf bytes.Buffer
	if err := got.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	again, err := simulate.LoadWorld(&buf)
	if err != nil {
		t.Fatalf("the collected world does not load: %v", err)
	}
	if d := worldDiff(got, again); d != "" {
		t.Errorf("after WriteJSON and LoadWorld (-collected +loaded):\n%s", d)
	}
	if _, err := simulate.New(again); err != nil {
		t.Fatalf("the collected world does not compile: %v", err)
	}
}

// What the caller may not read goes into the report, and the collection
// goes on: a member account cannot read the SCPs (Organizations API
// Reference, ListParents: "can be called only from the organization's
// management account"), and a user without iam:GetAccountAuthorizationDetails
// gets no IAM.
func TestReportUnread(t *testing.T) {
	w := loadWorld(t, "testdata/account.json")
	a := w.Accounts[0]
	a.Users = append(a.Users, &simulate.User{Name: "s3reader",
		AccessKeys:      []simulate.AccessKey{{ID: "AKIAS3READER11111111", Secret: "s"}},
		ManagedPolicies: []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
		Policies: []json.RawMessage{json.RawMessage(`{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["organizations:DescribeOrganization","kms:DescribeKey","kms:GetKeyPolicy"],"Resource":"*"}]}`)}})
	srv := simulate.NewTestTLSServer(t, w)
	reader := "arn:aws:iam::111111111111:user/s3reader"
	got, rep, err := twin.Collect(context.Background(), clients(srv, reader, reader), twin.Options{AccountID: "111111111111"})
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]string{}
	for _, u := range rep.Unread {
		calls[u.Call] = u.Code
	}
	for call, code := range map[string]string{
		"iam:GetAccountAuthorizationDetails": "AccessDenied",
		"organizations:ListParents":          "AccessDeniedException",
	} {
		if calls[call] != code {
			t.Errorf("%s: code %q, want %q (report %+v)", call, calls[call], code, rep.Unread)
		}
	}
	if len(got.Accounts[0].Buckets) != 2 || got.Organization == nil || got.Organization.ID != "o-a1b2c3d4e5" {
		t.Errorf("the collection did not go on: %+v", got)
	}
	if len(got.Accounts[0].KMSKeys) != 1 {
		t.Errorf("keys: %+v", got.Accounts[0].KMSKeys)
	}
}

// An account outside any organization: noted, no SCPs.
func TestNoOrganization(t *testing.T) {
	w := loadWorld(t, "testdata/account.json")
	w.Organization = nil
	srv := simulate.NewTestTLSServer(t, w)
	got, rep, err := twin.Collect(context.Background(), clients(srv, root111, root111), twin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Organization != nil || len(rep.Unread) != 1 || rep.Unread[0].Code != "AWSOrganizationsNotInUseException" {
		t.Errorf("organization %+v, report %+v", got.Organization, rep.Unread)
	}
	if got.Accounts[0].ID != "111111111111" || aws.ToString(nil) != "" {
		t.Errorf("account %q", got.Accounts[0].ID)
	}
}
