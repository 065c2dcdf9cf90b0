package policy

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A Condition is one key of one operator of a statement's Condition
// element, such as {"StringEquals": {"s3:prefix": ["a/", "b/"]}}: the
// operator as written, the key as written and the values as written (JSON
// numbers and booleans as their text).
type Condition struct {
	Operator string
	Key      string
	Values   []string

	op       opKind
	set      setQualifier
	ifExists bool
	key      string // lower-cased

	strs  []pattern
	arns  [][]pattern // six components each; nil entry for "*"
	nums  []float64
	dates []time.Time
	nets  []netip.Prefix
	bools []bool
	bins  []string // canonical standard base64
}

type opKind uint8

const (
	opStringEquals opKind = iota + 1
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opNumericEquals
	opNumericNotEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateNotEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opNotIPAddress
	opArnEquals
	opArnLike
	opArnNotEquals
	opArnNotLike
	opNull
)

// operators maps each operator name of the IAM User Guide ("IAM JSON
// policy elements: Condition operators") to its kind.
var operators = map[string]opKind{
	"StringEquals":              opStringEquals,
	"StringNotEquals":           opStringNotEquals,
	"StringEqualsIgnoreCase":    opStringEqualsIgnoreCase,
	"StringNotEqualsIgnoreCase": opStringNotEqualsIgnoreCase,
	"StringLike":                opStringLike,
	"StringNotLike":             opStringNotLike,
	"NumericEquals":             opNumericEquals,
	"NumericNotEquals":          opNumericNotEquals,
	"NumericLessThan":           opNumericLessThan,
	"NumericLessThanEquals":     opNumericLessThanEquals,
	"NumericGreaterThan":        opNumericGreaterThan,
	"NumericGreaterThanEquals":  opNumericGreaterThanEquals,
	"DateEquals":                opDateEquals,
	"DateNotEquals":             opDateNotEquals,
	"DateLessThan":              opDateLessThan,
	"DateLessThanEquals":        opDateLessThanEquals,
	"DateGreaterThan":           opDateGreaterThan,
	"DateGreaterThanEquals":     opDateGreaterThanEquals,
	"Bool":                      opBool,
	"BinaryEquals":              opBinaryEquals,
	"IpAddress":                 opIPAddress,
	"NotIpAddress":              opNotIPAddress,
	"ArnEquals":                 opArnEquals,
	"ArnLike":                   opArnLike,
	"ArnNotEquals":              opArnNotEquals,
	"ArnNotLike":                opArnNotLike,
	"Null":                      opNull,
}

// negated reports whether the operator is the negation of another: it
// matches when no policy value matches, and matches a missing key.
func (o opKind) negated() bool {
	switch o {
	case opStringNotEquals, opStringNotEqualsIgnoreCase, opStringNotLike, opNumericNotEquals,
		opDateNotEquals, opNotIPAddress, opArnNotEquals, opArnNotLike:
		return true
	}
	return false
}

type setQualifier uint8

const (
	setNone setQualifier = iota
	setForAllValues
	setForAnyValue
)

func parseConditions(raw json.RawMessage, vars bool) ([]Condition, error) {
	var block map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil || block == nil {
		return nil, elemErr("Condition", errors.New("must be an object of operators"))
	}
	var out []Condition
	for _, opName := range slices.Sorted(maps.Keys(block)) {
		el := "Condition: " + opName
		var keys map[string]json.RawMessage
		if err := json.Unmarshal(block[opName], &keys); err != nil || keys == nil {
			return nil, elemErr(el, errors.New("must be an object of condition keys"))
		}
		if len(keys) == 0 {
			return nil, elemErr(el, errors.New("has no condition keys"))
		}
		for _, key := range slices.Sorted(maps.Keys(keys)) {
			c, err := parseCondition(opName, key, keys[key], vars)
			if err != nil {
				return nil, elemErr(el+": "+key, err)
			}
			out = append(out, c)
		}
	}
	return out, nil
}

func parseCondition(opName, key string, raw json.RawMessage, vars bool) (Condition, error) {
	c := Condition{Operator: opName, Key: key, key: strings.ToLower(key)}
	if key == "" {
		return c, errors.New("empty condition key")
	}
	name := opName
	switch {
	case strings.HasPrefix(name, "ForAllValues:"):
		c.set, name = setForAllValues, strings.TrimPrefix(name, "ForAllValues:")
	case strings.HasPrefix(name, "ForAnyValue:"):
		c.set, name = setForAnyValue, strings.TrimPrefix(name, "ForAnyValue:")
	}
	op, ok := operators[name]
	if !ok {
		if base, found := strings.CutSuffix(name, "IfExists"); found {
			op, ok = operators[base]
			c.ifExists = true
		}
	}
	if !ok {
		return c, fmt.Errorf("unknown condition operator %q", opName)
	}
	c.op = op
	if op == opNull && (c.ifExists || c.set != setNone) {
		return c, fmt.Errorf("operator %q: Null takes neither IfExists nor a set qualifier", opName)
	}
	values, err := ConditionValues(raw)
	if err != nil {
		return c, err
	}
	if len(values) == 0 {
		return c, errors.New("has no values")
	}
	c.Values = values
	for _, v := range values {
		if err := c.addValue(v, vars); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ConditionValues decodes a condition value as the grammar allows it: a
// JSON string, number or boolean, or an array of them (possibly empty),
// with numbers and booleans as their JSON text.
func ConditionValues(raw json.RawMessage) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, errors.New("invalid value")
	}
	scalar := func(v any) (string, bool) {
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return "", false
	}
	if s, ok := scalar(v); ok {
		return []string{s}, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, errors.New("value must be a string, number or boolean, or an array of them")
	}
	out := make([]string, len(list))
	for i, e := range list {
		s, ok := scalar(e)
		if !ok {
			return nil, errors.New("value must be a string, number or boolean, or an array of them")
		}
		out[i] = s
	}
	return out, nil
}

func (c *Condition) addValue(v string, vars bool) error {
	switch c.op {
	case opStringEquals, opStringNotEquals, opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		p, err := compilePattern(v, false, vars, false)
		if err != nil {
			return err
		}
		c.strs = append(c.strs, p)
	case opStringLike, opStringNotLike:
		p, err := compilePattern(v, true, vars, false)
		if err != nil {
			return err
		}
		c.strs = append(c.strs, p)
	case opNumericEquals, opNumericNotEquals, opNumericLessThan, opNumericLessThanEquals,
		opNumericGreaterThan, opNumericGreaterThanEquals:
		f, ok := parseNumber(v)
		if !ok {
			return fmt.Errorf("%q is not a number", v)
		}
		c.nums = append(c.nums, f)
	case opDateEquals, opDateNotEquals, opDateLessThan, opDateLessThanEquals,
		opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(v)
		if !ok {
			return fmt.Errorf("%q is not an ISO 8601 date or epoch seconds", v)
		}
		c.dates = append(c.dates, t)
	case opBool, opNull:
		b, ok := parseBool(v)
		if !ok {
			return fmt.Errorf("%q is not \"true\" or \"false\"", v)
		}
		c.bools = append(c.bools, b)
	case opBinaryEquals:
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return fmt.Errorf("%q is not base64", v)
		}
		c.bins = append(c.bins, base64.StdEncoding.EncodeToString(b))
	case opIPAddress, opNotIPAddress:
		p, ok := parseCIDR(v)
		if !ok {
			return fmt.Errorf("%q is not an IPv4 or IPv6 address or CIDR block", v)
		}
		c.nets = append(c.nets, p)
	case opArnEquals, opArnLike, opArnNotEquals, opArnNotLike:
		if v == "*" {
			c.arns = append(c.arns, nil)
			return nil
		}
		comps := splitARNValue(v, vars)
		if len(comps) != 6 {
			return fmt.Errorf("%q is not an ARN (six colon-delimited components)", v)
		}
		ps := make([]pattern, 6)
		for i, comp := range comps {
			p, err := compilePattern(comp, true, vars, false)
			if err != nil {
				return err
			}
			ps[i] = p
		}
		c.arns = append(c.arns, ps)
	}
	return nil
}

// splitARNValue splits an ARN condition value into at most six
// components at its colons, except those inside a policy variable (as in
// ${aws:PrincipalAccount}) when vars enables variables.
func splitARNValue(v string, vars bool) []string {
	var comps []string
	start, inVar := 0, false
	for i := 0; i < len(v) && len(comps) < 5; i++ {
		switch {
		case vars && !inVar && v[i] == '$' && i+1 < len(v) && v[i+1] == '{':
			inVar = true
		case inVar && v[i] == '}':
			inVar = false
		case !inVar && v[i] == ':':
			comps = append(comps, v[start:i])
			start = i + 1
		}
	}
	return append(comps, v[start:])
}

func parseNumber(s string) (float64, bool) {
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

func parseBool(s string) (bool, bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}

// dateLayouts are the W3C profiles of ISO 8601 that the IAM User Guide
// names for date condition values, most precise first. Forms without a
// time zone are read as UTC.
var dateLayouts = []string{
	time.RFC3339Nano, // also takes no fraction
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

// parseDate parses an ISO 8601 date or epoch seconds.
func parseDate(s string) (time.Time, bool) {
	if len(s) > 4 && isDigits(s) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > 253402300799 { // year 9999
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval evaluates the condition against the request, per the IAM User
// Guide's "Condition operators" and "Single-valued vs. multivalued context
// keys".
func (c *Condition) eval(r *Request) bool {
	vals := r.lookup(c.key)
	if c.op == opNull {
		// Null: true means the key is absent, false that it is present.
		absent := len(vals) == 0
		for _, b := range c.bools {
			if b == absent {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.set == setForAllValues:
			return true
		case c.set == setForAnyValue:
			return false
		case c.ifExists:
			return true
		}
		return c.op.negated()
	}
	neg := c.op.negated()
	switch c.set {
	case setForAllValues:
		for _, v := range vals {
			if c.matchOne(v, r) == neg {
				return false
			}
		}
		return true
	case setForAnyValue:
		for _, v := range vals {
			if c.matchOne(v, r) != neg {
				return true
			}
		}
		return false
	}
	// No qualifier: the positive form matches when any request value
	// matches any policy value; a negated operator is its negation (NOR).
	// AWS requires a set qualifier for multivalued keys and is silent on
	// what happens without one; this is the reading of the operator's name.
	for _, v := range vals {
		if c.matchOne(v, r) {
			return !neg
		}
	}
	return neg
}

// matchOne reports whether the request value v matches any of the
// policy's values under the positive form of the operator.
func (c *Condition) matchOne(v string, r *Request) bool {
	switch c.op {
	case opStringEquals, opStringNotEquals, opStringLike, opStringNotLike:
		for i := range c.strs {
			if c.strs[i].match(v, false, r) {
				return true
			}
		}
	case opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		for i := range c.strs {
			if c.strs[i].match(v, true, r) {
				return true
			}
		}
	case opNumericEquals, opNumericNotEquals, opNumericLessThan, opNumericLessThanEquals,
		opNumericGreaterThan, opNumericGreaterThanEquals:
		f, ok := parseNumber(v)
		if !ok {
			return false
		}
		for _, n := range c.nums {
			if compare(c.op-opNumericEquals, cmp.Compare(f, n)) {
				return true
			}
		}
	case opDateEquals, opDateNotEquals, opDateLessThan, opDateLessThanEquals,
		opDateGreaterThan, opDateGreaterThanEquals:
		t, ok := parseDate(v)
		if !ok {
			return false
		}
		for _, d := range c.dates {
			if compare(c.op-opDateEquals, t.Compare(d)) {
				return true
			}
		}
	case opBool:
		b, ok := parseBool(v)
		return ok && slices.Contains(c.bools, b)
	case opBinaryEquals:
		return slices.Contains(c.bins, v)
	case opIPAddress, opNotIPAddress:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for _, n := range c.nets {
			if n.Contains(a) {
				return true
			}
		}
	case opArnEquals, opArnLike, opArnNotEquals, opArnNotLike:
		for _, ps := range c.arns {
			if matchARN(ps, v, r) {
				return true
			}
		}
	}
	return false
}

// compare applies the n-th comparison of a numeric or date family
// (Equals, NotEquals, LessThan, LessThanEquals, GreaterThan,
// GreaterThanEquals) to the result of comparing request to policy value.
// NotEquals is answered as Equals: eval negates it.
func compare(n opKind, order int) bool {
	switch n {
	case 0, 1:
		return order == 0
	case 2:
		return order < 0
	case 3:
		return order <= 0
	case 4:
		return order > 0
	case 5:
		return order >= 0
	}
	return false
}

// matchARN matches each of the six colon-delimited components of v
// against its pattern, as ArnLike does (ArnEquals behaves identically).
func matchARN(ps []pattern, v string, r *Request) bool {
	if ps == nil {
		return true
	}
	for i := 0; i < 5; i++ {
		j := strings.IndexByte(v, ':')
		if j < 0 || !ps[i].match(v[:j], false, r) {
			return false
		}
		v = v[j+1:]
	}
	return ps[5].match(v, false, r)
}

// ParseDate parses a date condition value the way the Date operators do:
// one of the W3C profiles of ISO 8601, or epoch seconds. Tools that check
// policies use it to agree with the engine.
func ParseDate(s string) (time.Time, bool) { return parseDate(s) }

// ParseCIDR parses an IpAddress condition value the way the engine does:
// an IPv4 or IPv6 address or CIDR block, returned masked.
func ParseCIDR(s string) (netip.Prefix, bool) { return parseCIDR(s) }
