// Package suggest finds the name a misspelt one was probably meant to be,
// for the "did you mean ...?" of s3vet's errors.
package suggest

import "strings"

// Closest returns the candidate that name was probably meant to be: one
// that differs only in case, or else the closest by edit distance
// (insertions, deletions, substitutions and transpositions of adjacent
// characters, case ignored), if that distance is at most a third of the
// longer name's length (at least 1) and less than the candidate's length.
// It returns "" when no candidate is that close. Among equally close
// candidates the one nearest in length wins, then the first.
func Closest(name string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
	}
	lower := []rune(strings.ToLower(name))
	best, bestD := "", -1
	for _, c := range candidates {
		cl := []rune(strings.ToLower(c))
		limit := max(1, max(len(lower), len(cl))/3)
		if abs(len(cl)-len(lower)) > limit {
			continue // the distance is at least the difference in length
		}
		d := distance(lower, cl)
		if d > limit || d >= len(cl) {
			continue
		}
		if bestD < 0 || d < bestD || d == bestD && abs(len(cl)-len(lower)) < abs(len([]rune(best))-len(lower)) {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the optimal string alignment distance between a and b.
func distance(a, b []rune) int {
	// Three rows of the dynamic programme: two back, one back, current.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Distance is the optimal string alignment distance between a and b, case
// ignored: the insertions, deletions, substitutions and transpositions of
// adjacent characters that turn one into the other.
func Distance(a, b string) int {
	return distance([]rune(strings.ToLower(a)), []rune(strings.ToLower(b)))
}
