package gcm

import (
	"encoding/binary"
	"math/bits"
)

// elem is an element of GF(2^128) in GCM's representation (NIST SP 800-38D,
// section 6.3): the first bit of a block, the most significant bit of byte 0,
// is the coefficient of x^0. hi holds bytes 0-7 and lo bytes 8-15, big endian.
type elem struct{ hi, lo uint64 }

// one is the multiplicative identity: the polynomial 1.
var one = elem{hi: 1 << 63}

func load(b []byte) elem {
	return elem{binary.BigEndian.Uint64(b), binary.BigEndian.Uint64(b[8:])}
}

func (e elem) store(b []byte) {
	binary.BigEndian.PutUint64(b, e.hi)
	binary.BigEndian.PutUint64(b[8:], e.lo)
}

func (e elem) xor(f elem) elem { return elem{e.hi ^ f.hi, e.lo ^ f.lo} }

// mul returns x·y, following Algorithm 1 of SP 800-38D. It runs in constant
// time: no branch or memory access depends on x or y. It is the slow path
// (a few hundred nanoseconds), used a few times per chunk; the bulk of GHASH
// runs in the standard library's carry-less multiplication.
func mul(x, y elem) elem {
	var zh, zl uint64
	vh, vl := y.hi, y.lo
	step := func(bit uint64) {
		m := -bit
		zh ^= vh & m
		zl ^= vl & m
		lsb := vl & 1
		vl = vl>>1 | vh<<63
		vh = vh>>1 ^ (0xe1<<56)&-lsb
	}
	for i := 63; i >= 0; i-- {
		step(x.hi >> uint(i) & 1)
	}
	for i := 63; i >= 0; i-- {
		step(x.lo >> uint(i) & 1)
	}
	return elem{zh, zl}
}

// pow returns x^n by square and multiply. n is public (a length), so the
// branches on its bits leak nothing secret.
func pow(x elem, n uint64) elem {
	r := one
	for n > 0 {
		if n&1 == 1 {
			r = mul(r, x)
		}
		x = sqr(x)
		n >>= 1
	}
	return r
}

// sqrN returns x^(2^n): x squared n times.
func sqrN(x elem, n int) elem {
	for range n {
		x = sqr(x)
	}
	return x
}

// inv returns x^-1 = x^(2^128-2) for x ≠ 0, with an addition chain for
// 2^127-1 (126 squarings and 12 multiplications).
func inv(x elem) elem {
	// a[k] = x^(2^k - 1)
	a1 := x
	a2 := mul(sqrN(a1, 1), a1)
	a4 := mul(sqrN(a2, 2), a2)
	a8 := mul(sqrN(a4, 4), a4)
	a16 := mul(sqrN(a8, 8), a8)
	a32 := mul(sqrN(a16, 16), a16)
	a64 := mul(sqrN(a32, 32), a32)
	// 127 = 64+32+16+8+4+2+1
	r := mul(sqrN(a64, 32), a32) // 2^96-1
	r = mul(sqrN(r, 16), a16)    // 2^112-1
	r = mul(sqrN(r, 8), a8)      // 2^120-1
	r = mul(sqrN(r, 4), a4)      // 2^124-1
	r = mul(sqrN(r, 2), a2)      // 2^126-1
	r = mul(sqrN(r, 1), a1)      // 2^127-1
	return mul(r, r)             // 2^128-2
}

// spread32 spreads the low 32 bits of x to the even bits of the result.
func spread32(x uint64) uint64 {
	x &= 0xffffffff
	x = (x | x<<16) & 0x0000ffff0000ffff
	x = (x | x<<8) & 0x00ff00ff00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f0f0f0f0f
	x = (x | x<<2) & 0x3333333333333333
	x = (x | x<<1) & 0x5555555555555555
	return x
}

// sqr returns x², in constant time. Squaring in characteristic 2 only
// spreads the coefficients (c_i x^i becomes c_i x^2i) before reducing by
// x^128 + x^7 + x^2 + x + 1, so it costs a tenth of mul. It works on the
// coefficients in natural order (bit j of a word is x^j), hence the bit
// reversals.
func sqr(x elem) elem {
	a := bits.Reverse64(x.hi) // x^0..x^63
	b := bits.Reverse64(x.lo) // x^64..x^127
	d0, d1 := spread32(a), spread32(a>>32)
	d2, d3 := spread32(b), spread32(b>>32)
	// Fold x^128..x^255 (d2, d3) into x^0..x^127: x^128 = x^7+x^2+x+1.
	// The shifts push up to 7 bits past x^127; fold those once more.
	over := d3>>63 ^ d3>>62 ^ d3>>57
	r0 := d0 ^ d2 ^ d2<<1 ^ d2<<2 ^ d2<<7
	r1 := d1 ^ d3 ^ (d3<<1 | d2>>63) ^ (d3<<2 | d2>>62) ^ (d3<<7 | d2>>57)
	r0 ^= over ^ over<<1 ^ over<<2 ^ over<<7
	return elem{bits.Reverse64(r0), bits.Reverse64(r1)}
}
