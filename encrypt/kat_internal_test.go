package encrypt

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

type katVector struct {
	Comment       string `json:"comment"`
	DataKey       string `json:"data_key"`
	MessageID     string `json:"message_id"`
	EncryptionKey string `json:"encryption_key"`
	CommitmentKey string `json:"commitment_key"`
	IV            string `json:"iv"`
	Plaintext     string `json:"plaintext"`
	Ciphertext    string `json:"ciphertext"`
	AuthTag       string `json:"auth_tag"`
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeyDerivationKAT checks HKDF-SHA512 key derivation and commitment of
// suite 0x0073 against the known answers in testdata/kdf-kat.json (their
// sources are named there).
func TestKeyDerivationKAT(t *testing.T) {
	b, err := os.ReadFile("testdata/kdf-kat.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []katVector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 3 {
		t.Fatalf("%d vectors", len(f.Vectors))
	}
	for _, v := range f.Vectors {
		t.Run(v.Comment, func(t *testing.T) {
			dk, id := unhex(t, v.DataKey), unhex(t, v.MessageID)
			ck, err := commitmentKey(dk, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, v.CommitmentKey); !bytes.Equal(ck, want) {
				t.Errorf("commitment %x, want %x", ck, want)
			}
			ek, err := openCommitment(dk, id, ck)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, v.EncryptionKey); !bytes.Equal(ek, want) {
				t.Errorf("derived key %x, want %x", ek, want)
			}
			// A swapped data key or message ID breaks the commitment.
			other := bytes.Clone(dk)
			other[0] ^= 1
			if _, err := openCommitment(other, id, ck); !errors.Is(err, ErrKeyCommitment) {
				t.Errorf("swapped data key: %v", err)
			}
			if v.Ciphertext == "" {
				return
			}
			k, err := gcm.NewKey(ek)
			if err != nil {
				t.Fatal(err)
			}
			pt := unhex(t, v.Plaintext)
			s := k.NewStream(unhex(t, v.IV), 0)
			ct := s.Seal(make([]byte, len(pt), len(pt)+gcm.TagSize), pt)
			tag := k.Tag(unhex(t, v.IV), suiteID, s.Sum())
			if want := unhex(t, v.Ciphertext); !bytes.Equal(ct, want) {
				t.Errorf("ciphertext %x, want %x", ct, want)
			}
			if want := unhex(t, v.AuthTag); !bytes.Equal(tag[:], want) {
				t.Errorf("tag %x, want %x", tag, want)
			}
		})
	}
}
