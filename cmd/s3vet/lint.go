package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/iac"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
	"github.com/s3vet/s3vet/policy/lint"
)

const lintUsage = `usage: s3vet lint -f FILE [--json | --sarif] [--type TYPE] [--account ID]
       s3vet lint --terraform FILE | --cloudformation FILE [--parameter NAME=VALUE ...] [--json | --sarif] [--account ID]

Validates the policy document in FILE ("-" for standard input) as IAM Access
Analyzer's policy validation does, and prints one finding per line:

	SEVERITY CODE statement N (Sid): element: message

(or a JSON array of findings with --json). A document that is not valid
JSON, or not a JSON object, is an ERROR finding (JSON_SYNTAX_ERROR), as in
Access Analyzer.

With --terraform (a plan, as terraform show -json writes it) or
--cloudformation (a template, JSON or YAML), lints every policy document of
the plan or template, each as the kind of policy its resource holds (a
bucket policy, an identity-based policy, a role's trust policy), and
prefixes each finding with where the document is:

	ADDRESS.PATH: SEVERITY CODE statement N (Sid): element: message

(with --json, an object of "findings", each with its "location", and
"unresolved"). A document known only once the plan is applied or the
template deployed is not linted: it is printed as a note on standard error,
and is no failure. See docs/iac.md.

Exits 0 when no finding is an ERROR, 1 when one is, and 2 on a usage
error, a file that cannot be read, or output that cannot be written.

flags:
  -f FILE        the policy document
  --json         print the findings as a JSON array
  --sarif        print the findings as a SARIF 2.1.0 log for code scanning,
                 each located in FILE and, for a plan or template, at the
                 policy's address
  --type TYPE    identity, resource (a bucket or access point policy),
                 boundary, session, scp, rcp or vpc-endpoint; by default
                 resource if any statement has a Principal or NotPrincipal
                 element, identity otherwise
  --account ID   the 12-digit account that owns the policy, to tell
                 principals of other accounts apart
  --terraform FILE       lint every policy of a Terraform plan (JSON)
  --cloudformation FILE  lint every policy of a CloudFormation template
  --parameter NAME=VALUE a template parameter, for --cloudformation; repeatable
`

// lintPolicyTypes maps the --type names to policy types.
var lintPolicyTypes = map[string]policy.Type{
	"identity":     policy.IdentityBased,
	"resource":     policy.ResourceBased,
	"boundary":     policy.PermissionsBoundary,
	"session":      policy.SessionPolicy,
	"scp":          policy.ServiceControlPolicy,
	"rcp":          policy.ResourceControlPolicy,
	"vpc-endpoint": policy.VPCEndpointPolicy,
}

func lintCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	file := fs.String("f", "", "")
	asJSON := fs.Bool("json", false, "")
	asSARIF := fs.Bool("sarif", false, "")
	typName := fs.String("type", "", "")
	account := fs.String("account", "", "")
	terraform := fs.String("terraform", "", "")
	cfn := fs.String("cloudformation", "", "")
	params := paramFlag{}
	fs.Var(params, "parameter", "")
	if status, ok := parseFlags(fs, args, lintUsage, stdout, stderr); !ok {
		return status
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, "lint", "unexpected argument %q", fs.Arg(0))
	case *asJSON && *asSARIF:
		return usageError(stderr, "lint", "--json and --sarif cannot go together")
	case *asSARIF && *file == "-":
		return usageError(stderr, "lint", "--sarif locates findings in a file: give -f FILE, not standard input")
	case countSet(*file, *terraform, *cfn) > 1:
		return usageError(stderr, "lint", "-f, --terraform and --cloudformation cannot go together")
	case len(params) > 0 && *cfn == "":
		return usageError(stderr, "lint", "--parameter goes with --cloudformation")
	case (*terraform != "" || *cfn != "") && *typName != "":
		return usageError(stderr, "lint", "--type goes with -f: a plan's or template's policies have the type of their resource")
	case *terraform != "" || *cfn != "":
		if *account != "" && !policy.IsAccountID(*account) {
			return usageError(stderr, "lint", "--account %q: want a 12-digit account ID", *account)
		}
		return lintIaC(*terraform, *cfn, params, lintFormat(*asJSON, *asSARIF), *account, stdout, stderr)
	case *file == "":
		return usageError(stderr, "lint", "-f FILE is required")
	case *account != "" && !policy.IsAccountID(*account):
		return usageError(stderr, "lint", "--account %q: want a 12-digit account ID", *account)
	}
	typ, ok := lintPolicyTypes[*typName]
	if *typName != "" && !ok {
		return usageError(stderr, "lint", "--type %q: want identity, resource, boundary, session, scp, rcp or vpc-endpoint", *typName)
	}
	doc, err := readDoc(*file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet lint: %v\n", err)
		return 2
	}
	if *typName == "" {
		typ = lintGuessType(doc)
	}
	findings, err := lint.Check(typ, doc, lint.Options{Account: *account})
	if err != nil {
		fmt.Fprintf(stderr, "s3vet lint: %v\n", err)
		return 2
	}
	lintInWords(doc, findings)
	switch {
	case *asSARIF:
		var located []locatedFinding
		for _, f := range findings {
			located = append(located, locatedFinding{Finding: f})
		}
		err = writeLintSARIF(stdout, *file, located)
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		err = enc.Encode(findings)
	default:
		var b strings.Builder
		for _, f := range findings {
			fmt.Fprintln(&b, f)
		}
		if len(findings) == 0 {
			fmt.Fprintf(&b, "no findings (%s)\n", typ)
		}
		_, err = io.WriteString(stdout, b.String())
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet lint: writing the findings: %v\n", err)
		return 2
	}
	// Say which actions went unchecked, without making it a finding.
	if p, err := policy.Parse(*file, typ, doc); err == nil {
		if svcs := lint.UncheckedServices(p); len(svcs) > 0 {
			fmt.Fprintf(stderr, "s3vet lint: note: actions of %s are not checked (the catalog covers %s only)\n",
				strings.Join(svcs, ", "), strings.Join(catalog.Services(), ", "))
		}
	}
	if lint.HasErrors(findings) {
		return 1
	}
	return 0
}

// A locatedFinding is a lint finding of a policy of a plan or template.
type locatedFinding struct {
	// Location is where the document is: the resource's address and the
	// attribute or property path (iac.Policy.Location).
	Location string `json:"location"`
	lint.Finding
}

// lintIaC lints every policy of a Terraform plan or CloudFormation
// template.
func lintIaC(terraform, cfn string, params map[string]string, format string, account string, stdout, stderr io.Writer) int {
	src, err := readIaC(terraform, cfn, params)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet lint: %v\n", err)
		return 2
	}
	all := []locatedFinding{}
	var plain []lint.Finding
	for _, p := range src.Policies {
		if p.Type == policy.TrustPolicy {
			// Access Analyzer's checks of trust policies are not lint's.
			fmt.Fprintf(stderr, "s3vet lint: note: %s: a role's trust policy, not linted\n", p.Location())
			continue
		}
		findings, err := lint.Check(p.Type, p.Document, lint.Options{Account: account})
		if err != nil {
			fmt.Fprintf(stderr, "s3vet lint: %s: %v\n", p.Location(), err)
			return 2
		}
		lintInWords(p.Document, findings)
		for _, f := range findings {
			all = append(all, locatedFinding{p.Location(), f})
		}
		plain = append(plain, findings...)
	}
	writeUnresolved(stderr, "lint", src.Unresolved)
	switch format {
	case "sarif":
		err = writeLintSARIF(stdout, terraform+cfn, all)
	case "json":
		err = writeIndented(stdout, struct {
			Findings   []locatedFinding `json:"findings"`
			Unresolved []iac.Unresolved `json:"unresolved"`
		}{all, unresolvedList(src.Unresolved)})
	default:
		var b strings.Builder
		for _, f := range all {
			fmt.Fprintf(&b, "%s: %s\n", f.Location, f.Finding)
		}
		if len(all) == 0 {
			fmt.Fprintf(&b, "no findings (%d policies)\n", len(src.Policies))
		}
		_, err = io.WriteString(stdout, b.String())
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet lint: writing the findings: %v\n", err)
		return 2
	}
	if lint.HasErrors(plain) {
		return 1
	}
	return 0
}

// lintFormat names the output format the flags ask for.
func lintFormat(asJSON, asSARIF bool) string {
	switch {
	case asJSON:
		return "json"
	case asSARIF:
		return "sarif"
	}
	return "text"
}

// writeLintSARIF writes lint findings as a SARIF 2.1.0 log: one rule per
// issue code, with Access Analyzer's page (or the AWS page the rule
// follows) as its help; ERROR an error, SUGGESTION a note, the warnings
// warnings; each result located in file and at the policy's address.
func writeLintSARIF(w io.Writer, file string, findings []locatedFinding) error {
	var rules []sarifRule
	seen := map[string]bool{}
	var results []sarifResult
	for _, f := range findings {
		if !seen[f.Code] {
			seen[f.Code] = true
			words := strings.ToLower(strings.ReplaceAll(f.Code, "_", " "))
			if words != "" {
				words = strings.ToUpper(words[:1]) + words[1:]
			}
			rules = append(rules, sarifRule{ID: f.Code, ShortDescription: sarifText{words}, HelpURI: f.Learn})
		}
		level := "warning"
		switch f.Severity {
		case lint.Error:
			level = "error"
		case lint.Suggestion:
			level = "note"
		}
		results = append(results, sarifResult{
			RuleID: f.Code, Level: level, Message: sarifText{f.Finding.String()},
			Locations:           []sarifLocation{sarifAt(file, f.Location)},
			PartialFingerprints: sarifFingerprint("s3vetLint/v1", f.Code, f.Location, strconv.Itoa(f.Statement), f.Element, f.Message),
		})
	}
	if rules == nil {
		rules = []sarifRule{}
	}
	return writeSARIF(w, rules, results)
}

// readDoc reads the document a command's -f flag names: the file, or
// standard input for "-".
func readDoc(file string, stdin io.Reader) ([]byte, error) {
	if file == "-" {
		if stdin == nil {
			return nil, fmt.Errorf("no standard input")
		}
		return io.ReadAll(stdin)
	}
	return os.ReadFile(file)
}

// lintInWords rewrites the finding package lint makes of a document that
// is valid JSON but not an object, whose message quotes encoding/json's
// error and its Go types ("cannot unmarshal array into Go value of type
// map[string]json.RawMessage"), in the words lint uses for null.
func lintInWords(doc []byte, findings []lint.Finding) {
	kind := topKind(doc)
	if kind == "" || kind == "object" || kind == "null" {
		return
	}
	for i, f := range findings {
		if f.Code == "JSON_SYNTAX_ERROR" && f.Statement < 0 {
			findings[i].Message = fmt.Sprintf("The policy must be a JSON object, not %s.", jsonKind(kind))
		}
	}
}

// lintGuessType reads the policy as a bucket policy when any statement has a
// Principal or NotPrincipal element, and as an identity-based policy
// otherwise.
func lintGuessType(doc []byte) policy.Type {
	var top struct {
		Statement json.RawMessage
	}
	if json.Unmarshal(doc, &top) != nil {
		return policy.IdentityBased
	}
	var stmts []map[string]json.RawMessage
	if t := bytes.TrimSpace(top.Statement); len(t) > 0 && t[0] == '{' {
		var one map[string]json.RawMessage
		if json.Unmarshal(t, &one) == nil {
			stmts = append(stmts, one)
		}
	} else {
		var list []json.RawMessage
		_ = json.Unmarshal(t, &list)
		for _, raw := range list {
			var one map[string]json.RawMessage
			if json.Unmarshal(raw, &one) == nil {
				stmts = append(stmts, one)
			}
		}
	}
	for _, s := range stmts {
		if _, ok := s["Principal"]; ok {
			return policy.ResourceBased
		}
		if _, ok := s["NotPrincipal"]; ok {
			return policy.ResourceBased
		}
	}
	return policy.IdentityBased
}
