package presign

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// The POST policy, as "Creating a POST Policy" of the S3 API reference
// defines it:
//
//	{ "expiration": "2015-12-30T12:00:00.000Z",
//	  "conditions": [
//	    {"bucket": "sigv4examplebucket"},            exact match
//	    ["eq", "$acl", "public-read"],               exact match
//	    ["starts-with", "$key", "user/user1/"],      prefix ("" matches any value)
//	    ["content-length-range", 1048576, 10485760]  the file's size, in bytes
//	  ] }

// policyDoc is a parsed POST policy.
type policyDoc struct {
	expiration time.Time
	conditions []policyCondition
}

// policyCondition is one condition of a POST policy.
type policyCondition struct {
	op       string // "eq", "starts-with" or "content-length-range"
	name     string // the field as the policy wrote it, without "$"
	field    string // the field, lower case
	value    string
	min, max int64 // content-length-range
}

// String formats the condition as S3's "Policy Condition failed" message
// does: ["eq", "$key", "value"].
func (c policyCondition) String() string {
	if c.op == "content-length-range" {
		return `["content-length-range", ` + strconv.FormatInt(c.min, 10) + ", " + strconv.FormatInt(c.max, 10) + "]"
	}
	return `["` + c.op + `", ` + strconv.Quote("$"+c.name) + ", " + strconv.Quote(c.value) + "]"
}

// maxPolicyConditions bounds a policy's conditions.
const maxPolicyConditions = 1000

// parsePolicyDoc parses the JSON of a POST policy (decoded from base64).
func parsePolicyDoc(doc []byte) (*policyDoc, *Error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil || top == nil {
		return nil, errInvalidPolicy("Invalid JSON.")
	}
	for k := range top {
		if k != "expiration" && k != "conditions" {
			return nil, errInvalidPolicy("Unexpected field " + strconv.Quote(k) + ".")
		}
	}
	p := &policyDoc{}
	rawExp, ok := top["expiration"]
	if !ok {
		return nil, errInvalidPolicy("Policy missing expiration.")
	}
	var exp string
	if err := json.Unmarshal(rawExp, &exp); err != nil {
		return nil, errInvalidPolicy("Invalid 'expiration' value: " + string(rawExp))
	}
	t, err := time.Parse(time.RFC3339Nano, exp)
	if err != nil {
		return nil, errInvalidPolicy("Invalid 'expiration' value: " + strconv.Quote(exp))
	}
	p.expiration = t
	rawConds, ok := top["conditions"]
	if !ok {
		return nil, errInvalidPolicy("Policy missing conditions.")
	}
	var conds []json.RawMessage
	if err := json.Unmarshal(rawConds, &conds); err != nil || conds == nil {
		return nil, errInvalidPolicy("Invalid 'conditions' value: it must be an array.")
	}
	if len(conds) > maxPolicyConditions {
		return nil, errInvalidPolicy("Too many conditions.")
	}
	for _, raw := range conds {
		c, err := parsePolicyCondition(raw)
		if err != nil {
			return nil, err
		}
		p.conditions = append(p.conditions, c)
	}
	return p, nil
}

func parsePolicyCondition(raw json.RawMessage) (policyCondition, *Error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || len(obj) != 1 {
			return policyCondition{}, errInvalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for name, v := range obj {
			var value string
			if err := json.Unmarshal(v, &value); err != nil {
				return policyCondition{}, errInvalidPolicy("Invalid Simple-Condition: value must be a string.")
			}
			return policyCondition{op: "eq", name: name, field: strings.ToLower(name), value: value}, nil
		}
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(raw, &arr); err != nil || len(arr) == 0 {
		return policyCondition{}, errInvalidPolicy("Invalid Condition: a condition must be an object or an array.")
	}
	var op string
	if err := json.Unmarshal(arr[0], &op); err != nil {
		return policyCondition{}, errInvalidPolicy("Invalid Condition: the operation must be a string.")
	}
	switch op {
	case "eq", "starts-with":
		var name, value string
		if len(arr) != 3 || json.Unmarshal(arr[1], &name) != nil || json.Unmarshal(arr[2], &value) != nil ||
			!strings.HasPrefix(name, "$") || len(name) < 2 {
			return policyCondition{}, errInvalidPolicy("Invalid '" + op + "' condition: expecting [\"" + op + "\", \"$field\", \"value\"].")
		}
		name = name[1:]
		return policyCondition{op: op, name: name, field: strings.ToLower(name), value: value}, nil
	case "content-length-range":
		if len(arr) != 3 {
			return policyCondition{}, errInvalidPolicy("Invalid 'content-length-range' condition: expecting two integers.")
		}
		lo, ok1 := policyInt(arr[1])
		hi, ok2 := policyInt(arr[2])
		if !ok1 || !ok2 || lo < 0 || hi < lo {
			return policyCondition{}, errInvalidPolicy("Invalid 'content-length-range' condition: expecting two integers, 0 <= min <= max.")
		}
		return policyCondition{op: op, min: lo, max: hi}, nil
	}
	return policyCondition{}, errInvalidPolicy("Invalid Condition: unknown operation " + strconv.Quote(op) + ".")
}

// policyInt reads a JSON integer, or a string holding one.
func policyInt(raw json.RawMessage) (int64, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		s = string(bytes.TrimSpace(raw))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// isExemptField reports whether a form field needs no condition: S3
// exempts x-amz-signature, file, policy and the x-ignore- fields.
func isExemptField(field string) bool {
	switch field {
	case "x-amz-signature", "file", "policy":
		return true
	}
	return strings.HasPrefix(field, "x-ignore-")
}

// check checks every condition but content-length-range against the
// form's fields (names lower case) and the bucket, then that every field
// but the exempt ones is named by a condition.
func (p *policyDoc) check(bucket string, fields map[string]string, order []string) *Error {
	covered := make(map[string]bool, len(p.conditions))
	for _, c := range p.conditions {
		if c.op == "content-length-range" {
			continue
		}
		covered[c.field] = true
		value, ok := fields[c.field]
		if c.field == "bucket" {
			value, ok = bucket, true
		}
		if !ok || c.op == "eq" && value != c.value || c.op == "starts-with" && !strings.HasPrefix(value, c.value) {
			return errPolicy("Policy Condition failed: " + c.String())
		}
	}
	var extra []string
	for _, name := range order {
		f := strings.ToLower(name)
		if !isExemptField(f) && !covered[f] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		return errPolicy("Extra input fields: " + strings.Join(extra, ", "))
	}
	return nil
}

// lengthRange returns the tightest content-length-range of the policy.
func (p *policyDoc) lengthRange() (lo, hi int64, ok bool) {
	for _, c := range p.conditions {
		if c.op != "content-length-range" {
			continue
		}
		if !ok {
			lo, hi, ok = c.min, c.max, true
			continue
		}
		lo, hi = max(lo, c.min), min(hi, c.max)
	}
	return lo, hi, ok
}
