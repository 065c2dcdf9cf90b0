// Command policygate proves, before a bucket policy is deployed, that it
// grants nothing the approved policy did not, nothing public, and no
// deletes, offline, and shows the request that proves it when it does:
//
//	go run github.com/s3vet/s3vet/examples/policygate approved.json proposed.json
//
// It exits 0 when every check passes, 1 when one fails (or cannot be
// proven), 2 when a file cannot be read or is not a bucket policy.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/verify"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: policygate APPROVED PROPOSED")
		os.Exit(2)
	}
	os.Exit(run(context.Background(), os.Stdout, os.Stderr, os.Args[1], os.Args[2]))
}

func read(name string) (*policy.Policy, error) {
	doc, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return policy.Parse(name, policy.ResourceBased, doc)
}

// run runs the three checks and returns the exit status.
func run(ctx context.Context, stdout, stderr io.Writer, approvedFile, proposedFile string) int {
	approved, err := read(approvedFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	proposed, err := read(proposedFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	status := 0
	report := func(name string, res verify.Result, err error) {
		if err != nil {
			fmt.Fprintln(stderr, err)
			status = 2
			return
		}
		fmt.Fprintf(stdout, "%s: %s\n", name, res.Verdict)
		if res.Verdict == verify.Pass {
			return
		}
		if status == 0 {
			status = 1
		}
		if res.Witness != nil {
			fmt.Fprintf(stdout, "  for example: %s\n", res.Witness)
		} else {
			fmt.Fprintf(stdout, "  %s\n", res.Reason)
		}
	}
	res, err := verify.NoNewAccess(ctx, []*policy.Policy{approved}, []*policy.Policy{proposed}, nil)
	report("no new access", res, err)
	res, err = verify.NoPublicAccess(ctx, proposed, nil)
	report("no public access", res, err)
	res, err = verify.AccessNotGranted(ctx, []*policy.Policy{proposed},
		verify.Access{Actions: []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:DeleteBucket"}}, nil)
	report("no deletes", res, err)
	return status
}
