package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	reader, bucket := filepath.Join("testdata", "reader.json"), filepath.Join("testdata", "bucket.json")
	var out, errb bytes.Buffer
	if code := run(&out, &errb, []string{reader}, false); code != 0 || out.Len() > 0 || errb.Len() > 0 {
		t.Errorf("clean policy: exit %d\n%s%s", code, out.String(), errb.String())
	}

	out.Reset()
	if code := run(&out, &errb, []string{reader, bucket}, false); code != 1 {
		t.Errorf("bucket policy with findings: exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 ||
		!strings.HasPrefix(lines[0], bucket+": ERROR RESOURCE_ARN_MISMATCH statement 0 (Read): Action:") ||
		!strings.HasPrefix(lines[1], bucket+": SECURITY_WARNING PUBLIC_PERMISSIONS_MANAGEMENT statement 1 (Admin): Action:") {
		t.Errorf("findings:\n%s", out.String())
	}

	out.Reset()
	run(&out, &errb, []string{bucket}, true)
	if !strings.HasPrefix(out.String(), "::error file="+bucket+",title=RESOURCE_ARN_MISMATCH::ERROR RESOURCE_ARN_MISMATCH") {
		t.Errorf("GitHub Actions annotations:\n%s", out.String())
	}
}

func TestUnreadable(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(&out, &errb, []string{filepath.Join("testdata", "missing.json")}, false); code != 2 || errb.Len() == 0 {
		t.Errorf("missing file: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	if code := run(&out, &errb, []string{"main.go"}, false); code != 1 || !strings.HasPrefix(out.String(), "main.go: ERROR JSON_SYNTAX_ERROR policy:") {
		t.Errorf("not JSON: exit %d\n%s", code, out.String())
	}
}
