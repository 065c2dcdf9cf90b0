// Package lint validates IAM policies the way IAM Access Analyzer's policy
// validation does (IAM User Guide, [IAM policy validation check
// reference]): it reports errors (parts of a policy that cannot work),
// security warnings (access broader than intended), general warnings and
// suggestions, each naming the statement and element at fault and the AWS
// page that explains the rule.
//
// [Check] lints a document as written (JSON syntax and size quotas
// included); [Policy] lints a policy already parsed by package policy.
//
// # Codes and severities
//
// Issue codes are Access Analyzer's wherever it defines one, with its
// finding type as the severity; the page's anchor for the code is the
// finding's learnMoreLink. A few rules Access Analyzer does not have (an
// action whose resource types the statement's Resource can never match,
// permissions-management actions granted to the public or to another
// account, an overly broad aws:SourceIp, a bucket policy over S3's 20 KB
// quota, a VPC endpoint policy over AWS PrivateLink's 20,480 characters, an
// access point alias written as a bucket in a Resource) have codes of their
// own and cite the AWS page they follow.
//
// # Departures from Access Analyzer
//
// Two departures from Access Analyzer's severities are deliberate:
//
//   - Whatever the policy engine (package policy) refuses to parse is
//     reported as ERROR, even where Access Analyzer rates the same issue
//     lower (Allow with NotPrincipal, a condition value of the wrong type,
//     an empty array, Null with ForAllValues): s3vet cannot evaluate such a
//     policy. Such findings end with "(s3vet's policy engine refuses this)".
//   - An unknown s3:, kms: or sts: condition key, or an unknown aws:
//     global key, is a WARNING rather than an ERROR: the catalog of
//     package policy/catalog and the table of global keys here are
//     snapshots of AWS's reference and may lag behind it.
//
// # Scope
//
// Actions, resource types and condition keys are checked against package
// policy/catalog, which covers Amazon S3, AWS KMS and AWS STS only: an
// action or condition key of any other service is accepted as written and
// never produces a finding (UncheckedServices lists the services a policy
// names that were not checked).
//
// [IAM policy validation check reference]: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
package lint

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

// Severity is the finding type of Access Analyzer's ValidatePolicy API.
type Severity string

// The severities, most severe first.
const (
	// Error: a part of the policy is not functional, or the policy is
	// refused.
	Error Severity = "ERROR"
	// SecurityWarning: the policy allows access that is overly permissive.
	SecurityWarning Severity = "SECURITY_WARNING"
	// Warning: the policy does not follow policy-writing best practices.
	Warning Severity = "WARNING"
	// Suggestion: a stylistic improvement that does not change access.
	Suggestion Severity = "SUGGESTION"
)

func (s Severity) rank() int {
	switch s {
	case Error:
		return 0
	case SecurityWarning:
		return 1
	case Warning:
		return 2
	}
	return 3
}

// A Finding is one issue in a policy.
type Finding struct {
	Severity Severity `json:"severity"`
	// Code is the issue code, such as "INVALID_ACTION".
	Code string `json:"code"`
	// Statement is the index of the statement in the Statement list, or
	// -1 for the policy as a whole.
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
	// Element is the element at fault, such as "Action", "Resource" or
	// "Condition: StringEquals: aws:SourceIp".
	Element string `json:"element,omitempty"`
	Message string `json:"message"`
	// Learn is the AWS page that explains the rule.
	Learn string `json:"learnMoreLink,omitempty"`
}

// String formats the finding on one line:
//
//	SEVERITY CODE statement N (Sid): element: message
//
// with "policy" in place of "statement N" for a finding about the policy
// as a whole, and without the parts that are empty.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(string(f.Severity))
	b.WriteByte(' ')
	b.WriteString(f.Code)
	if f.Statement < 0 {
		b.WriteString(" policy")
	} else {
		b.WriteString(" statement ")
		b.WriteString(strconv.Itoa(f.Statement))
		if f.Sid != "" {
			b.WriteString(" (")
			b.WriteString(f.Sid)
			b.WriteByte(')')
		}
	}
	b.WriteString(": ")
	if f.Element != "" {
		b.WriteString(f.Element)
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	return b.String()
}

// HasErrors reports whether any finding is an ERROR.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity == Error })
}

// Options tunes the checks.
type Options struct {
	// Account is the 12-digit ID of the account that owns the policy (for
	// a bucket policy, the bucket owner). When set, principals of other
	// accounts are told apart as cross-account.
	Account string
}

// Check lints the policy document doc, of the given type, as raw JSON. A
// document that is not JSON, or that the policy engine would refuse, is
// reported as ERROR findings naming what is wrong; Check returns an error
// only for a policy type it does not know. Checks that need the text as
// written (the size quotas, an empty Sid, an empty Condition object) are
// made only by Check.
func Check(typ policy.Type, doc []byte, opts Options) ([]Finding, error) {
	if (typ < policy.IdentityBased || typ > policy.ResourceControlPolicy) && typ != policy.VPCEndpointPolicy {
		return nil, fmt.Errorf("lint: unknown policy type %d", typ)
	}
	l := &linter{typ: typ, opts: opts}
	l.checkSize(doc)
	top, ok := l.checkTop(doc)
	if !ok {
		return l.result(), nil
	}
	l.vars = top.version == policy.Version2012
	p, err := policy.Parse(policyName, typ, doc)
	if err == nil {
		for i, raw := range top.statements {
			l.rawExtras(i, raw)
		}
		l.policy(p)
		return l.result(), nil
	}
	l.parseErr = err
	// The engine refused the document: lint each statement on its own, so
	// that one bad statement does not hide the findings of the others.
	synth := &policy.Policy{Name: policyName, Type: typ, Version: top.version, ID: top.id}
	for i, raw := range top.statements {
		single, err := policy.Parse(policyName, typ, top.wrap(raw))
		if err == nil {
			l.rawExtras(i, raw)
			s := single.Statements[0]
			s.Index = i
			synth.Statements = append(synth.Statements, s)
			continue
		}
		before := l.errorCount()
		sanitized := l.rawStatement(i, raw)
		if l.errorCount() == before {
			l.malformed(i, raw, err)
		}
		if sanitized == nil {
			continue
		}
		if rp, err := policy.Parse(policyName, typ, top.wrap(sanitized)); err == nil {
			rp.Statements[0].Index = i
			l.statement(rp, 0, true)
		}
	}
	l.policy(synth)
	if l.errorCount() == 0 {
		// A refusal none of the checks above explains.
		l.add("MALFORMED_POLICY", -1, "", "", "%v", l.parseErr)
	}
	return l.result(), nil
}

// Policy lints a parsed policy. It makes every check of Check but those
// that need the document as written.
func Policy(p *policy.Policy, opts Options) []Finding {
	l := &linter{typ: p.Type, opts: opts}
	l.policy(p)
	return l.result()
}

// UncheckedServices returns the service prefixes of the actions of p that
// are not in package policy/catalog, sorted: their actions are accepted as
// written.
func UncheckedServices(p *policy.Policy) []string {
	known := catalog.Services()
	var out []string
	for i := range p.Statements {
		for _, a := range p.Statements[i].Action {
			svc, _, ok := strings.Cut(a, ":")
			if !ok || hasWildcard(svc) {
				continue
			}
			svc = strings.ToLower(svc)
			if !slices.Contains(known, svc) && !slices.Contains(out, svc) {
				out = append(out, svc)
			}
		}
	}
	slices.Sort(out)
	return out
}

const policyName = "policy"

type linter struct {
	typ      policy.Type
	opts     Options
	out      []Finding
	parseErr error
	// badVersion is set when Version is present but invalid: it is
	// reported as such, not as missing.
	badVersion bool
	// vars reports whether the document's Version (2012-10-17) enables
	// policy variables.
	vars bool
}

// add records a finding of the given code with the code's severity.
func (l *linter) add(code string, stmt int, sid, element, format string, args ...any) *Finding {
	r, ok := rules[code]
	if !ok {
		panic("lint: no rule for code " + code)
	}
	l.out = append(l.out, Finding{
		Severity:  r.severity,
		Code:      code,
		Statement: stmt,
		Sid:       sid,
		Element:   element,
		Message:   fmt.Sprintf(format, args...),
		Learn:     r.learn,
	})
	return &l.out[len(l.out)-1]
}

// refused records a finding for something the policy engine refuses: an
// ERROR, whatever the code's own severity.
func (l *linter) refused(code string, stmt int, sid, element, format string, args ...any) {
	f := l.add(code, stmt, sid, element, format, args...)
	if f.Severity != Error {
		f.Severity = Error
		f.Message += " (s3vet's policy engine refuses this)"
	}
}

func (l *linter) errorCount() int {
	n := 0
	for i := range l.out {
		if l.out[i].Severity == Error {
			n++
		}
	}
	return n
}

// result returns the findings ordered by statement (the policy's own
// first), then by severity, keeping the order of the checks otherwise.
func (l *linter) result() []Finding {
	out := l.out
	slices.SortStableFunc(out, func(a, b Finding) int {
		if c := cmp.Compare(a.Statement, b.Statement); c != 0 {
			return c
		}
		return cmp.Compare(a.Severity.rank(), b.Severity.rank())
	})
	if out == nil {
		out = []Finding{}
	}
	return out
}

// malformed reports a statement the engine refuses for a reason the raw
// checks did not name.
func (l *linter) malformed(i int, raw json.RawMessage, err error) {
	element, msg := "", err.Error()
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		element, msg = se.Element, se.Err.Error()
	}
	l.add("MALFORMED_POLICY", i, rawSid(raw), element, "%s", msg)
}

// top is the top level of a document.
type top struct {
	version    string // valid Version, or ""
	id         string
	statements []json.RawMessage
}

// wrap returns a one-statement document holding raw (a JSON value or a
// value to marshal), with the document's Version.
func (t *top) wrap(stmt any) []byte {
	m := map[string]any{"Statement": []any{stmt}}
	if t.version != "" {
		m["Version"] = t.version
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // raw JSON and maps of JSON values always marshal
	}
	return b
}

// decodeStrict decodes one JSON value, refusing trailing data, as
// policy.Parse does.
func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); err == nil {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// checkTop checks the top level of the document. ok is false when no
// statement can be checked.
func (l *linter) checkTop(doc []byte) (t top, ok bool) {
	var m map[string]json.RawMessage
	if err := decodeStrict(doc, &m); err != nil {
		var se *json.SyntaxError
		msg := err.Error()
		if errors.As(err, &se) {
			line, col := position(doc, se.Offset)
			msg = fmt.Sprintf("Fix the JSON syntax error at line %d, column %d: %v.", line, col, err)
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			msg = "Fix the JSON syntax error: the document ends early."
		} else {
			msg = "Fix the JSON syntax error: " + msg + "."
		}
		l.add("JSON_SYNTAX_ERROR", -1, "", "", "%s", msg)
		return t, false
	}
	if m == nil {
		l.add("JSON_SYNTAX_ERROR", -1, "", "", "The policy must be a JSON object.")
		return t, false
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "Version", "Id", "Statement":
		default:
			l.add("INVALID_POLICY_ELEMENT", -1, "", k, "The policy element %s is not valid: a policy holds Version, Id and Statement.", k)
		}
	}
	if raw, present := m["Version"]; present {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			l.add("DATA_TYPE_MISMATCH", -1, "", "Version", "The text does not match the expected JSON data type string.")
			l.badVersion = true
		} else if v != policy.Version2012 && v != policy.Version2008 {
			l.add("INVALID_VERSION", -1, "", "Version", "The version %q is not valid. Use one of the following versions: %s, %s.", v, policy.Version2012, policy.Version2008)
			l.badVersion = true
		} else {
			t.version = v
		}
	}
	if raw, present := m["Id"]; present {
		if err := json.Unmarshal(raw, &t.id); err != nil {
			l.add("DATA_TYPE_MISMATCH", -1, "", "Id", "The text does not match the expected JSON data type string.")
		}
	}
	raw, present := m["Statement"]
	if !present {
		l.add("MISSING_STATEMENT", -1, "", "Statement", "Add a statement to the policy.")
		return t, false
	}
	if trimmed := bytes.TrimSpace(raw); len(trimmed) > 0 && trimmed[0] == '{' {
		t.statements = []json.RawMessage{raw}
	} else if err := json.Unmarshal(raw, &t.statements); err != nil || t.statements == nil {
		l.add("DATA_TYPE_MISMATCH", -1, "", "Statement", "The Statement element must be an object or an array of objects.")
		return t, false
	}
	if len(t.statements) == 0 {
		l.add("MISSING_STATEMENT", -1, "", "Statement", "Add a statement to the policy: the Statement array is empty.")
		return t, false
	}
	return t, true
}

// position returns the 1-based line and column of byte offset off.
func position(doc []byte, off int64) (line, col int) {
	if off > int64(len(doc)) {
		off = int64(len(doc))
	}
	before := doc[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// rawSid returns the statement's Sid if it is a string.
func rawSid(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	var sid string
	_ = json.Unmarshal(m["Sid"], &sid)
	return sid
}

// checkSize applies the size quota of the policy type.
func (l *linter) checkSize(doc []byte) {
	switch l.typ {
	case policy.ResourceBased:
		// S3 User Guide, "Bucket policies and user policies": "Bucket
		// policies are limited to 20 KB in size."
		if len(doc) > 20*1024 {
			l.add("POLICY_SIZE_EXCEEDS_BUCKET_POLICY_QUOTA", -1, "", "", "The bucket policy is %d bytes long: bucket policies are limited to 20 KB (20480 bytes). Split access among access points, or use fewer, broader statements.", len(doc))
		}
	case policy.VPCEndpointPolicy:
		// AWS PrivateLink quotas: "Characters per VPC endpoint policy
		// 20,480 ... including white space".
		if n := len([]rune(string(doc))); n > 20480 {
			l.add("POLICY_SIZE_EXCEEDS_VPC_ENDPOINT_POLICY_QUOTA", -1, "", "", "The VPC endpoint policy is %d characters long, white space included: endpoint policies are limited to 20,480 characters.", n)
		}
	case policy.IdentityBased, policy.PermissionsBoundary:
		// IAM quotas: a managed policy is at most 6,144 characters, not
		// counting white space.
		if n := nonSpace(doc); n > 6144 {
			l.add("POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", -1, "", "", "The characters in the identity policy, excluding whitespace, exceed the character maximum for managed policies: %d of 6144. We recommend that you use multiple granular policies.", n)
		}
	case policy.ServiceControlPolicy, policy.ResourceControlPolicy:
		// AWS Organizations quotas: SCPs and RCPs are at most 5,120
		// characters.
		code, name := "POLICY_SIZE_EXCEEDS_SCP_QUOTA", "service control policy (SCP)"
		if l.typ == policy.ResourceControlPolicy {
			code, name = "POLICY_SIZE_EXCEEDS_RCP_QUOTA", "resource control policy (RCP)"
		}
		if n := len([]rune(string(doc))); n > 5120 {
			l.add(code, -1, "", "", "The characters in the %s exceed the character maximum: %d of 5120. We recommend that you use multiple granular policies.", name, n)
		}
	}
}

func nonSpace(doc []byte) int {
	n := 0
	for _, r := range string(doc) {
		switch r {
		case ' ', '\t', '\n', '\r':
		default:
			n++
		}
	}
	return n
}
