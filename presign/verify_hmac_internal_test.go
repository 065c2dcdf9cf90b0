package presign

import (
	"crypto/hmac"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// sigV4HMAC is crypto/hmac's HMAC-SHA256, for keys shorter and longer than
// a block and data shorter and longer than its stack buffer.
func TestSigV4HMACIsHMAC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for _, keyLen := range []int{0, 1, 32, 44, 63, 64, 65, 100, 200} {
		for _, dataLen := range []int{0, 1, 8, 55, 56, 64, 150, 255, 256, 257, 1000} {
			key, data := bytes(keyLen), bytes(dataLen)
			m := hmac.New(sha256.New, key)
			m.Write(data)
			want := m.Sum(nil)
			if got := sigV4HMAC(key, string(data)); !hmac.Equal(got[:], want) {
				t.Errorf("key of %d bytes, data of %d bytes: %x, want %x", keyLen, dataLen, got, want)
			}
		}
	}
}

func BenchmarkSigV4Key(b *testing.B) {
	sc := credScope{date: "20250101", region: "us-east-1", service: "s3"}
	for b.Loop() {
		sigV4Key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sc)
	}
}
