package interop

import (
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
)

const sourceBlock = 64 << 10

// Source is a deterministic, seekable stream of Size bytes, generated as it
// is read from one 64 KiB pseudo-random block (byte i is block[i mod 64
// KiB]), so that a test or a measurement can feed gigabytes without holding
// them. It implements io.ReadSeeker and not Len, so that SDK code measures
// it by seeking, as it would a file.
type Source struct {
	Size  int64
	off   int64
	block *[sourceBlock]byte
}

// NewSource returns a stream of size bytes drawn from seed.
func NewSource(size int64, seed uint64) *Source {
	var b [sourceBlock]byte
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	rand.NewChaCha8(s).Read(b[:])
	return &Source{Size: size, block: &b}
}

// Read implements io.Reader.
func (s *Source) Read(p []byte) (int, error) {
	if s.off >= s.Size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.Size-s.off)]
	n := 0
	for n < len(p) {
		n += copy(p[n:], s.block[(s.off+int64(n))%sourceBlock:])
	}
	s.off += int64(n)
	return n, nil
}

// Seek implements io.Seeker.
func (s *Source) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += s.off
	case io.SeekEnd:
		offset += s.Size
	}
	if offset < 0 {
		return 0, errors.New("interop: seek before the start")
	}
	s.off = offset
	return offset, nil
}

// Sum returns the SHA-256 of the whole stream, without moving it.
func (s *Source) Sum() [32]byte {
	h := sha256.New()
	c := &Source{Size: s.Size, block: s.block}
	io.Copy(h, c)
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}
