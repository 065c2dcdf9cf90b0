package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

// The differential test: random policy pairs from a seeded generator,
// where the procedure's answer must equal brute-force evaluation, by
// policy.Set.Evaluate, of every request built from the procedure's class
// representatives and from values chosen independently of it.

var (
	genActions = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:Get*",
		"s3:*Object", "s3:*", "*", "s3:ListAllMyBuckets", "kms:Decrypt", "s3:GetObjectAc?", "S3:getobject"}
	genResources = []string{"arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:s3:::b/a/*", "arn:aws:s3:::b?/*",
		"arn:aws:s3:::*", "*", "arn:aws:s3:::b/a?", "arn:aws:s3:::c/*", "arn:aws:s3:::b*", "arn:aws:s3:::b/${aws:username}/*"}
	genPrincipals = []string{`"*"`, `{"AWS":"111122223333"}`, `{"AWS":"arn:aws:iam::111122223333:user/alice"}`,
		`{"AWS":"arn:aws:iam::444455556666:role/app"}`, `{"AWS":["111122223333","arn:aws:iam::444455556666:root"]}`,
		`{"Service":"cloudtrail.amazonaws.com"}`, `{"AWS":"arn:aws:iam::444455556666:role/ops/deploy"}`,
		`{"AWS":"arn:aws:sts::111122223333:federated-user/bob"}`}
	genConditions = []string{
		`{"StringLike":{"s3:prefix":"${aws:username}/*"}}`,
		`{"Bool":{"aws:SecureTransport":"true"}}`, `{"Bool":{"aws:SecureTransport":"false"}}`,
		`{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, `{"NotIpAddress":{"aws:SourceIp":["10.1.0.0/16","2001:db8::/32"]}}`,
		`{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`, `{"StringNotEquals":{"aws:PrincipalAccount":"444455556666"}}`,
		`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app*"}}`, `{"StringLike":{"aws:username":"al*"}}`,
		`{"StringLike":{"s3:prefix":["home/","home/*"]}}`, `{"StringNotLike":{"s3:prefix":"home/a?"}}`,
		`{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, `{"NumericGreaterThan":{"s3:max-keys":"100"}}`,
		`{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`, `{"DateLessThan":{"aws:CurrentTime":"2027-01-01"}}`,
		`{"Null":{"aws:SourceVpce":"true"}}`, `{"StringEquals":{"aws:SourceVpce":"vpce-1"}}`,
		`{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}`,
		`{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}`, `{"ForAllValues:StringLike":{"aws:TagKeys":["a*"]}}`,
		`{"StringEqualsIgnoreCase":{"s3:x-amz-acl":"Private"}}`, `{"StringEquals":{"s3:x-amz-acl":"private"}}`,
		`{"StringNotEquals":{"aws:ResourceAccount":"111122223333"}}`, `{"StringEquals":{"s3:ResourceAccount":"111122223333"}}`,
		`{"StringLike":{"aws:userid":"AROA*:*"}}`, `{"StringEquals":{"aws:PrincipalType":"AssumedRole"}}`,
		`{"StringNotEquals":{"aws:PrincipalType":"FederatedUser"}}`, `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ops/*"}}`,
		`{"StringLike":{"aws:userid":"1111*:b*"}}`,
		`{"StringEqualsIfExists":{"s3:prefix":""}}`, `{"StringNotEquals":{"s3:delimiter":["/",""]}}`,
		`{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`,
	}
	// Values chosen independently of the procedure, per key.
	extraValues = map[string][][]string{
		"aws:securetransport": {{"true"}, {"false"}, {"TRUE"}, {"x"}},
		"aws:sourceip":        {{"10.0.0.1"}, {"10.1.2.3"}, {"11.0.0.0"}, {"2001:db8::1"}, {"::1"}, {"1.2.3.4"}},
		"s3:prefix":           {{"home/"}, {"home/ab"}, {"home/a1"}, {"home/abc"}, {"x"}, {""}, {"alice/x"}, {"s3vet-var/"}},
		"s3:max-keys":         {{"5"}, {"10"}, {"10.5"}, {"101"}, {"1000"}, {"-1"}, {"abc"}},
		"aws:currenttime":     {{"2025-06-01T00:00:00Z"}, {"2026-06-01T00:00:00Z"}, {"2027-06-01T00:00:00Z"}},
		"aws:sourcevpce":      {{"vpce-1"}, {"vpce-2"}},
		"aws:tagkeys":         {{"a"}, {"b"}, {"a", "c"}, {"c"}, {"ab"}, {"b", "ab"}},
		"s3:x-amz-acl":        {{"private"}, {"PRIVATE"}, {"public-read"}},
		"s3:delimiter":        {{"/"}, {""}, {"|"}},
	}
	extraPrincipals = []string{"anonymous", "arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:user/s3vet-var",
		"arn:aws:iam::111122223333:user/bob", "arn:aws:iam::444455556666:root", "arn:aws:sts::444455556666:assumed-role/app/s",
		"arn:aws:sts::444455556666:assumed-role/app2/s", "arn:aws:sts::111122223333:assumed-role/other/s",
		"arn:aws:iam::999999999999:user/alfred", "arn:aws:iam::111122223333:user/eng/alice", "cloudtrail.amazonaws.com", "s3.amazonaws.com",
		"arn:aws:sts::111122223333:federated-user/bob", "arn:aws:sts::111122223333:federated-user/carol",
		"arn:aws:sts::444455556666:assumed-role/deploy/s", "arn:aws:iam::111122223333:user/x:role/y"}
	// The role of a session, when its path is not "/".
	extraRolePaths = map[string]string{"arn:aws:sts::444455556666:assumed-role/deploy/s": "arn:aws:iam::444455556666:role/ops/deploy"}
	extraActions   = []string{"s3:GetObject", "s3:GetObjectAcl", "s3:PutBucketPolicy", "s3:ListBucket", "s3:ListAllMyBuckets", "kms:Decrypt", "kms:CreateAlias", "ec2:RunInstances"}
	extraResources = []string{"arn:aws:s3:::b", "arn:aws:s3:::b/alice/x", "arn:aws:s3:::b/s3vet-var/x", "arn:aws:s3:::b/a/x", "arn:aws:s3:::bb/x", "arn:aws:s3:::bbb/x", "arn:aws:s3:::b/ab",
		"arn:aws:s3:::b/abc", "arn:aws:s3:::c/k", "*",
		"arn:aws:kms:us-east-1:111122223333:key/k", "arn:aws:ec2:us-east-1:111122223333:instance/i",
		"arn:aws:kms:us-east-1:111122223333:alias/team/x", "arn:aws:s3::111122223333:accesspoint/m.mrap/object/k"}
)

type generator struct {
	r     *rand.Rand
	kind  Kind
	conds []string // the pair's pool of conditions
}

func (g *generator) pick(l []string) string { return l[g.r.IntN(len(l))] }

func (g *generator) list(l []string) string {
	n := 1 + g.r.IntN(2)
	var out []string
	for range n {
		out = append(out, fmt.Sprintf("%q", g.pick(l)))
	}
	return "[" + strings.Join(out, ",") + "]"
}

func (g *generator) statement() string {
	var b strings.Builder
	effect := "Allow"
	if g.r.IntN(4) == 0 {
		effect = "Deny"
	}
	fmt.Fprintf(&b, `{"Effect":%q`, effect)
	if g.kind == Resource {
		el := "Principal"
		if effect == "Deny" && g.r.IntN(4) == 0 {
			el = "NotPrincipal"
		}
		p := g.pick(genPrincipals)
		if el == "NotPrincipal" && p == `"*"` {
			p = genPrincipals[1]
		}
		fmt.Fprintf(&b, `,%q:%s`, el, p)
	}
	act := "Action"
	if g.r.IntN(6) == 0 {
		act = "NotAction"
	}
	res := "Resource"
	if g.r.IntN(6) == 0 {
		res = "NotResource"
	}
	fmt.Fprintf(&b, `,%q:%s,%q:%s`, act, g.list(genActions), res, g.list(genResources))
	if n := g.r.IntN(3); n > 0 && len(g.conds) > 0 {
		block := map[string]map[string]json.RawMessage{}
		for range n {
			var c map[string]map[string]json.RawMessage
			if err := json.Unmarshal([]byte(g.pick(g.conds)), &c); err != nil {
				panic(err)
			}
			for op, kv := range c {
				if block[op] == nil {
					block[op] = map[string]json.RawMessage{}
				}
				for k, v := range kv {
					block[op][k] = v
				}
			}
		}
		j, _ := json.Marshal(block)
		fmt.Fprintf(&b, `,"Condition":%s`, j)
	}
	b.WriteString("}")
	return b.String()
}

func (g *generator) policy(t *testing.T, name string, n int) *policy.Policy {
	var sts []string
	for range n {
		sts = append(sts, g.statement())
	}
	return g.parse(t, name, sts)
}

func (g *generator) parse(t *testing.T, name string, sts []string) *policy.Policy {
	t.Helper()
	typ := policy.IdentityBased
	if g.kind == Resource {
		typ = policy.ResourceBased
	}
	doc := `{"Version":"2012-10-17","Statement":[` + strings.Join(sts, ",") + `]}`
	p, err := policy.Parse(name, typ, []byte(doc))
	if err != nil {
		t.Fatalf("generated policy: %v\n%s", err, doc)
	}
	return p
}

// inDomain reports whether the request pairs its action with a resource
// the Service Authorization Reference allows, computed from the catalog
// independently of the procedure's automata.
func inDomain(action, resource string) bool {
	a, ok := catalog.Lookup(action)
	if !ok {
		return true
	}
	if len(a.Resources) == 0 {
		return resource == "*"
	}
	for _, r := range a.Resources {
		rt, ok := catalog.LookupResourceType(a.Service, r.Type)
		if !ok {
			continue
		}
		if templateMatch(rt.ARN, resource) {
			return true
		}
	}
	return false
}

// templateMatch matches an ARN template by hand: each ${...} takes one or
// more characters other than : and /, ${ObjectName} takes any, a name
// with its path (${RoleNameWithPath}) takes /, a KMS ${Alias} takes / and
// :, and the ${Region} of an S3 access point may be empty (a Multi-Region
// Access Point's).
func templateMatch(t, s string) bool {
	mrap := strings.HasPrefix(t, "arn:${Partition}:s3:${Region}:${Account}:accesspoint/")
	return templateMatchFrom(t, s, mrap)
}

func templateMatchFrom(t, s string, mrap bool) bool {
	if t == "" {
		return s == ""
	}
	i := strings.Index(t, "${")
	if i < 0 {
		return t == s
	}
	if !strings.HasPrefix(s, t[:i]) {
		return false
	}
	j := strings.IndexByte(t[i:], '}')
	name, rest := t[i+2:i+j], t[i+j+1:]
	s = s[i:]
	if name == "Region" && mrap && templateMatchFrom(rest, s, mrap) {
		return true
	}
	for n := 1; n <= len(s); n++ {
		c := s[n-1]
		switch {
		case name == "ObjectName":
		case name == "Alias":
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(":/_-", c) >= 0) {
				return false
			}
		case c == ':' || c == '/' && !strings.HasSuffix(name, "WithPath"):
			return false
		}
		if templateMatchFrom(rest, s[n:], mrap) {
			return true
		}
	}
	return false
}

// bruteForce looks for a request that newSet allows and oldSet does not
// (oldSet nil: any request newSet allows) over every combination of the
// values of each dimension: the procedure's class representatives and,
// with extras, values chosen independently of it.
func bruteForce(t testing.TB, c *check, newSet, oldSet *policy.Set, within func(*Witness) bool, extras bool) (*Witness, int) {
	t.Helper()
	type arPair struct{ a, r string }
	var ars []arPair
	seen := map[arPair]bool{}
	addAR := func(a, r string) {
		if p := (arPair{a, r}); !seen[p] && inDomain(a, r) {
			seen[p] = true
			ars = append(ars, p)
		}
	}
	var prins [][3]string // principal, userid, aws:PrincipalArn
	var accts []string
	keys := map[string][][]string{}
	var keyOrder []string
	for _, d := range c.sp.dims {
		switch d.kind {
		case dimActionResource:
			for _, s := range d.ar {
				addAR(s.display, s.resource)
			}
			for _, a := range extraActions {
				if !extras {
					break
				}
				for _, r := range extraResources {
					addAR(a, r)
				}
			}
		case dimPrincipal:
			for _, s := range d.prin {
				prins = append(prins, [3]string{s.arn, s.userid, s.principalArn})
			}
			for _, p := range extraPrincipals {
				if !extras {
					break
				}
				pp, _ := policy.ParsePrincipal(p)
				if c.kind == Identity && pp.Kind != policy.User && pp.Kind != policy.AssumedRole && pp.Kind != policy.FederatedUser {
					continue
				}
				prins = append(prins, [3]string{p, "", extraRolePaths[p]})
				if pp.Kind == policy.AssumedRole {
					prins = append(prins, [3]string{p, "AROAEXAMPLE:s", extraRolePaths[p]})
				}
			}
		case dimAccount:
			accts = slices.Clone(d.acct)
			if extras {
				accts = append(accts, "111122223333", "444455556666")
			}
		case dimKey:
			keyOrder = append(keyOrder, d.key)
			keys[d.key] = slices.Clone(d.vals)
			if extras {
				keys[d.key] = append(keys[d.key], extraValues[d.key]...)
			}
		}
	}
	if accts == nil {
		accts = []string{""}
	}
	n := 0
	var found *Witness
	var rec func(i int, w *Witness) bool
	rec = func(i int, w *Witness) bool {
		if i == len(keyOrder) {
			for _, ar := range ars {
				for _, p := range prins {
					for _, a := range accts {
						ctx := map[string][]string{}
						for k, v := range w.Context {
							ctx[k] = v
						}
						if p[1] != "" {
							ctx["aws:userid"] = []string{p[1]}
						}
						if p[2] != "" {
							ctx["aws:PrincipalArn"] = []string{p[2]}
						}
						if a != "" {
							ctx["aws:ResourceAccount"] = []string{a}
							if strings.HasPrefix(strings.ToLower(ar.a), "s3:") {
								ctx["s3:ResourceAccount"] = []string{a}
							}
						}
						cand := &Witness{Principal: p[0], Action: ar.a, Resource: ar.r, Context: ctx}
						if within != nil && !within(cand) {
							continue
						}
						r, err := cand.Request()
						if err != nil {
							t.Fatalf("request %s: %v", cand, err)
						}
						n++
						if newSet.Evaluate(r).Decision == policy.Allowed && (oldSet == nil || oldSet.Evaluate(r).Decision != policy.Allowed) {
							found = cand
							return true
						}
					}
				}
			}
			return false
		}
		k := keyOrder[i]
		for _, v := range keys[k] {
			next := &Witness{Context: map[string][]string{}}
			for kk, vv := range w.Context {
				next.Context[kk] = vv
			}
			if v != nil {
				next.Context[k] = v
			}
			if rec(i+1, next) {
				return true
			}
		}
		return false
	}
	rec(0, &Witness{Context: map[string][]string{}})
	return found, n
}

func TestDifferential(t *testing.T) {
	pairs := 40
	if raceEnabled || testing.Short() {
		pairs = 8
	}
	ctx := context.Background()
	var verdicts [3]int
	total, withVars := 0, 0
	for i := range pairs {
		r := rand.New(rand.NewPCG(15, uint64(i)))
		g := &generator{r: r, kind: Identity}
		if i%2 == 1 {
			g.kind = Resource
		}
		for range 2 {
			g.conds = append(g.conds, g.pick(genConditions))
		}
		var oldSts []string
		for range 1 + r.IntN(3) {
			oldSts = append(oldSts, g.statement())
		}
		old := g.parse(t, "old", oldSts)
		var nw *policy.Policy
		switch r.IntN(5) {
		case 4: // a Deny removed: it grants only what old allowed and denied
			nw = g.parse(t, "new", oldSts)
			// The Deny is one of old's statements made a Deny, so that it
			// meets what old allows.
			d := strings.Replace(oldSts[r.IntN(len(oldSts))], `"Effect":"Allow"`, `"Effect":"Deny"`, 1)
			oldSts = append(slices.Clone(oldSts), d)
			old = g.parse(t, "old", oldSts)
		case 0: // an edit: one statement replaced
			sts := slices.Clone(oldSts)
			sts[r.IntN(len(sts))] = g.statement()
			nw = g.parse(t, "new", sts)
		case 1: // a statement added
			nw = g.parse(t, "new", append(slices.Clone(oldSts), g.statement()))
		case 2: // the same statements, reordered
			sts := slices.Clone(oldSts)
			slices.Reverse(sts)
			nw = g.parse(t, "new", sts)
		default:
			nw = g.policy(t, "new", 1+r.IntN(3))
		}
		res, err := NoNewAccess(ctx, []*policy.Policy{old}, []*policy.Policy{nw}, nil)
		if err != nil {
			t.Fatalf("pair %d: %v", i, err)
		}
		verdicts[res.Verdict]++
		vars := strings.Contains(dump(old)+dump(nw), "${")
		if res.Verdict == Unknown {
			if !vars {
				t.Errorf("pair %d: UNKNOWN (%s); the generator uses only decided constructs", i, res.Reason)
			}
			continue
		}
		// The space of the brute force: the procedure's classes (of the
		// approximated policies, when they hold variables).
		c := newCheck(g.kind, nil)
		oldA, newA, same, err := c.approximatePair([]*policy.Policy{old}, []*policy.Policy{nw})
		if err != nil {
			t.Fatal(err)
		}
		all := append(c.statements(oldA), c.statements(newA)...)
		if same != nil {
			all = append(all, c.statements([]*policy.Policy{same})...)
		}
		if err := c.build(ctx, all, nil); err != nil {
			t.Fatal(err)
		}
		newSet, _ := c.set([]*policy.Policy{nw})
		oldSet, _ := c.set([]*policy.Policy{old})
		w, n := bruteForce(t, c, newSet, oldSet, nil, true)
		total += n
		if vars {
			withVars++
		}
		// With variables, brute force over finitely many values may miss
		// a FAIL's requests; a PASS it must never contradict.
		if (res.Verdict == Fail) != (w != nil) && !(vars && res.Verdict == Fail) {
			t.Errorf("pair %d (%s): procedure says %s, brute force found %v\nold: %s\nnew: %s", i, g.kind, res.Verdict, w, dump(old), dump(nw))
		}
		if res.Verdict == Fail {
			// Re-check the witness.
			rq, err := res.Witness.Request()
			if err != nil {
				t.Fatal(err)
			}
			if newSet.Evaluate(rq).Decision != policy.Allowed || oldSet.Evaluate(rq).Decision == policy.Allowed {
				t.Errorf("pair %d: witness %s is not confirmed", i, res.Witness)
			}
		}
	}
	t.Logf("%d pairs (%d decided with policy variables): %d PASS, %d FAIL, %d UNKNOWN; %d requests evaluated by brute force", pairs, withVars, verdicts[Pass], verdicts[Fail], verdicts[Unknown], total)
	if verdicts[Pass] == 0 || verdicts[Fail] == 0 {
		t.Errorf("the generator should give both verdicts: %v", verdicts)
	}
}

func dump(p *policy.Policy) string {
	var b strings.Builder
	for _, st := range p.Statements {
		j, _ := json.Marshal(st)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}
