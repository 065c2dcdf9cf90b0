// Command s3vet answers questions about the security of Amazon S3 the way
// AWS would.
//
// Usage:
//
//	s3vet eval -f FILE     answer the authorization scenarios in FILE (JSON)
//	s3vet public -f FILE   say whether a bucket policy is public, and why
//	s3vet lint -f FILE     validate a policy as IAM Access Analyzer does
//	s3vet check CHECK      prove a policy change safe, or show a request that it is not
//	s3vet scan             check the posture of an account's S3 buckets
//	s3vet collect          read an account (IAM, SCPs, keys, S3) into a world file
//	s3vet who-can          who may do what on a bucket of a world, and why
//	s3vet access-diff      the accesses gained and lost between two worlds
//	s3vet serve            run the S3 simulator on a world file
//	s3vet demo             show what s3vet does, on a simulated S3, in seconds
//	s3vet version          print s3vet's version (also s3vet --version)
//
// Each command's --help (or -h) says what it does, its flags and its exit
// codes. See docs/scenario.md for the scenario format and
// docs/serve-config.md for the world of serve.
//
// # Exit codes
//
// Every command exits with the same codes:
//
//	0  done, and nothing found
//	1  a finding or a mismatch: a decision that differs from the scenario's
//	   expect (eval), a policy that is public (public), an ERROR finding
//	   (lint), a FAIL or UNKNOWN (check), a finding at least as severe as
//	   --fail-on (scan), an access
//	   gained with --fail-on-new (access-diff)
//	2  a usage error (a flag the command does not have, a missing or extra
//	   argument), an input error (a file that cannot be read or is
//	   malformed, a world that does not load), or any other error that
//	   stops the command
//
// serve and demo never exit 1. A bad flag is reported in one line, with
// the flag probably meant when one is close, and where to find the usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/internal/suggest"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: s3vet <command> [flags]

commands:
  eval -f FILE     answer the authorization scenarios in FILE ("-" for standard input)
  public -f FILE   say whether a bucket policy is public, and why (--json for JSON)
  lint -f FILE     validate a policy as IAM Access Analyzer does (--json for JSON)
  check CHECK      prove a policy grants no new, given or public access, or show a
                   request that it does (no-new-access, access-not-granted, no-public-access)
  scan             check the posture of an account's S3 buckets (--snapshot FILE offline)
  collect          read an account (IAM, SCPs, keys, S3) into a world file (--out FILE)
  who-can          who may do what on a bucket of a world, and why (--world FILE)
  access-diff      the accesses gained and lost between two worlds (OLD NEW)
  serve            run the S3 simulator on a world file (--config FILE)
  demo             show what s3vet does, on a simulated S3, in seconds (--json)
  version          print s3vet's version (also --version)

Run 's3vet <command> --help' for a command's flags.

Exit codes: 0 done and nothing found; 1 a finding or a mismatch (eval: a
decision differs from its expect; public: the policy is public; lint: an
ERROR finding; check: a FAIL or UNKNOWN; scan: a finding at --fail-on;
access-diff: an access gained, with --fail-on-new); 2 a usage error, an input
error, or any other error that stops the command.
`

// commands are the subcommands; run also knows help and version.
var commands = []string{"eval", "public", "lint", "check", "scan", "collect", "who-can", "access-diff", "serve", "demo"}

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
	case "check":
		return checkCmd(ctx, args[1:], stdin, stdout, stderr)
	case "scan":
		return scanCmd(ctx, args[1:], stdout, stderr)
	case "collect":
		return collectCmd(ctx, args[1:], stdout, stderr)
	case "who-can":
		return whoCanCmd(ctx, args[1:], stdout, stderr)
	case "access-diff":
		return accessDiffCmd(ctx, args[1:], stdout, stderr)
	case "serve":
		return serveCmd(ctx, args[1:], stdout, stderr)
	case "demo":
		return demoCmd(ctx, args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		// "s3vet help CMD" is "s3vet CMD --help".
		if len(args) > 1 && slices.Contains(commands, args[1]) {
			return run(ctx, []string{args[1], "--help"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "-version", "--version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "s3vet version: unexpected argument %q\nRun 's3vet --help' for usage.\n", args[1])
			return 2
		}
		fmt.Fprintf(stdout, "s3vet %s\n", version())
		return 0
	}
	fmt.Fprintf(stderr, "s3vet: unknown command %q\n", args[0])
	if s := suggest.Closest(strings.TrimLeft(args[0], "-"), append(slices.Clip(commands), "help", "version")); s != "" {
		fmt.Fprintf(stderr, "s3vet: did you mean %s?\n", s)
	}
	fmt.Fprintln(stderr, "Run 's3vet --help' for usage.")
	return 2
}

// version is s3vet's version: the module version it was built as ("go
// install github.com/s3vet/s3vet/cmd/s3vet@v1.2.0" gives v1.2.0), "devel"
// for a build without one, and the first 12 characters of the VCS
// revision when the build recorded one that the version does not already
// name.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	return versionOf(bi)
}

func versionOf(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			if rev := s.Value[:min(12, len(s.Value))]; !strings.Contains(v, rev) {
				v += " " + rev
			}
		}
	}
	return v
}

// parseFlags parses a subcommand's flags; the flag package itself prints
// nothing. After -h, -help or --help it prints usage to stdout and returns
// status 0. After a bad flag it prints one line saying what is wrong, the
// flag probably meant when one is close, and where to find the usage, and
// returns status 2. When ok, the command goes on.
func parseFlags(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (status int, ok bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return 0, false
	}
	fmt.Fprintf(stderr, "s3vet %s: %v\n", fs.Name(), err)
	if name, undefined := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); undefined {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := suggest.Closest(strings.TrimPrefix(name, "-"), names); s != "" {
			fmt.Fprintf(stderr, "s3vet %s: did you mean --%s?\n", fs.Name(), s)
		}
	}
	fmt.Fprintf(stderr, "Run 's3vet %s --help' for usage.\n", fs.Name())
	return 2, false
}

// usageError reports a usage error of a command in one line, and where to
// find the usage; it returns the status, 2.
func usageError(stderr io.Writer, cmd, format string, a ...any) int {
	fmt.Fprintf(stderr, "s3vet %s: %s\n", cmd, fmt.Sprintf(format, a...))
	fmt.Fprintf(stderr, "Run 's3vet %s --help' for usage.\n", cmd)
	return 2
}

// colorByDefault reports whether output to w is colored unless a flag says
// otherwise: on a terminal, unless NO_COLOR is set (https://no-color.org)
// or TERM is "dumb".
func colorByDefault(w io.Writer) bool {
	return isTerminal(w) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
}
