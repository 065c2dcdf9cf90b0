package gcm

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"testing"
)

func newKey(t testing.TB) (*Key, cipher.AEAD) {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	k, err := NewKey(key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := aes.NewCipher(key)
	std, _ := cipher.NewGCM(b)
	return k, std
}

// sizes covers the edges of blocks and chunks and some random lengths.
func sizes(r *mrand.Rand) []int {
	s := []int{0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 4097,
		ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 5}
	for range 20 {
		s = append(s, r.IntN(4*ChunkSize))
	}
	return s
}

// chunking splits n into chunks of multiples of 16 bytes, the last free.
func chunking(r *mrand.Rand, n int) []int {
	var c []int
	for n > 0 {
		var m int
		switch r.IntN(3) {
		case 0:
			m = ChunkSize
		case 1:
			m = 16 * (1 + r.IntN(1000))
		default:
			m = n
		}
		m = min(m, n)
		c = append(c, m)
		n -= m
	}
	return c
}

// TestSealMatchesStdlib proves that sealing chunk by chunk, from offset 0
// or as parallel runs joined with Concat, gives exactly what the standard
// library's Seal gives on the whole message.
func TestSealMatchesStdlib(t *testing.T) {
	r := mrand.New(mrand.NewPCG(1, 2))
	k, std := newKey(t)
	for _, n := range sizes(r) {
		for _, aad := range [][]byte{nil, {0x00, 0x73}, bytes.Repeat([]byte{7}, 40)} {
			nonce := make([]byte, NonceSize)
			rand.Read(nonce)
			pt := make([]byte, n)
			rand.Read(pt)
			want := std.Seal(nil, nonce, pt, aad)

			// One stream, random chunking.
			s := k.NewStream(nonce, 0)
			got := make([]byte, 0, n+TagSize)
			for _, m := range chunking(r, n) {
				off := len(got)
				buf := make([]byte, m, m+TagSize)
				if m%2 == 0 { // in place
					copy(buf, pt[off:off+m])
					s.Seal(buf, buf)
				} else {
					s.Seal(buf, pt[off:off+m])
				}
				got = append(got, buf...)
			}
			tag := k.Tag(nonce, aad, s.Sum())
			got = append(got, tag[:]...)
			if !bytes.Equal(got, want) {
				t.Fatalf("n=%d aad=%d: stream seal differs from stdlib", n, len(aad))
			}

			// Parts sealed in reverse order, then joined.
			parts := chunking(r, n)
			sums := make([]Sum, len(parts))
			ct := make([]byte, n)
			off := 0
			offs := make([]int, len(parts))
			for i, m := range parts {
				offs[i] = off
				off += m
			}
			for i := len(parts) - 1; i >= 0; i-- {
				m := parts[i]
				buf := make([]byte, m, m+TagSize)
				copy(buf, pt[offs[i]:])
				ps := k.NewStream(nonce, uint64(offs[i]))
				ps.Seal(buf, buf)
				copy(ct[offs[i]:], buf)
				sums[i] = ps.Sum()
			}
			var total Sum
			for _, s := range sums {
				total = k.Concat(total, s)
			}
			tag = k.Tag(nonce, aad, total)
			if !bytes.Equal(append(ct, tag[:]...), want) {
				t.Fatalf("n=%d aad=%d: parts joined differ from stdlib", n, len(aad))
			}

			// Hashing the ciphertext verifies it; CTR decrypts it.
			hs := k.NewStream(nonce, 0)
			for off := 0; off < n; {
				m := min(n-off, 16*(1+r.IntN(3000)))
				hs.Hash(want[off : off+m])
				off += m
			}
			if err := k.Verify(nonce, aad, hs.Sum(), want[n:]); err != nil {
				t.Fatalf("n=%d: Verify: %v", n, err)
			}
			if n > 0 {
				bad := bytes.Clone(want)
				bad[r.IntN(n)] ^= 1
				hs := k.NewStream(nonce, 0)
				hs.Hash(bad[:n])
				if k.Verify(nonce, aad, hs.Sum(), bad[n:]) == nil {
					t.Fatalf("n=%d: tampered ciphertext verified", n)
				}
			}
			dec := make([]byte, n)
			off0 := 16 * (n / 16 / 2)
			k.CTR(nonce, uint64(off0)).XORKeyStream(dec[off0:], want[off0:n])
			k.CTR(nonce, 0).XORKeyStream(dec[:off0], want[:off0])
			if !bytes.Equal(dec, pt) {
				t.Fatalf("n=%d: CTR does not decrypt", n)
			}
		}
	}
}

func TestField(t *testing.T) {
	r := mrand.New(mrand.NewPCG(3, 4))
	for range 100 {
		x := elem{r.Uint64(), r.Uint64()}
		y := elem{r.Uint64(), r.Uint64()}
		if mul(x, one) != x || mul(one, x) != x {
			t.Fatal("one is not the identity")
		}
		if mul(x, y) != mul(y, x) {
			t.Fatal("mul does not commute")
		}
		if sqr(x) != mul(x, x) {
			t.Fatal("sqr(x) != x·x")
		}
		if mul(inv(x), x) != one {
			t.Fatal("inv(x)·x != 1")
		}
		if pow(x, 5) != mul(mul(mul(mul(x, x), x), x), x) {
			t.Fatal("pow")
		}
	}
}

// TestVector is test case 14 of the GCM specification (McGrew and Viega,
// "The Galois/Counter Mode of Operation", revised 2005, appendix B):
// AES-256, zero key, zero nonce, one zero block.
func TestVector(t *testing.T) {
	k, err := NewKey(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	nonce := make([]byte, NonceSize)
	p := make([]byte, 16, 32)
	s := k.NewStream(nonce, 0)
	s.Seal(p, p)
	tag := k.Tag(nonce, nil, s.Sum())
	if got := hex.EncodeToString(p); got != "cea7403d4d606b6e074ec5d3baf39d18" {
		t.Errorf("ciphertext %s", got)
	}
	if got := hex.EncodeToString(tag[:]); got != "d0d1c8a799996bf0265b98b5d48ab919" {
		t.Errorf("tag %s", got)
	}
}

func BenchmarkSeal(b *testing.B) {
	k, std := newKey(b)
	nonce := make([]byte, NonceSize)
	buf := make([]byte, ChunkSize, ChunkSize+TagSize)
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(ChunkSize)
		s := k.NewStream(nonce, 0)
		out := make([]byte, ChunkSize+TagSize)
		s.Seal(out, buf) // leave offset 0: measure the 128-bit nonce path
		for b.Loop() {
			s.Seal(out, buf)
		}
	})
	b.Run("hash", func(b *testing.B) {
		b.SetBytes(ChunkSize)
		s := k.NewStream(nonce, 0)
		for b.Loop() {
			s.Hash(buf)
		}
	})
	b.Run("ctr", func(b *testing.B) {
		b.SetBytes(ChunkSize)
		c := k.CTR(nonce, 0)
		for b.Loop() {
			c.XORKeyStream(buf, buf)
		}
	})
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(ChunkSize)
		out := make([]byte, ChunkSize+TagSize)
		for b.Loop() {
			std.Seal(out[:0], nonce, buf, nil)
		}
	})
	b.Run("inv", func(b *testing.B) {
		x := elem{1, 2}
		for b.Loop() {
			x = inv(x)
		}
	})
	b.Run("mul", func(b *testing.B) {
		x, y := elem{1, 2}, elem{3, 4}
		for b.Loop() {
			x = mul(x, y)
		}
	})
}
