package lint

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
)

// This file checks a statement as raw JSON. It runs on the statements the
// policy engine refuses, and names, with Access Analyzer's codes,
// everything policy.Parse refuses; it also builds the statement without
// its faulty parts, so that the rest of it can still be checked.

// rawExtras makes the checks of a statement the engine accepts that need
// the JSON as written.
func (l *linter) rawExtras(i int, raw json.RawMessage) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	var sid string
	if v, ok := m["Sid"]; ok && json.Unmarshal(v, &sid) == nil && sid == "" {
		l.add("EMPTY_SID_VALUE", i, "", "Sid", "Add a value to the empty string in the Sid element.")
	}
	if v, ok := m["Condition"]; ok {
		var block map[string]json.RawMessage
		if json.Unmarshal(v, &block) == nil && block != nil && len(block) == 0 {
			l.add("EMPTY_OBJECT_CONDITION", i, sid, "Condition", "This condition block is empty and it does not affect the policy. Specify conditions.")
		}
	}
}

// rawStatement checks statement i, which policy.Parse refuses, and returns
// it without its faulty parts (nil if nothing can be kept).
func (l *linter) rawStatement(i int, raw json.RawMessage) map[string]any {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		l.add("DATA_TYPE_MISMATCH", i, "", "", "The text does not match the expected JSON data type: a statement must be a JSON object.")
		return nil
	}
	out := map[string]any{}
	var sid string
	if v, ok := m["Sid"]; ok {
		if err := json.Unmarshal(v, &sid); err != nil {
			l.add("DATA_TYPE_MISMATCH", i, "", "Sid", "The text does not match the expected JSON data type string.")
		} else {
			out["Sid"] = sid
			if sid == "" {
				l.add("EMPTY_SID_VALUE", i, "", "Sid", "Add a value to the empty string in the Sid element.")
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
			"Resource", "NotResource", "Condition":
		default:
			l.add("INVALID_POLICY_ELEMENT", i, sid, k, "The policy element %s is not valid.", k)
		}
	}

	// Effect.
	effect := ""
	if v, ok := m["Effect"]; !ok {
		l.add("MISSING_EFFECT", i, sid, "Effect", "Add an Effect element to the policy statement with a value of Allow or Deny.")
	} else if err := json.Unmarshal(v, &effect); err != nil {
		l.add("DATA_TYPE_MISMATCH", i, sid, "Effect", "The text does not match the expected JSON data type string.")
	} else if effect != "Allow" && effect != "Deny" {
		l.add("INVALID_EFFECT", i, sid, "Effect", "The effect %q is not valid. Use Allow or Deny.", effect)
		effect = ""
	}
	if effect == "" {
		effect = "Allow"
	}
	out["Effect"] = effect

	// Principal / NotPrincipal.
	pr, hasP := m["Principal"]
	npr, hasNP := m["NotPrincipal"]
	needs := l.typ == policy.ResourceBased || l.typ == policy.ResourceControlPolicy || l.typ == policy.VPCEndpointPolicy
	switch {
	case hasP && hasNP:
		l.add("UNSUPPORTED_ELEMENT_COMBINATION", i, sid, "Principal", "The policy elements Principal and NotPrincipal can not be used in the same statement. Remove one of these elements.")
	case !needs && (hasP || hasNP):
		el := "Principal"
		if !hasP {
			el = "NotPrincipal"
		}
		if l.typ == policy.ServiceControlPolicy {
			l.add("SCP_SYNTAX_ERROR_PRINCIPAL", i, sid, el, "SCPs do not support specifying principals. Remove the %s element.", el)
		} else {
			l.add("UNSUPPORTED_PRINCIPAL", i, sid, el, "The policy type %s does not support the %s element. Remove the %s element.", l.typ, el, el)
		}
	case needs && !hasP && !hasNP:
		l.add("MISSING_PRINCIPAL", i, sid, "Principal", "Add a Principal element to the policy statement.")
	case hasP:
		l.rawPrincipal(i, sid, "Principal", pr)
	case hasNP:
		if effect == "Allow" {
			l.refused("ALLOW_WITH_NOT_PRINCIPAL", i, sid, "NotPrincipal", "Using Allow with NotPrincipal can be overly permissive: it grants the statement to every principal not listed, anonymous ones included. We recommend that you use Principal instead.")
		}
		l.rawPrincipal(i, sid, "NotPrincipal", npr)
	}
	if l.typ == policy.ResourceControlPolicy && (hasNP || hasP && !principalAny(pr)) {
		l.add("RCP_SYNTAX_ERROR_PRINCIPAL", i, sid, "Principal", `Resource control policies support only "Principal": "*"; use conditions such as aws:PrincipalArn to name principals.`)
	}
	if needs {
		out["Principal"] = "*"
	}

	// Action / NotAction.
	if name, list, ok := l.rawExclusive(i, sid, m, "Action", "NotAction"); ok {
		var keep []string
		for _, a := range list {
			if msg, code := actionIssue(a); code != "" {
				l.add(code, i, sid, name, "%s", msg)
				continue
			}
			keep = append(keep, a)
		}
		if len(keep) > 0 {
			out[name] = keep
		}
	}
	if _, ok := out["Action"]; !ok {
		if _, ok := out["NotAction"]; !ok {
			out["Action"] = "*"
		}
	}

	// Resource / NotResource.
	if name, list, ok := l.rawExclusive(i, sid, m, "Resource", "NotResource"); ok {
		var keep []string
		for _, r := range list {
			if code, msg := resourceIssue(r, l.vars); code != "" {
				l.add(code, i, sid, name, "%s", msg)
				continue
			}
			keep = append(keep, r)
		}
		if len(keep) > 0 {
			out[name] = keep
		}
	}
	if _, ok := out["Resource"]; !ok {
		if _, ok := out["NotResource"]; !ok {
			out["Resource"] = "*"
		}
	}

	// Condition.
	if v, ok := m["Condition"]; ok {
		if cond := l.rawConditions(i, sid, v); len(cond) > 0 {
			out["Condition"] = cond
		}
	}
	return out
}

// principalAny reports whether a Principal element is "*" or names
// {"AWS": "*"}, as policy.Parse reads it.
func principalAny(raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s == "*"
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	list, _ := stringOrList(m["AWS"])
	return slices.Contains(list, "*")
}

// stringOrList decodes a JSON string or array of strings as policy.Parse
// does.
func stringOrList(raw json.RawMessage) ([]string, bool) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return []string{one}, true
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, false
	}
	return list, true
}

// rawExclusive reads the one of two exclusive elements that is present.
func (l *linter) rawExclusive(i int, sid string, m map[string]json.RawMessage, a, b string) (string, []string, bool) {
	va, hasA := m[a]
	vb, hasB := m[b]
	switch {
	case hasA && hasB:
		l.add("UNSUPPORTED_ELEMENT_COMBINATION", i, sid, a, "The policy elements %s and %s can not be used in the same statement. Remove one of these elements.", a, b)
		return "", nil, false
	case !hasA && !hasB:
		code, msg := "MISSING_ACTION", "Add an Action or NotAction element to the policy statement."
		if a == "Resource" {
			code, msg = "MISSING_RESOURCE", "Add a Resource or NotResource element to the policy statement."
		}
		l.add(code, i, sid, a, "%s", msg)
		return "", nil, false
	case hasB:
		a, va = b, vb
	}
	list, ok := stringOrList(va)
	if !ok {
		l.add("DATA_TYPE_MISMATCH", i, sid, a, "The text does not match the expected JSON data type: %s must be a string or an array of strings.", a)
		return "", nil, false
	}
	if len(list) == 0 {
		code, what := "EMPTY_ARRAY_ACTION", "actions"
		if strings.HasSuffix(a, "Resource") {
			code, what = "EMPTY_ARRAY_RESOURCE", "resources"
		}
		l.refused(code, i, sid, a, "This statement includes no %s and does not affect the policy. Specify %s.", what, what)
		return "", nil, false
	}
	return a, list, true
}

// actionIssue checks the form service:action, as policy.Parse does.
func actionIssue(a string) (msg, code string) {
	if a == "*" {
		return "", ""
	}
	svc, name, ok := strings.Cut(a, ":")
	if !ok || svc == "" || name == "" {
		return "The action " + strconv.Quote(a) + " is not of the form service:action.", "INVALID_ACTION"
	}
	for i := 0; i < len(svc); i++ {
		c := svc[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '*' || c == '?') {
			return "The service " + strconv.Quote(svc) + " specified in the action " + strconv.Quote(a) + " does not exist.", "INVALID_SERVICE_IN_ACTION"
		}
	}
	return "", ""
}

// resourceIssue checks a Resource entry as policy.Parse does.
func resourceIssue(r string, vars bool) (code, msg string) {
	if r == "*" {
		return "", ""
	}
	if !strings.HasPrefix(r, "arn:") {
		return "INVALID_ARN_PREFIX", "Add the required prefix (arn) to the resource ARN " + strconv.Quote(r) + "."
	}
	if strings.Count(r, ":") < 5 && !strings.HasSuffix(r, "*") {
		return "MISSING_ARN_FIELD", "The resource ARN " + strconv.Quote(r) + " must include at least 6 fields in the following structure: arn:partition:service:region:account:resource."
	}
	if vars {
		return variableIssue(r)
	}
	return "", ""
}

// variableIssue checks the policy variables of s as policy.Parse reads
// them in a policy of Version 2012-10-17.
func variableIssue(s string) (code, msg string) {
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) || s[i+1] != '{' {
			continue
		}
		end := strings.IndexByte(s[i+2:], '}')
		if end < 0 {
			return "MISSING_BRACE_IN_VARIABLE", "The policy variable in " + strconv.Quote(s) + " is missing a closing curly brace. Add } after the variable text."
		}
		body := s[i+2 : i+2+end]
		i += 2 + end
		switch body {
		case "*", "?", "$":
			continue
		}
		key, def, hasDef := strings.Cut(body, ",")
		key = strings.TrimSpace(key)
		switch {
		case key == "":
			return "EMPTY_VARIABLE", "Empty policy variable in " + strconv.Quote(s) + ". Remove the variable structure or provide a variable within the structure."
		case strings.ContainsAny(key, " \t"):
			return "UNSUPPORTED_SPACE_IN_VARIABLE", "A space is not supported within the policy variable text ${" + body + "}. Remove the space."
		case strings.ContainsAny(key, "'${"):
			return "UNSUPPORTED_SYMBOL_IN_VARIABLE", "The symbol is not supported within the policy variable text ${" + body + "}. Remove the symbol."
		}
		if hasDef {
			def = strings.TrimSpace(def)
			if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
				return "MISSING_QUOTE_IN_VARIABLE", "The policy variable default value in ${" + body + "} must begin and end with a single quote. Add the missing quote."
			}
		}
	}
	return "", ""
}

// rawPrincipal checks a Principal or NotPrincipal element.
func (l *linter) rawPrincipal(i int, sid, el string, raw json.RawMessage) {
	var star string
	if err := json.Unmarshal(raw, &star); err == nil {
		if star != "*" {
			l.add("INVALID_PRINCIPAL_FORMAT", i, sid, el, `The %s element contents are not valid: a string principal must be "*". Specify a key-value pair such as {"AWS": "123456789012"}.`, el)
		}
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		l.add("INVALID_PRINCIPAL_FORMAT", i, sid, el, `The %s element contents are not valid. Specify a key-value pair such as {"AWS": "123456789012"}.`, el)
		return
	}
	if len(m) == 0 {
		l.refused("EMPTY_OBJECT_PRINCIPAL", i, sid, el, "This statement includes no principals and does not affect the policy. Specify principals.")
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		kel := el + ": " + k
		list, ok := stringOrList(m[k])
		if !ok {
			l.add("INVALID_PRINCIPAL_FORMAT", i, sid, kel, "The principal values must be a string or an array of strings.")
			continue
		}
		if len(list) == 0 {
			l.refused("EMPTY_ARRAY_PRINCIPAL", i, sid, kel, "This statement includes no principals and does not affect the policy. Specify principals.")
			continue
		}
		switch k {
		case "AWS":
			for _, v := range list {
				if code, msg := awsPrincipalIssue(v); code != "" {
					l.add(code, i, sid, kel, "%s", msg)
				}
			}
		case "Service":
			for _, v := range list {
				switch {
				case strings.ContainsAny(v, "*?"):
					l.add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", i, sid, kel, "Wildcards (*, ?) are not supported with the principal key Service: %q. Name the service principal, such as cloudtrail.amazonaws.com.", v)
				case !isServiceName(v):
					l.add("INVALID_PRINCIPAL_FORMAT", i, sid, kel, "%q is not a service principal such as cloudtrail.amazonaws.com.", v)
				}
			}
		case "Federated", "CanonicalUser":
			for _, v := range list {
				switch {
				case strings.ContainsAny(v, "*?"):
					l.add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", i, sid, kel, "Wildcards (*, ?) are not supported with the principal key %s: %q. Replace the wildcard with a valid principal value.", k, v)
				case v == "":
					l.add("INVALID_PRINCIPAL_FORMAT", i, sid, kel, "The %s principal must not be empty.", k)
				}
			}
		default:
			l.add("INVALID_PRINCIPAL_KEY", i, sid, kel, "The principal key %s is not valid: use AWS, Service, Federated or CanonicalUser.", k)
		}
	}
}

// awsPrincipalIssue checks a value of {"AWS": ...} as policy.Parse does.
func awsPrincipalIssue(v string) (code, msg string) {
	if v == "*" || policy.IsAccountID(v) {
		return "", ""
	}
	if strings.ContainsAny(v, "*?") {
		return "UNSUPPORTED_WILDCARD_IN_PRINCIPAL", "Wildcards (*, ?) are not supported with the principal key AWS: " + strconv.Quote(v) + `. Use "*" and a condition on aws:PrincipalArn with ArnLike instead.`
	}
	bad := func(why string) (string, string) {
		return "INVALID_PRINCIPAL_FORMAT", strconv.Quote(v) + " is not a valid AWS principal: " + why + "."
	}
	if !strings.HasPrefix(v, "arn:") {
		if isUniqueID(v) {
			return "", ""
		}
		return bad("use an account ID, an ARN or \"*\"")
	}
	parts := strings.SplitN(v, ":", 6)
	if len(parts) != 6 || parts[1] == "" || parts[2] == "" {
		return bad("malformed ARN")
	}
	svc, account, res := parts[2], parts[4], parts[5]
	if !policy.IsAccountID(account) {
		return bad("the account must be 12 digits")
	}
	name := ""
	switch {
	case svc == "iam" && res == "root":
		return "", ""
	case svc == "iam" && strings.HasPrefix(res, "user/"), svc == "iam" && strings.HasPrefix(res, "role/"):
		name = res[strings.LastIndexByte(res, '/')+1:]
	case svc == "sts" && strings.HasPrefix(res, "assumed-role/"):
		role, session, ok := strings.Cut(strings.TrimPrefix(res, "assumed-role/"), "/")
		if !ok || role == "" || session == "" {
			return bad("want arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION")
		}
		return "", ""
	case svc == "sts" && strings.HasPrefix(res, "federated-user/"):
		name = strings.TrimPrefix(res, "federated-user/")
	default:
		return bad("not an account, user, role, role session or federated user ARN")
	}
	if name == "" {
		return bad("missing name")
	}
	return "", ""
}

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

func isServiceName(s string) bool {
	if s == "" || strings.ContainsAny(s, " :/*?") {
		return false
	}
	return strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") ||
		strings.HasSuffix(s, ".amazon.com")
}

// opInfo is a condition operator taken apart.
type opInfo struct {
	base     string // such as "StringEquals"
	set      string // "", "ForAllValues" or "ForAnyValue"
	ifExists bool
}

// operators lists the condition operators of the IAM User Guide
// ("IAM JSON policy elements: Condition operators").
var operators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
	"StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
	"NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals",
	"DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
	"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// parseOperator takes an operator name apart; ok is false for an unknown
// operator.
func parseOperator(name string) (op opInfo, ok bool) {
	for _, q := range []string{"ForAllValues", "ForAnyValue"} {
		if rest, found := strings.CutPrefix(name, q+":"); found {
			op.set, name = q, rest
			break
		}
	}
	if slices.Contains(operators, name) {
		op.base = name
		return op, true
	}
	if base, found := strings.CutSuffix(name, "IfExists"); found && slices.Contains(operators, base) {
		op.base, op.ifExists = base, true
		return op, true
	}
	return op, false
}

// family returns the operator's kind: "String", "Numeric", "Date", "Bool",
// "Binary", "IpAddress", "Arn" or "Null".
func (o opInfo) family() string {
	switch {
	case strings.HasPrefix(o.base, "String"):
		return "String"
	case strings.HasPrefix(o.base, "Numeric"):
		return "Numeric"
	case strings.HasPrefix(o.base, "Date"):
		return "Date"
	case strings.HasPrefix(o.base, "Arn"):
		return "Arn"
	case o.base == "IpAddress" || o.base == "NotIpAddress":
		return "IpAddress"
	case o.base == "BinaryEquals":
		return "Binary"
	}
	return o.base // Bool, Null
}

// rawConditions checks a Condition element and returns its valid part.
func (l *linter) rawConditions(i int, sid string, raw json.RawMessage) map[string]any {
	var block map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil || block == nil {
		l.add("DATA_TYPE_MISMATCH", i, sid, "Condition", "The text does not match the expected JSON data type: Condition must be an object of condition operators.")
		return nil
	}
	if len(block) == 0 {
		l.add("EMPTY_OBJECT_CONDITION", i, sid, "Condition", "This condition block is empty and it does not affect the policy. Specify conditions.")
		return nil
	}
	out := map[string]any{}
	for _, opName := range slices.Sorted(maps.Keys(block)) {
		el := "Condition: " + opName
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(block[opName], &keys); err != nil || keys == nil {
			l.add("DATA_TYPE_MISMATCH", i, sid, el, "The text does not match the expected JSON data type: an operator takes an object of condition keys.")
			continue
		}
		if len(keys) == 0 {
			l.refused("EMPTY_OBJECT_CONDITION", i, sid, el, "This condition block is empty and it does not affect the policy. Specify conditions.")
			continue
		}
		op, ok := parseOperator(opName)
		if !ok {
			l.add("INVALID_CONDITION_OPERATOR", i, sid, el, "The condition operator %s is not valid. Use a valid condition operator.", opName)
			continue
		}
		if op.base == "Null" && op.ifExists {
			l.add("NULL_WITH_IF_EXISTS", i, sid, el, "The Null condition operator cannot be used with the IfExists suffix. Update the operator or the suffix.")
			continue
		}
		if op.base == "Null" && op.set != "" {
			l.refused("NULL_WITH_QUALIFIER", i, sid, el, "Avoid using the Null condition operator with the ForAllValues or ForAnyValue qualifiers because they always return a true or false respectively.")
			continue
		}
		kept := map[string]any{}
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			kel := el + ": " + key
			if key == "" {
				l.add("INVALID_CONDITION_KEY_FORMAT", i, sid, kel, "The condition key format is not valid: the key is empty. Use the format service:keyname.")
				continue
			}
			values, ok := conditionValues(keys[key])
			if !ok {
				l.add("DATA_TYPE_MISMATCH", i, sid, kel, "The text does not match the expected JSON data type: a condition value must be a string, number or Boolean, or an array of them.")
				continue
			}
			if len(values) == 0 {
				code, msg := "EMPTY_ARRAY_CONDITION", "There are no values for the condition key and it does not affect the policy. Specify conditions."
				switch {
				case op.set == "ForAllValues":
					code, msg = "EMPTY_ARRAY_CONDITION_FORALLVALUES", "The ForAllValues prefix with an empty condition key matches only if the key is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead."
				case op.set == "ForAnyValue":
					code, msg = "EMPTY_ARRAY_CONDITION_FORANYVALUE", "The ForAnyValue prefix with an empty condition key never matches the request context and it does not affect the policy. Specify conditions."
				case op.ifExists:
					code, msg = "EMPTY_ARRAY_CONDITION_IFEXISTS", "The IfExists suffix with an empty condition key matches only if the key is missing from the request context. To determine if the request context is empty, we recommend that you use the Null condition operator with the value of true instead."
				}
				l.refused(code, i, sid, kel, "%s", msg)
				continue
			}
			var good []string
			for _, v := range values {
				if code, msg := l.valueIssue(op, v); code != "" {
					if strings.HasPrefix(code, "TYPE_MISMATCH") || code == "INVALID_VARIABLE_FOR_OPERATOR" {
						l.refused(code, i, sid, kel, "%s", msg)
					} else {
						l.add(code, i, sid, kel, "%s", msg)
					}
					continue
				}
				good = append(good, v)
			}
			if len(good) > 0 {
				kept[key] = good
			}
		}
		if len(kept) > 0 {
			out[opName] = kept
		}
	}
	return out
}

// conditionValues decodes a condition value as policy.Parse does: a
// string, number or Boolean, or an array of them (numbers and Booleans as
// their text).
func conditionValues(raw json.RawMessage) ([]string, bool) {
	v, err := policy.ConditionValues(raw)
	return v, err == nil
}

// valueIssue checks a condition value against its operator as
// policy.Parse does.
func (l *linter) valueIssue(op opInfo, v string) (code, msg string) {
	q := strconv.Quote(v)
	hasVar := strings.Contains(v, "${")
	switch op.family() {
	case "String":
		if l.vars {
			return variableIssue(v)
		}
	case "Arn":
		if v == "*" {
			return "", ""
		}
		if strings.Count(v, ":") < 5 {
			return "MISSING_ARN_FIELD", "The condition value " + q + " must be an ARN with at least 6 fields: arn:partition:service:region:account:resource."
		}
		if l.vars {
			return variableIssue(v)
		}
	case "Numeric":
		if f, err := strconv.ParseFloat(v, 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			if hasVar {
				return "INVALID_VARIABLE_FOR_OPERATOR", "Policy variables can only be used with String and ARN operators: " + q + "."
			}
			return "TYPE_MISMATCH_NUMBER", "Add a valid numeric value for the condition operator " + op.base + ": " + q + " is not a number."
		}
	case "Date":
		if !validDate(v) {
			if hasVar {
				return "INVALID_VARIABLE_FOR_OPERATOR", "Policy variables can only be used with String and ARN operators: " + q + "."
			}
			return "TYPE_MISMATCH_DATE", "The date condition operator is used with an invalid value " + q + ". Specify a valid date using YYYY-MM-DD or other ISO 8601 date/time format."
		}
	case "Bool", "Null":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			if hasVar {
				return "INVALID_VARIABLE_FOR_OPERATOR", "Policy variables can only be used with String and ARN operators: " + q + "."
			}
			return "TYPE_MISMATCH_BOOLEAN", "Add a valid Boolean value (true or false) for the condition operator " + op.base + ": " + q + "."
		}
	case "Binary":
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return "TYPE_MISMATCH_STRING", "Add a valid base64-encoded string value for the condition operator: " + q + "."
		}
	case "IpAddress":
		if _, ok := policy.ParseCIDR(v); !ok {
			if hasVar {
				return "INVALID_VARIABLE_FOR_OPERATOR", "Policy variables can only be used with String and ARN operators: " + q + "."
			}
			return "TYPE_MISMATCH_IP_RANGE", "The condition operator is used with an invalid IP range value " + q + ". Specify the IP range in standard CIDR format."
		}
	}
	return "", ""
}

func validDate(s string) bool {
	_, ok := policy.ParseDate(s)
	return ok
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
