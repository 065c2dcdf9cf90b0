package encrypt

import (
	"context"
	"errors"
	"maps"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// KMSClient is the part of AWS KMS the KMS keyring calls. The SDK's
// *kms.Client satisfies it, as does any fake with the same two methods.
type KMSClient interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, optFns ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, optFns ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

var _ KMSClient = (*kms.Client)(nil)

// cekContextKey is the encryption context key the kms+context wrapping
// reserves for the content algorithm. kmsCMKKey is the one the legacy
// "kms" wrapping stored the key ID in.
const (
	cekContextKey = "aws:x-amz-cek-alg"
	kmsCMKKey     = "kms_cmk_id"
)

// KMSKeyring has AWS KMS generate and decrypt data keys under one KMS key,
// with the wrapping "kms+context": the object's encryption context, plus
// "aws:x-amz-cek-alg" set to the content algorithm, is bound to the data key
// by KMS and stored with the object.
type KMSKeyring struct {
	client KMSClient
	keyID  string
	// GrantTokens are passed to every call.
	GrantTokens []string
}

// NewKMSKeyring returns a keyring for the KMS key keyID (a key ID, key ARN,
// alias name or alias ARN). With keyID empty it can only unwrap, and lets
// KMS find the key from the wrapped key itself.
func NewKMSKeyring(client KMSClient, keyID string) *KMSKeyring {
	return &KMSKeyring{client: client, keyID: keyID}
}

// NewDataKey implements KeyWrapper: it calls GenerateDataKey (AES_256) with
// the encryption context ec plus "aws:x-amz-cek-alg".
func (k *KMSKeyring) NewDataKey(ctx context.Context, cekAlg string, ec map[string]string) ([]byte, *WrappedKey, error) {
	if k.keyID == "" {
		return nil, nil, errors.New("encrypt: KMS keyring: no key ID to encrypt with")
	}
	if _, ok := ec[cekContextKey]; ok {
		return nil, nil, errors.New("encrypt: KMS keyring: " + cekContextKey + " is reserved in the encryption context")
	}
	c := clone(ec)
	c[cekContextKey] = cekAlg
	out, err := k.client.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId:             &k.keyID,
		KeySpec:           types.DataKeySpecAes256,
		EncryptionContext: c,
		GrantTokens:       k.GrantTokens,
	})
	if err != nil {
		return nil, nil, err
	}
	if len(out.Plaintext) != dataKeySize || len(out.CiphertextBlob) == 0 {
		return nil, nil, errors.New("encrypt: KMS keyring: GenerateDataKey returned no 256-bit key")
	}
	return out.Plaintext, &WrappedKey{Algorithm: WrapKMSContext, Ciphertext: out.CiphertextBlob, Description: c}, nil
}

// UnwrapKey implements KeyUnwrapper: it calls Decrypt with the stored
// encryption context. For kms+context the context must name cekAlg under
// "aws:x-amz-cek-alg". The legacy "kms" wrapping is unwrapped too; the
// Decrypter refuses it unless LegacyWrapping is set.
func (k *KMSKeyring) UnwrapKey(ctx context.Context, cekAlg string, w *WrappedKey) ([]byte, error) {
	switch w.Algorithm {
	case WrapKMSContext:
		if v, ok := w.Description[cekContextKey]; !ok || v != cekAlg {
			return nil, unwrapErr("KMS keyring: the encryption context does not name the content algorithm %q", cekAlg)
		}
	case WrapKMS:
	default:
		return nil, unwrapErr("KMS keyring: wrapping algorithm %q", w.Algorithm)
	}
	in := &kms.DecryptInput{
		CiphertextBlob:    w.Ciphertext,
		EncryptionContext: maps.Clone(w.Description),
		GrantTokens:       k.GrantTokens,
	}
	if k.keyID != "" {
		in.KeyId = &k.keyID
	}
	out, err := k.client.Decrypt(ctx, in)
	if err != nil {
		return nil, unwrapErr("KMS keyring: %w", err)
	}
	if len(out.Plaintext) != dataKeySize {
		return nil, unwrapErr("KMS keyring: Decrypt returned a %d-byte key", len(out.Plaintext))
	}
	return out.Plaintext, nil
}
