package public

import (
	"slices"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

// badActions are the "bad actions" of the S3 API Reference
// (PublicAccessBlockConfiguration): "s3:Get*, s3:List*,
// s3:AbortMultipartUpload, s3:Delete*, s3:Put*, and s3:RestoreObject".
// read marks the patterns whose actions read (access level Read or List in
// the catalog, every one of them); the others write.
var badActions = [...]struct {
	pattern string
	read    bool
}{
	{"s3:AbortMultipartUpload", false},
	{"s3:Delete*", false},
	{"s3:Get*", true},
	{"s3:List*", true},
	{"s3:Put*", false},
	{"s3:RestoreObject", false},
}

// grant is what a statement grants of the bad actions.
type grant struct {
	actions     []string
	read, write bool
}

// grantsBadAction reports whether the statement's Action or NotAction
// grants a bad action, now or once AWS adds actions that match a bad-action
// pattern. It is len(grantedBad(s).actions) > 0, cheaply.
func grantsBadAction(s *policy.Statement) bool {
	for _, b := range badActions {
		if s.NotAction {
			if !coveredByAny(s.Action, b.pattern) {
				return true
			}
			continue
		}
		for _, a := range s.Action {
			if intersects(a, b.pattern) {
				return true
			}
		}
	}
	return false
}

// grantedBad lists the bad actions the statement grants (see
// Reason.Actions) and whether they read and write.
func grantedBad(s *policy.Statement) grant {
	var g grant
	set := map[string]bool{}
	add := func(name string, read bool) {
		set[name] = true
		if read {
			g.read = true
		} else {
			g.write = true
		}
	}
	addAction := func(a catalog.Action) {
		add(a.String(), a.Access == catalog.Read || a.Access == catalog.List)
	}
	if s.NotAction {
		// Everything is granted but what the patterns match.
		for _, b := range badActions {
			if coveredByAny(s.Action, b.pattern) {
				continue
			}
			var left []catalog.Action
			touched := false
			for a := range catalog.Matching(b.pattern) { // read only
				if coveredByAny(s.Action, a.String()) {
					touched = true
				} else {
					left = append(left, a)
				}
			}
			if !touched || len(left) == 0 {
				// All of it, or only actions AWS has yet to add.
				add(b.pattern, b.read)
				continue
			}
			for _, a := range left {
				addAction(a)
			}
		}
	} else {
		for _, pat := range s.Action {
			var known []catalog.Action // expanded on first use
			named := false             // pat names a bad action of today
			var future []bool          // the read flags of the bad patterns pat meets
			for _, b := range badActions {
				if !intersects(pat, b.pattern) {
					continue
				}
				if covers(pat, b.pattern) {
					add(b.pattern, b.read)
					named = true
					continue
				}
				if known == nil {
					known = slices.Collect(catalog.Matching(pat)) // read only
				}
				found := false
				for _, a := range known {
					if covers(b.pattern, a.String()) {
						addAction(a)
						found = true
					}
				}
				if found {
					named = true
				} else {
					future = append(future, b.read)
				}
			}
			if !named {
				// A pattern that matches no bad action yet, only ones
				// AWS may add: report it as written.
				for _, read := range future {
					add(pat, read)
				}
			}
		}
	}
	// Drop what a bad-action pattern granted whole already covers.
	for name := range set {
		for _, b := range badActions {
			if name != b.pattern && set[b.pattern] && covers(b.pattern, name) {
				delete(set, name)
				break
			}
		}
	}
	for name := range set {
		g.actions = append(g.actions, name)
	}
	slices.Sort(g.actions)
	return g
}

// coveredByAny reports whether one of the patterns matches everything
// pattern b matches.
func coveredByAny(patterns []string, b string) bool {
	for _, a := range patterns {
		if covers(a, b) {
			return true
		}
	}
	return false
}

// lower folds an ASCII letter to lower case: action names match
// case-insensitively.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// covers reports whether IAM action pattern a matches every string that
// pattern b matches (* any run of characters, ? one character, letters
// case-insensitive). It matches a against b's text, where a's * may take
// any of b's symbols, a's ? any one of b's but a *, and a's letters only
// the same letter. That is exact when b has no wildcard, and otherwise
// never wrong when it says yes.
func covers(a, b string) bool {
	n, m := len(a), len(b)
	// prev[j] and cur[j]: whether a[:i-1] (a[:i]) covers b[:j].
	prev := make([]bool, m+1)
	cur := make([]bool, m+1)
	prev[0] = true
	for i := 1; i <= n; i++ {
		ca := a[i-1]
		cur[0] = prev[0] && ca == '*'
		for j := 1; j <= m; j++ {
			cb := b[j-1]
			switch ca {
			case '*':
				cur[j] = prev[j] || cur[j-1]
			case '?':
				cur[j] = cb != '*' && prev[j-1]
			default:
				cur[j] = cb != '*' && cb != '?' && lower(ca) == lower(cb) && prev[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[m]
}

// intersects reports whether some string matches both IAM action patterns
// a and b. It walks the product of the two patterns: a state is a position
// in each, and a move reads one character both patterns accept.
func intersects(a, b string) bool {
	n, m := len(a), len(b)
	seen := make([]bool, (n+1)*(m+1))
	stack := []int{0}
	seen[0] = true
	push := func(i, j int) {
		if k := i*(m+1) + j; !seen[k] {
			seen[k] = true
			stack = append(stack, k)
		}
	}
	for len(stack) > 0 {
		k := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := k/(m+1), k%(m+1)
		if i == n && j == m {
			return true
		}
		// A star may match nothing.
		if i < n && a[i] == '*' {
			push(i+1, j)
		}
		if j < m && b[j] == '*' {
			push(i, j+1)
		}
		if i == n || j == m {
			continue
		}
		ca, cb := a[i], b[j]
		if ca == '*' && cb == '*' {
			continue // covered by the moves above
		}
		if ca != '*' && ca != '?' && cb != '*' && cb != '?' && lower(ca) != lower(cb) {
			continue
		}
		// Read one character; a star stays where it is.
		ni, nj := i+1, j+1
		if ca == '*' {
			ni = i
		}
		if cb == '*' {
			nj = j
		}
		push(ni, nj)
	}
	return false
}
