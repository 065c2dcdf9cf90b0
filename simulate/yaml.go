package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// yamlDepth bounds the nesting of a YAML world, aliases included.
const yamlDepth = 64

// Aliases may repeat a node without copying it, so a small document can
// stand for an enormous one ("billion laughs"). The JSON a world converts
// to is bounded instead: without aliases it is at most a few times the
// YAML's size, so this leaves aliases ample room and nothing more.
const (
	yamlExpansion = 64
	yamlSlack     = 1 << 20
)

// yamlToJSON converts a YAML world document to the JSON the world decoder
// reads. It walks the parsed node tree rather than decoding into Go maps, so
// that:
//   - integers and floats keep their literal text (a 12-digit account ID
//     stays exact; one written unquoted is still a number, which the decoder
//     then refuses with the field's name: quote account IDs);
//   - booleans and nulls follow YAML 1.2's core schema as yaml.v3 resolves
//     it ("yes" and "on" are strings, true and false are booleans), so a
//     condition value like `aws:SecureTransport: false` is the JSON boolean;
//   - timestamps and other tagged scalars stay the strings they were written
//     as, which is what the policy grammar expects of dates;
//   - mapping keys must be strings, and a second document in the stream is
//     an error rather than silently ignored.
//
// Line numbers from YAML errors are kept; field errors come from the strict
// JSON decoding of LoadWorld, which names the field and its path, and finds
// the field's line with yamlLine.
func yamlToJSON(data []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("empty document")
		}
		return nil, fmt.Errorf("yaml: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, fmt.Errorf("yaml: %w", err)
		}
		return nil, fmt.Errorf("yaml: line %d: a second document; a world is one document", extra.Line)
	}
	w := &jsonWriter{limit: yamlExpansion*len(data) + yamlSlack}
	if err := w.node(&doc, 0); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

// A jsonWriter writes a YAML node tree as JSON, up to limit bytes.
type jsonWriter struct {
	buf   bytes.Buffer
	limit int
}

func (w *jsonWriter) node(n *yaml.Node, depth int) error {
	if depth > yamlDepth {
		return fmt.Errorf("yaml: line %d: nested more than %d levels deep", n.Line, yamlDepth)
	}
	if w.buf.Len() > w.limit {
		return fmt.Errorf("yaml: line %d: aliases expand the document past %d bytes", n.Line, w.limit)
	}
	buf := &w.buf
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) != 1 {
			return errors.New("empty document")
		}
		return w.node(n.Content[0], depth+1)
	case yaml.AliasNode:
		return w.node(n.Alias, depth+1)
	case yaml.MappingNode:
		buf.WriteByte('{')
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" {
				return fmt.Errorf("yaml: line %d: mapping keys must be plain strings", k.Line)
			}
			if seen[k.Value] {
				return fmt.Errorf("yaml: line %d: key %q given twice", k.Line, k.Value)
			}
			seen[k.Value] = true
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(buf, k.Value)
			buf.WriteByte(':')
			if err := w.node(v, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := w.node(c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case yaml.ScalarNode:
		return writeYAMLScalar(buf, n)
	}
	return fmt.Errorf("yaml: line %d: unsupported node", n.Line)
}

func writeYAMLScalar(buf *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		buf.WriteString("null")
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return fmt.Errorf("yaml: line %d: %w", n.Line, err)
		}
		buf.WriteString(strconv.FormatBool(b))
		return nil
	case "!!int", "!!float":
		// JSON numbers only: YAML's 0x1F, 0o17, .inf and .nan are not
		// numbers a world can hold, so they stay strings and the decoder
		// refuses them where a number belongs.
		if json.Valid([]byte(n.Value)) {
			buf.WriteString(n.Value)
			return nil
		}
	}
	writeJSONString(buf, n.Value)
	return nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s) // a string always marshals
	buf.Write(b)
}

// yamlLine returns the line of the YAML document data at which path (keys
// and indexes, as a strictjson.Error holds them) ends, or the line of the
// deepest part of it that the document has; 0 when data does not parse.
func yamlLine(data []byte, path []any) int {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return 0
	}
	n, line := &doc, 0
	for _, p := range path {
		n = yamlValue(n)
		switch p := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if k := yamlValue(n.Content[i]); k.Value == p {
					line, next = n.Content[i].Line, n.Content[i+1]
					break
				}
			}
			if next == nil {
				return line
			}
			n = next
		case int:
			if n.Kind != yaml.SequenceNode || p < 0 || p >= len(n.Content) {
				return line
			}
			n = n.Content[p]
			line = n.Line
		}
	}
	return line
}

// yamlValue returns the node a document or an alias node stands for.
func yamlValue(n *yaml.Node) *yaml.Node {
	for range yamlDepth {
		switch {
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.AliasNode && n.Alias != nil:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}
