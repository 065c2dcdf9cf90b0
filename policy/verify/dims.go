package verify

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

// A request, for the check, has these dimensions, each read by its own
// elements of a statement:
//
//   - the action and the resource, together, since an action pairs only
//     with the resource types the Service Authorization Reference lists
//     for it (an action outside the catalog pairs with any resource);
//   - the principal, with the condition keys AWS derives from it
//     (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
//     aws:username, aws:userid, aws:PrincipalIsAWSService);
//   - the resource's account (aws:ResourceAccount, s3:ResourceAccount);
//   - every other condition key a statement names, on its own.
//
// Each dimension is cut into the classes that the policies can tell
// apart, and each class has a state: a representative value.

// principalKeys are the keys AWS derives from the caller: they belong to
// the principal's dimension.
var principalKeys = map[string]bool{
	"aws:principalarn": true, "aws:principalaccount": true, "aws:principaltype": true,
	"aws:username": true, "aws:userid": true, "aws:principalisawsservice": true,
}

// accountKeys are the keys that hold the resource's account.
var accountKeys = map[string]bool{"aws:resourceaccount": true, "s3:resourceaccount": true}

type dimKind uint8

const (
	dimActionResource dimKind = iota
	dimPrincipal
	dimAccount
	dimKey
)

type arState struct {
	action   string // lower case, as the engine matches it
	display  string // as the catalog spells it, when it knows it
	known    bool   // the catalog knows the action
	resource string
}

type principalState struct {
	arn    string           // as ParsePrincipal reads it
	p      policy.Principal // parsed
	userid string           // aws:userid given in the context; "" when absent
	// principalArn is aws:PrincipalArn given in the context, for a
	// session of a role with a path; "" when derived from arn.
	principalArn string
}

type dim struct {
	kind  dimKind
	key   string // dimKey: the key, lower case
	spell string // dimKey: the key as the first condition writes it
	multi bool   // dimKey: a multivalued key
	ar    []arState
	prin  []principalState
	acct  []string   // "" for absent
	vals  [][]string // dimKey: the key's values; nil for absent
}

func (d *dim) size() int {
	switch d.kind {
	case dimActionResource:
		return len(d.ar)
	case dimPrincipal:
		return len(d.prin)
	case dimAccount:
		return len(d.acct)
	}
	return len(d.vals)
}

func (d *dim) name() string {
	switch d.kind {
	case dimActionResource:
		return "action and resource"
	case dimPrincipal:
		return "principal"
	case dimAccount:
		return "resource account"
	}
	return d.spell
}

// condition is a condition of a statement, with its operator read.
type condition struct {
	c      *policy.Condition
	base   string // operator without qualifier and IfExists
	set    bool   // ForAnyValue or ForAllValues
	key    string // lower case
	family string // "string", "arn", "numeric", "date", "bool", "binary", "ip", "null"
	// vars is set when the statement's policy (of Version 2012-10-17)
	// reads ${...} as a policy variable; in 2008-10-17 it is text.
	vars bool
}

func readCondition(c *policy.Condition) condition {
	op := c.Operator
	out := condition{c: c, key: strings.ToLower(c.Key)}
	if q, rest, ok := strings.Cut(op, ":"); ok && (q == "ForAnyValue" || q == "ForAllValues") {
		out.set, op = true, rest
	}
	op = strings.TrimSuffix(op, "IfExists")
	out.base = op
	switch {
	case strings.HasPrefix(op, "String"):
		out.family = "string"
	case strings.HasPrefix(op, "Arn"):
		out.family = "arn"
	case strings.HasPrefix(op, "Numeric"):
		out.family = "numeric"
	case strings.HasPrefix(op, "Date"):
		out.family = "date"
	case op == "Bool":
		out.family = "bool"
	case op == "BinaryEquals":
		out.family = "binary"
	case strings.HasSuffix(op, "IpAddress"):
		out.family = "ip"
	case op == "Null":
		out.family = "null"
	}
	return out
}

func (c condition) like() bool { return strings.Contains(c.base, "Like") }
func (c condition) fold() bool { return strings.Contains(c.base, "IgnoreCase") }

// stmt is a statement of one of the policies the check reads.
type stmt struct {
	pol   *policy.Policy
	st    *policy.Statement
	conds []condition
	vars  bool // the policy's version enables policy variables
}

// space is the request space of one check.
type space struct {
	kind Kind
	dims []*dim
	bud  *budget
	opts Options
}

// build cuts the request space of the statements (and of the extra
// actions and resources a query names) into classes.
func build(ctx context.Context, kind Kind, stmts []*stmt, q *Access, bud *budget, opts Options) (*space, error) {
	sp := &space{kind: kind, bud: bud, opts: opts}
	ar, err := buildActionResource(ctx, stmts, q, bud, opts)
	if err != nil {
		return nil, err
	}
	sp.dims = append(sp.dims, ar)
	pr, err := buildPrincipal(ctx, kind, stmts, bud, opts)
	if err != nil {
		return nil, err
	}
	sp.dims = append(sp.dims, pr)
	byKey := map[string][]condition{}
	for _, s := range stmts {
		for _, c := range s.conds {
			if !principalKeys[c.key] {
				byKey[c.key] = append(byKey[c.key], c)
			}
		}
	}
	var acctConds []condition
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		if accountKeys[k] {
			acctConds = append(acctConds, byKey[k]...)
			continue
		}
		d, err := buildKey(ctx, k, byKey[k], stmts, bud, opts)
		if err != nil {
			return nil, err
		}
		sp.dims = append(sp.dims, d)
	}
	if len(acctConds) > 0 {
		d, err := buildAccount(ctx, acctConds, stmts, bud, opts)
		if err != nil {
			return nil, err
		}
		sp.dims = append(sp.dims, d)
	}
	return sp, nil
}

// Character sets of ARNs and IAM names.
var (
	digits    = rangeChars('0', '9')
	nameChars = rangeChars('a', 'z').union(rangeChars('A', 'Z')).union(digits).union(charsOf("+=,.@_-"))
	pathChars = rangeChars('!', '~') // within a user's or role's path
)

func arnSegment() charset { return allBut(":/") }

// ---- action and resource

func buildActionResource(ctx context.Context, stmts []*stmt, q *Access, bud *budget, opts Options) (*dim, error) {
	// Actions: the statements' patterns, the query's, and one predicate
	// per group of catalog actions that take the same resource types.
	var actPreds []pred
	var actCands []string
	seen := map[string]bool{}
	addAct := func(a string) {
		a = strings.ToLower(a)
		if seen[a] {
			return
		}
		seen[a] = true
		g, _, _ := patternGlob(a, true, false, false, false, "")
		actPreds = append(actPreds, pred{g})
		actCands = append(actCands, strings.ReplaceAll(strings.ReplaceAll(a, "*", "example"), "?", "x"))
	}
	for _, s := range stmts {
		for _, a := range s.st.Action {
			addAct(a)
		}
	}
	if q != nil {
		for _, a := range q.Actions {
			addAct(a)
		}
	}
	type group struct {
		types []string // resource type ARN templates
		pred  pred
	}
	groups := map[string]*group{}
	var groupKeys []string
	display := map[string]string{}
	var catalogCands []string
	for _, svc := range catalog.Services() {
		for _, a := range catalog.Actions(svc) {
			id := strings.ToLower(a.String())
			display[id] = a.String()
			catalogCands = append(catalogCands, id)
			var arns []string
			for _, r := range a.Resources {
				if rt, ok := catalog.LookupResourceType(a.Service, r.Type); ok {
					arns = append(arns, rt.ARN)
				}
			}
			slices.Sort(arns)
			arns = slices.Compact(arns)
			k := strings.Join(arns, "\n")
			g := groups[k]
			if g == nil {
				g = &group{types: arns}
				groups[k] = g
				groupKeys = append(groupKeys, k)
			}
			g.pred = append(g.pred, glob{}.lit(id, false))
		}
	}
	nActPreds := len(actPreds)
	for _, k := range groupKeys {
		actPreds = append(actPreds, groups[k].pred)
	}
	actShape := pred{glob{}.plus(rangeChars('a', 'z').union(digits).union(charsOf("-"))).lit(":", false).plus(rangeChars('a', 'z').union(digits))}
	aa := newAutomaton(actPreds, actShape, opts.MaxStates, bud)
	acts, err := aa.classes(ctx)
	if err != nil {
		return nil, err
	}
	aa.prefer(acts, append(catalogCands, actCands...))

	// Resources: the statements' patterns, the query's, "*" (the resource
	// of actions that take no resource type) and the catalog's templates.
	var resPreds []pred
	var resCands []string
	// The same text is two patterns in policies of the two versions:
	// ${*} is a variable in 2012-10-17 and text in 2008-10-17.
	type resKey struct {
		r    string
		vars bool
	}
	rseen := map[resKey]bool{}
	addRes := func(r string, vars bool) error {
		if rseen[resKey{r, vars}] {
			return nil
		}
		rseen[resKey{r, vars}] = true
		g, ok, err := patternGlob(r, true, vars, false, true, "")
		if err != nil {
			return err
		}
		if ok {
			resPreds = append(resPreds, pred{g})
		}
		resCands = append(resCands, strings.ReplaceAll(strings.ReplaceAll(r, "*", "example"), "?", "x"),
			strings.ReplaceAll(strings.ReplaceAll(r, "*", ""), "?", "x"))
		return nil
	}
	for _, s := range stmts {
		for _, r := range s.st.Resource {
			if err := addRes(r, s.vars); err != nil {
				return nil, err
			}
		}
	}
	if q != nil {
		for _, r := range q.Resources {
			if err := addRes(r, false); err != nil {
				return nil, err
			}
		}
	}
	starPred := len(resPreds)
	resPreds = append(resPreds, pred{glob{}.lit("*", false)})
	templates := map[string]int{}
	for _, k := range groupKeys {
		for _, t := range groups[k].types {
			if _, ok := templates[t]; ok {
				continue
			}
			templates[t] = len(resPreds)
			resPreds = append(resPreds, pred{templateGlob(t)})
			resCands = append(resCands, templateExample(t))
		}
	}
	resShape := pred{
		glob{}.lit("*", false),
		glob{}.lit("arn:", false).plus(allBut(":")).lit(":", false).plus(allBut(":")).lit(":", false).
			star(allBut(":")).lit(":", false).star(allBut(":")).lit(":", false).star(allChars()),
	}
	ra := newAutomaton(resPreds, resShape, opts.MaxStates, bud)
	ress, err := ra.classes(ctx)
	if err != nil {
		return nil, err
	}
	ra.prefer(ress, append([]string{"arn:aws:s3:::example-bucket/example-key", "arn:aws:s3:::example-bucket"}, resCands...))

	d := &dim{kind: dimActionResource}
	for _, a := range acts {
		// The class's group: the catalog group whose predicate it meets.
		gi := -1
		for i := range groupKeys {
			if a.sig.has(nActPreds + i) {
				gi = i
				break
			}
		}
		for _, r := range ress {
			if err := bud.spend(ctx, 1); err != nil {
				return nil, err
			}
			if gi >= 0 {
				g := groups[groupKeys[gi]]
				ok := false
				if len(g.types) == 0 {
					ok = r.sig.has(starPred)
				}
				for _, t := range g.types {
					ok = ok || r.sig.has(templates[t])
				}
				if !ok {
					continue
				}
			}
			disp, known := display[a.rep]
			if !known {
				disp = a.rep
			}
			d.ar = append(d.ar, arState{action: a.rep, display: disp, known: known, resource: r.rep})
		}
	}
	if len(d.ar) == 0 {
		return nil, fmt.Errorf("verify: no action and resource pairs (internal error)")
	}
	// Actions of the catalog first, for witnesses of actions that exist.
	slices.SortStableFunc(d.ar, func(x, y arState) int {
		cx, cy := x.known, y.known
		switch {
		case cx && !cy:
			return -1
		case cy && !cx:
			return 1
		}
		return 0
	})
	return d, nil
}

// templateGlob turns a Service Authorization Reference ARN template, such
// as arn:${Partition}:s3:::${BucketName}/${ObjectName}, into a glob: a
// placeholder is one or more characters other than / and :, except
// ${ObjectName}, which may hold any, and a name with its path (such as
// ${RoleNameWithPath}), which may hold /.
func templateGlob(t string) glob {
	var g glob
	// A Multi-Region Access Point's ARNs have no Region
	// (arn:aws:s3::111122223333:accesspoint/NAME.mrap/object/KEY, S3 User
	// Guide, "Multi-Region Access Point policy examples"), and S3's
	// object and access point actions take them.
	noRegion := strings.HasPrefix(t, "arn:${Partition}:s3:${Region}:${Account}:accesspoint/")
	for t != "" {
		i := strings.Index(t, "${")
		if i < 0 {
			g = g.lit(t, false)
			break
		}
		g = g.lit(t[:i], false)
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			g = g.lit(t[i:], false)
			break
		}
		name := t[i+2 : i+j]
		t = t[i+j+1:]
		switch {
		case name == "ObjectName":
			g = g.plus(allChars()) // an object key holds any character
		case strings.HasSuffix(name, "WithPath"):
			g = g.plus(allBut(":")) // a name with its path: role/team/app
		case name == "Alias":
			// A KMS alias name takes / and : (KMS API Reference,
			// CreateAlias: AliasName, ^[a-zA-Z0-9:/_-]+$).
			g = g.plus(rangeChars('a', 'z').union(rangeChars('A', 'Z')).union(digits).union(charsOf(":/_-")))
		case name == "Region" && noRegion:
			g = g.star(arnSegment())
		default:
			g = g.plus(arnSegment())
		}
	}
	return g
}

func templateExample(t string) string {
	r := strings.NewReplacer("${Partition}", "aws", "${Region}", "us-east-1", "${Account}", "111122223333",
		"${BucketName}", "example-bucket", "${ObjectName}", "example-key")
	s := r.Replace(t)
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		s = s[:i] + "example" + s[i+j+1:]
	}
}

// ---- principal

func buildPrincipal(ctx context.Context, kind Kind, stmts []*stmt, bud *budget, opts Options) (*dim, error) {
	// Principals are of the partitions the policies name, and of "aws".
	// Package policy matches a Principal entry by account and name, in
	// any partition, so the entry's predicate spans them all.
	parts := partitionsOf(stmts)
	iamPrefix := func() pred { return prefixes(parts, "iam") }
	stsPrefix := func() pred { return prefixes(parts, "sts") }
	acct := func(p pred) pred {
		return each(p, func(g glob) glob {
			for i := 0; i < 12; i++ {
				g = g.one(digits)
			}
			return g
		})
	}
	// A user or a role has a path, "/" or "/" [!-~]+ "/", which its ARN
	// shows and aws:PrincipalArn gives: arn:aws:iam::111122223333:role/a/b/name
	// (IAM User Guide, "IAM identifiers"; IAM API Reference, CreateRole:
	// Path). A federated user (a GetFederationToken session) has none.
	withPath := func(kind string) pred {
		head := each(acct(iamPrefix()), func(g glob) glob { return g.lit(":"+kind+"/", false) })
		return append(each(head, func(g glob) glob { return g.plus(nameChars) }),
			each(head, func(g glob) glob { return g.plus(pathChars).lit("/", false).plus(nameChars) })...)
	}
	rootShape := each(acct(iamPrefix()), func(g glob) glob { return g.lit(":root", false) })
	userShape, roleShape := withPath("user"), withPath("role")
	fedShape := each(acct(stsPrefix()), func(g glob) glob { return g.lit(":federated-user/", false).plus(nameChars) })
	shape := slices.Concat(userShape, roleShape, fedShape)
	preds := []pred{userShape, roleShape, fedShape}
	if kind == Resource {
		shape = append(shape, rootShape...)
		preds = append(preds, rootShape)
	}
	// A role's name is unique in its account, whatever its path, and a
	// Principal that names a role names one that exists (AWS refuses the
	// policy otherwise): so no session of a role of that name with
	// another path is asked about. byName and exact hold, per role
	// named, the predicates of the name (as package policy matches a
	// session) and of the whole ARN.
	// When the policies name one role with two paths, the role was
	// recreated between them: its sessions are matched by name alone, as
	// package policy does.
	type namedRole struct {
		byName, exact int
		key           string // account:name
	}
	var roles []namedRole
	rolePaths := map[string]map[string]bool{} // account:name to the ARNs named
	var cands []string
	accounts := map[string]bool{}
	services := map[string]bool{}
	var useridPreds []pred
	var useridCands []string
	var useridFold foldLetters
	readsUserid := false
	for _, s := range stmts {
		if ps := s.st.Principal; ps != nil {
			if len(ps.CanonicalUser) > 0 {
				return nil, unsupported("CanonicalUser principals (%s)", where(s))
			}
			if len(ps.Federated) > 0 {
				return nil, unsupported("Federated principals (%s)", where(s))
			}
			for _, v := range ps.Service {
				services[v] = true
			}
			for _, v := range ps.AWS {
				g, exact, account, err := awsPrincipalPred(v, parts)
				if err != nil {
					return nil, fmt.Errorf("%w (%s)", err, where(s))
				}
				if g != nil {
					preds = append(preds, g)
				}
				if exact != nil {
					key := account + ":" + v[strings.LastIndexByte(v, '/')+1:]
					if rolePaths[key] == nil {
						rolePaths[key] = map[string]bool{}
					}
					rolePaths[key][v] = true
					roles = append(roles, namedRole{len(preds) - 1, len(preds), key})
					preds = append(preds, exact)
				}
				if account != "" {
					accounts[account] = true
				}
				if strings.HasPrefix(v, "arn:") {
					cands = append(cands, v)
				}
			}
		}
		for _, c := range s.conds {
			if !principalKeys[c.key] {
				continue
			}
			readsUserid = readsUserid || c.key == "aws:userid"
			switch c.family {
			case "string", "arn", "null", "bool":
			default:
				return nil, unsupported("%s on %s (%s)", c.c.Operator, c.c.Key, where(s))
			}
			if c.family == "null" || c.family == "bool" {
				continue
			}
			for _, v := range c.c.Values {
				switch c.key {
				case "aws:principalarn":
					var g glob
					var ok bool
					var err error
					if c.family == "arn" {
						g, ok, err = arnGlob(v, s.vars)
					} else {
						g, ok, err = patternGlob(v, c.like(), s.vars, c.fold(), false, "")
					}
					if err != nil {
						return nil, err
					}
					if ok {
						preds = append(preds, pred{g})
					}
					cands = append(cands, fill(v))
				case "aws:principalaccount":
					if c.family != "string" {
						continue
					}
					g, ok, err := patternGlob(v, c.like(), s.vars, c.fold(), false, ":")
					if err != nil {
						return nil, err
					}
					if ok {
						preds = append(preds, each(append(iamPrefix(), stsPrefix()...), func(p glob) glob {
							return append(p, g...).lit(":", false).star(allChars())
						}))
					}
					if policy.IsAccountID(fill(v)) {
						accounts[fill(v)] = true
					}
				case "aws:username":
					if c.family != "string" {
						continue
					}
					g, ok, err := patternGlob(v, c.like(), s.vars, c.fold(), false, "/:")
					if err != nil {
						return nil, err
					}
					if ok {
						base := each(iamPrefix(), func(p glob) glob { return p.star(allBut(":")).lit(":user/", false) })
						preds = append(preds, append(each(base, func(b glob) glob { return append(b, g...) }),
							each(base, func(b glob) glob { return append(b.star(allChars()).lit("/", false), g...) })...))
					}
				case "aws:userid":
					useridFold.note(v, c.fold())
					// The userid of users and role sessions is free, so
					// ArnLike reads it too: "*" matches any, six
					// components match a userid with five colons.
					var g glob
					var ok bool
					var err error
					if c.family == "arn" {
						g, ok, err = arnGlob(v, s.vars)
					} else {
						g, ok, err = patternGlob(v, c.like(), s.vars, c.fold(), false, "")
					}
					if err != nil {
						return nil, err
					}
					if ok {
						useridPreds = append(useridPreds, pred{g})
						// A federated user's userid is derived, not free:
						// ACCOUNT:NAME ("Policy variables: principal key
						// values"), so the pattern cuts its ARN.
						var fed pred
						for _, p := range stsPrefix() {
							fed = append(fed, federatedUserid(g, p)...)
						}
						preds = append(preds, fed)
					}
					useridCands = append(useridCands, fill(v))
					// A root user's userid is its account, which has no
					// colon: ArnLike matches it only for "*", which matches
					// every root alike.
					if c.family != "string" {
						continue
					}
					if g2, ok, _ := patternGlob(v, c.like(), s.vars, c.fold(), false, ":"); ok && kind == Resource {
						preds = append(preds, each(iamPrefix(), func(p glob) glob { return append(p, g2...).lit(":root", false) }))
					}
				}
			}
		}
	}
	// Readable representatives: the accounts the policies name first,
	// then accounts of the documentation's examples.
	list := slices.Sorted(maps.Keys(accounts))
	list = append(list, "111122223333", "444455556666", "999999999999", "123456789012")
	for _, a := range list {
		for _, part := range parts {
			cands = append(cands, "arn:"+part+":iam::"+a+":user/s3vet-witness", "arn:"+part+":iam::"+a+":role/s3vet-witness",
				"arn:"+part+":iam::"+a+":root", "arn:"+part+":sts::"+a+":federated-user/s3vet-witness")
		}
	}
	pa := newAutomaton(preds, shape, opts.MaxStates, bud)
	classes, err := pa.classes(ctx)
	if err != nil {
		return nil, err
	}
	classes = slices.DeleteFunc(classes, func(c class) bool {
		for _, r := range roles {
			if len(rolePaths[r.key]) == 1 && c.sig.has(r.byName) && !c.sig.has(r.exact) {
				return true
			}
		}
		return false
	})
	pa.prefer(classes, cands)

	// aws:userid: free for users and role sessions (AWS gives them unique
	// IDs that no ARN shows), derived for the others.
	// AWS gives every user and role session an aws:userid, never empty:
	// when a condition reads the key, its values are the classes of
	// non-empty strings (one at least, which Null tells from absent);
	// when none does, the witness leaves it out.
	userids := []string{""}
	if useridFold.clash() {
		return nil, unsupported("aws:userid is read both case-insensitively and case-sensitively with the letter s or k, which ſ and K (Kelvin) match case-insensitively")
	}
	if readsUserid {
		userids = nil
		ua := newAutomaton(useridPreds, pred{glob{}.plus(allChars())}, opts.MaxStates, bud)
		ucs, err := ua.classes(ctx)
		if err != nil {
			return nil, err
		}
		ua.prefer(ucs, append(useridCands, "AIDAEXAMPLE"))
		for _, c := range ucs {
			userids = append(userids, c.rep)
		}
	}
	d := &dim{kind: dimPrincipal}
	add := func(arn, userid, principalArn string) error {
		p, err := policy.ParsePrincipal(arn)
		if err != nil {
			return fmt.Errorf("verify: principal %q: %w (internal error)", arn, err)
		}
		d.prin = append(d.prin, principalState{arn: arn, p: p, userid: userid, principalArn: principalArn})
		return nil
	}
	if kind == Resource {
		// Anonymous first: when it is allowed, it makes the plainest
		// witness.
		if err := add("anonymous", "", ""); err != nil {
			return nil, err
		}
	}
	for _, c := range classes {
		// The kind of caller is read from the ARN's fields, never by a
		// search of its text: a user's path may hold ":role/".
		f := strings.SplitN(c.rep, ":", 6)
		if len(f) != 6 {
			return nil, fmt.Errorf("verify: principal class %q (internal error)", c.rep)
		}
		switch res := f[5]; {
		case f[2] == "iam" && res == "root", f[2] == "sts":
			// A root user or a federated user: aws:userid is derived,
			// the account or ACCOUNT:NAME.
			if err := add(c.rep, "", ""); err != nil {
				return nil, err
			}
		case strings.HasPrefix(res, "role/"):
			// A session of the role. The session's ARN names the role
			// without its path, so a role with a path gives
			// aws:PrincipalArn in the context.
			name := res[strings.LastIndexByte(res, '/')+1:]
			principalArn := ""
			if res != "role/"+name {
				principalArn = c.rep
			}
			session := "arn:" + f[1] + ":sts::" + f[4] + ":assumed-role/" + name + "/s3vet-session"
			for _, u := range userids {
				if err := add(session, u, principalArn); err != nil {
					return nil, err
				}
			}
		default:
			for _, u := range userids {
				if err := add(c.rep, u, ""); err != nil {
					return nil, err
				}
			}
		}
	}
	if kind == Resource {
		fresh := "s3vet-example.amazonaws.com"
		for services[fresh] {
			fresh = "x" + fresh
		}
		services[fresh] = true
		for _, s := range slices.Sorted(maps.Keys(services)) {
			if err := add(s, "", ""); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

// partitionsOf returns "aws" and the other partitions the statements'
// ARNs name (in Resource, Principal and aws:PrincipalArn), sorted.
func partitionsOf(stmts []*stmt) []string {
	found := map[string]bool{"aws": true}
	note := func(v string) {
		if rest, ok := strings.CutPrefix(v, "arn:"); ok {
			if p, _, ok := strings.Cut(rest, ":"); ok && p != "" && !strings.ContainsAny(p, "*?$") {
				found[p] = true
			}
		}
	}
	for _, s := range stmts {
		for _, r := range s.st.Resource {
			note(r)
		}
		if ps := s.st.Principal; ps != nil {
			for _, v := range ps.AWS {
				note(v)
			}
		}
		for _, c := range s.conds {
			if c.key == "aws:principalarn" {
				for _, v := range c.c.Values {
					note(v)
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(found))
}

// prefixes returns "arn:PARTITION:SERVICE::", a glob per partition.
func prefixes(parts []string, service string) pred {
	var out pred
	for _, p := range parts {
		out = append(out, glob{}.lit("arn:"+p+":"+service+"::", false))
	}
	return out
}

// each applies f to a copy of every glob of p.
func each(p pred, f func(glob) glob) pred {
	out := make(pred, 0, len(p))
	for _, g := range p {
		out = append(out, f(slices.Clone(g)))
	}
	return out
}

// awsPrincipalPred turns an entry of {"AWS": ...} into the set of
// principal ARNs (as aws:PrincipalArn gives them: the role's ARN for a
// role session) that it names, as package policy matches them, by
// account and name in any of parts: an account names its users, roles,
// federated users and root; a role names its sessions by the role's name.
// For a role, exact is its whole ARN, path and all.
func awsPrincipalPred(v string, parts []string) (p, exact pred, account string, err error) {
	if v == "*" {
		return nil, nil, "", nil
	}
	iam, sts := prefixes(parts, "iam"), prefixes(parts, "sts")
	inAccount := func(account string) pred {
		return each(append(iam, sts...), func(g glob) glob { return g.lit(account+":", false).star(allChars()) })
	}
	if policy.IsAccountID(v) {
		return inAccount(v), nil, v, nil
	}
	if !strings.HasPrefix(v, "arn:") {
		return nil, nil, "", unsupported("principal %q (an IAM unique ID)", v)
	}
	f := strings.SplitN(v, ":", 6)
	if len(f) != 6 || !isASCII(v) {
		return nil, nil, "", unsupported("principal %q", v)
	}
	svc, account, res := f[2], f[4], f[5]
	switch {
	case svc == "iam" && res == "root":
		return inAccount(account), nil, account, nil
	case svc == "iam" && strings.HasPrefix(res, "user/"):
		return pred{glob{}.lit(v, false)}, nil, account, nil
	case svc == "iam" && strings.HasPrefix(res, "role/"):
		name := res[strings.LastIndexByte(res, '/')+1:]
		head := each(iam, func(g glob) glob { return g.lit(account+":role/", false) })
		return append(each(head, func(g glob) glob { return g.lit(name, false) }),
				each(head, func(g glob) glob { return g.plus(pathChars).lit("/"+name, false) })...),
			pred{glob{}.lit(v, false)}, account, nil
	case svc == "sts" && strings.HasPrefix(res, "federated-user/"):
		return each(sts, func(g glob) glob { return g.lit(account+":"+res, false) }), nil, account, nil
	}
	return nil, nil, "", unsupported("principal %q (role sessions named in a Principal)", v)
}

// federatedUserid turns g, a pattern of aws:userid, into the federated
// users' ARNs whose userid (ACCOUNT:NAME, one colon) it matches:
// stsPrefix ACCOUNT ":federated-user/" NAME. The userid's one colon is
// taken by one atom of g; the others match no colon.
func federatedUserid(g glob, stsPrefix glob) pred {
	noColon := func(a atom) atom {
		a.set[':'>>6] &^= 1 << (':' & 63)
		return a
	}
	var out pred
	for i, a := range g {
		if !a.set.has(':') {
			continue
		}
		h := slices.Clone(stsPrefix)
		for _, b := range g[:i] {
			h = append(h, noColon(b))
		}
		if a.star {
			h = append(h, noColon(a))
		}
		h = h.lit(":federated-user/", false)
		if a.star {
			h = append(h, noColon(a))
		}
		for _, b := range g[i+1:] {
			h = append(h, noColon(b))
		}
		out = append(out, h)
	}
	return out
}

func fill(v string) string {
	return strings.ReplaceAll(strings.ReplaceAll(v, "*", "example"), "?", "x")
}

func where(s *stmt) string {
	w := "statement " + strconv.Itoa(s.st.Index)
	if s.st.Sid != "" {
		w += " (Sid " + strconv.Quote(s.st.Sid) + ")"
	}
	if s.pol.Name != "" {
		w += " of " + strconv.Quote(s.pol.Name)
	}
	return w
}

// ---- the resource's account

func buildAccount(ctx context.Context, conds []condition, stmts []*stmt, bud *budget, opts Options) (*dim, error) {
	var preds []pred
	var cands []string
	for _, c := range conds {
		switch c.family {
		case "string":
		case "null":
			continue
		default:
			return nil, unsupported("%s on %s", c.c.Operator, c.c.Key)
		}
		for _, v := range c.c.Values {
			g, ok, err := patternGlob(v, c.like(), c.vars, c.fold(), false, "")
			if err != nil {
				return nil, err
			}
			if ok {
				preds = append(preds, pred{g})
			}
			cands = append(cands, fill(v))
		}
	}
	var g glob
	for i := 0; i < 12; i++ {
		g = g.one(digits)
	}
	a := newAutomaton(preds, pred{g}, opts.MaxStates, bud)
	cs, err := a.classes(ctx)
	if err != nil {
		return nil, err
	}
	a.prefer(cs, append(cands, "111122223333", "999999999999"))
	d := &dim{kind: dimAccount, acct: []string{""}}
	for _, c := range cs {
		d.acct = append(d.acct, c.rep)
	}
	return d, nil
}

// ---- other condition keys

// foldLetters notes whether the values read as strings name the letters
// s and k with and without case folding. The engine folds case as
// strings.EqualFold does, so ſ (U+017F) matches s and K (U+212A, the
// Kelvin sign) matches k: when a key is read both ways, these characters
// are a class of their own that the ASCII alphabet has no member of.
type foldLetters struct{ fold, exact [2]bool }

func (f *foldLetters) note(v string, fold bool) {
	for i, l := range [2]string{"sS", "kK"} {
		if strings.ContainsAny(v, l) {
			if fold {
				f.fold[i] = true
			} else {
				f.exact[i] = true
			}
		}
	}
}

func (f *foldLetters) clash() bool {
	return f.fold[0] && f.exact[0] || f.fold[1] && f.exact[1]
}

// globalMultivalued are the global condition keys that the IAM User Guide
// ("AWS global condition context keys") types as multivalued and that
// the Service Authorization Reference does not list.
var globalMultivalued = map[string]bool{
	"aws:calledvia": true, "aws:principalorgpaths": true, "aws:principalservicenameslist": true,
	"aws:resourceorgpaths": true, "aws:sourceorgpaths": true, "aws:tagkeys": true,
	"aws:vpceorgpaths": true,
}

// multivalued reports whether a request may carry several values of key
// (lower case) that the check must tell from single values: the catalog's
// ArrayOf types and the global keys above. A key of a service outside the
// catalog may be multivalued (dynamodb:LeadingKeys is); it is taken as one
// when a Deny statement or a negated operator reads it. Otherwise every
// condition on it is a positive operator in an Allow, which a set of
// values meets exactly when one of its values does (package policy reads
// an operator without a qualifier so): a set allowed by the new policies
// and not the old has a value that is, so single values decide. The other
// global keys (aws:...) are single-valued.
func multivalued(key string, stmts []*stmt) bool {
	if k, ok := catalog.LookupConditionKey(key); ok {
		return strings.HasPrefix(k.Type, "ArrayOf")
	}
	if globalMultivalued[key] {
		return true
	}
	if strings.HasPrefix(key, "aws:") {
		return false
	}
	for _, s := range stmts {
		for _, c := range s.conds {
			if c.key == key && (s.st.Effect == policy.Deny || strings.Contains(c.base, "Not")) {
				return true
			}
		}
	}
	return false
}

func buildKey(ctx context.Context, key string, conds []condition, stmts []*stmt, bud *budget, opts Options) (*dim, error) {
	family := ""
	multi := multivalued(key, stmts)
	for _, c := range conds {
		multi = multi || c.set
		f := c.family
		if f == "arn" {
			f = "string"
		}
		if f == "null" {
			continue
		}
		if f == "" {
			return nil, unsupported("operator %s", c.c.Operator)
		}
		if family != "" && family != f {
			return nil, unsupported("condition key %s is read both as %s and as %s", conds[0].c.Key, family, f)
		}
		family = f
	}
	var reps []string
	switch family {
	case "":
		reps = []string{"example"} // only Null reads it: present or absent
	case "string":
		var preds []pred
		var cands []string
		var fl foldLetters
		for _, c := range conds {
			if c.family == "null" {
				continue
			}
			for _, v := range c.c.Values {
				fl.note(v, c.fold())
				var g glob
				var ok bool
				var err error
				if c.family == "arn" {
					g, ok, err = arnGlob(v, c.vars)
				} else {
					g, ok, err = patternGlob(v, c.like(), c.vars, c.fold(), false, "")
				}
				if err != nil {
					return nil, err
				}
				if ok {
					preds = append(preds, pred{g})
				}
				cands = append(cands, fill(v))
			}
		}
		if fl.clash() {
			return nil, unsupported("condition key %s is read both case-insensitively and case-sensitively with the letter s or k, which ſ and K (Kelvin) match case-insensitively", conds[0].c.Key)
		}
		a := newAutomaton(preds, nil, opts.MaxStates, bud)
		cs, err := a.classes(ctx)
		if err != nil {
			return nil, err
		}
		a.prefer(cs, append(cands, "example"))
		for _, c := range cs {
			reps = append(reps, c.rep)
		}
	case "numeric":
		reps = numericReps(conds)
	case "date":
		reps = dateReps(conds)
	case "bool":
		reps = []string{"true", "false", "example"}
	case "binary":
		seen := map[string]bool{}
		for _, c := range conds {
			if c.family != "binary" {
				continue
			}
			for _, v := range c.c.Values {
				// The engine compares the request's value with the
				// policy's in canonical base64 ("QR==" matches "QQ==").
				if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					v = base64.StdEncoding.EncodeToString(b)
				}
				if !seen[v] {
					seen[v] = true
					reps = append(reps, v)
				}
			}
		}
		reps = append(reps, "example")
	case "ip":
		var err error
		if reps, err = ipReps(conds); err != nil {
			return nil, err
		}
	}
	d := &dim{kind: dimKey, key: key, spell: conds[0].c.Key, multi: multi, vals: [][]string{nil}}
	if !multi {
		for _, r := range reps {
			d.vals = append(d.vals, []string{r})
		}
		return d, nil
	}
	if len(reps) > opts.MaxSetClasses {
		return nil, unsupported("multivalued key %s has %d classes of values (the limit is %d, Options.MaxSetClasses)", key, len(reps), opts.MaxSetClasses)
	}
	for m := 1; m < 1<<len(reps); m++ {
		var vs []string
		for i, r := range reps {
			if m&(1<<i) != 0 {
				vs = append(vs, r)
			}
		}
		d.vals = append(d.vals, vs)
	}
	return d, nil
}

// numericReps returns a number below, at, between and above the values
// the conditions name, and text that is no number.
func numericReps(conds []condition) []string {
	var ns []float64
	for _, c := range conds {
		if c.family != "numeric" {
			continue
		}
		for _, v := range c.c.Values {
			if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
				ns = append(ns, f)
			}
		}
	}
	slices.Sort(ns)
	ns = slices.Compact(ns)
	format := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	var out []string
	for i, n := range ns {
		if i == 0 {
			out = append(out, format(math.Nextafter(n, math.Inf(-1))), format(n-1))
		} else if m := ns[i-1]/2 + n/2; ns[i-1] < m && m < n {
			// Halved first, so that the sum cannot overflow.
			out = append(out, format(m))
		} else if m := math.Nextafter(ns[i-1], n); m < n {
			out = append(out, format(m))
		}
		out = append(out, format(n))
	}
	if len(ns) > 0 {
		out = append(out, format(ns[len(ns)-1]+1), format(math.Nextafter(ns[len(ns)-1], math.Inf(1))))
	} else {
		out = append(out, "0")
	}
	out = append(out, "example")
	slices.Sort(out)
	return slices.Compact(out)
}

// dateReps is numericReps for dates.
func dateReps(conds []condition) []string {
	var ts []time.Time
	for _, c := range conds {
		if c.family != "date" {
			continue
		}
		for _, v := range c.c.Values {
			if t, ok := policy.ParseDate(v); ok {
				ts = append(ts, t)
			}
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	ts = slices.CompactFunc(ts, func(a, b time.Time) bool { return a.Equal(b) })
	var out []string
	for i, t := range ts {
		if i == 0 {
			out = append(out, formatDate(t.Add(-time.Second)))
		} else if d := t.Sub(ts[i-1]); d > 1 {
			out = append(out, formatDate(ts[i-1].Add(d/2)))
		}
		out = append(out, formatDate(t))
	}
	if len(ts) > 0 {
		out = append(out, formatDate(ts[len(ts)-1].Add(time.Second)))
	} else {
		out = append(out, "2026-01-01T00:00:00Z")
	}
	return append(out, "example")
}

// formatDate writes t as the engine reads dates (ISO 8601, years 0000 to
// 9999): in UTC when its year is one of those, else with the offset of
// ±23:59 that brings it within them (0000-01-01T23:58:59+23:59 is an
// instant of the year -1 in UTC). A t that no offset brings within is
// written in UTC, which no date operator reads: no date is its class.
func formatDate(t time.Time) string {
	u := t.UTC()
	for _, off := range []int{0, 23*3600 + 59*60, -(23*3600 + 59*60)} {
		if z := u.In(time.FixedZone("", off)); z.Year() >= 0 && z.Year() <= 9999 {
			return z.Format(time.RFC3339Nano)
		}
	}
	return u.Format(time.RFC3339Nano)
}

// ipReps returns the first address of every range the CIDR blocks cut
// each address family into, and text that is no address.
func ipReps(conds []condition) ([]string, error) {
	points := []netip.Addr{netip.IPv4Unspecified(), netip.IPv6Unspecified()}
	for _, c := range conds {
		if c.family != "ip" {
			continue
		}
		for _, v := range c.c.Values {
			p, ok := policy.ParseCIDR(v)
			if !ok {
				continue
			}
			if p.Addr().Is4In6() {
				return nil, unsupported("IPv4-mapped IPv6 block %s", v)
			}
			points = append(points, p.Addr())
			if next := lastOf(p).Next(); next.IsValid() {
				points = append(points, next)
			}
		}
	}
	// The engine unmaps an IPv4-mapped request address: the mapped range
	// behaves as IPv4, so a point in it (the end of a block just below
	// it) stands for the IPv6 addresses above the range.
	points = slices.DeleteFunc(points, netip.Addr.Is4In6)
	points = append(points, netip.MustParseAddr("::1:0:0:0"))
	slices.SortFunc(points, func(a, b netip.Addr) int { return a.Compare(b) })
	points = slices.Compact(points)
	out := make([]string, 0, len(points)+1)
	for _, p := range points {
		out = append(out, p.String())
	}
	return append(out, "example"), nil
}

// lastOf returns the last address of a prefix.
func lastOf(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr()
	b := a.AsSlice()
	bitsLeft := p.Bits()
	for i := range b {
		for k := 7; k >= 0; k-- {
			if bitsLeft > 0 {
				bitsLeft--
				continue
			}
			b[i] |= 1 << k
		}
	}
	out, _ := netip.AddrFromSlice(b)
	return out
}
