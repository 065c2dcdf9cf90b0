package public

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// keyKind tells how the values of a condition key are judged.
type keyKind uint8

const (
	keyString      keyKind = iota // any fixed string
	keyIP                         // aws:SourceIp: CIDR blocks no broader than /8 or /32
	keyUserID                     // aws:userid: also ROLEID:*
	keyAccessPoint                // s3:DataAccessPointArn: a wildcard in the access point name
)

// fixingKeys are the condition keys whose fixed values make a statement
// non-public, by lower-cased name: the User Guide's list ("The meaning of
// "public""), its example of a principal key (aws:PrincipalOrgID), and
// aws:PrincipalAccount.
var fixingKeys = map[string]struct {
	name string // as AWS spells it
	kind keyKind
}{
	"aws:sourceip":              {"aws:SourceIp", keyIP},
	"aws:sourcearn":             {"aws:SourceArn", keyString},
	"aws:sourcevpc":             {"aws:SourceVpc", keyString},
	"aws:sourcevpce":            {"aws:SourceVpce", keyString},
	"aws:sourceowner":           {"aws:SourceOwner", keyString},
	"aws:sourceaccount":         {"aws:SourceAccount", keyString},
	"aws:principalorgid":        {"aws:PrincipalOrgID", keyString},
	"aws:principalaccount":      {"aws:PrincipalAccount", keyString},
	"aws:userid":                {"aws:userid", keyUserID},
	"s3:dataaccesspointarn":     {"s3:DataAccessPointArn", keyAccessPoint},
	"s3:dataaccesspointaccount": {"s3:DataAccessPointAccount", keyString},
	"s3:x-amz-server-side-encryption-aws-kms-key-id": {"s3:x-amz-server-side-encryption-aws-kms-key-id", keyString},
}

// conditionsFix looks for a condition that fixes the caller. by describes
// the first one found; when there is none, notes say, for each condition
// on one of the fixing keys, why it does not fix the caller.
//
// The conditions of a statement must all hold, so one condition that fixes
// the caller is enough.
func conditionsFix(conds []policy.Condition, m mode) (by string, notes []string) {
	for i := range conds {
		c := &conds[i]
		k, ok := fixingKeys[strings.ToLower(c.Key)]
		if !ok {
			continue
		}
		base, set, ifExists := splitOperator(c.Operator)
		switch {
		case set == "ForAllValues":
			notes = append(notes, fmt.Sprintf("%s is under %s, which matches a request without the key", k.name, c.Operator))
			continue
		case ifExists:
			notes = append(notes, fmt.Sprintf("%s is under %s, which matches a request without the key", k.name, c.Operator))
			continue
		case negated[base]:
			notes = append(notes, fmt.Sprintf("%s is under %s, a negated operator, which matches every other value", k.name, c.Operator))
			continue
		case k.kind == keyIP && base != "IpAddress":
			notes = append(notes, fmt.Sprintf("%s is under %s, not IpAddress", k.name, c.Operator))
			continue
		case k.kind != keyIP && !stringOperators[base]:
			notes = append(notes, fmt.Sprintf("%s is under %s, which fixes no value", k.name, c.Operator))
			continue
		}
		why := ""
		for _, v := range c.Values {
			if why = valueNotFixed(k.name, k.kind, v, m); why != "" {
				break
			}
		}
		if why != "" {
			notes = append(notes, why)
			continue
		}
		if len(c.Values) == 0 {
			// Not from package policy, which requires a value.
			notes = append(notes, fmt.Sprintf("%s has no value", k.name))
			continue
		}
		return fmt.Sprintf("%s on %s %s fixes the caller", c.Operator, k.name, quoteAll(c.Values)), nil
	}
	return "", notes
}

// stringOperators are the operators that, on a fixing key, fix its value.
var stringOperators = map[string]bool{
	"StringEquals": true, "StringEqualsIgnoreCase": true, "StringLike": true,
	"ArnEquals": true, "ArnLike": true,
}

// negated are the operators that match when no policy value matches, and
// match a missing key (IAM User Guide, "Condition operators").
var negated = map[string]bool{
	"StringNotEquals": true, "StringNotEqualsIgnoreCase": true, "StringNotLike": true,
	"NumericNotEquals": true, "DateNotEquals": true, "NotIpAddress": true,
	"ArnNotEquals": true, "ArnNotLike": true,
}

// splitOperator splits an operator as written, such as
// "ForAnyValue:StringLikeIfExists", into its base operator ("StringLike"),
// its set qualifier ("ForAnyValue", "ForAllValues" or "") and whether it
// ends in IfExists.
func splitOperator(op string) (base, set string, ifExists bool) {
	if q, rest, ok := strings.Cut(op, ":"); ok && (q == "ForAllValues" || q == "ForAnyValue") {
		set, op = q, rest
	}
	// No operator's own name ends in IfExists.
	op, ifExists = strings.CutSuffix(op, "IfExists")
	return op, set, ifExists
}

// valueNotFixed says why v, a value of the key name of kind k, does not
// fix the caller, or returns "".
func valueNotFixed(name string, k keyKind, v string, m mode) string {
	// "For anonymous requests, the request context returns anonymous"
	// (IAM User Guide, AWS global condition context keys:
	// aws:PrincipalAccount; Policy variables, Principal key values:
	// aws:userid): a value that names it lets everyone in. Read without
	// regard to case, the stricter reading.
	if l := strings.ToLower(name); (l == "aws:principalaccount" || l == "aws:userid") && strings.EqualFold(v, "anonymous") {
		return fmt.Sprintf("%s %q is what an anonymous request carries", name, v)
	}
	switch k {
	case keyIP:
		return ipNotFixed(name, v)
	case keyUserID:
		if roleSessions(v) {
			return ""
		}
	case keyAccessPoint:
		if m.accessPoint {
			if why := notFixed(v, m.vars); why != "" {
				return fmt.Sprintf("%s %q %s (in an access point policy, a set of access points is public)", name, v, why)
			}
			return ""
		}
		if why, ok := accessPointNotFixed(v, m.vars); ok {
			if why == "" {
				return ""
			}
			return fmt.Sprintf("%s %q %s", name, v, why)
		}
	}
	if why := notFixed(v, m.vars); why != "" {
		return fmt.Sprintf("%s %q %s", name, v, why)
	}
	return ""
}

// ipNotFixed judges an aws:SourceIp value: an address or a CIDR block.
func ipNotFixed(name, v string) string {
	var p netip.Prefix
	if strings.Contains(v, "/") {
		var err error
		if p, err = netip.ParsePrefix(v); err != nil {
			return fmt.Sprintf("%s %q is not a CIDR block", name, v)
		}
	} else {
		a, err := netip.ParseAddr(v)
		if err != nil {
			return fmt.Sprintf("%s %q is not an IP address", name, v)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	bits := p.Bits()
	switch a := p.Addr(); {
	case a.Is4():
		if bits < 8 {
			return fmt.Sprintf("%s %s is broader than /8", name, v)
		}
	case a.Is4In6() && bits >= 96:
		if bits-96 < 8 {
			return fmt.Sprintf("%s %s (IPv4 /%d) is broader than /8", name, v, bits-96)
		}
	default:
		if bits < 32 {
			return fmt.Sprintf("%s %s is broader than /32", name, v)
		}
	}
	return ""
}

// roleSessions reports whether v is of the form ROLEID:*, every session of
// one role: a role's unique ID is AROA followed by upper-case letters and
// digits.
func roleSessions(v string) bool {
	id, ok := strings.CutSuffix(v, ":*")
	if !ok || len(id) <= len("AROA") || !strings.HasPrefix(id, "AROA") {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// accessPointNotFixed judges an s3:DataAccessPointArn value that is an
// access point ARN, arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME: the
// NAME may hold wildcards when the rest is fixed. ok is false when v is
// not of that form, and the general rule applies.
func accessPointNotFixed(v string, vars bool) (why string, ok bool) {
	parts := strings.SplitN(v, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "", false
	}
	name, ok := strings.CutPrefix(parts[5], "accesspoint/")
	if !ok || name == "" {
		return "", false
	}
	for _, part := range parts[1:5] {
		if notFixed(part, vars) != "" {
			return "has a wildcard or policy variable outside the access point name", true
		}
	}
	if !policy.IsAccountID(parts[4]) {
		return "does not name a 12-digit account", true
	}
	if _, variable := scan(name, vars); variable {
		return "uses a policy variable", true
	}
	return "", true
}

// quoteAll quotes values for a message: "a" or ("a", "b").
func quoteAll(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	if len(q) == 1 {
		return q[0]
	}
	return "(" + strings.Join(q, ", ") + ")"
}
