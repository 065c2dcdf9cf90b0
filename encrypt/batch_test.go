package encrypt_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/encrypt"
)

// TestDecryptBatches decrypts objects around the Decrypter's batch size
// (4 MiB) with one, two and three goroutines (Concurrency), in every mode, and
// tampers with a byte in each piece a batch is split into: every mode
// fails with ErrAuthentication, and the modes that verify before release
// release nothing.
func TestDecryptBatches(t *testing.T) {
	const batch = 32 * chunk
	k := keyrings(t)[1].k
	enc := encrypt.NewEncrypter(k)
	modes := map[string]func(*encrypt.Decrypter){
		"memory":  func(d *encrypt.Decrypter) {},
		"spool":   func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir = -1, t.TempDir() },
		"delayed": func(d *encrypt.Decrypter) { d.DelayedAuthentication = true },
	}
	small, smallEnv := encryptBytes(t, enc, []byte("x"), nil)
	d := encrypt.NewDecrypter(k)
	d.Concurrency = -1
	if _, err := decryptBytes(d, smallEnv, small, nil); err == nil || !strings.Contains(err.Error(), "Concurrency") {
		t.Fatalf("negative Concurrency: %v", err)
	}
	for _, procs := range []int{0, 2, 3} {
		for _, n := range []int{2*chunk - 1, 2 * chunk, batch - 1, batch, batch + 1, batch + 15, batch + 16, 2*batch + 3*chunk + 5} {
			pt := randBytes(n)
			ct, env := encryptBytes(t, enc, pt, nil)
			for name, set := range modes {
				what := fmt.Sprintf("Concurrency=%d n=%d %s", procs, n, name)
				d := encrypt.NewDecrypter(k)
				d.Concurrency = procs
				set(d)
				got, err := decryptBytes(d, env, ct, nil)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("%s: %d bytes, %v", what, len(got), err)
				}
				for _, at := range []int{0, chunk + 7, n / 2, n - 1, n + 3} {
					if at < 0 || at >= len(ct) {
						continue
					}
					bad := bytes.Clone(ct)
					bad[at] ^= 0x80
					got, err := decryptBytes(d, env, bad, nil)
					if !errors.Is(err, encrypt.ErrAuthentication) {
						t.Fatalf("%s: byte %d altered: %v", what, at, err)
					}
					released := len(got)
					if name == "delayed" {
						released -= len(ct) - 16 - (len(ct)-17)%batch - 1 // all but the last batch may go
					}
					if released > 0 {
						t.Fatalf("%s: byte %d altered: %d bytes released", what, at, len(got))
					}
				}
			}
		}
	}
}
