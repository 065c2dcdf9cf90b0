package encrypt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// MultipartUpload encrypts the parts of one object for an S3 multipart
// upload. Every part but the last holds exactly PartSize bytes of
// plaintext, so each part knows its place in the GCM counter and the parts
// can be sealed in parallel, in any order; the last part, sealed after all
// the others, carries the tag, which joins their GHASH values.
//
// The caller drives the upload with the SDK: CreateMultipartUpload with
// Metadata set to Envelope().Metadata(), UploadPart with each sealed part
// as the body, CompleteMultipartUpload. S3 requires parts of at least 5 MiB
// but the last.
type MultipartUpload struct {
	o        *object
	partSize int64

	mu   sync.Mutex
	sums map[int32]gcm.Sum
	last int32 // number of the last part, once sealed
}

// NewMultipartUpload makes a data key for a new object to be uploaded in
// parts of partSize bytes of plaintext (a multiple of 16), with the
// encryption context ec.
func (e *Encrypter) NewMultipartUpload(ctx context.Context, partSize int64, ec map[string]string) (*MultipartUpload, error) {
	if partSize <= 0 || partSize%gcm.BlockSize != 0 {
		return nil, fmt.Errorf("encrypt: part size %d is not a positive multiple of 16", partSize)
	}
	o, err := e.newObject(ctx, -1, ec)
	if err != nil {
		return nil, err
	}
	return &MultipartUpload{o: o, partSize: partSize, sums: make(map[int32]gcm.Sum)}, nil
}

// Envelope returns the object's envelope.
func (m *MultipartUpload) Envelope() *Envelope { return m.o.env }

// PartSize returns the plaintext size of every part but the last.
func (m *MultipartUpload) PartSize() int64 { return m.partSize }

// maxParts is S3's limit on the number of parts.
const maxParts = 10000

// SealPart appends the ciphertext of part number n (1 to 10000, not the
// last) to dst and returns the result, as cipher.AEAD's Seal does:
// plaintext must be PartSize bytes, and dst may be plaintext[:0] to
// encrypt in place. The ciphertext has the plaintext's length. It is safe
// to call for several parts at once.
//
// Sealing a part again (to retry its upload) gives the same ciphertext for
// the same plaintext; for other plaintext it returns ErrPartChanged and no
// ciphertext, because the key stream would be reused.
func (m *MultipartUpload) SealPart(dst []byte, n int32, plaintext []byte) ([]byte, error) {
	if int64(len(plaintext)) != m.partSize {
		return nil, fmt.Errorf("encrypt: part %d has %d bytes, not the part size %d", n, len(plaintext), m.partSize)
	}
	m.mu.Lock()
	last := m.last
	m.mu.Unlock()
	if last != 0 && n >= last {
		return nil, fmt.Errorf("encrypt: part %d after the last part %d", n, last)
	}
	return m.seal(dst, n, plaintext)
}

// SealLastPart appends the ciphertext of the last part, number n, and the
// object's tag to dst: it is len(plaintext)+16 bytes. plaintext holds at
// most PartSize bytes (none if the object is empty). Parts 1 to n-1 must
// have been sealed.
func (m *MultipartUpload) SealLastPart(dst []byte, n int32, plaintext []byte) ([]byte, error) {
	if int64(len(plaintext)) > m.partSize {
		return nil, fmt.Errorf("encrypt: last part %d has %d bytes, more than the part size %d", n, len(plaintext), m.partSize)
	}
	m.mu.Lock()
	if m.last != 0 && m.last != n {
		m.mu.Unlock()
		return nil, fmt.Errorf("encrypt: part %d is already the last part", m.last)
	}
	for i := int32(1); i < n; i++ {
		if _, ok := m.sums[i]; !ok {
			m.mu.Unlock()
			return nil, fmt.Errorf("encrypt: part %d has not been sealed", i)
		}
	}
	for i := range m.sums {
		if i > n {
			m.mu.Unlock()
			return nil, fmt.Errorf("encrypt: part %d was sealed after the last part %d", i, n)
		}
	}
	m.last = n
	m.mu.Unlock()
	out, err := m.seal(dst, n, plaintext)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	var total gcm.Sum
	for i := int32(1); i <= n; i++ {
		total = m.o.key.Concat(total, m.sums[i])
	}
	m.mu.Unlock()
	tag := m.o.key.Tag(m.o.nonce, m.o.aad, total)
	return append(out, tag[:]...), nil
}

func (m *MultipartUpload) seal(dst []byte, n int32, plaintext []byte) ([]byte, error) {
	if n < 1 || n > maxParts {
		return nil, fmt.Errorf("encrypt: part number %d is not between 1 and %d", n, maxParts)
	}
	off := int64(n-1) * m.partSize
	if off+int64(len(plaintext)) > gcm.MaxPlaintext {
		return nil, errors.New("encrypt: more than GCM can encrypt with one key and IV")
	}
	head := len(dst)
	dst = slices.Grow(dst, len(plaintext)+gcm.TagSize)
	s := m.o.key.NewStream(m.o.nonce, uint64(off))
	out := dst[head : head+len(plaintext)+gcm.TagSize]
	for i := 0; i < len(plaintext); i += gcm.ChunkSize {
		j := min(i+gcm.ChunkSize, len(plaintext))
		// Seal writes a tag after the chunk: when sealing in place, that
		// is the next chunk's plaintext.
		var save [gcm.TagSize]byte
		copy(save[:], out[j:])
		s.Seal(out[i:], plaintext[i:j])
		copy(out[j:], save[:])
	}
	sum := s.Sum()
	m.mu.Lock()
	old, ok := m.sums[n]
	if !ok {
		m.sums[n] = sum
	}
	m.mu.Unlock()
	if ok && !old.Equal(sum) {
		clear(out)
		return nil, ErrPartChanged
	}
	return dst[:head+len(plaintext)], nil
}
