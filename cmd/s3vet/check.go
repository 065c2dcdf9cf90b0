package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/iac"
	"github.com/s3vet/s3vet/internal/suggest"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/verify"
)

const checkUsage = `usage: s3vet check no-new-access --old FILE --new FILE [--type identity|resource] [--json|--sarif]
       s3vet check access-not-granted -f FILE (--action A | --resource ARN)... [--type ...] [--json]
       s3vet check no-public-access -f FILE [--json]
       s3vet check CHECK --terraform PLAN | --cloudformation TEMPLATE [--old-cloudformation OLD] [--parameter K=V]... [flags]

Proves, offline, what IAM Access Analyzer's custom policy checks answer:

  no-new-access       does the new policy allow any request the old one does
                      not? (CheckNoNewAccess)
  access-not-granted  does the policy allow any of the actions on any of the
                      resources? (CheckAccessNotGranted)
  no-public-access    is the bucket policy public, as S3 Block Public Access
                      defines it? (CheckNoPublicAccess)

Each answers PASS, FAIL or UNKNOWN. A FAIL comes with a witness, a request
that the engine allows (and, for no-new-access, that the old policy denies):

	new.json: no-new-access: FAIL
	  the new policy allows the request and the old one does not
	    principal  anonymous
	    action     s3:GetObject
	    resource   arn:aws:s3:::media/public/example
	  allowed by statement 1 (Sid "Public") of new.json

PASS means no such request exists. UNKNOWN names a construct the check does
not decide exactly (a CanonicalUser principal, for one); it is never a
guessed PASS. The method, and its limits, are in package policy/verify.

--old, --new and -f take a policy document (JSON; "-" for standard input).
Give --old and --new again for a set of identity policies (a principal's
attached policies). No --old means nothing was allowed before. --type is the
kind of policy: resource for a bucket, access point or VPC endpoint policy
(one with a Principal), identity otherwise; by default it is read from the
document.

With --terraform PLAN (terraform show -json plan.out) every policy of the
plan of a type package iac reads is checked: no-new-access compares each
document with its value before the plan (a new policy is compared with
nothing), the other checks judge each document. An IAM identity's
documents (a role's, user's or group's inline and attached policies that
the plan names) are one set, compared with the set before the change,
deleted documents included. --cloudformation TEMPLATE (JSON or YAML) is
the same for a template's policies; for no-new-access, --old-cloudformation
gives the template before the change, whose policies are paired with the
new one's by logical ID and property path (without it, nothing was
before). Values the plan or template leaves unknown are printed as notes; a
policy that holds one is UNKNOWN. Each result is located by its resource
address (an identity's, by the identity and its documents). The resource
types read are listed in docs/iac.md.

--json prints {"check": ..., "results": [{"location": ..., "result":
"PASS|FAIL|UNKNOWN", "witness": {...}, "statements": [...], "reason":
...}]}. --sarif prints a SARIF 2.1.0 log for code scanning: each FAIL an
error and each UNKNOWN a warning, in the policy, plan or template file, at
the policy's address for a plan or template.

Exits 0 when every result is PASS, 1 when any is FAIL or UNKNOWN (nothing
proven safe blocks a pipeline), and 2 on a usage error, a file that cannot
be read, or a policy that is malformed.

flags:
  --old FILE             the policy before the change (repeatable)
  --new FILE             the policy after the change (repeatable)
  -f FILE                the policy (repeatable for identity policies)
  --type KIND            identity or resource (default: from the document)
  --action A             an action or pattern, such as s3:DeleteObject (repeatable)
  --resource ARN         a resource ARN or pattern (repeatable)
  --terraform PLAN       check every policy of a Terraform plan (JSON)
  --cloudformation FILE  check every policy of a CloudFormation template
  --old-cloudformation FILE
                         the template before the change (no-new-access)
  --parameter K=V        a template parameter (repeatable)
  --json                 print the results as JSON
  --sarif                print FAIL and UNKNOWN results as SARIF 2.1.0
`

// checkNames are the checks of s3vet check.
var checkNames = []string{"no-new-access", "access-not-granted", "no-public-access"}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// checkResult is one result of s3vet check, located.
type checkResult struct {
	Location string `json:"location"`
	verify.Result
}

type checkReport struct {
	Check      string           `json:"check"`
	Results    []checkResult    `json:"results"`
	Unresolved []iac.Unresolved `json:"unresolved,omitempty"`
}

func checkCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// The check comes first: s3vet check CHECK [flags].
	name, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
	}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var olds, news, files, actions, resources listFlag
	fs.Var(&olds, "old", "")
	fs.Var(&news, "new", "")
	fs.Var(&files, "f", "")
	fs.Var(&actions, "action", "")
	fs.Var(&resources, "resource", "")
	typ := fs.String("type", "", "")
	terraform := fs.String("terraform", "", "")
	cfn := fs.String("cloudformation", "", "")
	oldCfn := fs.String("old-cloudformation", "", "")
	params := paramFlag{}
	fs.Var(params, "parameter", "")
	asJSON := fs.Bool("json", false, "")
	asSARIF := fs.Bool("sarif", false, "")
	if status, ok := parseFlags(fs, rest, checkUsage, stdout, stderr); !ok {
		return status
	}
	switch {
	case name == "":
		return usageError(stderr, "check", "name the check first: %s", strings.Join(checkNames, ", "))
	case !slices.Contains(checkNames, name):
		msg := fmt.Sprintf("unknown check %q (want %s)", name, strings.Join(checkNames, ", "))
		if s := suggest.Closest(name, checkNames); s != "" {
			msg += fmt.Sprintf("; did you mean %s?", s)
		}
		return usageError(stderr, "check", "%s", msg)
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "check", "unexpected argument %q", fs.Arg(0))
	}
	var kind verify.Kind
	switch *typ {
	case "":
	case "identity":
		kind = verify.Identity
	case "resource":
		kind = verify.Resource
	default:
		return usageError(stderr, "check", "--type %q: want identity or resource", *typ)
	}
	iacInput := countSet(*terraform, *cfn)
	switch {
	case iacInput > 1:
		return usageError(stderr, "check", "--terraform and --cloudformation cannot go together")
	case iacInput == 1 && len(olds)+len(news)+len(files) > 0:
		return usageError(stderr, "check", "--terraform or --cloudformation cannot go with --old, --new or -f")
	case iacInput == 0 && name == "no-new-access" && (len(news) == 0 || len(files) > 0):
		return usageError(stderr, "check", "no-new-access takes --new FILE (and --old FILE)")
	case iacInput == 0 && name != "no-new-access" && (len(files) == 0 || len(olds)+len(news) > 0):
		return usageError(stderr, "check", "%s takes -f FILE", name)
	case name == "access-not-granted" && len(actions)+len(resources) == 0:
		return usageError(stderr, "check", "access-not-granted takes --action or --resource")
	case name != "access-not-granted" && len(actions)+len(resources) > 0:
		return usageError(stderr, "check", "--action and --resource are for access-not-granted")
	case *asJSON && *asSARIF:
		return usageError(stderr, "check", "--json and --sarif cannot go together")
	case len(params) > 0 && *cfn == "":
		return usageError(stderr, "check", "--parameter is for --cloudformation")
	case *oldCfn != "" && (*cfn == "" || name != "no-new-access"):
		return usageError(stderr, "check", "--old-cloudformation goes with no-new-access --cloudformation")
	}
	access := verify.Access{Actions: actions, Resources: resources}
	report := checkReport{Check: name, Results: []checkResult{}}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "s3vet check: %v\n", err)
		return 2
	}
	if iacInput == 1 {
		src, err := readIaC(*terraform, *cfn, params)
		if err != nil {
			return fail(err)
		}
		report.Unresolved = src.Unresolved
		var before *iac.Source
		if *oldCfn != "" {
			// The template before the change: its policies are the
			// before of the new one's, paired by logical ID and path.
			before, err = readIaC("", *oldCfn, params)
			if err != nil {
				return fail(err)
			}
			docs := map[string]iac.Policy{}
			for _, p := range before.Policies {
				docs[p.Location()] = p
			}
			for i := range src.Policies {
				old := docs[src.Policies[i].Location()]
				src.Policies[i].Before = old.Document
				src.Policies[i].MaybeCreated = cmp.Or(src.Policies[i].MaybeCreated, old.MaybeCreated)
			}
		}
		grouped := map[string]bool{}
		if name == "no-new-access" && kind != verify.Resource {
			results, covered, err := checkIdentities(ctx, src, before)
			if err != nil {
				return fail(err)
			}
			report.Results = append(report.Results, results...)
			grouped = covered
		}
		for _, p := range src.Policies {
			if grouped[p.Location()] {
				continue
			}
			res, skip, err := checkIaCPolicy(ctx, name, p, access, kind)
			if err != nil {
				return fail(fmt.Errorf("%s: %w", p.Location(), err))
			}
			if skip {
				continue
			}
			report.Results = append(report.Results, checkResult{Location: p.Location(), Result: res})
		}
		// An attachment of a policy the plan does not hold grants what
		// that policy grants, which nothing here can prove.
		if name != "no-public-access" && kind != verify.Resource {
			// With the template before the change, an attachment it had
			// already is no change.
			had := map[string]bool{}
			if before != nil && name == "no-new-access" {
				for _, a := range before.Attachments {
					had[attachmentKey(a)] = true
				}
			}
			for _, a := range src.Attachments {
				// What could not be resolved is never known to be the same.
				resolved := (a.PolicyARN != "" || a.What != "") && !strings.Contains(a.What, "?")
				if resolved && had[attachmentKey(a)] {
					continue
				}
				what := cmp.Or(a.What, a.PolicyARN, "a policy known only after apply")
				verb := "attaches " + what + " to "
				to := "an identity known only after apply"
				switch {
				case len(a.Identities) > 0:
					to = strings.Join(a.Identities, ", ")
				case len(a.Before) > 0:
					verb, to = "detaches "+what+" from ", strings.Join(a.Before, ", ")
				}
				report.Results = append(report.Results, checkResult{Location: a.Address, Result: verify.Result{
					Verdict: verify.Unknown, Reason: verb + to + ", and the input does not hold what it grants or denies",
				}})
			}
		}
		// A document that holds a value known only after apply (or at
		// deployment) is proven nothing about: UNKNOWN, which fails the
		// gate, never a silent pass.
		for _, p := range src.UnresolvedPolicies {
			if !checksKind(name, p, kind) {
				continue
			}
			report.Results = append(report.Results, checkResult{Location: p.Location(), Result: verify.Result{
				Verdict: verify.Unknown, Reason: "the document holds values not known until " + knownWhen(*terraform) + ": " + unresolvedWhy(src.Unresolved, p),
			}})
		}
		if !*asJSON && !*asSARIF {
			writeUnresolved(stderr, "check", src.Unresolved)
		}
	} else {
		read := func(names []string) ([]*policy.Policy, error) {
			var out []*policy.Policy
			for _, f := range names {
				doc, err := readDoc(f, stdin)
				if err != nil {
					return nil, err
				}
				p, err := parseForCheck(f, doc, kind)
				if err != nil {
					return nil, err
				}
				out = append(out, p)
			}
			return out, nil
		}
		var res verify.Result
		var err error
		location := ""
		switch name {
		case "no-new-access":
			var oldP, newP []*policy.Policy
			if oldP, err = read(olds); err != nil {
				return fail(err)
			}
			if newP, err = read(news); err != nil {
				return fail(err)
			}
			location = strings.Join(news, ",")
			res, err = verify.NoNewAccess(ctx, oldP, newP, nil)
		case "access-not-granted":
			var ps []*policy.Policy
			if ps, err = read(files); err != nil {
				return fail(err)
			}
			location = strings.Join(files, ",")
			res, err = verify.AccessNotGranted(ctx, ps, access, nil)
		case "no-public-access":
			var ps []*policy.Policy
			if ps, err = read(files); err != nil {
				return fail(err)
			}
			if len(ps) != 1 {
				return usageError(stderr, "check", "no-public-access takes one -f FILE")
			}
			location = files[0]
			res, err = verify.NoPublicAccess(ctx, ps[0], nil)
		}
		if err != nil {
			return fail(err)
		}
		report.Results = append(report.Results, checkResult{Location: location, Result: res})
	}
	switch {
	case *asJSON:
		if err := writeIndented(stdout, report); err != nil {
			return fail(err)
		}
	case *asSARIF:
		file := *terraform + *cfn
		if iacInput == 0 {
			file = strings.Split(report.Results[0].Location, ",")[0]
		}
		if err := writeCheckSARIF(stdout, report, file, iacInput == 1); err != nil {
			return fail(err)
		}
	default:
		writeCheckText(stdout, report)
	}
	for _, r := range report.Results {
		if r.Verdict != verify.Pass {
			return 1
		}
	}
	return 0
}

// checkIaCPolicy runs the check on one policy of a plan or template. skip
// reports a policy the check has no question for (a trust policy for
// no-public-access, an identity policy for no-public-access).
func checkIaCPolicy(ctx context.Context, name string, p iac.Policy, access verify.Access, kind verify.Kind) (verify.Result, bool, error) {
	if !checksKind(name, p, kind) {
		return verify.Result{}, true, nil
	}
	// A data source's document has no before in a plan: the resources
	// that use it are compared instead.
	if name == "no-new-access" && p.DataSource {
		return verify.Result{}, true, nil
	}
	// Created or not, as a parameter decides: no comparison holds for
	// both (the other checks judge it as created, the stricter reading).
	if name == "no-new-access" && p.MaybeCreated != "" {
		return verify.Result{Verdict: verify.Unknown, Reason: "created only if condition " + p.MaybeCreated + " holds, which cannot be evaluated (give its parameters)"}, false, nil
	}
	newP, err := policy.Parse(p.Location(), p.Type, p.Document)
	if err != nil {
		return verify.Result{}, false, err
	}
	switch name {
	case "no-new-access":
		var old []*policy.Policy
		if p.Before != nil {
			o, err := policy.Parse(p.Location()+" (before)", p.Type, p.Before)
			if err != nil {
				return verify.Result{}, false, err
			}
			old = append(old, o)
		}
		if p.Type == policy.IdentityBased {
			// Attached to identities the input does not name: their other
			// policies are not shown.
			res, err := verify.NoNewAccessBesideOthers(ctx, old, []*policy.Policy{newP}, nil)
			return res, false, err
		}
		res, err := verify.NoNewAccess(ctx, old, []*policy.Policy{newP}, nil)
		return res, false, err
	case "access-not-granted":
		res, err := verify.AccessNotGranted(ctx, []*policy.Policy{newP}, access, nil)
		return res, false, err
	}
	res, err := verify.NoPublicAccess(ctx, newP, nil)
	return res, false, err
}

// checkIdentities runs no-new-access once per IAM identity of a plan or
// template (iac.IdentitySets), on all its documents together, beside
// whatever other policies the identity has. covered names the documents
// judged so, which are not judged one by one.
func checkIdentities(ctx context.Context, src, before *iac.Source) (results []checkResult, covered map[string]bool, err error) {
	parse := func(ds []iac.SetDocument) ([]*policy.Policy, error) {
		var out []*policy.Policy
		for _, d := range ds {
			p, err := policy.Parse(d.Location, policy.IdentityBased, d.Document)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", d.Location, err)
			}
			out = append(out, p)
		}
		return out, nil
	}
	covered = map[string]bool{}
	for _, set := range iac.IdentitySets(src, before) {
		newP, err := parse(set.New)
		if err != nil {
			return nil, nil, err
		}
		oldP, oldErr := parse(set.Old)
		var locs []string
		maybe := ""
		for _, d := range set.New {
			locs = append(locs, d.Location)
			covered[d.Location] = true
			maybe = cmp.Or(maybe, d.MaybeCreated)
		}
		for _, d := range set.Old {
			maybe = cmp.Or(maybe, d.MaybeCreated)
			if len(set.New) == 0 {
				locs = append(locs, d.Location)
			}
		}
		location := set.Identity + " (" + strings.Join(locs, ", ") + ")"
		if oldErr != nil {
			// A document the change replaces or deletes that package
			// policy cannot read: what it denied is not known.
			results = append(results, checkResult{Location: location, Result: verify.Result{Verdict: verify.Unknown,
				Reason: "a document before the change cannot be read: " + oldErr.Error()}})
			continue
		}
		if maybe != "" {
			results = append(results, checkResult{Location: location, Result: verify.Result{Verdict: verify.Unknown,
				Reason: "a document is created only if condition " + maybe + " holds, which cannot be evaluated (give its parameters)"}})
			continue
		}
		res, err := verify.NoNewAccessBesideOthers(ctx, oldP, newP, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", set.Identity, err)
		}
		results = append(results, checkResult{Location: location, Result: res})
	}
	return results, covered, nil
}

// attachmentKey identifies an attachment across two templates.
func attachmentKey(a iac.Attachment) string {
	return a.Address + "\x00" + a.PolicyARN + "\x00" + a.What + "\x00" + strings.Join(a.Identities, ",")
}

// checksKind reports whether the check asks anything of a policy of p's
// type: no trust policies; for no-public-access, resource-based policies
// alone; with --type, that kind alone.
func checksKind(name string, p iac.Policy, kind verify.Kind) bool {
	k, err := verify.KindOf(p.Type)
	if err != nil {
		return false
	}
	if kind != 0 && k != kind {
		return false
	}
	return name != "no-public-access" || p.Type == policy.ResourceBased
}

// knownWhen says when an unresolved value of the input becomes known.
func knownWhen(terraform string) string {
	if terraform != "" {
		return "apply"
	}
	return "deployment"
}

// unresolvedWhy joins the reasons of the unresolved values within p's
// document.
func unresolvedWhy(us []iac.Unresolved, p iac.Policy) string {
	var why []string
	for _, u := range us {
		if u.Address == p.Address && (u.Path == p.Path || strings.HasPrefix(u.Path, p.Path+".") || strings.HasPrefix(u.Path, p.Path+"[")) {
			why = append(why, u.Path+": "+u.Reason)
		}
	}
	if len(why) == 0 {
		return p.Path
	}
	return strings.Join(why, "; ")
}

// parseForCheck parses a policy file as the kind asked for, or as the
// document says: resource-based when a statement names a Principal.
func parseForCheck(name string, doc []byte, kind verify.Kind) (*policy.Policy, error) {
	typ := policy.IdentityBased
	switch kind {
	case verify.Resource:
		typ = policy.ResourceBased
	case 0:
		if hasPrincipal(doc) {
			typ = policy.ResourceBased
		}
	}
	p, err := policy.Parse(name, typ, doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// hasPrincipal reports whether a statement of doc has a Principal or
// NotPrincipal element.
func hasPrincipal(doc []byte) bool {
	var top struct {
		Statement json.RawMessage
	}
	if json.Unmarshal(doc, &top) != nil {
		return false
	}
	var list []map[string]json.RawMessage
	if t := bytes.TrimSpace(top.Statement); len(t) > 0 && t[0] == '{' {
		var one map[string]json.RawMessage
		if json.Unmarshal(t, &one) != nil {
			return false
		}
		list = append(list, one)
	} else if json.Unmarshal(t, &list) != nil {
		return false
	}
	for _, st := range list {
		if _, ok := st["Principal"]; ok {
			return true
		}
		if _, ok := st["NotPrincipal"]; ok {
			return true
		}
	}
	return false
}

func writeCheckText(w io.Writer, report checkReport) {
	if len(report.Results) == 0 {
		fmt.Fprintf(w, "%s: no policy to check\n", report.Check)
		return
	}
	for _, r := range report.Results {
		fmt.Fprintf(w, "%s: %s: %s\n", r.Location, report.Check, r.Verdict)
		if r.Reason != "" {
			fmt.Fprintf(w, "  %s\n", r.Reason)
		}
		if wt := r.Witness; wt != nil {
			fmt.Fprintf(w, "    principal  %s\n    action     %s\n    resource   %s\n", wt.Principal, wt.Action, wt.Resource)
			if len(wt.Context) > 0 {
				var kv []string
				for _, k := range slices.Sorted(maps.Keys(wt.Context)) {
					kv = append(kv, k+"="+strings.Join(wt.Context[k], ","))
				}
				fmt.Fprintf(w, "    context    %s\n", strings.Join(kv, " "))
			}
		}
		for _, s := range r.Statements {
			sid := ""
			if s.Sid != "" {
				sid = fmt.Sprintf(" (Sid %q)", s.Sid)
			}
			fmt.Fprintf(w, "  allowed by statement %d%s of %s\n", s.Statement, sid, s.Policy)
		}
	}
}
