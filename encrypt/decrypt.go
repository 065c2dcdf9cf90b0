package encrypt

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// DefaultMaxBuffer is the size of the largest object a Decrypter verifies
// in memory unless told otherwise: 64 MiB.
const DefaultMaxBuffer = 64 << 20

// Decrypter reads encrypted objects. Its fields may be set before first
// use; it is then safe for concurrent use.
//
// By default it releases no plaintext that has not been authenticated, and
// holds at most MaxBuffer bytes of an object in memory: a larger object is
// spooled to a temporary file in SpoolDir if set, or refused with
// ErrTooLarge.
type Decrypter struct {
	keyrings []KeyUnwrapper
	// Policy: RequireEncryptRequireDecrypt (the zero value) reads only
	// objects with key commitment; the other two also read V2 objects.
	Policy CommitmentPolicy
	// LegacyWrapping allows the "kms" wrapping, which does not bind the
	// content algorithm to the data key.
	LegacyWrapping bool
	// LegacyContent allows AES/CBC content, which is unauthenticated: its
	// plaintext is released as it is decrypted.
	LegacyContent bool
	// DelayedAuthentication streams: plaintext is released before the tag
	// is verified, all of it but the last batch (up to 4 MiB, read with
	// the tag), and a bad tag is reported by the last Read. MaxBuffer must
	// then be left zero.
	DelayedAuthentication bool
	// UnauthenticatedRanges allows NewRangeReader, and Range in GetObject:
	// a byte range is decrypted without its tag, which covers the whole
	// object.
	UnauthenticatedRanges bool
	// MaxBuffer is the size of the largest object (its plaintext) verified
	// in memory: DefaultMaxBuffer if zero, none if negative.
	MaxBuffer int64
	// SpoolDir, if set, allows objects over MaxBuffer to be verified
	// through a temporary file in that directory (os.TempDir() will do).
	// The file holds ciphertext only and is removed by Close.
	SpoolDir string
	// Concurrency is how many goroutines hash and decrypt an object read
	// as a stream (spooled, or with DelayedAuthentication): one if zero.
	// That decryption makes two passes, GHASH then AES-CTR, where Open
	// makes one; a second goroutine makes up for it on an idle core, but
	// costs throughput where other processes keep the cores busy (see
	// README.md for both measured).
	Concurrency int
}

// NewDecrypter returns a Decrypter that unwraps data keys with the first of
// keyrings that can.
func NewDecrypter(keyrings ...KeyUnwrapper) *Decrypter {
	return &Decrypter{keyrings: keyrings}
}

// maxBuffer returns the largest ciphertext held in memory.
func (d *Decrypter) maxBuffer() int64 {
	switch {
	case d.MaxBuffer == 0:
		return DefaultMaxBuffer + gcm.TagSize
	case d.MaxBuffer < 0:
		return 0
	}
	return d.MaxBuffer + gcm.TagSize
}

// content is what decrypting one object's content needs.
type content struct {
	env     *Envelope
	key     *gcm.Key     // GCM suites
	cbc     cipher.Block // legacy AES/CBC
	nonce   []byte       // GCM nonce, or CBC IV
	aad     []byte
	workers int // goroutines per streamed batch
}

// open checks the envelope against the Decrypter's settings, unwraps the
// data key, checks its commitment and prepares the content key.
func (d *Decrypter) open(ctx context.Context, env *Envelope, ec map[string]string) (*content, error) {
	if env == nil {
		return nil, errors.New("encrypt: no envelope")
	}
	if err := d.Policy.valid(); err != nil {
		return nil, err
	}
	if d.Concurrency < 0 {
		return nil, errors.New("encrypt: negative Concurrency")
	}
	switch env.ContentAlgorithm {
	case AlgAESGCMCommitting:
	case AlgAESGCM, AlgAESCBC:
		if d.Policy == RequireEncryptRequireDecrypt {
			return nil, fmt.Errorf("%w: %s has no key commitment and the policy is %v", ErrPolicy, env.ContentAlgorithm, d.Policy)
		}
		if env.ContentAlgorithm == AlgAESCBC && !d.LegacyContent {
			return nil, fmt.Errorf("%w: AES/CBC content needs LegacyContent", ErrLegacy)
		}
	default:
		return nil, formatErr("", "unsupported content algorithm "+env.ContentAlgorithm)
	}
	if env.Key.Algorithm == WrapKMS && !d.LegacyWrapping {
		return nil, fmt.Errorf("%w: the \"kms\" wrapping needs LegacyWrapping", ErrLegacy)
	}
	if ec != nil {
		stored := clone(env.Key.Description)
		delete(stored, cekContextKey)
		delete(stored, kmsCMKKey)
		if !maps.Equal(stored, ec) {
			return nil, ErrContextMismatch
		}
	}
	if len(d.keyrings) == 0 {
		return nil, fmt.Errorf("%w: the Decrypter has no keyring", ErrUnwrap)
	}
	var dataKey []byte
	var errs []error
	for _, k := range d.keyrings {
		key, err := k.UnwrapKey(ctx, env.ContentAlgorithm, &env.Key)
		if err == nil && len(key) != dataKeySize {
			err = fmt.Errorf("%w: a %d-byte data key", ErrUnwrap, len(key))
		}
		if err == nil {
			dataKey = key
			break
		}
		errs = append(errs, err)
	}
	if dataKey == nil {
		err := errors.Join(errs...)
		if !errors.Is(err, ErrUnwrap) {
			err = fmt.Errorf("%w: %w", ErrUnwrap, err)
		}
		return nil, err
	}
	defer clear(dataKey)
	c := &content{env: env, workers: max(d.Concurrency, 1)}
	switch env.ContentAlgorithm {
	case AlgAESGCMCommitting:
		key, err := openCommitment(dataKey, env.MessageID, env.KeyCommitment)
		if err != nil {
			return nil, err
		}
		defer clear(key)
		c.nonce, c.aad = committingNonce, suiteID
		c.key, err = gcm.NewKey(key)
		return c, err
	case AlgAESGCM:
		if len(env.IV) != gcm.NonceSize {
			return nil, formatErr(keyIV, "not 12 bytes")
		}
		c.nonce = env.IV
		var err error
		c.key, err = gcm.NewKey(dataKey)
		return c, err
	default: // AlgAESCBC
		if len(env.IV) != aes.BlockSize {
			return nil, formatErr(keyIV, "not 16 bytes")
		}
		c.nonce = env.IV
		var err error
		c.cbc, err = aes.NewCipher(dataKey)
		return c, err
	}
}

// NewReader returns the plaintext of an object whose envelope is env and
// whose ciphertext is body, of size bytes (s3.GetObjectOutput.ContentLength)
// or -1 if unknown. ec, if not nil, is the encryption context the caller
// expects: the one stored with the object, less the keys the client
// reserves, must equal it.
//
// Keys are unwrapped and checked before NewReader returns. Unless the
// Decrypter allows otherwise, the first Read verifies the whole object
// before it returns any plaintext. Close releases the spool file, if any,
// and closes body if it is an io.Closer.
func (d *Decrypter) NewReader(ctx context.Context, env *Envelope, body io.Reader, size int64, ec map[string]string) (io.ReadCloser, error) {
	c, err := d.open(ctx, env, ec)
	if err != nil {
		return nil, err
	}
	if size >= 0 {
		if size < gcm.TagSize && c.cbc == nil {
			return nil, fmt.Errorf("%w: %d bytes is too short", ErrAuthentication, size)
		}
		if env.PlaintextLength >= 0 && c.cbc == nil && size-gcm.TagSize != env.PlaintextLength {
			return nil, fmt.Errorf("%w: %d bytes of ciphertext for %d of plaintext", ErrAuthentication, size, env.PlaintextLength)
		}
	}
	closer, _ := body.(io.Closer)
	ch := &chunker{r: body, size: size, plain: env.PlaintextLength}
	switch {
	case c.cbc != nil:
		ch.plain = -1 // padded: checked after unpadding
		return newCBCReader(c, ch, closer), nil
	case d.DelayedAuthentication:
		if d.MaxBuffer != 0 {
			return nil, errors.New("encrypt: MaxBuffer is set but DelayedAuthentication buffers nothing")
		}
		return newStreamReader(c, ch, closer), nil
	case size >= 0 && size <= d.maxBuffer(), size < 0:
		return newMemReader(c, body, size, d.maxBuffer(), d.SpoolDir, closer), nil
	case d.SpoolDir != "":
		return newSpoolReader(c, ch, d.SpoolDir, closer), nil
	}
	return nil, fmt.Errorf("%w: %d bytes of ciphertext, MaxBuffer %d, no SpoolDir", ErrTooLarge, size, d.MaxBuffer)
}

// chunker cuts a ciphertext stream into chunks of gcm.ChunkSize (or
// batchSize, if batch) and the final 16 bytes, the tag (or, for CBC, the
// last block). It reads a byte ahead, so that the last chunk is known to
// be the last before it is returned.
type chunker struct {
	r      io.Reader
	batch  bool
	buf    []byte
	pooled *[]byte
	have   int
	shift  bool
	n      int64 // bytes read
	size   int64 // expected bytes, or -1
	plain  int64 // expected plaintext bytes, or -1
}

// next returns the next chunk, and at the end (last) the tag too. Both
// alias an internal buffer, valid until the next call; the caller may
// overwrite chunk.
//
// If ready is not nil, next reads a chunk at a time and calls it with the
// length of the prefix of the buffer known to be ciphertext (followed by
// at least a tag), so that work can start on it while the rest is read.
func (c *chunker) next(ready func(n int)) (chunk, tag []byte, last bool, err error) {
	size := gcm.ChunkSize
	if c.batch {
		size = batchSize
	}
	c.alloc()
	if c.shift {
		c.have = copy(c.buf, c.buf[size:])
		c.shift = false
	}
	for c.have < len(c.buf) && err == nil {
		end := len(c.buf)
		if ready != nil {
			end = min(end, c.have+gcm.ChunkSize)
		}
		var m int
		m, err = io.ReadFull(c.r, c.buf[c.have:end])
		c.have += m
		c.n += int64(m)
		if ready != nil && c.have > gcm.TagSize {
			ready(c.have - gcm.TagSize)
		}
	}
	if c.size >= 0 && c.n > c.size {
		return nil, nil, false, fmt.Errorf("%w: the body is longer than its %d bytes", ErrAuthentication, c.size)
	}
	switch err {
	case nil:
		c.shift = true
		return c.buf[:size], nil, false, nil
	case io.EOF, io.ErrUnexpectedEOF:
	default:
		return nil, nil, false, err
	}
	switch {
	case c.have < gcm.TagSize:
		return nil, nil, false, fmt.Errorf("%w: truncated", ErrAuthentication)
	case c.size >= 0 && c.n != c.size:
		return nil, nil, false, fmt.Errorf("%w: %d bytes of %d", ErrAuthentication, c.n, c.size)
	case c.plain >= 0 && c.n-gcm.TagSize != c.plain:
		return nil, nil, false, fmt.Errorf("%w: %d bytes of plaintext, %d expected", ErrAuthentication, c.n-gcm.TagSize, c.plain)
	}
	t := c.have - gcm.TagSize
	return c.buf[:t], c.buf[t:c.have], true, nil
}

// alloc makes sure the chunker has its buffer.
func (c *chunker) alloc() {
	if c.buf != nil {
		return
	}
	if c.batch {
		c.pooled = batchPool.Get().(*[]byte)
		c.buf = *c.pooled
	} else {
		c.buf = make([]byte, gcm.ChunkSize+gcm.TagSize+1)
	}
}

// release returns a batch buffer to its pool, after which next must not
// be called; what it returned must no longer be used.
func (c *chunker) release() {
	if c.pooled != nil {
		batchPool.Put(c.pooled)
		c.pooled, c.buf = nil, nil
	}
}

// plainReader serves plaintext that fill produces a buffer at a time: fill
// sets out, or returns io.EOF at the end or an error, which sticks. It
// implements WriteTo, so that io.Copy takes the plaintext without a copy.
type plainReader struct {
	out  []byte
	err  error
	fill func() error
}

func (p *plainReader) next() bool {
	for len(p.out) == 0 {
		if p.err != nil {
			return false
		}
		p.err = p.fill()
	}
	return true
}

func (p *plainReader) Read(b []byte) (int, error) {
	if !p.next() {
		return 0, p.err
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	return n, nil
}

func (p *plainReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for p.next() {
		n, err := w.Write(p.out)
		p.out = p.out[n:]
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
	if p.err == io.EOF {
		return total, nil
	}
	return total, p.err
}

// streamReader decrypts as it reads (DelayedAuthentication), a batch at
// a time, hashing and decrypting in one go; the last batch, which holds
// the tag, is released only once the tag is verified.
type streamReader struct {
	plainReader
	c      *content
	ch     *chunker
	sum    gcm.Sum
	done   bool
	closer io.Closer
}

func newStreamReader(c *content, ch *chunker, closer io.Closer) *streamReader {
	ch.batch = true
	r := &streamReader{c: c, ch: ch, closer: closer}
	r.fill = r.decrypt
	return r
}

func (r *streamReader) decrypt() error {
	if r.done {
		r.ch.release()
		return io.EOF
	}
	r.ch.alloc()
	p := r.c.newPipe(r.ch.buf[:batchSize], r.sum.Len(), passHash|passDecrypt)
	chunk, tag, last, err := r.ch.next(p.send)
	if err != nil {
		p.finish(0)
		return err
	}
	r.sum = r.c.key.Concat(r.sum, p.finish(len(chunk)))
	if last {
		if err := r.c.key.Verify(r.c.nonce, r.c.aad, r.sum, tag); err != nil {
			clear(chunk)
			return ErrAuthentication
		}
		r.done = true
	}
	r.out = chunk
	return nil
}

func (r *streamReader) Close() error {
	r.out = nil
	r.ch.release()
	return closeBody(r.closer)
}

func closeBody(c io.Closer) error {
	if c == nil {
		return nil
	}
	return c.Close()
}
