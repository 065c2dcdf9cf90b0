package lint

import (
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// sids reports Sids used by more than one statement.
func (l *linter) sids(p *policy.Policy) {
	first := map[string]int{}
	for k := range p.Statements {
		s := &p.Statements[k]
		if s.Sid == "" {
			continue
		}
		j, dup := first[s.Sid]
		if !dup {
			first[s.Sid] = s.Index
			continue
		}
		if iamType(p.Type) {
			l.add("UNIQUE_SIDS_REQUIRED", s.Index, s.Sid, "Sid", "Duplicate statement IDs are not supported for this policy type: statement %d has the Sid %q too. Update the Sid value.", j, s.Sid)
		} else {
			l.add("UNIQUE_SIDS_RECOMMENDED", s.Index, s.Sid, "Sid", "We recommend that you use statement IDs that are unique to your policy: statement %d has the Sid %q too. Update the Sid value.", j, s.Sid)
		}
	}
}

// redundant reports the statements that another statement of the same
// effect covers: its principals, actions, resources and conditions are
// all covered, so removing it changes no permission. Of two statements
// that cover each other, the later one is reported.
func (l *linter) redundant(p *policy.Policy) {
	for k := range p.Statements {
		b := &p.Statements[k]
		for j := range p.Statements {
			a := &p.Statements[j]
			if j == k || !covers(a, b) || j > k && covers(b, a) {
				continue
			}
			how := "covers it"
			if covers(b, a) {
				how = "grants the same permissions"
				if b.Effect == policy.Deny {
					how = "denies the same requests"
				}
			}
			l.add("REDUNDANT_STATEMENT", b.Index, b.Sid, "", "The statement is redundant: statement %d%s %s. Update the policy to remove the redundant statement.", a.Index, sidNote(a.Sid), how)
			break
		}
	}
}

func sidNote(sid string) string {
	if sid == "" {
		return ""
	}
	return " (" + sid + ")"
}

// covers reports whether statement a applies to every request statement b
// applies to, with the same effect. It answers "no" when it cannot tell.
func covers(a, b *policy.Statement) bool {
	return a.Effect == b.Effect &&
		principalsCover(a.Principal, b.Principal) &&
		listCovers(a.Action, a.NotAction, b.Action, b.NotAction, true, matchFold) &&
		listCovers(a.Resource, a.NotResource, b.Resource, b.NotResource, false, resourceMatches) &&
		conditionsCover(a.Conditions, b.Conditions)
}

// listCovers compares two Action (or Resource) elements, each possibly
// negated.
func listCovers(a []string, aNot bool, b []string, bNot bool, fold bool, match func(p, s string) bool) bool {
	covered := func(x string, list []string) bool {
		return slices.ContainsFunc(list, func(y string) bool { return patternCovers(y, x, fold, match) })
	}
	switch {
	case !aNot && !bNot:
		for _, x := range b {
			if !covered(x, a) {
				return false
			}
		}
		return true
	case aNot && bNot:
		// a excludes a subset of what b excludes.
		for _, x := range a {
			if !covered(x, b) {
				return false
			}
		}
		return true
	case aNot:
		// Every entry of b must escape every exclusion of a; only
		// literal entries can be told.
		for _, x := range b {
			if hasWildcard(x) {
				return false
			}
			for _, y := range a {
				if match(y, x) {
					return false
				}
			}
		}
		return true
	}
	return slices.Contains(a, "*")
}

// principalsCover compares two Principal elements.
func principalsCover(a, b *policy.Principals) bool {
	switch {
	case a == nil || b == nil:
		return a == nil && b == nil
	case a.Not || b.Not:
		return a.Not && b.Not && samePrincipals(a, b)
	case a.Any:
		return true
	case b.Any:
		return false
	}
	return subset(b.AWS, a.AWS, normalAccount) && subset(b.Service, a.Service, nil) &&
		subset(b.Federated, a.Federated, nil) && subset(b.CanonicalUser, a.CanonicalUser, nil)
}

func samePrincipals(a, b *policy.Principals) bool {
	return a.Any == b.Any &&
		subset(a.AWS, b.AWS, normalAccount) && subset(b.AWS, a.AWS, normalAccount) &&
		subset(a.Service, b.Service, nil) && subset(b.Service, a.Service, nil) &&
		subset(a.Federated, b.Federated, nil) && subset(b.Federated, a.Federated, nil) &&
		subset(a.CanonicalUser, b.CanonicalUser, nil) && subset(b.CanonicalUser, a.CanonicalUser, nil)
}

// normalAccount writes an account's root ARN as its ID, the two ways a
// policy names an account.
func normalAccount(v string) string {
	if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root" {
		return parts[4]
	}
	return v
}

func subset(x, y []string, norm func(string) string) bool {
	for _, v := range x {
		found := false
		for _, w := range y {
			if v == w || norm != nil && norm(v) == norm(w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// conditionsCover reports whether every condition of a is one of b's: a
// then matches whenever b does.
func conditionsCover(a, b []policy.Condition) bool {
	for _, c := range a {
		if !slices.ContainsFunc(b, func(d policy.Condition) bool {
			return c.Operator == d.Operator && strings.EqualFold(c.Key, d.Key) &&
				subset(c.Values, d.Values, nil) && subset(d.Values, c.Values, nil)
		}) {
			return false
		}
	}
	return true
}
