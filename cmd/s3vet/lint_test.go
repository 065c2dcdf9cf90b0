package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writePolicy writes doc to a file of a fresh directory and returns its
// path.
func writePolicy(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const lintBucketPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/reader"},
     "Action": ["s3:GetObject", "s3:PutBucketAcl"], "Resource": "arn:aws:s3:::media"}
  ]
}`

func TestLintText(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"lint", "-f", writePolicy(t, lintBucketPolicy), "--account", "111122223333"}, nil, &out, &errb)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an ERROR finding)\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"ERROR RESOURCE_ARN_MISMATCH statement 0 (Read): Action: The action s3:GetObject applies to",
		"SECURITY_WARNING CROSS_ACCOUNT_PERMISSIONS_MANAGEMENT statement 0 (Read): Principal: The statement grants permissions-management actions (s3:PutBucketAcl) to principals of account 444455556666",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d:\n  got  %s\n  want %s...", i, lines[i], w)
		}
	}
}

func TestLintJSON(t *testing.T) {
	var out, errb bytes.Buffer
	doc := `{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "ec2:DescribeInstances"], "Resource": "*"}]}`
	code := run(context.Background(), []string{"lint", "--json", "-f", "-"}, strings.NewReader(doc), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (a warning only): %s", code, errb.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out.String())
	}
	if len(got) != 1 || got[0]["code"] != "MISSING_VERSION" || got[0]["severity"] != "WARNING" ||
		got[0]["statement"] != float64(-1) || !strings.Contains(got[0]["learnMoreLink"].(string), "missing-version") {
		t.Errorf("findings: %v", got)
	}
	// ec2 is outside the catalog: said on stderr, not as a finding.
	if !strings.Contains(errb.String(), "actions of ec2 are not checked") {
		t.Errorf("stderr lacks the note on unchecked services: %q", errb.String())
	}
}

func TestLintNoFindings(t *testing.T) {
	var out, errb bytes.Buffer
	doc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*"}]}`
	if code := run(context.Background(), []string{"lint", "-f", writePolicy(t, doc)}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errb.String())
	}
	if got := out.String(); got != "no findings (resource-based policy)\n" {
		t.Errorf("stdout %q", got)
	}
	out.Reset()
	if code := run(context.Background(), []string{"lint", "--json", "-f", writePolicy(t, doc)}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if got := strings.TrimSpace(out.String()); got != "[]" {
		t.Errorf("--json with no findings: %q", got)
	}
}

// The type is read from the document unless --type says otherwise.
func TestLintType(t *testing.T) {
	withPrincipal := writePolicy(t, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/*"}]}`)
	for _, tc := range []struct {
		args     []string
		wantCode int
		want     string
	}{
		{[]string{"lint", "-f", withPrincipal}, 0, "no findings (resource-based policy)"},
		{[]string{"lint", "-f", withPrincipal, "--type", "identity"}, 1, "ERROR UNSUPPORTED_PRINCIPAL statement 0: Principal:"},
		{[]string{"lint", "-f", withPrincipal, "--type", "scp"}, 1, "ERROR SCP_SYNTAX_ERROR_PRINCIPAL"},
		{[]string{"lint", "-f", withPrincipal, "-type=session"}, 1, "ERROR UNSUPPORTED_PRINCIPAL"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, nil, &out, &errb)
		if code != tc.wantCode || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%q: exit %d, stdout %q; want exit %d and %q", tc.args, code, out.String(), tc.wantCode, tc.want)
		}
	}
}

func TestLintBrokenPolicy(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"lint", "-f", "-"}, strings.NewReader(`{"Version": "2012-10-17", "Statement": [`), &out, &errb)
	if code != 1 || !strings.HasPrefix(out.String(), "ERROR JSON_SYNTAX_ERROR policy: ") {
		t.Errorf("exit %d, stdout %q", code, out.String())
	}
}

func TestLintUsage(t *testing.T) {
	file := writePolicy(t, lintBucketPolicy)
	for _, args := range [][]string{
		{"lint"},
		{"lint", "-f", file, "extra"},
		{"lint", "-f", file, "--type", "bucket"},
		{"lint", "-f", file, "--account", "1234"},
		{"lint", "--nope"},
		{"lint", "-f", filepath.Join(t.TempDir(), "missing.json")},
		{"lint", "-f", "-"}, // no standard input
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errb); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if errb.Len() == 0 {
			t.Errorf("%q: nothing on stderr", args)
		}
	}
}
