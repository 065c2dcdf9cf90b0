package encrypt_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/s3vet/s3vet/encrypt"
)

// typed lists the errors a failed decryption may match: each failure must
// match one of them.
var typed = []error{
	encrypt.ErrAuthentication, encrypt.ErrKeyCommitment, encrypt.ErrUnwrap,
	encrypt.ErrContextMismatch, encrypt.ErrFormat, encrypt.ErrPolicy, encrypt.ErrLegacy,
	encrypt.ErrInstructionFile,
}

func isTyped(err error) bool {
	for _, e := range typed {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// attempt decrypts and returns how many plaintext bytes were released and
// the error.
func attempt(d *encrypt.Decrypter, meta map[string]string, instr, ct []byte, ec map[string]string) (int, error) {
	env, err := encrypt.ParseEnvelope(meta, instr)
	if err != nil {
		return 0, err
	}
	r, err := d.NewReader(context.Background(), env, bytes.NewReader(ct), int64(len(ct)), ec)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	n, err := io.Copy(io.Discard, r)
	return int(n), err
}

// mustFail requires a typed error and no plaintext.
func mustFail(t *testing.T, what string, n int, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: decrypted", what)
	}
	if !isTyped(err) {
		t.Fatalf("%s: untyped error %v", what, err)
	}
	if n != 0 {
		t.Fatalf("%s: %d bytes of plaintext released", what, n)
	}
}

// TestTamper alters every byte of the ciphertext and tag and every byte of
// every metadata value (wrapped key, IV or message ID, commitment, material
// description or encryption context, algorithms, length), in object
// metadata and instruction file, for each keyring and format. Each must
// fail with a typed error and release no plaintext.
func TestTamper(t *testing.T) {
	if testing.Short() {
		t.Skip("exhaustive")
	}
	for _, kr := range keyrings(t) {
		for _, policy := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptAllowDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
			t.Run(kr.name+"/"+policy.String(), func(t *testing.T) {
				t.Parallel()
				enc := encrypt.NewEncrypter(kr.k)
				enc.Policy = policy
				d := encrypt.NewDecrypter(kr.k)
				d.Policy = encrypt.RequireEncryptAllowDecrypt
				pt := randBytes(100)
				ct, env := encryptBytes(t, enc, pt, kr.ec)
				meta := env.Metadata()
				if n, err := attempt(d, meta, nil, ct, kr.ec); err != nil || n != len(pt) {
					t.Fatalf("untouched: %v", err)
				}

				for i := range ct {
					for _, bit := range []byte{0x01, 0x80} {
						bad := bytes.Clone(ct)
						bad[i] ^= bit
						n, err := attempt(d, meta, nil, bad, kr.ec)
						mustFail(t, "ciphertext", n, err)
					}
				}
				n, err := attempt(d, meta, nil, ct[:len(ct)-1], kr.ec)
				mustFail(t, "truncated", n, err)
				n, err = attempt(d, meta, nil, append(bytes.Clone(ct), 0), kr.ec)
				mustFail(t, "extended", n, err)

				for _, k := range slices.Sorted(maps.Keys(meta)) {
					v := meta[k]
					for i := range len(v) {
						for _, bit := range []byte{0x01, 0x02, 0x20} {
							bad := maps.Clone(meta)
							b := []byte(v)
							b[i] ^= bit
							bad[k] = string(b)
							if sameEnvelope(bad, nil, env) {
								// "\u00fc" and "\u00Fc" are the same JSON.
								continue
							}
							n, err := attempt(d, bad, nil, ct, kr.ec)
							mustFail(t, k, n, err)
						}
					}
					// Removing a key makes the envelope incomplete or loses
					// only the optional length.
					bad := maps.Clone(meta)
					delete(bad, k)
					if n, err := attempt(d, bad, nil, ct, kr.ec); !sameEnvelope(bad, nil, env) && k != "x-amz-unencrypted-content-length" {
						mustFail(t, "without "+k, n, err)
					}
				}

				om, file := env.InstructionFile()
				if n, err := attempt(d, om, file, ct, kr.ec); err != nil || n != len(pt) {
					t.Fatalf("instruction file untouched: %v", err)
				}
				for i := range file {
					bad := bytes.Clone(file)
					bad[i] ^= 0x01
					if sameEnvelope(om, bad, env) {
						continue
					}
					n, err := attempt(d, om, bad, ct, kr.ec)
					mustFail(t, "instruction file", n, err)
				}
			})
		}
	}
}

// sameEnvelope reports whether metadata (and instruction file) still
// parse to env, but for the optional plaintext length: a change of
// encoding only, such as the case of a \u escape in JSON or of a key in
// an instruction file, which no format can detect, or the loss of
// x-amz-unencrypted-content-length.
func sameEnvelope(meta map[string]string, instr []byte, env *encrypt.Envelope) bool {
	e, err := encrypt.ParseEnvelope(meta, instr)
	if err != nil {
		return false
	}
	want := *env
	if e.PlaintextLength == -1 {
		want.PlaintextLength = -1
	}
	return reflect.DeepEqual(e, &want)
}

// TestWrongKeyring: another key of the same kind, or a keyring of another
// kind, fails to unwrap.
func TestWrongKeyring(t *testing.T) {
	a, b := keyrings(t), keyrings(t)
	for i, kr := range a {
		ct, env := encryptBytes(t, encrypt.NewEncrypter(kr.k), []byte("secret"), kr.ec)
		for j, other := range b {
			if i == j && kr.name == "rsa" {
				continue // the RSA test key is shared
			}
			n, err := attempt(encrypt.NewDecrypter(other.k), env.Metadata(), nil, ct, nil)
			if !errors.Is(err, encrypt.ErrUnwrap) || n != 0 {
				t.Errorf("%s object, %s keyring: %v", kr.name, other.name, err)
			}
		}
		// With the right keyring after a wrong one, it works.
		got, err := decryptBytes(encrypt.NewDecrypter(b[(i+1)%3].k, kr.k), env, ct, nil)
		if err != nil || string(got) != "secret" {
			t.Errorf("%s after a wrong keyring: %v", kr.name, err)
		}
	}
	if _, err := decryptBytes(encrypt.NewDecrypter(), nil, nil, nil); err == nil {
		t.Error("no envelope accepted")
	}
}

// TestSwappedDataKey: key commitment catches an object whose wrapped data
// key was replaced by another object's (readable by the same keyring).
func TestSwappedDataKey(t *testing.T) {
	for _, kr := range keyrings(t) {
		enc := encrypt.NewEncrypter(kr.k)
		ct, env := encryptBytes(t, enc, []byte("object A"), kr.ec)
		_, envB := encryptBytes(t, enc, []byte("object B"), kr.ec)
		meta, metaB := env.Metadata(), envB.Metadata()
		meta["x-amz-3"] = metaB["x-amz-3"]
		n, err := attempt(encrypt.NewDecrypter(kr.k), meta, nil, ct, nil)
		if !errors.Is(err, encrypt.ErrKeyCommitment) || n != 0 {
			t.Errorf("%s: swapped key: %v", kr.name, err)
		}
		// With B's message ID too, the commitment fails the same way.
		meta["x-amz-i"] = metaB["x-amz-i"]
		n, err = attempt(encrypt.NewDecrypter(kr.k), meta, nil, ct, nil)
		if !errors.Is(err, encrypt.ErrKeyCommitment) || n != 0 {
			t.Errorf("%s: swapped key and message ID: %v", kr.name, err)
		}
		// With B's commitment too, the content key is B's: the tag fails.
		meta["x-amz-d"] = metaB["x-amz-d"]
		n, err = attempt(encrypt.NewDecrypter(kr.k), meta, nil, ct, nil)
		if !errors.Is(err, encrypt.ErrAuthentication) || n != 0 {
			t.Errorf("%s: swapped envelope: %v", kr.name, err)
		}
	}
}

// TestDelayedTamper: with DelayedAuthentication, an altered last batch
// (4 MiB) is reported before that batch is released.
func TestDelayedTamper(t *testing.T) {
	const batch = 32 * chunk
	k := keyrings(t)[1].k
	pt := randBytes(2*batch + 100)
	ct, env := encryptBytes(t, encrypt.NewEncrypter(k), pt, nil)
	d := encrypt.NewDecrypter(k)
	d.DelayedAuthentication = true
	bad := bytes.Clone(ct)
	bad[len(bad)-50] ^= 1
	got, err := decryptBytes(d, env, bad, nil)
	if !errors.Is(err, encrypt.ErrAuthentication) {
		t.Fatalf("err %v", err)
	}
	if len(got) != 2*batch || !bytes.Equal(got, pt[:2*batch]) {
		t.Fatalf("released %d bytes", len(got))
	}
}
