package encrypt

import (
	"crypto/hkdf"
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
)

// CommitmentPolicy says whether objects are written with key commitment and
// whether objects without it may be read, as in the S3 Encryption Client's
// [key commitment] specification. The zero value is the strictest,
// RequireEncryptRequireDecrypt.
//
// [key commitment]: https://github.com/awslabs/aws-encryption-sdk-specification/blob/master/s3-encryption/key-commitment.md
type CommitmentPolicy uint8

// The commitment policies.
const (
	// RequireEncryptRequireDecrypt writes the key-committing suite and
	// reads nothing else. The default.
	RequireEncryptRequireDecrypt CommitmentPolicy = iota
	// RequireEncryptAllowDecrypt writes the key-committing suite and also
	// reads objects without key commitment.
	RequireEncryptAllowDecrypt
	// ForbidEncryptAllowDecrypt writes the V2 format (AES/GCM/NoPadding,
	// readable by every V2 and V3 client) and reads both.
	ForbidEncryptAllowDecrypt
)

func (p CommitmentPolicy) String() string {
	switch p {
	case RequireEncryptRequireDecrypt:
		return "REQUIRE_ENCRYPT_REQUIRE_DECRYPT"
	case RequireEncryptAllowDecrypt:
		return "REQUIRE_ENCRYPT_ALLOW_DECRYPT"
	case ForbidEncryptAllowDecrypt:
		return "FORBID_ENCRYPT_ALLOW_DECRYPT"
	}
	return fmt.Sprintf("CommitmentPolicy(%d)", uint8(p))
}

func (p CommitmentPolicy) valid() error {
	if p > ForbidEncryptAllowDecrypt {
		return fmt.Errorf("encrypt: unknown commitment policy %v", p)
	}
	return nil
}

// Parameters of ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY (suite 0x0073).
const (
	messageIDSize  = 28 // the salt, 224 bits
	commitmentSize = 28 // 224 bits
	dataKeySize    = 32
)

// suiteID is the suite 0x0073 as bytes: the prefix of the HKDF info strings
// and the content's additional data.
var suiteID = []byte{0x00, 0x73}

// committingNonce is the content IV of the committing suite: twelve 0x01
// bytes (the derived key is used once, so the IV is fixed).
var committingNonce = []byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}

func hkdfInfo(label string) string { return string(suiteID) + label }

// extract is the HKDF-SHA512 pseudorandom key of dataKey salted with
// messageID, from which both the commitment and the content key expand.
func extract(dataKey, messageID []byte) ([]byte, error) {
	return hkdf.Extract(sha512.New, dataKey, messageID)
}

// commitmentOf is HKDF-Expand(prk, info 0x0073 "COMMITKEY"), 28 bytes.
func commitmentOf(prk []byte) ([]byte, error) {
	return hkdf.Expand(sha512.New, prk, hkdfInfo("COMMITKEY"), commitmentSize)
}

// contentKeyOf is HKDF-Expand(prk, info 0x0073 "DERIVEKEY"), 32 bytes: the
// content encryption key.
func contentKeyOf(prk []byte) ([]byte, error) {
	return hkdf.Expand(sha512.New, prk, hkdfInfo("DERIVEKEY"), dataKeySize)
}

// commitmentKey is HKDF-SHA512(dataKey, salt messageID, info 0x0073
// "COMMITKEY"), 28 bytes.
func commitmentKey(dataKey, messageID []byte) ([]byte, error) {
	prk, err := extract(dataKey, messageID)
	if err != nil {
		return nil, err
	}
	defer clear(prk)
	return commitmentOf(prk)
}

// commitAndDerive returns the commitment of dataKey under messageID and
// the content key, from one HKDF extraction.
func commitAndDerive(dataKey, messageID []byte) (commitment, key []byte, err error) {
	prk, err := extract(dataKey, messageID)
	if err != nil {
		return nil, nil, err
	}
	defer clear(prk)
	if commitment, err = commitmentOf(prk); err != nil {
		return nil, nil, err
	}
	if key, err = contentKeyOf(prk); err != nil {
		return nil, nil, err
	}
	return commitment, key, nil
}

// openCommitment checks, in constant time, that dataKey commits to stored
// under messageID, and only then derives the content key, in the order the
// specification's decryption.md requires.
func openCommitment(dataKey, messageID, stored []byte) ([]byte, error) {
	if len(dataKey) != dataKeySize || len(messageID) != messageIDSize || len(stored) != commitmentSize {
		return nil, ErrKeyCommitment
	}
	prk, err := extract(dataKey, messageID)
	if err != nil {
		return nil, err
	}
	defer clear(prk)
	ck, err := commitmentOf(prk)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(ck, stored) != 1 {
		return nil, ErrKeyCommitment
	}
	return contentKeyOf(prk)
}
