package presign

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"hash"
)

// chunkSigner checks the chained signatures of signed chunks and of the
// trailer.
type chunkSigner struct {
	mac           hash.Hash // HMAC-SHA256 under the signing key
	sha           hash.Hash
	payloadPrefix []byte            // "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n"
	trailerPrefix []byte            // "AWS4-HMAC-SHA256-TRAILER\n<date>\n<scope>\n"
	sts           []byte            // the last string to sign
	prev          [sha256.Size]byte // the previous signature; the seed first
	sum, dsum     [sha256.Size]byte
	hexBuf        [2 * sha256.Size]byte
	accessKey     string // for SignatureDoesNotMatch
}

func newChunkSigner(key []byte, date, scope string, seed []byte) *chunkSigner {
	s := &chunkSigner{
		mac:           hmac.New(sha256.New, key),
		sha:           sha256.New(),
		payloadPrefix: []byte("AWS4-HMAC-SHA256-PAYLOAD\n" + date + "\n" + scope + "\n"),
		trailerPrefix: []byte("AWS4-HMAC-SHA256-TRAILER\n" + date + "\n" + scope + "\n"),
		sts:           make([]byte, 0, 256),
	}
	copy(s.prev[:], seed)
	return s
}

// stringToSign builds the string to sign of a chunk (algorithm
// AWS4-HMAC-SHA256-PAYLOAD) or of the trailer (AWS4-HMAC-SHA256-TRAILER)
// whose content hash is dataSum, into s.sts:
//
//	AWS4-HMAC-SHA256-PAYLOAD    AWS4-HMAC-SHA256-TRAILER
//	<X-Amz-Date>                <X-Amz-Date>
//	<scope>                     <scope>
//	<previous signature>        <previous signature>
//	<SHA-256 of "">             <SHA-256 of the trailer lines, "name:value\n">
//	<SHA-256 of the chunk>
//
// (The worked trailer example of S3's documentation publishes a trailer
// signature computed with AWS4-HMAC-SHA256-PAYLOAD as the first line,
// against the page's own definition; the definition, which the CRT and
// SDKs follow, is used.)
func (s *chunkSigner) stringToSign(trailer bool, dataSum []byte) []byte {
	b := s.payloadPrefix
	if trailer {
		b = s.trailerPrefix
	}
	b = append(s.sts[:0], b...)
	hex.Encode(s.hexBuf[:], s.prev[:])
	b = append(b, s.hexBuf[:]...)
	if !trailer {
		b = append(b, "\n"+emptySHA256...)
	}
	b = append(b, '\n')
	hex.Encode(s.hexBuf[:], dataSum)
	b = append(b, s.hexBuf[:]...)
	s.sts = b
	return b
}

// verify checks the signature sent for a chunk (or the trailer) whose
// content is data, and chains it.
func (s *chunkSigner) verify(trailer bool, data []byte, sent []byte) *Error {
	s.sha.Reset()
	s.sha.Write(data)
	sts := s.stringToSign(trailer, s.sha.Sum(s.dsum[:0]))
	s.mac.Reset()
	s.mac.Write(sts)
	want := s.mac.Sum(s.sum[:0])
	var got [sha256.Size]byte
	if len(sent) != 2*sha256.Size || hexDecode(got[:], sent) != nil || subtle.ConstantTimeCompare(want, got[:]) != 1 {
		return errSignatureMismatch(s.accessKey, string(sent), string(sts), "")
	}
	s.prev = got
	return nil
}

// hexDecode decodes lower-case hex, the only form of a signature S3
// takes: it compares the signature as text, so that an upper-case one,
// though the same bytes, does not match.
func hexDecode(dst, src []byte) error {
	for _, c := range src {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return hex.InvalidByteError(c)
		}
	}
	_, err := hex.Decode(dst, src)
	return err
}
