package encrypt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Content encryption algorithms, the values of x-amz-cek-alg (V2 format)
// and x-amz-c (V3 format).
const (
	// AlgAESGCM is ALG_AES_256_GCM_IV12_TAG16_NO_KDF: the data key
	// encrypts the content directly, with a random 96-bit IV. V2 format.
	AlgAESGCM = "AES/GCM/NoPadding"
	// AlgAESGCMCommitting is ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY, suite
	// 0x0073 written in decimal: the content key and a key commitment are
	// derived from the data key with HKDF-SHA512. V3 format.
	AlgAESGCMCommitting = "115"
	// AlgAESCBC is the legacy ALG_AES_256_CBC_IV16_NO_KDF, unauthenticated:
	// read only with Decrypter.LegacyContent, never written.
	AlgAESCBC = "AES/CBC/PKCS5Padding"
)

// Key wrapping algorithms, the values of x-amz-wrap-alg (V2) and, in their
// two-digit form, x-amz-w (V3).
const (
	WrapKMSContext = "kms+context"   // KMS, with the encryption context; V3 "12"
	WrapAESGCM     = "AES/GCM"       // raw AES key; V3 "02"
	WrapRSAOAEP    = "RSA-OAEP-SHA1" // raw RSA key; V3 "22"
	// WrapKMS is the legacy KMS wrapping without the content algorithm in
	// the encryption context: read only with Decrypter.LegacyWrapping.
	WrapKMS = "kms"
)

// InstructionFileSuffix is appended to an object's key to name its
// instruction file.
const InstructionFileSuffix = ".instruction"

// Metadata keys, without the "x-amz-meta-" prefix S3 adds.
const (
	keyV1        = "x-amz-key"
	keyV2        = "x-amz-key-v2"
	keyIV        = "x-amz-iv"
	keyMatDesc   = "x-amz-matdesc"
	keyWrapAlg   = "x-amz-wrap-alg"
	keyCEKAlg    = "x-amz-cek-alg"
	keyTagLen    = "x-amz-tag-len"
	keyPlainLen  = "x-amz-unencrypted-content-length"
	keyContentV3 = "x-amz-c" // CONTENT_CIPHER_V3
	keyDataKeyV3 = "x-amz-3" // ENCRYPTED_DATA_KEY_V3
	keyMatDescV3 = "x-amz-m" // MAT_DESC_V3
	keyContextV3 = "x-amz-t" // ENCRYPTION_CONTEXT_V3
	keyWrapV3    = "x-amz-w" // ENCRYPTED_DATA_KEY_ALGORITHM_V3
	keyCommitV3  = "x-amz-d" // KEY_COMMITMENT_V3
	keyMsgIDV3   = "x-amz-i" // MESSAGE_ID_V3
)

var (
	v2Only = []string{keyV1, keyV2, keyIV, keyMatDesc, keyWrapAlg, keyCEKAlg, keyTagLen}
	v3Only = []string{keyContentV3, keyDataKeyV3, keyMatDescV3, keyContextV3, keyWrapV3, keyCommitV3, keyMsgIDV3}
)

var wrapToV3 = map[string]string{WrapAESGCM: "02", WrapKMSContext: "12", WrapRSAOAEP: "22"}
var wrapFromV3 = map[string]string{"02": WrapAESGCM, "12": WrapKMSContext, "22": WrapRSAOAEP}

// Envelope is what an object's reader needs besides the key: the
// algorithms, the wrapped data key, the IV or message ID and the key
// commitment. It is stored in the object's user metadata (Metadata) or
// split between the metadata and an instruction file (InstructionFile).
type Envelope struct {
	// ContentAlgorithm is AlgAESGCMCommitting (V3 format), AlgAESGCM (V2)
	// or AlgAESCBC (legacy V2).
	ContentAlgorithm string
	// Key is the wrapped data key, its wrapping algorithm and its
	// material description or encryption context.
	Key WrappedKey
	// IV is the content IV of the V2 format: 12 bytes for GCM, 16 for CBC.
	IV []byte
	// MessageID and KeyCommitment belong to the V3 format: the 28-byte
	// HKDF salt and the 28-byte commitment to the data key.
	MessageID     []byte
	KeyCommitment []byte
	// PlaintextLength is x-amz-unencrypted-content-length, or -1 if absent.
	PlaintextLength int64
}

func (e *Envelope) committing() bool { return e.ContentAlgorithm == AlgAESGCMCommitting }

// Metadata returns the envelope as object user metadata, keys without the
// "x-amz-meta-" prefix, as s3.PutObjectInput.Metadata takes them. Material
// descriptions and encryption contexts are written as US-ASCII JSON (other
// characters \u-escaped) so that S3 stores them unchanged.
func (e *Envelope) Metadata() map[string]string {
	m := e.fields()
	if e.committing() {
		m[keyContentV3] = e.ContentAlgorithm
		m[keyCommitV3] = b64(e.KeyCommitment)
		m[keyMsgIDV3] = b64(e.MessageID)
	}
	return m
}

// fields returns the envelope without the V3 keys that belong in the object
// metadata: for V2 everything, for V3 what goes in an instruction file.
func (e *Envelope) fields() map[string]string {
	m := make(map[string]string, 8)
	desc := asciiJSON(e.Key.Description)
	if e.committing() {
		m[keyDataKeyV3] = b64(e.Key.Ciphertext)
		m[keyWrapV3] = wrapToV3[e.Key.Algorithm]
		if e.Key.Algorithm == WrapKMSContext {
			m[keyContextV3] = desc
		} else {
			m[keyMatDescV3] = desc
		}
	} else {
		m[keyV2] = b64(e.Key.Ciphertext)
		m[keyIV] = b64(e.IV)
		m[keyMatDesc] = desc
		m[keyWrapAlg] = e.Key.Algorithm
		m[keyCEKAlg] = e.ContentAlgorithm
		if e.ContentAlgorithm == AlgAESGCM {
			m[keyTagLen] = "128"
		}
	}
	if e.PlaintextLength >= 0 {
		m[keyPlainLen] = strconv.FormatInt(e.PlaintextLength, 10)
	}
	return m
}

// InstructionFile returns the envelope split as the specification's
// metadata strategy requires: the object's user metadata (V3: x-amz-c,
// x-amz-d and x-amz-i; V2: nothing) and the JSON content of the instruction
// file, to be stored as the object key + InstructionFileSuffix.
func (e *Envelope) InstructionFile() (meta map[string]string, file []byte) {
	meta = map[string]string{}
	if e.committing() {
		meta[keyContentV3] = e.ContentAlgorithm
		meta[keyCommitV3] = b64(e.KeyCommitment)
		meta[keyMsgIDV3] = b64(e.MessageID)
	}
	file, err := json.Marshal(e.fields())
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return meta, file
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// asciiJSON encodes a string map as JSON with sorted keys and every
// non-ASCII character escaped.
func asciiJSON(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	var sb strings.Builder
	for _, r := range string(b) {
		switch {
		case r < utf8.RuneSelf:
			sb.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&sb, `\u%04x`, r)
		}
	}
	return sb.String()
}

// ParseEnvelope reads an object's envelope from its user metadata, as
// s3.GetObjectOutput.Metadata and s3.HeadObjectOutput.Metadata hold it (keys
// with or without "x-amz-meta-", in any case), and from its instruction
// file if instr is not nil.
//
// If the metadata holds no envelope and instr is nil, the error is
// ErrInstructionFile: the caller should fetch key + InstructionFileSuffix
// and call again. A malformed envelope, or one in an unsupported format (V1),
// is a *FormatError.
func ParseEnvelope(meta map[string]string, instr []byte) (*Envelope, error) {
	m, err := normalize(meta)
	if err != nil {
		return nil, err
	}
	has := func(k string) bool { _, ok := m[k]; return ok }
	n := 0
	for _, k := range []string{keyV1, keyV2, keyDataKeyV3} {
		if has(k) {
			n++
		}
	}
	if n > 1 {
		return nil, formatErr("", "keys of several format versions (x-amz-key, x-amz-key-v2, x-amz-3)")
	}
	if instr == nil {
		switch {
		case has(keyV1):
			return nil, formatErr(keyV1, "the V1 format is not supported")
		case has(keyV2):
			return parseV2(m)
		case has(keyDataKeyV3):
			return parseV3(m)
		}
		return nil, ErrInstructionFile
	}
	if n > 0 {
		return nil, formatErr("", "an envelope in both the object metadata and an instruction file")
	}
	f, err := parseInstructionFile(instr)
	if err != nil {
		return nil, err
	}
	switch {
	case has(keyContentV3) || has(keyCommitV3) || has(keyMsgIDV3):
		for _, k := range []string{keyContentV3, keyCommitV3, keyMsgIDV3} {
			if _, ok := f[k]; ok {
				return nil, formatErr(k, "belongs in the object metadata, not the instruction file")
			}
			if !has(k) {
				return nil, formatErr(k, "missing from the object metadata")
			}
			f[k] = m[k]
		}
		if _, ok := f[keyPlainLen]; !ok && has(keyPlainLen) {
			f[keyPlainLen] = m[keyPlainLen]
		}
		return parseV3(f)
	case f[keyV1] != "":
		return nil, formatErr(keyV1, "the V1 format is not supported")
	}
	for _, k := range v2Only {
		if has(k) {
			return nil, formatErr(k, "in the object metadata of an object with an instruction file")
		}
	}
	return parseV2(f)
}

// normalize lower-cases the keys and strips "x-amz-meta-".
func normalize(meta map[string]string) (map[string]string, error) {
	m := make(map[string]string, len(meta))
	for k, v := range meta {
		k = strings.ToLower(k)
		k = strings.TrimPrefix(k, "x-amz-meta-")
		if old, ok := m[k]; ok && old != v {
			return nil, formatErr(k, "given twice with different values")
		}
		m[k] = v
	}
	return m, nil
}

// parseInstructionFile reads a JSON object of strings (numbers allowed, as
// some clients write x-amz-tag-len as one).
func parseInstructionFile(b []byte) (map[string]string, error) {
	var raw map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&raw); err != nil {
		return nil, &FormatError{Err: fmt.Errorf("instruction file: %w", err)}
	}
	if d.More() || raw == nil {
		return nil, formatErr("", "instruction file: not one JSON object")
	}
	f := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			var n json.Number
			if err := json.Unmarshal(v, &n); err != nil {
				return nil, formatErr(k, "instruction file: not a string")
			}
			s = n.String()
		}
		f[strings.ToLower(k)] = s
	}
	return f, nil
}

func decode64(m map[string]string, k string, size int) ([]byte, error) {
	v, ok := m[k]
	if !ok || v == "" {
		return nil, formatErr(k, "missing")
	}
	b, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil {
		return nil, &FormatError{Key: k, Err: err}
	}
	if size >= 0 && len(b) != size {
		return nil, formatErr(k, fmt.Sprintf("%d bytes, want %d", len(b), size))
	}
	if len(b) == 0 {
		return nil, formatErr(k, "empty")
	}
	return b, nil
}

func parsePlainLen(m map[string]string) (int64, error) {
	v := m[keyPlainLen]
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, formatErr(keyPlainLen, "not a length")
	}
	return n, nil
}

func parseV2(m map[string]string) (*Envelope, error) {
	for _, k := range v3Only {
		if _, ok := m[k]; ok {
			return nil, formatErr(k, "a V3 key in a V2 envelope")
		}
	}
	e := &Envelope{ContentAlgorithm: m[keyCEKAlg]}
	var ivSize int
	switch e.ContentAlgorithm {
	case AlgAESGCM:
		ivSize = 12
		if m[keyTagLen] != "128" {
			return nil, formatErr(keyTagLen, "not 128")
		}
	case AlgAESCBC:
		ivSize = 16
		if v := m[keyTagLen]; v != "" && v != "0" {
			return nil, formatErr(keyTagLen, "a tag length for CBC")
		}
	case "":
		return nil, formatErr(keyCEKAlg, "missing")
	default:
		return nil, formatErr(keyCEKAlg, "unsupported content algorithm "+strconv.Quote(e.ContentAlgorithm))
	}
	var err error
	if e.IV, err = decode64(m, keyIV, ivSize); err != nil {
		return nil, err
	}
	if e.Key.Ciphertext, err = decode64(m, keyV2, -1); err != nil {
		return nil, err
	}
	e.Key.Algorithm = m[keyWrapAlg]
	switch e.Key.Algorithm {
	case WrapKMSContext, WrapKMS, WrapAESGCM, WrapRSAOAEP,
		"AESWrap", "RSA/ECB/OAEPWithSHA-256AndMGF1Padding": // legacy, no keyring here
	case "":
		return nil, formatErr(keyWrapAlg, "missing")
	default:
		return nil, formatErr(keyWrapAlg, "unknown wrapping algorithm "+strconv.Quote(e.Key.Algorithm))
	}
	if _, ok := m[keyMatDesc]; !ok {
		return nil, formatErr(keyMatDesc, "missing")
	}
	if e.Key.Description, err = parseDesc(m, keyMatDesc); err != nil {
		return nil, err
	}
	if e.PlaintextLength, err = parsePlainLen(m); err != nil {
		return nil, err
	}
	return e, nil
}

func parseV3(m map[string]string) (*Envelope, error) {
	for _, k := range v2Only {
		if _, ok := m[k]; ok {
			return nil, formatErr(k, "a V2 key in a V3 envelope")
		}
	}
	e := &Envelope{ContentAlgorithm: m[keyContentV3]}
	if e.ContentAlgorithm != AlgAESGCMCommitting {
		return nil, formatErr(keyContentV3, "not "+AlgAESGCMCommitting)
	}
	w, ok := wrapFromV3[m[keyWrapV3]]
	if !ok {
		return nil, formatErr(keyWrapV3, "unknown wrapping algorithm")
	}
	e.Key.Algorithm = w
	var err error
	if e.Key.Ciphertext, err = decode64(m, keyDataKeyV3, -1); err != nil {
		return nil, err
	}
	if e.MessageID, err = decode64(m, keyMsgIDV3, messageIDSize); err != nil {
		return nil, err
	}
	if e.KeyCommitment, err = decode64(m, keyCommitV3, commitmentSize); err != nil {
		return nil, err
	}
	descKey := keyMatDescV3
	if w == WrapKMSContext {
		descKey = keyContextV3
	}
	if e.Key.Description, err = parseDesc(m, descKey); err != nil {
		return nil, err
	}
	if e.PlaintextLength, err = parsePlainLen(m); err != nil {
		return nil, err
	}
	return e, nil
}

// parseDesc reads a material description or encryption context: a JSON
// object of strings, {} when absent or empty, possibly in the RFC 2047 form
// S3 returns non-ASCII metadata in.
func parseDesc(m map[string]string, k string) (map[string]string, error) {
	v := m[k]
	if v == "" {
		return map[string]string{}, nil
	}
	v, err := s3Decode(v)
	if err != nil {
		return nil, &FormatError{Key: k, Err: err}
	}
	var d map[string]string
	if err := json.Unmarshal([]byte(v), &d); err != nil {
		return nil, &FormatError{Key: k, Err: err}
	}
	if d == nil {
		return nil, formatErr(k, "not a JSON object")
	}
	return d, nil
}

// s3Decode undoes what S3 does to a metadata value that is not US-ASCII:
// it returns it as RFC 2047 encoded words (=?UTF-8?B?...?=) of the value's
// bytes read as ISO-8859-1, so that UTF-8 arrives encoded twice. The
// specification calls it S3's "double encoding".
func s3Decode(v string) (string, error) {
	if !strings.Contains(v, "=?") {
		return v, nil
	}
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return "", err
	}
	if utf8.ValidString(d) {
		// If every rune is below 256 and some above 127, the runes are the
		// original bytes: undo the ISO-8859-1 step.
		b := make([]byte, 0, len(d))
		wide := false
		for _, r := range d {
			if r > 0xff {
				return d, nil
			}
			wide = wide || r > 0x7f
			b = append(b, byte(r))
		}
		if wide && utf8.Valid(b) {
			return string(b), nil
		}
	}
	return d, nil
}

// clone returns a copy of m, never nil.
func clone(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	maps.Copy(c, m)
	return c
}
