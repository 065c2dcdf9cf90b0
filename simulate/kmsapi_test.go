package simulate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/simulate"
)

const (
	kmsAccount = "777777777777"
	appKey     = "arn:aws:kms:us-east-1:777777777777:key/0b1c2d3e-aaaa-bbbb-cccc-111122223333"
	backupKey  = "arn:aws:kms:us-east-1:777777777777:key/backup-key"
)

// kmsWorld has two keys: one with KMS's default key policy (the account's
// IAM policies decide) and one whose key policy allows only data keys for
// the encryption context purpose=backup.
func kmsWorld(t *testing.T) (*simulate.Server, map[string]*kms.Client) {
	t.Helper()
	w := &simulate.World{}
	a := w.AddAccount(kmsAccount)
	a.KMSKeys = []simulate.KMSKey{
		{ID: "0b1c2d3e-aaaa-bbbb-cccc-111122223333", Alias: "alias/app"},
		{ID: "backup-key", Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[{
			"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777777777777:user/app"},
			"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*",
			"Condition":{"StringEquals":{"kms:EncryptionContext:purpose":"backup"}}}]}`)},
	}
	app := a.AddUser("app", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Decrypt","kms:Encrypt"],"Resource":"*"},
		{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::cse/*"}]}`)
	writeOnly := a.AddUser("writeonly", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"kms:GenerateDataKey","Resource":"*"},
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::cse/*"}]}`)
	a.AddBucket("cse")
	other := w.AddAccount("666666666666").AddUser("outsider", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`)
	srv := simulate.NewTestServer(t, w)
	clients := map[string]*kms.Client{}
	for name, u := range map[string]*simulate.User{"app": app, "writeonly": writeOnly, "outsider": other} {
		clients[name] = kms.NewFromConfig(srv.Config(u.ARN()))
	}
	return srv, clients
}

func kmsErrorCode(t *testing.T, err error) (string, string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an API error", err)
	}
	return ae.ErrorCode(), ae.ErrorMessage()
}

// The KMS API through the SDK's own kms client: data keys are bound to
// their key and encryption context, and every call is authorized by the
// key policy and the caller's policies (KMS API Reference,
// "GenerateDataKey" and "Decrypt"; KMS Developer Guide, "Key policies in
// AWS KMS" and "kms:EncryptionContext:context-key").
func TestKMSAPI(t *testing.T) {
	srv, c := kmsWorld(t)
	ctx := context.Background()
	ec := map[string]string{"purpose": "backup", "app": "billing"}

	dk, err := c["app"].GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String("alias/app"), KeySpec: kmstypes.DataKeySpecAes256, EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	if len(dk.Plaintext) != 32 || aws.ToString(dk.KeyId) != appKey || len(dk.CiphertextBlob) == 0 {
		t.Fatalf("GenerateDataKey: %d-byte key, KeyId %q", len(dk.Plaintext), aws.ToString(dk.KeyId))
	}
	out, err := c["app"].Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Plaintext, dk.Plaintext) || aws.ToString(out.KeyId) != appKey {
		t.Fatalf("Decrypt gave another key (KeyId %q)", aws.ToString(out.KeyId))
	}

	tests := []struct {
		name, who string
		call      func(*kms.Client) error
		code, msg string
	}{
		{"another encryption context", "app", func(k *kms.Client) error {
			_, err := k.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: map[string]string{"purpose": "backup"}})
			return err
		}, "InvalidCiphertextException", ""},
		{"a flipped byte", "app", func(k *kms.Client) error {
			blob := bytes.Clone(dk.CiphertextBlob)
			blob[len(blob)-1] ^= 1
			_, err := k.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: ec})
			return err
		}, "InvalidCiphertextException", ""},
		{"naming another key", "app", func(k *kms.Client) error {
			_, err := k.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec, KeyId: aws.String(backupKey)})
			return err
		}, "IncorrectKeyException", ""},
		{"no kms:Decrypt", "writeonly", func(k *kms.Client) error {
			_, err := k.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec})
			return err
		}, "AccessDeniedException", "is not authorized to perform: kms:Decrypt on resource: \"" + appKey + "\" because no identity-based policy allows the kms:Decrypt action"},
		{"another account, default key policy", "outsider", func(k *kms.Client) error {
			_, err := k.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(appKey), NumberOfBytes: aws.Int32(32)})
			return err
		}, "AccessDeniedException", ""},
		{"key policy condition on the context", "app", func(k *kms.Client) error {
			_, err := k.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(backupKey), KeySpec: kmstypes.DataKeySpecAes256,
				EncryptionContext: map[string]string{"purpose": "logs"}})
			return err
		}, "AccessDeniedException", "because no resource-based policy allows the kms:GenerateDataKey action"},
		{"unknown alias", "app", func(k *kms.Client) error {
			_, err := k.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String("alias/nope"), KeySpec: kmstypes.DataKeySpecAes256})
			return err
		}, "NotFoundException", "alias/nope"},
		{"spec and size", "app", func(k *kms.Client) error {
			_, err := k.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String("alias/app"), KeySpec: kmstypes.DataKeySpecAes256, NumberOfBytes: aws.Int32(16)})
			return err
		}, "ValidationException", "either"},
		{"garbage", "app", func(k *kms.Client) error {
			_, err := k.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: []byte("not a blob")})
			return err
		}, "InvalidCiphertextException", ""},
	}
	for _, tt := range tests {
		err := tt.call(c[tt.who])
		if err == nil {
			t.Errorf("%s: no error, want %s", tt.name, tt.code)
			continue
		}
		code, msg := kmsErrorCode(t, err)
		if code != tt.code || !strings.Contains(msg, tt.msg) {
			t.Errorf("%s: %s %q, want %s %q", tt.name, code, msg, tt.code, tt.msg)
		}
	}

	// The key policy's condition allows the context it names.
	if _, err := c["app"].GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(backupKey), KeySpec: kmstypes.DataKeySpecAes256,
		EncryptionContext: map[string]string{"purpose": "backup"}}); err != nil {
		t.Errorf("GenerateDataKey under the backup key's condition: %v", err)
	}
	var n int
	for _, r := range srv.Requests() {
		if r.Operation == "Decrypt" && r.Principal == "arn:aws:iam::777777777777:user/writeonly" && r.Status == 400 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d records of the refused Decrypt, want 1", n)
	}
}

// encrypt's KMS keyring runs against the simulator's KMS through the SDK's
// kms client, so client-side encryption is tested end to end: a principal
// without kms:Decrypt cannot read what it can download.
func TestKMSKeyringThroughSimulator(t *testing.T) {
	srv, c := kmsWorld(t)
	ctx := context.Background()
	app := srv.Client("arn:aws:iam::777777777777:user/app")
	enc := encrypt.NewEncrypter(encrypt.NewKMSKeyring(c["app"], "alias/app"))
	secret := strings.Repeat("client-side secret ", 1000)
	if _, err := enc.PutObject(ctx, app, &s3.PutObjectInput{Bucket: aws.String("cse"), Key: aws.String("doc"), Body: strings.NewReader(secret)}, nil); err != nil {
		t.Fatal(err)
	}
	out, err := encrypt.NewDecrypter(encrypt.NewKMSKeyring(c["app"], "")).GetObject(ctx, app, &s3.GetObjectInput{Bucket: aws.String("cse"), Key: aws.String("doc")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(out.Body)
	if err != nil || string(got) != secret {
		t.Fatalf("round trip: %d bytes, %v", len(got), err)
	}
	wo := srv.Client("arn:aws:iam::777777777777:user/writeonly")
	_, err = encrypt.NewDecrypter(encrypt.NewKMSKeyring(c["writeonly"], "")).GetObject(ctx, wo, &s3.GetObjectInput{Bucket: aws.String("cse"), Key: aws.String("doc")}, nil)
	if err == nil {
		t.Fatal("a principal without kms:Decrypt decrypted the object")
	}
	if code, _ := kmsErrorCode(t, err); code != "AccessDeniedException" {
		t.Errorf("error %s, want AccessDeniedException", code)
	}
}
