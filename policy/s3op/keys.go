package s3op

import (
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

// keySets maps each lower-cased s3 action name to its keys. It is built on
// first use from the catalog.
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
	}
	return m
})

// taggingKeys are the aws: keys that services list as their own: they go
// only to actions whose catalog entry lists them.
var taggingKeys = []string{"aws:requesttag/", "aws:resourcetag/", "aws:tagkeys"}

// allow reports whether a request may carry key for the action (named
// without "s3:"), and returns it spelled as AWS spells it. Global aws: keys
// are always allowed, except the tagging keys, which follow the catalog.
func allow(action, key string) (string, bool) {
	lower := asciiLower(key)
	if strings.HasPrefix(lower, "aws:") && !hasAnyPrefix(lower, taggingKeys) {
		return key, true
	}
	ks := keySets()[asciiLower(action)]
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

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
