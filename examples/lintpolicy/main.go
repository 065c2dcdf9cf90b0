// Command lintpolicy validates IAM policy files in CI, as IAM Access
// Analyzer's policy validation does, and fails the build on any finding:
//
//	go run github.com/s3vet/s3vet/examples/lintpolicy policies/*.json
//
// A file whose statements name a Principal is checked as a resource-based
// (bucket) policy, any other as an identity-based policy. Under GitHub
// Actions (GITHUB_ACTIONS=true) findings are printed as workflow commands,
// so that they show on the pull request's files.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/lint"
)

// escape escapes a workflow command's message.
var escape = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// run lints the files and returns the exit status: 0 when no file has a
// finding, 1 when one does (a file that is not JSON has one), 2 when a
// file cannot be read.
func run(stdout, stderr io.Writer, files []string, github bool) int {
	status := 0
	for _, name := range files {
		doc, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		typ := policy.IdentityBased
		if bytes.Contains(doc, []byte(`"Principal"`)) || bytes.Contains(doc, []byte(`"NotPrincipal"`)) {
			typ = policy.ResourceBased
		}
		findings, err := lint.Check(typ, doc, lint.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			return 2
		}
		for _, f := range findings {
			status = 1
			if github {
				level := "warning"
				if f.Severity == lint.Error || f.Severity == lint.SecurityWarning {
					level = "error"
				}
				fmt.Fprintf(stdout, "::%s file=%s,title=%s::%s\n", level, name, f.Code, escape.Replace(f.String()))
			} else {
				fmt.Fprintf(stdout, "%s: %s\n", name, f)
			}
		}
	}
	return status
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: lintpolicy FILE...")
		os.Exit(2)
	}
	os.Exit(run(os.Stdout, os.Stderr, os.Args[1:], os.Getenv("GITHUB_ACTIONS") == "true"))
}
