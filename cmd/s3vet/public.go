package main

import (
	"context"
	"fmt"
	"io"
)

// publicCmd is filled by the public-analysis change.
func publicCmd(_ context.Context, _ []string, _ io.Reader, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "s3vet public: not implemented yet")
	return 1
}
