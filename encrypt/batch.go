package encrypt

import (
	"crypto/cipher"
	"runtime"
	"sync"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// Decryption without the fused AES-GCM assembly (anything but the standard
// Open of a whole object) makes two passes over the ciphertext: GHASH, then
// AES-CTR, each in the standard library's assembly. Neither primitive can
// do the other's work: Seal hashes its output, not its input, and Open
// hashes its input but withholds its output unless it is given the right
// tag in advance. On one core that costs about 70% of Open's throughput;
// the streaming readers therefore take batchSize bytes at a time and
// split each batch between up to GOMAXPROCS goroutines, chunk-aligned, and
// join the pieces' GHASH values in order.

// batchSize is the ciphertext the streaming readers take at a time.
const batchSize = 8 * gcm.ChunkSize

// batchPool recycles the streaming readers' buffers: a batch, the tag and
// a byte of look-ahead.
var batchPool = sync.Pool{New: func() any {
	b := make([]byte, batchSize+gcm.TagSize+1)
	return &b
}}

// Passes over the ciphertext that process runs.
const (
	passHash    = 1 << iota // add the ciphertext to the GHASH value
	passDecrypt             // decrypt it in place (AES-CTR)
)

// minParallel is the smallest buffer process splits: below two chunks the
// goroutine costs more than it saves.
const minParallel = 2 * gcm.ChunkSize

// process runs passes over buf, the ciphertext at byte offset off (a
// multiple of gcm.BlockSize) of the object, and returns the GHASH value of
// buf (the zero Sum unless passHash). Every piece is hashed before it is
// decrypted, a chunk at a time while it is in cache. buf's length must be
// a multiple of gcm.BlockSize unless it ends the object.
func (c *content) process(buf []byte, off uint64, passes int) gcm.Sum {
	n := 1
	if len(buf) >= minParallel {
		n = min(runtime.GOMAXPROCS(0), len(buf)/gcm.ChunkSize)
	}
	if n <= 1 {
		return c.processPiece(buf, off, passes)
	}
	// Pieces of whole chunks, the last one taking the remainder.
	per := len(buf) / gcm.ChunkSize / n * gcm.ChunkSize
	sums := make([]gcm.Sum, n)
	var wg sync.WaitGroup
	for i := range n - 1 {
		a := i * per
		wg.Go(func() { sums[i] = c.processPiece(buf[a:a+per], off+uint64(a), passes) })
	}
	a := (n - 1) * per
	sums[n-1] = c.processPiece(buf[a:], off+uint64(a), passes)
	wg.Wait()
	var s gcm.Sum
	for _, p := range sums {
		s = c.key.Concat(s, p)
	}
	return s
}

// processPiece is process on one goroutine.
func (c *content) processPiece(buf []byte, off uint64, passes int) gcm.Sum {
	var s *gcm.Stream
	if passes&passHash != 0 {
		s = c.key.NewStream(c.nonce, off)
	}
	var ctr cipher.Stream
	if passes&passDecrypt != 0 {
		ctr = c.key.CTR(c.nonce, off)
	}
	for len(buf) > 0 {
		chunk := buf[:min(len(buf), gcm.ChunkSize)]
		buf = buf[len(chunk):]
		if s != nil {
			s.Hash(chunk)
		}
		if ctr != nil {
			ctr.XORKeyStream(chunk, chunk)
		}
	}
	if s == nil {
		return gcm.Sum{}
	}
	return s.Sum()
}
