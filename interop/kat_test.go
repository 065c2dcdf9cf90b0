package interop_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/interop"
)

type katVector struct {
	Comment       string `json:"comment"`
	DataKey       string `json:"data_key"`
	MessageID     string `json:"message_id"`
	EncryptionKey string `json:"encryption_key"`
	CommitmentKey string `json:"commitment_key"`
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeyDerivationKAT runs the official client's known-answer vectors for
// the key derivation of suite 0x0073 (testdata/kdf-kat.json) through both
// implementations, from outside: an object is built by hand from a vector,
// its content sealed with the vector's derived encryption key (content IV
// twelve 0x01 bytes, additional data 0x00 0x73) and its envelope holding
// the vector's message ID and commitment, and the data key wrapped with
// AES/GCM. s3vet and the official client both decrypt it, which they can
// only do if they derive the vector's key and commitment from its data key
// and message ID; with the commitment or the message ID altered, both
// refuse it.
func TestKeyDerivationKAT(t *testing.T) {
	b, err := os.ReadFile("testdata/kdf-kat.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []katVector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) != 2 {
		t.Fatalf("%d vectors", len(f.Vectors))
	}
	e := newEnv(t)
	ctx := context.Background()
	ours, err := encrypt.NewAESKeyring(e.aesKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	dec := encrypt.NewDecrypter(ours)
	official := e.officialClient(t, interop.NewAESCMM(e.aesKey, nil), commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
	want := []byte("known answer, s3vet and the official client")
	for i, v := range f.Vectors {
		t.Run(v.Comment, func(t *testing.T) {
			dk, id, ek, ck := unhex(t, v.DataKey), unhex(t, v.MessageID), unhex(t, v.EncryptionKey), unhex(t, v.CommitmentKey)
			content := gcmSeal(t, ek, []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, want, []byte{0x00, 0x73})
			meta := map[string]string{
				"x-amz-c":                          "115",
				"x-amz-3":                          base64.StdEncoding.EncodeToString(wrapAES(t, e.aesKey, dk)),
				"x-amz-w":                          "02",
				"x-amz-m":                          "{}",
				"x-amz-d":                          base64.StdEncoding.EncodeToString(ck),
				"x-amz-i":                          base64.StdEncoding.EncodeToString(id),
				"x-amz-unencrypted-content-length": strconv.Itoa(len(want)),
			}
			key := "kat/" + strconv.Itoa(i)
			e.putRaw(t, key, content, meta)
			get := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}

			out, err := dec.GetObject(ctx, e.s3, get, nil)
			if err != nil {
				t.Fatalf("s3vet: %v", err)
			}
			sameBytes(t, readAll(t, out.Body), want)
			oout, err := official.GetObject(ctx, get)
			if err != nil {
				t.Fatalf("official: %v", err)
			}
			sameBytes(t, readAll(t, oout.Body), want)

			// One bit of the commitment, then of the message ID.
			for _, k := range []string{"x-amz-d", "x-amz-i"} {
				bad := map[string]string{}
				for k2, v2 := range meta {
					bad[k2] = v2
				}
				raw, _ := base64.StdEncoding.DecodeString(meta[k])
				raw[len(raw)-1] ^= 1
				bad[k] = base64.StdEncoding.EncodeToString(raw)
				e.putRaw(t, key, content, bad)
				if _, err := dec.GetObject(ctx, e.s3, get, nil); !errors.Is(err, encrypt.ErrKeyCommitment) {
					t.Errorf("s3vet, %s altered: %v, want ErrKeyCommitment", k, err)
				}
				if out, err := official.GetObject(ctx, get); err == nil {
					out.Body.Close()
					t.Errorf("official, %s altered: no error", k)
				}
			}
			e.remove(t, key)
		})
	}
}

func gcmSeal(t *testing.T, key, nonce, pt, aad []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		t.Fatal(err)
	}
	return g.Seal(nil, nonce, pt, aad)
}

// wrapAES wraps a data key as the AES/GCM keyring does: IV, then the
// sealed key with "AES/GCM/NoPadding" as additional data.
func wrapAES(t *testing.T, kek, dk []byte) []byte {
	iv := make([]byte, 12)
	rand.Read(iv)
	return append(iv, gcmSeal(t, kek, iv, dk, []byte("AES/GCM/NoPadding"))...)
}
