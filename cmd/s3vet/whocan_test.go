package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// whoCanWorld is a world of one account: an administrator, an intake role
// that may write and delete incoming/*, and a bucket that keeps legal/*
// from deletion (JSON, as s3vet serve --config reads it).
const whoCanWorld = `{
  "accounts": [{
    "id": "111122223333",
    "roles": [
      {"name": "Admin", "policies": [{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"}]}]},
      {"name": "Intake", "policies": [{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::acme-records/incoming/*"}]}]}
    ],
    "buckets": [{"name": "acme-records", "policy": {"Version":"2012-10-17","Statement":[
      {"Sid":"KeepLegal","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::acme-records/legal/*"}]}},
      {"name": "acme-site"}]
  }]
}`

// TestWhoCanCommand: s3vet who-can answers who may delete in acme-records,
// for people and as JSON, and refuses what it cannot answer.
func TestWhoCanCommand(t *testing.T) {
	world := file(t, "world.json", whoCanWorld)
	r := cli(t, "", "who-can", "--world", world, "--bucket", "acme-records", "--action", "s3:DeleteObject")
	want := `acme-records: delete
  s3:DeleteObject arn:aws:s3:::acme-records/* except legal/*
    role arn:aws:iam::111122223333:role/Admin  statement 0 (Sid "All") of identity-based policy "account 111122223333 role Admin[0]"
  s3:DeleteObject arn:aws:s3:::acme-records/* except legal/*
    root arn:aws:iam::111122223333:root  the root user's own permissions in its account
  s3:DeleteObject arn:aws:s3:::acme-records/incoming/*
    role arn:aws:iam::111122223333:role/Intake  statement 0 of identity-based policy "account 111122223333 role Intake[0]"
`
	if diff := cmp.Diff(result{0, want, ""}, r); diff != "" {
		t.Errorf("who-can (-want +got):\n%s", diff)
	}
	r = cli(t, "", "who-can", "--world", world, "--json", "--action", "s3:PutBucketPolicy")
	var got []struct{ Principal, Action, Resource string }
	if err := json.Unmarshal([]byte(r.Stdout), &got); err != nil || r.Code != 0 {
		t.Fatalf("--json: exit %d, %v\n%s%s", r.Code, err, r.Stdout, r.Stderr)
	}
	wantJSON := []struct{ Principal, Action, Resource string }{
		{"arn:aws:iam::111122223333:role/Admin", "s3:PutBucketPolicy", "arn:aws:s3:::acme-records"},
		{"arn:aws:iam::111122223333:root", "s3:PutBucketPolicy", "arn:aws:s3:::acme-records"},
		{"arn:aws:iam::111122223333:role/Admin", "s3:PutBucketPolicy", "arn:aws:s3:::acme-site"},
		{"arn:aws:iam::111122223333:root", "s3:PutBucketPolicy", "arn:aws:s3:::acme-site"},
	}
	if diff := cmp.Diff(wantJSON, got); diff != "" {
		t.Errorf("--json, every bucket (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"who-can"}, "--world FILE is required"},
		{[]string{"who-can", "--world", world, "--bucket", "nope"}, `no bucket "nope"`},
		{[]string{"who-can", "--world", world, "--key", "a"}, "--key needs --bucket"},
		{[]string{"who-can", "--world", world, "--action", "s3:Fly"}, `"s3:Fly" names no S3 action`},
		{[]string{"who-can", "--world", file(t, "bad.json", `{"acounts": []}`)}, "acounts"},
		{[]string{"who-can", "--world", world, "--world", world}, "account 111122223333 is in an earlier world"},
	} {
		if r := cli(t, "", tc.args...); r.Code != 2 || !strings.Contains(r.Stderr, tc.err) {
			t.Errorf("%q: exit %d, stderr %q, want 2 and %q", tc.args, r.Code, r.Stderr, tc.err)
		}
	}
}

// TestAccessDiffCommand: a policy change that lets the intake role delete
// everything is an access gained, which --fail-on-new fails on; the
// reverse is an access lost.
func TestAccessDiffCommand(t *testing.T) {
	before := file(t, "before.json", whoCanWorld)
	after := file(t, "after.json", strings.Replace(whoCanWorld, `"arn:aws:s3:::acme-records/incoming/*"`, `"arn:aws:s3:::acme-records/*"`, 1))
	r := cli(t, "", "access-diff", "--bucket", "acme-records", "--fail-on-new", before, after)
	if r.Code != 1 || !strings.Contains(r.Stdout, "+   s3:DeleteObject arn:aws:s3:::acme-records/* except legal/*\n+     role arn:aws:iam::111122223333:role/Intake") ||
		!strings.Contains(r.Stdout, "-   s3:DeleteObject arn:aws:s3:::acme-records/incoming/*\n-     role arn:aws:iam::111122223333:role/Intake") {
		t.Errorf("gained: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if r := cli(t, "", "access-diff", "--json", after, before); r.Code != 0 {
		t.Errorf("without --fail-on-new: exit %d", r.Code)
	} else {
		var d struct {
			Gained, Lost []struct{ Principal, Action, Resource string }
		}
		if err := json.Unmarshal([]byte(r.Stdout), &d); err != nil {
			t.Fatal(err)
		}
		if len(d.Gained) != 2 || len(d.Lost) != 2 { // PutObject and DeleteObject each way
			t.Errorf("reverse: %+v", d)
		}
	}
	if r := cli(t, "", "access-diff", "--fail-on-new", before, before); r.Code != 0 || r.Stdout != "no access gained or lost\n" {
		t.Errorf("same world: %+v", r)
	}
	if r := cli(t, "", "access-diff", before); r.Code != 2 || !strings.Contains(r.Stderr, "want two worlds") {
		t.Errorf("one world: %+v", r)
	}
}

// TestWhoCanMergedWorlds: two accounts collected apart, given as two
// --world files, are answered together: the partner's role is decided
// with its own policy.
func TestWhoCanMergedWorlds(t *testing.T) {
	mine := file(t, "mine.json", `{"accounts": [{"id": "111122223333", "buckets": [{"name": "shared-data", "policy":
		{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-data/*"}]}}]}]}`)
	theirs := file(t, "theirs.json", `{"accounts": [{"id": "444455556666", "roles": [
		{"name": "etl", "policies": [{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}]},
		{"name": "web"}]}]}`)
	r := cli(t, "", "who-can", "--world", mine, "--world", theirs, "--action", "s3:GetObject")
	if r.Code != 0 || !strings.Contains(r.Stdout, "role arn:aws:iam::444455556666:role/etl") || strings.Contains(r.Stdout, "role/web") {
		t.Errorf("merged: %+v", r)
	}
	r = cli(t, "", "who-can", "--world", mine, "--action", "s3:GetObject")
	if r.Code != 0 || !strings.Contains(r.Stdout, "account arn:aws:iam::444455556666:root") || strings.Contains(r.Stdout, "role/etl") {
		t.Errorf("apart: %+v", r)
	}
}

// TestAccessDiffSnapshots: two snapshots of s3vet scan --save compare as
// worlds of S3 alone: a bucket policy that starts granting a partner
// account is an access gained.
func TestAccessDiffSnapshots(t *testing.T) {
	snap := func(name, policy string) string {
		return file(t, name, `{"version": 1, "account": {"id": "111122223333"}, "buckets": [
			{"name": "acme-data", "region": "us-east-1", "objectOwnership": "BucketOwnerEnforced", "policy": `+policy+`}]}`)
	}
	before := snap("before.json", `""`)
	after := snap("after.json", `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::acme-data/*\"}]}"`)
	r := cli(t, "", "access-diff", "--fail-on-new", "--json", before, after)
	var d struct {
		Gained, Lost []struct{ Principal, Action, Resource string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &d); err != nil || r.Code != 1 {
		t.Fatalf("exit %d, %v\n%s%s", r.Code, err, r.Stdout, r.Stderr)
	}
	want := []struct{ Principal, Action, Resource string }{{"arn:aws:iam::444455556666:root", "s3:GetObject", "arn:aws:s3:::acme-data/*"}}
	if diff := cmp.Diff(want, d.Gained); diff != "" || len(d.Lost) != 0 {
		t.Errorf("gained (-want +got):\n%s\nlost: %+v", diff, d.Lost)
	}
}
