package policy

import (
	"math/rand/v2"
	"testing"
)

// TestMatchBacktrackAgreesWithGreedy: on patterns where greedy placement is
// exact (no star that stays within its segment after another star), the
// backtracking matcher gives the same answers, over random patterns and
// strings of a small alphabet with colons.
func TestMatchBacktrackAgreesWithGreedy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ab:/*?"
	random := func(n int, chars string) string {
		b := make([]byte, r.IntN(n))
		for i := range b {
			b[i] = chars[r.IntN(len(chars))]
		}
		return string(b)
	}
	checked := 0
	for range 20000 {
		src := random(8, alphabet)
		p, err := compilePattern(src, true, false, true)
		if err != nil {
			t.Fatal(err)
		}
		for range 8 {
			s := random(10, "ab:/")
			greedy, back := matchParts(p.parts, s, false, nil), matchBacktrack(p.parts, s, false, nil)
			if p.backtrack {
				continue
			}
			checked++
			if greedy != back {
				t.Fatalf("pattern %q, string %q: greedy %v, backtracking %v", src, s, greedy, back)
			}
		}
	}
	if checked < 10000 {
		t.Fatalf("only %d comparisons", checked)
	}
}

// TestQuestionMarkOnBadUTF8: ? matches one character (IAM User Guide,
// String condition operators: "? matches a single character"); a byte that
// begins no valid UTF-8 sequence is one character, and ? never takes the
// ASCII characters after it.
func TestQuestionMarkOnBadUTF8(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"?", "é", true},
		{"?", "\xe0ab", false},
		{"?ab", "\xe0ab", true},
		{"??", "\xe0\x80", true}, // an overlong or cut sequence: two characters
		{"?", "\xf0\x9f\x98", false},
		{"*?", "a\xe0", true},
		{"a?", "a\xf0\x9f\x98\x80", true},
		{"*b?", "ab\xe0", true},
		{"*b?", "a\xe0b", false},
	} {
		p, err := compilePattern(tc.pattern, true, false, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.match(tc.s, false, nil); got != tc.want {
			t.Errorf("%q matches %q: %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}
