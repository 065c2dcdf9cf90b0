package interop

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/aws/amazon-s3-encryption-client-go/v4/materials"
)

// Wrapping algorithm names, as x-amz-wrap-alg (V2) holds them.
const (
	wrapAESGCM = "AES/GCM"
	wrapRSA    = "RSA-OAEP-SHA1"
	// wrapAAD is the additional data of the AES/GCM wrapping and the
	// suffix of the RSA-OAEP plaintext: the Java client's (the
	// reference's) cipher name, for both content suites.
	wrapAAD = "AES/GCM/NoPadding"
)

// RawCMM is a CryptographicMaterialsManager for the official Go client
// (github.com/aws/amazon-s3-encryption-client-go/v4), which has only a KMS
// keyring: it wraps data keys with a raw AES key ("AES/GCM") or RSA key
// ("RSA-OAEP-SHA1") as the S3 Encryption Client's reference
// implementation (Java) does. It is written here from the format, not
// taken from either implementation, so that the s3vet keyrings are checked
// against a second reading of it:
//
//   - AES/GCM: a random 12-byte IV, then AES-GCM of the data key under the
//     key-encryption key with additional data "AES/GCM/NoPadding" (tag
//     appended);
//   - RSA-OAEP-SHA1: RSA-OAEP with SHA-1 and MGF1-SHA-1, no label, of the
//     data key's length in one byte, the data key and "AES/GCM/NoPadding".
//
// The official client hands a custom keyring no way to learn the content
// algorithm (materials.EncryptionMaterials has only unexported fields), so
// this is a CMM, which gets the algorithm suite in the request.
type RawCMM struct {
	kek         []byte
	priv        *rsa.PrivateKey
	description map[string]string
}

var _ materials.CryptographicMaterialsManager = (*RawCMM)(nil)

// NewAESCMM returns a CMM wrapping with the AES key kek (16, 24 or 32
// bytes). description is the material description stored with each object
// and required on the objects it reads.
func NewAESCMM(kek []byte, description map[string]string) *RawCMM {
	return &RawCMM{kek: bytes.Clone(kek), description: maps.Clone(description)}
}

// NewRSACMM returns a CMM wrapping with priv's public key.
func NewRSACMM(priv *rsa.PrivateKey, description map[string]string) *RawCMM {
	return &RawCMM{priv: priv, description: maps.Clone(description)}
}

func (c *RawCMM) wrapAlg() string {
	if c.priv != nil {
		return wrapRSA
	}
	return wrapAESGCM
}

func (c *RawCMM) desc() materials.MaterialDescription {
	d := materials.MaterialDescription{}
	maps.Copy(d, c.description)
	return d
}

// GetEncryptionMaterials makes and wraps a data key for the requested suite.
func (c *RawCMM) GetEncryptionMaterials(_ context.Context, req materials.EncryptionMaterialsRequest) (*materials.CryptographicMaterials, error) {
	if len(req.MaterialDescription) > 0 {
		return nil, errors.New("interop: a raw keyring cannot bind an encryption context")
	}
	suite := req.AlgorithmSuite
	key := make([]byte, suite.DataKeyLengthBytes())
	iv := make([]byte, suite.IVLengthBytes())
	rand.Read(key)
	rand.Read(iv)
	wrapped, err := c.wrap(key)
	if err != nil {
		return nil, err
	}
	return &materials.CryptographicMaterials{
		Key:                 key,
		IV:                  iv,
		KeyringAlgorithm:    c.wrapAlg(),
		CEKAlgorithm:        suite.CipherName(),
		TagLength:           "128",
		MaterialDescription: c.desc(),
		EncryptedKey:        wrapped,
	}, nil
}

// DecryptMaterials unwraps the data key of an object.
func (c *RawCMM) DecryptMaterials(_ context.Context, req materials.DecryptMaterialsRequest) (*materials.CryptographicMaterials, error) {
	if req.KeyringAlg != c.wrapAlg() {
		return nil, fmt.Errorf("interop: wrapping %q, this CMM unwraps %q", req.KeyringAlg, c.wrapAlg())
	}
	stored := map[string]string{}
	if err := json.Unmarshal([]byte(req.MatDesc), &stored); err != nil {
		return nil, fmt.Errorf("interop: material description: %w", err)
	}
	if !maps.Equal(stored, c.description) && !(len(stored) == 0 && len(c.description) == 0) {
		return nil, fmt.Errorf("interop: material description %v, want %v", stored, c.description)
	}
	key, err := c.unwrap(req.CipherKey)
	if err != nil {
		return nil, err
	}
	return &materials.CryptographicMaterials{
		Key:                 key,
		IV:                  req.Iv,
		KeyringAlgorithm:    req.KeyringAlg,
		CEKAlgorithm:        req.CekAlg,
		TagLength:           req.TagLength,
		MaterialDescription: stored,
		EncryptedKey:        req.CipherKey,
		KeyCommitment:       req.KeyCommitment,
	}, nil
}

func (c *RawCMM) wrap(key []byte) ([]byte, error) {
	if c.priv != nil {
		pt := append([]byte{byte(len(key))}, key...)
		pt = append(pt, wrapAAD...)
		return rsa.EncryptOAEP(sha1.New(), rand.Reader, &c.priv.PublicKey, pt, nil)
	}
	aead, err := c.aead()
	if err != nil {
		return nil, err
	}
	iv := make([]byte, aead.NonceSize())
	rand.Read(iv)
	return aead.Seal(iv, iv, key, []byte(wrapAAD)), nil
}

func (c *RawCMM) unwrap(w []byte) ([]byte, error) {
	if c.priv != nil {
		pt, err := rsa.DecryptOAEP(sha1.New(), nil, c.priv, w, nil)
		if err != nil {
			return nil, fmt.Errorf("interop: RSA-OAEP: %w", err)
		}
		if len(pt) < 1 || len(pt) != 1+int(pt[0])+len(wrapAAD) || string(pt[1+int(pt[0]):]) != wrapAAD {
			return nil, errors.New("interop: RSA-OAEP: malformed key")
		}
		return pt[1 : 1+int(pt[0])], nil
	}
	aead, err := c.aead()
	if err != nil {
		return nil, err
	}
	if len(w) < aead.NonceSize() {
		return nil, errors.New("interop: AES/GCM: short wrapped key")
	}
	key, err := aead.Open(nil, w[:aead.NonceSize()], w[aead.NonceSize():], []byte(wrapAAD))
	if err != nil {
		return nil, fmt.Errorf("interop: AES/GCM: %w", err)
	}
	return key, nil
}

func (c *RawCMM) aead() (cipher.AEAD, error) {
	b, err := aes.NewCipher(c.kek)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
