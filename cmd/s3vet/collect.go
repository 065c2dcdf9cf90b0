package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/twin"
)

const collectUsage = `usage: s3vet collect [--endpoint URL] [--region R] [--profile P] [--out FILE]

Reads the account the AWS credentials reach (environment, shared config,
SSO, instance role) into a world file, the account's twin: its IAM users,
groups, roles and policies (GetAccountAuthorizationDetails), the SCPs and
RCPs on its path in the organization, the key policies of the KMS keys its
buckets use, and its buckets and access points. s3vet serve --config and
who-can --world read the file as it is. No secret is written: no access
key, no object data.

Organizations serves the SCPs and RCPs to the management account only: run
collect there (or give it a delegated administrator's profile) to have
them; from a member account they are named among what could not be read.
Requests use the SDK's adaptive retry mode.

Whatever could not be read (access denied, no organization) is listed on
standard error, and the rest is collected. Exits 0 when the world is
written, 2 on a usage error or when the account cannot be read at all or
the file cannot be written.

flags:
  --out FILE         write the world to FILE (default: standard output)
  --endpoint URL     send every request to URL, such as the simulator of s3vet serve
  --region REGION    the Region of the clients (default from the AWS config)
  --profile NAME     the shared config profile to use
  --account ID       the account's 12-digit ID (default: asked of STS)
  --concurrency N    buckets and keys read at once (default 8)
`

// collectCmd reads an account into a world file.
func collectCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	var (
		out         = fs.String("out", "", "")
		endpoint    = fs.String("endpoint", "", "")
		region      = fs.String("region", "", "")
		profile     = fs.String("profile", "", "")
		account     = fs.String("account", "", "")
		concurrency = fs.Int("concurrency", 8, "")
	)
	if status, ok := parseFlags(fs, args, collectUsage, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "collect", "unexpected argument %q", fs.Arg(0))
	}
	if *concurrency < 1 {
		return usageError(stderr, "collect", "--concurrency must be at least 1")
	}
	o := liveOptions{endpoint: *endpoint, region: *region, profile: *profile, account: *account, concurrency: *concurrency}
	cfg, err := liveConfig(ctx, o, config.WithRetryer(func() aws.Retryer { return retry.NewAdaptiveMode() }))
	if err != nil {
		fmt.Fprintf(stderr, "s3vet collect: %v\n", err)
		return 2
	}
	s3c := s3.NewFromConfig(cfg, func(so *s3.Options) { so.UsePathStyle = *endpoint != "" })
	clients := twin.Clients{
		IAM:           iam.NewFromConfig(cfg),
		Organizations: organizations.NewFromConfig(cfg),
		KMS:           kms.NewFromConfig(cfg),
		S3:            checks.NewClients(s3c, s3control.NewFromConfig(cfg), sts.NewFromConfig(cfg)),
	}
	w, rep, err := twin.Collect(ctx, clients, twin.Options{AccountID: *account, Region: cfg.Region, Concurrency: *concurrency})
	if err != nil {
		fmt.Fprintf(stderr, "s3vet collect: %v\n", err)
		return 2
	}
	for _, u := range rep.Unread {
		line := "s3vet collect: not read: " + u.Call
		if u.Target != "" {
			line += " (" + u.Target + ")"
		}
		if u.Code != "" {
			line += ": " + u.Code
		}
		fmt.Fprintln(stderr, line+": "+u.Message)
	}
	var buf bytes.Buffer
	if err := w.WriteJSON(&buf); err != nil {
		fmt.Fprintf(stderr, "s3vet collect: %v\n", err)
		return 2
	}
	if *out == "" {
		_, err = stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(*out, buf.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet collect: %v\n", err)
		return 2
	}
	return 0
}
