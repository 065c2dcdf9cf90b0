package presign

import (
	"strings"
	"testing"
)

// FuzzPostPolicy parses arbitrary policy JSON and checks it against
// arbitrary form fields ("name=value" lines): nothing panics, and a form
// the checker accepts has every non-exempt field named by a condition and
// every condition met.
func FuzzPostPolicy(f *testing.F) {
	f.Add(`{"expiration":"2015-12-30T12:00:00.000Z","conditions":[{"bucket":"b"},["starts-with","$key","user/"],{"acl":"public-read"},["content-length-range",1,10],["eq","$x-amz-date","20151229T000000Z"]]}`,
		"key=user/a\nacl=public-read\nx-amz-date=20151229T000000Z\npolicy=p\nx-amz-signature=s")
	f.Add(`{"expiration":"2015-12-30T12:00:00Z","conditions":[["content-length-range","0","9223372036854775807"],{"a":"b","c":"d"}]}`, "a=b")
	f.Add(`{"expiration":1,"conditions":{}}`, "")
	f.Add(`{"conditions":[["starts-with","$","x"],["eq"],[1,2,3]]}`, "x-ignore-me=1")
	f.Add(`[]`, "=")
	f.Fuzz(func(t *testing.T, doc, form string) {
		p, err := parsePolicyDoc([]byte(doc))
		if (p == nil) == (err == nil) {
			t.Fatalf("parsePolicyDoc = %v, %v", p, err)
		}
		if p == nil {
			return
		}
		fields := map[string]string{}
		var order []string
		for line := range strings.SplitSeq(form, "\n") {
			name, value, _ := strings.Cut(line, "=")
			if name == "" || fields[strings.ToLower(name)] != "" {
				continue
			}
			fields[strings.ToLower(name)] = value
			order = append(order, name)
		}
		lo, hi, ok := p.lengthRange()
		if ok && (lo < 0 || hi < lo) {
			t.Fatalf("content-length-range %d..%d", lo, hi)
		}
		if p.check("bucket", fields, order) != nil {
			return
		}
		covered := map[string]bool{}
		for _, c := range p.conditions {
			covered[c.field] = true
			v, present := fields[c.field]
			if c.field == "bucket" {
				v, present = "bucket", true
			}
			switch c.op {
			case "eq":
				if !present || v != c.value {
					t.Fatalf("accepted, but %s fails", c)
				}
			case "starts-with":
				if !present || !strings.HasPrefix(v, c.value) {
					t.Fatalf("accepted, but %s fails", c)
				}
			}
		}
		for _, name := range order {
			if f := strings.ToLower(name); !isExemptField(f) && !covered[f] {
				t.Fatalf("accepted, but field %q is named by no condition", name)
			}
		}
	})
}
