package policy

import (
	"fmt"
	"strings"
	"unsafe"
)

// A Context holds the condition keys of a request and their values. Key
// names are case-insensitive, as in AWS. The zero Context is empty and
// ready to use; a Context must not be changed while a request that holds it
// is being evaluated.
type Context struct {
	m map[string][]string
}

// NewContext returns a Context holding the given keys and values, copied.
// Keys without values are left out, as Set leaves them.
func NewContext(kv map[string][]string) Context {
	n := 0
	for _, v := range kv {
		n += len(v)
	}
	if n == 0 {
		return Context{}
	}
	// One array holds every value; each key's slice is capped at its own
	// values, so that Set on one key never writes into another's.
	all := make([]string, 0, n)
	c := Context{m: make(map[string][]string, len(kv))}
	for k, v := range kv {
		if len(v) == 0 {
			continue
		}
		i := len(all)
		all = append(all, v...)
		c.m[lowerKey(k)] = all[i:len(all):len(all)]
	}
	return c
}

// Set sets key to values, replacing what it held. Set with no values
// removes the key: AWS has no present-but-empty key.
func (c *Context) Set(key string, values ...string) {
	key = lowerKey(key)
	if len(values) == 0 {
		delete(c.m, key)
		return
	}
	if c.m == nil {
		c.m = make(map[string][]string)
	}
	c.m[key] = append([]string(nil), values...)
}

// Clone returns a copy of c, which Set on one does not change in the
// other.
func (c Context) Clone() Context {
	if len(c.m) == 0 {
		return Context{}
	}
	out := Context{m: make(map[string][]string, len(c.m))}
	for k, v := range c.m {
		out.m[k] = v[:len(v):len(v)] // Set replaces, never appends to, a slice
	}
	return out
}

// Get returns the values of key, or nil.
func (c Context) Get(key string) []string {
	return c.m[strings.ToLower(key)]
}

// lowerKeys maps the keys a request most often carries to their lower
// case, which strings.ToLower would allocate at every request.
var lowerKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
		"aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount", "aws:PrincipalArn",
		"aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalServiceName",
		"aws:PrincipalType", "aws:Referer", "aws:RequestedRegion", "aws:ResourceAccount", "aws:ResourceOrgID",
		"aws:ResourceOrgPaths", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "aws:SourceIp",
		"aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc", "aws:SourceVpce", "aws:TokenIssueTime",
		"aws:UserAgent", "aws:ViaAWSService", "aws:VpcSourceIp",
		"s3:AccessGrantsInstanceArn", "s3:AccessPointNetworkOrigin", "s3:DataAccessPointAccount",
		"s3:DataAccessPointArn", "s3:ResourceAccount", "s3:TlsVersion", "s3:authType", "s3:signatureAge",
	} {
		m[k] = strings.ToLower(k)
	}
	return m
}()

// lowerKey returns strings.ToLower(k), without allocating for the keys of
// lowerKeys.
func lowerKey(k string) string {
	if l, ok := lowerKeys[k]; ok {
		return l
	}
	return strings.ToLower(k)
}

// Len returns the number of keys.
func (c Context) Len() int { return len(c.m) }

// A Request is one authorization question: who asks to do what on which
// resource, with which condition keys.
type Request struct {
	Principal Principal
	Action    string // "s3:GetObject"; case-insensitive
	Resource  string // "arn:aws:s3:::bucket/key"
	// ResourceAccount is the account that owns the resource. A request is
	// cross-account when it differs from the principal's account.
	ResourceAccount string
	Context         Context

	// lower is Action lower-cased, computed by NewRequest from lowerOf;
	// used while Action still equals lowerOf.
	lower, lowerOf string
}

// action returns the action to match and whether it is lower-case.
func (r *Request) action() (string, bool) {
	if r.lower != "" && r.lowerOf == r.Action {
		return r.lower, true
	}
	return r.Action, false
}

// NewRequest parses principal and returns a Request for it.
func NewRequest(principal, action, resource, resourceAccount string, ctx Context) (*Request, error) {
	p, err := ParsePrincipal(principal)
	if err != nil {
		return nil, err
	}
	if _, _, ok := strings.Cut(action, ":"); !ok {
		return nil, fmt.Errorf("action %q is not of the form service:action", action)
	}
	if resource == "" {
		return nil, fmt.Errorf("resource is empty")
	}
	if resourceAccount != "" && !IsAccountID(resourceAccount) {
		return nil, fmt.Errorf("resource account %q is not 12 digits", resourceAccount)
	}
	return &Request{Principal: p, Action: action, Resource: resource, ResourceAccount: resourceAccount, Context: ctx,
		lower: strings.ToLower(action), lowerOf: action}, nil
}

// SameAccount reports whether the principal belongs to the account that
// owns the resource.
func (r *Request) SameAccount() bool {
	return r.Principal.Account != "" && r.Principal.Account == r.ResourceAccount
}

// lookup returns the values of a lower-cased key: from the context, else
// from what AWS derives from the principal and the resource.
func (r *Request) lookup(key string) []string {
	if v, ok := r.Context.m[key]; ok {
		return v
	}
	k := &r.Principal.keys
	switch key {
	case "aws:principalarn":
		return k.arn
	case "aws:principalaccount":
		return k.account
	case "aws:principaltype":
		return k.typ
	case "aws:username":
		return k.username
	case "aws:userid":
		return k.userid
	case "aws:principalisawsservice":
		return k.isService
	case "aws:resourceaccount", "s3:resourceaccount":
		if r.ResourceAccount != "" {
			// A one-element view of the field: no allocation.
			return unsafe.Slice(&r.ResourceAccount, 1)
		}
	}
	return nil
}

// variable resolves a policy variable: a key with exactly one value.
// AWS does not allow multivalued keys as variables.
func (r *Request) variable(key string) (string, bool) {
	v := r.lookup(key)
	if len(v) != 1 {
		return "", false
	}
	return v[0], true
}
