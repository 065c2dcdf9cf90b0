package encrypt_test

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
)

// fakeKMS is an in-memory KMS: each key is an AES-256 key; a data key is
// wrapped with AES-GCM under it, bound to the key ID and the encryption
// context (as KMS binds them), so that Decrypt fails for another key or
// another context.
type fakeKMS struct {
	mu   sync.Mutex
	keys map[string]cipher.AEAD
}

func newFakeKMS(ids ...string) *fakeKMS {
	f := &fakeKMS{keys: map[string]cipher.AEAD{}}
	for _, id := range ids {
		k := make([]byte, 32)
		rand.Read(k)
		b, _ := aes.NewCipher(k)
		f.keys[id], _ = cipher.NewGCM(b)
	}
	return f
}

var _ encrypt.KMSClient = (*fakeKMS)(nil)

var errInvalidCiphertext = errors.New("InvalidCiphertextException")

func contextAAD(id string, ec map[string]string) []byte {
	keys := slicesSorted(ec)
	var b strings.Builder
	b.WriteString(id)
	for _, k := range keys {
		fmt.Fprintf(&b, "\x00%q=%q", k, ec[k])
	}
	return []byte(b.String())
}

func slicesSorted(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (f *fakeKMS) GenerateDataKey(_ context.Context, in *kms.GenerateDataKeyInput, _ ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error) {
	id := aws.ToString(in.KeyId)
	f.mu.Lock()
	k, ok := f.keys[id]
	f.mu.Unlock()
	if !ok {
		return nil, errors.New("NotFoundException: " + id)
	}
	if in.KeySpec != "AES_256" {
		return nil, errors.New("ValidationException: KeySpec")
	}
	pt := make([]byte, 32)
	rand.Read(pt)
	nonce := make([]byte, 12)
	rand.Read(nonce)
	blob := append([]byte(id+"|"), nonce...)
	blob = k.Seal(blob, nonce, pt, contextAAD(id, in.EncryptionContext))
	return &kms.GenerateDataKeyOutput{KeyId: aws.String(id), Plaintext: pt, CiphertextBlob: blob}, nil
}

func (f *fakeKMS) Decrypt(_ context.Context, in *kms.DecryptInput, _ ...func(*kms.Options)) (*kms.DecryptOutput, error) {
	id, rest, ok := bytes.Cut(in.CiphertextBlob, []byte("|"))
	if !ok || len(rest) < 12 {
		return nil, errInvalidCiphertext
	}
	if in.KeyId != nil && *in.KeyId != string(id) {
		return nil, errors.New("IncorrectKeyException")
	}
	f.mu.Lock()
	k, ok := f.keys[string(id)]
	f.mu.Unlock()
	if !ok {
		return nil, errInvalidCiphertext
	}
	pt, err := k.Open(nil, rest[:12], rest[12:], contextAAD(string(id), in.EncryptionContext))
	if err != nil {
		return nil, errInvalidCiphertext
	}
	return &kms.DecryptOutput{KeyId: aws.String(string(id)), Plaintext: pt}, nil
}

const testKeyID = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

var (
	rsaOnce sync.Once
	rsaKey  *rsa.PrivateKey
)

func testRSAKey(t testing.TB) *rsa.PrivateKey {
	rsaOnce.Do(func() {
		var err error
		rsaKey, err = rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
	})
	return rsaKey
}

// keyrings returns one keyring of each kind, and the encryption context
// each takes.
func keyrings(t testing.TB) []struct {
	name string
	k    encrypt.Keyring
	ec   map[string]string
} {
	aesKey := make([]byte, 32)
	rand.Read(aesKey)
	ak, err := encrypt.NewAESKeyring(aesKey, map[string]string{"purpose": "test"})
	if err != nil {
		t.Fatal(err)
	}
	rk, err := encrypt.NewRSAKeyring(testRSAKey(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name string
		k    encrypt.Keyring
		ec   map[string]string
	}{
		{"kms", encrypt.NewKMSKeyring(newFakeKMS(testKeyID), testKeyID), map[string]string{"tenant": "a", "ünï": "cødé"}},
		{"aes", ak, nil},
		{"rsa", rk, nil},
	}
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// encryptBytes encrypts pt with a Writer and returns the ciphertext and
// the envelope.
func encryptBytes(t testing.TB, e *encrypt.Encrypter, pt []byte, ec map[string]string) ([]byte, *encrypt.Envelope) {
	t.Helper()
	var buf bytes.Buffer
	w, err := e.NewWriter(context.Background(), &buf, int64(len(pt)), ec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), w.Envelope()
}

// decryptBytes decrypts ct and returns the plaintext and the number of
// bytes Read returned before the error, if any.
func decryptBytes(d *encrypt.Decrypter, env *encrypt.Envelope, ct []byte, ec map[string]string) ([]byte, error) {
	r, err := d.NewReader(context.Background(), env, bytes.NewReader(ct), int64(len(ct)), ec)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// fakeS3 stores objects in memory with their user metadata, as S3 does:
// keys lower-cased, Range and Content-Range honored.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]fakeObject
}

type fakeObject struct {
	body []byte
	meta map[string]string
}

func newFakeS3() *fakeS3 { return &fakeS3{objects: map[string]fakeObject{}} }

func (f *fakeS3) PutObject(_ context.Context, in *s3.PutObjectInput, _ ...func(*s3.Options)) (*s3.PutObjectOutput, error) {
	b, err := io.ReadAll(in.Body)
	if err != nil {
		return nil, err
	}
	if in.ContentLength != nil && *in.ContentLength != int64(len(b)) {
		return nil, fmt.Errorf("IncompleteBody: %d bytes, Content-Length %d", len(b), *in.ContentLength)
	}
	meta := map[string]string{}
	for k, v := range in.Metadata {
		meta[strings.ToLower(k)] = v
	}
	f.mu.Lock()
	f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)] = fakeObject{b, meta}
	f.mu.Unlock()
	return &s3.PutObjectOutput{}, nil
}

func (f *fakeS3) GetObject(_ context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	o, ok := f.objects[aws.ToString(in.Bucket)+"/"+aws.ToString(in.Key)]
	f.mu.Unlock()
	if !ok {
		return nil, errors.New("NoSuchKey")
	}
	out := &s3.GetObjectOutput{Metadata: maps.Clone(o.meta)}
	body := o.body
	if in.Range != nil {
		spec := strings.TrimPrefix(*in.Range, "bytes=")
		a, b, _ := strings.Cut(spec, "-")
		first, _ := strconv.ParseInt(a, 10, 64)
		last := int64(len(body)) - 1
		if b != "" {
			last, _ = strconv.ParseInt(b, 10, 64)
			last = min(last, int64(len(body))-1)
		}
		if first >= int64(len(body)) {
			return nil, errors.New("InvalidRange")
		}
		out.ContentRange = aws.String(fmt.Sprintf("bytes %d-%d/%d", first, last, len(body)))
		body = body[first : last+1]
	}
	out.Body = io.NopCloser(bytes.NewReader(body))
	out.ContentLength = aws.Int64(int64(len(body)))
	return out, nil
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
