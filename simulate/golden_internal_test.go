package simulate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareAccess: a golden file catches an access gained and one lost,
// and a missing file says how to write it.
func TestCompareAccess(t *testing.T) {
	file := filepath.Join(t.TempDir(), "b.access")
	read := Access{Principal: "arn:aws:iam::111122223333:role/Reader", Action: "s3:GetObject", Level: LevelRead, Resource: "arn:aws:s3:::b/*", Via: "statement 0"}
	del := Access{Principal: "arn:aws:iam::111122223333:role/Intern", Action: "s3:DeleteObject", Level: LevelDelete, Resource: "arn:aws:s3:::b/*"}
	if _, err := compareAccess(file, nil); err == nil || !strings.Contains(err.Error(), UpdateGoldenEnv+"=1") {
		t.Errorf("no golden file: %v", err)
	}
	if err := os.WriteFile(file, []byte(accessText([]Access{read})), 0o644); err != nil {
		t.Fatal(err)
	}
	if diff, err := compareAccess(file, []Access{read}); err != nil || diff != "" {
		t.Errorf("same access: %v, diff %q", err, diff)
	}
	// Via is not compared: a grant moved to another statement is the
	// same access.
	moved := read
	moved.Via = "statement 3"
	if diff, err := compareAccess(file, []Access{moved}); err != nil || diff != "" {
		t.Errorf("the same access through another statement: %v, diff %q", err, diff)
	}
	diff, err := compareAccess(file, []Access{read, del})
	if err != nil || !strings.Contains(diff, "+") || !strings.Contains(diff, "role/Intern") {
		t.Errorf("an access gained: %v, diff %q", err, diff)
	}
	if diff, err := compareAccess(file, nil); err != nil || !strings.Contains(diff, "role/Reader") {
		t.Errorf("an access lost: %v, diff %q", err, diff)
	}
}
