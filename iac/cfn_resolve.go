package iac

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds the nesting of a template's values and of its intrinsic
// functions, and maxNodes the values an input may expand to (YAML aliases
// can repeat a value many times).
const (
	maxDepth = 200
	maxNodes = 1 << 20
)

var errTooDeep = errors.New("YAML: nested too deeply (an alias of itself?)")

// decodeTemplate reads a template, JSON or YAML, into plain values:
// map[string]any, []any, string, json.Number, bool and nil, with the short
// forms of the intrinsic functions (!Ref X) written as their full forms
// ({"Ref": "X"}).
func decodeTemplate(data []byte) (any, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("JSON: %w", err)
		}
		if dec.More() {
			return nil, errors.New("JSON: data after the template")
		}
		return v, nil
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	budget := maxNodes
	return fromYAML(&n, 0, &budget)
}

// shortForms are the YAML tags of the intrinsic functions (AWS
// CloudFormation User Guide: Intrinsic function reference).
var shortForms = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join", "!If": "Fn::If", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!FindInMap": "Fn::FindInMap", "!Equals": "Fn::Equals", "!Not": "Fn::Not",
	"!And": "Fn::And", "!Or": "Fn::Or", "!Base64": "Fn::Base64", "!ImportValue": "Fn::ImportValue",
	"!GetAZs": "Fn::GetAZs", "!Cidr": "Fn::Cidr", "!Transform": "Fn::Transform", "!ToJsonString": "Fn::ToJsonString",
	"!Length": "Fn::Length",
}

func fromYAML(n *yaml.Node, depth int, budget *int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	if *budget--; *budget < 0 {
		return nil, errors.New("YAML: too many values (aliases expanding too far?)")
	}
	var v any
	switch n.Kind {
	case 0: // an empty input
		return nil, nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromYAML(n.Content[0], depth+1, budget)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, errors.New("YAML: alias without anchor")
		}
		return fromYAML(n.Alias, depth+1, budget)
	case yaml.ScalarNode:
		v = scalar(n)
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			x, err := fromYAML(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			l = append(l, x)
		}
		v = l
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("YAML: line %d: a key that is not a string", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("YAML: line %d: key %q given twice", k.Line, k.Value)
			}
			x, err := fromYAML(n.Content[i+1], depth+1, budget)
			if err != nil {
				return nil, err
			}
			m[k.Value] = x
		}
		v = m
	default:
		return nil, fmt.Errorf("YAML: line %d: unexpected node", n.Line)
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name, ok := shortForms[n.Tag]
		if !ok {
			name = "Fn::" + strings.TrimPrefix(n.Tag, "!")
		}
		return map[string]any{name: v}, nil
	}
	return v, nil
}

// scalar reads a YAML scalar as JSON would have it: numbers, booleans and
// null as such, anything else (dates such as 2012-10-17 included) as the
// string written.
func scalar(n *yaml.Node) any {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 || n.Tag != "" && n.Tag[0] == '!' && !strings.HasPrefix(n.Tag, "!!") {
		return n.Value
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int", "!!float":
		if json.Valid([]byte(n.Value)) {
			return json.Number(n.Value)
		}
	}
	return n.Value
}

// noValue is what Ref AWS::NoValue resolves to: the property is removed.
type noValueT struct{}

var noValue = noValueT{}

// A resolver resolves the intrinsic functions of one property of one
// resource, noting what it cannot resolve.
type resolver struct {
	c    *cfnReader
	addr string
	bad  []Unresolved
}

func (r *resolver) fail(path, format string, a ...any) (any, bool) {
	r.bad = append(r.bad, Unresolved{Address: r.addr, Path: path, Reason: fmt.Sprintf(format, a...)})
	return nil, false
}

// fn returns the function a value calls: a map of one key, Ref or Fn::*.
func fn(v any) (name string, arg any, ok bool) {
	m, isMap := v.(map[string]any)
	if !isMap || len(m) != 1 {
		return "", nil, false
	}
	for k, a := range m {
		if k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k, a, true
		}
	}
	return "", nil, false
}

// resolve returns v with its intrinsic functions resolved; not ok when
// any could not be (each noted in r.bad).
func (r *resolver) resolve(v any, path string, depth int) (any, bool) {
	if depth > maxDepth {
		return r.fail(path, "nested too deeply")
	}
	if name, arg, ok := fn(v); ok {
		return r.call(name, arg, path+"."+name, depth+1)
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		good := true
		for _, k := range sortedKeys(x) {
			y, ok := r.resolve(x[k], path+"."+k, depth+1)
			good = good && ok
			if y != noValue {
				out[k] = y
			}
		}
		return out, good
	case []any:
		out := make([]any, 0, len(x))
		good := true
		for i, e := range x {
			y, ok := r.resolve(e, path+"["+strconv.Itoa(i)+"]", depth+1)
			good = good && ok
			if y != noValue {
				out = append(out, y)
			}
		}
		return out, good
	}
	return v, true
}

// resolveString resolves v to a string: a number or boolean is written as
// CloudFormation passes it.
func (r *resolver) resolveString(v any, path string, depth int) (string, bool) {
	y, ok := r.resolve(v, path, depth)
	if !ok {
		return "", false
	}
	switch s := y.(type) {
	case string:
		return s, true
	case json.Number:
		return s.String(), true
	case bool:
		return strconv.FormatBool(s), true
	}
	r.fail(path, "want a string, got %s", kind(y))
	return "", false
}

func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case nil:
		return "null"
	case noValueT:
		return "AWS::NoValue"
	}
	return "a " + fmt.Sprintf("%T", v)
}

// args resolves a function's list of n arguments.
func (r *resolver) args(name string, arg any, path string, depth, n int) ([]any, bool) {
	l, ok := arg.([]any)
	if !ok || len(l) != n {
		_, ok := r.fail(path, "%s takes a list of %d arguments", name, n)
		return nil, ok
	}
	return l, true
}

// call resolves one intrinsic function (AWS CloudFormation User Guide:
// Intrinsic function reference).
func (r *resolver) call(name string, arg any, path string, depth int) (any, bool) {
	switch name {
	case "Ref":
		s, ok := arg.(string)
		if !ok {
			return r.fail(path, "Ref takes a name")
		}
		return r.ref(s, path)
	case "Fn::GetAtt":
		var res, att string
		switch a := arg.(type) {
		case string: // !GetAtt Res.Attr
			res, att, _ = strings.Cut(a, ".")
		case []any:
			if len(a) == 2 {
				res, _ = a[0].(string)
				att, _ = r.resolveString(a[1], path+"[1]", depth)
			}
		}
		if res == "" || att == "" {
			return r.fail(path, "Fn::GetAtt takes a resource and an attribute")
		}
		return r.getAtt(res, att, path)
	case "Fn::Sub":
		return r.sub(arg, path, depth)
	case "Fn::Join":
		l, ok := r.args(name, arg, path, depth, 2)
		if !ok {
			return nil, false
		}
		sep, ok1 := r.resolveString(l[0], path+"[0]", depth)
		items, ok2 := r.resolve(l[1], path+"[1]", depth)
		if !ok1 || !ok2 {
			return nil, false
		}
		list, isList := items.([]any)
		if !isList {
			return r.fail(path, "Fn::Join takes a list of values")
		}
		parts := make([]string, 0, len(list))
		for i, it := range list {
			s, ok := r.resolveString(it, path+"[1]["+strconv.Itoa(i)+"]", depth)
			if !ok {
				return nil, false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, sep), true
	case "Fn::Select":
		l, ok := r.args(name, arg, path, depth, 2)
		if !ok {
			return nil, false
		}
		idx, ok1 := r.resolveString(l[0], path+"[0]", depth)
		items, ok2 := r.resolve(l[1], path+"[1]", depth)
		if !ok1 || !ok2 {
			return nil, false
		}
		list, isList := items.([]any)
		i, err := strconv.Atoi(idx)
		if !isList || err != nil || i < 0 || i >= len(list) {
			return r.fail(path, "Fn::Select: index %q not in a list of %d", idx, len(list))
		}
		return list[i], true
	case "Fn::Split":
		l, ok := r.args(name, arg, path, depth, 2)
		if !ok {
			return nil, false
		}
		sep, ok1 := r.resolveString(l[0], path+"[0]", depth)
		s, ok2 := r.resolveString(l[1], path+"[1]", depth)
		if !ok1 || !ok2 {
			return nil, false
		}
		if sep == "" {
			return r.fail(path, "Fn::Split: empty delimiter")
		}
		var out []any
		for _, p := range strings.Split(s, sep) {
			out = append(out, p)
		}
		return out, true
	case "Fn::If":
		l, ok := r.args(name, arg, path, depth, 3)
		if !ok {
			return nil, false
		}
		cond, isName := l[0].(string)
		if !isName {
			return r.fail(path, "Fn::If takes a condition's name")
		}
		holds, ok := r.condition(cond, path, depth)
		if !ok {
			return nil, false
		}
		if holds {
			return r.resolve(l[1], path+"[1]", depth)
		}
		return r.resolve(l[2], path+"[2]", depth)
	case "Fn::FindInMap":
		l, ok := arg.([]any)
		if !ok || len(l) < 3 {
			return r.fail(path, "Fn::FindInMap takes a map, a top-level key and a second-level key")
		}
		var keys [3]string
		for i := range keys {
			if keys[i], ok = r.resolveString(l[i], path+"["+strconv.Itoa(i)+"]", depth); !ok {
				return nil, false
			}
		}
		m, _ := r.c.mappings[keys[0]].(map[string]any)
		top, _ := m[keys[1]].(map[string]any)
		v, found := top[keys[2]]
		if !found {
			return r.fail(path, "Fn::FindInMap: no %s.%s.%s in Mappings", keys[0], keys[1], keys[2])
		}
		return v, true
	case "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or":
		b, ok := r.condExpr(map[string]any{name: arg}, path, depth)
		return b, ok
	case "Fn::Base64":
		s, ok := r.resolveString(arg, path, depth)
		if !ok {
			return nil, false
		}
		return base64.StdEncoding.EncodeToString([]byte(s)), true
	case "Fn::ImportValue":
		return r.fail(path, "Fn::ImportValue: the export of another stack, known only at deployment")
	case "Fn::GetAZs":
		return r.fail(path, "Fn::GetAZs: the Availability Zones of the Region, known only at deployment")
	}
	return r.fail(path, "%s is not resolved by s3vet", name)
}

// ref resolves Ref to a parameter, a pseudo parameter or a resource.
func (r *resolver) ref(name, path string) (any, bool) {
	if v, ok := r.c.param(name); ok {
		return v, true
	}
	switch name {
	case "AWS::NoValue":
		return noValue, true
	case "AWS::Partition":
		// Given, or aws: the partition of a snapshot that names none.
		return "aws", true
	}
	if strings.HasPrefix(name, "AWS::") {
		return r.fail(path, "the pseudo parameter %s is known only at deployment: give it as a parameter", name)
	}
	if _, declared := r.c.parameters[name]; declared {
		return r.fail(path, "parameter %s has no value and no Default: give it as a parameter", name)
	}
	res, ok := r.c.resources[name]
	if !ok {
		return r.fail(path, "Ref %s: no parameter or resource of that name", name)
	}
	if res.typ == "AWS::S3::Bucket" {
		// AWS CloudFormation Template Reference, AWS::S3::Bucket: Ref
		// returns the bucket name.
		if n := r.c.bucketName(name); n != "" {
			return n, true
		}
		return r.fail(path, "Ref %s: %s", name, r.c.unnamed(name))
	}
	return r.fail(path, "Ref %s: the physical ID of a %s is known only at deployment", name, res.typ)
}

// getAtt resolves the attributes of a bucket whose name is known
// (AWS CloudFormation Template Reference, AWS::S3::Bucket: Return values).
func (r *resolver) getAtt(res, att, path string) (any, bool) {
	rs, ok := r.c.resources[res]
	if !ok {
		return r.fail(path, "Fn::GetAtt %s.%s: no resource %s", res, att, res)
	}
	if rs.typ != "AWS::S3::Bucket" {
		return r.fail(path, "Fn::GetAtt %s.%s: known only at deployment", res, att)
	}
	name := r.c.bucketName(res)
	if name == "" {
		return r.fail(path, "Fn::GetAtt %s.%s: %s", res, att, r.c.unnamed(res))
	}
	partition, _ := r.ref("AWS::Partition", path)
	switch att {
	case "Arn":
		return "arn:" + partition.(string) + ":s3:::" + name, true
	case "DomainName":
		return name + ".s3.amazonaws.com", true
	}
	return r.fail(path, "Fn::GetAtt %s.%s: not resolved by s3vet", res, att)
}

// sub resolves Fn::Sub: ${Var} from its map, else a parameter, pseudo
// parameter or resource as Ref, ${Res.Attr} as Fn::GetAtt, and ${!Literal}
// as ${Literal}.
func (r *resolver) sub(arg any, path string, depth int) (any, bool) {
	var tmpl string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		tmpl = a
	case []any:
		if len(a) != 2 {
			return r.fail(path, "Fn::Sub takes a string and a map of variables")
		}
		s, ok1 := a[0].(string)
		m, ok2 := a[1].(map[string]any)
		if !ok1 || !ok2 {
			return r.fail(path, "Fn::Sub takes a string and a map of variables")
		}
		tmpl, vars = s, m
	default:
		return r.fail(path, "Fn::Sub takes a string")
	}
	var b strings.Builder
	good := true
	for {
		i := strings.Index(tmpl, "${")
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:i])
		end := strings.IndexByte(tmpl[i:], '}')
		if end < 0 {
			b.WriteString(tmpl[i:])
			break
		}
		name := tmpl[i+2 : i+end]
		tmpl = tmpl[i+end+1:]
		if lit, ok := strings.CutPrefix(name, "!"); ok {
			b.WriteString("${" + lit + "}")
			continue
		}
		var s string
		var ok bool
		if v, inMap := vars[name]; inMap {
			s, ok = r.resolveString(v, path+"."+name, depth+1)
		} else if res, att, dotted := strings.Cut(name, "."); dotted && !strings.HasPrefix(name, "AWS::") {
			var v any
			if v, ok = r.getAtt(res, att, path); ok {
				s, ok = v.(string)
			}
		} else {
			var v any
			if v, ok = r.ref(name, path); ok {
				s, ok = v.(string)
				if !ok {
					r.fail(path, "${%s} is %s, not a string", name, kind(v))
				}
			}
		}
		good = good && ok
		b.WriteString(s)
	}
	if !good {
		return nil, false
	}
	return b.String(), true
}

// condition evaluates a condition of the template's Conditions.
func (r *resolver) condition(name, path string, depth int) (bool, bool) {
	if v, done := r.c.condValues[name]; done {
		return v, true
	}
	expr, ok := r.c.conditions[name]
	if !ok {
		_, ok := r.fail(path, "no condition %s", name)
		return false, ok
	}
	if r.c.evaluating[name] {
		_, ok := r.fail(path, "condition %s refers to itself", name)
		return false, ok
	}
	r.c.evaluating[name] = true
	v, ok := r.condExpr(expr, path+"(Conditions."+name+")", depth+1)
	delete(r.c.evaluating, name)
	if !ok {
		return false, false
	}
	r.c.condValues[name] = v
	return v, true
}

// condExpr evaluates a condition function (AWS CloudFormation User Guide:
// Condition functions).
func (r *resolver) condExpr(v any, path string, depth int) (bool, bool) {
	if depth > maxDepth {
		_, ok := r.fail(path, "nested too deeply")
		return false, ok
	}
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if c, ok := m["Condition"].(string); ok {
			return r.condition(c, path, depth+1)
		}
	}
	name, arg, ok := fn(v)
	if !ok {
		if b, isBool := v.(bool); isBool {
			return b, true
		}
		_, ok := r.fail(path, "a condition must be a condition function")
		return false, ok
	}
	l, _ := arg.([]any)
	switch name {
	case "Fn::Equals":
		if len(l) != 2 {
			_, ok := r.fail(path, "Fn::Equals takes two values")
			return false, ok
		}
		a, ok1 := r.resolveString(l[0], path+"[0]", depth)
		b, ok2 := r.resolveString(l[1], path+"[1]", depth)
		return a == b, ok1 && ok2
	case "Fn::Not":
		if len(l) != 1 {
			_, ok := r.fail(path, "Fn::Not takes one condition")
			return false, ok
		}
		b, ok := r.condExpr(l[0], path+"[0]", depth+1)
		return !b, ok
	case "Fn::And", "Fn::Or":
		if len(l) < 2 || len(l) > 10 {
			_, ok := r.fail(path, "%s takes 2 to 10 conditions", name)
			return false, ok
		}
		and := name == "Fn::And"
		out := and
		for i, c := range l {
			b, ok := r.condExpr(c, path+"["+strconv.Itoa(i)+"]", depth+1)
			if !ok {
				return false, false
			}
			if and {
				out = out && b
			} else {
				out = out || b
			}
		}
		return out, true
	}
	y, ok := r.resolve(v, path, depth+1)
	if b, isBool := y.(bool); ok && isBool {
		return b, true
	}
	if ok {
		r.fail(path, "a condition must be a condition function")
	}
	return false, false
}
