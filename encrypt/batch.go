package encrypt

import (
	"crypto/cipher"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// Decryption without the fused AES-GCM assembly (anything but the standard
// Open of a whole object) makes two passes over the ciphertext: GHASH, then
// AES-CTR, each in the standard library's assembly. Neither primitive can
// do the other's work: Seal hashes its output, not its input, and Open
// hashes its input but withholds its output unless it is given the right
// tag in advance. On one core that costs a third of Open's throughput; the
// streaming readers therefore take batchSize bytes at a time and share the
// chunks of each batch between up to GOMAXPROCS goroutines, joining the
// chunks' GHASH values in order.

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
// buf (the zero Sum unless passHash). Each chunk is hashed before it is
// decrypted, while it is in cache. Up to GOMAXPROCS goroutines take the
// next chunk as they finish one, so that a goroutine the system delays
// does not hold the others back. buf's length must be a multiple of
// gcm.BlockSize unless it ends the object.
func (c *content) process(buf []byte, off uint64, passes int) gcm.Sum {
	chunks := (len(buf) + gcm.ChunkSize - 1) / gcm.ChunkSize
	workers := 1
	if len(buf) >= minParallel {
		workers = min(runtime.GOMAXPROCS(0), chunks)
	}
	if workers <= 1 {
		return c.processPiece(buf, off, passes)
	}
	sums := make([]gcm.Sum, chunks)
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= chunks {
				return
			}
			a := i * gcm.ChunkSize
			sums[i] = c.processPiece(buf[a:min(a+gcm.ChunkSize, len(buf))], off+uint64(a), passes)
		}
	}
	// A helper that has not started when the work is done is not waited
	// for: on a busy machine its thread may not run for a while.
	helpers := make([]helper, workers-1)
	for i := range helpers {
		h := &helpers[i]
		h.done = make(chan struct{})
		go func() {
			if h.state.CompareAndSwap(helperIdle, helperStarted) {
				work()
				close(h.done)
			}
		}()
	}
	work()
	for i := range helpers {
		if h := &helpers[i]; !h.state.CompareAndSwap(helperIdle, helperDismissed) {
			<-h.done
		}
	}
	var s gcm.Sum
	for _, p := range sums {
		s = c.key.Concat(s, p)
	}
	return s
}

// helper is a goroutine process may start.
type helper struct {
	state atomic.Int32
	done  chan struct{}
}

const (
	helperIdle = iota
	helperStarted
	helperDismissed
)

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

// pipe processes the chunks of one batch as they are read: helper
// goroutines take each chunk once it is complete, while the rest of the
// batch is still being read, and the reader joins them at the end.
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

// newPipe starts helpers, up to GOMAXPROCS-1, for chunks of buf, the
// ciphertext at byte offset off of the object.
func (c *content) newPipe(buf []byte, off uint64, passes int) *pipe {
	n := (len(buf) + gcm.ChunkSize - 1) / gcm.ChunkSize
	p := &pipe{c: c, buf: buf, off: off, passes: passes, ready: make(chan int, n), lens: make([]int, n), sums: make([]gcm.Sum, n)}
	p.helpers = make([]helper, max(min(runtime.GOMAXPROCS(0), n)-1, 0))
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

// send hands over the whole chunks of buf[:n]. If chunks are waiting (no
// helper runs, or they lag), the reader processes one itself while it is
// in cache.
func (p *pipe) send(n int) {
	for p.sent < len(p.lens) && (p.sent+1)*gcm.ChunkSize <= n {
		p.lens[p.sent] = gcm.ChunkSize
		p.ready <- p.sent
		p.sent++
	}
	if len(p.ready) > 1 {
		select {
		case i := <-p.ready:
			p.do(i)
		default:
		}
	}
}

// finish hands over the rest of buf[:n], processes what is left with the
// helpers and returns the GHASH value of buf[:n].
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
