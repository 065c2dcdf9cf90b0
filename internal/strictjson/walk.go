package strictjson

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/s3vet/s3vet/internal/suggest"
)

// A walker reads JSON tokens and checks them against a Go type. The input
// is valid JSON (Check has made sure), so a token error is only a reader's.
type walker struct {
	dec  *json.Decoder
	path []any
}

var (
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// opaque reports whether values of t decode themselves, so that their
// JSON is not looked into.
func opaque(t reflect.Type) bool {
	switch {
	case t == nil, t == rawMessageType, t.Kind() == reflect.Interface:
		return true
	case t.Implements(unmarshalerType), reflect.PointerTo(t).Implements(unmarshalerType):
		return true
	case t.Implements(textUnmarshalerType), reflect.PointerTo(t).Implements(textUnmarshalerType):
		return true
	}
	return false
}

func (w *walker) value(t reflect.Type) error {
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	for t != nil && t.Kind() == reflect.Pointer && !opaque(t) {
		t = t.Elem()
	}
	if opaque(t) {
		return w.skip(tok)
	}
	switch tok := tok.(type) {
	case nil:
		return nil // null leaves any value as it is
	case json.Delim:
		if tok == '{' {
			return w.object(t)
		}
		return w.array(t)
	case string:
		if t.Kind() == reflect.String || t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
		return w.wrong(t, "a string")
	case bool:
		if t.Kind() == reflect.Bool {
			return nil
		}
		return w.wrong(t, strconv.FormatBool(tok))
	case json.Number:
		return w.number(tok, t)
	}
	return fmt.Errorf("unexpected JSON token %v", tok)
}

// skip reads the rest of a value whose first token is tok.
func (w *walker) skip(tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || d == '}' || d == ']' {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

func (w *walker) object(t reflect.Type) error {
	var (
		info *structInfo
		elem reflect.Type
	)
	switch t.Kind() {
	case reflect.Struct:
		info = fieldsOf(t)
	case reflect.Map:
		elem = t.Elem()
	default:
		return w.wrong(t, "an object")
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		w.path = append(w.path, key)
		if seen[key] {
			return &Error{Path: w.clone(), Kind: Duplicate}
		}
		seen[key] = true
		if info != nil {
			f, ok := info.byName[key]
			if !ok {
				return &Error{Path: w.clone(), Kind: Unknown, Suggestion: suggest.Closest(key, info.names)}
			}
			elem = f.typ
			if f.quoted {
				elem = nil // a ",string" field: encoding/json reads the quoted value
			}
		}
		if err := w.value(elem); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token() // '}'
	return err
}

func (w *walker) array(t reflect.Type) error {
	if t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
		return w.wrong(t, "an array")
	}
	for i := 0; w.dec.More(); i++ {
		w.path = append(w.path, i)
		if t.Kind() == reflect.Array && i >= t.Len() {
			// encoding/json drops the extra elements silently.
			return &Error{Path: w.clone(), Kind: WrongType, Want: fmt.Sprintf("at most %d elements", t.Len()), Got: "more"}
		}
		if err := w.value(t.Elem()); err != nil {
			return err
		}
		w.path = w.path[:len(w.path)-1]
	}
	_, err := w.dec.Token() // ']'
	return err
}

func (w *walker) number(n json.Number, t reflect.Type) error {
	got := "the number " + n.String()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n.String(), 10, 64)
		if err != nil || reflect.Zero(t).OverflowInt(i) {
			shift := 64 - t.Bits()
			return w.fail(fmt.Sprintf("a whole number from %d to %d", int64(math.MinInt64)>>shift, int64(math.MaxInt64)>>shift), got)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u, err := strconv.ParseUint(n.String(), 10, 64)
		if err != nil || reflect.Zero(t).OverflowUint(u) {
			return w.fail(fmt.Sprintf("a whole number from 0 to %d", uint64(math.MaxUint64)>>(64-t.Bits())), got)
		}
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(n.String(), t.Bits())
		if err != nil || reflect.Zero(t).OverflowFloat(f) {
			return w.fail("a number in the range of a float", got)
		}
	default:
		return w.wrong(t, got)
	}
	return nil
}

func (w *walker) wrong(t reflect.Type, got string) error {
	return w.fail(jsonKind(t), got)
}

func (w *walker) fail(want, got string) error {
	return &Error{Path: w.clone(), Kind: WrongType, Want: want, Got: got}
}

func (w *walker) clone() []any { return append([]any(nil), w.path...) }

// jsonKind names the JSON values that decode into t.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "an array"
	case reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "no JSON value"
}

type field struct {
	typ    reflect.Type
	quoted bool
	depth  int
}

// A structInfo is the JSON fields of a struct type, as encoding/json
// names them.
type structInfo struct {
	names  []string // in the order of the struct
	byName map[string]field
}

var structCache sync.Map // reflect.Type -> *structInfo

// fieldsOf returns the JSON fields of the struct type t: exported fields
// by their json tag's name or their Go name, "-" left out, and the fields
// of embedded structs without a tag name promoted (the shallowest wins).
func fieldsOf(t reflect.Type) *structInfo {
	if c, ok := structCache.Load(t); ok {
		return c.(*structInfo)
	}
	info := &structInfo{byName: map[string]field{}}
	var add func(t reflect.Type, depth int)
	add = func(t reflect.Type, depth int) {
		if depth > 8 { // a struct that embeds itself through a pointer
			return
		}
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous {
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && ft.Kind() == reflect.Struct {
					add(ft, depth+1)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if f, ok := info.byName[name]; ok && f.depth <= depth {
				continue
			}
			if _, ok := info.byName[name]; !ok {
				info.names = append(info.names, name)
			}
			info.byName[name] = field{typ: sf.Type, quoted: hasOption(opts, "string"), depth: depth}
		}
	}
	add(t, 0)
	c, _ := structCache.LoadOrStore(t, info)
	return c.(*structInfo)
}

func hasOption(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}
