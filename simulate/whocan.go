package simulate

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/catalog"
	"github.com/s3vet/s3vet/policy/s3op"
)

// A Level groups S3 actions by what they let a principal do, after the
// access levels of the Service Authorization Reference (List, Read, Write,
// Permissions management, Tagging), as IAM Access Analyzer and the IAM
// console group them, with Write split three ways: deleting data, writing
// objects, and changing a bucket's configuration.
type Level string

// The levels, in the order WhoCan sorts them.
const (
	// LevelRead is the List and Read actions: s3:GetObject, s3:ListBucket,
	// s3:GetBucketPolicy, ...
	LevelRead Level = "read"
	// LevelWrite is the Write and Tagging actions on objects:
	// s3:PutObject, s3:RestoreObject, s3:PutObjectTagging, ...
	LevelWrite Level = "write"
	// LevelDelete is s3:DeleteObject, s3:DeleteObjectVersion and
	// s3:DeleteBucket: the actions that remove data.
	LevelDelete Level = "delete"
	// LevelPermissions is the Permissions management actions: a bucket
	// policy, ACLs, Block Public Access, Object Ownership.
	LevelPermissions Level = "permissions"
	// LevelConfiguration is the other Write and Tagging actions on a
	// bucket: lifecycle, versioning, encryption, replication, logging,
	// tags, ...
	LevelConfiguration Level = "configuration"
)

// rank is the level's place in WhoCan's order.
func (l Level) rank() int {
	switch l {
	case LevelRead:
		return 0
	case LevelWrite:
		return 1
	case LevelDelete:
		return 2
	case LevelPermissions:
		return 3
	}
	return 4
}

// The kinds of principal an [Access] names.
const (
	KindUser      = "user"      // an IAM user of the world
	KindRole      = "role"      // an IAM role of the world, for every session of it
	KindRoot      = "root"      // the root user of an account of the world
	KindAccount   = "account"   // any principal of an account outside the world that its own policies allow
	KindPrincipal = "principal" // a principal of an account outside the world, named by a policy
	KindAnyone    = "anyone"    // any principal of any account outside the world
	KindAnonymous = "anonymous" // an unsigned request
)

// An Access is one principal's permission to do one S3 action on a bucket
// or on objects of it.
type Access struct {
	// Principal is the ARN of the user, role or account root (a role
	// stands for its sessions), "anonymous", or "*" for any principal
	// of an account outside the world.
	Principal string `json:"principal"`
	Kind      string `json:"kind"`
	Action    string `json:"action"`
	Level     Level  `json:"level"`
	// Resource is the bucket's ARN, or the objects' as a pattern:
	// arn:aws:s3:::BUCKET/* for every key but those in Except, or a
	// narrower pattern that the world's policies name, such as
	// arn:aws:s3:::BUCKET/reports/*, or the ARN of one object.
	Resource string   `json:"resource"`
	Except   []string `json:"except,omitempty"` // key patterns of Resource it does not reach
	// Via are the statements that allow it, as the policy engine
	// describes them, the deciding one first: "statement 0 (Sid "Read")
	// of identity-based policy ...", and for a request across accounts
	// the other side's after a semicolon. For objects, those of the
	// first key class allowed.
	Via string `json:"via"`
}

// String is the access in one line: LEVEL ACTION RESOURCE PRINCIPAL, and
// the keys excepted. It leaves out Via, so that a golden file of these
// lines changes with the access, not with the statement that grants it.
func (a Access) String() string {
	s := string(a.Level) + " " + a.Action + " " + a.Resource + " " + a.Principal
	if len(a.Except) > 0 {
		s += " except " + strings.Join(a.Except, ",")
	}
	return s
}

// A WhoCanQuery says what to ask [Simulator.WhoCan].
type WhoCanQuery struct {
	// Bucket is the bucket asked about.
	Bucket string
	// Key is the object asked about. Empty asks about every key: object
	// actions are decided for each key pattern the world's policies name
	// for the bucket, for every object of the bucket with an ACL, tags
	// or an owner of its own, and for a key that no policy names.
	Key string
	// Actions are the S3 actions asked about, or patterns of them such
	// as "s3:Delete*"; every S3 action on buckets and objects when empty.
	Actions []string
	// VPCEndpoint decides requests as coming through this VPC endpoint
	// of the world; empty for requests from the internet.
	VPCEndpoint string
	// SourceIP is the address requests come from; 203.0.113.10 (an
	// address of the internet that stands for none of the caller's) when
	// empty.
	SourceIP string
	// Context adds condition keys to every request, such as
	// {"aws:MultiFactorAuthPresent": {"true"}}.
	Context map[string][]string
}

// whoAction is an S3 action WhoCan asks about.
type whoAction struct {
	name   string // s3:GetObject
	level  Level
	object bool // on objects, not the bucket
}

// s3Actions are the S3 actions on buckets and objects, from the catalog.
var s3Actions = sync.OnceValue(func() []whoAction {
	var out []whoAction
	for _, a := range catalog.Actions("s3") {
		var bucket, object bool
		for _, r := range a.Resources {
			bucket = bucket || r.Type == "bucket"
			object = object || r.Type == "object"
		}
		if !bucket && !object {
			continue
		}
		out = append(out, whoAction{name: a.String(), level: levelOf(a, object), object: object})
	}
	return out
})

func levelOf(a catalog.Action, object bool) Level {
	switch {
	case a.Access == catalog.List || a.Access == catalog.Read:
		return LevelRead
	case a.Access == catalog.PermissionsManagement:
		return LevelPermissions
	case a.Name == "DeleteObject" || a.Name == "DeleteObjectVersion" || a.Name == "DeleteBucket":
		return LevelDelete
	case object:
		return LevelWrite
	}
	return LevelConfiguration
}

// whoPrincipal is a principal WhoCan decides for.
type whoPrincipal struct {
	arn, kind string // as reported
	c         *caller
	// policies are the identity policies whose Allow statements may
	// reach the bucket; all is set when the principal needs none (a root
	// of the bucket's account, an outside principal).
	all bool
}

// errWhoCan is wrapped by WhoCan's errors.
var errWhoCan = errors.New("simulate: who-can")

// WhoCan answers who may do each S3 action on q.Bucket (and its objects),
// as the simulator would decide each request: every user and role of the
// world, every account root, each principal of an account outside the
// world that a resource-based policy of the bucket names (as "any
// principal of that account", whose own policies are taken to allow it),
// "*" for any principal of any outside account, and anonymous. The
// requests are the plainest the action allows: over HTTPS, signed with
// SigV4 in the Authorization header, at the simulator's clock, from
// q.SourceIP, with no MFA and no optional header; q.Context adds keys.
// A statement whose conditions such a request does not meet neither
// allows nor denies.
//
// The answer lists only what is allowed, sorted by level, action,
// resource and principal. It is exact for the requests described, as
// Authorize is. To answer an account of thousands of roles in seconds it
// decides only what can differ: a principal no Allow statement of its own
// or of the bucket's side may reach is not decided, nor an action none of
// its Allow statements names (unless the bucket's side names it), nor a
// key class its policies do not tell apart from the other keys; and
// principals of one kind, account, tags and policies (by content) are
// decided once, unless a policy names one of them or reads a key such as
// aws:username or aws:PrincipalArn. A test compares this with deciding
// everything.
func (s *Simulator) WhoCan(q WhoCanQuery) ([]Access, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m.whoCan(q, s.now(), true)
}

// whoCan is WhoCan. fast says to skip what cannot be allowed (mayReach,
// the actions and key classes a principal cannot be granted or tell
// apart) and to decide once for each group of principals that every
// request decides alike (groupPrincipals); without it every principal is
// decided for every action and key class, which the tests compare with.
func (m *model) whoCan(q WhoCanQuery, now time.Time, fast bool) ([]Access, error) {
	b := m.buckets[q.Bucket]
	if b == nil {
		return nil, fmt.Errorf("%w: bucket %q: %w", errWhoCan, q.Bucket, ErrNoSuchBucket)
	}
	actions, err := selectActions(q.Actions)
	if err != nil {
		return nil, err
	}
	var rt route
	conn := s3op.Conn{SourceIP: cmp.Or(q.SourceIP, "203.0.113.10"), TLSVersion: "1.3", Time: now,
		AuthType: "REST-HEADER", SignatureVersion: "AWS4-HMAC-SHA256"}
	if q.VPCEndpoint != "" {
		em := m.endpoints[q.VPCEndpoint]
		if em == nil {
			return nil, fmt.Errorf("%w: %w: %s", errWhoCan, errNoSuchEndpoint, q.VPCEndpoint)
		}
		rt.vpce = em
		conn.VPCEndpoint = &s3op.VPCEndpoint{ID: em.id, VPC: em.vpc, Account: em.account}
	}
	needs, err := s3op.Needs(&s3op.Request{Operation: "HeadBucket", Bucket: b.name, Conn: conn})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errWhoCan, err)
	}
	base := needs[0].Context
	for k, v := range q.Context {
		base[k] = v
	}
	keys := m.keyClasses(b, q.Key)
	reach := m.resourceReach(b)
	principals := m.whoPrincipals(reach)
	if q.VPCEndpoint != "" || len(q.Context) > 0 {
		// The caller's keys could meet any condition: decide for all.
		reach.anyone = true
	}
	if fast {
		touch := map[*policy.Policy]bool{}
		candidates := principals[:0]
		for _, p := range principals {
			if m.mayReach(p, b, reach, touch) {
				candidates = append(candidates, p)
			}
		}
		principals = candidates
	}

	groups := singles(principals)
	if fast {
		groups = m.groupPrincipals(b, principals)
	}
	var (
		mu   sync.Mutex
		out  []Access
		errs []error
		wg   sync.WaitGroup
	)
	work := make(chan []*whoPrincipal)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var local []Access
			for g := range work {
				got, err := m.principalAccess(g[0], b, actions, keys, base, rt, reach, fast)
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				for _, f := range got {
					local = append(local, f.Access)
				}
				for _, p := range g[1:] {
					tr := translation(g[0], p)
					for _, f := range got {
						a := f.Access
						a.Principal, a.Kind, a.Via = p.arn, p.kind, via(tr.decision(f.d), a.Action)
						local = append(local, a)
					}
				}
			}
			mu.Lock()
			out = append(out, local...)
			mu.Unlock()
		})
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", errWhoCan, errors.Join(errs...))
	}
	sortAccess(out)
	return out, nil
}

// sortAccess sorts by level, action, resource and principal.
func sortAccess(as []Access) {
	slices.SortFunc(as, func(a, b Access) int {
		return cmp.Or(cmp.Compare(a.Level.rank(), b.Level.rank()), strings.Compare(a.Action, b.Action),
			strings.Compare(a.Resource, b.Resource), strings.Compare(a.Principal, b.Principal),
			slices.Compare(a.Except, b.Except))
	})
}

// selectActions returns the S3 actions that patterns name, all if none.
func selectActions(patterns []string) ([]whoAction, error) {
	all := s3Actions()
	if len(patterns) == 0 {
		return all, nil
	}
	var out []whoAction
	for _, p := range patterns {
		n := 0
		for _, a := range all {
			if catalog.Match(p, a.name) {
				n++
				if !slices.ContainsFunc(out, func(o whoAction) bool { return o.name == a.name }) {
					out = append(out, a)
				}
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: action %q names no S3 action on buckets or objects", errWhoCan, p)
		}
	}
	return out, nil
}

// A keyClass is a set of keys that the world's policies treat alike, and
// the key that stands for it.
type keyClass struct {
	pattern string // the key pattern, as a policy names it ("reports/*"), or the key itself
	key     string // a key of the class
	obj     *objectVersion
	other   bool // the keys no policy names
	// shared marks a class that a policy or object of the bucket's side
	// names (the bucket policy, an SCP, an RCP, an endpoint policy, an
	// object of its own): every principal decides it; the others only the
	// principals whose policies name it.
	shared bool
}

// otherKey stands for the keys that no policy names.
const otherKey = "s3vet-who-can/any other key"

// keyClasses returns the keys to decide object actions on: the one asked
// about, or one for each key pattern the world's policies name for the
// bucket, each object with state of its own, and one for the other keys.
func (m *model) keyClasses(b *bucketModel, key string) []keyClass {
	if key != "" {
		return []keyClass{{pattern: key, key: key, obj: m.currentObject(b, key)}}
	}
	seen := map[string]int{} // pattern -> index in out
	var out []keyClass
	add := func(p *policy.Policy, shared bool) {
		if p == nil {
			return
		}
		for _, r := range m.objectResources(p) {
			if r.literal && r.bucket != b.name {
				continue
			}
			pat, ok := keyPattern(r.arn, b.name)
			if !ok || pat == "*" || strings.Contains(pat, "${") {
				continue
			}
			if j, dup := seen[pat]; dup {
				out[j].shared = out[j].shared || shared
				continue
			}
			seen[pat] = len(out)
			k := strings.NewReplacer("*", "", "?", "x").Replace(pat)
			out = append(out, keyClass{pattern: pat, key: k, obj: m.currentObject(b, k), shared: shared})
		}
	}
	m.eachPolicy(b, add)
	for k, vs := range b.objects {
		if len(vs) == 0 || vs[0].deleteMarker {
			continue
		}
		v := vs[0]
		if v.owner != b.owner || len(v.tags) > 0 || len(v.acl) > 1 {
			if j, dup := seen[k]; dup {
				out[j].shared = true
				continue
			}
			seen[k] = len(out)
			out = append(out, keyClass{pattern: k, key: k, obj: v, shared: true})
		}
	}
	slices.SortFunc(out, func(a, b keyClass) int { return strings.Compare(a.pattern, b.pattern) })
	return append(out, keyClass{pattern: "*", key: otherKey, other: true, shared: true})
}

// objectResource is a resource of a policy that names objects.
type objectResource struct {
	arn     string
	bucket  string // its bucket part
	literal bool   // the bucket part has no wildcard
}

// objectResources returns the resources of p's statements that may name
// objects, cached as policies do not change.
func (m *model) objectResources(p *policy.Policy) []objectResource {
	if v, ok := m.whoKeys.Load(p); ok {
		return v.([]objectResource)
	}
	var out []objectResource
	for i := range p.Statements {
		for _, r := range p.Statements[i].Resource {
			rest, ok := strings.CutPrefix(r, "arn:aws:s3:::")
			if !ok {
				continue
			}
			bp, _, ok := strings.Cut(rest, "/")
			if !ok {
				continue
			}
			out = append(out, objectResource{arn: r, bucket: bp, literal: !strings.ContainsAny(bp, "*?$")})
		}
	}
	v, _ := m.whoKeys.LoadOrStore(p, out)
	return v.([]objectResource)
}

// currentObject returns the current version of key, nil if there is none.
func (m *model) currentObject(b *bucketModel, key string) *objectVersion {
	if v := b.version(key, ""); v != nil && !v.deleteMarker {
		return v
	}
	return nil
}

// eachPolicy calls f with every policy of the world that may name the
// bucket's objects, and whether it applies to every principal.
func (m *model) eachPolicy(b *bucketModel, f func(p *policy.Policy, shared bool)) {
	f(b.policy, true)
	for _, id := range m.users {
		for _, p := range id.policies {
			f(p, false)
		}
		f(id.boundary, false)
	}
	for _, r := range m.roles {
		for _, p := range r.policies {
			f(p, false)
		}
		f(r.boundary, false)
	}
	for _, level := range m.scps {
		for _, p := range level {
			f(p, true)
		}
	}
	for _, level := range m.rcps {
		for _, p := range level {
			f(p, true)
		}
	}
	for _, e := range m.endpoints {
		f(e.policy, true)
	}
}

// keyPattern returns the key part of an S3 object ARN pattern r whose
// bucket part may be bucket, and whether it has one.
func keyPattern(r, bucket string) (string, bool) {
	rest, ok := strings.CutPrefix(r, "arn:aws:s3:::")
	if !ok {
		return "", false
	}
	bp, kp, ok := strings.Cut(rest, "/")
	if !ok || !globMatch(bp, bucket) {
		return "", false
	}
	return kp, true
}

// globMatch matches s against a pattern of * and ?, case-sensitively.
func globMatch(p, s string) bool {
	px, sx, nextP, nextS := 0, 0, -1, 0
	for px < len(p) || sx < len(s) {
		if px < len(p) {
			switch c := p[px]; c {
			case '*':
				nextP, nextS = px, sx+1
				px++
				continue
			case '?':
				if sx < len(s) {
					px++
					sx++
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if nextP >= 0 && nextS <= len(s) {
			px, sx = nextP, nextS
			continue
		}
		return false
	}
	return true
}

// reach is who the resource side of a bucket may grant: the Allow
// statements of its policy, its access points' policies and its ACLs.
type reach struct {
	anyone   bool            // a statement or grant names "*", or uses NotPrincipal
	accounts map[string]bool // the accounts of the principals named, in any form
	names    map[string]bool // ACCOUNT/NAME of the users and roles named by ARN
	aws      map[string]bool // the AWS principals named, as written
}

// resourceReach returns who the bucket's resource side may grant.
func (m *model) resourceReach(b *bucketModel) reach {
	r := reach{accounts: map[string]bool{}, names: map[string]bool{}, aws: map[string]bool{}}
	named := func(p *policy.Policy) {
		if p == nil {
			return
		}
		for i := range p.Statements {
			st := &p.Statements[i]
			if st.Effect != policy.Allow || st.Principal == nil {
				continue
			}
			ps := st.Principal
			if ps.Any || ps.Not || len(ps.Federated) > 0 {
				r.anyone = true
			}
			for _, a := range ps.AWS {
				if a != "*" {
					r.aws[a] = true
				}
				switch {
				case a == "*":
					r.anyone = true
				case strings.HasPrefix(a, "arn:"):
					parts := strings.SplitN(a, ":", 6)
					if len(parts) != 6 {
						r.anyone = true // undecided: decide for all
						continue
					}
					r.accounts[parts[4]] = true
					if res := parts[5]; res != "root" {
						name := res[strings.LastIndexByte(res, '/')+1:]
						if _, rest, ok := strings.Cut(res, "assumed-role/"); ok {
							name, _, _ = strings.Cut(rest, "/")
						}
						r.names[parts[4]+"/"+name] = true
					}
				default:
					r.accounts[a] = true
				}
			}
			for _, c := range ps.CanonicalUser {
				if a, ok := m.canonical[c]; ok {
					r.accounts[a] = true
				} else {
					r.anyone = true
				}
			}
		}
	}
	named(b.policy)
	for _, ap := range m.accessPoints {
		if ap.bucket == b.name {
			named(ap.policy)
		}
	}
	if b.ownership != access.BucketOwnerEnforced {
		// With ACLs disabled, no ACL grants anything.
		acls := [][]access.Grant{b.acl}
		for _, vs := range b.objects {
			if len(vs) > 0 && len(vs[0].acl) > 0 {
				acls = append(acls, vs[0].acl)
			}
		}
		for _, acl := range acls {
			if p, err := access.ACLPolicy(b.name, acl, false, b.owner); err == nil {
				named(p)
			} else {
				r.anyone = true // undecided: decide for all
			}
		}
	}
	return r
}

// namedByName reports whether the bucket's side names p's user or role.
func (r reach) namedByName(p *whoPrincipal) bool {
	return r.names[p.c.principal.Account+"/"+p.c.principal.Name]
}

// mayReach reports whether p may be allowed anything on b. The bucket's
// side alone can allow the owner's root, anyone it names with "*", and
// the users and roles it names by ARN; an account named by its ID or root
// delegates to that account's identity policies ("IAM JSON policy
// elements: Principal", AWS account principals), which must then allow,
// as they must across accounts. So a user or role is decided only when
// an identity policy of it may reach the bucket, unless the bucket's side
// names it or everyone. touch caches the answer for each policy.
func (m *model) mayReach(p *whoPrincipal, b *bucketModel, r reach, touch map[*policy.Policy]bool) bool {
	acct := p.c.principal.Account
	switch {
	case p.all || r.anyone:
		return true
	case p.kind == KindRoot:
		return acct == b.owner || r.accounts[acct]
	case p.kind == KindAnonymous:
		return false
	case r.namedByName(p):
		return true
	case acct != b.owner && !r.accounts[acct]:
		// Across accounts the bucket's side must grant too, and it names
		// no one of this account.
		return false
	}
	for _, pol := range p.c.policies {
		t, ok := touch[pol]
		if !ok {
			t = m.policyTouches(pol, b.name)
			touch[pol] = t
		}
		if t {
			return true
		}
	}
	return false
}

// policyTouches reports whether an Allow statement of p may apply to the
// bucket or an object of it: its Resource may match the bucket's ARN or
// begin the ARN of an object of it, or it has NotResource. A policy
// variable may stand for anything.
func (m *model) policyTouches(p *policy.Policy, bucket string) bool {
	v, ok := m.whoTouch.Load(p)
	if !ok {
		v, _ = m.whoTouch.LoadOrStore(p, touchOf(p))
	}
	t := v.(*touchInfo)
	if t.any || slices.Contains(t.buckets, bucket) {
		return true
	}
	arn := "arn:aws:s3:::" + bucket
	for _, r := range t.patterns {
		if globMatch(r, arn) || globMayPrefix(r, arn+"/") {
			return true
		}
	}
	return false
}

// touchInfo is where a policy's Allow statements of S3 actions may reach.
type touchInfo struct {
	any      bool     // anywhere: NotResource
	buckets  []string // the buckets a resource names without a wildcard in its bucket part
	patterns []string // the other resources, variables as *
}

func touchOf(p *policy.Policy) *touchInfo {
	t := &touchInfo{}
	for i := range p.Statements {
		st := &p.Statements[i]
		if st.Effect != policy.Allow || !mayBeS3(st) {
			continue
		}
		if st.NotResource {
			t.any = true
			return t
		}
		for _, r := range st.Resource {
			if strings.Contains(r, "${") {
				r = variables.ReplaceAllString(r, "*")
			}
			if rest, ok := strings.CutPrefix(r, "arn:aws:s3:::"); ok {
				name, _, _ := strings.Cut(rest, "/")
				if !strings.ContainsAny(name, "*?") {
					t.buckets = append(t.buckets, name)
					continue
				}
			}
			t.patterns = append(t.patterns, r)
		}
	}
	return t
}

// mayBeS3 reports whether the statement's actions may include an S3 one.
func mayBeS3(st *policy.Statement) bool {
	if st.NotAction {
		return true
	}
	for _, a := range st.Action {
		if globMayPrefix(strings.ToLower(a), "s3:") {
			return true
		}
	}
	return false
}

// variables matches a policy variable.
var variables = regexp.MustCompile(`\$\{[^}]*\}`)

// globMayPrefix reports whether pattern p (of * and ?) matches some string
// that begins with prefix.
func globMayPrefix(p, prefix string) bool {
	// The states are the positions in p that the prefix read so far may
	// have led to.
	states := []int{0}
	closure := func(ss []int) []int {
		var out []int
		for _, s := range ss {
			for ; ; s++ {
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
				if s >= len(p) || p[s] != '*' {
					break
				}
			}
		}
		return out
	}
	states = closure(states)
	for i := 0; i < len(prefix) && len(states) > 0; i++ {
		var next []int
		for _, s := range states {
			if s >= len(p) {
				continue
			}
			switch p[s] {
			case '*':
				next = append(next, s)
			case '?':
				next = append(next, s+1)
			default:
				if p[s] == prefix[i] {
					next = append(next, s+1)
				}
			}
		}
		states = closure(next)
	}
	return len(states) > 0
}

// whoPrincipals returns the principals to decide for.
func (m *model) whoPrincipals(r reach) []*whoPrincipal {
	m.whoWorld.once.Do(func() { m.whoWorld.ps = m.worldPrincipals() })
	out := slices.Clone(m.whoWorld.ps)
	return m.outsidePrincipals(r, out)
}

// worldPrincipals returns the roots, users and roles of the world, and
// anonymous; the world's identities do not change once compiled.
func (m *model) worldPrincipals() []*whoPrincipal {
	var out []*whoPrincipal
	for _, a := range slices.Sorted(maps.Keys(m.accounts)) {
		p, _ := policy.ParsePrincipal(m.accounts[a].root.arn)
		out = append(out, &whoPrincipal{arn: m.accounts[a].root.arn, kind: KindRoot, c: &caller{principal: p}})
	}
	for _, arn := range slices.Sorted(maps.Keys(m.users)) {
		id := m.users[arn]
		out = append(out, &whoPrincipal{arn: arn, kind: KindUser,
			c: &caller{principal: id.principal, policies: id.policies, boundary: id.boundary, tags: id.tags}})
	}
	for _, k := range slices.Sorted(maps.Keys(m.roles)) {
		r := m.roles[k]
		p, err := policy.ParsePrincipal("arn:aws:sts::" + r.account + ":assumed-role/" + r.name + "/who-can")
		if err != nil {
			continue
		}
		out = append(out, &whoPrincipal{arn: r.arn, kind: KindRole,
			c: &caller{principal: p, policies: r.policies, boundary: r.boundary, tags: r.tags}})
	}
	anon, _ := policy.ParsePrincipal("anonymous")
	return append(out, &whoPrincipal{arn: "anonymous", kind: KindAnonymous, c: &caller{principal: anon}})
}

// outsidePrincipals appends to out the principals outside the world that
// the bucket's side may grant.
func (m *model) outsidePrincipals(r reach, out []*whoPrincipal) []*whoPrincipal {
	// Outside the world: the accounts and principals that the bucket's
	// resource side names, and anyone's account for "*".
	outside := map[string]bool{}
	for a := range r.aws {
		acct := a
		if strings.HasPrefix(a, "arn:") {
			if parts := strings.SplitN(a, ":", 6); len(parts) == 6 {
				acct = parts[4]
			}
		}
		if m.accounts[acct] == nil && policy.IsAccountID(acct) {
			outside[a] = true
		}
	}
	for _, a := range slices.Sorted(maps.Keys(outside)) {
		arn, kind := a, KindPrincipal
		if policy.IsAccountID(a) || strings.HasSuffix(a, ":root") {
			arn, kind = "arn:aws:iam::"+strings.TrimSuffix(strings.TrimPrefix(a, "arn:aws:iam::"), ":root")+":root", KindAccount
		}
		if p := m.outsidePrincipal(arn); p != nil {
			p.arn, p.kind = arn, kind
			out = append(out, p)
		}
	}
	if r.anyone {
		if acct := m.unusedAccount(); acct != "" {
			if p := m.outsidePrincipal("arn:aws:sts::" + acct + ":assumed-role/any/who-can"); p != nil {
				p.arn, p.kind = "*", KindAnyone
				out = append(out, p)
			}
		}
	}
	return dedupePrincipals(out)
}

// allowAll is the identity policy taken for a principal outside the world,
// whose own policies are not known: its account allows it everything.
var allowAll = policy.MustParse("the principal's own account allows it (outside the world)", policy.IdentityBased,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// outsidePrincipal is a caller outside the world as arn names it: a root
// stands for any principal of its account, and is decided as a role
// session with its account's allowance; a role for its sessions.
func (m *model) outsidePrincipal(arn string) *whoPrincipal {
	p, err := policy.ParsePrincipal(arn)
	if err != nil {
		return nil
	}
	switch p.Kind {
	case policy.Root:
		if p, err = policy.ParsePrincipal("arn:aws:sts::" + p.Account + ":assumed-role/any/who-can"); err != nil {
			return nil
		}
	case policy.User, policy.AssumedRole:
	default:
		return nil
	}
	if strings.HasPrefix(arn, "arn:aws:iam::") && strings.Contains(arn, ":role/") {
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		if p, err = policy.ParsePrincipal("arn:aws:sts::" + p.Account + ":assumed-role/" + name + "/who-can"); err != nil {
			return nil
		}
	}
	return &whoPrincipal{c: &caller{principal: p, policies: []*policy.Policy{allowAll}}, all: true}
}

// unusedAccount returns an account ID that no account of the world has,
// for "any outside account".
func (m *model) unusedAccount() string {
	for _, id := range []string{"999999999999", "999999999998", "999999999997"} {
		if m.accounts[id] == nil && !m.org[id] {
			return id
		}
	}
	return ""
}

func dedupePrincipals(ps []*whoPrincipal) []*whoPrincipal {
	seen := map[string]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p.arn] {
			seen[p.arn] = true
			out = append(out, p)
		}
	}
	return out
}

// principalAccess decides every action for one principal: the actions
// its Allow statements may grant (all when the bucket's side may grant it
// or it needs no statement), on the key classes it may tell apart from
// the other keys (the shared ones and those its own policies name); on
// the rest its answer is that for the other keys.
func (m *model) principalAccess(p *whoPrincipal, b *bucketModel, actions []whoAction, keys []keyClass, base map[string][]string, rt route, r reach, fast bool) ([]found, error) {
	bucketARN := "arn:aws:s3:::" + b.name
	own := p.c.policies
	if p.c.boundary != nil {
		own = append(slices.Clip(own), p.c.boundary)
	}
	everyAction := !fast || p.all || p.kind == KindRoot || p.kind == KindAnonymous || r.anyone || r.namedByName(p)
	relevant := make([]bool, len(keys))
	for i, k := range keys {
		relevant[i] = !fast || k.shared || len(keys) == 1 || namesKey(own, b.name, k.key)
	}
	ctx := m.callerContext(p.c, base)
	var out []found
	for _, a := range actions {
		if !everyAction && !mayAllowAction(p.c.policies, a.name) {
			continue
		}
		need := s3op.Need{Action: a.name, Context: base}
		if !a.object {
			need.Resource = bucketARN
			d, err := m.decideIn(ctx, p.c, need, b, nil, writes{}, rt)
			if err != nil {
				return nil, err
			}
			if d.Allowed {
				out = append(out, found{Access{Principal: p.arn, Kind: p.kind, Action: a.name, Level: a.level, Resource: bucketARN, Via: via(d, a.name)}, d})
			}
			continue
		}
		allowed := make([]bool, len(keys))
		decs := make([]Decision, len(keys))
		// The other keys (last) first: a class the principal cannot tell
		// apart from them has their answer.
		for i := len(keys) - 1; i >= 0; i-- {
			if !relevant[i] {
				allowed[i], decs[i] = allowed[len(keys)-1], decs[len(keys)-1]
				continue
			}
			need.Resource = bucketARN + "/" + keys[i].key
			d, err := m.decideIn(ctx, p.c, need, b, keys[i].obj, writes{}, rt)
			if err != nil {
				return nil, err
			}
			allowed[i], decs[i] = d.Allowed, d
		}
		out = append(out, objectAccess(p, a, bucketARN, keys, allowed, decs)...)
	}
	return out, nil
}

// namesKey reports whether a statement of ps names key of bucket with a
// pattern that the other keys do not match, or with a policy variable.
func namesKey(ps []*policy.Policy, bucket, key string) bool {
	for _, p := range ps {
		for i := range p.Statements {
			for _, r := range p.Statements[i].Resource {
				pat, ok := keyPattern(r, bucket)
				if !ok {
					continue
				}
				if strings.Contains(pat, "${") || globMatch(pat, key) && !globMatch(pat, otherKey) {
					return true
				}
			}
		}
	}
	return false
}

// mayAllowAction reports whether an Allow statement of ps names action.
func mayAllowAction(ps []*policy.Policy, action string) bool {
	for _, p := range ps {
		for i := range p.Statements {
			if st := &p.Statements[i]; st.Effect == policy.Allow && st.MatchesAction(action) {
				return true
			}
		}
	}
	return false
}

// found is an access and the decision that allowed it.
type found struct {
	Access
	d Decision
}

// objectAccess turns the decisions on each key class into accesses: one on
// every key, less the classes denied, when the other keys are allowed;
// else one for each class allowed, less the classes inside it denied.
func objectAccess(p *whoPrincipal, a whoAction, bucketARN string, keys []keyClass, allowed []bool, decs []Decision) []found {
	denied := func(within string) []string {
		var ex []string
		for i, k := range keys {
			if !allowed[i] && !k.other && (within == "*" || globMatch(within, k.key)) {
				ex = append(ex, k.pattern)
			}
		}
		return ex
	}
	last := len(keys) - 1
	if keys[last].other || len(keys) == 1 {
		if allowed[last] {
			res := bucketARN + "/" + keys[last].pattern
			ex := denied(keys[last].pattern)
			if len(keys) == 1 {
				ex = nil
			}
			return []found{{Access{Principal: p.arn, Kind: p.kind, Action: a.name, Level: a.level, Resource: res, Except: ex, Via: via(decs[last], a.name)}, decs[last]}}
		}
	}
	var out []found
	for i, k := range keys {
		if !allowed[i] || k.other {
			continue
		}
		var ex []string
		for _, e := range denied(k.pattern) {
			if e != k.pattern {
				ex = append(ex, e)
			}
		}
		out = append(out, found{Access{Principal: p.arn, Kind: p.kind, Action: a.name, Level: a.level, Resource: bucketARN + "/" + k.pattern, Except: ex, Via: via(decs[i], a.name)}, decs[i]})
	}
	return out
}

// via describes what allowed d: the statements that granted it, the
// deciding one first (for a request across accounts, both sides'), and
// not those of the policies that can only limit, which allowed too.
func via(d Decision, action string) string {
	if !d.Allowed {
		return ""
	}
	out := strings.TrimPrefix(d.Decision.Reason(action), "allowed by ")
	if out == "allowed" {
		// No statement: the root user of the account, which no policy
		// of its own account limits.
		out = "the root user's own permissions in its account"
	}
	for _, m := range d.Decision.Matches {
		if m.Effect != policy.Allow || m.Policy == d.Decision.Policy && m.Statement == d.Decision.Statement {
			continue
		}
		if t := m.Type; t != policy.IdentityBased && t != policy.ResourceBased && t != policy.AccessControlList {
			// The policies that only limit (SCPs, RCPs, boundaries,
			// sessions, endpoints) allowed too, as they must: not news.
			continue
		}
		if s := strings.TrimPrefix(m.String(), "Allow by "); !strings.Contains(out, s) {
			out += "; " + s
		}
	}
	return out
}

// DiffAccess returns the accesses of after that before lacks (gained) and
// those of before that after lacks (lost), compared by their String: the
// principal, action, resource and keys excepted, not the statement that
// grants them.
func DiffAccess(before, after []Access) (gained, lost []Access) {
	in := func(as []Access) map[string]bool {
		m := make(map[string]bool, len(as))
		for _, a := range as {
			m[a.String()] = true
		}
		return m
	}
	had, has := in(before), in(after)
	for _, a := range after {
		if !had[a.String()] {
			gained = append(gained, a)
		}
	}
	for _, a := range before {
		if !has[a.String()] {
			lost = append(lost, a)
		}
	}
	return gained, lost
}

// identityKeys are the condition keys and policy variables (lower case)
// whose value differs between principals of the same kind, account, tags
// and policies.
var identityKeys = []string{"aws:username", "aws:userid", "aws:principalarn", "aws:sourceidentity",
	"aws:rolesessionname", "aws:federatedprovider", "aws:principalservicename", "aws:sourcearn", "aws:principalisawsservice"}

// fingerprint is a policy's statements as text, which two policies share
// only if they grant and deny alike; cached, as policies do not change.
func (m *model) fingerprint(p *policy.Policy) string {
	if p == nil {
		return ""
	}
	if v, ok := m.whoPrints.Load(p); ok {
		return v.(string)
	}
	data, err := json.Marshal(struct {
		T policy.Type
		S []policy.Statement
	}{p.Type, p.Statements})
	fp := string(data)
	if err != nil {
		fp = fmt.Sprintf("%p", p) // its own: never shared
	}
	m.whoPrints.Store(p, fp)
	return fp
}

// mentionsIdentity reports whether a policy reads a key that tells
// principals apart beyond their kind, account, tags and policies.
func (m *model) mentionsIdentity(p *policy.Policy) bool {
	fp := strings.ToLower(m.fingerprint(p))
	for _, k := range identityKeys {
		if strings.Contains(fp, k) {
			return true
		}
	}
	return false
}

// groupPrincipals groups the principals that every request decides alike:
// users or roles of one account with the same tags, the same policies
// (by content, in order) and boundary, that no policy of the bucket's side
// names by ARN, when no policy reads a key that would tell them apart
// (aws:username, aws:PrincipalArn, ...). The first of each group stands
// for it: WhoCan decides for it alone, and gives the others its answers,
// each through its own statements.
func (m *model) groupPrincipals(b *bucketModel, ps []*whoPrincipal) [][]*whoPrincipal {
	shared := []*policy.Policy{b.policy}
	for _, ap := range m.accessPoints {
		if ap.bucket == b.name {
			shared = append(shared, ap.policy)
		}
	}
	for _, level := range m.scps {
		shared = append(shared, level...)
	}
	for _, level := range m.rcps {
		shared = append(shared, level...)
	}
	for _, e := range m.endpoints {
		shared = append(shared, e.policy)
	}
	named := map[string]bool{}
	for _, p := range shared {
		if p == nil {
			continue
		}
		if m.mentionsIdentity(p) {
			return singles(ps)
		}
		for i := range p.Statements {
			if pr := p.Statements[i].Principal; pr != nil {
				for _, a := range pr.AWS {
					if _, res, ok := strings.Cut(a, ":assumed-role/"); ok {
						named[strings.Split(res, "/")[0]] = true
					} else if j := strings.LastIndexByte(a, '/'); j >= 0 {
						named[a[j+1:]] = true
					}
				}
			}
		}
	}
	var out [][]*whoPrincipal
	index := map[string]int{}
	var key strings.Builder
	for _, p := range ps {
		if (p.kind != KindUser && p.kind != KindRole) || named[p.c.principal.Name] {
			out = append(out, []*whoPrincipal{p})
			continue
		}
		key.Reset()
		key.WriteString(p.kind + "\x00" + p.c.principal.Account + "\x00")
		for _, k := range slices.Sorted(maps.Keys(p.c.tags)) {
			key.WriteString(k + "=" + p.c.tags[k] + "\x00")
		}
		alone := false
		for _, pol := range append(slices.Clip(p.c.policies), p.c.boundary) {
			if pol != nil && m.mentionsIdentity(pol) {
				alone = true
				break
			}
			key.WriteString(m.fingerprint(pol) + "\x00")
		}
		if alone {
			out = append(out, []*whoPrincipal{p})
			continue
		}
		if i, ok := index[key.String()]; ok {
			out[i] = append(out[i], p)
			continue
		}
		index[key.String()] = len(out)
		out = append(out, []*whoPrincipal{p})
	}
	return out
}

func singles(ps []*whoPrincipal) [][]*whoPrincipal {
	out := make([][]*whoPrincipal, len(ps))
	for i, p := range ps {
		out[i] = []*whoPrincipal{p}
	}
	return out
}

// policyMap maps the policies of one principal to those of another of its
// group, position by position.
type policyMap map[*policy.Policy]*policy.Policy

func translation(from, to *whoPrincipal) policyMap {
	tr := policyMap{}
	for i, p := range from.c.policies {
		tr[p] = to.c.policies[i]
	}
	if from.c.boundary != nil {
		tr[from.c.boundary] = to.c.boundary
	}
	return tr
}

// decision is d with its policies the other principal's.
func (tr policyMap) decision(d Decision) Decision {
	if p, ok := tr[d.Decision.Policy]; ok {
		d.Decision.Policy = p
	}
	ms := slices.Clone(d.Decision.Matches)
	for i := range ms {
		if p, ok := tr[ms[i].Policy]; ok {
			ms[i].Policy = p
		}
	}
	d.Decision.Matches = ms
	return d
}
