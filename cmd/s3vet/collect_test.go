package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/simulate"
)

func collect(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"collect"}, args...), nil, &out, &errb)
	return code, out.String(), errb.String()
}

// TestCollectEndpoint collects the simulator's account as s3vet collect
// --endpoint does, with the default credentials from the environment: the
// world it writes loads, holds the account's IAM and buckets and no
// secret, and what could not be read (no organization) is on stderr.
func TestCollectEndpoint(t *testing.T) {
	dir := rootEnv(t)
	w := &simulate.World{Accounts: []*simulate.Account{{
		ID:             "111122223333",
		RootAccessKeys: []simulate.AccessKey{{ID: "AKIAROOTEXAMPLE00001", Secret: "root-secret"}},
		Buckets:        []*simulate.Bucket{{Name: "reports", Versioning: "Enabled"}},
	}}}
	w.Accounts[0].AddUser("alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	srv := simulate.NewTestServer(t, w)
	out := filepath.Join(dir, "world.json")
	code, stdout, stderr := collect(t, "--endpoint", srv.URL, "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "not read: organizations:DescribeOrganization: AWSOrganizationsNotInUseException") {
		t.Errorf("stderr %q", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := simulate.LoadWorld(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the world does not load: %v\n%s", err, b)
	}
	a := got.Accounts[0]
	if a.ID != "111122223333" || len(a.Users) != 1 || a.Users[0].Name != "alice" || len(a.Buckets) != 1 || a.Buckets[0].Versioning != "Enabled" {
		t.Errorf("world %s", b)
	}
	if bytes.Contains(b, []byte("secret")) || bytes.Contains(b, []byte("AKIA")) {
		t.Errorf("a secret in the world: %s", b)
	}
	if !json.Valid(b) {
		t.Error("not JSON")
	}
}

func TestCollectUsage(t *testing.T) {
	if code, out, _ := collect(t, "--help"); code != 0 || !strings.Contains(out, "usage: s3vet collect") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
	for _, args := range [][]string{{"extra"}, {"--concurrency", "0"}, {"--outt", "x"}} {
		if code, _, errs := collect(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
