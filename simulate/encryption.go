package simulate

import (
	"crypto/md5"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// sseC is the SSE-C key a request carries: in the headers of its own
// object (ownSSEC) or, for the source of a copy, copySourceSSEC.
type sseC struct {
	present bool
	keyMD5  string // base64
}

// sseCHeaders are the names of a set of SSE-C headers.
type sseCHeaders struct{ alg, key, md5 string }

// ownSSEC and copySourceSSEC are the SSE-C headers of a request's own
// object and of the source of a copy.
var (
	ownSSEC = sseCHeaders{"X-Amz-Server-Side-Encryption-Customer-Algorithm",
		"X-Amz-Server-Side-Encryption-Customer-Key", "X-Amz-Server-Side-Encryption-Customer-Key-Md5"}
	copySourceSSEC = sseCHeaders{"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm",
		"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key", "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key-Md5"}
)

// customerKey reads and checks an SSE-C key: AES256, 32 bytes, with its
// MD5. SSE-C needs HTTPS.
func (c *call) customerKey(names sseCHeaders) (sseC, error) {
	h := c.r.Header
	alg, key, sum := h.Get(names.alg), h.Get(names.key), h.Get(names.md5)
	if alg == "" && key == "" && sum == "" {
		return sseC{}, nil
	}
	if c.r.TLS == nil {
		return sseC{}, invalidRequest("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.")
	}
	const must = "Requests specifying Server Side Encryption with Customer provided keys must provide "
	switch {
	case alg == "":
		return sseC{}, invalidArgument(must+"a valid encryption algorithm.").with("ArgumentName", strings.ToLower(names.alg))
	case alg != "AES256":
		return sseC{}, invalidArgument("The requested encryption algorithm is not valid, must be AES256.").with("ArgumentName", strings.ToLower(names.alg))
	case key == "":
		return sseC{}, invalidArgument(must+"an appropriate secret key.").with("ArgumentName", strings.ToLower(names.key))
	case sum == "":
		return sseC{}, invalidArgument(must+"the client calculated MD5 of the secret key.").with("ArgumentName", strings.ToLower(names.md5))
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(raw) != 32 {
		return sseC{}, invalidArgument("The secret key was invalid for the specified algorithm.").with("ArgumentName", strings.ToLower(names.key))
	}
	got := md5.Sum(raw)
	if base64.StdEncoding.EncodeToString(got[:]) != sum {
		return sseC{}, invalidArgument("The calculated MD5 hash of the key did not match the hash that was provided.").with("ArgumentName", "x-amz-server-side-encryption")
	}
	return sseC{present: true, keyMD5: base64.StdEncoding.EncodeToString(got[:])}, nil
}

// writeEncryption returns how a write to bucket b encrypts the object:
// as its SSE headers say, else as the bucket's default encryption.
func (c *call) writeEncryption(b *bucketModel) (objectEncryption, error) {
	h := c.r.Header
	cust, err := c.customerKey(ownSSEC)
	if err != nil {
		return objectEncryption{}, err
	}
	sse := h.Get("X-Amz-Server-Side-Encryption")
	keyID := h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
	bucketKey := h.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled")
	if cust.present {
		if sse != "" || keyID != "" {
			return objectEncryption{}, invalidArgument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified")
		}
		if slices.Contains(b.encryption.BlockedEncryptionTypes, "SSE-C") {
			return objectEncryption{}, accessDenied("Access Denied: SSE-C is blocked for this bucket by its default encryption configuration (BlockedEncryptionTypes)")
		}
		return objectEncryption{customerKeyMD5: cust.keyMD5}, nil
	}
	switch sse {
	case "":
		if keyID != "" {
			return objectEncryption{}, invalidArgument("x-amz-server-side-encryption-aws-kms-key-id is only valid with aws:kms or aws:kms:dsse encryption")
		}
		return b.defaultEncryption(), nil
	case "AES256":
		if keyID != "" {
			return objectEncryption{}, invalidArgument("x-amz-server-side-encryption-aws-kms-key-id is only valid with aws:kms or aws:kms:dsse encryption")
		}
		return objectEncryption{algorithm: sse}, nil
	case "aws:kms", "aws:kms:dsse":
		e := objectEncryption{algorithm: sse, kmsKeyID: keyID, bucketKey: b.encryption.BucketKey}
		if bucketKey != "" {
			e.bucketKey, _ = strconv.ParseBool(bucketKey)
		}
		if keyID == "" && b.encryption.Algorithm == sse {
			e.kmsKeyID = b.encryption.KMSKeyID
		}
		return e, nil
	}
	return objectEncryption{}, invalidArgument("Server Side Encryption with algorithm "+sse+" is not supported").with("ArgumentName", "x-amz-server-side-encryption")
}

// readEncryption checks that a read of an object carries the SSE-C key
// it was written with, if any.
func (c *call) readEncryption(o *objectVersion, names sseCHeaders) error {
	cust, err := c.customerKey(names)
	if err != nil {
		return err
	}
	switch {
	case o.enc.customerKeyMD5 == "" && cust.present:
		return invalidRequest("The encryption parameters are not applicable to this object.")
	case o.enc.customerKeyMD5 != "" && !cust.present:
		return invalidRequest("The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")
	case o.enc.customerKeyMD5 != cust.keyMD5:
		return accessDenied("Access Denied")
	}
	return nil
}

// setEncryptionHeaders adds the SSE response headers of an object.
func setEncryptionHeaders(h http.Header, e objectEncryption) {
	if e.customerKeyMD5 != "" {
		h.Set("X-Amz-Server-Side-Encryption-Customer-Algorithm", "AES256")
		h.Set("X-Amz-Server-Side-Encryption-Customer-Key-Md5", e.customerKeyMD5)
		return
	}
	if e.algorithm == "" {
		return
	}
	h.Set("X-Amz-Server-Side-Encryption", e.algorithm)
	if e.algorithm != "AES256" {
		if e.kmsKeyID != "" {
			h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", e.kmsKeyID)
		}
		if e.bucketKey {
			h.Set("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled", "true")
		}
	}
}
