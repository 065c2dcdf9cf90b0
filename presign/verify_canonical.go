package presign

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The SigV4 canonical request, string to sign and signing key, as the
// "Signature Version 4 signing process" of the AWS General Reference and
// S3's "Authenticating Requests (AWS Signature Version 4)" define them.

const (
	amzDateFormat   = "20060102T150405Z"
	scopeDateFormat = "20060102"
	scopeTerminal   = "aws4_request"
	emptySHA256     = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// uriMode says how the canonical URI is built. S3 encodes each path
// segment once and never normalizes; every other service normalizes the
// path (RFC 3986 dot segments, no empty segments) and encodes it twice.
type uriMode struct {
	double    bool
	normalize bool
}

var s3URIMode = uriMode{}

// appendSigV4Escaped appends s URI-encoded as SigV4 requires: every byte
// but the unreserved characters A-Z a-z 0-9 - _ . ~ becomes %XX, upper
// case; a slash is kept if keepSlash.
func appendSigV4Escaped(b []byte, s string, keepSlash bool) []byte {
	const hexUpper = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if sigV4Unreserved(c, keepSlash) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexUpper[c>>4], hexUpper[c&15])
	}
	return b
}

// sigV4Unreserved reports whether appendSigV4Escaped keeps c as it is.
func sigV4Unreserved(c byte, keepSlash bool) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && keepSlash
}

// sigV4Escape is appendSigV4Escaped as a string: s itself when it has
// nothing to escape.
func sigV4Escape(s string, keepSlash bool) string {
	for i := 0; i < len(s); i++ {
		if !sigV4Unreserved(s[i], keepSlash) {
			b := append(make([]byte, 0, len(s)+8), s[:i]...)
			return string(appendSigV4Escaped(b, s[i:], keepSlash))
		}
	}
	return s // nothing to escape, as most keys and values
}

// canonicalURI builds the canonical URI from the path as it came on the
// wire.
//
// For S3 each segment is decoded and encoded again strictly, so that
// "/a$b" and "/a%24b" name the same key, as they do in S3, while an
// encoded slash (%2F) stays inside its segment. For other services the
// wire path is normalized (dot segments, empty segments) and encoded once
// more, as is: "/a%20b" signs as "/a%2520b".
func canonicalURI(wirePath string, mode uriMode) string {
	return string(appendCanonicalURI(make([]byte, 0, len(wirePath)+16), wirePath, mode))
}

// appendCanonicalURI appends canonicalURI(wirePath, mode) to b.
func appendCanonicalURI(b []byte, wirePath string, mode uriMode) []byte {
	if wirePath == "" {
		return append(b, '/')
	}
	segment := func(b []byte, s string) []byte {
		if !mode.double && strings.IndexByte(s, '%') >= 0 {
			if d, err := url.PathUnescape(s); err == nil {
				s = d
			}
		}
		return appendSigV4Escaped(b, s, false)
	}
	if mode.normalize {
		for i, s := range normalizeSegments(strings.Split(wirePath, "/")) {
			if i > 0 {
				b = append(b, '/')
			}
			b = segment(b, s)
		}
		return b
	}
	for rest, more := wirePath, true; more; {
		var s string
		s, rest, more = strings.Cut(rest, "/")
		b = segment(b, s)
		if more {
			b = append(b, '/')
		}
	}
	return b
}

// wirePath returns the request's path as it came on the wire.
func wirePath(u *url.URL) string {
	if u.RawPath != "" {
		return u.RawPath
	}
	return u.EscapedPath()
}

// normalizeSegments removes empty and "." segments and resolves "..", as
// RFC 3986 section 5.2.4 does; the result is an absolute path, with a
// trailing slash if the original had one.
func normalizeSegments(segments []string) []string {
	out := []string{""}
	for _, s := range segments {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	if last := segments[len(segments)-1]; len(out) == 1 || last == "" || last == "." || last == ".." {
		out = append(out, "")
	}
	return out
}

type queryParam struct {
	key, value string // decoded
}

// parseRawQuery splits a raw query string into decoded parameters, in
// order. A parameter without "=" has the empty value; a component that is
// not valid percent-encoding is kept as it came.
func parseRawQuery(raw string) []queryParam {
	if raw == "" {
		return nil
	}
	params := make([]queryParam, 0, strings.Count(raw, "&")+1)
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		params = append(params, queryParam{queryUnescape(k), queryUnescape(v)})
	}
	return params
}

func queryUnescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// canonicalQuery encodes and sorts the parameters, leaving out skip (the
// X-Amz-Signature of query authentication).
func canonicalQuery(params []queryParam, skip string) string {
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(params))
	for _, p := range params {
		if skip != "" && p.key == skip {
			continue
		}
		pairs = append(pairs, pair{sigV4Escape(p.key, false), sigV4Escape(p.value, false)})
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	n := 0
	for _, p := range pairs {
		n += len(p.k) + len(p.v) + 2
	}
	var b strings.Builder
	b.Grow(n)
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// headerValues returns the values of a signed header as the server sees
// them: Go's server moves Host into r.Host and Transfer-Encoding into
// r.TransferEncoding. A value made from those fields is returned in one,
// the caller's, so that the slice costs no allocation.
func headerValues(r *http.Request, name string, one *[1]string) []string {
	switch name {
	case "host":
		one[0] = r.Host
		if one[0] == "" {
			one[0] = r.URL.Host
		}
		return one[:]
	case "content-length":
		if v := r.Header.Values("Content-Length"); len(v) > 0 {
			return v
		}
		if r.ContentLength >= 0 {
			one[0] = strconv.FormatInt(r.ContentLength, 10)
			return one[:]
		}
		return nil
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			one[0] = strings.Join(r.TransferEncoding, ",")
			return one[:]
		}
	}
	return lookupHeader(r.Header, name)
}

// lookupHeader is h.Values(name) for a lower-case name, without
// allocating its canonical form.
func lookupHeader(h http.Header, name string) []string {
	var buf [64]byte
	if len(name) > len(buf) {
		return h.Values(name)
	}
	b := buf[:len(name)]
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				c -= 'a' - 'A'
			}
		case 'A' <= c && c <= 'Z':
			if !upper {
				c += 'a' - 'A'
			}
		case '0' <= c && c <= '9', c == '-':
		default:
			// Other bytes, valid or not in a name: as textproto has it.
			return h.Values(name)
		}
		b[i] = c
		upper = c == '-'
	}
	return h[string(b)]
}

// appendHeaderValue appends a header value trimmed, with runs of spaces
// folded into one.
func appendHeaderValue(b []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, v[i])
	}
	return b
}

// appendCanonicalRequest appends the canonical request to b.
func appendCanonicalRequest(b []byte, r *http.Request, mode uriMode, query string, signedHeaders []string, payloadHash string) []byte {
	b = append(b, r.Method...)
	b = append(b, '\n')
	b = appendCanonicalURI(b, wirePath(r.URL), mode)
	b = append(b, '\n')
	b = append(b, query...)
	b = append(b, '\n')
	var one [1]string // the value of a header the request holds outside r.Header
	for _, h := range signedHeaders {
		b = append(b, h...)
		b = append(b, ':')
		for i, v := range headerValues(r, h, &one) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendHeaderValue(b, v)
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	for i, h := range signedHeaders {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, h...)
	}
	b = append(b, '\n')
	b = append(b, payloadHash...)
	return b
}

// credScope is a SigV4 credential scope: date/region/service/aws4_request.
type credScope struct {
	date, region, service string
}

func (s credScope) String() string {
	return s.date + "/" + s.region + "/" + s.service + "/" + scopeTerminal
}

// appendStringToSign appends the string to sign of a canonical request
// to b.
func appendStringToSign(b []byte, t time.Time, sc credScope, canonical []byte) []byte {
	sum := sha256.Sum256(canonical)
	b = append(b, "AWS4-HMAC-SHA256\n"...)
	b = t.UTC().AppendFormat(b, amzDateFormat)
	b = append(b, '\n')
	b = append(b, sc.date...)
	b = append(b, '/')
	b = append(b, sc.region...)
	b = append(b, '/')
	b = append(b, sc.service...)
	b = append(b, "/"+scopeTerminal+"\n"...)
	return hex.AppendEncode(b, sum[:])
}

// sigV4HMAC returns HMAC-SHA256 of data under key, as crypto/hmac does
// (RFC 2104: H(K0^opad || H(K0^ipad || data)), K0 the key padded to the
// block size, or its hash if longer), computed with sha256.Sum256 over
// buffers on the stack: a request needs five of them, and crypto/hmac
// allocates six times for each.
func sigV4HMAC[T string | []byte](key []byte, data T) [sha256.Size]byte {
	const blockSize = sha256.BlockSize
	var k0 [blockSize]byte
	if len(key) > blockSize {
		sum := sha256.Sum256(key)
		copy(k0[:], sum[:])
	} else {
		copy(k0[:], key)
	}
	var buf [blockSize + 256]byte
	b := buf[:0]
	for _, c := range k0 {
		b = append(b, c^0x36)
	}
	b = append(b, data...) // past 256 bytes, on the heap
	inner := sha256.Sum256(b)
	b = buf[:0]
	for _, c := range k0 {
		b = append(b, c^0x5c)
	}
	b = append(b, inner[:]...)
	return sha256.Sum256(b)
}

// sigV4Key derives the SigV4 signing key of the secret for the scope.
func sigV4Key(secret string, sc credScope) []byte {
	var buf [64]byte
	k := sigV4HMAC(append(append(buf[:0], "AWS4"...), secret...), sc.date)
	k = sigV4HMAC(k[:], sc.region)
	k = sigV4HMAC(k[:], sc.service)
	k = sigV4HMAC(k[:], scopeTerminal)
	return k[:]
}

// signatureMatches reports, in constant time, whether the hex signature
// sent is the HMAC of stringToSign under key.
func signatureMatches[T string | []byte](key []byte, stringToSign T, sent string) bool {
	want := sigV4HMAC(key, stringToSign)
	var got [sha256.Size]byte
	if len(sent) != hex.EncodedLen(len(got)) {
		return false
	}
	if err := hexDecode(got[:], []byte(sent)); err != nil {
		return false
	}
	return hmac.Equal(want[:], got[:])
}
