package presign

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// The aws-chunked content encoding, as S3's "Signature Calculations for
// the Authorization Header: Transferring Payload in Multiple Chunks" and
// "Signature calculations for trailing headers" define it:
//
//	10000;chunk-signature=ad80c730...\r\n   (hex size; the signature only if signed)
//	<65536 bytes>\r\n
//	400;chunk-signature=0055627c...\r\n
//	<1024 bytes>\r\n
//	0;chunk-signature=b6c6ea8a...\r\n      (the final, empty chunk)
//	x-amz-checksum-crc32c:sOO8/Q==\r\n      (trailers, if any)
//	x-amz-trailer-signature:63bddb24...\r\n (if the trailer is signed)
//	\r\n
//
// The decoder holds at most one chunk: a signed chunk is read whole and
// its signature checked before any of its bytes are returned; unsigned
// chunks stream through.

// MaxChunkSize is the largest aws-chunked chunk the verifier accepts.
// S3's clients send 64 KiB chunks (the SDKs) up to a few MiB; a larger
// chunk is refused rather than held in memory.
const MaxChunkSize = 16 << 20

// minChunkSize is S3's smallest signed chunk but for the last one.
const minChunkSize = 8 << 10

// chunkLineMax bounds a chunk header or trailer line.
const chunkLineMax = 4096

// maxTrailers bounds the number of trailer lines.
const maxTrailers = 16

// chunkedReader decodes (and, if signed, verifies) an aws-chunked body.
type chunkedReader struct {
	src    *bufio.Reader
	closer io.Closer
	signer *chunkSigner // nil: unsigned chunks

	trailer      bool     // trailers follow the final chunk
	trailerNames []string // from x-amz-trailer, lower case
	sum          *checksum
	want         int64 // x-amz-decoded-content-length; -1 if not given
	maxChunk     int
	minChunk     int // the smallest signed chunk but for the last

	decoded  int64
	buf      []byte
	off, end int   // verified bytes of buf not yet returned
	left     int64 // unsigned: bytes of the current chunk not yet read
	needCRLF bool  // unsigned: the current chunk's CRLF is still to read
	chunks   int
	short    bool // a signed data chunk under minChunkSize was seen
	sig      [2 * sha256.Size]byte
	err      error
}

// chunkedOptions configure a chunkedReader.
type chunkedOptions struct {
	signer       *chunkSigner
	trailer      bool
	trailerNames []string
	sum          *checksum
	decodedLen   int64
	maxChunk     int
	// minChunk is the smallest signed chunk but for the last: S3's
	// minChunkSize when 0. Only the fuzzer, whose seeds are the smaller
	// for it, sets another.
	minChunk int
}

func newChunkedReader(body io.Reader, o chunkedOptions) *chunkedReader {
	c := &chunkedReader{
		src:          bufio.NewReaderSize(body, chunkLineMax),
		signer:       o.signer,
		trailer:      o.trailer,
		trailerNames: o.trailerNames,
		sum:          o.sum,
		want:         o.decodedLen,
		maxChunk:     o.maxChunk,
		minChunk:     cmp.Or(o.minChunk, minChunkSize),
	}
	if c.maxChunk <= 0 || c.maxChunk > MaxChunkSize {
		c.maxChunk = MaxChunkSize
	}
	if cl, ok := body.(io.Closer); ok {
		c.closer = cl
	}
	return c
}

func (c *chunkedReader) Close() error {
	if c.closer != nil {
		return c.closer.Close()
	}
	return nil
}

func (c *chunkedReader) Read(p []byte) (int, error) {
	for {
		if c.off < c.end {
			n := copy(p, c.buf[c.off:c.end])
			c.off += n
			return n, nil
		}
		if c.left > 0 {
			return c.readUnsigned(p)
		}
		if c.err != nil {
			return 0, c.err
		}
		if len(p) == 0 {
			return 0, nil
		}
		c.err = c.next()
	}
}

// WriteTo writes the decoded body to w, sparing io.Copy a buffer.
func (c *chunkedReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if c.off < c.end {
			n, err := w.Write(c.buf[c.off:c.end])
			c.off += n
			total += int64(n)
			if err != nil {
				return total, err
			}
			continue
		}
		if c.left > 0 {
			if len(c.buf) == 0 {
				c.buf = make([]byte, min(32<<10, c.maxChunk))
			}
			n, err := c.readUnsigned(c.buf[:cap(c.buf)])
			if n > 0 {
				m, werr := w.Write(c.buf[:n])
				total += int64(m)
				if werr != nil {
					return total, werr
				}
			}
			if err != nil {
				return total, err
			}
			continue
		}
		if c.err == nil {
			c.err = c.next()
			continue
		}
		if c.err == io.EOF {
			return total, nil
		}
		return total, c.err
	}
}

// readUnsigned reads from the current unsigned chunk.
func (c *chunkedReader) readUnsigned(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.src.Read(p)
	c.left -= int64(n)
	if c.sum != nil {
		c.sum.h.Write(p[:n])
	}
	if err != nil {
		if err == io.EOF {
			err = errIncompleteBody("")
		}
		c.err, c.left = err, 0
		return n, err
	}
	return n, nil
}

// next reads the next chunk header, and for a signed chunk its data, or
// finishes the body at the final chunk.
func (c *chunkedReader) next() error {
	if c.needCRLF {
		c.needCRLF = false
		if err := c.readCRLF(); err != nil {
			return err
		}
	}
	line, err := c.readLine()
	if err == io.EOF {
		return errIncompleteBody("") // the body ended before its final chunk
	}
	if err != nil {
		return err
	}
	size, sig, err := c.parseChunkHeader(line)
	if err != nil {
		return err
	}
	c.chunks++
	if size > 0 && c.signer != nil {
		if c.short {
			return errChunkTooSmall(c.chunks - 1)
		}
		c.short = size < c.minChunk
	}
	c.decoded += int64(size)
	if c.want >= 0 && c.decoded > c.want {
		return errIncompleteBody("The request body is longer than its x-amz-decoded-content-length.")
	}
	if size == 0 {
		return c.finish(sig)
	}
	if c.signer == nil {
		c.left, c.needCRLF = int64(size), true
		return nil
	}
	if cap(c.buf) < size {
		c.buf = make([]byte, max(size, min(64<<10, c.maxChunk)))
	}
	data := c.buf[:size]
	if _, err := io.ReadFull(c.src, data); err != nil {
		return errIncompleteBody("")
	}
	if err := c.readCRLF(); err != nil {
		return err
	}
	if err := c.signer.verify(false, data, sig); err != nil {
		return err
	}
	if c.sum != nil {
		c.sum.h.Write(data)
	}
	c.off, c.end = 0, size
	return nil
}

// readLine reads a line ending in LF (or the end of the body), and
// returns it without its CR LF.
// The line is valid until the next read.
func (c *chunkedReader) readLine() ([]byte, error) {
	line, err := c.src.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, errIncompleteBody("An aws-chunked line is longer than 4096 bytes.")
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err == io.EOF:
		// The last line of the body may lack its line end.
	case err != nil:
		return nil, errIncompleteBody("")
	default:
		line = line[:len(line)-1]
	}
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

func (c *chunkedReader) readCRLF() error {
	cr, err1 := c.src.ReadByte()
	lf, err2 := c.src.ReadByte()
	if err1 != nil || err2 != nil || cr != '\r' || lf != '\n' {
		return errIncompleteBody("")
	}
	return nil
}

// parseChunkHeader parses "hex-size" or "hex-size;chunk-signature=sig".
func (c *chunkedReader) parseChunkHeader(line []byte) (int, []byte, error) {
	sizeHex, ext, hasExt := bytes.Cut(line, []byte{';'})
	if len(sizeHex) == 0 || len(sizeHex) > 8 {
		return 0, nil, c.errFraming(sizeHex)
	}
	var size uint64
	for _, d := range sizeHex {
		switch {
		case '0' <= d && d <= '9':
			d -= '0'
		case 'a' <= d && d <= 'f':
			d -= 'a' - 10
		case 'A' <= d && d <= 'F':
			d -= 'A' - 10
		default:
			return 0, nil, c.errFraming(sizeHex)
		}
		size = size<<4 | uint64(d)
	}
	if size > uint64(c.maxChunk) {
		return 0, nil, errInvalidRequest("An aws-chunked chunk of " + strconv.FormatUint(size, 10) +
			" bytes is larger than the " + strconv.Itoa(c.maxChunk) + " bytes the verifier accepts.")
	}
	if c.signer == nil {
		return int(size), nil, nil // chunk extensions of unsigned chunks are ignored
	}
	sig, ok := bytes.CutPrefix(ext, []byte("chunk-signature="))
	if !hasExt || !ok || len(sig) > len(c.sig) {
		return 0, nil, errIncompleteBody("A signed aws-chunked chunk has no valid chunk-signature.")
	}
	// The line is bufio's buffer, which reading the chunk overwrites.
	n := copy(c.sig[:], sig)
	return int(size), c.sig[:n], nil
}

func (c *chunkedReader) errFraming(size []byte) *Error {
	if len(size) == 0 {
		return errIncompleteBody("")
	}
	return errIncompleteBody("An aws-chunked chunk size is not valid hexadecimal.")
}

func errChunkTooSmall(chunk int) *Error {
	e := newError(ErrIncompleteBody, http.StatusForbidden, "InvalidChunkSizeError",
		"Only the last chunk is allowed to have a size less than 8192 bytes")
	e.Details = []Detail{{"Chunk", strconv.Itoa(chunk)}, {"BadChunkSize", ""}}
	return e
}
