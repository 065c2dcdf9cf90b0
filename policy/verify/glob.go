package verify

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

// This file partitions a set of strings (actions, resources, principal
// ARNs, the values of a condition key) into the finitely many classes that
// a set of predicates can tell apart, and finds one string of each class.
//
// A predicate is a union of globs; a glob is a sequence of atoms, each a
// set of characters taken once or any number of times. IAM's wildcards
// (* and ?), literal text, case-insensitive text, the ARN rules that stop
// a * at a colon and the shapes of ARNs are all globs. Two strings that
// every predicate accepts or rejects alike are in the same class; the
// classes are the reachable accepting states of the product automaton,
// explored breadth first over an alphabet of one character per set of
// characters that no atom tells apart. The search is exact: every class
// that has a member is found, and its representative is a shortest member.

// charset is a set of bytes.
type charset [4]uint64

func (c *charset) add(b byte)      { c[b>>6] |= 1 << (b & 63) }
func (c *charset) has(b byte) bool { return c[b>>6]&(1<<(b&63)) != 0 }
func (c charset) union(d charset) charset {
	for i := range c {
		c[i] |= d[i]
	}
	return c
}

func charsOf(s string) charset {
	var c charset
	for i := 0; i < len(s); i++ {
		c.add(s[i])
	}
	return c
}

// all is every byte; the alphabet of requests is bytes 0-127 (see alphabet).
func allChars() charset { return charset{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)} }

func allBut(s string) charset {
	c := allChars()
	for i := 0; i < len(s); i++ {
		c[s[i]>>6] &^= 1 << (s[i] & 63)
	}
	return c
}

func rangeChars(lo, hi byte) charset {
	var c charset
	for b := int(lo); b <= int(hi); b++ {
		c.add(byte(b))
	}
	return c
}

type atom struct {
	set  charset
	star bool // any number of times; otherwise exactly once
}

type glob []atom

// pred is a union of globs. The empty pred accepts nothing.
type pred []glob

// lit appends literal text; fold makes letters match either case.
func (g glob) lit(s string, fold bool) glob {
	for i := 0; i < len(s); i++ {
		var c charset
		c.add(s[i])
		if fold {
			c.add(lowerByte(s[i]))
			c.add(upperByte(s[i]))
		}
		g = append(g, atom{set: c})
	}
	return g
}

func (g glob) one(c charset) glob  { return append(g, atom{set: c}) }
func (g glob) star(c charset) glob { return append(g, atom{set: c, star: true}) }

// plus appends one or more characters of c.
func (g glob) plus(c charset) glob { return g.one(c).star(c) }

func lowerByte(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func upperByte(b byte) byte {
	if 'a' <= b && b <= 'z' {
		return b - ('a' - 'A')
	}
	return b
}

// errUnsupported marks a construct outside what the check decides: the
// answer is Unknown with the error as the reason.
var errUnsupported = errors.New("unsupported")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUnsupported}, args...)...)
}

// patternGlob compiles a string of a policy the way package policy
// compiles it: wild enables * and ?, vars makes ${...} a policy variable
// (which the check does not decide), fold makes the match ignore case, and
// arn applies the rule for Resource ARNs: a * that is not the last
// character of its colon-delimited segment stays within the segment.
// noWild is the set a * or ? may not match (used for values that are known
// not to contain, say, a colon).
//
// ok is false when the pattern can match no value (it names a banned
// character literally).
func patternGlob(s string, wild, vars, fold, arn bool, banned string) (g glob, ok bool, err error) {
	if !isASCII(s) {
		return nil, false, unsupported("%q has characters beyond ASCII", s)
	}
	any := allBut(banned)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case wild && c == '*':
			for i+1 < len(s) && s[i+1] == '*' {
				i++
			}
			set := any
			if rest := s[i+1:]; arn && rest != "" && rest[0] != ':' {
				set = allBut(banned + ":")
			}
			g = g.star(set)
		case wild && c == '?':
			g = g.one(any)
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return nil, false, fmt.Errorf("unterminated policy variable in %q", s)
			}
			body := s[i+2 : i+2+end]
			switch body {
			case "*", "?", "$":
				g = g.lit(body, fold)
				i += 2 + end
				continue
			}
			return nil, false, unsupported("policy variable ${%s} in %q", body, s)
		default:
			if strings.IndexByte(banned, c) >= 0 {
				// The text can never occur in the value: the glob matches
				// nothing.
				return nil, false, nil
			}
			g = g.lit(s[i:i+1], fold)
		}
	}
	return g, true, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0 {
			return false
		}
	}
	return true
}

// arnGlob compiles an ArnLike / ArnEquals value: six colon-delimited
// components, each matched with * and ? within the component, the last
// one taking the rest of the string ("Amazon Resource Name (ARN) condition
// operators", IAM User Guide).
func arnGlob(v string, vars bool) (g glob, ok bool, err error) {
	if !isASCII(v) {
		return nil, false, unsupported("%q has characters beyond ASCII", v)
	}
	if v == "*" {
		return glob{}.star(allChars()), true, nil
	}
	comps := strings.SplitN(v, ":", 6)
	if len(comps) != 6 {
		return nil, false, nil // matches no ARN
	}
	for i, comp := range comps {
		banned := ":"
		if i == 5 {
			banned = ""
		}
		cg, ok, err := patternGlob(comp, true, vars, false, false, banned)
		if err != nil || !ok {
			return nil, false, err
		}
		g = append(g, cg...)
		if i < 5 {
			g = g.lit(":", false)
		}
	}
	return g, true, nil
}

// bitset is a set of small integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// first returns the lowest member, or -1.
func (b bitset) first() int {
	for i, w := range b {
		if w != 0 {
			return i*64 + bits.TrailingZeros64(w)
		}
	}
	return -1
}

func (b bitset) key() string {
	var sb strings.Builder
	sb.Grow(len(b) * 8)
	for _, w := range b {
		for k := 0; k < 8; k++ {
			sb.WriteByte(byte(w >> (8 * k)))
		}
	}
	return sb.String()
}

// automaton is the product of the globs of some predicates and of a shape,
// simulated as a set of positions (a sorted list: the sets are small).
type automaton struct {
	atoms []atom // every glob's atoms, one after the other
	start []int  // first position of each glob
	end   []int  // accepting position of each glob (start + len)
	owner []int  // predicate of each glob; -1 for the shape
	npred int    // number of predicates
	shape bool   // whether a shape constrains the strings
	width int    // positions in all
	sigma []byte // alphabet: one character per block
	isEnd []bool // per position: accepting position of its glob
	globs []int  // per position: its glob
	// reach is, per position, the last position reachable from it by
	// skipping starred atoms: entering p enters p..reach[p].
	reach []int32
	init  state
	limit int     // most states to explore
	steps *budget // shared work budget
}

type state []int32

func (s state) key() string {
	b := make([]byte, 0, 4*len(s))
	for _, p := range s {
		b = append(b, byte(p), byte(p>>8), byte(p>>16), byte(p>>24))
	}
	return string(b)
}

func newAutomaton(preds []pred, shape pred, limit int, bud *budget) *automaton {
	a := &automaton{npred: len(preds), shape: shape != nil, limit: limit, steps: bud}
	add := func(g glob, owner int) {
		a.start = append(a.start, a.width)
		a.atoms = append(a.atoms, g...)
		a.atoms = append(a.atoms, atom{}) // the accepting position
		a.width += len(g) + 1
		a.end = append(a.end, a.width-1)
		a.owner = append(a.owner, owner)
	}
	for i, p := range preds {
		for _, g := range p {
			add(g, i)
		}
	}
	for _, g := range shape {
		add(g, -1)
	}
	a.isEnd = make([]bool, a.width)
	a.globs = make([]int, a.width)
	for gi := range a.start {
		for p := a.start[gi]; p <= a.end[gi]; p++ {
			a.globs[p] = gi
		}
		a.isEnd[a.end[gi]] = true
	}
	a.reach = make([]int32, a.width)
	for p := a.width - 1; p >= 0; p-- {
		a.reach[p] = int32(p)
		if !a.isEnd[p] && a.atoms[p].star {
			a.reach[p] = a.reach[p+1]
		}
	}
	a.sigma = alphabet(a.atoms)
	var init state
	for _, s := range a.start {
		init = a.enter(init, s)
	}
	a.init = normalize(init)
	return a
}

func (a *automaton) enter(s state, p int) state {
	for q := p; q <= int(a.reach[p]); q++ {
		s = append(s, int32(q))
	}
	return s
}

func normalize(s state) state {
	slices.Sort(s)
	return slices.Compact(s)
}

// alphabet returns one character of each block of bytes 0-127 that no
// atom's set tells apart, preferring readable ones (NUL only when no
// other character is in its block). Bytes above 127 (the
// inside of multi-byte characters) behave as the block of characters that
// no literal names: a ? takes a whole character, and no literal matches
// it, so the ASCII representative stands for them.
func alphabet(atoms []atom) []byte {
	var sets []charset
	seen := map[charset]bool{}
	for _, at := range atoms {
		if at.set != (charset{}) && !seen[at.set] {
			seen[at.set] = true
			sets = append(sets, at.set)
		}
	}
	const preferred = "abcdefghijklmnopqrstuvwxyz0123456789-_./:*ABCDEFGHIJKLMNOPQRSTUVWXYZ+=,@ !#%&'()<>[]{}|~^`\"\\;$?"
	order := []byte(preferred)
	for b := 1; b < 128; b++ {
		if strings.IndexByte(preferred, byte(b)) < 0 {
			order = append(order, byte(b))
		}
	}
	// NUL, which no pattern names, last: it stands for the characters
	// beyond ASCII when the patterns name every ASCII character.
	order = append(order, 0)
	blocks := map[string]bool{}
	var out []byte
	for _, b := range order {
		sig := newBitset(len(sets))
		for i := range sets {
			if sets[i].has(b) {
				sig.set(i)
			}
		}
		if k := sig.key(); !blocks[k] {
			blocks[k] = true
			out = append(out, b)
		}
	}
	return out
}

// step returns the state after reading c. The positions entered start in
// ascending order (p for a star at p, p+1 otherwise, for ascending p), so
// skipping those at or below the last one entered keeps the state sorted
// and free of repeats without sorting it.
func (a *automaton) step(s state, c byte) state {
	next := make(state, 0, len(s)+4)
	last := int32(-1)
	for _, p := range s {
		if a.isEnd[p] {
			continue
		}
		at := &a.atoms[p]
		if !at.set.has(c) {
			continue
		}
		from := p
		if !at.star {
			from = p + 1
		}
		for q := max(from, last+1); q <= a.reach[from]; q++ {
			next = append(next, q)
		}
		last = max(last, a.reach[from])
	}
	return next
}

// accepts returns the predicates s accepts, and whether the shape does.
func (a *automaton) accepts(s state) (bitset, bool) {
	sig := newBitset(a.npred)
	shape := !a.shape
	for _, p := range s {
		if !a.isEnd[p] {
			continue
		}
		if o := a.owner[a.globs[p]]; o >= 0 {
			sig.set(o)
		} else {
			shape = true
		}
	}
	return sig, shape
}

// shapeAlive reports whether some shape glob can still accept.
func (a *automaton) shapeAlive(s state) bool {
	if !a.shape {
		return true
	}
	for _, p := range s {
		if a.owner[a.globs[p]] < 0 {
			return true
		}
	}
	return false
}

// run returns the state after reading str.
func (a *automaton) run(str string) state {
	s := a.init
	for i := 0; i < len(str); i++ {
		s = a.step(s, str[i])
	}
	return s
}

// signature returns the predicates str satisfies, and whether it has the
// shape.
func (a *automaton) signature(str string) (bitset, bool) {
	return a.accepts(a.run(str))
}

// class is one class of a partition: the predicates its members satisfy,
// and a member.
type class struct {
	sig bitset
	rep string
}

// classes explores the automaton breadth first and returns one class per
// reachable signature, in the order found (shortest representatives
// first).
func (a *automaton) classes(ctx context.Context) ([]class, error) {
	type item struct {
		s   state
		str string
	}
	visited := map[string]bool{state(a.init).key(): true}
	queue := []item{{a.init, ""}}
	found := map[string]int{}
	var out []class
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if sig, ok := a.accepts(it.s); ok {
			if _, dup := found[sig.key()]; !dup {
				found[sig.key()] = len(out)
				out = append(out, class{sig: sig, rep: it.str})
			}
		}
		for _, c := range a.sigma {
			if err := a.steps.spend(ctx, 1+len(it.s)); err != nil {
				return nil, err
			}
			next := a.step(it.s, c)
			// Without a shape, the empty state (no pattern can match any
			// more) is a class of its own: strings no pattern matches.
			if !a.shapeAlive(next) {
				continue
			}
			k := next.key()
			if visited[k] {
				continue
			}
			if len(visited) >= a.limit {
				return nil, unsupported("more than %d automaton states in one dimension", a.limit)
			}
			visited[k] = true
			queue = append(queue, item{next, it.str + string(c)})
		}
	}
	return out, nil
}

// prefer replaces representatives by the first candidate of the same
// class, for readable witnesses.
func (a *automaton) prefer(cs []class, candidates []string) {
	index := map[string]int{}
	for i, c := range cs {
		index[c.sig.key()] = i
	}
	done := map[int]bool{}
	for _, cand := range candidates {
		if !isASCII(cand) {
			continue
		}
		sig, ok := a.signature(cand)
		if !ok {
			continue
		}
		if i, ok := index[sig.key()]; ok && !done[i] {
			done[i] = true
			cs[i].rep = cand
		}
	}
}
