package checks

// IAM wildcards in ARNs: * matches any run of characters, ? any one. ARNs
// compare case-sensitively.

type globMode uint8

const (
	globExact globMode = iota // p matches s
	globCover                 // p matches every string that begins with s
	globMeet                  // p matches some string that begins with s
)

// globMatch reports whether pattern p matches s.
func globMatch(p, s string) bool { return glob(p, s, globExact) }

// globCoversPrefix reports whether p matches every string that begins with
// prefix. It is conservative: it requires the stars that match the rest
// to end the pattern, so that "b/*?" is not taken to cover "b/x".
func globCoversPrefix(p, prefix string) bool { return glob(p, prefix, globCover) }

// globMeetsPrefix reports whether p matches some string that begins with
// prefix.
func globMeetsPrefix(p, prefix string) bool { return glob(p, prefix, globMeet) }

// glob decides by dynamic programming over (position in p, position in
// s), so that no pattern takes more than len(p)*len(s) steps.
func glob(p, s string, mode globMode) bool {
	memo := make([]int8, (len(p)+1)*(len(s)+1)) // 0 unknown, 1 true, 2 false
	var f func(i, j int) bool
	f = func(i, j int) bool {
		k := i*(len(s)+1) + j
		if memo[k] != 0 {
			return memo[k] == 1
		}
		var r bool
		switch {
		case j == len(s):
			r = mode == globMeet || onlyStars(p[i:]) && (mode == globExact || i < len(p))
		case i == len(p):
			r = false
		case p[i] == '*':
			r = f(i+1, j) || f(i, j+1)
		case p[i] == '?' || p[i] == s[j]:
			r = f(i+1, j+1)
		}
		memo[k] = 2
		if r {
			memo[k] = 1
		}
		return r
	}
	return f(0, 0)
}

func onlyStars(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] != '*' {
			return false
		}
	}
	return true
}
