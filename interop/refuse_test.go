package interop_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/amazon-s3-encryption-client-go/v4/client"
	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/amazon-s3-encryption-client-go/v4/materials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

// The two implementations refuse the same objects: a V2 object under the
// policy that requires key commitment, a reader without kms:Decrypt, an
// altered ciphertext, another encryption context. Each object is written by one side and refused by
// the other.
func TestBothRefuse(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	kr := keyrings[0] // KMS, the one with an encryption context
	want := plaintext(1000, 1)
	get := func(key string) *s3.GetObjectInput {
		return &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	}
	// The official client must not be given ContentLength
	// (TestOfficialPutObjectContentLength).
	put := func(key string) *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(want), ContentLength: aws.Int64(int64(len(want)))}
	}
	officialPut := func(key string) *s3.PutObjectInput {
		return &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(want)}
	}
	officialFails := func(t *testing.T, p commitment.CommitmentPolicy, key string, ec map[string]string, what string) {
		t.Helper()
		// v4.0.0 decrypts on the first Read of the body: the error may
		// come from GetObject or from reading.
		out, err := e.officialClient(t, kr.official(e), p).GetObject(withContext(ctx, ec), get(key))
		if err == nil {
			_, err = io.ReadAll(out.Body)
			out.Body.Close()
		}
		if err == nil {
			t.Fatalf("official client read %s", what)
		}
		t.Logf("official, %s: %v", what, err)
	}
	oursFails := func(t *testing.T, p encrypt.CommitmentPolicy, key string, ec map[string]string, target error, what string) {
		t.Helper()
		dec := encrypt.NewDecrypter(kr.ours(e))
		dec.Policy = p
		out, err := dec.GetObject(ctx, e.s3, get(key), ec)
		if err == nil {
			_, err = io.ReadAll(out.Body)
			out.Body.Close()
		}
		if !errors.Is(err, target) {
			t.Fatalf("s3vet, %s: %v, want %v", what, err, target)
		}
	}

	t.Run("V2 under RequireEncryptRequireDecrypt", func(t *testing.T) {
		enc := encrypt.NewEncrypter(kr.ours(e))
		enc.Policy = encrypt.ForbidEncryptAllowDecrypt
		if _, err := enc.PutObject(ctx, e.s3, put("v2/s3vet"), kr.ec); err != nil {
			t.Fatal(err)
		}
		officialFails(t, commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, "v2/s3vet", kr.ec, "a V2 object under REQUIRE_ENCRYPT_REQUIRE_DECRYPT")
		official := e.officialClient(t, kr.official(e), commitment.FORBID_ENCRYPT_ALLOW_DECRYPT)
		if _, err := official.PutObject(withContext(ctx, kr.ec), officialPut("v2/official")); err != nil {
			t.Fatal(err)
		}
		oursFails(t, encrypt.RequireEncryptRequireDecrypt, "v2/official", kr.ec, encrypt.ErrPolicy, "a V2 object under the default policy")
	})

	t.Run("altered ciphertext", func(t *testing.T) {
		for _, f := range formats {
			enc := encrypt.NewEncrypter(kr.ours(e))
			enc.Policy = f.ours
			key := "tamper/s3vet/" + f.name
			if _, err := enc.PutObject(ctx, e.s3, put(key), kr.ec); err != nil {
				t.Fatal(err)
			}
			flip(t, e, key, 500)
			officialFails(t, f.official, key, kr.ec, f.name+" with one content bit flipped")

			key = "tamper/official/" + f.name
			if _, err := e.officialClient(t, kr.official(e), f.official).PutObject(withContext(ctx, kr.ec), officialPut(key)); err != nil {
				t.Fatal(err)
			}
			flip(t, e, key, 500)
			oursFails(t, f.ours, key, kr.ec, encrypt.ErrAuthentication, f.name+" with one content bit flipped")
			flip(t, e, key, 500)
			flip(t, e, key, int64(len(want))+3) // the tag
			oursFails(t, f.ours, key, kr.ec, encrypt.ErrAuthentication, f.name+" with one tag bit flipped")
		}
	})

	t.Run("no kms:Decrypt", func(t *testing.T) {
		// A principal whose policies allow kms:GenerateDataKey but not
		// kms:Decrypt: the simulator's KMS refuses both clients' Decrypt.
		s3c := e.srv.Client(e.noDecrypt)
		kc := kms.NewFromConfig(e.srv.Config(e.noDecrypt))
		for _, f := range formats {
			enc := encrypt.NewEncrypter(kr.ours(e))
			enc.Policy = f.ours
			key := "nodecrypt/" + f.name
			if _, err := enc.PutObject(ctx, e.s3, put(key), kr.ec); err != nil {
				t.Fatal(err)
			}
			cmm, err := materials.NewCryptographicMaterialsManager(materials.NewKmsKeyring(kc, keyARN))
			if err != nil {
				t.Fatal(err)
			}
			official, err := client.New(s3c, cmm, func(o *client.EncryptionClientOptions) { o.CommitmentPolicy = f.official })
			if err != nil {
				t.Fatal(err)
			}
			if out, err := official.GetObject(withContext(ctx, kr.ec), get(key)); err == nil {
				out.Body.Close()
				t.Fatalf("official client read %s without kms:Decrypt", f.name)
			} else if !strings.Contains(err.Error(), "kms:Decrypt") {
				t.Fatalf("official, %s: %v", f.name, err)
			}
			dec := encrypt.NewDecrypter(encrypt.NewKMSKeyring(kc, keyARN))
			dec.Policy = f.ours
			if out, err := dec.GetObject(ctx, s3c, get(key), kr.ec); err == nil {
				out.Body.Close()
				t.Fatalf("s3vet read %s without kms:Decrypt", f.name)
			} else if !strings.Contains(err.Error(), "kms:Decrypt") {
				t.Fatalf("s3vet, %s: %v", f.name, err)
			}
		}
	})

	t.Run("other encryption context", func(t *testing.T) {
		other := map[string]string{"tenant": "b", "ünï": "cødé"}
		for _, f := range formats {
			enc := encrypt.NewEncrypter(kr.ours(e))
			enc.Policy = f.ours
			key := "ec/s3vet/" + f.name
			if _, err := enc.PutObject(ctx, e.s3, put(key), kr.ec); err != nil {
				t.Fatal(err)
			}
			officialFails(t, f.official, key, other, f.name+" read with another encryption context")
			key = "ec/official/" + f.name
			if _, err := e.officialClient(t, kr.official(e), f.official).PutObject(withContext(ctx, kr.ec), officialPut(key)); err != nil {
				t.Fatal(err)
			}
			oursFails(t, f.ours, key, other, encrypt.ErrContextMismatch, f.name+" read with another encryption context")
		}
	})
}

// flip flips one bit of an object's stored content at offset i, keeping
// its metadata.
func flip(t *testing.T, e *env, key string, i int64) {
	t.Helper()
	body, meta := e.getRaw(t, key)
	body[i] ^= 0x10
	e.putRaw(t, key, body, meta)
}

// TestOfficialReadsInstructionFilesFromEnvironment records what v4.0.0
// lacks: it fetches an instruction file not with the S3 client it wraps but
// with one built from the environment (client/decrypt_middleware.go line
// 128, internal/strategy.go lines 267-272). With the environment pointing
// elsewhere, the object s3vet wrote to the simulator cannot be read,
// although the wrapped client reaches it, and the instruction file request
// goes to the environment's endpoint.
func TestOfficialReadsInstructionFilesFromEnvironment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var mu sync.Mutex
	var seen []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusForbidden)
	}))
	defer elsewhere.Close()
	setAWSEnv(t, elsewhere.URL, "AKIAELSEWHERE0000000", "elsewhere")

	kr := keyrings[1]
	enc := encrypt.NewEncrypter(kr.ours(e))
	enc.InstructionFile = true
	want := []byte("in an instruction file")
	if _, err := enc.PutObject(ctx, e.s3, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("if"),
		Body: bytes.NewReader(want), ContentLength: aws.Int64(int64(len(want)))}, nil); err != nil {
		t.Fatal(err)
	}
	official := e.officialClient(t, kr.official(e), commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
	if out, err := official.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("if")}); err == nil {
		out.Body.Close()
		t.Fatal("the official client read the instruction file through the client it wraps: update README.md")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0] != "GET /interop/if.instruction" {
		t.Fatalf("requests to the environment's endpoint: %q", seen)
	}
	// s3vet reads it through the client it is given.
	dec := encrypt.NewDecrypter(kr.ours(e))
	out, err := dec.GetObject(ctx, e.s3, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("if")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, readAll(t, out.Body), want)
}
