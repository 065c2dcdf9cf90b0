package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3vet/s3vet/encrypt"
)

// A file larger than the Decrypter's in-memory limit is encrypted, then
// read back through a spool file, as a large object downloaded from S3
// would be.
func TestEncryptLargeFile(t *testing.T) {
	dir := t.TempDir()
	kek, in, out := filepath.Join(dir, "kek"), filepath.Join(dir, "big"), filepath.Join(dir, "big.enc")
	key := bytes.Repeat([]byte{7}, 32)
	if err := os.WriteFile(kek, key, 0o600); err != nil {
		t.Fatal(err)
	}
	const size = 24<<20 + 5 // not a multiple of anything
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, sum), rand.Reader, size); err != nil {
		t.Fatal(err)
	}
	f.Close()

	var stdout bytes.Buffer
	if err := run(context.Background(), &stdout, kek, in, out); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("encrypted %d bytes to %s; envelope in %s.meta.json\n", size, out, out); stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}

	raw, err := os.ReadFile(out + ".meta.json")
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]string
	if err := json.Unmarshal(raw, &meta); err != nil {
		t.Fatal(err)
	}
	env, err := encrypt.ParseEnvelope(meta, nil)
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := encrypt.NewAESKeyring(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer ct.Close()
	fi, _ := ct.Stat()
	d := encrypt.NewDecrypter(keyring)
	d.MaxBuffer, d.SpoolDir = 1<<20, dir // verify through a file, not memory
	r, err := d.NewReader(context.Background(), env, ct, fi.Size(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got := sha256.New()
	if _, err := io.Copy(got, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Sum(nil), sum.Sum(nil)) {
		t.Error("decrypted file differs from the original")
	}
}

func TestBadKey(t *testing.T) {
	dir := t.TempDir()
	kek := filepath.Join(dir, "kek")
	os.WriteFile(kek, []byte("short"), 0o600)
	if err := run(context.Background(), io.Discard, kek, kek, filepath.Join(dir, "out")); err == nil {
		t.Error("a 5-byte key encryption key was accepted")
	}
}
