package encrypt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/encrypt"
)

type envelopeCase struct {
	Name        string            `json:"name"`
	Source      string            `json:"source"`
	Meta        map[string]string `json:"meta"`
	Instruction *string           `json:"instruction"`
	Want        string            `json:"want"`
	Wrap        string            `json:"wrap"`
	Desc        map[string]string `json:"desc"`
	Length      int64             `json:"length"`
}

func envelopeCases(t testing.TB) []envelopeCase {
	b, err := os.ReadFile("testdata/envelopes.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Cases []envelopeCase }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Cases
}

func (c envelopeCase) instr() []byte {
	if c.Instruction == nil {
		return nil
	}
	return []byte(*c.Instruction)
}

// TestParseEnvelopeCorpus parses envelopes as the specification and other
// clients write them (testdata/envelopes.json names the source of each).
func TestParseEnvelopeCorpus(t *testing.T) {
	for _, c := range envelopeCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			env, err := encrypt.ParseEnvelope(c.Meta, c.instr())
			switch c.Want {
			case "ok":
				if err != nil {
					t.Fatal(err)
				}
				if env.Key.Algorithm != c.Wrap || !maps.Equal(env.Key.Description, c.Desc) || env.PlaintextLength != c.Length {
					t.Fatalf("%+v", env)
				}
				roundTrip(t, env)
			case "format":
				if !errors.Is(err, encrypt.ErrFormat) {
					t.Fatalf("want a format error, got %v", err)
				}
				var fe *encrypt.FormatError
				if !errors.As(err, &fe) {
					t.Fatalf("%T is not a *FormatError", err)
				}
			case "instruction-file":
				if !errors.Is(err, encrypt.ErrInstructionFile) {
					t.Fatalf("want ErrInstructionFile, got %v", err)
				}
			default:
				t.Fatalf("want %q", c.Want)
			}
		})
	}
}

// roundTrip checks that an envelope written out, as metadata or as an
// instruction file, parses back to itself.
func roundTrip(t testing.TB, env *encrypt.Envelope) {
	t.Helper()
	back, err := encrypt.ParseEnvelope(env.Metadata(), nil)
	if err != nil {
		t.Fatalf("Metadata() does not parse: %v\n%v", err, env.Metadata())
	}
	if !reflect.DeepEqual(back, env) {
		t.Fatalf("Metadata() round trip:\n%+v\n%+v", env, back)
	}
	meta, file := env.InstructionFile()
	back, err = encrypt.ParseEnvelope(meta, file)
	if err != nil {
		t.Fatalf("InstructionFile() does not parse: %v", err)
	}
	if !reflect.DeepEqual(back, env) {
		t.Fatalf("InstructionFile() round trip:\n%+v\n%+v", env, back)
	}
	for k, v := range env.Metadata() {
		for _, r := range k + v {
			if r > 127 {
				t.Fatalf("metadata %q: %q is not US-ASCII", k, v)
			}
		}
	}
}

// metaLines encodes metadata as "key: value" lines, the fuzzers' input.
func metaLines(m map[string]string) []byte {
	var b bytes.Buffer
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b.WriteString(k + ": " + m[k] + "\n")
	}
	return b.Bytes()
}

func parseLines(b []byte) map[string]string {
	m := map[string]string{}
	for line := range strings.SplitSeq(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		}
	}
	return m
}

// fuzzSeeds returns envelopes of every kind: the corpus and fresh ones.
func fuzzSeeds(f *testing.F) (metas []map[string]string, files [][]byte) {
	for _, c := range envelopeCases(f) {
		metas = append(metas, c.Meta)
		files = append(files, c.instr())
	}
	for _, kr := range keyrings(f) {
		for _, p := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptRequireDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
			e := encrypt.NewEncrypter(kr.k)
			e.Policy = p
			w, err := e.NewWriter(context.Background(), &bytes.Buffer{}, 5, kr.ec)
			if err != nil {
				f.Fatal(err)
			}
			metas = append(metas, w.Envelope().Metadata())
			files = append(files, nil)
			m, file := w.Envelope().InstructionFile()
			metas = append(metas, m)
			files = append(files, file)
		}
	}
	return metas, files
}

// FuzzParseMetadata: the metadata parser never panics, and what it
// accepts writes back out to the same envelope.
func FuzzParseMetadata(f *testing.F) {
	metas, _ := fuzzSeeds(f)
	for _, m := range metas {
		f.Add(metaLines(m))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := encrypt.ParseEnvelope(parseLines(data), nil)
		if err != nil {
			if !errors.Is(err, encrypt.ErrFormat) && !errors.Is(err, encrypt.ErrInstructionFile) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		roundTrip(t, env)
	})
}

// FuzzParseInstructionFile: the instruction file parser never panics, and
// what it accepts writes back out to the same envelope.
func FuzzParseInstructionFile(f *testing.F) {
	metas, files := fuzzSeeds(f)
	for i, file := range files {
		if file != nil {
			f.Add(metaLines(metas[i]), file)
		}
	}
	f.Fuzz(func(t *testing.T, meta, file []byte) {
		env, err := encrypt.ParseEnvelope(parseLines(meta), file)
		if err != nil {
			if !errors.Is(err, encrypt.ErrFormat) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		roundTrip(t, env)
	})
}

// FuzzDecrypt feeds arbitrary bytes as the ciphertext of a known object, in
// every reading mode: nothing panics, and only the true ciphertext gives
// plaintext; anything else gives a typed error and no plaintext.
func FuzzDecrypt(f *testing.F) {
	kr := fixedKey(bytes.Repeat([]byte{7}, 32))
	var objects []struct {
		ct  []byte
		env *encrypt.Envelope
	}
	for _, p := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptRequireDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
		e := encrypt.NewEncrypter(kr)
		e.Policy = p
		ct, env := encryptBytes(f, e, []byte("attack at dawn"), nil)
		objects = append(objects, struct {
			ct  []byte
			env *encrypt.Envelope
		}{ct, env})
		f.Add(ct, uint8(len(objects)-1), uint8(0))
		f.Add(ct[:len(ct)-1], uint8(len(objects)-1), uint8(1))
	}
	f.Add([]byte{}, uint8(0), uint8(2))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body []byte, which, mode uint8) {
		o := objects[int(which)%len(objects)]
		env := *o.env
		env.PlaintextLength = -1 // let the body's length vary
		d := encrypt.NewDecrypter(kr)
		d.Policy = encrypt.RequireEncryptAllowDecrypt
		size := int64(len(body))
		switch mode % 4 {
		case 1:
			size = -1
		case 2:
			d.MaxBuffer, d.SpoolDir = -1, dir
		case 3:
			d.DelayedAuthentication = true
		}
		r, err := d.NewReader(context.Background(), &env, bytes.NewReader(body), size, nil)
		var got []byte
		if err == nil {
			var buf bytes.Buffer
			_, err = buf.ReadFrom(r)
			got = buf.Bytes()
			r.Close()
		}
		if err == nil {
			if !bytes.Equal(body, o.ct) || string(got) != "attack at dawn" {
				t.Fatalf("forged: %x decrypted to %q", body, got)
			}
			return
		}
		if !isTyped(err) || len(got) != 0 {
			t.Fatalf("%d bytes released, error %v", len(got), err)
		}
	})
}
