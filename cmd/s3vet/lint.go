package main

import (
	"context"
	"fmt"
	"io"
)

// lintCmd is filled by the lint change.
func lintCmd(_ context.Context, _ []string, _ io.Reader, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "s3vet lint: not implemented yet")
	return 1
}
