package encrypt_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha512"
	"errors"
	"io"
	"os"
	"testing"
	"testing/iotest"

	"github.com/s3vet/s3vet/encrypt"
)

const chunk = 128 << 10

var testSizes = []int{0, 1, 15, 16, 17, 4095, chunk - 1, chunk, chunk + 1, 3*chunk + 17, 1 << 20}

// TestRoundTrip encrypts with each keyring, format and API, stores the
// envelope as metadata or instruction file, and decrypts in each mode.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	for _, kr := range keyrings(t) {
		for _, policy := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptRequireDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
			t.Run(kr.name+"/"+policy.String(), func(t *testing.T) {
				t.Parallel()
				enc := encrypt.NewEncrypter(kr.k)
				enc.Policy = policy
				for _, n := range testSizes {
					pt := randBytes(n)
					// Writer, declared size.
					ct, env := encryptBytes(t, enc, pt, kr.ec)
					if len(ct) != n+16 {
						t.Fatalf("n=%d: %d bytes of ciphertext", n, len(ct))
					}
					// Reader, unknown size, one byte at a time from the source.
					r, err := enc.NewReader(ctx, iotest.HalfReader(bytes.NewReader(pt)), -1, kr.ec)
					if err != nil {
						t.Fatal(err)
					}
					var cb bytes.Buffer
					if _, err := io.Copy(&cb, r); err != nil { // WriteTo
						t.Fatal(err)
					}
					ct2 := cb.Bytes()
					env2 := r.Envelope()
					if env2.PlaintextLength != -1 || r.Size() != -1 {
						t.Fatalf("unknown size recorded as %d", env2.PlaintextLength)
					}

					// Through metadata and through an instruction file.
					meta := env.Metadata()
					parsed, err := encrypt.ParseEnvelope(meta, nil)
					if err != nil {
						t.Fatal(err)
					}
					om, file := env2.InstructionFile()
					if _, err := encrypt.ParseEnvelope(om, nil); !errors.Is(err, encrypt.ErrInstructionFile) {
						t.Fatalf("instruction file metadata parsed alone: %v", err)
					}
					parsed2, err := encrypt.ParseEnvelope(om, file)
					if err != nil {
						t.Fatal(err)
					}

					for _, mode := range decryptModes(t, kr.k) {
						mode.d.Policy = encrypt.RequireEncryptAllowDecrypt
						for i, c := range []struct {
							env *encrypt.Envelope
							ct  []byte
						}{{parsed, ct}, {parsed2, ct2}} {
							r, err := mode.d.NewReader(ctx, c.env, mode.wrap(c.ct), mode.size(c.ct), kr.ec)
							if err != nil {
								t.Fatalf("n=%d %s %d: %v", n, mode.name, i, err)
							}
							var got []byte
							if i == 0 {
								got, err = io.ReadAll(r) // Read
							} else {
								var b bytes.Buffer
								_, err = io.Copy(&b, r) // WriteTo
								got = b.Bytes()
							}
							if err != nil {
								t.Fatalf("n=%d %s %d: %v", n, mode.name, i, err)
							}
							if err := r.Close(); err != nil {
								t.Fatal(err)
							}
							if !bytes.Equal(got, pt) {
								t.Fatalf("n=%d %s %d: plaintext differs", n, mode.name, i)
							}
						}
					}
				}
			})
		}
	}
}

type decryptMode struct {
	name string
	d    *encrypt.Decrypter
	wrap func([]byte) io.Reader
	size func([]byte) int64
}

func decryptModes(t *testing.T, k encrypt.KeyUnwrapper) []decryptMode {
	with := func(set func(d *encrypt.Decrypter)) *encrypt.Decrypter {
		d := encrypt.NewDecrypter(k)
		set(d)
		return d
	}
	plain := func(b []byte) io.Reader { return bytes.NewReader(b) }
	half := func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }
	known := func(b []byte) int64 { return int64(len(b)) }
	unknown := func([]byte) int64 { return -1 }
	dir := t.TempDir()
	return []decryptMode{
		{"memory", with(func(*encrypt.Decrypter) {}), plain, known},
		{"memory-unknown", with(func(*encrypt.Decrypter) {}), half, unknown},
		{"spool", with(func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir = -1, dir }), half, known},
		{"spool-unknown", with(func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir = 100, dir }), half, unknown},
		{"delayed", with(func(d *encrypt.Decrypter) { d.DelayedAuthentication = true }), half, known},
		{"delayed-unknown", with(func(d *encrypt.Decrypter) { d.DelayedAuthentication = true }), plain, unknown},
	}
}

// fixedKey is a KeyWrapper that hands out a known data key, so that tests
// can compare with the standard library.
type fixedKey []byte

func (k fixedKey) NewDataKey(context.Context, string, map[string]string) ([]byte, *encrypt.WrappedKey, error) {
	return bytes.Clone(k), &encrypt.WrappedKey{Algorithm: encrypt.WrapAESGCM, Ciphertext: []byte("k")}, nil
}

func (k fixedKey) UnwrapKey(context.Context, string, *encrypt.WrappedKey) ([]byte, error) {
	return bytes.Clone(k), nil
}

// TestStdlibEquivalence proves that the streaming Writer and Reader produce
// exactly AES-256-GCM as the standard library computes it: in V2 with the
// data key and the envelope's IV; in V3 with the HKDF-derived key, twelve
// 0x01 bytes as IV and the suite ID 0x0073 as additional data.
func TestStdlibEquivalence(t *testing.T) {
	ctx := context.Background()
	key := fixedKey(randBytes(32))
	for _, policy := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptRequireDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
		enc := encrypt.NewEncrypter(key)
		enc.Policy = policy
		for _, n := range append(testSizes, 5*chunk+3, 7*chunk) {
			pt := randBytes(n)
			ct, env := encryptBytes(t, enc, pt, nil)
			r, _ := enc.NewReader(ctx, bytes.NewReader(pt), int64(n), nil)
			ct2, _ := io.ReadAll(r)
			env2 := r.Envelope()

			for i, c := range []struct {
				ct  []byte
				env *encrypt.Envelope
			}{{ct, env}, {ct2, env2}} {
				k, nonce, aad := []byte(key), c.env.IV, []byte(nil)
				if policy != encrypt.ForbidEncryptAllowDecrypt {
					var err error
					k, err = hkdf.Key(sha512.New, key, c.env.MessageID, "\x00\x73DERIVEKEY", 32)
					if err != nil {
						t.Fatal(err)
					}
					commit, _ := hkdf.Key(sha512.New, key, c.env.MessageID, "\x00\x73COMMITKEY", 28)
					if !bytes.Equal(commit, c.env.KeyCommitment) {
						t.Fatal("key commitment")
					}
					nonce, aad = bytes.Repeat([]byte{1}, 12), []byte{0x00, 0x73}
				}
				b, _ := aes.NewCipher(k)
				g, _ := cipher.NewGCM(b)
				if want := g.Seal(nil, nonce, pt, aad); !bytes.Equal(c.ct, want) {
					t.Fatalf("%v n=%d api %d: differs from crypto/cipher", policy, n, i)
				}
			}
		}
	}
}

func TestDecryptLimits(t *testing.T) {
	ctx := context.Background()
	k := keyrings(t)[1].k
	pt := randBytes(3*chunk + 5)
	ct, env := encryptBytes(t, encrypt.NewEncrypter(k), pt, nil)

	d := encrypt.NewDecrypter(k)
	d.MaxBuffer = 1000
	if _, err := d.NewReader(ctx, env, bytes.NewReader(ct), int64(len(ct)), nil); !errors.Is(err, encrypt.ErrTooLarge) {
		t.Fatalf("over MaxBuffer without spool: %v", err)
	}
	r, err := d.NewReader(ctx, env, bytes.NewReader(ct), -1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); !errors.Is(err, encrypt.ErrTooLarge) {
		t.Fatalf("unknown size over MaxBuffer without spool: %v", err)
	}

	dir := t.TempDir()
	d.SpoolDir = dir
	r, err = d.NewReader(ctx, env, bytes.NewReader(ct), int64(len(ct)), nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("spool: %v", err)
	}
	r.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("spool file left behind: %v", ents)
	}

	d = encrypt.NewDecrypter(k)
	d.DelayedAuthentication, d.MaxBuffer = true, 10
	if _, err := d.NewReader(ctx, env, bytes.NewReader(ct), -1, nil); err == nil {
		t.Fatal("DelayedAuthentication with MaxBuffer accepted")
	}
}

// TestLargeInMemory covers objects verified in memory in pooled buffers.
func TestLargeInMemory(t *testing.T) {
	k := keyrings(t)[1].k
	pt := randBytes(9<<20 + 5)
	ct, env := encryptBytes(t, encrypt.NewEncrypter(k), pt, nil)
	d := encrypt.NewDecrypter(k)
	for i := 0; i < 3; i++ { // the second and third reuse pooled buffers
		got, err := decryptBytes(d, env, ct, nil)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("decrypt: %v", err)
		}
	}
	for _, i := range []int{0, 5 << 20, len(pt) - 1, len(pt), len(ct) - 1} {
		bad := bytes.Clone(ct)
		bad[i] ^= 1
		got, err := decryptBytes(d, env, bad, nil)
		if !errors.Is(err, encrypt.ErrAuthentication) || len(got) != 0 {
			t.Fatalf("byte %d altered: %v, %d bytes", i, err, len(got))
		}
	}
	if got, err := decryptBytes(d, env, ct[:len(ct)-1], nil); !errors.Is(err, encrypt.ErrAuthentication) || len(got) != 0 {
		t.Fatalf("truncated: %v", err)
	}
	r, err := d.NewReader(context.Background(), env, bytes.NewReader(append(bytes.Clone(ct), 1)), int64(len(ct)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(r); !errors.Is(err, encrypt.ErrAuthentication) || len(got) != 0 {
		t.Fatalf("longer body: %v", err)
	}
}

func TestPolicies(t *testing.T) {
	k := keyrings(t)[1].k
	v2 := encrypt.NewEncrypter(k)
	v2.Policy = encrypt.ForbidEncryptAllowDecrypt
	pt := []byte("hello")
	ct, env := encryptBytes(t, v2, pt, nil)
	meta := env.Metadata()
	if meta["x-amz-cek-alg"] != "AES/GCM/NoPadding" || meta["x-amz-tag-len"] != "128" || meta["x-amz-wrap-alg"] != "AES/GCM" {
		t.Fatalf("V2 metadata %v", meta)
	}
	if _, err := decryptBytes(encrypt.NewDecrypter(k), env, ct, nil); !errors.Is(err, encrypt.ErrPolicy) {
		t.Fatalf("V2 object under REQUIRE_ENCRYPT_REQUIRE_DECRYPT: %v", err)
	}
	for _, p := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptAllowDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
		d := encrypt.NewDecrypter(k)
		d.Policy = p
		if got, err := decryptBytes(d, env, ct, nil); err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%v: %v", p, err)
		}
	}
	for _, p := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptRequireDecrypt, encrypt.RequireEncryptAllowDecrypt} {
		e := encrypt.NewEncrypter(k)
		e.Policy = p
		_, env := encryptBytes(t, e, pt, nil)
		meta := env.Metadata()
		if meta["x-amz-c"] != "115" || meta["x-amz-w"] != "02" || len(meta["x-amz-i"]) == 0 || len(meta["x-amz-d"]) == 0 {
			t.Fatalf("%v: V3 metadata %v", p, meta)
		}
		for _, k := range []string{"x-amz-cek-alg", "x-amz-iv", "x-amz-key-v2", "x-amz-tag-len"} {
			if _, ok := meta[k]; ok {
				t.Fatalf("%v: V2 key %s in V3 metadata", p, k)
			}
		}
	}
	bad := encrypt.NewEncrypter(k)
	bad.Policy = 7
	if _, err := bad.NewWriter(context.Background(), io.Discard, 0, nil); err == nil {
		t.Fatal("unknown policy accepted")
	}
}

func TestEncryptionContext(t *testing.T) {
	kr := keyrings(t)[0]
	enc := encrypt.NewEncrypter(kr.k)
	pt := []byte("payroll")
	ct, env := encryptBytes(t, enc, pt, kr.ec)
	meta := env.Metadata()
	if meta["x-amz-w"] != "12" {
		t.Fatalf("x-amz-w %q", meta["x-amz-w"])
	}
	stored := meta["x-amz-t"]
	for _, r := range stored {
		if r > 127 {
			t.Fatalf("x-amz-t is not US-ASCII: %q", stored)
		}
	}
	parsed, err := encrypt.ParseEnvelope(meta, nil)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Key.Description["aws:x-amz-cek-alg"] != "115" || parsed.Key.Description["ünï"] != "cødé" {
		t.Fatalf("stored context %v", parsed.Key.Description)
	}
	d := encrypt.NewDecrypter(kr.k)
	if _, err := decryptBytes(d, parsed, ct, kr.ec); err != nil {
		t.Fatal(err)
	}
	if _, err := decryptBytes(d, parsed, ct, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := decryptBytes(d, parsed, ct, map[string]string{"tenant": "b", "ünï": "cødé"}); !errors.Is(err, encrypt.ErrContextMismatch) {
		t.Fatalf("other context: %v", err)
	}
	if _, err := decryptBytes(d, parsed, ct, map[string]string{}); !errors.Is(err, encrypt.ErrContextMismatch) {
		t.Fatalf("empty context expected: %v", err)
	}
	if _, _, err := kr.k.NewDataKey(context.Background(), "115", map[string]string{"aws:x-amz-cek-alg": "x"}); err == nil {
		t.Fatal("reserved key accepted")
	}
	if _, err := enc.NewWriter(context.Background(), io.Discard, -1, nil); err != nil {
		t.Fatal(err)
	}
	aesK := keyrings(t)[1].k
	if _, err := encrypt.NewEncrypter(aesK).NewWriter(context.Background(), io.Discard, -1, map[string]string{"a": "b"}); err == nil {
		t.Fatal("raw keyring took an encryption context")
	}
}

func TestWriterSizeMismatch(t *testing.T) {
	enc := encrypt.NewEncrypter(keyrings(t)[1].k)
	w, _ := enc.NewWriter(context.Background(), io.Discard, 10, nil)
	w.Write(make([]byte, 5))
	if err := w.Close(); err == nil {
		t.Fatal("short write accepted")
	}
	w, _ = enc.NewWriter(context.Background(), io.Discard, 10, nil)
	if _, err := w.Write(make([]byte, 11)); err == nil {
		if err := w.Close(); err == nil {
			t.Fatal("long write accepted")
		}
	}
	r, _ := enc.NewReader(context.Background(), bytes.NewReader(make([]byte, 9)), 10, nil)
	if _, err := io.ReadAll(r); err == nil {
		t.Fatal("short body accepted")
	}
	if _, err := w.Write([]byte{1}); err == nil {
		t.Fatal("write after failure accepted")
	}
}
