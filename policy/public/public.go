// Package public answers "is this bucket policy public?", and "is this
// access point policy public?", the way Amazon S3 Block Public Access does,
// and says why.
//
// The definition is the Amazon S3 User Guide's, "Blocking public access to
// your Amazon S3 storage" > "The meaning of "public"" > "Bucket policies"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status):
//
//	When evaluating a bucket policy, Amazon S3 begins by assuming that the
//	policy is public. It then evaluates the policy to determine whether it
//	qualifies as non-public. To be considered non-public, a bucket policy
//	must grant access only to fixed values (values that don't contain a
//	wildcard or an AWS Identity and Access Management Policy Variable) for
//	one or more of the following:
//	  - An AWS principal, user, role, or service principal (e.g.
//	    aws:PrincipalOrgID)
//	  - A set of Classless Inter-Domain Routings (CIDRs), using aws:SourceIp.
//	    [...] Bucket policies that grant access conditioned on the
//	    aws:SourceIp condition key with very broad IP ranges (for example,
//	    0.0.0.0/1) are evaluated as "public." This includes values broader
//	    than /8 for IPv4 and /32 for IPv6 (excluding RFC1918 private ranges).
//	  - aws:SourceArn
//	  - aws:SourceVpc
//	  - aws:SourceVpce
//	  - aws:SourceOwner
//	  - aws:SourceAccount
//	  - s3:x-amz-server-side-encryption-aws-kms-key-id
//	  - aws:userid, outside the pattern "AROLEID:*"
//	  - s3:DataAccessPointArn
//	    When used in a bucket policy, this value can contain a wildcard for
//	    the access point name without rendering the policy public, as long
//	    as the account id is fixed. For example, allowing access to
//	    arn:aws:s3:us-west-2:123456789012:accesspoint/* would permit access
//	    to any access point associated with account 123456789012 in Region
//	    us-west-2, without rendering the bucket policy public.
//	  - s3:DataAccessPointAccount
//
// The same page's example of a policy "that contains both public and
// non-public access grants" judges statement by statement: "This policy
// qualifies as public because of the third statement". So does this
// package: a policy is public when one of its statements is, and the
// answer names each such statement.
//
// Which actions count comes from the S3 API Reference,
// PublicAccessBlockConfiguration
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html,
// in the versions that spell out the rule; the AWS SDKs still carry it):
//
//	"Bad actions" are those that could expose the data inside a bucket to
//	reads or writes by the public. These actions are s3:Get*, s3:List*,
//	s3:AbortMultipartUpload, s3:Delete*, s3:Put*, and s3:RestoreObject.
//	The star notation for bad actions indicates that all matching
//	operations are considered bad actions.
//
// and the User Guide adds that "Amazon S3 block public access reviews
// policies for current actions and any potential actions that might be
// added in the future". Actions are therefore compared as patterns, not
// only as the actions of package catalog: "s3:Get*Foo" is a bad action
// even though no such action exists today.
//
// # The rules, as implemented
//
// A statement is public when all of these hold:
//   - its Effect is Allow (a Deny grants nothing);
//   - it grants a bad action: an Action pattern that some bad action
//     matches, or a NotAction that leaves one out;
//   - its principal is not fixed: "*" (also {"AWS": "*"}), NotPrincipal
//     (which grants everyone not listed), or a Federated identity provider
//     (the User Guide's own first example of a public policy grants to
//     {"Federated": "graph.facebook.com"}). AWS account IDs and ARNs,
//     service principals and canonical user IDs are fixed.
//   - no condition fixes the caller. A condition fixes the caller when its
//     key is one of the keys above (matched case-insensitively), plus
//     aws:PrincipalOrgID (the User Guide's example of a principal) and
//     aws:PrincipalAccount (the same kind of key: the caller's own
//     account); its operator is StringEquals, StringEqualsIgnoreCase,
//     StringLike, ArnEquals or ArnLike (IpAddress for aws:SourceIp),
//     without IfExists, and without ForAllValues (both match a request that
//     lacks the key; ForAnyValue does not, so it may fix); and every one of
//     its values is fixed.
//
// A value is fixed when it has no * or ? and no policy variable (${...},
// in policies of Version 2012-10-17; ${*}, ${?} and ${$} are the literal
// characters). A * counts as a wildcard even under StringEquals, where IAM
// reads it literally: the User Guide speaks of values that "don't contain a
// wildcard". An aws:SourceIp block is fixed when it is no broader than /8
// (IPv4) or /32 (IPv6); an IPv4-mapped IPv6 block (::ffff:a.b.c.d/n) is
// judged as the IPv4 block it is. All RFC1918 ranges (10.0.0.0/8,
// 172.16.0.0/12, 192.168.0.0/16) are /8 or narrower, so the User Guide's
// "excluding RFC1918 private ranges" changes nothing for IPv4.
//
// Two keys take a wildcard in one place:
//   - s3:DataAccessPointArn: the access point name, after "accesspoint/",
//     may hold * and ?, provided every other part of the ARN (partition,
//     service, Region and a 12-digit account) is fixed.
//   - aws:userid: this package reads "outside the pattern "AROLEID:*"" as
//     the exception it parallels: a value of the form ROLEID:*, where
//     ROLEID is a fixed role unique ID (AROA followed by letters and
//     digits), is fixed. Such a value is the aws:userid of every session
//     of one role (the IAM User Guide gives a role session's aws:userid as
//     "role-id:caller-specified-role-name"), so it admits only those who
//     can assume that role. Any other wildcard in aws:userid is not fixed.
//
// # Access point policies
//
// AnalyzeAccessPoint judges an access point policy by the same rules with
// the User Guide's two exceptions: an access point with a VPC network
// origin is never public, and s3:DataAccessPointArn is fixed only by a
// value without any wildcard ("An access point policy that grants access to
// a set of access points using s3:DataAccessPointArn is considered
// public"). Whatever is public as a bucket policy is therefore public as an
// access point policy of Internet origin.
//
// # Read and write
//
// A public statement is public read when it grants an action that the
// Service Authorization Reference (package catalog) gives the access level
// Read or List, and public write when it grants one of level Write,
// Permissions management or Tagging. A bad-action pattern granted whole,
// or a granted pattern that matches no bad action yet, counts by its pattern:
// s3:Get* and s3:List* read, the others write.
package public

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// A Reason says why one statement is public (or, from Statement, why it is
// not).
type Reason struct {
	// Statement is the statement's index in the policy's Statement list.
	Statement int `json:"statement"`
	// Sid is the statement's Sid, if it has one.
	Sid string `json:"sid,omitempty"`
	// Why is a sentence naming what makes the statement public, such as
	// `Principal "*" with no condition that fixes the caller`.
	Why string `json:"why"`
	// Actions are the bad actions the statement grants, sorted: bad-action
	// patterns granted whole (such as "s3:Get*"), actions of the catalog
	// (such as "s3:GetObject"), and, as written, granted patterns that match
	// no bad action of the catalog, only ones AWS may add (such as
	// "s3:Get*Foo").
	Actions []string `json:"actions,omitempty"`
	// Read reports a granted action of access level Read or List.
	Read bool `json:"read"`
	// Write reports a granted action of access level Write, Permissions
	// management or Tagging.
	Write bool `json:"write"`
}

// A Result is the answer for a whole policy.
type Result struct {
	// Public reports whether any statement is public.
	Public bool `json:"public"`
	// Read and Write report whether any public statement grants public
	// read or public write.
	Read  bool `json:"read"`
	Write bool `json:"write"`
	// Reasons has one entry per public statement, in statement order. It
	// is empty, never nil, when the policy is not public.
	Reasons []Reason `json:"reasons"`
}

// Analyze reports whether the bucket policy p is public, and which of its
// statements make it so. A nil policy is not public.
func Analyze(p *policy.Policy) Result {
	return analyze(p, bucketMode(p))
}

// AnalyzeAccessPoint reports whether the access point policy p is public,
// and which of its statements make it so. The User Guide ("The meaning of
// "public"") judges access point policies by the rules for bucket
// policies, with two exceptions, both applied here:
//
//	An access point that has a VPC network origin is always considered
//	non-public, regardless of the contents of its access point policy.
//
//	An access point policy that grants access to a set of access points
//	using s3:DataAccessPointArn is considered public. Note that this
//	behavior is different than for bucket policies.
//
// so vpcOrigin makes the answer non-public, and an s3:DataAccessPointArn
// value with a wildcard anywhere, the access point name included, does not
// fix the caller. A nil policy is not public.
func AnalyzeAccessPoint(p *policy.Policy, vpcOrigin bool) Result {
	if vpcOrigin {
		return Result{Reasons: []Reason{}}
	}
	return analyze(p, accessPointMode(p))
}

// IsPublicAccessPoint reports whether the access point policy p is public:
// AnalyzeAccessPoint(p, vpcOrigin).Public, without building the reasons'
// text.
func IsPublicAccessPoint(p *policy.Policy, vpcOrigin bool) bool {
	return !vpcOrigin && isPublicPolicy(p, accessPointMode(p))
}

func analyze(p *policy.Policy, m mode) Result {
	res := Result{Reasons: []Reason{}}
	if p == nil {
		return res
	}
	for i := range p.Statements {
		r, public := statement(&p.Statements[i], i, m)
		if !public {
			continue
		}
		res.Public = true
		res.Read = res.Read || r.Read
		res.Write = res.Write || r.Write
		res.Reasons = append(res.Reasons, r)
	}
	return res
}

// IsPublic reports whether the bucket policy p is public. It is
// Analyze(p).Public, without building the reasons' text.
func IsPublic(p *policy.Policy) bool {
	return isPublicPolicy(p, bucketMode(p))
}

func isPublicPolicy(p *policy.Policy, m mode) bool {
	if p == nil {
		return false
	}
	for i := range p.Statements {
		if isPublic(&p.Statements[i], m) {
			return true
		}
	}
	return false
}

// Statement reports whether statement i of p is public. The Reason says
// why; when the statement is not public, its Why says why not, and it
// carries no Actions. An index out of range is not public, and Why says
// so.
func Statement(p *policy.Policy, i int) (Reason, bool) {
	if p == nil || i < 0 || i >= len(p.Statements) {
		return Reason{Statement: i, Why: "no statement " + strconv.Itoa(i) + " in the policy"}, false
	}
	return statement(&p.Statements[i], i, bucketMode(p))
}

// StatementAccessPoint is Statement for the access point policy p, judged
// as AnalyzeAccessPoint judges it.
func StatementAccessPoint(p *policy.Policy, i int, vpcOrigin bool) (Reason, bool) {
	if p == nil || i < 0 || i >= len(p.Statements) {
		return Reason{Statement: i, Why: "no statement " + strconv.Itoa(i) + " in the policy"}, false
	}
	if vpcOrigin {
		return Reason{Statement: i, Sid: p.Statements[i].Sid, Why: "an access point with a VPC network origin is never public"}, false
	}
	return statement(&p.Statements[i], i, accessPointMode(p))
}

// A mode is how a policy is judged.
type mode struct {
	// vars reports whether ${...} in the policy's values is a policy
	// variable: only in Version 2012-10-17, as in package policy.
	vars bool
	// accessPoint reports an access point policy, where a wildcard access
	// point name in s3:DataAccessPointArn does not fix the caller.
	accessPoint bool
}

func bucketMode(p *policy.Policy) mode {
	return mode{vars: p != nil && p.Version == policy.Version2012}
}

func accessPointMode(p *policy.Policy) mode {
	m := bucketMode(p)
	m.accessPoint = true
	return m
}

// isPublic is statement without the explanation.
func isPublic(s *policy.Statement, m mode) bool {
	if s.Effect != policy.Allow || s.Principal == nil {
		return false
	}
	if fixed, _ := principalFixed(s.Principal); fixed {
		return false
	}
	if by, _ := conditionsFix(s.Conditions, m); by != "" {
		return false
	}
	return grantsBadAction(s)
}

func statement(s *policy.Statement, i int, m mode) (Reason, bool) {
	r := Reason{Statement: i, Sid: s.Sid}
	if s.Effect != policy.Allow {
		r.Why = "a Deny statement grants nothing"
		return r, false
	}
	if s.Principal == nil {
		r.Why = "the statement has no Principal: it grants nothing to anyone outside the policy's holder"
		return r, false
	}
	fixed, who := principalFixed(s.Principal)
	if fixed {
		r.Why = who + " is a fixed principal"
		return r, false
	}
	by, notes := conditionsFix(s.Conditions, m)
	if by != "" {
		r.Why = who + ", but " + by
		return r, false
	}
	g := grantedBad(s)
	if len(g.actions) == 0 {
		r.Why = who + ", but the statement grants none of the bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, s3:AbortMultipartUpload, s3:RestoreObject)"
		return r, false
	}
	r.Why = who + " with no condition that fixes the caller"
	if len(notes) > 0 {
		r.Why += ": " + strings.Join(notes, "; ")
	}
	r.Actions, r.Read, r.Write = g.actions, g.read, g.write
	return r, true
}

// principalFixed reports whether every principal the statement names is
// fixed, and describes the principal: the fixed ones for a fixed
// principal, the first one that is not fixed otherwise.
func principalFixed(ps *policy.Principals) (bool, string) {
	switch {
	case ps.Not:
		return false, "NotPrincipal with Allow (it grants everyone not listed)"
	case ps.Any:
		return false, `Principal "*"`
	}
	if len(ps.Federated) > 0 {
		return false, fmt.Sprintf("Principal Federated %q (an identity provider: anyone it signs in is the caller)", ps.Federated[0])
	}
	var names []string
	for _, l := range []struct {
		typ  string
		list []string
	}{{"AWS", ps.AWS}, {"Service", ps.Service}, {"CanonicalUser", ps.CanonicalUser}} {
		for _, v := range l.list {
			if v == "*" {
				return false, fmt.Sprintf(`Principal %s "*"`, l.typ)
			}
			if why := notFixed(v, true); why != "" {
				return false, fmt.Sprintf("Principal %s %q %s", l.typ, v, why)
			}
			names = append(names, fmt.Sprintf("%s %q", l.typ, v))
		}
	}
	if len(names) == 0 {
		return true, "Principal (empty)"
	}
	return true, "Principal " + strings.Join(names, ", ")
}

// notFixed says why v is not a fixed value, or returns "" when it is.
// vars tells whether ${...} is a policy variable.
func notFixed(v string, vars bool) string {
	wild, variable := scan(v, vars)
	switch {
	case wild:
		return "is a wildcard pattern"
	case variable:
		return "uses a policy variable"
	}
	return ""
}

// scan reports whether v holds a wildcard (* or ?) and whether it holds a
// policy variable. vars tells whether ${...} is a variable; ${*}, ${?} and
// ${$} are the literal characters, as in package policy.
func scan(v string, vars bool) (wild, variable bool) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '*' || c == '?':
			wild = true
		case vars && c == '$' && i+1 < len(v) && v[i+1] == '{':
			end := strings.IndexByte(v[i+2:], '}')
			if end < 0 {
				continue // not a variable (package policy rejects it)
			}
			switch v[i+2 : i+2+end] {
			case "*", "?", "$":
			default:
				variable = true
			}
			i += 2 + end
		}
	}
	return wild, variable
}
