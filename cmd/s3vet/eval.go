package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/s3vet/s3vet/policy/scenario"
)

const evalUsage = `usage: s3vet eval -f FILE

Answers the authorization scenarios in FILE ("-" for standard input): one
JSON scenario or an array of them, in the format of docs/scenario.md. Prints
one JSON answer per line, one per scenario, in the order of the file.

A field the format does not have (or a field in another case than the
format's) is an error that names the scenario, the field and the field
probably meant; nothing is answered then.

When scenarios carry "expect", each decision is compared with it: every
mismatch and then a summary ("9/10 scenarios as expected") are written to
standard error.

Exits 0 when every answer was written and matches its expect, 1 when a
decision differs from its expect, and 2 on a usage error, a file that
cannot be read or decoded or holds no scenario, or output that cannot be
written. A scenario answered Invalid is an answer: it exits 1 only when
its expect is another decision.

flags:
  -f FILE   the scenario file (JSON)
`

// evalCmd answers the scenarios of a file, one JSON line per scenario in
// input order, or fails with a non-zero status.
func evalCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	file := fs.String("f", "", "")
	if status, ok := parseFlags(fs, args, evalUsage, stdout, stderr); !ok {
		return status
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, "eval", "unexpected argument %q", fs.Arg(0))
	case *file == "":
		return usageError(stderr, "eval", "-f FILE is required")
	}
	doc, err := readDoc(*file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet eval: %v\n", err)
		return 2
	}
	list, err := scenario.Decode(bytes.NewReader(doc))
	switch {
	case len(bytes.TrimSpace(doc)) == 0:
		err = errors.New("empty: want one scenario (an object) or an array of them")
	case err == nil && len(list) == 0:
		// null or []: nothing to answer is a file that is not what was
		// meant, not a run where every scenario passed.
		err = errors.New("no scenarios: want one scenario (an object) or an array of them")
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet eval: %s: %v\n", displayName(*file), err)
		return 2
	}
	t := bytes.TrimSpace(doc)
	array := len(t) > 0 && t[0] == '['

	// One writer, written in order and flushed before the status is
	// decided: a failed write or flush is the command's failure, never a
	// short output with status 0.
	out := bufio.NewWriter(stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var (
		expected, matched int
		mismatches        []string
	)
	for i := range list {
		sc := &list[i]
		a := sc.Answer()
		if a.Decision == scenario.Invalid {
			// The same error, in the user's words where package policy
			// used Go's.
			if _, _, err := sc.Compile(); err != nil && err.Error() == a.Error {
				a.Error = inWords(err, nil)
			}
		}
		if err := enc.Encode(a); err != nil {
			fmt.Fprintf(stderr, "s3vet eval: writing the answer to scenario %d of %d: %v\n", i+1, len(list), err)
			return 2
		}
		if sc.Expect == "" {
			continue
		}
		expected++
		if a.Decision == sc.Expect {
			matched++
			continue
		}
		got := a.Decision
		if a.Error != "" {
			got += " (" + a.Error + ")"
		}
		where := "scenario"
		if array {
			where = fmt.Sprintf("scenarios[%d]", i)
		}
		mismatches = append(mismatches, fmt.Sprintf("%s (%q): %s, expected %s", where, sc.Name, got, sc.Expect))
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(stderr, "s3vet eval: writing the answers: %v\n", err)
		return 2
	}
	for _, m := range mismatches {
		fmt.Fprintf(stderr, "s3vet eval: %s\n", m)
	}
	if expected > 0 {
		fmt.Fprintf(stderr, "s3vet eval: %d/%d scenarios as expected\n", matched, expected)
	}
	if len(mismatches) > 0 {
		return 1
	}
	return 0
}

// displayName is how errors name the file of a -f flag.
func displayName(file string) string {
	if file == "-" {
		return "standard input"
	}
	return file
}
