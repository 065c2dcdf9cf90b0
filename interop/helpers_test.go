package interop_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"io"
	mrand "math/rand/v2"
	"strconv"
	"sync"
	"testing"

	"github.com/aws/amazon-s3-encryption-client-go/v4/client"
	"github.com/aws/amazon-s3-encryption-client-go/v4/commitment"
	"github.com/aws/amazon-s3-encryption-client-go/v4/materials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/interop"
	"github.com/s3vet/s3vet/simulate"
)

const (
	account = "111122223333"
	bucket  = "interop"
	keyID   = "1234abcd-12ab-34cd-56ef-1234567890ab"
	keyARN  = "arn:aws:kms:us-east-1:111122223333:key/" + keyID
)

// env is one simulator, with its KMS, and the keys of the three keyrings.
type env struct {
	srv       *simulate.Server
	principal string
	s3        *s3.Client
	kmsClient *kms.Client
	// noDecrypt may use the bucket and kms:GenerateDataKey, not
	// kms:Decrypt.
	noDecrypt string
	// kmsCalls counts the KMS calls the simulator answered with success,
	// by operation.
	mu       sync.Mutex
	kmsCalls map[string]int
	aesKey   []byte
	rsaKey   *rsa.PrivateKey
}

var rsaKey = sync1(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func sync1[T any](f func() T) func() T {
	var v T
	var done bool
	return func() T {
		if !done {
			v, done = f(), true
		}
		return v
	}
}

func newEnv(t testing.TB) *env {
	t.Helper()
	w := &simulate.World{}
	a := w.AddAccount(account)
	a.KMSKeys = []simulate.KMSKey{{ID: keyID, Alias: "alias/interop"}}
	app := a.AddUser("app", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::interop/*"},
		{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"`+keyARN+`"}]}`)
	nd := a.AddUser("nodecrypt", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::interop/*"},
		{"Effect":"Allow","Action":"kms:GenerateDataKey","Resource":"`+keyARN+`"}]}`)
	a.AddBucket(bucket)
	e := &env{kmsCalls: map[string]int{}}
	e.srv = simulate.NewTestServer(t, w, simulate.WithRequestLog(func(r simulate.Record) {
		if r.Status == 200 && (r.Operation == "GenerateDataKey" || r.Operation == "Decrypt") {
			e.mu.Lock()
			e.kmsCalls[r.Operation]++
			e.mu.Unlock()
		}
	}))
	e.principal, e.noDecrypt = app.ARN(), nd.ARN()
	e.s3 = e.srv.Client(app.ARN())
	e.kmsClient = kms.NewFromConfig(e.srv.Config(app.ARN()))
	e.aesKey = make([]byte, 32)
	rand.Read(e.aesKey)
	e.rsaKey = rsaKey()
	return e
}

// takeKMSCalls returns the KMS calls counted so far, and resets the count.
func (e *env) takeKMSCalls() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.kmsCalls
	e.kmsCalls = map[string]int{}
	return c
}

// keyring is one of the three wrappings, on both sides.
type keyring struct {
	name string
	// ec is the encryption context objects are written with (KMS only).
	ec       map[string]string
	ours     func(*env) encrypt.Keyring
	official func(*env) materials.CryptographicMaterialsManager
}

var matDesc = map[string]string{"purpose": "interop", "ünï": "cødé"}

var keyrings = []keyring{
	{
		name: "kms+context",
		ec:   map[string]string{"tenant": "a", "ünï": "cødé"},
		ours: func(e *env) encrypt.Keyring { return encrypt.NewKMSKeyring(e.kmsClient, keyARN) },
		official: func(e *env) materials.CryptographicMaterialsManager {
			cmm, err := materials.NewCryptographicMaterialsManager(materials.NewKmsKeyring(e.kmsClient, keyARN))
			if err != nil {
				panic(err)
			}
			return cmm
		},
	},
	{
		name: "AES-GCM",
		ours: func(e *env) encrypt.Keyring {
			k, err := encrypt.NewAESKeyring(e.aesKey, matDesc)
			if err != nil {
				panic(err)
			}
			return k
		},
		official: func(e *env) materials.CryptographicMaterialsManager { return interop.NewAESCMM(e.aesKey, matDesc) },
	},
	{
		name: "RSA-OAEP-SHA1",
		ours: func(e *env) encrypt.Keyring {
			k, err := encrypt.NewRSAKeyring(e.rsaKey, matDesc)
			if err != nil {
				panic(err)
			}
			return k
		},
		official: func(e *env) materials.CryptographicMaterialsManager { return interop.NewRSACMM(e.rsaKey, matDesc) },
	},
}

// format is a content format and the policies that write it.
type format struct {
	name     string
	ours     encrypt.CommitmentPolicy
	official commitment.CommitmentPolicy
	alg      string // x-amz-cek-alg or x-amz-c
}

var formats = []format{
	{"V2", encrypt.ForbidEncryptAllowDecrypt, commitment.FORBID_ENCRYPT_ALLOW_DECRYPT, encrypt.AlgAESGCM},
	// The strictest policies on both sides: written and read only with
	// key commitment.
	{"V3-committing", encrypt.RequireEncryptRequireDecrypt, commitment.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, encrypt.AlgAESGCMCommitting},
}

var sizes = []int64{0, 1, 15, 16, 17, 1 << 20, 64 << 20}

func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	default:
		return strconv.FormatInt(n, 10) + "B"
	}
}

// plaintext returns n random bytes.
func plaintext(n int64, seed uint64) []byte {
	b := make([]byte, n)
	mrand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 0x5e}).Read(b)
	return b
}

// officialClient returns the official client over e's simulator.
func (e *env) officialClient(t testing.TB, cmm materials.CryptographicMaterialsManager, p commitment.CommitmentPolicy) *client.S3EncryptionClientV4 {
	t.Helper()
	dir := t.TempDir()
	c, err := client.New(e.s3, cmm, func(o *client.EncryptionClientOptions) {
		o.CommitmentPolicy = p
		o.TempFolderPath = dir
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withContext returns ctx carrying ec as the official client takes it.
func withContext(ctx context.Context, ec map[string]string) context.Context {
	if ec == nil {
		return ctx
	}
	//lint:ignore SA1029 the official client reads its context under its own key, a string
	return context.WithValue(ctx, client.EncryptionContext, ec)
}

func (e *env) head(t testing.TB, key string) map[string]string {
	t.Helper()
	out, err := e.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Metadata
}

func (e *env) getRaw(t testing.TB, key string) ([]byte, map[string]string) {
	t.Helper()
	out, err := e.s3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, out.Metadata
}

func (e *env) putRaw(t testing.TB, key string, body []byte, meta map[string]string) {
	t.Helper()
	_, err := e.s3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(body), Metadata: meta,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (e *env) remove(t testing.TB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := e.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)}); err != nil {
			t.Fatal(err)
		}
	}
}

func readAll(t testing.TB, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sameBytes(t testing.TB, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("plaintext differs: got %d bytes, want %d, first difference at byte %d", len(got), len(want), i)
	}
}

// officialInstructionFiles points the client the official one builds to
// read instruction files at the simulator, as e's principal. v4.0.0 reads
// them with a client of its own, made by config.LoadDefaultConfig from the
// environment, not with the client it wraps (client/decrypt_middleware.go
// line 128 builds a DefaultLoadStrategy without a client, and
// internal/strategy.go lines 267-272 then load the default configuration):
// the environment is the only way to aim it.
func (e *env) officialInstructionFiles(t *testing.T) {
	creds, err := e.srv.Config(e.principal).Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	setAWSEnv(t, e.srv.URL, creds.AccessKeyID, creds.SecretAccessKey)
}

func setAWSEnv(t *testing.T, endpoint, id, secret string) {
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL_S3":         endpoint,
		"AWS_ACCESS_KEY_ID":           id,
		"AWS_SECRET_ACCESS_KEY":       secret,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             "/nonexistent",
		"AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
		"AWS_EC2_METADATA_DISABLED":   "true",
	} {
		t.Setenv(k, v)
	}
}
