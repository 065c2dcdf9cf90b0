package main

import (
	"bytes"
	"context"
	_ "embed"
	"flag"
	"fmt"
	"io"

	"github.com/s3vet/s3vet/policy/scenario"
)

//go:embed demo.json
var demoScenarios []byte

// demoCmd shows the policy engine at work on a few built-in questions.
// It grows into the full tour (simulator, scan, encryption, presigning)
// as those packages land.
func demoCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	list, err := scenario.Decode(bytes.NewReader(demoScenarios))
	if err != nil {
		fmt.Fprintf(stderr, "s3vet demo: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "s3vet demo: can this principal do this? Answered as AWS would.")
	for i := range list {
		sc := &list[i]
		a := sc.Answer()
		fmt.Fprintf(stdout, "\n%d. %s\n", i+1, sc.Name)
		fmt.Fprintf(stdout, "   %s wants %s on %s\n", sc.Request.Principal, sc.Request.Action, sc.Request.Resource)
		fmt.Fprintf(stdout, "   => %s\n", a.Decision)
		switch {
		case a.Error != "":
			fmt.Fprintf(stdout, "   error: %s\n", a.Error)
		case a.Message != "":
			fmt.Fprintf(stdout, "   %s\n", a.Message)
		case a.Statement != "":
			fmt.Fprintf(stdout, "   %s\n", a.Statement)
		}
	}
	fmt.Fprintln(stdout, "\nTry your own: s3vet eval -f FILE (format: docs/scenario.md).")
	return 0
}
