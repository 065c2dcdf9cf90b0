package interop

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// KMS is a fake AWS KMS serving GenerateDataKey and Decrypt, the two calls
// of the S3 Encryption Client's KMS keyring, in KMS's own wire protocol
// (JSON 1.1, X-Amz-Target TrentService.*), so that both clients reach it
// through the SDK's kms client over loopback HTTP.
//
// As in AWS KMS, a data key's ciphertext is bound to its KMS key and to the
// encryption context: Decrypt with another context, or naming another
// key, fails with InvalidCiphertextException or IncorrectKeyException.
// The simulator (package simulate) models KMS keys for SSE-KMS but does not
// serve the KMS API (its package documentation, "The KMS API itself is not
// served"), hence this server.
type KMS struct {
	// URL is the server's base URL, without a trailing slash.
	URL string

	srv *httptest.Server

	mu    sync.Mutex
	keys  map[string]cipher.AEAD // key ARN -> master key
	calls map[string]int         // requests served, by operation
}

// NewKMS starts a fake KMS with one AES-256 master key for each ARN.
func NewKMS(keyARNs ...string) *KMS {
	k := &KMS{keys: map[string]cipher.AEAD{}, calls: map[string]int{}}
	for _, arn := range keyARNs {
		master := make([]byte, 32)
		rand.Read(master)
		b, _ := aes.NewCipher(master)
		k.keys[arn], _ = cipher.NewGCM(b)
	}
	k.srv = httptest.NewServer(http.HandlerFunc(k.serve))
	k.URL = k.srv.URL
	return k
}

// Close shuts the server down.
func (k *KMS) Close() { k.srv.Close() }

// Client returns an SDK kms client for the server, with static credentials.
func (k *KMS) Client() *kms.Client {
	return kms.New(kms.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(k.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAINTEROPFAKEKMS00", "interop", ""),
		HTTPClient:   k.srv.Client(),
	})
}

// Calls returns how many times op ("GenerateDataKey", "Decrypt") was served.
func (k *KMS) Calls(op string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.calls[op]
}

type kmsError struct {
	status int
	typ    string
	msg    string
}

func (k *KMS) serve(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var out any
	var kerr *kmsError
	switch {
	case !ok || r.Method != http.MethodPost:
		kerr = &kmsError{400, "UnknownOperationException", ""}
	case !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 "):
		kerr = &kmsError{400, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	default:
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			kerr = &kmsError{400, "SerializationException", err.Error()}
			break
		}
		k.mu.Lock()
		k.calls[op]++
		k.mu.Unlock()
		switch op {
		case "GenerateDataKey":
			out, kerr = k.generateDataKey(body)
		case "Decrypt":
			out, kerr = k.decrypt(body)
		default:
			kerr = &kmsError{400, "UnknownOperationException", op + " is not served by this fake KMS"}
		}
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if kerr != nil {
		w.WriteHeader(kerr.status)
		json.NewEncoder(w).Encode(map[string]string{"__type": kerr.typ, "message": kerr.msg})
		return
	}
	json.NewEncoder(w).Encode(out)
}

type generateDataKeyInput struct {
	KeyID             string `json:"KeyId"`
	KeySpec           string
	NumberOfBytes     int
	EncryptionContext map[string]string
}

type decryptInput struct {
	KeyID             string `json:"KeyId"`
	CiphertextBlob    []byte
	EncryptionContext map[string]string
}

func (k *KMS) generateDataKey(body []byte) (any, *kmsError) {
	var in generateDataKeyInput
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &kmsError{400, "SerializationException", err.Error()}
	}
	n := in.NumberOfBytes
	switch {
	case in.KeySpec == "AES_256" && n == 0:
		n = 32
	case in.KeySpec == "AES_128" && n == 0:
		n = 16
	case in.KeySpec != "" || n < 1 || n > 1024:
		return nil, &kmsError{400, "ValidationException", "specify one of KeySpec and NumberOfBytes"}
	}
	aead, ok := k.keys[in.KeyID]
	if !ok {
		return nil, &kmsError{400, "NotFoundException", "Key '" + in.KeyID + "' does not exist"}
	}
	pt := make([]byte, n)
	rand.Read(pt)
	return map[string]any{
		"KeyId":          in.KeyID,
		"Plaintext":      pt,
		"CiphertextBlob": seal(aead, in.KeyID, pt, in.EncryptionContext),
	}, nil
}

func (k *KMS) decrypt(body []byte) (any, *kmsError) {
	var in decryptInput
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &kmsError{400, "SerializationException", err.Error()}
	}
	arn, rest, err := splitBlob(in.CiphertextBlob)
	if err != nil {
		return nil, &kmsError{400, "InvalidCiphertextException", ""}
	}
	if in.KeyID != "" && in.KeyID != arn {
		return nil, &kmsError{400, "IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation."}
	}
	aead, ok := k.keys[arn]
	if !ok {
		return nil, &kmsError{400, "InvalidCiphertextException", ""}
	}
	ns := aead.NonceSize()
	if len(rest) < ns {
		return nil, &kmsError{400, "InvalidCiphertextException", ""}
	}
	pt, err := aead.Open(nil, rest[:ns], rest[ns:], contextAAD(arn, in.EncryptionContext))
	if err != nil {
		return nil, &kmsError{400, "InvalidCiphertextException", ""}
	}
	return map[string]any{"KeyId": arn, "Plaintext": pt, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
}

// seal makes a ciphertext blob: the key ARN's length (2 bytes) and the ARN,
// then a nonce and the AES-GCM sealed data key, authenticated with the ARN
// and the encryption context.
func seal(aead cipher.AEAD, arn string, pt []byte, ec map[string]string) []byte {
	blob := binary.BigEndian.AppendUint16(nil, uint16(len(arn)))
	blob = append(blob, arn...)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	blob = append(blob, nonce...)
	return aead.Seal(blob, nonce, pt, contextAAD(arn, ec))
}

func splitBlob(blob []byte) (arn string, rest []byte, err error) {
	if len(blob) < 2 {
		return "", nil, errors.New("short blob")
	}
	n := int(binary.BigEndian.Uint16(blob))
	if len(blob) < 2+n {
		return "", nil, errors.New("short blob")
	}
	return string(blob[2 : 2+n]), blob[2+n:], nil
}

// contextAAD is a digest of the key ARN and the encryption context, its
// pairs sorted, each string length-prefixed.
func contextAAD(arn string, ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	put := func(s string) {
		b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
		b.WriteString(s)
	}
	put(arn)
	for _, k := range keys {
		put(k)
		put(ec[k])
	}
	sum := sha256.Sum256(b.Bytes())
	return sum[:]
}
