package s3op

import (
	"net/http"
	"strings"
	"sync"

	"github.com/s3vet/s3vet/policy/catalog"
)

// keySet is the set of condition keys the catalog lists for one action.
type keySet struct {
	exact map[string]string // lower-cased key -> key as AWS spells it
	tmpl  []keyPrefix       // keys with a placeholder, such as s3:RequestObjectTag/${TagKey}
}

// keyPrefix is the part of a key template before its placeholder.
type keyPrefix struct {
	lower, spelled string // "s3:requestobjecttag/", "s3:RequestObjectTag/"
}

// keySets maps each s3 action name, as the catalog spells it and lower
// cased, to its keys. It is built on first use from the catalog.
var keySets = sync.OnceValue(func() map[string]*keySet {
	m := make(map[string]*keySet)
	for _, a := range catalog.Actions("s3") {
		ks := &keySet{exact: make(map[string]string, len(a.ConditionKeys))}
		for _, k := range a.ConditionKeys {
			if p, _, ok := strings.Cut(k, "${"); ok {
				ks.tmpl = append(ks.tmpl, keyPrefix{asciiLower(p), p})
				continue
			}
			ks.exact[asciiLower(k)] = k
		}
		m[asciiLower(a.Name)] = ks
		m[a.Name] = ks
	}
	return m
})

// names holds the lower-cased forms of the names the builder meets at
// every request, so that it need not fold them each time.
type names struct {
	// header maps a header name as Go's server spells it (X-Amz-Date) to
	// its lower case.
	header map[string]string
	// s3key maps a lower-cased header name to its key, "s3:" and the name.
	s3key map[string]string
	// key maps a condition key to its lower case.
	key map[string]string
}

// knownNames are the catalog's s3:x-amz-* keys as headers, the headers the
// SDK and the builder read, and the catalog's keys with those the builder
// sets. Built on first use.
var knownNames = sync.OnceValue(func() *names {
	n := &names{header: map[string]string{}, s3key: map[string]string{}, key: map[string]string{}}
	addHeader := func(lower string) {
		n.header[http.CanonicalHeaderKey(lower)] = lower
		n.s3key[lower] = "s3:" + lower
	}
	for _, h := range []string{"authorization", "if-match", "if-none-match", "x-amz-date", "x-amz-content-sha256",
		"x-amz-security-token", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-mode", "x-amz-checksum-crc32",
		"x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
		"x-amz-decoded-content-length", "x-amz-trailer", "x-amz-expected-bucket-owner", "x-amz-user-agent"} {
		addHeader(h)
	}
	for _, k := range []string{"aws:SecureTransport", "aws:SourceIp", "aws:CurrentTime", "aws:EpochTime",
		"s3:TlsVersion", "s3:authType", "s3:signatureversion", "s3:signatureAge",
		"aws:SourceVpce", "aws:SourceVpc", "aws:VpceAccount", "aws:VpcSourceIp"} {
		n.key[k] = asciiLower(k)
	}
	for _, ks := range keySets() {
		for lower, spelled := range ks.exact {
			n.key[spelled] = lower
			if h, ok := strings.CutPrefix(lower, "s3:"); ok && strings.HasPrefix(h, "x-amz-") {
				addHeader(h)
			}
		}
	}
	return n
})

// lowerKey is asciiLower of a condition key.
func lowerKey(key string) string {
	if l, ok := knownNames().key[key]; ok {
		return l
	}
	return asciiLower(key)
}

// actionKeys returns the keys of an s3 action (named without "s3:"), or
// nil for an action the catalog does not have.
func actionKeys(action string) *keySet {
	if ks := keySets()[action]; ks != nil {
		return ks
	}
	return keySets()[asciiLower(action)]
}

// taggingKeys are the aws: keys that services list as their own: they go
// only to actions whose catalog entry lists them.
var taggingKeys = []string{"aws:requesttag/", "aws:resourcetag/", "aws:tagkeys"}

// allow reports whether a request may carry key for the action of ks (nil
// for an unknown action), given also in lower case, and returns it spelled
// as AWS spells it. Global aws: keys are always allowed, except the
// tagging keys, which follow the catalog.
func (ks *keySet) allow(key, lower string) (string, bool) {
	if strings.HasPrefix(lower, "aws:") && !hasAnyPrefix(lower, taggingKeys) {
		return key, true
	}
	if ks == nil {
		return "", false
	}
	if k, ok := ks.exact[lower]; ok {
		return k, true
	}
	for _, t := range ks.tmpl {
		// asciiLower keeps byte offsets, so the placeholder's value is
		// key[len(t.lower):], in its own case.
		if len(lower) > len(t.lower) && strings.HasPrefix(lower, t.lower) {
			return t.spelled + key[len(t.lower):], true
		}
	}
	return "", false
}

// asciiLower folds ASCII letters to lower case and leaves other bytes
// alone, as IAM matches key names; unlike strings.ToLower it keeps every
// byte where it was.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// hasLowerPrefix reports whether s begins with prefix, a lower-case
// string, ASCII letters of s folded as asciiLower folds them.
func hasLowerPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
