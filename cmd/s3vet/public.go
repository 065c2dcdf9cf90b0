package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// publicCmd reads one bucket policy and prints, as one JSON object, whether
// it is public as S3 Block Public Access defines it, and why:
//
//	{"public": true|false, "read": ..., "write": ..., "reasons": [...]}
//
// It exits 0 when it answered, 1 when the file cannot be read or the
// policy is malformed, and 2 on bad usage.
func publicCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("public", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", "", "bucket policy file (JSON; \"-\" for standard input)")
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if *file == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: s3vet public -f FILE")
		return 2
	}
	doc, err := readDoc(*file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet public: %v\n", err)
		return 1
	}
	name := *file
	if name == "-" {
		name = "standard input"
	}
	p, err := policy.Parse(name, policy.ResourceBased, doc)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet public: %v\n", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(public.Analyze(p)); err != nil {
		fmt.Fprintf(stderr, "s3vet public: %v\n", err)
		return 1
	}
	return 0
}
