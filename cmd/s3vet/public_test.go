package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPublic runs s3vet public on the S3 User Guide's example of a policy
// with public and non-public grants ("How Amazon S3 evaluates a bucket
// policy that contains both public and non-public access grants"): only
// the third statement is public.
func TestPublic(t *testing.T) {
	var out, errb bytes.Buffer
	path := "../../policy/public/testdata/s3ug-mixed-grants.json"
	if code := run(context.Background(), []string{"public", "--json", "-f", path}, nil, &out, &errb); code != 1 {
		t.Fatalf("exit %d, want 1 (public): %s", code, errb.String())
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Errorf("want one JSON object on one line, got %q", out.String())
	}
	var got struct {
		Public, Read, Write bool
		Reasons             []struct {
			Statement int
			Sid, Why  string
			Actions   []string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if !got.Public || !got.Read || got.Write || len(got.Reasons) != 1 {
		t.Fatalf("got %+v", got)
	}
	r := got.Reasons[0]
	if r.Statement != 2 || r.Sid != "PublicRead" || !strings.Contains(r.Why, `Principal "*"`) ||
		len(r.Actions) != 1 || r.Actions[0] != "s3:GetObject" {
		t.Errorf("reason %+v", r)
	}
}

func TestPublicNotPublicAndStdin(t *testing.T) {
	var out, errb bytes.Buffer
	in := strings.NewReader(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
	  "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}`)
	if code := run(context.Background(), []string{"public", "-f", "-", "--json"}, in, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if want := `{"public":false,"read":false,"write":false,"reasons":[]}` + "\n"; out.String() != want {
		t.Errorf("got %s, want %s", out.String(), want)
	}
}

// TestPublicText: without --json, the answer is for people: public or not,
// read and write, then one line for each public statement, and the exit
// status says whether the policy is public.
func TestPublicText(t *testing.T) {
	const head = `{"Version": "2012-10-17", "Statement": [`
	for _, tt := range []struct {
		name, policy string
		want         result
	}{
		{"the S3 User Guide's mixed grants", "", result{1, "../../policy/public/testdata/s3ug-mixed-grants.json: public read\n" +
			"  statement 2 (Sid \"PublicRead\"): Principal \"*\" with no condition that fixes the caller; grants s3:GetObject\n", ""}},
		{"fixed by aws:SourceVpce", head + `{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
			"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}}]}`, result{0, "standard input: not public\n", ""}},
		{"read and write", head + `{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
			{"Sid": "Drop", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::b/*"}]}`,
			result{1, "standard input: public read and write\n" +
				"  statement 0: Principal \"*\" with no condition that fixes the caller; grants s3:GetObject\n" +
				"  statement 1 (Sid \"Drop\"): Principal \"*\" with no condition that fixes the caller; grants s3:DeleteObject, s3:PutObject\n", ""}},
	} {
		args := []string{"public", "-f", "-"}
		if tt.policy == "" {
			args[2] = "../../policy/public/testdata/s3ug-mixed-grants.json"
		}
		if diff := cmp.Diff(tt.want, cli(t, tt.policy, args...)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestPublicAccessPoint: with --access-point, the policy is judged as an
// access point policy (S3 User Guide, "The meaning of 'public'" > access
// points): a set of access points in s3:DataAccessPointArn is public, and
// an access point of network origin VPC never is.
func TestPublicAccessPoint(t *testing.T) {
	const set = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
	  "Resource": "arn:aws:s3:us-west-2:123456789012:accesspoint/my-ap/object/*",
	  "Condition": {"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/*"}}}]}`
	for _, tt := range []struct {
		args []string
		want result
	}{
		{[]string{"public", "-f", "-"}, result{0, "standard input: not public\n", ""}},
		{[]string{"public", "-f", "-", "--access-point", "Internet"}, result{1, "standard input: public read\n" +
			"  statement 0: Principal \"*\" with no condition that fixes the caller: s3:DataAccessPointArn \"arn:aws:s3:us-west-2:123456789012:accesspoint/*\" is a wildcard pattern (in an access point policy, a set of access points is public); grants s3:GetObject\n", ""}},
		{[]string{"public", "-f", "-", "--access-point", "vpc"}, result{0, "standard input: not public (an access point of network origin VPC is never public)\n", ""}},
		{[]string{"public", "-f", "-", "--access-point", "VPC", "--json"}, result{0, `{"public":false,"read":false,"write":false,"reasons":[]}` + "\n", ""}},
		{[]string{"public", "-f", "-", "--access-point", "lan"}, result{2, "", "s3vet public: --access-point \"lan\": the network origin is Internet or VPC\n" +
			"Run 's3vet public --help' for usage.\n"}},
	} {
		if diff := cmp.Diff(tt.want, cli(t, set, tt.args...)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
}

func TestPublicErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	// A bucket policy statement needs a Principal.
	if err := os.WriteFile(bad, []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		in   string
		code int
		err  string
	}{
		{[]string{"public", "-f", bad}, "", 2, "Principal"},
		{[]string{"public", "-f", "-"}, "[{", 2, "the JSON ends early"},
		{[]string{"public", "-f", filepath.Join(dir, "missing.json")}, "", 2, "missing.json"},
		{[]string{"public"}, "", 2, "-f FILE is required"},
		{[]string{"public", "-f", bad, "extra"}, "", 2, "unexpected argument"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, strings.NewReader(tc.in), &out, &errb)
		if code != tc.code || !strings.Contains(errb.String(), tc.err) || out.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q, stdout %q; want exit %d and %q on stderr",
				tc.args, code, errb.String(), out.String(), tc.code, tc.err)
		}
	}
}
