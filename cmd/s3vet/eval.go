package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/s3vet/s3vet/policy/scenario"
)

func evalCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", "", "scenario file: one JSON scenario or an array of them (\"-\" for standard input)")
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if *file == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: s3vet eval -f FILE")
		return 2
	}
	doc, err := readDoc(*file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet eval: %v\n", err)
		return 1
	}
	list, err := scenario.Decode(bytes.NewReader(doc))
	if err != nil {
		fmt.Fprintf(stderr, "s3vet eval: %s: %v\n", *file, err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for i := range list {
		if err := enc.Encode(list[i].Answer()); err != nil {
			fmt.Fprintf(stderr, "s3vet eval: %v\n", err)
			return 1
		}
	}
	return 0
}
