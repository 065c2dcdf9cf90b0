package encrypt

import (
	"context"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/encrypt/internal/gcm"
)

// CiphertextRange returns the HTTP Range to request from S3 for the
// plaintext bytes first through last (inclusive; last < 0 for "to the
// end"): the same range widened to whole AES blocks, as the specification's
// ranged gets require.
func CiphertextRange(first, last int64) string {
	start := first &^ (gcm.BlockSize - 1)
	if last < 0 {
		return "bytes=" + strconv.FormatInt(start, 10) + "-"
	}
	end := last | (gcm.BlockSize - 1)
	return "bytes=" + strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(end, 10)
}

// NewRangeReader returns plaintext bytes first through last (inclusive;
// last < 0 for "to the end") of an object whose envelope is env. body is
// the content of a GetObject with Range CiphertextRange(first, last);
// objectSize is the size of the whole encrypted object (the total in the
// response's Content-Range) or -1 to rely on the envelope's plaintext
// length.
//
// The range is decrypted with AES-CTR and not authenticated: the GCM tag
// covers the whole object. It needs UnauthenticatedRanges; the data key is
// still unwrapped and its commitment checked. Close closes body if it is
// an io.Closer.
func (d *Decrypter) NewRangeReader(ctx context.Context, env *Envelope, body io.Reader, first, last, objectSize int64, ec map[string]string) (io.ReadCloser, error) {
	r, _, _, err := d.newRangeReader(ctx, env, body, first, last, objectSize, ec)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// newRangeReader is NewRangeReader; it also returns the object's plaintext
// length and the last byte of the range, clamped to it.
func (d *Decrypter) newRangeReader(ctx context.Context, env *Envelope, body io.Reader, first, last, objectSize int64, ec map[string]string) (r *rangeReader, plain, end int64, err error) {
	if !d.UnauthenticatedRanges {
		return nil, 0, 0, ErrUnauthenticatedRange
	}
	if first < 0 || (last >= 0 && last < first) {
		return nil, 0, 0, fmt.Errorf("encrypt: bad range %d-%d", first, last)
	}
	c, err := d.open(ctx, env, ec)
	if err != nil {
		return nil, 0, 0, err
	}
	if c.key == nil {
		return nil, 0, 0, errors.New("encrypt: ranged reads of AES/CBC objects are not supported")
	}
	plain = env.PlaintextLength
	if objectSize >= 0 {
		if objectSize < gcm.TagSize || (plain >= 0 && objectSize-gcm.TagSize != plain) {
			return nil, 0, 0, fmt.Errorf("%w: object of %d bytes for %d of plaintext", ErrAuthentication, objectSize, plain)
		}
		plain = objectSize - gcm.TagSize
	}
	if plain < 0 {
		return nil, 0, 0, errors.New("encrypt: ranged read of an object of unknown length")
	}
	if last < 0 || last >= plain {
		last = plain - 1
	}
	start := first &^ (gcm.BlockSize - 1)
	n := max(last-first+1, 0)
	closer, _ := body.(io.Closer)
	return &rangeReader{
		body: body, ctr: c.key.CTR(c.nonce, uint64(start)),
		skip: first - start, left: n, closer: closer,
	}, plain, last, nil
}

type rangeReader struct {
	body   io.Reader
	ctr    cipher.Stream
	skip   int64 // bytes before first, decrypted and dropped
	left   int64 // bytes still to return
	closer io.Closer
	tmp    [gcm.BlockSize]byte
}

func (r *rangeReader) Read(p []byte) (int, error) {
	if r.skip > 0 {
		b := r.tmp[:r.skip]
		if _, err := io.ReadFull(r.body, b); err != nil {
			return 0, unexpected(err)
		}
		r.ctr.XORKeyStream(b, b)
		r.skip = 0
	}
	if r.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.body.Read(p)
	r.ctr.XORKeyStream(p[:n], p[:n])
	r.left -= int64(n)
	if err == io.EOF && r.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	if r.left == 0 && err == nil {
		err = io.EOF
	}
	return n, err
}

func (r *rangeReader) Close() error { return closeBody(r.closer) }

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// parseRange reads a single-range HTTP Range header "bytes=first-last" or
// "bytes=first-". Suffix ranges ("bytes=-n") need the object's length and
// are not taken.
func parseRange(h string) (first, last int64, err error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	a, b, ok2 := strings.Cut(spec, "-")
	if !ok || !ok2 || a == "" || strings.Contains(b, ",") {
		return 0, 0, fmt.Errorf("encrypt: unsupported Range %q", h)
	}
	if first, err = strconv.ParseInt(a, 10, 64); err != nil || first < 0 {
		return 0, 0, fmt.Errorf("encrypt: unsupported Range %q", h)
	}
	if b == "" {
		return first, -1, nil
	}
	if last, err = strconv.ParseInt(b, 10, 64); err != nil || last < first {
		return 0, 0, fmt.Errorf("encrypt: unsupported Range %q", h)
	}
	return first, last, nil
}

// parseContentRange returns the total of "bytes a-b/total", or -1.
func parseContentRange(h string) int64 {
	_, total, ok := strings.Cut(h, "/")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(total, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}
