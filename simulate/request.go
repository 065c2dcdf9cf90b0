package simulate

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// One reading of a request. The authorizer and the handler of a request
// read the same parsed query and headers, in which no parameter and no
// header S3 reads as one value has two: a request that repeats one is
// refused before anything reads it (an authorizer deciding on one value
// while the handler acts on the other is the bypass this prevents). The
// object versions a request is authorized on are pinned (call.look), and
// its handler acts on those versions.

// maxHeaderSize is S3's limit on the header section of a request: "The
// PUT request header is limited to 8 KB in size" (S3 User Guide, "Working
// with object metadata").
const maxHeaderSize = 8 << 10

// headerSize is the size of a request's header section, as sent: each
// field's name, value and framing, with Host.
func headerSize(r *http.Request) int {
	n := len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + len(": \r\n")
		}
	}
	return n
}

// maxKeyLength is S3's limit on the length of a key, in bytes of UTF-8.
const maxKeyLength = 1024

// parseQuery parses a request's query. A parameter given twice, or a query
// that does not parse (a bad escape, a semicolon), is refused: S3 defines
// each of its parameters as one value.
func parseQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, invalidArgument("The query string is malformed.").with("ArgumentName", "query")
	}
	for k, vs := range q {
		if len(vs) > 1 {
			return nil, invalidArgument("The query parameter "+k+" may be given only once.").with("ArgumentName", k)
		}
	}
	return q, nil
}

// canonicalHeaders puts the names of h in canonical form, merging the
// values of names that differ only in case (as a server reading them
// case-insensitively would), and refuses a header S3 reads as one value
// that is given more than once: every x-amz-* header but user metadata
// (whose values S3 joins with commas, as here), and the standard headers
// S3 reads.
func canonicalHeaders(h http.Header) error {
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		if ck != k {
			delete(h, k)
			h[ck] = append(h[ck], vs...)
		}
	}
	for k, vs := range h {
		if len(vs) < 2 {
			continue
		}
		if strings.HasPrefix(k, "X-Amz-Meta-") {
			h[k] = []string{strings.Join(vs, ",")}
			continue
		}
		if strings.HasPrefix(k, "X-Amz-") || slices.Contains(singleHeaders, k) {
			return invalidArgument("The header "+strings.ToLower(k)+" may be given only once.").with("ArgumentName", strings.ToLower(k))
		}
	}
	return nil
}

// singleHeaders are the standard headers S3 reads, each as one value.
var singleHeaders = []string{"Authorization", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Md5", "Content-Type", "Expires", "If-Match", "If-Modified-Since", "If-None-Match", "If-Unmodified-Since", "Range"}

// objectRef names a version of an object: "" for the current one.
type objectRef struct{ bucket, key, vid string }

// look finds version vid of key in b for the request's authorization, and
// pins it: the handler that follows gets the same version from look, even
// if it has since been replaced, and nil if there was none, even if one
// has since been written. The caller holds the lock.
func (c *call) look(b *bucketModel, key, vid string) *objectVersion {
	ref := objectRef{b.name, key, vid}
	if v, ok := c.pins[ref]; ok {
		return v
	}
	v := b.version(key, vid)
	if c.pins == nil {
		c.pins = make(map[objectRef]*objectVersion, 2)
	}
	c.pins[ref] = v
	return v
}
