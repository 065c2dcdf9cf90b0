// Package encrypt protects S3 objects: client-side envelope encryption in
// the object format of AWS's [Amazon S3 Encryption Client], streaming with
// constant memory, and helpers that set server-side encryption on
// aws-sdk-go-v2 requests and buckets without getting it wrong.
//
// # Client-side encryption
//
// Each object gets a fresh 256-bit data key, which encrypts its content
// with AES-256-GCM. A keyring wraps the data key; the wrapped key and what
// a reader needs besides the key (the [Envelope]) travel with the object, in
// its user metadata or in an instruction file. An [Encrypter] writes objects,
// a [Decrypter] reads them:
//
//	enc := encrypt.NewEncrypter(encrypt.NewKMSKeyring(kmsClient, keyARN))
//	w, err := enc.NewWriter(ctx, dst, -1, map[string]string{"tenant": "a"})
//	// w.Envelope().Metadata() goes in PutObjectInput.Metadata
//
//	dec := encrypt.NewDecrypter(encrypt.NewKMSKeyring(kmsClient, keyARN))
//	r, err := dec.NewReader(ctx, env, body, size, nil)
//
// [Encrypter.PutObject] and [Decrypter.GetObject] do the same around the SDK's
// calls, instruction files included. [Encrypter.Upload] sends a body of any
// length, known or not, as a multipart upload, its parts sealed and
// uploaded in parallel.
//
// # Formats and key commitment
//
// The default [CommitmentPolicy], [RequireEncryptRequireDecrypt], writes the V3
// format with the key-committing suite ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY
// (x-amz-c "115"): HKDF-SHA512 over the data key, salted with a random
// 28-byte message ID, derives the content key and a 28-byte commitment
// stored with the object, so that a swapped data key is detected before any
// decryption. [ForbidEncryptAllowDecrypt] writes the V2 format
// (AES/GCM/NoPadding with a random 96-bit IV), which older clients read.
// The legacy formats (AES/CBC content, "kms" wrapping without context) are
// read only when the Decrypter allows them; the V1 format is not read.
//
// # Keyrings
//
// [KMSKeyring] ("kms+context") has AWS KMS generate and decrypt the data key
// with an encryption context; [AESKeyring] ("AES/GCM") and [RSAKeyring]
// ("RSA-OAEP-SHA1") wrap it with keys the caller holds. A keyring is two
// one-method interfaces, [KeyWrapper] and [KeyUnwrapper].
//
// # Streaming and memory
//
// [Writer], [Reader] and [MultipartUpload] encrypt with a fixed 128 KiB buffer,
// whatever the object's size. GCM is split into the standard library's
// hardware AES-GCM, run over each chunk from its own counter, and the
// chunks' GHASH values, joined by a few multiplications in GF(2^128); the
// parts of a multipart upload are sealed in parallel the same way.
//
// Decryption releases no plaintext before the tag is verified. Objects up
// to MaxBuffer (64 MiB by default) are verified in memory; larger ones are
// spooled, still encrypted, to a temporary file if SpoolDir allows, or
// refused with [ErrTooLarge]. DelayedAuthentication streams instead and
// reports a bad tag at the end; UnauthenticatedRanges decrypts byte ranges
// ([Decrypter.NewRangeReader]). Verification in memory is the standard
// library's Open. Streaming decryption (spooled, or with
// DelayedAuthentication) cannot use the fused AES-GCM assembly and makes
// two passes, GHASH then AES-CTR, a 128 KiB chunk at a time as it reads;
// Decrypter.Concurrency shares the chunks with helper goroutines.
//
// # Server-side encryption
//
// [SSE] values ([SSES3], [SSEKMS], [DSSEKMS], [SSEC]) set, with [Apply], the right fields on
// PutObject, CopyObject, multipart, GetObject and HeadObject inputs; SSE-C
// keys are base64-encoded and their MD5 computed, and [RequireHTTPS] refuses to
// send one over plain HTTP. [DefaultEncryption] and [EnforcementPolicy] build a
// bucket's default encryption and the bucket policy that enforces it.
//
// # Specifications
//
//   - [S3 Encryption Client specification] (formats, key derivation,
//     commitment, keyrings, metadata strategies)
//   - [Amazon S3 Encryption Client developer guide]
//   - [Protecting data with server-side encryption], [SSE-C], [blocking SSE-C]
//   - [NIST SP 800-38D], Galois/Counter Mode
//
// # Measured
//
// encrypt/README.md has the throughput against crypto/cipher's Seal and
// Open, the peak memory for 1 GiB, and what the tests against the
// simulator cover; interop/README.md proves the format against AWS's own Go
// client. The KMS keyring runs against the simulator's KMS API (package
// simulate) through the SDK's kms client, as against AWS KMS.
//
// [Amazon S3 Encryption Client]: https://docs.aws.amazon.com/amazon-s3-encryption-client/latest/developerguide/what-is-s3-encryption-client.html
// [Amazon S3 Encryption Client developer guide]: https://docs.aws.amazon.com/amazon-s3-encryption-client/latest/developerguide/concepts.html
// [S3 Encryption Client specification]: https://github.com/awslabs/aws-encryption-sdk-specification/tree/master/s3-encryption
// [Protecting data with server-side encryption]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
// [SSE-C]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html
// [blocking SSE-C]: https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html
// [NIST SP 800-38D]: https://csrc.nist.gov/pubs/sp/800/38/d/final
package encrypt

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// Encrypter writes encrypted objects with one keyring. Its fields may be set
// before first use; it is then safe for concurrent use.
type Encrypter struct {
	keyring KeyWrapper
	// Policy selects the format written: the V3 key-committing format for
	// RequireEncryptRequireDecrypt (the zero value) and
	// RequireEncryptAllowDecrypt, V2 for ForbidEncryptAllowDecrypt.
	Policy CommitmentPolicy
	// InstructionFile makes PutObject store the envelope in an
	// instruction file instead of the object metadata. Off by default, as
	// the specification requires.
	InstructionFile bool
}

// NewEncrypter returns an Encrypter that wraps data keys with k.
func NewEncrypter(k KeyWrapper) *Encrypter {
	return &Encrypter{keyring: k}
}

// object is what sealing one object needs.
type object struct {
	env   *Envelope
	key   *gcm.Key
	nonce []byte
	aad   []byte
}

var errNonce = errors.New("encrypt: the random source returned zeros")

func randomNonZero(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	for _, c := range b {
		if c != 0 {
			return b, nil
		}
	}
	return nil, errNonce
}

// newObject makes a data key and the envelope of one object of size bytes
// (-1 if unknown).
func (e *Encrypter) newObject(ctx context.Context, size int64, ec map[string]string) (*object, error) {
	if e.keyring == nil {
		return nil, errors.New("encrypt: Encrypter has no keyring")
	}
	if err := e.Policy.valid(); err != nil {
		return nil, err
	}
	if size > gcm.MaxPlaintext {
		return nil, fmt.Errorf("encrypt: %d bytes is more than GCM can encrypt with one key and IV", size)
	}
	if size < 0 {
		size = -1
	}
	alg := AlgAESGCMCommitting
	if e.Policy == ForbidEncryptAllowDecrypt {
		alg = AlgAESGCM
	}
	dataKey, wk, err := e.keyring.NewDataKey(ctx, alg, ec)
	if err != nil {
		return nil, err
	}
	defer clear(dataKey)
	if len(dataKey) != dataKeySize || wk == nil {
		return nil, errors.New("encrypt: the keyring returned no 256-bit data key")
	}
	o := &object{env: &Envelope{ContentAlgorithm: alg, Key: *wk, PlaintextLength: size}}
	key := dataKey
	if alg == AlgAESGCMCommitting {
		id, err := randomNonZero(messageIDSize)
		if err != nil {
			return nil, err
		}
		if o.env.KeyCommitment, key, err = commitAndDerive(dataKey, id); err != nil {
			return nil, err
		}
		defer clear(key)
		o.env.MessageID = id
		o.nonce, o.aad = committingNonce, suiteID
	} else {
		iv, err := randomNonZero(gcm.NonceSize)
		if err != nil {
			return nil, err
		}
		o.env.IV, o.nonce = iv, iv
	}
	if o.key, err = gcm.NewKey(key); err != nil {
		return nil, err
	}
	return o, nil
}

var errClosed = errors.New("encrypt: write after Close")

// Writer encrypts one object's content to an io.Writer. It holds one
// 128 KiB buffer whatever the object's size.
type Writer struct {
	o    *object
	dst  io.Writer
	s    *gcm.Stream
	buf  []byte // plaintext not yet sealed
	out  []byte // ciphertext, with room for the standard library's tag
	n    int64
	size int64
	err  error
}

// NewWriter makes a data key for a new object and returns a Writer that
// encrypts its content to dst. size is the plaintext length if known (it
// is then stored in the envelope and enforced), or -1. ec is the encryption
// context, for KMS keyrings; nil for none.
//
// The envelope, to be stored with the object, is ready before anything is
// written: see Envelope. The ciphertext is the plaintext's length plus 16.
func (e *Encrypter) NewWriter(ctx context.Context, dst io.Writer, size int64, ec map[string]string) (*Writer, error) {
	o, err := e.newObject(ctx, size, ec)
	if err != nil {
		return nil, err
	}
	return &Writer{
		o: o, dst: dst, size: o.env.PlaintextLength,
		s:   o.key.NewStream(o.nonce, 0),
		buf: getChunk()[:0],
		out: getChunk(),
	}, nil
}

// chunkPool recycles the chunk buffers of Writers.
var chunkPool = sync.Pool{New: func() any {
	b := make([]byte, gcm.ChunkSize+gcm.TagSize)
	return &b
}}

func getChunk() []byte { return *chunkPool.Get().(*[]byte) }

func putChunk(b []byte) {
	b = b[:cap(b)]
	clear(b)
	chunkPool.Put(&b)
}

// Envelope returns the object's envelope.
func (w *Writer) Envelope() *Envelope { return w.o.env }

// Write encrypts p. Ciphertext reaches dst a chunk at a time.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	total := 0
	for len(p) > 0 {
		if len(w.buf) == 0 && len(p) >= gcm.ChunkSize {
			if err := w.seal(p[:gcm.ChunkSize]); err != nil {
				return total, err
			}
			p, total = p[gcm.ChunkSize:], total+gcm.ChunkSize
			continue
		}
		m := copy(w.buf[len(w.buf):gcm.ChunkSize], p)
		w.buf = w.buf[:len(w.buf)+m]
		p, total = p[m:], total+m
		if len(w.buf) == gcm.ChunkSize {
			if err := w.seal(w.buf); err != nil {
				return total - m, err
			}
			w.buf = w.buf[:0]
		}
	}
	return total, nil
}

func (w *Writer) seal(p []byte) error {
	w.n += int64(len(p))
	if w.size >= 0 && w.n > w.size {
		w.err = fmt.Errorf("encrypt: more than the declared %d bytes", w.size)
		return w.err
	}
	if w.n > gcm.MaxPlaintext {
		w.err = errors.New("encrypt: more than GCM can encrypt with one key and IV")
		return w.err
	}
	if _, err := w.dst.Write(w.s.Seal(w.out, p)); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Close encrypts what is buffered and writes the tag. It does not close
// dst. The object is complete only when Close returns nil.
func (w *Writer) Close() error {
	if w.err == errClosed {
		return nil
	}
	if w.err != nil {
		return w.err
	}
	if err := w.seal(w.buf); err != nil {
		return err
	}
	if w.size >= 0 && w.n != w.size {
		w.err = fmt.Errorf("encrypt: %d bytes written, %d declared", w.n, w.size)
		return w.err
	}
	tag := w.o.key.Tag(w.o.nonce, w.o.aad, w.s.Sum())
	if _, err := w.dst.Write(tag[:]); err != nil {
		w.err = err
		return err
	}
	w.err = errClosed
	putChunk(w.buf)
	putChunk(w.out)
	w.buf, w.out = nil, nil
	return nil
}
