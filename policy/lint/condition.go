package lint

import (
	"net/netip"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

// globalKey is an AWS global condition key (IAM User Guide, "AWS global
// condition context keys"), with the data type the guide gives it.
type globalKey struct {
	name  string
	typ   string // as the Service Authorization Reference spells types
	multi bool   // a multivalued key
}

// globalKeys are the global condition keys, by lower-cased name. Tag keys
// (aws:RequestTag/, aws:ResourceTag/, aws:PrincipalTag/) are matched by
// prefix in keyInfo. The multivalued ones are those the guide marks
// multivalued: aws:CalledVia, aws:PrincipalOrgPaths,
// aws:PrincipalServiceNamesList, aws:ResourceOrgPaths, aws:SourceOrgPaths,
// aws:TagKeys and aws:VpceOrgPaths.
var globalKeys = func() map[string]globalKey {
	m := map[string]globalKey{}
	for _, k := range []globalKey{
		{"aws:CalledVia", "ArrayOfString", true},
		{"aws:CalledViaFirst", "String", false},
		{"aws:CalledViaLast", "String", false},
		{"aws:ChatbotSourceArn", "ARN", false},
		{"aws:CurrentTime", "Date", false},
		{"aws:Ec2InstanceSourcePrivateIPv4", "IPAddress", false},
		{"aws:Ec2InstanceSourceVpc", "String", false},
		{"aws:EpochTime", "DateOrNumeric", false},
		{"aws:FederatedProvider", "String", false},
		{"aws:MultiFactorAuthAge", "Numeric", false},
		{"aws:MultiFactorAuthPresent", "Bool", false},
		{"aws:PrincipalAccount", "String", false},
		{"aws:PrincipalArn", "ARN", false},
		{"aws:PrincipalIsAWSService", "Bool", false},
		{"aws:PrincipalOrgID", "String", false},
		{"aws:PrincipalOrgPaths", "ArrayOfString", true},
		{"aws:PrincipalServiceName", "String", false},
		{"aws:PrincipalServiceNamesList", "ArrayOfString", true},
		{"aws:PrincipalType", "String", false},
		{"aws:referer", "String", false},
		{"aws:RequestedRegion", "String", false},
		{"aws:ResourceAccount", "String", false},
		{"aws:ResourceOrgID", "String", false},
		{"aws:ResourceOrgPaths", "ArrayOfString", true},
		{"aws:SecureTransport", "Bool", false},
		{"aws:SourceAccount", "String", false},
		{"aws:SourceArn", "ARN", false},
		{"aws:SourceIdentity", "String", false},
		{"aws:SourceIp", "IPAddress", false},
		{"aws:SourceOrgID", "String", false},
		{"aws:SourceOrgPaths", "ArrayOfString", true},
		{"aws:SourceOwner", "String", false},
		{"aws:SourceVpc", "String", false},
		{"aws:SourceVpcArn", "ARN", false},
		{"aws:SourceVpce", "String", false},
		{"aws:TagKeys", "ArrayOfString", true},
		{"aws:TokenIssueTime", "Date", false},
		{"aws:UserAgent", "String", false},
		{"aws:userid", "String", false},
		{"aws:username", "String", false},
		{"aws:ViaAWSService", "Bool", false},
		{"aws:VpceAccount", "String", false},
		{"aws:VpceOrgID", "String", false},
		{"aws:VpceOrgPaths", "ArrayOfString", true},
		{"aws:VpcSourceIp", "IPAddress", false},
		{"aws:AssumedRoot", "", false},
	} {
		m[strings.ToLower(k.name)] = k
	}
	return m
}()

// tagKeys are the keys that take a tag key after a slash.
var tagKeys = []string{
	"aws:RequestTag", "aws:ResourceTag", "aws:PrincipalTag",
	"s3:ExistingObjectTag", "s3:RequestObjectTag", "s3:BucketTag", "s3:AccessPointTag",
}

// keyInfo returns what is known of a condition key: its data type ("" if
// not known) and whether it is multivalued. known is false for a key of
// the aws, s3, kms or sts prefix that neither the catalog nor the table
// of global keys lists; checked reports whether the key's prefix is one
// of those.
func keyInfo(key string) (typ string, multi, known, checked bool) {
	prefix, _, _ := strings.Cut(key, ":")
	lower := strings.ToLower(key)
	if strings.EqualFold(prefix, "aws") {
		if k, ok := globalKeys[lower]; ok {
			return k.typ, k.multi, true, true
		}
		for _, t := range []string{"aws:requesttag/", "aws:resourcetag/", "aws:principaltag/"} {
			if strings.HasPrefix(lower, t) && len(lower) > len(t) {
				return "String", false, true, true
			}
		}
	}
	if k, ok := catalog.LookupConditionKey(key); ok {
		return k.Type, strings.HasPrefix(k.Type, "ArrayOf"), true, true
	}
	switch strings.ToLower(prefix) {
	case "aws", "s3", "kms", "sts":
		return "", false, false, true
	}
	return "", false, false, false
}

// compatible reports whether an operator family fits a key's data type
// (IAM User Guide, "Condition operators").
func compatible(family, typ string) bool {
	typ = strings.TrimPrefix(typ, "ArrayOf")
	switch family {
	case "Null", "":
		return true
	case "String":
		return typ == "String" || typ == "ARN"
	case "Arn":
		return typ == "ARN"
	case "Numeric":
		return typ == "Numeric" || typ == "DateOrNumeric"
	case "Date":
		return typ == "Date" || typ == "DateOrNumeric"
	case "Bool":
		return typ == "Bool"
	case "IpAddress":
		return typ == "IPAddress"
	case "Binary":
		return typ == "Binary"
	}
	return true
}

// operatorFor names the operators that fit a key's data type.
func operatorFor(typ string) string {
	switch strings.TrimPrefix(typ, "ArrayOf") {
	case "ARN":
		return "ARN (or String)"
	case "DateOrNumeric":
		return "Date or Numeric"
	case "IPAddress":
		return "IP address"
	}
	return strings.TrimPrefix(typ, "ArrayOf")
}

// privateRanges are the ranges aws:SourceIp never holds: requests from
// them reach AWS through a VPC endpoint, where aws:SourceIp is not set
// (IAM User Guide, aws:SourceIp; RFC 1918 and RFC 4193).
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("fc00::/7"),
}

func private(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if p.Addr().Is4() == r.Addr().Is4() && p.Bits() >= r.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// broad reports whether a CIDR block is broader than an IPv4 /8 or an
// IPv6 /32, the bounds past which the S3 User Guide ("The meaning of
// "public"") calls a grant conditioned on aws:SourceIp public (private
// ranges excepted).
func broad(p netip.Prefix) bool {
	if p.Addr().Is4() || p.Addr().Is4In6() {
		bits := p.Bits()
		if p.Addr().Is4In6() {
			bits -= 96
		}
		return bits < 8
	}
	return p.Bits() < 32
}

// conditions checks the Condition element.
func (l *linter) conditions(p *policy.Policy, s *policy.Statement) {
	for ci := range s.Conditions {
		c := &s.Conditions[ci]
		el := "Condition: " + c.Operator + ": " + c.Key
		op, ok := parseOperator(c.Operator)
		if !ok {
			continue // the engine accepted it: cannot happen
		}
		fam := op.family()
		for _, d := range s.Conditions[:ci] {
			if d.Operator == c.Operator && d.Key != c.Key && strings.EqualFold(d.Key, c.Key) {
				l.add("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", s.Index, s.Sid, el, "The condition key %s appears more than once with different capitalization (%s) in the same condition block. Remove the duplicate condition keys.", c.Key, d.Key)
				break
			}
		}
		l.conditionKey(s, el, c.Key, op)
		if like, ok := likeOperators[op.base]; ok {
			for _, v := range c.Values {
				if hasGlob(v, p.Version == policy.Version2012) {
					extra := ""
					if fam == "Arn" {
						extra = " (" + op.base + " matches wildcards as " + like + " does; " + like + " says so.)"
					}
					l.add("WILDCARD_WITHOUT_LIKE_OPERATOR", s.Index, s.Sid, el, "The condition value %q includes a * or ? character. If you meant to use a wildcard (*, ?), update the condition operator to %s.%s", v, strings.Replace(c.Operator, op.base, like, 1), extra)
					break
				}
			}
		}
		if op.base == "Bool" && len(c.Values) > 1 {
			l.add("INVALID_CONDITION_MULTIPLE_BOOLEAN", s.Index, s.Sid, el, "The condition key %s does not support multiple Boolean values. Use a single Boolean value.", c.Key)
		}
		if fam == "Date" {
			for _, v := range c.Values {
				if len(v) > 4 && isDigits(v) {
					l.add("INVALID_DATE_VALUE", s.Index, s.Sid, el, "The date %s (epoch seconds) might not resolve as expected. We recommend that you use the YYYY-MM-DD format.", v)
					break
				}
			}
		}
		if (fam == "String" || fam == "Arn") && p.Version != policy.Version2012 {
			for _, v := range c.Values {
				if hasVariable(v) {
					l.add("VARIABLE_UNSUPPORTED_IN_VERSION", s.Index, s.Sid, el, "To include variables in your policy, use the policy version 2012-10-17: in %s, %q is literal text.", versionName(p), v)
					break
				}
			}
		}
		if fam == "IpAddress" {
			l.ipValues(s, el, c, op)
		}
	}
}

// likeOperators maps the operators that take no wildcard (but ArnEquals,
// which takes them as ArnLike does) to their Like form.
var likeOperators = map[string]string{
	"StringEquals":              "StringLike",
	"StringNotEquals":           "StringNotLike",
	"StringEqualsIgnoreCase":    "StringLike",
	"StringNotEqualsIgnoreCase": "StringNotLike",
	"ArnEquals":                 "ArnLike",
	"ArnNotEquals":              "ArnNotLike",
}

// hasGlob reports whether a condition value holds * or ?, not counting
// ${*} and ${?}, which stand for the characters themselves in Version
// 2012-10-17.
func hasGlob(v string, vars bool) bool {
	if vars {
		v = strings.ReplaceAll(strings.ReplaceAll(v, "${*}", ""), "${?}", "")
	}
	return strings.ContainsAny(v, "*?")
}

// conditionKey checks the key of a condition against the operator.
func (l *linter) conditionKey(s *policy.Statement, el, key string, op opInfo) {
	prefix, rest, ok := strings.Cut(key, ":")
	if !ok || prefix == "" || rest == "" {
		l.add("INVALID_CONDITION_KEY_FORMAT", s.Index, s.Sid, el, "The condition key format of %q is not valid. Use the format service:keyname.", key)
		return
	}
	for _, t := range tagKeys {
		if strings.EqualFold(key, t) || strings.EqualFold(key, t+"/") {
			l.add("MISSING_TAG_KEY_IN_CONDITION", s.Index, s.Sid, el, "The condition key %s must include a tag key to control access based on tags. Use the format %s/tag-key.", key, t)
			return
		}
	}
	if strings.EqualFold(key, "aws:ARN") {
		l.add("DEPRECATED_GLOBAL_CONDITION_KEY", s.Index, s.Sid, el, "We recommend that you update aws:ARN to use the newer condition keys aws:PrincipalArn or aws:SourceArn.")
		return
	}
	typ, multi, known, checked := keyInfo(key)
	if !known {
		if checked {
			if strings.EqualFold(prefix, "aws") {
				l.add("INVALID_GLOBAL_CONDITION_KEY", s.Index, s.Sid, el, "The condition key %s does not exist among the AWS global condition keys. Use a valid condition key.", key)
			} else {
				l.add("INVALID_SERVICE_CONDITION_KEY", s.Index, s.Sid, el, "The condition key %s does not exist in the service %s. Use a valid condition key.", key, strings.ToLower(prefix))
			}
		}
		return
	}
	if op.base == "Null" {
		return
	}
	switch {
	case multi && op.set == "":
		l.add("MISSING_QUALIFIER", s.Index, s.Sid, el, "The request context key %s has multiple values. Use the ForAllValues or ForAnyValue condition key qualifiers in your policy.", key)
	case !multi && op.set == "ForAllValues":
		l.add("FORALLVALUES_WITH_SINGLE_VALUED_KEY", s.Index, s.Sid, el, "Using ForAllValues qualifier with the single-valued condition key %s can be overly permissive: it matches when the key is absent. We recommend that you remove ForAllValues:.", key)
	case !multi && op.set == "ForAnyValue":
		l.add("FORANYVALUE_WITH_SINGLE_VALUED_KEY", s.Index, s.Sid, el, "The ForAnyValue qualifier is meant for multivalued keys, and %s is single-valued. We recommend that you remove ForAnyValue:.", key)
	}
	if typ != "" && !compatible(op.family(), typ) {
		l.add("TYPE_MISMATCH", s.Index, s.Sid, el, "Use a %s operator instead of %s for the condition key %s, whose type is %s.", operatorFor(typ), op.base, key, typ)
	}
}

// ipValues checks the values of an IpAddress or NotIpAddress condition.
func (l *linter) ipValues(s *policy.Statement, el string, c *policy.Condition, op opInfo) {
	for _, v := range c.Values {
		if p, err := netip.ParsePrefix(v); err == nil && p != p.Masked() {
			l.add("IMPROVE_IP_RANGE", s.Index, s.Sid, el, "The non-zero bits in the IP address %s after the masked bits are ignored. Replace the address with %s.", v, p.Masked())
		}
	}
	if !strings.EqualFold(c.Key, "aws:SourceIp") {
		return
	}
	var priv, pub int
	var wide []string
	for _, v := range c.Values {
		p, ok := policy.ParseCIDR(v)
		if !ok {
			continue
		}
		p = p.Masked()
		if private(p) {
			priv++
		} else {
			pub++
		}
		if broad(p) && !private(p) {
			wide = append(wide, v)
		}
	}
	not := op.base == "NotIpAddress"
	switch {
	case priv > 0 && pub == 0 && !not:
		l.add("PRIVATE_IP_ADDRESS", s.Index, s.Sid, el, "aws:SourceIp works only for public IP address ranges. The values for condition key aws:SourceIp include only private IP addresses and will not have the desired effect: a request from a private address comes through a VPC endpoint, where aws:SourceIp is not set. Use aws:VpcSourceIp, or aws:SourceVpc or aws:SourceVpce.")
	case priv > 0 && pub == 0:
		l.add("PRIVATE_NOT_IP_ADDRESS", s.Index, s.Sid, el, "The values for condition key aws:SourceIp include only private IP addresses and have no effect: aws:SourceIp works only for public IP address ranges, so every request is outside them. Update the value to include only public IP addresses, or use aws:VpcSourceIp.")
	case priv > 0 && !not:
		l.add("PRIVATE_IP_ADDRESS_SUBSET", s.Index, s.Sid, el, "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private addresses will not have the desired effect. aws:SourceIp works only for public IP address ranges. To define permissions for private IP ranges, use aws:VpcSourceIp.")
	case priv > 0:
		l.add("PRIVATE_NOT_IP_ADDRESS_SUBSET", s.Index, s.Sid, el, "The values for condition key aws:SourceIp include a mix of private and public IP addresses. The private addresses have no effect. aws:SourceIp works only for public IP address ranges. To define permissions for private IP ranges, use aws:VpcSourceIp.")
	}
	if len(wide) > 0 && (s.Effect == policy.Allow) != not {
		what := "allows requests from nearly every address"
		if not {
			what = "denies requests from next to no address"
		}
		l.add("OVERLY_BROAD_SOURCE_IP", s.Index, s.Sid, el, "The range %s is broader than an IPv4 /8 or an IPv6 /32, which the S3 User Guide treats as public: the condition restricts next to nothing, and the statement %s. Name the ranges you mean.", strings.Join(wide, ", "), what)
	}
}
