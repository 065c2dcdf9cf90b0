package simulate

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/presign"
)

// The KMS API, as the SDK's kms client calls it (JSON 1.1 protocol,
// X-Amz-Target "TrentService.<Operation>", SigV4 for service "kms"):
// GenerateDataKey, Encrypt and Decrypt, the calls an envelope-encryption
// keyring makes (such as encrypt.KMSKeyring and the S3 Encryption Client's
// KMS keyring). Each is authorized as KMS authorizes it: the key policy must
// allow, and where it delegates to the account the caller's own policies
// decide (KMS Developer Guide, "Key policies in AWS KMS"), with the
// encryption context as kms:EncryptionContext:KEY and
// kms:EncryptionContextKeys (KMS Developer Guide, "Condition keys for AWS
// KMS").
//
// A ciphertext blob is bound to its key and to its encryption context, as
// in KMS: Decrypt with another context fails with
// InvalidCiphertextException, and naming another key with
// IncorrectKeyException (KMS API Reference, "Decrypt"). The blobs are the
// simulator's own format, sealed with key material that lives only as long
// as the simulator.

// kmsTargetPrefix starts the X-Amz-Target of every KMS operation.
const kmsTargetPrefix = "TrentService."

// isKMS reports whether a request is a call of the KMS API.
func isKMS(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/" && strings.HasPrefix(r.Header.Get("X-Amz-Target"), kmsTargetPrefix)
}

// newKeyMaterial returns fresh AES-256-GCM key material for a KMS key.
func newKeyMaterial() cipher.AEAD {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand)
	b, _ := aes.NewCipher(k)
	g, _ := cipher.NewGCM(b)
	return g
}

// kmsError makes an error of the KMS API: always 400 for the caller's
// mistakes, with the exception's name as code.
func kmsError(code, message string) *s3Error {
	return errorf(http.StatusBadRequest, code, message)
}

// serveKMS answers a KMS API request.
func (c *call) serveKMS() error {
	c.kmsAPI = true
	c.op = strings.TrimPrefix(c.r.Header.Get("X-Amz-Target"), kmsTargetPrefix)
	auth := sigV4{&presign.Verifier{Credentials: credentialStore{c.s}, Region: c.s.m.region, Service: "kms", Now: c.s.now}}
	sig, err := auth.authenticate(c.r)
	if err != nil {
		return kmsAuthError(err)
	}
	c.sig = sig
	if err := c.identify(); err != nil {
		return kmsAuthError(err)
	}
	if c.principal == "anonymous" {
		return kmsError("MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	body, err := readBody(c.r.Body, maxConfigBody)
	if err != nil {
		return err
	}
	var in struct {
		KeyID             string `json:"KeyId"`
		PolicyName        string
		KeySpec           string
		NumberOfBytes     int
		Plaintext         []byte
		CiphertextBlob    []byte
		EncryptionContext map[string]string
		GrantTokens       []string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return kmsError("SerializationException", "The request body is not valid JSON: "+err.Error())
	}
	switch c.op {
	case "GenerateDataKey":
		n, err := dataKeySize(in.KeySpec, in.NumberOfBytes)
		if err != nil {
			return err
		}
		pt := make([]byte, n)
		rand.Read(pt)
		blob, arn, err := c.kmsSeal("kms:GenerateDataKey", in.KeyID, pt, in.EncryptionContext)
		if err != nil {
			return err
		}
		return c.writeJSON(map[string]any{"KeyId": arn, "Plaintext": pt, "CiphertextBlob": blob})
	case "Encrypt":
		if len(in.Plaintext) == 0 || len(in.Plaintext) > 4096 {
			return kmsError("ValidationException", "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096")
		}
		blob, arn, err := c.kmsSeal("kms:Encrypt", in.KeyID, in.Plaintext, in.EncryptionContext)
		if err != nil {
			return err
		}
		return c.writeJSON(map[string]any{"KeyId": arn, "CiphertextBlob": blob, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	case "Decrypt":
		pt, arn, err := c.kmsOpen(in.KeyID, in.CiphertextBlob, in.EncryptionContext)
		if err != nil {
			return err
		}
		return c.writeJSON(map[string]any{"KeyId": arn, "Plaintext": pt, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	case "DescribeKey", "GetKeyPolicy":
		return c.kmsRead(in.KeyID, in.PolicyName)
	}
	return kmsError("UnknownOperationException", "")
}

// kmsRead answers DescribeKey and GetKeyPolicy (KMS API Reference): the
// key's metadata, or its policy, whose only name is "default". A key is
// named by its ID, its ARN, an alias name or an alias ARN, as in KMS,
// where GetKeyPolicy takes a key ID or ARN only.
func (c *call) kmsRead(ref, name string) error {
	action := "kms:" + c.op
	if c.op == "GetKeyPolicy" {
		if strings.HasPrefix(ref, "alias/") || strings.Contains(ref, ":alias/") {
			return kmsError("NotFoundException", "Alias "+ref+" cannot be used here: GetKeyPolicy takes a key ID or key ARN.")
		}
		if name == "" {
			name = "default"
		}
		if name != "default" {
			return kmsError("NotFoundException", "No such policy exists")
		}
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	k, err := c.kmsLookup(action, ref, nil)
	if err != nil {
		return err
	}
	if c.op == "GetKeyPolicy" {
		return c.writeJSON(map[string]any{"Policy": k.policyDoc, "PolicyName": "default"})
	}
	manager := "CUSTOMER"
	if k.managed {
		manager = "AWS"
	}
	return c.writeJSON(map[string]any{"KeyMetadata": map[string]any{
		"AWSAccountId": k.account, "KeyId": k.id, "Arn": k.arn, "Enabled": true, "KeyState": "Enabled",
		"KeyManager": manager, "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT", "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
		"Origin": "AWS_KMS", "EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"}, "MultiRegion": false,
		"CreationDate": float64(c.s.m.now().Unix()), "Description": "",
	}})
}

// kmsAuthError words an authentication failure as KMS does.
func kmsAuthError(err error) error {
	e := asS3Error(err)
	switch e.code {
	case "InvalidAccessKeyId":
		return kmsError("UnrecognizedClientException", "The security token included in the request is invalid.")
	case "SignatureDoesNotMatch", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed":
		return kmsError("InvalidSignatureException", e.message)
	case "ExpiredToken":
		return kmsError("ExpiredTokenException", "The security token included in the request is expired")
	}
	return kmsError(e.code, e.message)
}

// dataKeySize reads GenerateDataKey's KeySpec or NumberOfBytes: exactly one.
func dataKeySize(spec string, n int) (int, error) {
	switch {
	case spec != "" && n != 0:
		return 0, kmsError("ValidationException", "Please specify either number of bytes or key spec.")
	case spec == "AES_256":
		return 32, nil
	case spec == "AES_128":
		return 16, nil
	case spec != "":
		return 0, kmsError("ValidationException", "1 validation error detected: Value '"+spec+"' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]")
	case n >= 1 && n <= 1024:
		return n, nil
	case n != 0:
		return 0, kmsError("ValidationException", "1 validation error detected: Value '"+strconv.Itoa(n)+"' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024")
	}
	return 0, kmsError("ValidationException", "Please specify either number of bytes or key spec.")
}

// kmsLookup finds the key a request names, in the caller's account for
// the short forms, and authorizes action on it with the encryption
// context's condition keys. The caller holds c.s.mu for reading.
func (c *call) kmsLookup(action, ref string, ec map[string]string) (*kmsKey, error) {
	if ref == "" {
		return nil, kmsError("ValidationException", "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null")
	}
	k := c.s.m.kmsKey(ref, c.caller.principal.Account)
	if k == nil {
		if strings.HasPrefix(ref, "alias/") || strings.Contains(ref, ":alias/") {
			return nil, kmsError("NotFoundException", "Alias "+ref+" is not found.")
		}
		return nil, kmsError("NotFoundException", "Key '"+ref+"' does not exist")
	}
	ctx := map[string][]string{}
	keys := make([]string, 0, len(ec))
	for ek, ev := range ec {
		ctx["kms:EncryptionContext:"+ek] = []string{ev}
		keys = append(keys, ek)
	}
	if len(keys) > 0 {
		slices.Sort(keys)
		ctx["kms:EncryptionContextKeys"] = keys
	}
	if err := c.authorizeKMS(action, k, ctx); err != nil {
		e := asS3Error(err)
		return nil, kmsError("AccessDeniedException", e.message)
	}
	return k, nil
}

// kmsSeal seals plaintext under a key for its encryption context.
func (c *call) kmsSeal(action, ref string, plaintext []byte, ec map[string]string) ([]byte, string, error) {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	k, err := c.kmsLookup(action, ref, ec)
	if err != nil {
		return nil, "", err
	}
	// version | len(ARN) | ARN | nonce | sealed plaintext and tag
	blob := []byte{1}
	blob = binary.BigEndian.AppendUint16(blob, uint16(len(k.arn)))
	blob = append(blob, k.arn...)
	nonce := make([]byte, k.material.NonceSize())
	rand.Read(nonce)
	blob = append(blob, nonce...)
	return k.material.Seal(blob, nonce, plaintext, kmsAAD(k.arn, ec)), k.arn, nil
}

// kmsOpen opens a ciphertext blob: the key is the one the blob names,
// which the request's KeyId, if any, must also name.
func (c *call) kmsOpen(ref string, blob []byte, ec map[string]string) ([]byte, string, error) {
	invalid := kmsError("InvalidCiphertextException", "")
	if len(blob) < 3 || blob[0] != 1 {
		return nil, "", invalid
	}
	n := int(binary.BigEndian.Uint16(blob[1:3]))
	if len(blob) < 3+n {
		return nil, "", invalid
	}
	rest := blob[3+n:]
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	k := c.s.m.kmsKeys[string(blob[3:3+n])]
	if k == nil {
		return nil, "", invalid
	}
	if ref != "" {
		if named := c.s.m.kmsKey(ref, c.caller.principal.Account); named != k {
			return nil, "", kmsError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
		}
	}
	if _, err := c.kmsLookup("kms:Decrypt", k.arn, ec); err != nil {
		return nil, "", err
	}
	ns := k.material.NonceSize()
	if len(rest) < ns {
		return nil, "", invalid
	}
	pt, err := k.material.Open(nil, rest[:ns], rest[ns:], kmsAAD(k.arn, ec))
	if err != nil {
		return nil, "", invalid
	}
	return pt, k.arn, nil
}

// kmsAAD binds a blob to its key and its encryption context, the pairs in
// key order, each string length-prefixed.
func kmsAAD(arn string, ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	slices.Sort(keys)
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
	return b.Bytes()
}

// writeJSON answers a KMS API request.
func (c *call) writeJSON(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	_, err = c.w.Write(body)
	return err
}

// writeKMSError writes an error of the JSON protocol.
func writeKMSError(w http.ResponseWriter, e *s3Error, requestID string) {
	body, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.1")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("x-amzn-RequestId", requestID)
	w.WriteHeader(e.status)
	w.Write(body)
}
