// Package gcm is AES-GCM with a 96-bit nonce and a 128-bit tag (NIST SP
// 800-38D) taken apart so that it streams: a message can be sealed or
// hashed a chunk at a time, from any block offset, and the GHASH values of
// separate runs (the parts of a multipart upload, sealed in parallel) can be
// joined into the tag of the whole.
//
// The standard library does the bulk work, with its hardware AES and
// carry-less multiplication:
//
//   - Sealing a chunk at counter block J0+1+i calls the standard GCM Seal
//     with a 128-bit nonce N chosen so that GHASH_H(N) = J0+i, which makes
//     its counter run exactly ours; from the tag it returns, the chunk's
//     GHASH value is recovered by removing E_K(J0+i) and the length block.
//   - Hashing ciphertext (to verify before decrypting) passes the chunk as
//     additional data to the standard Seal with a fixed nonce and removes
//     E_K of that nonce's J0 and the length block.
//
// Only joining runs happens in pure Go: a couple of constant-time
// multiplications in GF(2^128) per chunk, by powers of H = E_K(0^128).
package gcm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"sync"
)

// Sizes of GCM as the S3 Encryption Client uses it.
const (
	BlockSize = 16
	NonceSize = 12
	TagSize   = 16
	// MaxPlaintext is GCM's limit on one message with a 96-bit nonce,
	// 2^39-256 bits.
	MaxPlaintext = 1<<36 - 32
	// ChunkSize is the chunk length the Key's caches are computed for;
	// other lengths work, at the cost of a few more multiplications.
	ChunkSize = 128 << 10
)

// Key is an AES-256 key prepared for streaming GCM. It is safe for
// concurrent use.
type Key struct {
	block   cipher.Block
	std     cipher.AEAD // 96-bit nonces: sealing from offset 0, hashing
	h       elem        // E_K(0^128)
	zeroTag elem        // E_K(0^96 || 1): what std.Seal(0^96, nil, a) adds to GHASH

	once  sync.Once
	wide  cipher.AEAD // 128-bit nonces: sealing from any counter
	hInv2 elem        // H^-2
	x2h   elem        // L(128-bit nonce)·H
	hm    elem        // H^(ChunkSize/16)
	lenA  elem        // [8·ChunkSize]_64 || 0^64, times H
	lenC  elem        // 0^64 || [8·ChunkSize]_64, times H
}

// NewKey prepares key, which must be 16, 24 or 32 bytes.
func NewKey(key []byte) (*Key, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	std, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	k := &Key{block: block, std: std}
	var b [BlockSize]byte
	block.Encrypt(b[:], b[:])
	k.h = load(b[:])
	var zero [NonceSize]byte
	k.zeroTag = load(std.Seal(b[:0], zero[:], nil, nil))
	return k, nil
}

// AEAD returns the standard library's GCM for the key, for messages held
// whole in memory.
func (k *Key) AEAD() cipher.AEAD { return k.std }

func (k *Key) init() {
	k.once.Do(func() {
		// In FIPS 140-only mode arbitrary nonces are refused: Seal then
		// falls back to CTR and Hash, two passes.
		if wide, err := cipher.NewGCMWithNonceSize(k.block, BlockSize); err == nil {
			k.wide = wide
		}
		hi := inv(k.h)
		k.hInv2 = mul(hi, hi)
		k.x2h = mul(elem{lo: 8 * BlockSize}, k.h)
		k.hm = pow(k.h, ChunkSize/BlockSize)
		k.lenA = mul(elem{hi: 8 * ChunkSize}, k.h)
		k.lenC = mul(elem{lo: 8 * ChunkSize}, k.h)
	})
}

func blocks(n uint64) uint64 { return (n + BlockSize - 1) / BlockSize }

// hpow returns H^n, from the cache when n is a chunk's block count.
func (k *Key) hpow(n uint64) elem {
	switch n {
	case 0:
		return one
	case 1:
		return k.h
	case ChunkSize / BlockSize:
		k.init()
		return k.hm
	}
	return pow(k.h, n)
}

// lenH returns the length block for n bytes of additional data (ad) or of
// ciphertext, times H.
func (k *Key) lenH(n uint64, ad bool) elem {
	if n == ChunkSize {
		k.init()
		if ad {
			return k.lenA
		}
		return k.lenC
	}
	if ad {
		return mul(elem{hi: 8 * n}, k.h)
	}
	return mul(elem{lo: 8 * n}, k.h)
}

// counter returns the counter block J0+i for nonce: nonce || (1+i).
func counter(nonce []byte, i uint64) [BlockSize]byte {
	var j [BlockSize]byte
	copy(j[:], nonce)
	binary.BigEndian.PutUint32(j[NonceSize:], uint32(1+i))
	return j
}

// Sum is the GHASH value of a run of ciphertext on its own: Σ X_i·H^(m-i+2)
// over its m blocks X_i, the last zero-padded. The zero Sum is the empty run.
type Sum struct {
	v elem
	n uint64 // bytes
}

// Len returns the run's length in bytes.
func (s Sum) Len() uint64 { return s.n }

// Concat returns the Sum of run a followed by run b. a's length must be a
// multiple of BlockSize unless b is empty.
func (k *Key) Concat(a, b Sum) Sum {
	if b.n == 0 {
		return a
	}
	if a.n%BlockSize != 0 {
		panic("gcm: Concat after a partial block")
	}
	return Sum{v: mul(a.v, k.hpow(blocks(b.n))).xor(b.v), n: a.n + b.n}
}

// extend appends a chunk whose GHASH value (times H) is h.
func (k *Key) extend(s *Sum, h elem, n uint64) {
	if s.n%BlockSize != 0 {
		panic("gcm: data after a partial block")
	}
	s.v = mul(s.v, k.hpow(blocks(n))).xor(h)
	s.n += n
}

// Stream seals or hashes one run of a message, chunk by chunk, from a block
// offset. Every chunk but the last must be a multiple of BlockSize.
type Stream struct {
	k     *Key
	nonce [NonceSize]byte
	start uint64 // offset of the run in blocks
	sum   Sum
}

// NewStream starts a run at byte offset off (a multiple of BlockSize) of the
// message with the given 12-byte nonce.
func (k *Key) NewStream(nonce []byte, off uint64) *Stream {
	if len(nonce) != NonceSize || off%BlockSize != 0 {
		panic("gcm: bad nonce or offset")
	}
	s := &Stream{k: k, start: off / BlockSize}
	copy(s.nonce[:], nonce)
	return s
}

// Sum returns the GHASH value of the run so far.
func (s *Stream) Sum() Sum { return s.sum }

// Seal encrypts src into dst and adds the ciphertext to the run. cap(dst)
// must be at least len(src)+TagSize (the standard library writes a tag
// there); dst[:len(src)] may be src itself, or must not overlap it. It
// returns dst[:len(src)].
func (s *Stream) Seal(dst, src []byte) []byte {
	n := uint64(len(src))
	dst = dst[:len(src)]
	if n == 0 {
		return dst
	}
	k := s.k
	i := s.start + s.sum.n/BlockSize // counter block J0+1+i holds src[0]
	var out []byte
	if i == 0 {
		out = k.std.Seal(dst[:0], s.nonce[:], src, nil)
	} else if k.init(); k.wide == nil {
		k.CTR(s.nonce[:], i*BlockSize).XORKeyStream(dst, src)
		s.Hash(dst)
		return dst
	} else {
		// GHASH(N || 0^64 || [128]_64) = N·H^2 + x2·H must equal J0+i.
		j := counter(s.nonce[:], i)
		t := mul(load(j[:]).xor(k.x2h), k.hInv2)
		var wn [BlockSize]byte
		t.store(wn[:])
		out = k.wide.Seal(dst[:0], wn[:], src, nil)
	}
	// tag = E_K(J0+i) + GHASH(C, 0^64||[8n]_64)
	j := counter(s.nonce[:], i)
	k.block.Encrypt(j[:], j[:])
	h := load(out[n:]).xor(load(j[:])).xor(k.lenH(n, false))
	k.extend(&s.sum, h, n)
	return dst
}

// Hash adds ciphertext c to the run without decrypting it.
func (s *Stream) Hash(c []byte) {
	if len(c) == 0 {
		return
	}
	k := s.k
	n := uint64(len(c))
	var zero [NonceSize]byte
	var tag [TagSize]byte
	// tag = E_K(0^96||1) + GHASH(c as additional data, [8n]_64||0^64)
	k.std.Seal(tag[:0], zero[:], nil, c)
	h := load(tag[:]).xor(k.zeroTag).xor(k.lenH(n, true))
	k.extend(&s.sum, h, n)
}

// CTR returns the key stream of the message with the given nonce from byte
// offset off (a multiple of BlockSize): it decrypts without authenticating.
func (k *Key) CTR(nonce []byte, off uint64) cipher.Stream {
	if len(nonce) != NonceSize || off%BlockSize != 0 {
		panic("gcm: bad nonce or offset")
	}
	j := counter(nonce, 1+off/BlockSize)
	return cipher.NewCTR(k.block, j[:])
}

// Tag returns the tag of the message with the given nonce, additional data
// and ciphertext run c (from offset 0).
func (k *Key) Tag(nonce, aad []byte, c Sum) [TagSize]byte {
	var a Sum
	if len(aad) > 0 {
		s := Stream{k: k}
		s.Hash(aad)
		a = s.sum
	}
	// Additional data and ciphertext are padded separately.
	g := mul(a.v, k.hpow(blocks(c.n))).xor(c.v)
	g = g.xor(mul(elem{hi: 8 * uint64(len(aad)), lo: 8 * c.n}, k.h))
	j := counter(nonce, 0)
	k.block.Encrypt(j[:], j[:])
	var tag [TagSize]byte
	g.xor(load(j[:])).store(tag[:])
	return tag
}

// ErrOpen reports a tag that does not match.
var ErrOpen = errors.New("gcm: message authentication failed")

// Verify reports whether tag is the tag of the message, in constant time.
func (k *Key) Verify(nonce, aad []byte, c Sum, tag []byte) error {
	want := k.Tag(nonce, aad, c)
	if subtle.ConstantTimeCompare(want[:], tag) != 1 {
		return ErrOpen
	}
	return nil
}

// Equal reports whether two runs have the same length and GHASH value: a
// cheap fingerprint to notice a run sealed twice with different content.
func (s Sum) Equal(t Sum) bool { return s == t }
