package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/s3vet/s3vet/internal/suggest"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

// policy lints a parsed policy: the policy's own checks, each statement's,
// and those across statements.
func (l *linter) policy(p *policy.Policy) {
	if p.Version == "" && !l.badVersion {
		l.add("MISSING_VERSION", -1, "", "Version", `We recommend that you specify the Version element ("Version": "2012-10-17"): without it, the policy is read as Version 2008-10-17, where policy variables such as ${aws:username} are literal text.`)
	}
	for k := range p.Statements {
		l.statement(p, k, false)
	}
	l.sids(p)
	l.redundant(p)
}

// iamType reports whether policies of the type are IAM policies, whose
// Sids IAM restricts (IAM User Guide, "IAM JSON policy elements: Sid").
func iamType(t policy.Type) bool {
	return t == policy.IdentityBased || t == policy.PermissionsBoundary || t == policy.SessionPolicy
}

// statement lints p.Statements[k]. repaired is set for a statement the
// engine refused, checked without its faulty parts: its principal, and
// what depends on it, is then left alone.
func (l *linter) statement(p *policy.Policy, k int, repaired bool) {
	s := &p.Statements[k]
	if iamType(p.Type) && s.Sid != "" && !alnum(s.Sid) {
		l.add("UNSUPPORTED_SID", s.Index, s.Sid, "Sid", "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9].")
	}
	if s.Principal != nil && !repaired {
		l.principals(s)
	}
	l.actions(s)
	if l.resources(p, s) {
		l.mismatch(s)
	}
	l.conditions(p, s)
	if !repaired {
		l.permissionsManagement(p, k)
	}
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func principalElement(ps *policy.Principals) string {
	if ps.Not {
		return "NotPrincipal"
	}
	return "Principal"
}

// principals checks the values of a Principal or NotPrincipal element.
func (l *linter) principals(s *policy.Statement) {
	ps := s.Principal
	el := principalElement(ps)
	for _, group := range []struct {
		key    string
		values []string
	}{{"AWS", ps.AWS}, {"Service", ps.Service}, {"Federated", ps.Federated}, {"CanonicalUser", ps.CanonicalUser}} {
		for _, v := range group.values {
			kel := el + ": " + group.key
			if strings.Contains(v, "${") {
				l.add("VARIABLE_UNSUPPORTED_IN_ELEMENT", s.Index, s.Sid, kel, "Policy variables are supported in the Resource and Condition elements only: %q names the variable's text literally. Remove the policy variable from this element.", v)
				continue
			}
			if group.key != "AWS" || !isUniqueID(v) {
				continue
			}
			// IAM User Guide, "IAM identifiers: Unique identifiers".
			switch {
			case strings.HasPrefix(v, "AIDA"):
				l.add("INVALID_USER_REFERENCE", s.Index, s.Sid, kel, "The Principal element includes the IAM user ID %s. We recommend that you use a user ARN instead: an ID left in a policy stands for a deleted user, and a user created again with the same name gets a new ID.", v)
			case strings.HasPrefix(v, "AROA"):
				l.add("INVALID_ROLE_REFERENCE", s.Index, s.Sid, kel, "The Principal element includes the IAM role ID %s. We recommend that you use a role ARN instead: an ID left in a policy stands for a deleted role, and a role created again with the same name gets a new ID.", v)
			}
		}
	}
}

func actionElement(s *policy.Statement) string {
	if s.NotAction {
		return "NotAction"
	}
	return "Action"
}

func resourceElement(s *policy.Statement) string {
	if s.NotResource {
		return "NotResource"
	}
	return "Resource"
}

// inCatalog reports whether the service prefix (any case) is in the
// catalog.
func inCatalog(svc string) bool {
	return slices.Contains(catalog.Services(), strings.ToLower(svc))
}

// actions checks the Action or NotAction element.
func (l *linter) actions(s *policy.Statement) {
	el := actionElement(s)
	for idx, a := range s.Action {
		if a == "*" {
			continue
		}
		if strings.Contains(a, "${") {
			l.add("VARIABLE_UNSUPPORTED_IN_ELEMENT", s.Index, s.Sid, el, "Policy variables are supported in the Resource and Condition elements only: %q names the variable's text literally. Remove the policy variable from this element.", a)
			continue
		}
		svc, name, _ := strings.Cut(a, ":")
		switch {
		case hasWildcard(svc):
			l.add("WILDCARD_IN_SERVICE_NAME", s.Index, s.Sid, el, "Avoid using wildcards (*, ?) in the service name of %s because it might grant unintended access to other AWS services with similar names.", a)
		case !inCatalog(svc):
			// Not checked: see the package documentation.
		case !hasWildcard(name):
			if _, ok := catalog.Lookup(a); !ok {
				l.add("INVALID_ACTION", s.Index, s.Sid, el, "The action %s does not exist.%s", a, didYouMean(svc, name))
			}
		default:
			if !matchesAny(a) {
				l.add("INVALID_ACTION", s.Index, s.Sid, el, "The action pattern %s matches no action of %s.", a, strings.ToLower(svc))
			}
		}
		for j, b := range s.Action {
			if j == idx || strings.EqualFold(a, b) && j > idx {
				continue
			}
			if patternCovers(b, a, true, matchFold) {
				l.add("REDUNDANT_ACTION", s.Index, s.Sid, el, "The action %s is redundant because %s already matches it. Update the policy to remove the redundant action.", a, b)
				break
			}
		}
	}
}

// apiAliases names the IAM action that authorizes S3 API operations whose
// name is not an action (S3 User Guide, "Required permissions for Amazon
// S3 API operations").
var apiAliases = map[string]string{
	"listbuckets":   "ListAllMyBuckets",
	"listobjects":   "ListBucket",
	"listobjectsv2": "ListBucket",
	"headbucket":    "ListBucket",
	"headobject":    "GetObject",
	"deleteobjects": "DeleteObject",
	"copyobject":    "GetObject (on the source) and s3:PutObject (on the target)",
}

// didYouMean returns " Did you mean s3:X?" for a misspelled action, or "".
func didYouMean(svc, name string) string {
	lsvc := strings.ToLower(svc)
	if lsvc == "s3" {
		if alias, ok := apiAliases[strings.ToLower(name)]; ok {
			return fmt.Sprintf(" Did you mean s3:%s? The API called %s authorizes against that action.", alias, name)
		}
	}
	best, bestD := "", -1
	for _, a := range catalog.Actions(lsvc) {
		d := suggest.Distance(a.Name, name)
		if bestD < 0 || d < bestD {
			best, bestD = a.String(), d
		}
	}
	if bestD < 0 || bestD > max(2, len(name)/4) {
		return ""
	}
	return " Did you mean " + best + "?"
}

// partitions are the AWS partitions (AWS General Reference, "Amazon
// Resource Names (ARNs)").
var partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// hasVariable reports whether s holds something that reads as a policy
// variable, ${...}.
func hasVariable(s string) bool {
	i := strings.Index(s, "${")
	return i >= 0 && strings.IndexByte(s[i:], '}') > 0
}

// resources checks the Resource or NotResource element. It reports
// whether some entry is a valid ARN pattern (or "*").
func (l *linter) resources(p *policy.Policy, s *policy.Statement) (valid bool) {
	el := resourceElement(s)
	for idx, r := range s.Resource {
		if r == "*" {
			valid = true
			continue
		}
		if p.Version != policy.Version2012 && hasVariable(r) {
			l.add("VARIABLE_UNSUPPORTED_IN_VERSION", s.Index, s.Sid, el, "To include variables in your policy, use the policy version 2012-10-17: in %s, %s is literal text.", versionName(p), r)
		}
		if l.arn(s, el, r) {
			valid = true
		}
		for j, b := range s.Resource {
			if j == idx || r == b && j > idx {
				continue
			}
			if patternCovers(b, r, false, resourceMatches) {
				l.add("REDUNDANT_RESOURCE", s.Index, s.Sid, el, "The resource ARN %s is redundant because %s already matches it. Review the use of wildcards (*).", r, b)
				break
			}
		}
	}
	return valid
}

func versionName(p *policy.Policy) string {
	if p.Version == "" {
		return "a policy without Version (read as 2008-10-17)"
	}
	return "Version " + p.Version
}

// arnServices are the ARN service names of the catalog's resource types
// whose ARNs are checked against the resource types. (The sts resource
// types are IAM and STS ARNs, most of whose types are not in the catalog.)
var arnServices = []string{"s3", "s3-object-lambda", "kms"}

// arn checks one ARN of the Resource element. It reports whether the ARN
// may name a resource (it has no fault that keeps it from matching any).
func (l *linter) arn(s *policy.Statement, el, r string) bool {
	parts := strings.SplitN(r, ":", 6)
	if len(parts) < 6 {
		return true // such as arn:aws:s3*, a prefix pattern
	}
	partition, svc, account := parts[1], parts[2], parts[4]
	if !hasWildcard(partition) && !slices.Contains(partitions, partition) {
		l.add("INVALID_PARTITION", s.Index, s.Sid, el, "The resource ARN %s has the partition %q. Use one of the supported values: %s.", r, partition, strings.Join(partitions, ", "))
		return false
	}
	switch {
	case hasWildcard(svc):
		l.add("WILDCARD_IN_SERVICE_NAME", s.Index, s.Sid, el, "Avoid using wildcards (*, ?) in the service name of %s because it might grant unintended access to other AWS services with similar names.", r)
		return true
	case svc != strings.ToLower(svc):
		l.add("INVALID_ARN_SERVICE_CASE", s.Index, s.Sid, el, "Update the service name %q in the resource ARN %s to use all lowercase letters.", svc, r)
		return false
	}
	if account != "" && !hasWildcard(account) && !policy.IsAccountID(account) && account != "aws" {
		l.add("INVALID_ARN_ACCOUNT", s.Index, s.Sid, el, "The resource ARN account ID %q in %s is not valid. Provide a 12-digit account ID.", account, r)
		return false
	}
	if !slices.Contains(arnServices, svc) {
		return true
	}
	if bucket, _, _ := strings.Cut(parts[5], "/"); svc == "s3" && parts[3] == "" && account == "" && strings.HasSuffix(bucket, "-s3alias") {
		// S3 User Guide, "Referencing access points": "The -s3alias
		// suffix is reserved for access point alias names and can't be
		// used for bucket or access point names", and "Aliases cannot be
		// used in IAM policies".
		l.add("ACCESS_POINT_ALIAS_IN_RESOURCE", s.Index, s.Sid, el, "The resource ARN %s names an access point alias as a bucket. Aliases cannot be used in policies, and no bucket name ends in -s3alias, so it matches nothing. Name the access point by its ARN (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME, and .../object/KEY for its objects).", r)
		return false
	}
	rt := resourceTokens(r)
	var formats []string
	for _, t := range resourceTypes() {
		if t.arnService != svc {
			continue
		}
		if mayIntersect(rt, t.tokens) {
			return true
		}
		formats = append(formats, t.ARN)
	}
	l.add("INVALID_ARN_RESOURCE", s.Index, s.Sid, el, "The resource ARN %s does not match the expected ARN format of any %s resource type. Update the resource portion of the ARN; the formats are: %s.", r, svc, strings.Join(formats, ", "))
	return false
}

// mismatch reports the actions of the Action element whose resource types
// no entry of the Resource element can match: the statement never applies
// to them.
func (l *linter) mismatch(s *policy.Statement) {
	if s.NotAction || s.NotResource || slices.Contains(s.Resource, "*") {
		return
	}
	rts := make([][]token, len(s.Resource))
	for i, r := range s.Resource {
		rts[i] = resourceTokens(r)
	}
	verb := "allows"
	if s.Effect == policy.Deny {
		verb = "denies"
	}
	for _, a := range s.Action {
		svc, name, ok := strings.Cut(a, ":")
		if !ok || hasWildcard(svc) || !inCatalog(svc) || strings.Contains(a, "${") {
			continue
		}
		var acts []catalog.Action
		if hasWildcard(name) {
			for act := range catalog.Matching(a) {
				acts = append(acts, act) // read only: mismatchMessage and anyApplies
			}
		} else if act, ok := catalog.Lookup(a); ok {
			acts = []catalog.Action{act}
		}
		if len(acts) == 0 || anyApplies(acts, rts) {
			continue
		}
		f := l.add("RESOURCE_ARN_MISMATCH", s.Index, s.Sid, "Action", "%s", mismatchMessage(a, hasWildcard(name), acts, verb))
		switch strings.ToLower(svc) {
		case "kms":
			f.Learn = sarKMS
		case "sts":
			f.Learn = sarSTS
		}
	}
}

// matchesAny reports whether an action pattern matches an action of the
// catalog.
func matchesAny(pattern string) bool {
	for range catalog.Matching(pattern) {
		return true
	}
	return false
}

// anyApplies reports whether some Resource pattern can match a resource of
// one of the actions.
func anyApplies(acts []catalog.Action, rts [][]token) bool {
	for _, act := range acts {
		if act.Service == "s3" && len(act.Resources) > 0 {
			// The S3 User Guide grants object and bucket actions on
			// Multi-Region Access Point ARNs
			// (arn:aws:s3::ACCOUNT:accesspoint/ALIAS/object/KEY), a type
			// the Service Authorization Reference lists for few actions.
			if t, ok := resourceType("s3", "multiregionaccesspoint"); ok {
				for _, rt := range rts {
					if mayIntersect(rt, t.tokens) {
						return true
					}
				}
			}
		}
		for _, res := range act.Resources {
			t, ok := resourceType(act.Service, res.Type)
			if !ok {
				return true // unknown: assume it applies
			}
			for _, rt := range rts {
				if mayIntersect(rt, t.tokens) {
					return true
				}
			}
		}
	}
	return false
}

func mismatchMessage(a string, pattern bool, acts []catalog.Action, verb string) string {
	if pattern {
		return fmt.Sprintf("None of the %d action(s) that %s matches applies to a resource that the Resource element can match, so the statement %s none of them. Check the resource types of the Service Authorization Reference.", len(acts), a, verb)
	}
	act := acts[0]
	if len(act.Resources) == 0 {
		return fmt.Sprintf(`The action %s does not support resource-level permissions: only "Resource": "*" applies to it, so the statement never %s it.`, a, verb)
	}
	var types []string
	for _, res := range act.Resources {
		if t, ok := resourceType(act.Service, res.Type); ok {
			types = append(types, res.Type+" ("+t.ARN+")")
		}
	}
	return fmt.Sprintf("The action %s applies to %s resources, and no ARN of the Resource element can match one, so the statement never %s it. Add the ARN of the resource the action works on.", a, strings.Join(types, " or "), verb)
}

// A compiledType is a catalog resource type with its ARN template
// compiled.
type compiledType struct {
	catalog.ResourceType
	arnService string // the ARN's service component, such as "s3-object-lambda"
	tokens     []token
}

// resourceType returns a catalog resource type, compiled. The catalog has
// a fixed, small set of types, compiled once on first use.
func resourceType(service, name string) (compiledType, bool) {
	types := resourceTypes()
	for _, t := range types {
		if strings.EqualFold(t.Service, service) && strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return compiledType{}, false
}

var compiledTypes = sync.OnceValue(func() []compiledType {
	var out []compiledType
	for _, svc := range catalog.Services() {
		seen := map[string]bool{}
		for _, a := range catalog.Actions(svc) {
			for _, r := range a.Resources {
				if seen[r.Type] {
					continue
				}
				seen[r.Type] = true
				t, ok := catalog.LookupResourceType(svc, r.Type)
				if !ok {
					continue
				}
				parts := strings.SplitN(t.ARN, ":", 4)
				arnSvc := ""
				if len(parts) >= 3 {
					arnSvc = parts[2]
				}
				out = append(out, compiledType{ResourceType: t, arnService: arnSvc, tokens: templateTokens(t.ARN)})
			}
		}
	}
	slices.SortFunc(out, func(a, b compiledType) int {
		return strings.Compare(a.Service+":"+a.Name, b.Service+":"+b.Name)
	})
	return out
})

func resourceTypes() []compiledType { return compiledTypes() }

// permissionsManagement reports permissions-management actions that an
// Allow statement of a bucket policy grants to the public or to another
// account.
func (l *linter) permissionsManagement(p *policy.Policy, k int) {
	s := &p.Statements[k]
	if p.Type != policy.ResourceBased || s.Effect != policy.Allow || s.Principal == nil || s.Principal.Not {
		return
	}
	var pm []string
	for _, a := range permissionsActions() {
		if s.MatchesAction(a) {
			pm = append(pm, a)
		}
	}
	if len(pm) == 0 {
		return
	}
	list := strings.Join(pm, ", ")
	if len(pm) > 5 {
		list = strings.Join(pm[:5], ", ") + " and " + strconv.Itoa(len(pm)-5) + " more"
	}
	if why, ok := isPublic(p, k); ok {
		l.add("PUBLIC_PERMISSIONS_MANAGEMENT", s.Index, s.Sid, actionElement(s), "The statement grants permissions-management actions (%s) to a public principal (%s): anyone can change who may access the bucket.", list, why)
		return
	}
	if l.opts.Account == "" {
		return
	}
	var other []string
	for _, v := range s.Principal.AWS {
		acct := principalAccount(v)
		if acct != "" && acct != l.opts.Account && !slices.Contains(other, acct) {
			other = append(other, acct)
		}
	}
	if len(other) > 0 {
		l.add("CROSS_ACCOUNT_PERMISSIONS_MANAGEMENT", s.Index, s.Sid, principalElement(s.Principal), "The statement grants permissions-management actions (%s) to principals of account %s, not the owner %s: they can change who may access the bucket.", list, strings.Join(other, ", "), l.opts.Account)
	}
}

// principalAccount returns the account of an {"AWS": ...} value, or "".
func principalAccount(v string) string {
	if policy.IsAccountID(v) {
		return v
	}
	if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[0] == "arn" && policy.IsAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// permissionsActions lists the S3 actions whose access level is
// "Permissions management" in the Service Authorization Reference (among
// them s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketAcl,
// s3:PutObjectAcl and s3:PutBucketPublicAccessBlock).
var permissionsActions = sync.OnceValue(func() []string {
	var out []string
	for _, a := range catalog.Actions("s3") {
		if a.Access == catalog.PermissionsManagement {
			out = append(out, a.String())
		}
	}
	return out
})
