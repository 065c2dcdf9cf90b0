package policy

import (
	"strings"
	"unicode/utf8"
)

// A pattern is a compiled string from a policy: literal text, the wildcards
// * and ? (when the element allows them) and policy variables such as
// ${aws:username}. Patterns are compiled once; matching allocates nothing.
type pattern struct {
	src   string
	parts []part
	// wild reports whether any part is a wildcard; literal reports whether
	// the pattern is a plain string (no wildcard, no variable).
	wild, vars bool
	// prefix is the literal text before the first wildcard or variable: a
	// cheap test that rejects most non-matching strings.
	prefix string
	// backtrack is set when a star that stays within its ARN segment
	// follows another star: leftmost placement of the text between them
	// can then leave a colon to the later star, where a placement further
	// right would not, so matchParts may not be greedy.
	backtrack bool
}

type partKind uint8

const (
	partText partKind = iota // literal text
	partStar                 // * : any run of characters, possibly empty
	partOne                  // ? : exactly one character
	partVar                  // ${key} or ${key, 'default'}: the key's single value
)

type part struct {
	kind partKind
	text string // partText: the text; partVar: the key, lower-cased
	def  string // partVar: the default value
	// hasDef reports whether the variable names a default.
	hasDef bool
	// noColon is set on a star in an ARN pattern that is not the last
	// character of its segment: such a star cannot span a colon.
	noColon bool
}

// compilePattern parses s. wild enables * and ?; vars enables ${...}
// (policies of Version 2012-10-17 only: in 2008-10-17 "${" is literal text).
// arn applies the IAM User Guide's rule for Resource ARNs ("Using wildcards
// in resource ARNs"): a * expands within its colon-delimited segment, and
// beyond the colon boundaries only when it is the segment's last character.
func compilePattern(s string, wild, vars, arn bool) (pattern, error) {
	p := pattern{src: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.parts = append(p.parts, part{kind: partText, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case wild && c == '*':
			flush()
			// Consecutive stars are one star.
			if n := len(p.parts); n == 0 || p.parts[n-1].kind != partStar {
				p.parts = append(p.parts, part{kind: partStar})
			}
			rest := strings.TrimLeft(s[i+1:], "*")
			p.parts[len(p.parts)-1].noColon = arn && rest != "" && rest[0] != ':'
			p.wild = true
		case wild && c == '?':
			flush()
			p.parts = append(p.parts, part{kind: partOne})
			p.wild = true
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return pattern{}, errorf("unterminated policy variable in %q", s)
			}
			body := s[i+2 : i+2+end]
			i += 2 + end
			switch body {
			case "*", "?", "$":
				// ${*}, ${?} and ${$} stand for the literal character.
				lit.WriteString(body)
				continue
			}
			v, err := parseVariable(body)
			if err != nil {
				return pattern{}, errorf("%v in %q", err, s)
			}
			flush()
			p.parts = append(p.parts, v)
			p.vars = true
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	if len(p.parts) > 0 && p.parts[0].kind == partText {
		p.prefix = p.parts[0].text
	}
	stars := 0
	for _, pt := range p.parts {
		if pt.kind == partStar {
			if pt.noColon && stars > 0 {
				p.backtrack = true
			}
			stars++
		}
	}
	return p, nil
}

// parseVariable parses the inside of ${...}: a context key, optionally
// followed by a comma and a default value in single quotes.
func parseVariable(body string) (part, error) {
	key, def, hasDef := strings.Cut(body, ",")
	key = strings.TrimSpace(key)
	if key == "" || strings.ContainsAny(key, " \t'${") {
		return part{}, errorf("invalid policy variable ${%s}", body)
	}
	v := part{kind: partVar, text: strings.ToLower(key)}
	if hasDef {
		def = strings.TrimSpace(def)
		if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
			return part{}, errorf("invalid default in policy variable ${%s}: want 'text'", body)
		}
		v.def, v.hasDef = def[1:len(def)-1], true
	}
	return v, nil
}

// resolver returns the single value of a context key for a policy variable.
// ok is false when the key is absent or has more than one value.
type resolver interface {
	variable(key string) (string, bool)
}

// match reports whether s matches p. fold makes the comparison ASCII
// case-insensitive. A variable whose key has no single value and no default
// makes the pattern match nothing, as AWS treats an unresolvable variable.
func (p *pattern) match(s string, fold bool, r resolver) bool {
	if !p.wild && !p.vars {
		if len(p.parts) == 0 {
			return s == ""
		}
		if fold {
			return strings.EqualFold(p.parts[0].text, s)
		}
		return p.parts[0].text == s
	}
	if n := len(p.prefix); n > 0 && (len(s) < n || !equal(s[:n], p.prefix, fold)) {
		return false
	}
	if p.backtrack {
		return matchBacktrack(p.parts, s, fold, r)
	}
	return matchParts(p.parts, s, fold, r)
}

// matchBacktrack matches parts against s trying every span of every star,
// remembering the (part, position) pairs that failed: exact for any
// pattern, in time proportional to the parts times the square of the
// length of s. Only patterns for which greedy placement is wrong use it.
func matchBacktrack(parts []part, s string, fold bool, r resolver) bool {
	failed := make([]bool, (len(parts)+1)*(len(s)+1))
	var match func(i, pos int) bool
	match = func(i, pos int) bool {
		if i == len(parts) {
			return pos == len(s)
		}
		k := i*(len(s)+1) + pos
		if failed[k] {
			return false
		}
		p := &parts[i]
		ok := false
		switch p.kind {
		case partStar:
			for end := pos; end <= len(s) && !ok; end++ {
				if end > pos && p.noColon && s[end-1] == ':' {
					break
				}
				ok = match(i+1, end)
			}
		case partOne:
			ok = pos < len(s) && match(i+1, pos+runeLen(s[pos:]))
		default:
			t, resolved := resolvePart(p, r)
			ok = resolved && len(s)-pos >= len(t) && equal(s[pos:pos+len(t)], t, fold) && match(i+1, pos+len(t))
		}
		if !ok {
			failed[k] = true
		}
		return ok
	}
	return match(0, 0)
}

// matchParts matches parts against s with the classic greedy algorithm:
// the pattern is split at stars into chunks; the first chunk must match at
// the start, the last at the end, and every chunk between at its leftmost
// position after the previous one. Leftmost placement is always safe for
// patterns whose only unbounded wildcard is *.
func matchParts(parts []part, s string, fold bool, r resolver) bool {
	// First chunk: anchored at the start.
	i, n, ok := matchChunk(parts, 0, s, fold, r)
	if !ok {
		return false
	}
	s = s[n:]
	if i == len(parts) {
		return s == ""
	}
	for i < len(parts) {
		// parts[i] is a star.
		i++
		j := i
		for j < len(parts) && parts[j].kind != partStar {
			j++
		}
		noColon := parts[i-1].noColon
		if j == len(parts) {
			// Last chunk: anchored at the end.
			end, ok := matchSuffix(parts[i:j], s, fold, r)
			return ok && !(noColon && strings.IndexByte(s[:end], ':') >= 0)
		}
		found := false
		for start := 0; start <= len(s); start++ {
			if noColon && start > 0 && s[start-1] == ':' {
				break
			}
			if _, n, ok := matchChunk(parts[:j], i, s[start:], fold, r); ok {
				s = s[start+n:]
				found = true
				break
			}
		}
		if !found {
			return false
		}
		i = j
	}
	return true
}

// matchChunk matches parts[i:] up to the next star as a prefix of s. It
// returns the index of the star (or len(parts)) and the bytes consumed.
func matchChunk(parts []part, i int, s string, fold bool, r resolver) (int, int, bool) {
	n := 0
	for ; i < len(parts) && parts[i].kind != partStar; i++ {
		p := &parts[i]
		switch p.kind {
		case partOne:
			if n >= len(s) {
				return i, 0, false
			}
			n += runeLen(s[n:])
		default:
			t, ok := resolvePart(p, r)
			if !ok || len(s)-n < len(t) || !equal(s[n:n+len(t)], t, fold) {
				return i, 0, false
			}
			n += len(t)
		}
	}
	return i, n, true
}

// matchSuffix matches a star-free chunk against the end of s and returns
// where the match starts.
func matchSuffix(parts []part, s string, fold bool, r resolver) (int, bool) {
	// Walk backwards.
	end := len(s)
	for i := len(parts) - 1; i >= 0; i-- {
		p := &parts[i]
		switch p.kind {
		case partOne:
			if end == 0 {
				return 0, false
			}
			end -= lastRuneLen(s[:end])
		default:
			t, ok := resolvePart(p, r)
			if !ok || end < len(t) || !equal(s[end-len(t):end], t, fold) {
				return 0, false
			}
			end -= len(t)
		}
	}
	return end, true
}

func resolvePart(p *part, r resolver) (string, bool) {
	if p.kind == partText {
		return p.text, true
	}
	if r != nil {
		if v, ok := r.variable(p.text); ok {
			return v, true
		}
	}
	return p.def, p.hasDef
}

func equal(a, b string, fold bool) bool {
	if fold {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// runeLen returns the length of the first character of s (s non-empty),
// so that ? matches one character, not one byte. A byte that begins no
// valid UTF-8 sequence is a character of its own, as utf8 decodes it: ?
// never takes the ASCII characters that follow it.
func runeLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

// lastRuneLen is runeLen for the last character of s; it splits s as
// runeLen does, since a valid sequence ends no decoding of its bytes.
func lastRuneLen(s string) int {
	if s[len(s)-1] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeLastRuneInString(s)
	return n
}
