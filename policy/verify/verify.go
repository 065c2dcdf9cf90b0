package verify

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// Kind is the kind of policy a check reads: identity-based policies,
// which apply to the principal they are attached to, or resource-based
// policies, which name principals.
type Kind uint8

// The two kinds, as IAM Access Analyzer's policyType names them
// (IDENTITY_POLICY, RESOURCE_POLICY).
const (
	Identity Kind = iota + 1
	Resource
)

func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Resource:
		return "resource"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// KindOf returns the kind of a policy type: Identity for identity-based
// policies, permissions boundaries, session policies and SCPs, Resource
// for resource-based policies (bucket and access point policies), RCPs,
// VPC endpoint policies and role trust policies.
func KindOf(t policy.Type) (Kind, error) {
	switch t {
	case policy.IdentityBased, policy.PermissionsBoundary, policy.SessionPolicy, policy.ServiceControlPolicy:
		return Identity, nil
	case policy.ResourceBased, policy.ResourceControlPolicy, policy.VPCEndpointPolicy, policy.TrustPolicy:
		return Resource, nil
	}
	return 0, fmt.Errorf("verify: a %s cannot be checked", t)
}

// Verdict is a check's answer.
type Verdict uint8

// The three answers. Unknown is never a guess: it says that the policies
// use a construct the procedure does not decide exactly, and Result.Reason
// names it.
const (
	Unknown Verdict = iota
	Pass
	Fail
)

func (v Verdict) String() string {
	switch v {
	case Pass:
		return "PASS"
	case Fail:
		return "FAIL"
	}
	return "UNKNOWN"
}

// MarshalText writes the verdict as PASS, FAIL or UNKNOWN.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText reads PASS, FAIL or UNKNOWN.
func (v *Verdict) UnmarshalText(b []byte) error {
	switch string(b) {
	case "PASS":
		*v = Pass
	case "FAIL":
		*v = Fail
	case "UNKNOWN":
		*v = Unknown
	default:
		return fmt.Errorf("verify: %q is not PASS, FAIL or UNKNOWN", b)
	}
	return nil
}

// Options bound the work of a check. The zero value is good defaults.
type Options struct {
	// MaxStates is the most automaton states explored to cut one
	// dimension (actions, resources, principals, one key) into classes.
	// Default 100,000.
	MaxStates int
	// MaxSetClasses is the most classes of values a multivalued key may
	// have: its requests are the sets of those classes (2^n of them).
	// Default 10.
	MaxSetClasses int
	// MaxWork bounds the whole check in small steps (an automaton step, a
	// box split). Default 200 million: about 10 to 15 seconds of work
	// on one core before the answer is UNKNOWN.
	MaxWork int
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.MaxStates <= 0 {
		out.MaxStates = 100_000
	}
	if out.MaxSetClasses <= 0 {
		out.MaxSetClasses = 10
	}
	if out.MaxWork <= 0 {
		out.MaxWork = 200_000_000
	}
	return out
}

// Access is what CheckAccessNotGranted asks about: actions and resources,
// each a list of patterns as a policy writes them (wildcards allowed). An
// empty list means any.
type Access struct {
	Actions   []string `json:"actions,omitempty"`
	Resources []string `json:"resources,omitempty"`
}

// A Witness is a request that proves a FAIL: the new policy allows it
// (and, for NoNewAccess, the old one does not). The check has evaluated it
// with policy.Set.Evaluate before returning it.
type Witness struct {
	// Principal is the caller: an IAM user, a role session, a federated
	// user (whose session policy allows everything), an account's root
	// user, a service principal, or "anonymous".
	Principal string `json:"principal"`
	Action    string `json:"action"`
	Resource  string `json:"resource"`
	// Context holds the condition keys the request carries, besides those
	// AWS derives from the principal: aws:PrincipalArn is there for a
	// session of a role with a path, which the session's ARN does not
	// show. Keys the witness leaves out are absent from the request.
	Context map[string][]string `json:"context,omitempty"`
}

// Request returns the witness as a request of package policy. The
// resource account is left out of Request.ResourceAccount, so that the
// request is decided as a cross-account one (the check compares what
// policies grant, not how one account delegates to its identity
// policies); aws:ResourceAccount, when the witness sets it, is in the
// context.
func (w *Witness) Request() (*policy.Request, error) {
	return policy.NewRequest(w.Principal, w.Action, w.Resource, "", policy.NewContext(w.Context))
}

func (w *Witness) String() string {
	s := w.Principal + " " + w.Action + " " + w.Resource
	for _, k := range slices.Sorted(maps.Keys(w.Context)) {
		s += " " + k + "=" + strings.Join(w.Context[k], ",")
	}
	return s
}

// StatementRef names a statement of a policy.
type StatementRef struct {
	Policy    string `json:"policy,omitempty"`
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
}

// Result is a check's answer and its proof.
type Result struct {
	Verdict Verdict `json:"result"`
	// Witness proves a FAIL.
	Witness *Witness `json:"witness,omitempty"`
	// Statements are, for a FAIL, the statements of the new policies that
	// allow the witness.
	Statements []StatementRef `json:"statements,omitempty"`
	// Reason says, in a sentence, why: what the witness shows, or what
	// the procedure could not decide.
	Reason string `json:"reason"`
	// Classes is the number of classes per dimension the policies cut the
	// requests into: the size of the problem.
	Classes map[string]int `json:"classes,omitempty"`
}

// NoNewAccess reports whether the new policies allow any request that the
// old ones do not, as IAM Access Analyzer's CheckNoNewAccess does. Every
// policy must be of one kind; old may be empty (nothing was allowed).
// Identity policies may be a set, as a principal's attached policies are;
// resource-based policies are one each.
//
// A request is allowed by a set of policies when a statement allows it and
// none denies it ("Policy evaluation logic", IAM User Guide). PASS means
// no such request exists; FAIL comes with one.
func NoNewAccess(ctx context.Context, old, new []*policy.Policy, opts *Options) (Result, error) {
	kind, err := kindOfAll(append(slices.Clone(old), new...))
	if err != nil {
		return Result{}, err
	}
	if kind == Resource && (len(old) > 1 || len(new) != 1) {
		return Result{}, errors.New("verify: resource-based policies are compared one to one")
	}
	search := func(ctx context.Context, c *check, old, new []*policy.Policy) ([]int, bool, error) {
		oldA, newA, same, err := c.approximatePair(old, new)
		if err != nil {
			return nil, false, err
		}
		oldS, newS := c.statements(oldA), c.statements(newA)
		var sameS []*stmt
		if same != nil {
			sameS = c.statements([]*policy.Policy{same})
		}
		all := append(append(slices.Clone(oldS), newS...), sameS...)
		if err := c.build(ctx, all, nil); err != nil {
			return nil, false, err
		}
		aNew, dNew, err := c.boxes(ctx, newS)
		if err != nil {
			return nil, false, err
		}
		aOld, dOld, err := c.boxes(ctx, oldS)
		if err != nil {
			return nil, false, err
		}
		point, found, err := c.search(ctx, aNew, dNew, aOld, dOld, nil)
		if err != nil || found || same == nil {
			return point, found, err
		}
		// A statement with a policy variable that both policies hold
		// allows the same requests in both for every value, except where
		// the old policy denies and the new one does not.
		aSame, _, err := c.boxes(ctx, sameS)
		if err != nil {
			return nil, false, err
		}
		return c.searchDenied(ctx, aSame, dNew, dOld)
	}
	return run(ctx, kind, opts, old, new, search, outcome{
		pass: "no request that the new policy allows is denied by the old one",
		fail: "the new policy allows the request and the old one does not",
	})
}

// NoNewAccessBesideOthers is NoNewAccess for identity policies that need
// not be all of an identity's: the identity may have others, alike
// before and after the change (an AWS managed policy, one attached
// elsewhere), and a Deny the change lifts may uncover what they allow
// (IAM User Guide, "Policy evaluation logic": an explicit Deny in any
// policy overrides an Allow in another). The sets are compared as they
// are, and again with a policy allowing everything beside each: for any
// other policies R, no request is newly allowed exactly when both pass
// (the first is R empty, the second R everything, and the two bound every
// R). A FAIL is the first comparison's; when only the second fails, the
// answer is UNKNOWN, naming the request the lifted Deny uncovers.
func NoNewAccessBesideOthers(ctx context.Context, old, new []*policy.Policy, opts *Options) (Result, error) {
	res, err := NoNewAccess(ctx, old, new, opts)
	if err != nil || res.Verdict != Pass {
		return res, err
	}
	others, err := policy.Parse("other policies of the identity", policy.IdentityBased, []byte(allowAllDocs[Resource].doc))
	if err != nil {
		return Result{}, err
	}
	res2, err := NoNewAccess(ctx, append(slices.Clone(old), others), append(slices.Clone(new), others), opts)
	if err != nil || res2.Verdict == Pass {
		return res, err
	}
	reason := "the change lifts a Deny that limited the identity's other policies, which the input may not show"
	if res2.Witness != nil {
		reason += ": " + res2.Witness.String()
	} else {
		reason += " (" + res2.Reason + ")"
	}
	return Result{Verdict: Unknown, Reason: reason, Classes: res2.Classes}, nil
}

// AccessNotGranted reports whether the policies allow any of the access:
// one of the actions on one of the resources, as IAM Access Analyzer's
// CheckAccessNotGranted does. PASS means no request for it is allowed;
// FAIL comes with one.
func AccessNotGranted(ctx context.Context, pols []*policy.Policy, access Access, opts *Options) (Result, error) {
	kind, err := kindOfAll(pols)
	if err != nil {
		return Result{}, err
	}
	if kind == Resource && len(pols) != 1 {
		return Result{}, errors.New("verify: give one resource-based policy")
	}
	if len(access.Actions) == 0 && len(access.Resources) == 0 {
		return Result{}, errors.New("verify: the access names no action and no resource")
	}
	q, err := accessPolicy(access)
	if err != nil {
		return Result{}, err
	}
	search := func(ctx context.Context, c *check, _, pols []*policy.Policy) ([]int, bool, error) {
		polsA, err := c.approximate(pols, true)
		if err != nil {
			return nil, false, err
		}
		ps := c.statements(polsA)
		if err := c.build(ctx, ps, &access); err != nil {
			return nil, false, err
		}
		allow, deny, err := c.boxes(ctx, ps)
		if err != nil {
			return nil, false, err
		}
		qa, _, err := c.boxes(ctx, c.statements([]*policy.Policy{q}))
		if err != nil {
			return nil, false, err
		}
		if len(qa) == 0 {
			return nil, false, nil
		}
		return c.search(ctx, allow, deny, nil, nil, qa)
	}
	return run(ctx, kind, opts, nil, pols, search, outcome{
		pass: "no request for the access is allowed",
		fail: "the policy allows a request for the access",
	})
}

// namesAccessPoint reports whether a Resource of p is an S3 access point
// or its objects (arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/...).
func namesAccessPoint(p *policy.Policy) bool {
	for _, st := range p.Statements {
		for _, r := range st.Resource {
			if f := strings.SplitN(r, ":", 6); len(f) == 6 && f[2] == "s3" && strings.HasPrefix(f[5], "accesspoint/") {
				return true
			}
		}
	}
	return false
}

// NoPublicAccess reports whether a bucket or access point policy grants
// public access, as S3 Block Public Access defines it ("The meaning of
// "public"", S3 User Guide; package policy/public). FAIL comes with a
// request from outside (anonymous, or a principal of an account the
// policy does not name) that the policy allows.
func NoPublicAccess(ctx context.Context, p *policy.Policy, opts *Options) (Result, error) {
	if p == nil {
		return Result{}, errors.New("verify: no policy")
	}
	if k, err := KindOf(p.Type); err != nil || k != Resource {
		return Result{}, fmt.Errorf("verify: public access is a question about a resource-based policy, not a %s", p.Type)
	}
	pub := public.Analyze(p)
	if namesAccessPoint(p) {
		// An access point policy: S3's rules for access points, which
		// call a set of access points public, read for an access point
		// of Internet origin (the stricter reading when the policy does
		// not say which it is).
		if ap := public.AnalyzeAccessPoint(p, false); ap.Public {
			pub = ap
		}
	}
	if !pub.Public {
		return Result{Verdict: Pass, Reason: "S3 does not call the policy public: every statement that allows fixes the caller"}, nil
	}
	first := pub.Reasons[0]
	named := namedAccounts(p)
	search := func(ctx context.Context, c *check, _, pols []*policy.Policy) ([]int, bool, error) {
		pa, err := c.approximate(pols, true)
		if err != nil {
			return nil, false, err
		}
		ps := c.statements(pa)
		if err := c.build(ctx, ps, nil); err != nil {
			return nil, false, err
		}
		allow, deny, err := c.boxes(ctx, ps)
		if err != nil {
			return nil, false, err
		}
		pd := c.sp.dims[1]
		outsiders := newBitset(pd.size())
		for i, st := range pd.prin {
			if st.p.Kind == policy.Anonymous || st.p.Account != "" && !named[st.p.Account] {
				outsiders.set(i)
			}
		}
		within := c.full()
		within[1] = outsiders
		return c.search(ctx, allow, deny, nil, nil, []box{within})
	}
	return run(ctx, Resource, opts, nil, []*policy.Policy{p}, search, outcome{
		notFound: fmt.Sprintf("S3 calls the policy public (statement %d: %s), but it allows no request from outside: its conditions or a Deny keep every outside caller out, in a way S3's reading does not credit", first.Statement, first.Why),
		fail:     "S3 calls the policy public (" + first.Why + "), and it allows this request from outside",
		within: func(w *Witness) bool {
			p, err := policy.ParsePrincipal(w.Principal)
			return err == nil && (p.Kind == policy.Anonymous || p.Account != "" && !named[p.Account])
		},
	})
}

// outcome holds the words of a check's answers. notFound, when set, makes
// "no request found" UNKNOWN with it as the reason, rather than PASS.
// within, when set, is what a witness must also be: step 3 of the policy
// variables changes the witness's principal, which must stay within.
type outcome struct {
	pass, fail, notFound string
	within               func(*Witness) bool
}

// searcher finds, in a check's space, a request that proves a FAIL.
type searcher func(ctx context.Context, c *check, old, new []*policy.Policy) ([]int, bool, error)

// run runs a check: the search, then the witness's evaluation by the
// engine. When policy variables were approximated and the engine does not
// confirm the witness, it searches again with every variable given one
// value, and the witness carries that value.
func run(ctx context.Context, kind Kind, opts *Options, old, new []*policy.Policy, search searcher, words outcome) (Result, error) {
	c := newCheck(kind, opts)
	point, found, err := search(ctx, c, old, new)
	if err != nil {
		return unknown(err)
	}
	res := Result{Classes: c.classes()}
	if !found {
		if words.notFound != "" {
			return Result{Verdict: Unknown, Classes: res.Classes, Reason: words.notFound}, nil
		}
		res.Verdict = Pass
		res.Reason = words.pass + c.approxNote()
		return res, nil
	}
	w := c.witness(point)
	out, ok, err := c.confirm(res, w, new, old, words.fail)
	if err != nil || ok {
		return out, err
	}
	if c.approx == "" {
		// The procedure and the engine disagree: never report what the
		// engine does not confirm.
		return Result{Verdict: Unknown, Classes: res.Classes, Reason: fmt.Sprintf("a witness was found (%s) but the engine does not confirm it: please report this", w)}, nil
	}
	approxUnknown := Result{Verdict: Unknown, Classes: res.Classes, Reason: fmt.Sprintf("policy variable %s: with it approximated, the request %s is allowed, but the policies themselves do not allow it, nor a request with the variable given a value; the check cannot prove a PASS", c.approx, w)}
	oldI, bindOld, err := instantiateAll(old)
	if err != nil {
		return approxUnknown, nil
	}
	newI, bindNew, err := instantiateAll(new)
	if err != nil {
		return approxUnknown, nil
	}
	c2 := newCheck(kind, opts)
	point, found, err = search(ctx, c2, oldI, newI)
	if err != nil || !found {
		return approxUnknown, nil
	}
	w = c2.witness(point)
	bindVariables(w, append(bindOld, bindNew...))
	if words.within != nil && !words.within(w) {
		return approxUnknown, nil
	}
	out, ok, err = c.confirm(res, w, new, old, words.fail)
	if err != nil || ok {
		return out, err
	}
	return approxUnknown, nil
}

func unknown(err error) (Result, error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Result{}, err
	}
	if errors.Is(err, errUnsupported) {
		return Result{Verdict: Unknown, Reason: strings.TrimPrefix(err.Error(), errUnsupported.Error()+": ")}, nil
	}
	return Result{}, err
}

func kindOfAll(pols []*policy.Policy) (Kind, error) {
	var kind Kind
	for _, p := range pols {
		if p == nil {
			return 0, errors.New("verify: a nil policy")
		}
		k, err := KindOf(p.Type)
		if err != nil {
			return 0, err
		}
		if kind != 0 && k != kind {
			return 0, errors.New("verify: the policies are not all of one kind (identity or resource)")
		}
		kind = k
	}
	if kind == 0 {
		return 0, errors.New("verify: no policy")
	}
	return kind, nil
}

func accessPolicy(a Access) (*policy.Policy, error) {
	quote := func(l []string) string {
		if len(l) == 0 {
			return `"*"`
		}
		var b strings.Builder
		b.WriteByte('[')
		for i, s := range l {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q", s)
		}
		b.WriteByte(']')
		return b.String()
	}
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":` + quote(a.Actions) + `,"Resource":` + quote(a.Resources) + `}}`
	p, err := policy.Parse("access", policy.IdentityBased, []byte(doc))
	if err != nil {
		return nil, fmt.Errorf("verify: the access: %w", err)
	}
	for _, r := range a.Resources {
		if strings.Contains(r, "${") {
			return nil, fmt.Errorf("verify: the access: resource %q holds a policy variable", r)
		}
	}
	return p, nil
}

func namedAccounts(p *policy.Policy) map[string]bool {
	named := map[string]bool{}
	scan := func(s string) {
		for i := 0; i+12 <= len(s); i++ {
			if policy.IsAccountID(s[i:i+12]) && (i == 0 || s[i-1] < '0' || s[i-1] > '9') && (i+12 == len(s) || s[i+12] < '0' || s[i+12] > '9') {
				named[s[i:i+12]] = true
			}
		}
	}
	for _, st := range p.Statements {
		if st.Principal != nil {
			for _, v := range st.Principal.AWS {
				scan(v)
			}
		}
		for _, c := range st.Conditions {
			for _, v := range c.Values {
				scan(v)
			}
		}
	}
	return named
}

// check holds one check's state.
type check struct {
	kind Kind
	opts Options
	bud  *budget
	sp   *space
	// approx names a policy variable the check approximated ("" when
	// none), and approximated the statements that use one.
	approx     string
	approxStmt map[*policy.Statement]bool
}

func (c *check) approxNote() string {
	if c.approx == "" {
		return ""
	}
	return " (policy variables such as " + c.approx + " were approximated: widened where they allow, narrowed where they are subtracted, so the PASS holds for every value)"
}

func newCheck(kind Kind, opts *Options) *check {
	o := opts.withDefaults()
	return &check{kind: kind, opts: o, bud: &budget{left: o.MaxWork}}
}

func (c *check) statements(pols []*policy.Policy) []*stmt {
	var out []*stmt
	for _, p := range pols {
		for i := range p.Statements {
			st := &p.Statements[i]
			s := &stmt{pol: p, st: st, vars: p.Version == policy.Version2012}
			for j := range st.Conditions {
				cd := readCondition(&st.Conditions[j])
				cd.vars = s.vars
				s.conds = append(s.conds, cd)
			}
			out = append(out, s)
		}
	}
	return out
}

func (c *check) build(ctx context.Context, stmts []*stmt, q *Access) error {
	sp, err := build(ctx, c.kind, stmts, q, c.bud, c.opts)
	if err != nil {
		return err
	}
	c.sp = sp
	return nil
}

func (c *check) classes() map[string]int {
	m := map[string]int{}
	for _, d := range c.sp.dims {
		m[d.name()] = d.size()
	}
	return m
}

func (c *check) full() box {
	b := make(box, len(c.sp.dims))
	for i, d := range c.sp.dims {
		b[i] = newBitset(d.size())
		for j := 0; j < d.size(); j++ {
			b[i].set(j)
		}
	}
	return b
}

// boxes returns the statements' boxes: Allow ones and Deny ones. Empty
// boxes (statements that apply to no request) are left out.
func (c *check) boxes(ctx context.Context, stmts []*stmt) (allow, deny []box, err error) {
	var approxAllow []box
	defer func() { allow = append(allow, approxAllow...) }()
	for _, s := range stmts {
		// Only S3's requests carry s3:ResourceAccount (beside
		// aws:ResourceAccount, which every service's do): a statement that
		// reads it is two boxes, on S3's actions and on the others'.
		parts := []accountPart{bothAccountKeys}
		if slices.ContainsFunc(s.conds, func(cd condition) bool { return cd.key == "s3:resourceaccount" }) {
			parts = []accountPart{s3Actions, otherActions}
		}
		for _, part := range parts {
			b, err := c.box(ctx, s, part)
			if err != nil {
				return nil, nil, err
			}
			if b.empty() {
				continue
			}
			switch {
			case s.st.Effect == policy.Deny:
				deny = append(deny, b)
			case c.approxStmt[s.st]:
				// Searched last: a witness from an exact statement is one
				// the policies confirm.
				approxAllow = append(approxAllow, b)
			default:
				allow = append(allow, b)
			}
		}
	}
	return allow, deny, nil
}

// accountPart is the part of the request space a box of a statement
// covers, by whether the request carries s3:ResourceAccount.
type accountPart uint8

const (
	bothAccountKeys accountPart = iota // the statement does not read s3:ResourceAccount
	s3Actions                          // S3's actions: both keys
	otherActions                       // other services' actions: aws:ResourceAccount alone
)

// isS3Action reports whether an action (lower case) is of the service
// s3, whose requests carry s3:ResourceAccount.
func isS3Action(action string) bool { return strings.HasPrefix(action, "s3:") }

// box projects a statement on every dimension: the states where the
// statement's elements that read the dimension hold, as package policy
// decides them.
func (c *check) box(ctx context.Context, s *stmt, part accountPart) (box, error) {
	b := make(box, len(c.sp.dims))
	for di, d := range c.sp.dims {
		set := newBitset(d.size())
		if err := c.bud.spend(ctx, d.size()); err != nil {
			return nil, err
		}
		for i := 0; i < d.size(); i++ {
			if c.holds(s, d, i, part) {
				set.set(i)
			}
		}
		b[di] = set
	}
	return b, nil
}

func (c *check) holds(s *stmt, d *dim, i int, part accountPart) bool {
	switch d.kind {
	case dimActionResource:
		st := d.ar[i]
		if part == s3Actions && !isS3Action(st.action) || part == otherActions && isS3Action(st.action) {
			return false
		}
		return s.st.MatchesAction(st.action) && s.st.MatchesResource(&policy.Request{Resource: st.resource})
	case dimPrincipal:
		st := &d.prin[i]
		if s.st.Principal != nil && !s.st.Principal.Matches(&st.p) {
			return false
		}
		r := &policy.Request{Principal: st.p}
		if st.userid != "" {
			r.Context.Set("aws:userid", st.userid)
		}
		if st.principalArn != "" {
			r.Context.Set("aws:PrincipalArn", st.principalArn)
		}
		for _, cd := range s.conds {
			if principalKeys[cd.key] && !cd.c.Matches(r) {
				return false
			}
		}
		return true
	case dimAccount:
		r := &policy.Request{}
		if a := d.acct[i]; a != "" {
			r.Context.Set("aws:ResourceAccount", a)
			if part != otherActions {
				r.Context.Set("s3:ResourceAccount", a)
			}
		}
		for _, cd := range s.conds {
			if accountKeys[cd.key] && !cd.c.Matches(r) {
				return false
			}
		}
		return true
	}
	r := &policy.Request{}
	if v := d.vals[i]; v != nil {
		r.Context.Set(d.key, v...)
	}
	for _, cd := range s.conds {
		if cd.key == d.key && !cd.c.Matches(r) {
			return false
		}
	}
	return true
}

// search finds a request that allow holds and deny does not, that aOld
// does not hold or dOld does, within one of within (nil: anywhere). That
// is: (∪allow ∖ ∪deny) ∖ (∪aOld ∖ ∪dOld), split as
// (∪allow ∖ ∪deny ∖ ∪aOld) ∪ (∪allow ∩ ∪dOld ∖ ∪deny).
func (c *check) search(ctx context.Context, allow, deny, aOld, dOld, within []box) ([]int, bool, error) {
	var starts []box
	for _, a := range allow {
		if within == nil {
			starts = append(starts, a)
			continue
		}
		for _, w := range within {
			if x := a.intersect(w); !x.empty() {
				starts = append(starts, x)
			}
		}
	}
	subs := append(slices.Clone(deny), aOld...)
	for _, a := range starts {
		if p, ok, err := diff(ctx, c.bud, a, subs); err != nil || ok {
			return p, ok, err
		}
	}
	for _, a := range starts {
		for _, d := range dOld {
			if x := a.intersect(d); !x.empty() {
				if p, ok, err := diff(ctx, c.bud, x, deny); err != nil || ok {
					return p, ok, err
				}
			}
		}
	}
	return nil, false, nil
}

// searchDenied finds a request that allow holds, dOld holds and deny does
// not: the second half of search.
func (c *check) searchDenied(ctx context.Context, allow, deny, dOld []box) ([]int, bool, error) {
	for _, a := range allow {
		for _, d := range dOld {
			if x := a.intersect(d); !x.empty() {
				if p, ok, err := diff(ctx, c.bud, x, deny); err != nil || ok {
					return p, ok, err
				}
			}
		}
	}
	return nil, false, nil
}

// witness turns a point of the request space into a request.
func (c *check) witness(point []int) *Witness {
	w := &Witness{Context: map[string][]string{}}
	for di, d := range c.sp.dims {
		i := point[di]
		switch d.kind {
		case dimActionResource:
			w.Action, w.Resource = d.ar[i].display, d.ar[i].resource
		case dimPrincipal:
			w.Principal = d.prin[i].arn
			if u := d.prin[i].userid; u != "" {
				w.Context["aws:userid"] = []string{u}
			}
			if a := d.prin[i].principalArn; a != "" {
				w.Context["aws:PrincipalArn"] = []string{a}
			}
		case dimAccount:
			if a := d.acct[i]; a != "" {
				w.Context["aws:ResourceAccount"] = []string{a}
				if isS3Action(strings.ToLower(w.Action)) {
					w.Context["s3:ResourceAccount"] = []string{a}
				}
			}
		case dimKey:
			if v := d.vals[i]; v != nil {
				w.Context[d.spell] = v
			}
		}
	}
	if len(w.Context) == 0 {
		w.Context = nil
	}
	return w
}

// allowAll is the other side of a witness's evaluation: for identity
// policies, a bucket policy that allows everyone; for resource-based
// policies, an identity policy that allows everything.
var allowAllDocs = map[Kind]struct {
	typ policy.Type
	doc string
}{
	Identity: {policy.ResourceBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`},
	Resource: {policy.IdentityBased, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`},
}

// set returns the policy.Set in which Set.Evaluate decides a witness as
// the check does: the policies under test on their side, the other side
// allowing everything, and the request cross-account. A session policy
// that allows everything stands for the one a federated user must have
// been given (a GetFederationToken session without one has no
// permissions); it leaves users and role sessions as they are.
func (c *check) set(pols []*policy.Policy) (*policy.Set, error) {
	other := allowAllDocs[c.kind]
	p, err := policy.Parse("everything", other.typ, []byte(other.doc))
	if err != nil {
		return nil, err
	}
	session, err := policy.Parse("session", policy.IdentityBased, []byte(allowAllDocs[Resource].doc))
	if err != nil {
		return nil, err
	}
	if c.kind == Identity {
		return &policy.Set{Identity: pols, Resource: p, Session: session}, nil
	}
	s := &policy.Set{Identity: []*policy.Policy{p}, Session: session}
	if len(pols) > 0 {
		s.Resource = pols[0]
	}
	return s, nil
}

// confirm evaluates the witness with Set.Evaluate: the new policies must
// allow it, and the old ones (when not nil) must not. It returns the FAIL
// when they do.
func (c *check) confirm(res Result, w *Witness, new, old []*policy.Policy, why string) (Result, bool, error) {
	r, err := w.Request()
	if err != nil {
		return Result{}, false, fmt.Errorf("verify: witness %s: %w (internal error)", w, err)
	}
	newSet, err := c.set(new)
	if err != nil {
		return Result{}, false, err
	}
	ex := newSet.Explain(r)
	if ex.Decision != policy.Allowed {
		return Result{}, false, nil
	}
	if old != nil {
		oldSet, err := c.set(old)
		if err != nil {
			return Result{}, false, err
		}
		if oldSet.Evaluate(r).Decision == policy.Allowed {
			return Result{}, false, nil
		}
	}
	res.Verdict = Fail
	res.Witness = w
	res.Reason = why
	for _, m := range ex.Matches {
		if m.Effect == policy.Allow && slices.Contains(new, m.Policy) {
			res.Statements = append(res.Statements, StatementRef{Policy: m.Policy.Name, Statement: m.Statement, Sid: m.Policy.Statements[m.Statement].Sid})
		}
	}
	return res, true, nil
}
