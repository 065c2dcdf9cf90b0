package presign

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The x-amz-content-sha256 values that are not a hash.
const (
	payloadUnsigned                 = "UNSIGNED-PAYLOAD"
	payloadStreamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	payloadStreamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	payloadStreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	payloadStreamingECDSA           = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
	payloadStreamingECDSATrailer    = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
)

// isSHA256Hex reports whether s is a hex SHA-256 (either case).
func isSHA256Hex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func errBadContentSHA256() *Error {
	return errInvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
		"x-amz-content-sha256", "")
}

// checksumAlgorithm is one of S3's additional checksums.
type checksumAlgorithm struct {
	header    string // x-amz-checksum-crc32, ...
	canonical string // X-Amz-Checksum-Crc32, ...
	name      string // CRC32, as S3's BadDigest message names it
	new       func() hash.Hash
}

var (
	crc32cTable    = crc32.MakeTable(crc32.Castagnoli)
	crc64NVMETable = crc64.MakeTable(0x9a6c9329ac4bc9b5) // CRC-64/NVME, reflected
)

var checksumAlgorithms = []checksumAlgorithm{
	{"x-amz-checksum-crc32", "X-Amz-Checksum-Crc32", "CRC32", func() hash.Hash { return crc32.NewIEEE() }},
	{"x-amz-checksum-crc32c", "X-Amz-Checksum-Crc32c", "CRC32C", func() hash.Hash { return crc32.New(crc32cTable) }},
	{"x-amz-checksum-crc64nvme", "X-Amz-Checksum-Crc64nvme", "CRC64NVME", func() hash.Hash { return crc64.New(crc64NVMETable) }},
	{"x-amz-checksum-sha1", "X-Amz-Checksum-Sha1", "SHA1", sha1.New},
	{"x-amz-checksum-sha256", "X-Amz-Checksum-Sha256", "SHA256", sha256.New},
}

func checksumByHeader(name string) (checksumAlgorithm, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, a := range checksumAlgorithms {
		if a.header == name {
			return a, true
		}
	}
	return checksumAlgorithm{}, false
}

// checksum is an additional checksum being computed over a body, to be
// compared with the base64 value the client sent (in a header, or later
// in a trailer).
type checksum struct {
	alg  checksumAlgorithm
	h    hash.Hash
	want string // base64; "" until known
}

func newChecksum(alg checksumAlgorithm, want string) *checksum {
	return &checksum{alg: alg, h: alg.new(), want: want}
}

// check compares the computed checksum with the one sent.
func (c *checksum) check() error {
	sent, err := base64.StdEncoding.Strict().DecodeString(c.want)
	if err != nil || subtle.ConstantTimeCompare(sent, c.h.Sum(nil)) != 1 {
		return errBadDigest(c.alg.name)
	}
	return nil
}

// headerChecksum returns the checksum the request announces in an
// x-amz-checksum-* header, if any. More than one is InvalidRequest, as
// in S3.
func headerChecksum(h http.Header) (*checksum, *Error) {
	var found *checksum
	for _, a := range checksumAlgorithms {
		var v string
		if vs := h[a.canonical]; len(vs) > 0 { // h.Get(a.header)
			v = vs[0]
		}
		if v == "" {
			continue
		}
		if found != nil {
			return nil, errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		found = newChecksum(a, v)
	}
	return found, nil
}

// digestBody passes a body through, hashing it; at EOF it checks the
// payload's SHA-256 (unless unsigned) and its checksum (if any), and
// answers the mismatch instead of io.EOF.
type digestBody struct {
	body    io.ReadCloser
	sha     hash.Hash // nil: unsigned payload
	wantSHA string
	sum     *checksum // nil: no checksum header
	err     error
}

func (d *digestBody) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.body.Read(p)
	if n > 0 {
		if d.sha != nil {
			d.sha.Write(p[:n])
		}
		if d.sum != nil {
			d.sum.h.Write(p[:n])
		}
	}
	switch {
	case err == io.EOF:
		if e := d.check(); e != nil {
			d.err = e
			return n, e
		}
		d.err = io.EOF
	case err != nil:
		d.err = err
	}
	return n, err
}

func (d *digestBody) check() error {
	if d.sha != nil {
		got := hex.EncodeToString(d.sha.Sum(nil))
		if subtle.ConstantTimeCompare([]byte(got), []byte(strings.ToLower(d.wantSHA))) != 1 {
			return errContentSHA256Mismatch(d.wantSHA, got)
		}
	}
	if d.sum != nil {
		return d.sum.check()
	}
	return nil
}

func (d *digestBody) Close() error { return d.body.Close() }

// chunkSeed is what the chunk signatures of a signed aws-chunked body
// chain from: the request's signing key, date, scope and signature.
type chunkSeed struct {
	key                  []byte
	accessKey, signature string
	signedAt             time.Time
	scope                credScope
}

// wrapBody replaces r.Body with a reader that checks the body against
// its payload hash and checksum, or decodes it if aws-chunked. seed is
// nil for an anonymous request.
func (v *Verifier) wrapBody(r *http.Request, payload string, seed *chunkSeed) *Error {
	if r.Body == nil {
		r.Body = http.NoBody
	}
	sum, err := headerChecksum(r.Header)
	if err != nil {
		return err
	}
	switch payload {
	case payloadStreamingSigned, payloadStreamingSignedTrailer, payloadStreamingUnsignedTrailer:
		return wrapChunked(r, payload, seed, sum)
	case payloadStreamingECDSA, payloadStreamingECDSATrailer:
		return errUnsupportedMechanism()
	}
	var sha hash.Hash
	if payload != "" && payload != payloadUnsigned {
		if !isSHA256Hex(payload) {
			return errBadContentSHA256()
		}
		// A body the server knows to be empty has the empty hash: nothing
		// to check but that (as for a GET).
		if r.Body != http.NoBody || !strings.EqualFold(payload, emptySHA256) {
			sha = sha256.New()
		}
	}
	if sha != nil || sum != nil {
		r.Body = &digestBody{body: r.Body, sha: sha, wantSHA: payload, sum: sum}
	}
	return nil
}

// wrapChunked replaces r.Body with the aws-chunked decoder.
func wrapChunked(r *http.Request, payload string, seed *chunkSeed, sum *checksum) *Error {
	dl := r.Header.Get("X-Amz-Decoded-Content-Length")
	n, perr := strconv.ParseInt(dl, 10, 64)
	if perr != nil || n < 0 {
		return newError(ErrMalformed, http.StatusLengthRequired, "MissingContentLength",
			"You must provide the Content-Length HTTP header.")
	}
	o := chunkedOptions{decodedLen: n, sum: sum}
	signed := payload != payloadStreamingUnsignedTrailer
	if signed {
		if seed == nil {
			return errInvalidRequest("A signed aws-chunked payload needs a signed request.")
		}
		sig, err := hex.DecodeString(seed.signature)
		if err != nil {
			return errInvalidRequest("A signed aws-chunked payload needs a signed request.")
		}
		o.signer = newChunkSigner(seed.key, seed.signedAt.UTC().Format(amzDateFormat), seed.scope.String(), sig)
		o.signer.accessKey = seed.accessKey
	}
	if payload != payloadStreamingSigned {
		if sum != nil {
			return errInvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
		}
		names, tsum, err := parseTrailerHeader(r.Header)
		if err != nil {
			return err
		}
		o.trailer, o.trailerNames, o.sum = true, names, tsum
	}
	r.Body = newChunkedReader(r.Body, o)
	r.ContentLength = n
	r.Header.Set("Content-Length", strconv.FormatInt(n, 10))
	var enc []string
	for _, e := range strings.Split(strings.Join(r.Header.Values("Content-Encoding"), ","), ",") {
		if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
			enc = append(enc, e)
		}
	}
	if len(enc) > 0 {
		r.Header.Set("Content-Encoding", strings.Join(enc, ","))
	} else {
		r.Header.Del("Content-Encoding")
	}
	return nil
}
