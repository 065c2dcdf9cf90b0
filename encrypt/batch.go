package encrypt

import (
	"crypto/cipher"
	"sync"
	"sync/atomic"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// Decryption without the fused AES-GCM assembly (anything but the standard
// Open of a whole object) makes two passes over the ciphertext: GHASH, then
// AES-CTR, each in the standard library's assembly. Neither primitive can
// do the other's work: Seal hashes its output, not its input, and Open
// hashes its input but withholds its output unless it is given the right
// tag in advance. On one core that costs about 40% of Open's throughput.
// The streaming readers take batchSize bytes at a time and process each
// chunk as soon as it has been read, on the reading goroutine or, with
// Decrypter.Concurrency, on helper goroutines, joining the chunks' GHASH
// values in order.

// batchSize is the ciphertext the streaming readers take at a time: large
// enough that a helper goroutine, which may take a while to start, gets
// its share of the chunks.
const batchSize = 32 * gcm.ChunkSize

// batchPool recycles the streaming readers' buffers: a batch, the tag and
// a byte of look-ahead.
var batchPool = sync.Pool{New: func() any {
	b := make([]byte, batchSize+gcm.TagSize+1)
	return &b
}}

// Passes over the ciphertext that a pipe runs.
const (
	passHash    = 1 << iota // add the ciphertext to the GHASH value
	passDecrypt             // decrypt it in place (AES-CTR)
)

// processPiece runs passes over buf, the ciphertext at byte offset off (a
// multiple of gcm.BlockSize) of the object, and returns the GHASH value of
// buf (the zero Sum unless passHash). Each chunk is hashed before it is
// decrypted, while it is in cache. buf's length must be a multiple of
// gcm.BlockSize unless it ends the object.
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

// helper is a goroutine a pipe may start.
type helper struct {
	state atomic.Int32
	done  chan struct{}
}

const (
	helperIdle = iota
	helperStarted
	helperDismissed
)

// pipe processes the chunks of one batch as they are read: the reader
// processes each chunk once it is complete, or helper goroutines take it
// while the rest of the batch is still being read, and the reader joins
// them at the end.
type pipe struct {
	c       *content
	buf     []byte
	off     uint64
	passes  int
	ready   chan int // indices of chunks ready to be processed
	lens    []int
	sums    []gcm.Sum
	sent    int
	helpers []helper
}

// newPipe starts up to c.workers-1 helpers for the chunks of buf, the
// ciphertext at byte offset off of the object.
func (c *content) newPipe(buf []byte, off uint64, passes int) *pipe {
	n := (len(buf) + gcm.ChunkSize - 1) / gcm.ChunkSize
	p := &pipe{c: c, buf: buf, off: off, passes: passes, ready: make(chan int, n), lens: make([]int, n), sums: make([]gcm.Sum, n)}
	if c.workers > 1 {
		p.helpers = make([]helper, min(c.workers, n)-1)
	}
	for i := range p.helpers {
		h := &p.helpers[i]
		h.done = make(chan struct{})
		go func() {
			if h.state.CompareAndSwap(helperIdle, helperStarted) {
				p.work()
				close(h.done)
			}
		}()
	}
	return p
}

func (p *pipe) work() {
	for i := range p.ready {
		p.do(i)
	}
}

func (p *pipe) do(i int) {
	a := i * gcm.ChunkSize
	p.sums[i] = p.c.processPiece(p.buf[a:a+p.lens[i]], p.off+uint64(a), p.passes)
}

// send hands over the whole chunks of buf[:n]. Without helpers, or if
// chunks are waiting (the helpers lag, or have not started), the reader
// processes one itself while it is in cache.
func (p *pipe) send(n int) {
	for p.sent < len(p.lens) && (p.sent+1)*gcm.ChunkSize <= n {
		p.lens[p.sent] = gcm.ChunkSize
		p.ready <- p.sent
		p.sent++
	}
	if len(p.ready) > 1 || len(p.helpers) == 0 {
		select {
		case i := <-p.ready:
			p.do(i)
		default:
		}
	}
}

// finish hands over the rest of buf[:n], processes what is left with the
// helpers and returns the GHASH value of buf[:n]. A helper that has not
// started by then is not waited for: on a busy machine its thread may not
// run for a while.
func (p *pipe) finish(n int) gcm.Sum {
	p.send(n)
	if a := p.sent * gcm.ChunkSize; a < n {
		p.lens[p.sent] = n - a
		p.ready <- p.sent
		p.sent++
	}
	close(p.ready)
	p.work()
	for i := range p.helpers {
		if h := &p.helpers[i]; !h.state.CompareAndSwap(helperIdle, helperDismissed) {
			<-h.done
		}
	}
	var s gcm.Sum
	for _, v := range p.sums[:p.sent] {
		s = p.c.key.Concat(s, v)
	}
	return s
}
