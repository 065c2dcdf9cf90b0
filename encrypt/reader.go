package encrypt

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// Reader reads the ciphertext of one object from its plaintext: what
// s3.PutObjectInput.Body takes. It holds one 128 KiB buffer.
//
// If the plaintext source is an io.ReadSeeker, Reader can Seek (as the SDK
// does to measure, sign or retry a body): it rewinds the source and
// encrypts again. The same key and IV then meet the same plaintext, which
// Reader checks chunk by chunk: if the source returns other bytes the second
// time, Read fails with ErrPartChanged before releasing them. When the size
// is unknown, Seek cannot find the end: hide it, as struct{ io.Reader }{r},
// from code that measures a body by seeking (the SDK's transfer manager).
type Reader struct {
	o    *object
	src  io.Reader
	s    *gcm.Stream
	buf  []byte // ciphertext of the current chunk, served from pos
	pos  int
	n    int64 // plaintext read
	off  int64 // ciphertext served
	size int64
	done bool // the tag is in buf
	err  error
	end  bool // parked at the end by Seek

	seeker io.Seeker
	sums   []gcm.Sum // the stream's Sum after each chunk, to check a rewind
	chunk  int
}

// NewReader makes a data key for a new object and returns a Reader of the
// ciphertext of src. size is the plaintext length if known (it is then
// stored in the envelope and enforced), or -1; ec is the encryption
// context, for KMS keyrings.
func (e *Encrypter) NewReader(ctx context.Context, src io.Reader, size int64, ec map[string]string) (*Reader, error) {
	o, err := e.newObject(ctx, size, ec)
	if err != nil {
		return nil, err
	}
	r := &Reader{o: o, src: src, size: o.env.PlaintextLength}
	r.seeker, _ = src.(io.Seeker)
	r.reset()
	return r, nil
}

// Envelope returns the object's envelope.
func (r *Reader) Envelope() *Envelope { return r.o.env }

// Size returns the length of the ciphertext, or -1 if the plaintext's
// length was not given.
func (r *Reader) Size() int64 {
	if r.size < 0 {
		return -1
	}
	return r.size + gcm.TagSize
}

func (r *Reader) reset() {
	if r.buf == nil {
		r.buf = getChunk()
	}
	r.s = r.o.key.NewStream(r.o.nonce, 0)
	r.buf, r.pos, r.n, r.off, r.done, r.end, r.chunk = r.buf[:0], 0, 0, 0, false, false, 0
}

// release returns the buffer to the pool once everything is served.
func (r *Reader) release() {
	if r.buf != nil {
		putChunk(r.buf)
		r.buf, r.pos = nil, 0
	}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	for r.pos == len(r.buf) {
		if r.done || r.end {
			r.release()
			return 0, io.EOF
		}
		if err := r.fill(); err != nil {
			r.err = err
			return 0, err
		}
	}
	m := copy(p, r.buf[r.pos:])
	r.pos += m
	r.off += int64(m)
	return m, nil
}

// WriteTo implements io.WriterTo: io.Copy takes the ciphertext without a
// copy.
func (r *Reader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if r.err != nil {
			return total, r.err
		}
		if r.pos == len(r.buf) {
			if r.done || r.end {
				r.release()
				return total, nil
			}
			if err := r.fill(); err != nil {
				r.err = err
				return total, err
			}
			continue
		}
		n, err := w.Write(r.buf[r.pos:])
		r.pos += n
		r.off += int64(n)
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
}

// fill encrypts the next chunk, and the tag after the last.
func (r *Reader) fill() error {
	b := r.buf[:gcm.ChunkSize]
	m, err := io.ReadFull(r.src, b)
	last := false
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		last = true
	default:
		return err
	}
	r.n += int64(m)
	switch {
	case r.size >= 0 && r.n > r.size:
		return fmt.Errorf("encrypt: the body is longer than the declared %d bytes", r.size)
	case r.size >= 0 && last && r.n != r.size:
		return fmt.Errorf("encrypt: the body is %d bytes, %d declared", r.n, r.size)
	case r.n > gcm.MaxPlaintext:
		return errors.New("encrypt: more than GCM can encrypt with one key and IV")
	}
	c := r.s.Seal(r.buf, b[:m])
	if r.seeker != nil {
		sum := r.s.Sum()
		if r.chunk < len(r.sums) {
			if !r.sums[r.chunk].Equal(sum) {
				clear(r.buf[:cap(r.buf)])
				return ErrPartChanged
			}
		} else {
			r.sums = append(r.sums, sum)
		}
		r.chunk++
	}
	r.buf, r.pos = c, 0
	if last {
		tag := r.o.key.Tag(r.o.nonce, r.o.aad, r.s.Sum())
		r.buf = append(r.buf, tag[:]...)
		r.done = true
	}
	return nil
}

// Seek implements io.Seeker when the plaintext source does. Seeking to the
// current offset, or to the end when the size is known, reads nothing;
// seeking elsewhere rewinds the source and encrypts again up to the offset.
func (r *Reader) Seek(offset int64, whence int) (int64, error) {
	var target int64
	switch whence {
	case io.SeekStart:
		target = offset
	case io.SeekCurrent:
		target = r.off + offset
	case io.SeekEnd:
		if r.size < 0 {
			return 0, errors.New("encrypt: Seek from the end of a Reader of unknown size")
		}
		target = r.Size() + offset
	default:
		return 0, errors.New("encrypt: Seek: bad whence")
	}
	if target < 0 || (r.size >= 0 && target > r.Size()) {
		return 0, errors.New("encrypt: Seek out of range")
	}
	if target == r.off && !r.end {
		return target, nil
	}
	if r.seeker == nil {
		return 0, errors.New("encrypt: Seek needs a plaintext source that is an io.Seeker")
	}
	if r.size >= 0 && target == r.Size() {
		r.end, r.off = true, target
		return target, nil
	}
	if _, err := r.seeker.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	r.err = nil
	r.reset()
	if _, err := io.CopyN(io.Discard, r, target); err != nil {
		r.err = err
		return 0, err
	}
	return target, nil
}
