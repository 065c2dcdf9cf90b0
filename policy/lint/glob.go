package lint

import (
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy/catalog"
)

// This file decides questions about IAM wildcard patterns that the policy
// engine does not answer: whether two patterns (a Resource of a policy and
// a resource type's ARN template from the catalog) can match a common
// string, and whether one action pattern matches an action name.

// class is the set of characters a token accepts.
type class uint8

const (
	anyChar      class = iota // any character
	noColon                   // any character but ':'
	noSlashColon              // any character but '/' and ':'
	literal                   // exactly tok.c
)

// A token is one step of a pattern: one character of a class, or (many) any
// run of characters of the class, possibly empty.
type token struct {
	many bool
	cls  class
	c    byte
}

func (t token) accepts(c byte) bool {
	switch t.cls {
	case anyChar:
		return true
	case noColon:
		return c != ':'
	case noSlashColon:
		return c != ':' && c != '/'
	}
	return c == t.c
}

// resourceTokens compiles a Resource element entry as the policy engine
// reads it (IAM User Guide, "Using wildcards in resource ARNs"): * is any
// run of characters within its colon-delimited segment, and beyond it when
// it is the last character of the segment; ? is any one character. Policy
// variables, whatever the policy's version, are read as *: this errs
// towards "can match", so that the checks built on it report nothing they
// cannot prove.
func resourceTokens(s string) []token {
	var out []token
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '*':
			rest := strings.TrimLeft(s[i+1:], "*")
			cls := anyChar
			if rest != "" && rest[0] != ':' {
				cls = noColon
			}
			if n := len(out); n > 0 && out[n-1].many {
				if cls == anyChar {
					out[n-1].cls = anyChar
				}
				continue
			}
			out = append(out, token{many: true, cls: cls})
		case c == '?':
			out = append(out, token{cls: anyChar})
		case c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				out = append(out, token{cls: literal, c: c})
				continue
			}
			i += 2 + end
			out = append(out, token{many: true, cls: anyChar})
		default:
			out = append(out, token{cls: literal, c: c})
		}
	}
	return out
}

// pathNames are the placeholders of ARN templates whose values may hold
// '/' and ':' when they end the ARN: object keys, role names with their
// path, KMS alias names (alias/aws/s3), opaque tokens, and Multi-Region
// Access Point aliases, which S3 policies follow with /object/KEY.
var pathNames = []string{"ObjectName", "RoleNameWithPath", "Alias", "Token", "ContextProviderName", "AccessPointAlias"}

// templateTokens compiles an ARN template of the Service Authorization
// Reference, such as arn:${Partition}:s3:::${BucketName}/${ObjectName}.
// A placeholder stands for one or more characters, neither '/' nor ':'
// (a partition, a Region, an account, a bucket name), except for the names
// of pathNames at the end of the template, which stand for any characters.
func templateTokens(s string) []token {
	var out []token
	for i := 0; i < len(s); i++ {
		if s[i] == '$' && i+1 < len(s) && s[i+1] == '{' {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				name := s[i+2 : i+2+end]
				i += 2 + end
				cls := noSlashColon
				if i == len(s)-1 && slices.Contains(pathNames, name) {
					cls = anyChar
				}
				out = append(out, token{cls: cls}, token{many: true, cls: cls})
				continue
			}
		}
		out = append(out, token{cls: literal, c: s[i]})
	}
	return out
}

// literalTokens compiles s with no wildcard at all.
func literalTokens(s string) []token {
	out := make([]token, len(s))
	for i := 0; i < len(s); i++ {
		out[i] = token{cls: literal, c: s[i]}
	}
	return out
}

// maxStates bounds the work of intersect.
const maxStates = 1 << 18

// mayIntersect reports whether some string may match both p and q: false
// only when none can. Past its budget, it answers true.
func mayIntersect(p, q []token) bool {
	ok, decided := intersect(p, q)
	return ok || !decided
}

// surelyIntersect reports whether some string is known to match both p
// and q. Past its budget, it answers false.
func surelyIntersect(p, q []token) bool {
	ok, decided := intersect(p, q)
	return ok && decided
}

// intersect reports whether some string matches both p and q. It explores
// the product of the two patterns' automata, of (len(p)+1)·(len(q)+1)
// states; decided is false if there are more than maxStates.
func intersect(p, q []token) (ok, decided bool) {
	if (len(p)+1)*(len(q)+1) > maxStates {
		return false, false
	}
	type state struct{ i, j int }
	seen := make(map[state]bool)
	stack := []state{{0, 0}}
	push := func(s state) {
		if !seen[s] {
			seen[s] = true
			stack = append(stack, s)
		}
	}
	seen[state{0, 0}] = true
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if s.i == len(p) && s.j == len(q) {
			return true, true
		}
		// A run may be empty.
		if s.i < len(p) && p[s.i].many {
			push(state{s.i + 1, s.j})
		}
		if s.j < len(q) && q[s.j].many {
			push(state{s.i, s.j + 1})
		}
		if s.i == len(p) || s.j == len(q) {
			continue
		}
		a, b := p[s.i], q[s.j]
		// The characters worth trying: each side's literal, and one that
		// every class accepts.
		cands := [3]byte{'x', 0, 0}
		n := 1
		if a.cls == literal {
			cands[n] = a.c
			n++
		}
		if b.cls == literal {
			cands[n] = b.c
			n++
		}
		for _, c := range cands[:n] {
			if !a.accepts(c) || !b.accepts(c) {
				continue
			}
			ni, nj := s.i+1, s.j+1
			if a.many {
				ni = s.i
			}
			if b.many {
				nj = s.j
			}
			push(state{ni, nj})
		}
	}
	return false, true
}

// hasWildcard reports whether s holds *, ? or a policy variable.
func hasWildcard(s string) bool {
	return strings.ContainsAny(s, "*?") || strings.Contains(s, "${")
}

// matchFold reports whether name matches the IAM action pattern p
// (* and ?), ASCII letters compared case-insensitively: the catalog's
// matcher, so that lint and Expand agree.
func matchFold(p, name string) bool { return catalog.Match(p, name) }

// patternCovers reports whether every string that b matches is matched by
// a, for two patterns of the same element. It answers exactly for a
// literal b, and otherwise recognizes the common cases (equal patterns, a
// "*", a trailing-star prefix of b's literal prefix); it never claims
// coverage it cannot show. fold compares case-insensitively (actions).
// match tests a literal against a pattern.
func patternCovers(a, b string, fold bool, match func(pattern, s string) bool) bool {
	eq := a == b || fold && strings.EqualFold(a, b)
	switch {
	case eq || a == "*":
		return true
	case !hasWildcard(b):
		return match(a, b)
	}
	prefix, ok := strings.CutSuffix(a, "*")
	if !ok || hasWildcard(prefix) {
		return false
	}
	lit := b
	if i := strings.IndexAny(b, "*?$"); i >= 0 {
		lit = b[:i]
	}
	if fold {
		return len(lit) >= len(prefix) && strings.EqualFold(lit[:len(prefix)], prefix)
	}
	return strings.HasPrefix(lit, prefix)
}

// resourceMatches reports whether the literal ARN s is known to match the
// Resource pattern p.
func resourceMatches(p, s string) bool {
	return surelyIntersect(resourceTokens(p), literalTokens(s))
}
