package simulate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// UpdateGoldenEnv is the environment variable that makes [CheckAccess]
// write its golden file instead of comparing with it: set it to 1 and run
// the test once, then review the file's diff and commit it.
const UpdateGoldenEnv = "S3VET_UPDATE_GOLDEN"

// CheckAccess compares an access matrix with the golden file that holds
// what it should be, one [Access.String] line each, and fails t with the
// difference: an access gained or lost fails the test, so that a policy
// change that grants more than meant is caught in a unit test. With
// S3VET_UPDATE_GOLDEN=1 in the environment it writes the file instead.
//
//	got, err := srv.WhoCan(simulate.WhoCanQuery{Bucket: "acme-records"})
//	...
//	simulate.CheckAccess(t, "testdata/acme-records.access", got)
func CheckAccess(t testing.TB, file string, got []Access) {
	t.Helper()
	text := accessText(got)
	if os.Getenv(UpdateGoldenEnv) == "1" {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatalf("simulate: writing the golden file: %v", err)
		}
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			t.Fatalf("simulate: writing the golden file: %v", err)
		}
		return
	}
	diff, err := compareAccess(file, got)
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Errorf("access differs from %s (-want +got; %s=1 rewrites the file):\n%s", file, UpdateGoldenEnv, diff)
	}
}

// accessText is the golden file's text of an access matrix.
func accessText(as []Access) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// compareAccess returns the difference between the golden file and got,
// "" when there is none.
func compareAccess(file string, got []Access) (string, error) {
	want, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("simulate: no golden file %s: run the test with %s=1 to write it, then review it", file, UpdateGoldenEnv)
	}
	if err != nil {
		return "", fmt.Errorf("simulate: reading the golden file: %w", err)
	}
	var wantLines, gotLines []string
	for l := range bytes.Lines(want) {
		if s := strings.TrimRight(string(l), "\r\n"); s != "" {
			wantLines = append(wantLines, s)
		}
	}
	for _, a := range got {
		gotLines = append(gotLines, a.String())
	}
	return cmp.Diff(wantLines, gotLines), nil
}
