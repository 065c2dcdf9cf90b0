package verify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// Policy variables (${aws:username} in a pattern) tie one part of a
// request to another, which the boxes cannot express. The check decides
// them in three steps, each sound:
//
//  1. A statement with a variable that both the old and the new policies
//     hold, word for word, allows (or denies) the same requests in both
//     for every value of the variable. It is set aside; what remains to
//     prove for it is that the old policy denies none of its requests
//     that the new one does not, asked of its widened form (below).
//  2. The others are approximated. The side that must allow (the new
//     policy's Allow statements, the old policy's Deny statements) is
//     widened: a pattern is cut at its first variable and ends in *, a
//     NotResource entry with a variable is left out, and a condition with
//     a variable is dropped. The side that is subtracted (the new
//     policy's Deny statements, the old policy's Allow statements) is
//     narrowed: a statement with a variable applies to nothing. So the
//     approximated new policy allows at least what the new one does, and
//     the approximated old one at most what the old one does: a PASS on
//     the approximations is a PASS.
//  3. A witness of the approximations is evaluated with the policies
//     themselves. When they do not confirm it, every variable is given one
//     value ("s3vet-var"), the search runs again on the policies so
//     instantiated, and its witness, carrying that value (a user of that
//     name for aws:username, the key in its context otherwise), is
//     evaluated again. Only a confirmed witness is a FAIL; otherwise the
//     answer is UNKNOWN.

// varValue is the value every policy variable takes in step 3.
const varValue = "s3vet-var"

// firstVariable returns the index of the first policy variable in s (not
// the escapes ${*}, ${?} and ${$}), or -1.
func firstVariable(s string) int {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '$' || s[i+1] != '{' {
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return -1
		}
		switch s[i+2 : i+2+end] {
		case "*", "?", "$":
			i += 2 + end
			continue
		}
		return i
	}
	return -1
}

func hasVariable(s string) bool { return firstVariable(s) >= 0 }

// variableKeys returns the keys of the policy variables in s, lower case.
func variableKeys(s string) []string {
	var keys []string
	for {
		i := firstVariable(s)
		if i < 0 {
			return keys
		}
		end := strings.IndexByte(s[i:], '}')
		key, _, _ := strings.Cut(s[i+2:i+end], ",")
		keys = append(keys, strings.ToLower(strings.TrimSpace(key)))
		s = s[i+end+1:]
	}
}

// variables reports whether a statement uses policy variables, and the
// first one it uses.
func variables(p *policy.Policy, st *policy.Statement) (string, bool) {
	if p.Version != policy.Version2012 {
		return "", false
	}
	name := func(s string) string {
		i := firstVariable(s)
		end := strings.IndexByte(s[i:], '}')
		return s[i : i+end+1]
	}
	for _, r := range st.Resource {
		if hasVariable(r) {
			return name(r), true
		}
	}
	for _, c := range st.Conditions {
		for _, v := range c.Values {
			if hasVariable(v) {
				return name(v), true
			}
		}
	}
	return "", false
}

// mode is what is done to a statement with a variable.
type mode uint8

const (
	asIs        mode = iota
	widen            // applies to at least what it did
	narrow           // applies to nothing
	instantiate      // every variable takes varValue
)

// rewrite returns p with each statement with a variable rewritten in the
// mode modeOf gives it; nil when p has none. The statements keep their
// indices.
func rewrite(p *policy.Policy, modeOf func(i int, st *policy.Statement) mode) (*policy.Policy, error) {
	found := false
	for i := range p.Statements {
		if _, ok := variables(p, &p.Statements[i]); ok {
			found = true
		}
	}
	if !found {
		return nil, nil
	}
	var sts []map[string]any
	for i := range p.Statements {
		st := &p.Statements[i]
		m := asIs
		if _, ok := variables(p, st); ok {
			m = modeOf(i, st)
		}
		sts = append(sts, statementJSON(st, m))
	}
	top := map[string]any{"Statement": sts}
	if p.Version != "" {
		top["Version"] = p.Version
	}
	doc, err := json.Marshal(top)
	if err != nil {
		return nil, err
	}
	out, err := policy.Parse(p.Name, p.Type, doc)
	if err != nil {
		return nil, fmt.Errorf("verify: rewriting the policy variables of %q: %w (internal error)", p.Name, err)
	}
	return out, nil
}

// statementJSON writes a statement back as JSON, in the mode given.
func statementJSON(st *policy.Statement, m mode) map[string]any {
	out := map[string]any{"Effect": st.Effect.String()}
	if st.Sid != "" {
		out["Sid"] = st.Sid
	}
	if ps := st.Principal; ps != nil {
		el := "Principal"
		if ps.Not {
			el = "NotPrincipal"
		}
		if ps.Any && len(ps.AWS) == 0 && len(ps.Service) == 0 && len(ps.Federated) == 0 && len(ps.CanonicalUser) == 0 {
			out[el] = "*"
		} else {
			pm := map[string]any{}
			for k, l := range map[string][]string{"AWS": ps.AWS, "Service": ps.Service, "Federated": ps.Federated, "CanonicalUser": ps.CanonicalUser} {
				if len(l) > 0 {
					pm[k] = l
				}
			}
			out[el] = pm
		}
	}
	if st.NotAction {
		out["NotAction"] = st.Action
	} else {
		out["Action"] = st.Action
	}
	conds := map[string]map[string][]string{}
	for _, c := range st.Conditions {
		if conds[c.Operator] == nil {
			conds[c.Operator] = map[string][]string{}
		}
		conds[c.Operator][c.Key] = slices.Clone(c.Values)
	}
	var res []string
	switch m {
	case asIs:
		res = st.Resource
	case narrow:
		// A key that is both absent and equal to a value is no request's.
		for _, r := range st.Resource {
			if !hasVariable(r) {
				res = append(res, r)
			}
		}
		if len(res) == 0 {
			res = []string{"*"}
		}
		dropVariables(conds)
		conds["Null"] = map[string][]string{"s3vet:never": {"true"}}
		conds["StringEquals"] = map[string][]string{"s3vet:never": {"x"}}
	case widen:
		for _, r := range st.Resource {
			switch i := firstVariable(r); {
			case i < 0:
				res = append(res, r)
			case st.NotResource:
				// Left out: the statement excludes less.
			default:
				res = append(res, r[:i]+"*")
			}
		}
		dropVariables(conds)
	case instantiate:
		for _, r := range st.Resource {
			res = append(res, instantiated(r))
		}
		for _, kv := range conds {
			for k, vs := range kv {
				for i, v := range vs {
					vs[i] = instantiated(v)
				}
				kv[k] = vs
			}
		}
	}
	if st.Resource != nil {
		switch {
		case st.NotResource && len(res) == 0:
			out["Resource"] = []string{"*"}
		case st.NotResource:
			out["NotResource"] = res
		default:
			out["Resource"] = res
		}
	}
	if len(conds) > 0 {
		out["Condition"] = conds
	}
	return out
}

// dropVariables removes the conditions whose values hold a variable.
func dropVariables(conds map[string]map[string][]string) {
	for op, kv := range conds {
		for k, vs := range kv {
			if slices.ContainsFunc(vs, hasVariable) {
				delete(kv, k)
			}
		}
		if len(kv) == 0 {
			delete(conds, op)
		}
	}
}

// instantiated replaces every policy variable of s with varValue.
func instantiated(s string) string {
	for {
		i := firstVariable(s)
		if i < 0 {
			return s
		}
		end := strings.IndexByte(s[i:], '}')
		s = s[:i] + varValue + s[i+end+1:]
	}
}

// approximate returns the policies with their statements with variables
// widened where they allow and narrowed where they are subtracted:
// allowSide says the policies are the side that must allow.
func (c *check) approximate(pols []*policy.Policy, allowSide bool) ([]*policy.Policy, error) {
	return c.approximateExcept(pols, allowSide, nil)
}

// approximateExcept is approximate, with the statements of set aside
// narrowed (made to apply to nothing) whatever their side.
func (c *check) approximateExcept(pols []*policy.Policy, allowSide bool, aside map[*policy.Statement]bool) ([]*policy.Policy, error) {
	out := make([]*policy.Policy, len(pols))
	for i, p := range pols {
		a, err := rewrite(p, func(_ int, st *policy.Statement) mode {
			if aside[st] || (st.Effect == policy.Allow) != allowSide {
				return narrow
			}
			return widen
		})
		if err != nil {
			return nil, err
		}
		if a == nil {
			out[i] = p
			continue
		}
		out[i] = a
		c.noteApprox(p, a)
	}
	return out, nil
}

// noteApprox records the statements of a that approximate ones of p.
func (c *check) noteApprox(p, a *policy.Policy) {
	if c.approxStmt == nil {
		c.approxStmt = map[*policy.Statement]bool{}
	}
	for j := range p.Statements {
		if v, ok := variables(p, &p.Statements[j]); ok {
			c.approxStmt[&a.Statements[j]] = true
			if c.approx == "" {
				c.approx = v
			}
		}
	}
}

// approximatePair approximates old and new for NoNewAccess: the
// statements with variables that both hold word for word are set aside
// (step 1), and same holds the Allow ones among them, widened; the others
// are approximated (step 2).
func (c *check) approximatePair(old, new []*policy.Policy) (oldA, newA []*policy.Policy, same *policy.Policy, err error) {
	canon := func(st *policy.Statement) string {
		// The Sid names the statement and plays no part in evaluation.
		m := statementJSON(st, asIs)
		delete(m, "Sid")
		j, _ := json.Marshal(m)
		return string(j)
	}
	oldVar := map[string][]*policy.Statement{}
	for _, p := range old {
		for i := range p.Statements {
			if _, ok := variables(p, &p.Statements[i]); ok {
				k := canon(&p.Statements[i])
				oldVar[k] = append(oldVar[k], &p.Statements[i])
			}
		}
	}
	aside := map[*policy.Statement]bool{}
	var sameStmts []map[string]any
	var sameOf *policy.Policy
	for _, p := range new {
		for i := range p.Statements {
			st := &p.Statements[i]
			if _, ok := variables(p, st); !ok {
				continue
			}
			if os := oldVar[canon(st)]; len(os) > 0 {
				aside[st] = true
				for _, o := range os {
					aside[o] = true
				}
				if st.Effect == policy.Allow {
					sameStmts = append(sameStmts, statementJSON(st, widen))
					sameOf = p
				}
			}
		}
	}
	if oldA, err = c.approximateExcept(old, false, aside); err != nil {
		return nil, nil, nil, err
	}
	if newA, err = c.approximateExcept(new, true, aside); err != nil {
		return nil, nil, nil, err
	}
	if len(sameStmts) > 0 {
		top := map[string]any{"Version": policy.Version2012, "Statement": sameStmts}
		doc, err := json.Marshal(top)
		if err != nil {
			return nil, nil, nil, err
		}
		if same, err = policy.Parse(sameOf.Name+" (statements both policies hold)", sameOf.Type, doc); err != nil {
			return nil, nil, nil, fmt.Errorf("verify: %w (internal error)", err)
		}
		if c.approxStmt == nil {
			c.approxStmt = map[*policy.Statement]bool{}
		}
		for i := range same.Statements {
			c.approxStmt[&same.Statements[i]] = true
		}
	}
	return oldA, newA, same, nil
}

// A binding is a variable's key that step 3 gave varValue.
type binding string

// instantiateAll gives every variable of the policies varValue. It
// refuses a variable of a key AWS derives from the caller other than
// aws:username, whose value a witness cannot choose.
func instantiateAll(pols []*policy.Policy) ([]*policy.Policy, []binding, error) {
	out := make([]*policy.Policy, len(pols))
	keys := map[string]bool{}
	for i, p := range pols {
		for j := range p.Statements {
			st := &p.Statements[j]
			if _, ok := variables(p, st); !ok {
				continue
			}
			var all []string
			for _, r := range st.Resource {
				all = append(all, variableKeys(r)...)
			}
			for _, cd := range st.Conditions {
				for _, v := range cd.Values {
					all = append(all, variableKeys(v)...)
				}
			}
			for _, k := range all {
				if (principalKeys[k] && k != "aws:username") || accountKeys[k] {
					return nil, nil, unsupported("policy variable ${%s}", k)
				}
				keys[k] = true
			}
		}
		a, err := rewrite(p, func(int, *policy.Statement) mode { return instantiate })
		if err != nil {
			return nil, nil, err
		}
		if a == nil {
			a = p
		}
		out[i] = a
	}
	var bs []binding
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		bs = append(bs, binding(k))
	}
	return out, bs, nil
}

// bindVariables gives the witness the values step 3 assumed: a user named
// varValue for aws:username, the key in the context otherwise.
func bindVariables(w *Witness, bs []binding) {
	for _, b := range bs {
		if b == "aws:username" {
			account, partition := "111122223333", "aws"
			if p, err := policy.ParsePrincipal(w.Principal); err == nil && p.Account != "" {
				account, partition = p.Account, p.Partition
			}
			w.Principal = "arn:" + partition + ":iam::" + account + ":user/" + varValue
			// The keys of the caller it replaces are not the user's: its
			// aws:PrincipalArn is its own ARN, and a user has an
			// aws:userid (kept when the caller was a user or session).
			if w.Context == nil {
				w.Context = map[string][]string{}
			}
			delete(w.Context, "aws:PrincipalArn")
			if len(w.Context["aws:userid"]) == 0 {
				w.Context["aws:userid"] = []string{"AIDAS3VETVAR"}
			}
			continue
		}
		if w.Context == nil {
			w.Context = map[string][]string{}
		}
		w.Context[string(b)] = []string{varValue}
	}
}
