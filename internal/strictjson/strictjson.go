// Package strictjson decodes JSON input files strictly: a field the target
// type does not have is an error that names the field, where it is, and
// the field probably meant.
//
// encoding/json ignores an unknown field, and matches a field name in any
// case ("Name" fills the field tagged "name"); Decoder.DisallowUnknownFields
// catches the first but not the second, and says neither where the field
// is nor what was meant. [Check] walks the JSON against the target type by
// reflection, before encoding/json decodes it:
//
//   - a struct takes the fields of its json tags (or Go names), exactly
//     as spelt; any other field, a field given in another case, and a
//     field given twice are errors;
//   - slices, arrays, maps and pointers are followed to their elements;
//   - json.RawMessage, interfaces, and types that implement
//     json.Unmarshaler or encoding.TextUnmarshaler decode themselves and
//     are not looked into;
//   - a value of the wrong JSON kind (a number where a string belongs) is
//     an error in JSON's words, not Go's.
//
// Every error from the walk is an [*Error] holding the path from the root
// to the fault. [Unmarshal] is Check followed by json.Unmarshal.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// A Kind is what is wrong with a field or a value.
type Kind uint8

// The kinds of Error.
const (
	Unknown   Kind = iota + 1 // a field the type does not have
	Duplicate                 // a field or a map key given twice in one object
	WrongType                 // a value of another JSON kind than the type takes
)

// An Error is a field or a value of the input that the target type refuses.
type Error struct {
	// Path holds the object keys (string) and array indexes (int) from the
	// root to the value at fault; for an unknown or duplicate field, its
	// last element is the field's name as written.
	Path []any
	Kind Kind
	// Suggestion is, for an Unknown field, the field probably meant: the
	// same name in its right case, or the closest name by edit distance;
	// "" when no field is close.
	Suggestion string
	// Want and Got are, for WrongType, the JSON kinds expected and given,
	// such as "a string" and "a number".
	Want, Got string
}

func (e *Error) Error() string {
	switch e.Kind {
	case Unknown, Duplicate:
		var b strings.Builder
		field, parent := e.last(), e.Path[:max(len(e.Path)-1, 0)]
		if e.Kind == Unknown {
			fmt.Fprintf(&b, "unknown field %q", field)
		} else {
			fmt.Fprintf(&b, "field %q given twice", field)
		}
		if len(parent) > 0 {
			b.WriteString(" in " + FormatPath(parent))
		}
		switch {
		case e.Suggestion == "":
		case strings.EqualFold(e.Suggestion, field):
			fmt.Fprintf(&b, "; field names are case-sensitive: did you mean %q?", e.Suggestion)
		default:
			fmt.Fprintf(&b, "; did you mean %q?", e.Suggestion)
		}
		return b.String()
	}
	if len(e.Path) == 0 {
		return fmt.Sprintf("want %s, got %s", e.Want, e.Got)
	}
	return fmt.Sprintf("%s: want %s, got %s", FormatPath(e.Path), e.Want, e.Got)
}

// Field returns the name of the unknown or duplicate field, as written.
func (e *Error) Field() string {
	if e.Kind == WrongType {
		return ""
	}
	return e.last()
}

func (e *Error) last() string {
	if len(e.Path) == 0 {
		return ""
	}
	s, _ := e.Path[len(e.Path)-1].(string)
	return s
}

// FormatPath writes a path as JavaScript would address it:
// accounts[0].buckets[2].name, with a key that is not an identifier
// quoted (tags["a b"]).
func FormatPath(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		case string:
			if !identifier(p) {
				fmt.Fprintf(&b, "[%s]", strconv.Quote(p))
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		}
	}
	return b.String()
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r == '$' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
		case i > 0 && '0' <= r && r <= '9':
		default:
			return false
		}
	}
	return true
}

// Check reports the first field of data, in document order, that v's type
// refuses (v is a value or a pointer to one; only its type matters), as an
// [*Error]; the path of the error begins with at. Malformed JSON is a
// *json.SyntaxError wrapped with the line and column of the fault.
func Check(data []byte, v any, at ...any) error {
	if !json.Valid(data) {
		return syntaxError(data)
	}
	w := &walker{dec: json.NewDecoder(bytes.NewReader(data)), path: append([]any(nil), at...)}
	w.dec.UseNumber()
	return w.value(reflect.TypeOf(v))
}

// Unmarshal is json.Unmarshal after [Check]: it decodes data into v only
// when every field of data is one of v's, in its exact spelling.
func Unmarshal(data []byte, v any) error {
	if err := Check(data, v); err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		// Check has caught the type errors it can name; what is left
		// (a value too large, an error of a json.Unmarshaler) is said in
		// encoding/json's words, without its Go type names.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if te.Field == "" {
				return fmt.Errorf("%s is not a value this field takes", te.Value)
			}
			return fmt.Errorf("%s: %s is not a value this field takes", te.Field, te.Value)
		}
		return err
	}
	return nil
}

// syntaxError returns encoding/json's syntax error for data, with the line
// and column of the fault.
func syntaxError(data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if err == nil {
			err = errors.New("not valid JSON")
		}
		return err
	}
	line, col := LineCol(data, se.Offset)
	return fmt.Errorf("line %d, column %d: %w", line, col, se)
}

// LineCol returns the line and column, both from 1, of the byte that
// encoding/json read last when it stopped after offset bytes of data (a
// SyntaxError's Offset); the column counts bytes.
func LineCol(data []byte, offset int64) (line, col int) {
	offset = min(max(offset-1, 0), int64(len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
