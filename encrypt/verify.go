package encrypt

import (
	"bytes"
	"crypto/cipher"
	"crypto/subtle"
	"fmt"
	"io"
	"math/bits"
	"os"
	"sync"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// memReader verifies an object in memory before releasing any of it. An
// object of unknown size that outgrows the buffer moves to a spoolReader
// if a spool directory is allowed.
type memReader struct {
	plainReader
	c        *content
	body     io.Reader
	size     int64
	max      int64
	spoolDir string
	closer   io.Closer
	spool    *spoolReader
	done     bool
	pooled   []byte
}

func newMemReader(c *content, body io.Reader, size, max int64, spoolDir string, closer io.Closer) *memReader {
	r := &memReader{c: c, body: body, size: size, max: max, spoolDir: spoolDir, closer: closer}
	r.fill = r.load
	return r
}

func (r *memReader) load() error {
	if r.spool != nil {
		err := r.spool.fill()
		r.out, r.spool.out = r.spool.out, nil
		return err
	}
	if r.done {
		return io.EOF
	}
	r.done = true
	var buf []byte
	if r.size >= 0 {
		r.pooled = getBuffer(int(r.size))
		buf = r.pooled[:r.size]
		if _, err := io.ReadFull(r.body, buf); err == io.EOF || err == io.ErrUnexpectedEOF {
			return fmt.Errorf("%w: truncated", ErrAuthentication)
		} else if err != nil {
			return err
		}
		if err := r.checkEOF(); err != nil {
			return err
		}
	} else {
		var bb bytes.Buffer
		if _, err := bb.ReadFrom(io.LimitReader(r.body, r.max+1)); err != nil {
			return err
		}
		buf = bb.Bytes()
		if int64(len(buf)) > r.max {
			if r.spoolDir == "" {
				return fmt.Errorf("%w: more than MaxBuffer (%d bytes) and no SpoolDir", ErrTooLarge, r.max)
			}
			ch := &chunker{r: io.MultiReader(bytes.NewReader(buf), r.body), size: -1, plain: r.c.env.PlaintextLength}
			r.spool = newSpoolReader(r.c, ch, r.spoolDir, r.closer)
			return r.load()
		}
	}
	if len(buf) < gcm.TagSize {
		return fmt.Errorf("%w: truncated", ErrAuthentication)
	}
	if p := r.c.env.PlaintextLength; p >= 0 && int64(len(buf)-gcm.TagSize) != p {
		return fmt.Errorf("%w: %d bytes of plaintext, %d expected", ErrAuthentication, len(buf)-gcm.TagSize, p)
	}
	pt, err := r.c.key.AEAD().Open(buf[:0], r.c.nonce, buf, r.c.aad)
	if err != nil {
		clear(buf)
		return ErrAuthentication
	}
	r.out = pt
	return nil
}

// checkEOF fails if the body holds more than its announced size.
func (r *memReader) checkEOF() error {
	var one [1]byte
	if n, _ := io.ReadFull(r.body, one[:]); n > 0 {
		return fmt.Errorf("%w: the body is longer than its %d bytes", ErrAuthentication, r.size)
	}
	return nil
}

func (r *memReader) Close() error {
	r.out = nil
	if r.pooled != nil {
		putBuffer(r.pooled)
		r.pooled = nil
	}
	if r.spool != nil {
		return r.spool.Close()
	}
	return closeBody(r.closer)
}

// bufferPools recycle the buffers of memReaders: a fresh large buffer
// costs more (page faults, collection) than decrypting into it. Sizes
// from 128 KiB are 5/8, 6/8, 7/8 and 8/8 of a power of two, so that a
// buffer is at most a quarter larger than the object (a 64 MiB object gets
// 80 MiB, not 128).
var bufferPools [64][5]sync.Pool

const minPooled = 17 // 128 KiB

// bufferClass returns the pool and the size of a buffer for n bytes.
func bufferClass(n int) (c, k, size int) {
	c = max(bits.Len(uint(max(n-1, 0))), minPooled) // 2^(c-1) < n <= 2^c
	half, step := 1<<(c-1), 1<<(c-3)
	k = max((n-half+step-1)/step, 1)
	return c, k, half + k*step
}

func getBuffer(n int) []byte {
	c, k, size := bufferClass(n)
	if b, ok := bufferPools[c][k].Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, size)
}

func putBuffer(b []byte) {
	c, k, size := bufferClass(cap(b))
	if size != cap(b) {
		return
	}
	b = b[:cap(b)]
	bufferPools[c][k].Put(&b)
}

// spoolReader copies the ciphertext to a temporary file while hashing it,
// a batch at a time, verifies the tag, then decrypts from the file.
type spoolReader struct {
	plainReader
	c       *content
	ch      *chunker
	dir     string
	closer  io.Closer
	f       *os.File
	removed bool
	off     uint64
	buf     []byte
}

func newSpoolReader(c *content, ch *chunker, dir string, closer io.Closer) *spoolReader {
	ch.batch = true
	r := &spoolReader{c: c, ch: ch, dir: dir, closer: closer}
	r.fill = r.verify
	return r
}

func (r *spoolReader) verify() error {
	f, err := os.CreateTemp(r.dir, "s3vet-spool-*")
	if err != nil {
		return err
	}
	r.f = f
	// The file holds ciphertext only; where the system allows, it has no
	// name from now on.
	r.removed = os.Remove(f.Name()) == nil
	var sum gcm.Sum
	r.ch.alloc()
	for {
		// Hash as the batch is read, and while the file system copies it.
		p := r.c.newPipe(r.ch.buf[:batchSize], sum.Len(), passHash)
		chunk, tag, last, err := r.ch.next(p.send)
		if err != nil {
			p.finish(0)
			return err
		}
		var werr error
		var wg sync.WaitGroup
		wg.Go(func() { _, werr = f.Write(chunk) })
		s := p.finish(len(chunk))
		wg.Wait()
		if werr != nil {
			return werr
		}
		sum = r.c.key.Concat(sum, s)
		if last {
			if err := r.c.key.Verify(r.c.nonce, r.c.aad, sum, tag); err != nil {
				return ErrAuthentication
			}
			break
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r.buf = r.ch.buf[:batchSize]
	r.fill = r.decrypt
	return r.decrypt()
}

func (r *spoolReader) decrypt() error {
	// Decrypt as the batch is read back.
	p := r.c.newPipe(r.buf, r.off, passDecrypt)
	var n int
	var err error
	for n < len(r.buf) && err == nil {
		var m int
		m, err = io.ReadFull(r.f, r.buf[n:min(n+gcm.ChunkSize, len(r.buf))])
		n += m
		p.send(n)
	}
	p.finish(n)
	if n == 0 {
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		if err == io.EOF {
			r.buf = nil
			r.ch.release()
		}
		return err
	}
	r.off += uint64(n)
	r.out = r.buf[:n]
	return nil
}

func (r *spoolReader) Close() error {
	r.out, r.buf = nil, nil
	r.ch.release()
	if r.f != nil {
		r.f.Close()
		if !r.removed {
			os.Remove(r.f.Name())
		}
		r.f = nil
	}
	return closeBody(r.closer)
}

// cbcReader decrypts the legacy AES/CBC content, which has no tag: it is
// released as it is decrypted. Only the PKCS#7 padding is checked.
type cbcReader struct {
	plainReader
	c      *content
	ch     *chunker
	mode   cipher.BlockMode
	n      int64
	done   bool
	closer io.Closer
}

func newCBCReader(c *content, ch *chunker, closer io.Closer) *cbcReader {
	r := &cbcReader{c: c, ch: ch, mode: cipher.NewCBCDecrypter(c.cbc, c.nonce), closer: closer}
	r.fill = r.decrypt
	return r
}

func (r *cbcReader) decrypt() error {
	if r.done {
		return io.EOF
	}
	chunk, tail, last, err := r.ch.next(nil)
	if err != nil {
		return err
	}
	if len(chunk)%16 != 0 {
		return fmt.Errorf("%w: CBC ciphertext is not whole blocks", ErrAuthentication)
	}
	r.mode.CryptBlocks(chunk, chunk)
	out := chunk
	if last {
		r.mode.CryptBlocks(tail, tail)
		pad := int(tail[15])
		ok := subtle.ConstantTimeLessOrEq(1, pad) & subtle.ConstantTimeLessOrEq(pad, 16)
		start := 16 - min(pad, 16)
		for i := range 16 {
			inPad := subtle.ConstantTimeLessOrEq(start, i)
			ok &= subtle.ConstantTimeByteEq(tail[i], byte(pad)) | (inPad ^ 1)
		}
		if ok != 1 {
			return fmt.Errorf("%w: bad CBC padding", ErrAuthentication)
		}
		out = append(chunk, tail[:16-pad]...) // chunk and tail are adjacent
		r.done = true
		if p := r.c.env.PlaintextLength; p >= 0 && r.n+int64(len(out)) != p {
			return fmt.Errorf("%w: %d bytes of plaintext, %d expected", ErrAuthentication, r.n+int64(len(out)), p)
		}
	}
	r.n += int64(len(out))
	r.out = out
	return nil
}

func (r *cbcReader) Close() error { return closeBody(r.closer) }
