package encrypt

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// TestCommitAndDeriveKAT checks the writer's single-extraction derivation
// against the same known answers as TestKeyDerivationKAT.
func TestCommitAndDeriveKAT(t *testing.T) {
	b, err := os.ReadFile("testdata/kdf-kat.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []katVector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	for _, v := range f.Vectors {
		ck, ek, err := commitAndDerive(unhex(t, v.DataKey), unhex(t, v.MessageID))
		if err != nil {
			t.Fatal(err)
		}
		if want := unhex(t, v.CommitmentKey); !bytes.Equal(ck, want) {
			t.Errorf("%s: commitment %x, want %x", v.Comment, ck, want)
		}
		if want := unhex(t, v.EncryptionKey); !bytes.Equal(ek, want) {
			t.Errorf("%s: derived key %x, want %x", v.Comment, ek, want)
		}
	}
}
