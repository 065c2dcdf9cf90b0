package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s3vet/s3vet/internal/strictjson"
	"github.com/s3vet/s3vet/policy"
)

// inWords is err's message in the user's words. Package policy reports a
// document that is not a JSON object with encoding/json's error, which
// names Go types ("cannot unmarshal array into Go value of type
// map[string]json.RawMessage"), and an empty or truncated one with io's
// "EOF"; a time that is not RFC 3339 is reported against Go's reference
// layout ("2006-01-02T15:04:05Z07:00"). inWords says instead what the
// input is and what was wanted. doc, when not nil, is the document a
// policy error is about, for the line and column of a JSON syntax error.
func inWords(err error, doc []byte) string {
	msg := err.Error()
	var se *policy.SyntaxError
	if errors.As(err, &se) && se.Statement < 0 && se.Element == "" {
		if why := jsonInWords(se.Err, doc); why != "" {
			plain := *se
			plain.Err = errors.New(why)
			msg = strings.Replace(msg, se.Error(), plain.Error(), 1)
		}
	}
	var te *time.ParseError
	if errors.As(err, &te) {
		msg = strings.Replace(msg, te.Error(), fmt.Sprintf("%q is not a time in RFC 3339 form, such as 2026-01-02T15:04:05Z", te.Value), 1)
	}
	return msg
}

// jsonInWords says what is wrong with a document that did not decode as a
// JSON object, or "" when err is not such an error.
func jsonInWords(err error, doc []byte) string {
	var (
		te *json.UnmarshalTypeError
		se *json.SyntaxError
	)
	switch {
	case errors.As(err, &te):
		kind, _, _ := strings.Cut(te.Value, " ")
		return "want a JSON object, got " + jsonKind(kind)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	case errors.Is(err, io.EOF):
		return "the document is empty"
	case errors.As(err, &se) && doc != nil:
		line, col := strictjson.LineCol(doc, se.Offset)
		return fmt.Sprintf("line %d, column %d: %v", line, col, se)
	}
	return ""
}

// jsonKind names a kind of JSON value as encoding/json's errors name it
// ("array", "bool"), with its article.
func jsonKind(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "string", "number":
		return "a " + kind
	case "bool":
		return "a boolean"
	}
	return kind
}

// topKind is the kind of the JSON value doc holds, when it is valid JSON:
// "object", "array", "string", "number", "bool" or "null"; "" otherwise.
func topKind(doc []byte) string {
	t := bytes.TrimSpace(doc)
	if len(t) == 0 || !json.Valid(t) {
		return ""
	}
	switch t[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}
