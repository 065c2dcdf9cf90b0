package encrypt

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/subtle"
	"errors"
	"fmt"
	"maps"
)

// WrappedKey is a data key as a keyring wrapped it.
type WrappedKey struct {
	// Algorithm is the wrapping algorithm: WrapKMSContext, WrapAESGCM,
	// WrapRSAOAEP, or the legacy WrapKMS.
	Algorithm string
	// Ciphertext is the wrapped key (x-amz-key-v2, x-amz-3).
	Ciphertext []byte
	// Description is the KMS encryption context (kms+context, with the
	// reserved key "aws:x-amz-cek-alg") or the raw keyring's material
	// description, stored as x-amz-matdesc (V2), x-amz-t or x-amz-m (V3).
	Description map[string]string
}

// A KeyWrapper makes the data key of each new object.
//
// NewDataKey returns a fresh 32-byte data key and the same key wrapped.
// cekAlg is the content algorithm the key will be used with (AlgAESGCM or
// AlgAESGCMCommitting); a wrapping that can bind it to the key (KMS, through
// the encryption context) must. ec is the caller's encryption context for
// this object; a keyring that cannot bind one must return an error when it
// is not empty rather than ignore it.
type KeyWrapper interface {
	NewDataKey(ctx context.Context, cekAlg string, ec map[string]string) (key []byte, wrapped *WrappedKey, err error)
}

// A KeyUnwrapper recovers the data key of an object.
//
// UnwrapKey returns the 32-byte data key wrapped in w for an object whose
// content algorithm is cekAlg. If it cannot (another algorithm or key,
// an altered wrapped key or description) it returns an error that matches
// ErrUnwrap; the Decrypter then tries its next KeyUnwrapper. It must not
// return a key it did not authenticate.
type KeyUnwrapper interface {
	UnwrapKey(ctx context.Context, cekAlg string, w *WrappedKey) ([]byte, error)
}

// A Keyring both wraps and unwraps.
type Keyring interface {
	KeyWrapper
	KeyUnwrapper
}

var (
	_ Keyring = (*AESKeyring)(nil)
	_ Keyring = (*RSAKeyring)(nil)
	_ Keyring = (*KMSKeyring)(nil)
)

func unwrapErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnwrap}, args...)...)
}

func newDataKey() ([]byte, error) {
	k := make([]byte, dataKeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, nil
}

// errRawContext is returned by the raw keyrings for an encryption context:
// only KMS binds one to the key.
var errRawContext = errors.New("encrypt: an encryption context needs a KMS keyring; raw keyrings store a material description")

// descEqual reports whether a stored material description is the
// keyring's: a raw keyring refuses any other, so that the description
// (which its wrapping does not authenticate) cannot be altered unnoticed.
func descEqual(a, b map[string]string) bool {
	return maps.Equal(a, b)
}

// AESKeyring wraps data keys with AES-GCM under a key of the caller's
// (wrapping algorithm "AES/GCM"), as the S3 Encryption Client's AES keyring
// does: the wrapped key is a random 12-byte IV, the encrypted data key and
// the tag, with "AES/GCM/NoPadding" as additional data.
type AESKeyring struct {
	aead cipher.AEAD
	desc map[string]string
}

// NewAESKeyring returns a keyring for the AES key kek (16, 24 or 32 bytes).
// description is the material description stored with each object (nil for
// {}); unwrapping refuses objects that carry another.
func NewAESKeyring(kek []byte, description map[string]string) (*AESKeyring, error) {
	b, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("encrypt: AES keyring: %w", err)
	}
	aead, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &AESKeyring{aead: aead, desc: clone(description)}, nil
}

// aesWrapAAD is the additional data of the AES/GCM wrapping. Java's client
// (the reference) uses the V2 suite's cipher name for every suite.
const aesWrapAAD = AlgAESGCM

// NewDataKey implements KeyWrapper.
func (k *AESKeyring) NewDataKey(_ context.Context, _ string, ec map[string]string) ([]byte, *WrappedKey, error) {
	if len(ec) > 0 {
		return nil, nil, errRawContext
	}
	key, err := newDataKey()
	if err != nil {
		return nil, nil, err
	}
	iv := make([]byte, 12, 12+dataKeySize+16)
	if _, err := rand.Read(iv); err != nil {
		return nil, nil, err
	}
	ct := k.aead.Seal(iv, iv, key, []byte(aesWrapAAD))
	return key, &WrappedKey{Algorithm: WrapAESGCM, Ciphertext: ct, Description: clone(k.desc)}, nil
}

// UnwrapKey implements KeyUnwrapper.
func (k *AESKeyring) UnwrapKey(_ context.Context, cekAlg string, w *WrappedKey) ([]byte, error) {
	if w.Algorithm != WrapAESGCM {
		return nil, unwrapErr("AES keyring: wrapping algorithm %q", w.Algorithm)
	}
	if !descEqual(w.Description, k.desc) {
		return nil, unwrapErr("AES keyring: material description does not match")
	}
	c := w.Ciphertext
	if len(c) < 12+16 {
		return nil, unwrapErr("AES keyring: wrapped key too short")
	}
	key, err := k.aead.Open(nil, c[:12], c[12:], []byte(aesWrapAAD))
	if err != nil && cekAlg != AlgAESGCM {
		// Other clients may bind the V3 suite's own name.
		key, err = k.aead.Open(nil, c[:12], c[12:], []byte(cekAlg))
	}
	if err != nil {
		return nil, unwrapErr("AES keyring: %v", err)
	}
	return key, nil
}

// RSAKeyring wraps data keys with RSA-OAEP (SHA-1, MGF1 with SHA-1), as the
// S3 Encryption Client's RSA keyring does (wrapping algorithm
// "RSA-OAEP-SHA1"): what it encrypts is the key's length in one byte, the
// key and the content cipher name "AES/GCM/NoPadding", which unwrapping
// checks.
type RSAKeyring struct {
	pub  *rsa.PublicKey
	priv *rsa.PrivateKey
	desc map[string]string
}

// minRSABits is the smallest RSA key the keyrings accept.
const minRSABits = 2048

// NewRSAKeyring returns a keyring that wraps with priv's public key and
// unwraps with priv. description is the material description stored with
// each object (nil for {}); unwrapping refuses objects that carry another.
func NewRSAKeyring(priv *rsa.PrivateKey, description map[string]string) (*RSAKeyring, error) {
	if priv == nil {
		return nil, errors.New("encrypt: RSA keyring: no key")
	}
	k, err := NewRSAWrapKeyring(&priv.PublicKey, description)
	if err != nil {
		return nil, err
	}
	k.priv = priv
	return k, nil
}

// NewRSAWrapKeyring returns a keyring that can only wrap, with pub.
func NewRSAWrapKeyring(pub *rsa.PublicKey, description map[string]string) (*RSAKeyring, error) {
	if pub == nil || pub.N == nil {
		return nil, errors.New("encrypt: RSA keyring: no key")
	}
	if pub.N.BitLen() < minRSABits {
		return nil, fmt.Errorf("encrypt: RSA keyring: %d-bit key, want at least %d", pub.N.BitLen(), minRSABits)
	}
	return &RSAKeyring{pub: pub, desc: clone(description)}, nil
}

// NewDataKey implements KeyWrapper.
func (k *RSAKeyring) NewDataKey(_ context.Context, _ string, ec map[string]string) ([]byte, *WrappedKey, error) {
	if len(ec) > 0 {
		return nil, nil, errRawContext
	}
	key, err := newDataKey()
	if err != nil {
		return nil, nil, err
	}
	pseudo := make([]byte, 0, 1+len(key)+len(AlgAESGCM))
	pseudo = append(pseudo, byte(len(key)))
	pseudo = append(pseudo, key...)
	pseudo = append(pseudo, AlgAESGCM...)
	ct, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, k.pub, pseudo, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("encrypt: RSA keyring: %w", err)
	}
	return key, &WrappedKey{Algorithm: WrapRSAOAEP, Ciphertext: ct, Description: clone(k.desc)}, nil
}

// UnwrapKey implements KeyUnwrapper.
func (k *RSAKeyring) UnwrapKey(_ context.Context, cekAlg string, w *WrappedKey) ([]byte, error) {
	if k.priv == nil {
		return nil, unwrapErr("RSA keyring: no private key")
	}
	if w.Algorithm != WrapRSAOAEP {
		return nil, unwrapErr("RSA keyring: wrapping algorithm %q", w.Algorithm)
	}
	if !descEqual(w.Description, k.desc) {
		return nil, unwrapErr("RSA keyring: material description does not match")
	}
	p, err := rsa.DecryptOAEP(sha1.New(), nil, k.priv, w.Ciphertext, nil)
	if err != nil {
		return nil, unwrapErr("RSA keyring: %v", err)
	}
	if len(p) < 1+dataKeySize || int(p[0]) != dataKeySize {
		return nil, unwrapErr("RSA keyring: malformed key")
	}
	key, name := p[1:1+dataKeySize], p[1+dataKeySize:]
	if subtle.ConstantTimeCompare(name, []byte(AlgAESGCM)) != 1 && string(name) != cekAlg {
		return nil, unwrapErr("RSA keyring: the key was wrapped for another content cipher")
	}
	return key, nil
}
