// Command scanaws checks the posture of the S3 buckets that the default AWS
// credentials reach (environment, shared config, SSO, instance role), and
// prints the findings, most severe first. It exits 1 on a HIGH or CRITICAL
// finding, for CI.
//
// With S3VET_ENDPOINT set, such as to the URL of `s3vet serve`, it scans
// that endpoint instead of AWS, with path-style addressing: the same code
// path, only the endpoint differs.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3vet/s3vet/checks"
)

// run scans and writes the findings; it reports whether one is HIGH or
// worse.
func run(ctx context.Context, stdout io.Writer) (bad bool, err error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return false, err
	}
	pathStyle := false
	if ep := os.Getenv("S3VET_ENDPOINT"); ep != "" {
		u, err := url.Parse(ep)
		if err != nil {
			return false, fmt.Errorf("S3VET_ENDPOINT: %w", err)
		}
		cfg.BaseEndpoint, pathStyle = aws.String(ep), true
		// S3 Control puts the account ID in front of the host name: send
		// every request to the endpoint's address whatever the name.
		var d net.Dialer
		cfg.HTTPClient = &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return d.DialContext(ctx, network, u.Host)
			}}}
	}
	clients := checks.NewClients(
		s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle }),
		s3control.NewFromConfig(cfg), sts.NewFromConfig(cfg))
	snap, err := checks.Collect(ctx, clients, checks.CollectOptions{Region: cfg.Region})
	if err != nil {
		return false, err
	}
	fs := checks.Run(snap, checks.Options{})
	if err := checks.WriteTable(stdout, checks.NewReport(snap, fs)); err != nil {
		return false, err
	}
	return len(checks.AtLeast(fs, checks.High)) > 0, nil
}

func main() {
	bad, err := run(context.Background(), os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanaws:", err)
		os.Exit(2)
	}
	if bad {
		os.Exit(1)
	}
}
