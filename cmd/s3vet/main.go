// Command s3vet answers questions about the security of Amazon S3 the way
// AWS would.
//
// Usage:
//
//	s3vet eval -f FILE     answer the authorization scenarios in FILE (JSON)
//	s3vet public -f FILE   say whether a bucket policy is public, and why
//	s3vet lint -f FILE     validate a policy as IAM Access Analyzer does
//	s3vet scan             check the posture of an account's S3 buckets
//	s3vet serve            run the S3 simulator on a world file
//	s3vet demo             show what s3vet does, on a simulated S3, in seconds
//
// See docs/scenario.md for the scenario format.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3vet/s3vet/internal/suggest"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: s3vet <command> [flags]

commands:
  eval -f FILE     answer the authorization scenarios in FILE ("-" for standard input)
  public -f FILE   say whether a bucket policy is public, and why
  lint -f FILE     validate a policy as IAM Access Analyzer does (--json for JSON)
  scan             check the posture of an account's S3 buckets (--snapshot FILE offline)
  serve            run the S3 simulator on a world file (--config FILE)
  demo             show what s3vet does, on a simulated S3, in seconds (--json)
`

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "eval":
		return evalCmd(ctx, args[1:], stdin, stdout, stderr)
	case "public":
		return publicCmd(ctx, args[1:], stdin, stdout, stderr)
	case "lint":
		return lintCmd(ctx, args[1:], stdin, stdout, stderr)
	case "scan":
		return scanCmd(ctx, args[1:], stdout, stderr)
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		return demoCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "s3vet: unknown command %q\n%s", args[0], usage)
	return 2
}

// parseFlags parses a subcommand's flags. When it returns !ok the command
// ends with status: 0 after -h or -help (the usage is printed), 2 after a
// bad flag (the flag package has said what is wrong; for a flag the
// command does not have, parseFlags adds the flag probably meant).
func parseFlags(fs *flag.FlagSet, args []string) (status int, ok bool) {
	switch err := fs.Parse(args); {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		return 0, false
	default:
		if name, undefined := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); undefined {
			var names []string
			fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
			if s := suggest.Closest(strings.TrimPrefix(name, "-"), names); s != "" {
				fmt.Fprintf(fs.Output(), "s3vet %s: did you mean --%s?\n", fs.Name(), s)
			}
		}
	}
	return 2, false
}

// colorByDefault reports whether output to w is colored unless a flag says
// otherwise: on a terminal, unless NO_COLOR is set (https://no-color.org)
// or TERM is "dumb".
func colorByDefault(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
