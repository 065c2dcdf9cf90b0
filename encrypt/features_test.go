package encrypt_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"errors"
	"io"
	mrand "math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

func TestRanges(t *testing.T) {
	ctx := context.Background()
	r := mrand.New(mrand.NewPCG(5, 6))
	for _, kr := range keyrings(t)[:2] {
		for _, policy := range []encrypt.CommitmentPolicy{encrypt.RequireEncryptRequireDecrypt, encrypt.ForbidEncryptAllowDecrypt} {
			enc := encrypt.NewEncrypter(kr.k)
			enc.Policy = policy
			pt := randBytes(3*chunk + 77)
			ct, env := encryptBytes(t, enc, pt, kr.ec)
			d := encrypt.NewDecrypter(kr.k)
			d.Policy = encrypt.RequireEncryptAllowDecrypt
			if _, err := d.NewRangeReader(ctx, env, bytes.NewReader(ct), 0, 10, int64(len(ct)), nil); !errors.Is(err, encrypt.ErrUnauthenticatedRange) {
				t.Fatalf("range without opt-in: %v", err)
			}
			d.UnauthenticatedRanges = true
			for range 200 {
				first := r.Int64N(int64(len(pt)))
				last := first + r.Int64N(int64(len(pt))-first+40) // sometimes past the end
				if r.IntN(10) == 0 {
					last = -1
				}
				rng := encrypt.CiphertextRange(first, last)
				a, b := parseTestRange(rng, len(ct))
				size := int64(len(ct))
				if r.IntN(2) == 0 {
					size = -1 // rely on the envelope's length
				}
				rr, err := d.NewRangeReader(ctx, env, bytes.NewReader(ct[a:b+1]), first, last, size, kr.ec)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rr)
				if err != nil {
					t.Fatalf("%d-%d: %v", first, last, err)
				}
				end := int64(len(pt))
				if last >= 0 && last < end {
					end = last + 1
				}
				if !bytes.Equal(got, pt[first:end]) {
					t.Fatalf("%d-%d (%s): wrong plaintext", first, last, rng)
				}
			}
		}
	}
	if got := encrypt.CiphertextRange(17, 20); got != "bytes=16-31" {
		t.Errorf("CiphertextRange(17, 20) = %s", got)
	}
}

func parseTestRange(h string, n int) (int, int) {
	var a, b int
	spec := h[len("bytes="):]
	i := bytes.IndexByte([]byte(spec), '-')
	a, _ = strconv.Atoi(spec[:i])
	if spec[i+1:] == "" {
		b = n - 1
	} else {
		b, _ = strconv.Atoi(spec[i+1:])
	}
	return a, min(b, n-1)
}

// TestMultipart seals parts in parallel and out of order, and checks that
// the object decrypts.
func TestMultipart(t *testing.T) {
	ctx := context.Background()
	for _, kr := range keyrings(t)[:2] {
		for _, n := range []int{0, 1, 16*1024*3 - 1, 16 * 1024 * 3, 16*1024*7 + 5, 1<<20 + 3} {
			enc := encrypt.NewEncrypter(kr.k)
			const partSize = 16 * 1024 * 3 // not a multiple of the chunk size
			mu, err := enc.NewMultipartUpload(ctx, partSize, kr.ec)
			if err != nil {
				t.Fatal(err)
			}
			pt := randBytes(n)
			parts := max((n+partSize-1)/partSize, 1)
			cts := make([][]byte, parts)
			var wg sync.WaitGroup
			errs := make(chan error, parts)
			for i := parts - 2; i >= 0; i-- {
				wg.Add(1)
				go func() {
					defer wg.Done()
					p := bytes.Clone(pt[i*partSize : (i+1)*partSize])
					c, err := mu.SealPart(p[:0], int32(i+1), p) // in place
					errs <- err
					cts[i] = c
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			lastPT := pt[(parts-1)*partSize:]
			c, err := mu.SealLastPart(nil, int32(parts), lastPT)
			if err != nil {
				t.Fatal(err)
			}
			cts[parts-1] = c
			if len(c) != len(lastPT)+16 {
				t.Fatalf("last part %d bytes", len(c))
			}
			ct := bytes.Join(cts, nil)
			env, err := encrypt.ParseEnvelope(mu.Envelope().Metadata(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decryptBytes(encrypt.NewDecrypter(kr.k), env, ct, kr.ec)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("n=%d: %v", n, err)
			}

			if parts > 1 {
				// A retry with the same plaintext gives the same part; with
				// other plaintext, nothing.
				again, err := mu.SealPart(nil, 1, pt[:partSize])
				if err != nil || !bytes.Equal(again, cts[0]) {
					t.Fatalf("retry: %v", err)
				}
				other := bytes.Clone(pt[:partSize])
				other[5] ^= 1
				if c, err := mu.SealPart(nil, 1, other); !errors.Is(err, encrypt.ErrPartChanged) || c != nil {
					t.Fatalf("changed part: %v", err)
				}
				if _, err := mu.SealPart(nil, int32(parts+1), pt[:partSize]); err == nil {
					t.Fatal("part after the last accepted")
				}
			}
		}
	}
	enc := encrypt.NewEncrypter(keyrings(t)[1].k)
	mu, _ := enc.NewMultipartUpload(ctx, 32, nil)
	mu.SealPart(nil, 1, make([]byte, 32))
	if _, err := mu.SealLastPart(nil, 3, nil); err == nil {
		t.Fatal("last part with part 2 missing accepted")
	}
	if _, err := mu.SealPart(nil, 2, make([]byte, 31)); err == nil {
		t.Fatal("short part accepted")
	}
	if _, err := enc.NewMultipartUpload(ctx, 33, nil); err == nil {
		t.Fatal("part size 33 accepted")
	}
}

// TestReaderSeek rewinds the encrypting Reader as the SDK does to sign and
// retry a body.
func TestReaderSeek(t *testing.T) {
	ctx := context.Background()
	enc := encrypt.NewEncrypter(keyrings(t)[1].k)
	pt := randBytes(2*chunk + 9)
	src := bytes.NewReader(pt)
	r, err := enc.NewReader(ctx, src, int64(len(pt)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := r.Seek(0, io.SeekEnd); err != nil || n != int64(len(pt))+16 {
		t.Fatalf("SeekEnd: %d %v", n, err)
	}
	if n, err := r.Seek(0, io.SeekStart); err != nil || n != 0 {
		t.Fatalf("SeekStart: %d %v", n, err)
	}
	first, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Seek(chunk+3, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	tail, _ := io.ReadAll(r)
	if !bytes.Equal(tail, first[chunk+3:]) {
		t.Fatal("read after Seek differs")
	}
	// The source changes under the Reader: refused.
	pt[10] ^= 1
	r.Seek(0, io.SeekStart)
	if _, err := io.ReadAll(r); !errors.Is(err, encrypt.ErrPartChanged) {
		t.Fatalf("changed source: %v", err)
	}
	// Not seekable without a seekable source.
	r2, _ := enc.NewReader(ctx, io.MultiReader(bytes.NewReader(pt)), -1, nil)
	if _, err := r2.Seek(0, io.SeekStart); err != nil {
		t.Fatal("Seek to the current offset failed")
	}
	io.CopyN(io.Discard, r2, 5)
	if _, err := r2.Seek(0, io.SeekStart); err == nil {
		t.Fatal("Seek without a seekable source")
	}
}

// TestLegacy builds an object as the V1 clients of the AWS SDKs wrote it:
// AES/CBC content, data key wrapped by KMS with the "kms" algorithm.
func TestLegacy(t *testing.T) {
	ctx := context.Background()
	f := newFakeKMS(testKeyID)
	ec := map[string]string{"kms_cmk_id": testKeyID}
	dk, err := f.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(testKeyID), KeySpec: "AES_256", EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	pt := randBytes(2*chunk + 3)
	iv := randBytes(16)
	pad := 16 - len(pt)%16
	padded := append(bytes.Clone(pt), bytes.Repeat([]byte{byte(pad)}, pad)...)
	b, _ := aes.NewCipher(dk.Plaintext)
	ct := make([]byte, len(padded))
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(ct, padded)
	meta := map[string]string{
		"X-Amz-Key-V2":                     base64.StdEncoding.EncodeToString(dk.CiphertextBlob),
		"X-Amz-Iv":                         base64.StdEncoding.EncodeToString(iv),
		"X-Amz-Matdesc":                    jsonString(ec),
		"X-Amz-Wrap-Alg":                   "kms",
		"X-Amz-Cek-Alg":                    "AES/CBC/PKCS5Padding",
		"X-Amz-Unencrypted-Content-Length": strconv.Itoa(len(pt)),
	}
	env, err := encrypt.ParseEnvelope(meta, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := encrypt.NewDecrypter(encrypt.NewKMSKeyring(f, testKeyID))
	if _, err := decryptBytes(d, env, ct, nil); !errors.Is(err, encrypt.ErrPolicy) {
		t.Fatalf("default policy: %v", err)
	}
	d.Policy = encrypt.RequireEncryptAllowDecrypt
	if _, err := decryptBytes(d, env, ct, nil); !errors.Is(err, encrypt.ErrLegacy) {
		t.Fatalf("no opt-in: %v", err)
	}
	d.LegacyContent = true
	if _, err := decryptBytes(d, env, ct, nil); !errors.Is(err, encrypt.ErrLegacy) {
		t.Fatalf("no wrapping opt-in: %v", err)
	}
	d.LegacyWrapping = true
	got, err := decryptBytes(d, env, ct, nil)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("legacy: %v", err)
	}
	bad := bytes.Clone(ct)
	bad[len(bad)-1] ^= 0x5a
	if _, err := decryptBytes(d, env, bad, nil); !errors.Is(err, encrypt.ErrAuthentication) {
		t.Fatalf("bad padding: %v", err)
	}
	if _, err := decryptBytes(d, env, ct[:len(ct)-3], nil); !errors.Is(err, encrypt.ErrAuthentication) {
		t.Fatalf("partial block: %v", err)
	}
}

// TestSDK runs PutObject and GetObject against an in-memory S3, with the
// envelope in metadata and in an instruction file, whole and ranged.
func TestSDK(t *testing.T) {
	ctx := context.Background()
	kr := keyrings(t)[0]
	s3c := newFakeS3()
	for _, instr := range []bool{false, true} {
		enc := encrypt.NewEncrypter(kr.k)
		enc.InstructionFile = instr
		pt := randBytes(chunk + 1000)
		key := "doc-" + strconv.FormatBool(instr)
		_, err := enc.PutObject(ctx, s3c, &s3.PutObjectInput{
			Bucket: aws.String("b"), Key: aws.String(key),
			Body: bytes.NewReader(pt), ContentLength: aws.Int64(int64(len(pt))),
			Metadata: map[string]string{"owner": "maria"},
		}, kr.ec)
		if err != nil {
			t.Fatal(err)
		}
		stored := s3c.objects["b/"+key]
		if _, ok := s3c.objects["b/"+key+".instruction"]; ok != instr {
			t.Fatalf("instruction file present: %v", ok)
		}
		if stored.meta["owner"] != "maria" || len(stored.body) != len(pt)+16 {
			t.Fatalf("stored %v, %d bytes", stored.meta, len(stored.body))
		}
		d := encrypt.NewDecrypter(kr.k)
		out, err := d.GetObject(ctx, s3c, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String(key)}, kr.ec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, pt) || aws.ToInt64(out.ContentLength) != int64(len(pt)) {
			t.Fatalf("GetObject: %v", err)
		}

		in := &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String(key), Range: aws.String("bytes=100-199")}
		if _, err := d.GetObject(ctx, s3c, in, nil); !errors.Is(err, encrypt.ErrUnauthenticatedRange) {
			t.Fatalf("range without opt-in: %v", err)
		}
		d.UnauthenticatedRanges = true
		out, err = d.GetObject(ctx, s3c, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ = io.ReadAll(out.Body)
		if !bytes.Equal(got, pt[100:200]) || aws.ToString(out.ContentRange) != "bytes 100-199/"+strconv.Itoa(len(pt)) {
			t.Fatalf("range: %q", aws.ToString(out.ContentRange))
		}
	}
	// Unknown length, unseekable body.
	enc := encrypt.NewEncrypter(kr.k)
	if _, err := enc.PutObject(ctx, s3c, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("stream"),
		Body: io.MultiReader(bytes.NewReader([]byte("streamed")))}, nil); err != nil {
		t.Fatal(err)
	}
	out, err := encrypt.NewDecrypter(kr.k).GetObject(ctx, s3c, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("stream")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(out.Body); string(got) != "streamed" {
		t.Fatalf("got %q", got)
	}
	if _, err := enc.PutObject(ctx, s3c, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("x"),
		Metadata: map[string]string{"x-amz-iv": "x"}}, nil); err == nil {
		t.Fatal("reserved metadata accepted")
	}
	if _, err := enc.PutObject(ctx, s3c, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("x"),
		ContentMD5: aws.String("x")}, nil); err == nil {
		t.Fatal("plaintext MD5 accepted")
	}
	if _, err := encrypt.NewDecrypter(kr.k).GetObject(ctx, s3c, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("plain")}, nil); err == nil {
		t.Fatal("missing object")
	}
	s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("plain"), Body: bytes.NewReader([]byte("x"))})
	if _, err := encrypt.NewDecrypter(kr.k).GetObject(ctx, s3c, &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("plain")}, nil); !errors.Is(err, encrypt.ErrInstructionFile) {
		t.Fatalf("unencrypted object: %v", err)
	}
}
