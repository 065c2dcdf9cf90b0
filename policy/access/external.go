package access

import (
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// A Zone is a zone of trust, as an IAM Access Analyzer external access
// analyzer has: an account, or the accounts of an organization.
type Zone struct {
	// Accounts are the trusted account IDs: the analyzer's account, or the
	// member accounts of the organization.
	Accounts []string
	// OrgID is the organization's ID (o-...), when the zone is an
	// organization. A statement limited to it by aws:PrincipalOrgID stays
	// inside the zone.
	OrgID string
}

func (z Zone) trusts(account string) bool { return slices.Contains(z.Accounts, account) }

// A Finding is access from outside the zone of trust, in the shape of IAM
// Access Analyzer's external access findings (ExternalAccessDetails,
// https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ExternalAccessDetails.html).
type Finding struct {
	// Principal is the external principal, such as {"AWS": "444455556666"}
	// or {"AWS": "*"}.
	Principal map[string]string `json:"principal"`
	// Condition holds the statement's conditions that still let the
	// principal in, key to values.
	Condition map[string]string `json:"condition"`
	Actions   []string          `json:"action"`
	IsPublic  bool              `json:"isPublic"`
	// Source is how the access is granted: "POLICY" or "BUCKET_ACL".
	Source string `json:"source"`
	// Statement is the index of the bucket policy statement; -1 for an ACL.
	Statement int `json:"statement"`
}

// External lists the access that a bucket's policy and ACL give to
// principals outside the zone of trust, the way IAM Access Analyzer's
// external access findings do (IAM User Guide, "IAM Access Analyzer
// findings", https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html).
// Block Public Access is applied: with RestrictPublicBuckets a public
// policy grants nothing outside the account; with IgnorePublicAcls, or
// with ACLs disabled, public ACL grants grant nothing.
//
// Where the analysis cannot tell, it reports: an account principal in an
// organization zone is inside only when Zone.Accounts lists it; canonical
// user IDs and federated principals are always reported. A bucket policy
// Deny limits findings only in its most common form, a Deny of s3:* or *
// to "*" unless aws:PrincipalOrgID or aws:PrincipalAccount is in the zone.
func External(bucketPolicy *policy.Policy, state *State, zone Zone) []Finding {
	if state == nil {
		state = &State{}
	}
	eff := state.Effective()
	var out []Finding
	if bucketPolicy != nil && !(eff.RestrictPublicBuckets && public.IsPublic(bucketPolicy)) && !fencedToZone(bucketPolicy, zone) {
		for i := range bucketPolicy.Statements {
			out = append(out, statementFindings(bucketPolicy, i, zone)...)
		}
	}
	if state.ACLsEnabled() {
		for _, g := range state.BucketACL {
			if g.validate() != nil {
				continue
			}
			grantee := g.grantee()
			f := Finding{Source: "BUCKET_ACL", Statement: -1, Condition: map[string]string{}, Actions: aclActions(g)}
			switch {
			case g.Public():
				if eff.IgnorePublicAcls {
					continue
				}
				f.Principal, f.IsPublic = map[string]string{"AWS": "*"}, true
				if grantee == AuthenticatedUsers {
					f.Condition["aws:PrincipalType"] = "any but Anonymous (AuthenticatedUsers)"
				}
			case grantee == LogDelivery:
				continue // S3's own log delivery service
			case policy.IsAccountID(grantee):
				if zone.trusts(grantee) {
					continue
				}
				f.Principal = map[string]string{"AWS": grantee}
			default:
				f.Principal = map[string]string{"CanonicalUser": grantee}
			}
			out = append(out, f)
		}
	}
	return out
}

func aclActions(g Grant) []string {
	var out []string
	perms := []string{g.Permission}
	if g.Permission == FullControl {
		perms = []string{Read, Write, ReadACP, WriteACP}
	}
	for _, p := range perms {
		if p == Write {
			out = append(out, bucketWriteActions...)
		} else {
			out = append(out, bucketActions[p]...)
		}
	}
	return out
}

func statementFindings(p *policy.Policy, i int, zone Zone) []Finding {
	st := &p.Statements[i]
	if st.Effect != policy.Allow || st.Principal == nil || st.Principal.Not {
		return nil
	}
	actions := st.Action
	if st.NotAction {
		actions = []string{"every action but " + strings.Join(st.Action, ", ")}
	}
	conds := map[string]string{}
	for _, c := range st.Conditions {
		conds[c.Key] = strings.Join(c.Values, ",")
	}
	mk := func(kind, v string, pub bool) Finding {
		return Finding{Principal: map[string]string{kind: v}, Condition: conds, Actions: actions, IsPublic: pub, Source: "POLICY", Statement: i}
	}
	ps := st.Principal
	var out []Finding
	if ps.Any {
		if !conditionsKeepInZone(st.Conditions, zone) {
			_, pub := public.Statement(p, i)
			out = append(out, mk("AWS", "*", pub))
		}
		return out
	}
	for _, a := range ps.AWS {
		if acct := accountOf(a); acct != "" && zone.trusts(acct) {
			continue
		}
		out = append(out, mk("AWS", a, false))
	}
	for _, s := range ps.Service {
		// A service acting for an account of the zone stays inside it.
		if conditionsKeepInZone(st.Conditions, zone) {
			continue
		}
		out = append(out, mk("Service", s, false))
	}
	for _, f := range ps.Federated {
		out = append(out, mk("Federated", f, false))
	}
	for _, c := range ps.CanonicalUser {
		out = append(out, mk("CanonicalUser", c, false))
	}
	return out
}

// accountOf returns the account of an account ID or principal ARN.
func accountOf(v string) string {
	if policy.IsAccountID(v) {
		return v
	}
	if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[0] == "arn" && policy.IsAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

// conditionsKeepInZone reports whether one of the conditions, all of
// which must hold, admits only callers of the zone: a positive string or
// ARN operator on aws:PrincipalOrgID naming the zone's organization, or on
// an account key (aws:PrincipalAccount, aws:SourceAccount,
// aws:SourceOwner, s3:DataAccessPointAccount) or ARN key
// (aws:PrincipalArn, aws:SourceArn) naming only accounts of the zone.
func conditionsKeepInZone(conds []policy.Condition, zone Zone) bool {
	for _, c := range conds {
		op := c.Operator
		if strings.HasPrefix(op, "ForAllValues:") || strings.HasSuffix(op, "IfExists") {
			continue
		}
		op = strings.TrimPrefix(op, "ForAnyValue:")
		switch op {
		case "StringEquals", "StringLike", "StringEqualsIgnoreCase", "ArnEquals", "ArnLike":
		default:
			continue
		}
		inside := len(c.Values) > 0
		for _, v := range c.Values {
			switch strings.ToLower(c.Key) {
			case "aws:principalorgid":
				inside = inside && zone.OrgID != "" && v == zone.OrgID
			case "aws:principalaccount", "aws:sourceaccount", "aws:sourceowner", "s3:dataaccesspointaccount":
				inside = inside && zone.trusts(v)
			case "aws:principalarn", "aws:sourcearn":
				acct := accountOf(v)
				inside = inside && acct != "" && zone.trusts(acct)
			default:
				inside = false
			}
		}
		if inside {
			return true
		}
	}
	return false
}

// fencedToZone reports whether the policy denies every S3 action to every
// caller outside the zone, in the form AWS's data perimeter examples use:
// Deny "*" on s3:* (or *) when aws:PrincipalOrgID or aws:PrincipalAccount
// is not the zone's.
func fencedToZone(p *policy.Policy, zone Zone) bool {
	for _, st := range p.Statements {
		if st.Effect != policy.Deny || st.Principal == nil || !st.Principal.Any || st.NotAction || st.NotResource ||
			!(slices.Contains(st.Action, "*") || slices.ContainsFunc(st.Action, func(a string) bool { return strings.EqualFold(a, "s3:*") })) ||
			len(st.Conditions) != 1 {
			continue
		}
		c := st.Conditions[0]
		if c.Operator != "StringNotEquals" && c.Operator != "StringNotEqualsIfExists" {
			continue
		}
		all := len(c.Values) > 0
		for _, v := range c.Values {
			switch strings.ToLower(c.Key) {
			case "aws:principalorgid":
				all = all && zone.OrgID != "" && v == zone.OrgID
			case "aws:principalaccount":
				all = all && zone.trusts(v)
			default:
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}
