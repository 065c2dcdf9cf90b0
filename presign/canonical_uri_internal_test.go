package presign

import (
	"net/url"
	"strings"
	"testing"
)

// splitCanonicalURI is canonicalURI as first written, on strings.Split:
// the reference of TestCanonicalURISegments.
func splitCanonicalURI(wirePath string, mode uriMode) string {
	if wirePath == "" {
		return "/"
	}
	segments := strings.Split(wirePath, "/")
	if mode.normalize {
		segments = normalizeSegments(segments)
	}
	var b []byte
	for i, s := range segments {
		if i > 0 {
			b = append(b, '/')
		}
		if !mode.double && strings.IndexByte(s, '%') >= 0 {
			if d, err := url.PathUnescape(s); err == nil {
				s = d
			}
		}
		b = appendSigV4Escaped(b, s, false)
	}
	return string(b)
}

// canonicalURI splits the path as strings.Split does, in every mode, and
// appendCanonicalURI appends it without disturbing what precedes.
func TestCanonicalURISegments(t *testing.T) {
	paths := []string{"", "/", "//", "/a", "a", "a/", "/a/b/", "/bench/small", "//x//", "/a b/../c", "/./a/../../b/.",
		"/%2F%zz", "/ሴ", "/a%20b/c%2Fd", "/key with spaces/and+plus", "/..", "/.", "noslash"}
	for _, p := range paths {
		for _, mode := range []uriMode{s3URIMode, {double: true, normalize: true}, {double: true}} {
			want := splitCanonicalURI(p, mode)
			if got := canonicalURI(p, mode); got != want {
				t.Errorf("canonicalURI(%q, %+v) = %q, want %q", p, mode, got, want)
			}
			if got := string(appendCanonicalURI([]byte("GET\n"), p, mode)); got != "GET\n"+want {
				t.Errorf("appendCanonicalURI(%q, %+v) = %q, want %q", p, mode, got, "GET\n"+want)
			}
		}
	}
}

// sigV4Escape returns its argument when nothing needs escaping, and
// otherwise what appendSigV4Escaped appends.
func TestSigV4EscapeAgreesWithAppend(t *testing.T) {
	for _, s := range []string{"", "abc", "X-Amz-Date", "a b", "a/b", "%2F", "é", "~._-", "key=value&x", "\x00\xff"} {
		for _, keep := range []bool{false, true} {
			if got, want := sigV4Escape(s, keep), string(appendSigV4Escaped(nil, s, keep)); got != want {
				t.Errorf("sigV4Escape(%q, %v) = %q, want %q", s, keep, got, want)
			}
		}
	}
}
