package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// PrincipalKind is the kind of caller that makes a request.
type PrincipalKind uint8

// The kinds of caller.
const (
	Anonymous     PrincipalKind = iota + 1 // an unsigned request
	Root                                   // an account's root user
	User                                   // an IAM user
	AssumedRole                            // a role session
	FederatedUser                          // a GetFederationToken session
	Service                                // an AWS service principal
)

// principalType returns the value of aws:PrincipalType.
func (k PrincipalKind) principalType() string {
	switch k {
	case Anonymous:
		return "Anonymous"
	case Root:
		return "Account"
	case User:
		return "User"
	case AssumedRole:
		return "AssumedRole"
	case FederatedUser:
		return "FederatedUser"
	case Service:
		return "Service"
	}
	return ""
}

// A Principal is the caller of a request, parsed from its ARN.
// Build one with ParsePrincipal.
type Principal struct {
	Kind      PrincipalKind
	ARN       string // the caller's ARN; the service name for a service; "" for anonymous
	Partition string // "aws", "aws-cn", ...
	Account   string // 12-digit account ID; "" for anonymous and services
	Name      string // user, role, federated user name; "" otherwise
	Session   string // role session name
	RoleARN   string // for a role session, arn:PARTITION:iam::ACCOUNT:role/NAME (no path)

	// UserID is the value of aws:userid, where known. ParsePrincipal fills
	// it for the forms whose ID can be derived from the ARN alone (the
	// account ID for root, "account:name" for federated users,
	// "anonymous"). CanonicalID is the canonical user ID of the account,
	// used to match CanonicalUser principals; it is never derived.
	UserID      string
	CanonicalID string

	// Derived condition keys, as one-element slices so that lookups during
	// evaluation allocate nothing.
	keys derivedKeys
}

type derivedKeys struct {
	arn, account, typ, username, userid, isService []string
}

// ParsePrincipal parses a caller: an IAM user ARN, a role session ARN
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), an account root ARN, a
// federated user ARN, a service principal such as "cloudtrail.amazonaws.com",
// or "anonymous".
func ParsePrincipal(s string) (Principal, error) {
	p, err := parsePrincipal(s)
	if err != nil {
		return Principal{}, fmt.Errorf("principal %q: %w", s, err)
	}
	p.derive()
	return p, nil
}

func parsePrincipal(s string) (Principal, error) {
	switch {
	case s == "anonymous" || s == "*":
		return Principal{Kind: Anonymous, UserID: "anonymous"}, nil
	case !strings.HasPrefix(s, "arn:"):
		if isServiceName(s) {
			return Principal{Kind: Service, ARN: s}, nil
		}
		return Principal{}, errors.New(`not an ARN, a service principal or "anonymous"`)
	}
	a, ok := splitARN(s)
	if !ok {
		return Principal{}, errors.New("malformed ARN")
	}
	p := Principal{ARN: s, Partition: a.partition, Account: a.account}
	if !IsAccountID(a.account) {
		return Principal{}, errors.New("account must be 12 digits")
	}
	switch {
	case a.service == "iam" && a.resource == "root":
		p.Kind, p.UserID = Root, a.account
	case a.service == "iam" && strings.HasPrefix(a.resource, "user/"):
		p.Kind, p.Name = User, lastSegment(a.resource)
	case a.service == "sts" && strings.HasPrefix(a.resource, "assumed-role/"):
		role, session, ok := strings.Cut(strings.TrimPrefix(a.resource, "assumed-role/"), "/")
		if !ok || role == "" || session == "" || strings.Contains(session, "/") {
			return Principal{}, errors.New("want assumed-role/ROLE/SESSION")
		}
		p.Kind, p.Name, p.Session = AssumedRole, role, session
		p.RoleARN = "arn:" + a.partition + ":iam::" + a.account + ":role/" + role
	case a.service == "sts" && strings.HasPrefix(a.resource, "federated-user/"):
		p.Kind, p.Name = FederatedUser, strings.TrimPrefix(a.resource, "federated-user/")
		p.UserID = a.account + ":" + p.Name
	case a.service == "iam" && strings.HasPrefix(a.resource, "role/"):
		return Principal{}, errors.New("a role cannot make requests: give one of its sessions, arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION")
	default:
		return Principal{}, errors.New("not a user, role session, federated user or root ARN")
	}
	if p.Kind != Root && p.Name == "" {
		return Principal{}, errors.New("missing name")
	}
	return p, nil
}

func (p *Principal) derive() {
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	// Values per the IAM User Guide, "AWS global condition context keys"
	// and "Policy variables: principal key values".
	k := &p.keys
	switch p.Kind {
	case Anonymous:
		// "For anonymous requests, the request context returns
		// anonymous" (aws:PrincipalAccount, whose Availability is "all
		// requests, including anonymous requests"); aws:PrincipalArn,
		// aws:username and aws:PrincipalIsAWSService: "Anonymous requests
		// do not include this key".
		k.account = []string{"anonymous"}
	case AssumedRole:
		k.arn, k.account = one(p.RoleARN), one(p.Account)
	case Service:
		k.isService = []string{"true"}
	default:
		k.arn, k.account = one(p.ARN), one(p.Account)
	}
	if p.Kind != Service {
		k.typ = one(p.Kind.principalType())
	}
	if p.Kind != Service && p.Kind != Anonymous {
		k.isService = []string{"false"}
	}
	if p.Kind == User {
		k.username = one(p.Name)
	}
	k.userid = one(p.UserID)
}

// isServiceName reports whether s looks like a service principal.
func isServiceName(s string) bool {
	if s == "" || strings.ContainsAny(s, " :/*?") {
		return false
	}
	return strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") ||
		strings.HasSuffix(s, ".amazon.com")
}

// IsAccountID reports whether s is an AWS account ID, 12 decimal digits,
// as the engine reads one in a principal or a resource account. Tools
// that check policies use it to agree with the engine.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func lastSegment(s string) string {
	return s[strings.LastIndexByte(s, '/')+1:]
}

type arn struct {
	partition, service, region, account, resource string
}

// splitARN splits arn:partition:service:region:account:resource.
func splitARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return arn{}, false
	}
	return arn{parts[1], parts[2], parts[3], parts[4], parts[5]}, true
}

// awsPrincipal is a compiled entry of {"AWS": ...}.
type awsPrincipal struct {
	kind    awsKind
	account string // for every kind
	name    string // user/role/federated name; role session: role name
	session string
	arn     string // as written
}

type awsKind uint8

const (
	awsAccount awsKind = iota + 1 // 123456789012 or arn:aws:iam::123456789012:root
	awsUser
	awsRole
	awsSession
	awsFederated
	awsUniqueID // an IAM unique ID (AIDA..., AROA...), left by a deleted principal
)

func parsePrincipals(raw json.RawMessage, not bool) (*Principals, error) {
	ps := &Principals{Not: not}
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			return nil, fmt.Errorf(`%q: a string principal must be "*"; use {"AWS": ...}`, star)
		}
		ps.Any = true
		return ps, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return nil, errors.New(`must be "*" or an object such as {"AWS": ...}`)
	}
	if len(m) == 0 {
		return nil, errors.New("must not be empty")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		list, err := stringOrList(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if len(list) == 0 {
			return nil, fmt.Errorf("%s: must not be empty", k)
		}
		switch k {
		case "AWS":
			ps.AWS = list
			for _, v := range list {
				if v == "*" {
					ps.Any = true
					continue
				}
				a, err := parseAWSPrincipal(v)
				if err != nil {
					return nil, fmt.Errorf("AWS: %q: %w", v, err)
				}
				ps.aws = append(ps.aws, a)
			}
		case "Service":
			ps.Service = list
			for _, v := range list {
				if !isServiceName(v) {
					return nil, fmt.Errorf("service principal %q is not a service name", v)
				}
			}
		case "Federated":
			ps.Federated = list
			for _, v := range list {
				if v == "" || strings.ContainsAny(v, "*?") {
					return nil, fmt.Errorf("federated principal %q is not an identity provider", v)
				}
			}
		case "CanonicalUser":
			ps.CanonicalUser = list
			for _, v := range list {
				if v == "" || strings.ContainsAny(v, "*?") {
					return nil, fmt.Errorf("CanonicalUser: %q: invalid canonical user ID", v)
				}
			}
		default:
			return nil, fmt.Errorf("unknown principal type %q (want AWS, Service, Federated or CanonicalUser)", k)
		}
	}
	return ps, nil
}

func parseAWSPrincipal(v string) (awsPrincipal, error) {
	if IsAccountID(v) {
		return awsPrincipal{kind: awsAccount, account: v, arn: v}, nil
	}
	if strings.ContainsAny(v, "*?") {
		return awsPrincipal{}, errors.New(`wildcards are not allowed in a principal ARN; use "*" with a condition on aws:PrincipalArn`)
	}
	if !strings.HasPrefix(v, "arn:") {
		if isUniqueID(v) {
			return awsPrincipal{kind: awsUniqueID, arn: v}, nil
		}
		return awsPrincipal{}, errors.New("not an account ID, an ARN or \"*\"")
	}
	a, ok := splitARN(v)
	if !ok || !IsAccountID(a.account) {
		return awsPrincipal{}, errors.New("malformed ARN")
	}
	p := awsPrincipal{account: a.account, arn: v}
	switch {
	case a.service == "iam" && a.resource == "root":
		p.kind = awsAccount
	case a.service == "iam" && strings.HasPrefix(a.resource, "user/"):
		p.kind, p.name = awsUser, lastSegment(a.resource)
	case a.service == "iam" && strings.HasPrefix(a.resource, "role/"):
		p.kind, p.name = awsRole, lastSegment(a.resource)
	case a.service == "sts" && strings.HasPrefix(a.resource, "assumed-role/"):
		role, session, ok := strings.Cut(strings.TrimPrefix(a.resource, "assumed-role/"), "/")
		if !ok || role == "" || session == "" {
			return awsPrincipal{}, errors.New("want arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION")
		}
		p.kind, p.name, p.session = awsSession, role, session
	case a.service == "sts" && strings.HasPrefix(a.resource, "federated-user/"):
		p.kind, p.name = awsFederated, strings.TrimPrefix(a.resource, "federated-user/")
	default:
		return awsPrincipal{}, errors.New("not an account, user, role, role session or federated user ARN")
	}
	if p.kind != awsAccount && p.name == "" {
		return awsPrincipal{}, errors.New("missing name")
	}
	return p, nil
}

// isUniqueID reports whether s looks like an IAM unique ID such as
// AIDAJQABLZS4A3QDU576Q, which IAM shows in place of a deleted principal.
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || !strings.HasPrefix(s, "A") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// grant is how specifically a Principal element names the caller. It
// matters within one account, where a resource-based policy that names a
// user or a session directly is not limited by implicit denies in the
// caller's identity policies, boundary or session policy.
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // the caller's account: delegates to its identity policies
	grantAny           // "*"
	grantRole          // the role of a session
	grantExact         // the user, session, federated user, service or canonical user
)

// match reports how the Principal element (not NotPrincipal) names p.
func (ps *Principals) match(p *Principal) grant {
	g := grantNone
	if ps.Any {
		g = grantAny
	}
	for i := range ps.aws {
		if m := ps.aws[i].match(p); m > g {
			g = m
		}
	}
	if p.Kind == Service && slices.Contains(ps.Service, p.ARN) {
		g = grantExact
	}
	if p.CanonicalID != "" && slices.Contains(ps.CanonicalUser, p.CanonicalID) {
		g = grantExact
	}
	return g
}

func (a *awsPrincipal) match(p *Principal) grant {
	switch p.Kind {
	case Anonymous, Service:
		return grantNone
	}
	if a.kind == awsUniqueID {
		if p.UserID != "" && (p.UserID == a.arn || strings.HasPrefix(p.UserID, a.arn+":")) {
			return grantExact
		}
		return grantNone
	}
	if a.account != p.Account {
		return grantNone
	}
	switch a.kind {
	case awsAccount:
		if p.Kind == Root {
			return grantExact
		}
		return grantAccount
	case awsUser:
		if p.Kind == User && a.name == p.Name && a.arn == p.ARN {
			return grantExact
		}
	case awsRole:
		if p.Kind == AssumedRole && a.name == p.Name {
			return grantRole
		}
	case awsSession:
		if p.Kind == AssumedRole && a.name == p.Name && a.session == p.Session {
			return grantExact
		}
	case awsFederated:
		if p.Kind == FederatedUser && a.name == p.Name {
			return grantExact
		}
	}
	return grantNone
}

// excludes reports whether a NotPrincipal element leaves p out. Following
// the IAM User Guide (NotPrincipal), a caller is left out only when every
// identity AWS evaluates for it is listed: its account and, for anything
// but the root user, its own ARN (for a role session, the session ARN or
// the role ARN). Listing only the account leaves its users and roles in.
func (ps *Principals) excludes(p *Principal) bool {
	if ps.Any {
		return true
	}
	switch p.Kind {
	case Anonymous:
		return false
	case Service:
		return slices.Contains(ps.Service, p.ARN)
	}
	account, self := false, p.Kind == Root
	for i := range ps.aws {
		switch ps.aws[i].match(p) {
		case grantAccount:
			account = true
		case grantExact, grantRole:
			if ps.aws[i].kind == awsAccount {
				account = true // the root user itself
			}
			self = true
		}
	}
	if p.CanonicalID != "" && slices.Contains(ps.CanonicalUser, p.CanonicalID) {
		account, self = true, true
	}
	return account && self
}
