package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/iac"
)

const scanUsage = `usage: s3vet scan [--snapshot FILE | --endpoint URL | --terraform FILE | --cloudformation FILE] [flags]

Judges the S3 buckets and access points of an account against the posture
checks (Security Hub's S3 controls and s3vet's own; --list-checks names
them). By default it scans the account the default AWS credentials reach
(environment, shared config, SSO, instance role); --endpoint scans an
S3-compatible endpoint such as the simulator of s3vet serve; --snapshot
judges a snapshot saved earlier with --save, offline; --terraform judges
the buckets a Terraform plan (terraform show -json plan.out) plans, and
--cloudformation those a CloudFormation template declares, offline too,
each finding located at the resource that declares its bucket (see
docs/iac.md). Access points are
listed through S3 Control in the Region of --region. An endpoint's
certificate is trusted as the AWS CLI trusts it: the system's roots and
the CA bundle of AWS_CA_BUNDLE or the profile's ca_bundle.

With --format sarif (SARIF 2.1.0, for code scanning), a snapshot's
findings are located in FILE, at the line of the bucket's entry (give FILE
relative to the repository's root); a live scan's findings name their
resource's ARN only, as there is no file to show them in. A plan's or
template's findings are located in FILE, with the resource's address as a
logical location. Values of a plan or template that are known only once it
is applied are printed as notes on standard error (and listed under
"unresolved" with --format json): the checks that need them do not run,
and they are no failure.

Exits 0 when no finding is at least as severe as --fail-on (always,
without --fail-on), 1 when one is, and 2 on a usage error, a snapshot that
cannot be read or is malformed, or when the scan cannot run or its output
cannot be written.

flags:
  --snapshot FILE          judge this snapshot instead of scanning
  --save FILE              write the snapshot that was scanned to FILE
  --terraform FILE         judge the buckets of a Terraform plan, as JSON
  --cloudformation FILE    judge the buckets of a CloudFormation template (JSON or YAML)
  --parameter NAME=VALUE   a template parameter or pseudo parameter (AWS::AccountId,
                           AWS::Region), for --cloudformation; repeatable
  --endpoint URL           send S3, S3 Control and STS requests to URL
  --region REGION          the Region of the clients (default from the AWS config)
  --profile NAME           the shared config profile to use
  --account ID             the account's 12-digit ID (default: asked of STS)
  --bucket NAMES           scan only these buckets (comma-separated)
  --concurrency N          buckets read at once (default 8)
  --format FORMAT          table (default), json or sarif
  --fail-on SEVERITY       critical, high, medium, low or informational
  --only IDS, --skip IDS   run only, or skip, these checks (comma-separated)
  --severity ID=SEV,...    set the severity of a check's findings, such as S3.14=medium
  --list-checks            print the checks and exit
parameters of the checks:
  --trusted-accounts IDS   accounts besides the owner that may have access
  --org-id ID              the organization of the zone of trust (o-...)
  --kms-keys ARNS          KMS keys default encryption must use
  --min-tls VERSION        TLS version bucket policies must require (default 1.2)
  --max-signature-age D    longest presigned URL lifetime allowed, such as 15m
  --public-buckets NAMES   buckets meant to be public
  --public-access-points NAMES
                           access points meant to be public (S3.19's excludedAccessPoints)
  --vpc-access-points PATTERNS
                           access points that must have network origin VPC (access-point-vpc),
                           such as "*-private" or "*" for all
  --sse-c-buckets NAMES    buckets whose uploads use SSE-C
  --lifecycle-expiration-days N, --lifecycle-transition-days N,
  --lifecycle-storage-class CLASS
                           what a lifecycle rule must do, and within how many days (S3.13)
  --object-lock-mode MODE  the default retention mode Object Lock must use (S3.15)
  --notification-events E  the event types notifications must cover (S3.11), such as s3:ObjectRemoved:*
`

// scanCmd collects or reads a snapshot, runs the checks and prints the
// findings.
func scanCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	var (
		snapshot    = fs.String("snapshot", "", "")
		save        = fs.String("save", "", "")
		endpoint    = fs.String("endpoint", "", "")
		region      = fs.String("region", "", "")
		profile     = fs.String("profile", "", "")
		account     = fs.String("account", "", "")
		buckets     = fs.String("bucket", "", "")
		concurrency = fs.Int("concurrency", 8, "")
		format      = fs.String("format", "table", "")
		failOn      = fs.String("fail-on", "", "")
		only        = fs.String("only", "", "")
		skip        = fs.String("skip", "", "")
		list        = fs.Bool("list-checks", false, "")
		trusted     = fs.String("trusted-accounts", "", "")
		orgID       = fs.String("org-id", "", "")
		kmsKeys     = fs.String("kms-keys", "", "")
		minTLS      = fs.String("min-tls", "", "")
		maxAge      = fs.Duration("max-signature-age", 0, "")
		publicB     = fs.String("public-buckets", "", "")
		publicAP    = fs.String("public-access-points", "", "")
		vpcAP       = fs.String("vpc-access-points", "", "")
		ssecB       = fs.String("sse-c-buckets", "", "")
		severities  = fs.String("severity", "", "")
		expDays     = fs.Int("lifecycle-expiration-days", 0, "")
		transDays   = fs.Int("lifecycle-transition-days", 0, "")
		class       = fs.String("lifecycle-storage-class", "", "")
		lockMode    = fs.String("object-lock-mode", "", "")
		events      = fs.String("notification-events", "", "")
		terraform   = fs.String("terraform", "", "")
		cfn         = fs.String("cloudformation", "", "")
		params      = paramFlag{}
	)
	fs.Var(params, "parameter", "")
	if status, ok := parseFlags(fs, args, scanUsage, stdout, stderr); !ok {
		return status
	}
	reg := checks.NewRegistry()
	if *list {
		var b strings.Builder
		for _, c := range reg.Checks() {
			fmt.Fprintf(&b, "%-30s %-13s %s\n", c.ID, c.Severity, c.Title)
		}
		if _, err := io.WriteString(stdout, b.String()); err != nil {
			fmt.Fprintf(stderr, "s3vet scan: %v\n", err)
			return 2
		}
		return 0
	}
	usage := func(format string, a ...any) int {
		return usageError(stderr, "scan", format, a...)
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q", fs.Arg(0))
	case *snapshot != "" && *endpoint != "":
		return usage("--snapshot and --endpoint cannot go together")
	case countSet(*snapshot, *endpoint, *terraform, *cfn) > 1:
		return usage("--snapshot, --endpoint, --terraform and --cloudformation cannot go together")
	case len(params) > 0 && *cfn == "":
		return usage("--parameter goes with --cloudformation")
	case *format != "table" && *format != "json" && *format != "sarif":
		return usage("unknown --format %q", *format)
	}
	var threshold checks.Severity
	if *failOn != "" {
		var err error
		if threshold, err = checks.ParseSeverity(*failOn); err != nil {
			return usage("--fail-on: %v", err)
		}
	}
	opts := checks.Options{Only: list2(*only), Skip: list2(*skip), Params: checks.Params{
		TrustedAccounts: list2(*trusted), OrgID: *orgID, RequiredKMSKeys: list2(*kmsKeys),
		MinTLSVersion: *minTLS, MaxSignatureAge: *maxAge, PublicBuckets: list2(*publicB), SSECBuckets: list2(*ssecB),
		LifecycleExpirationDays: *expDays, LifecycleTransitionDays: *transDays, LifecycleStorageClass: *class,
		ObjectLockMode: strings.ToUpper(*lockMode), NotificationEvents: list2(*events),
		PublicAccessPoints: list2(*publicAP), VPCAccessPoints: list2(*vpcAP),
	}}
	for _, kv := range list2(*severities) {
		id, sev, ok := strings.Cut(kv, "=")
		if !ok {
			return usage("--severity: %q is not ID=SEVERITY", kv)
		}
		if opts.Severity == nil {
			opts.Severity = map[string]checks.Severity{}
		}
		opts.Severity[strings.TrimSpace(id)] = checks.Severity(strings.ToUpper(strings.TrimSpace(sev)))
	}
	if err := reg.Validate(opts); err != nil {
		return usage("%v", err)
	}

	var (
		snap *checks.Snapshot
		err  error
		// sarif locates the findings for code scanning: in the snapshot
		// file and at its buckets' lines, when they were judged from one.
		sarif = checks.SARIFOptions{Version: version()}
		// src is the plan or template judged, if any.
		src *iac.Source
	)
	if *terraform != "" || *cfn != "" {
		src, err = readIaC(*terraform, *cfn, params)
		sarif.File = sarifPath(*terraform + *cfn)
		if err == nil {
			snap = &src.Snapshot
			// What is unresolved is a note, not the read-error finding.
			if !slices.Contains(opts.Only, "read-error") {
				opts.Skip = append(opts.Skip, "read-error")
			}
		}
	} else if *snapshot != "" {
		snap, sarif.Lines, err = readSnapshotFile(*snapshot)
		sarif.File = sarifPath(*snapshot)
	} else {
		snap, err = collectLive(ctx, liveOptions{
			endpoint: *endpoint, region: *region, profile: *profile, account: *account,
			buckets: list2(*buckets), concurrency: *concurrency,
		}, stderr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet scan: %v\n", err)
		return 2
	}
	if *save != "" {
		if err := writeSnapshotFile(*save, snap); err != nil {
			fmt.Fprintf(stderr, "s3vet scan: %v\n", err)
			return 2
		}
	}
	findings := reg.Run(snap, opts)
	if src != nil {
		for i := range findings {
			findings[i].Location = src.Locate(&findings[i])
		}
		writeUnresolved(stderr, "scan", src.Unresolved)
	}
	switch *format {
	case "json":
		if src != nil {
			err = writeIndented(stdout, iacReport{checks.NewReport(snap, findings), unresolvedList(src.Unresolved)})
			break
		}
		err = checks.WriteJSON(stdout, checks.NewReport(snap, findings))
	case "sarif":
		err = checks.WriteSARIF(stdout, findings, reg.Checks(), sarif)
	default:
		err = checks.WriteTable(stdout, checks.NewReport(snap, findings))
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet scan: %v\n", err)
		return 2
	}
	if threshold != "" && len(checks.AtLeast(findings, threshold)) > 0 {
		return 1
	}
	return 0
}

// list2 splits a comma-separated flag value.
func list2(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// readSnapshotFile reads a snapshot file, and finds the lines where it
// describes the account and each bucket.
func readSnapshotFile(name string) (*checks.Snapshot, checks.SnapshotLines, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, checks.SnapshotLines{}, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, checks.SnapshotLines{}, fmt.Errorf("%s: empty: want a snapshot, as --save writes", name)
	}
	s, err := checks.ReadSnapshot(bytes.NewReader(data))
	if err != nil {
		// The user knows the file, not the package.
		return nil, checks.SnapshotLines{}, fmt.Errorf("%s: %s", name, strings.TrimPrefix(inWords(err, nil), "checks: "))
	}
	lines, err := checks.FindSnapshotLines(data)
	if err != nil {
		return nil, checks.SnapshotLines{}, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "checks: "))
	}
	return s, lines, nil
}

// sarifPath is how a SARIF log names the snapshot file, for code
// scanning to show findings in the repository: relative to the working
// directory (where a CI job runs at the repository's root) when it is
// inside it, with forward slashes.
func sarifPath(name string) string {
	if filepath.IsAbs(name) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, name); err == nil && filepath.IsLocal(rel) {
				name = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(name))
}

func writeSnapshotFile(name string, s *checks.Snapshot) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := s.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type liveOptions struct {
	endpoint, region, profile, account string
	buckets                            []string
	concurrency                        int
}

// collectLive reads a snapshot through the SDK, with the default
// credentials, or from an endpoint.
func collectLive(ctx context.Context, o liveOptions, stderr io.Writer) (*checks.Snapshot, error) {
	cfg, err := liveConfig(ctx, o)
	if err != nil {
		return nil, err
	}
	s3opts := func(region string) func(*s3.Options) {
		return func(so *s3.Options) {
			so.Region = region
			so.UsePathStyle = o.endpoint != ""
		}
	}
	clients := checks.NewClients(s3.NewFromConfig(cfg, s3opts(cfg.Region)), s3control.NewFromConfig(cfg), sts.NewFromConfig(cfg))
	opts := checks.CollectOptions{
		AccountID: o.account, Region: cfg.Region, Concurrency: o.concurrency, Buckets: o.buckets,
		Regional: func(region string) checks.Clients {
			return checks.NewClients(s3.NewFromConfig(cfg, s3opts(region)), nil, nil)
		},
	}
	if isTerminal(stderr) {
		opts.Progress = func(done, total int, bucket string) {
			fmt.Fprint(stderr, "\r\x1b[K"+progressBar(done, total, bucket))
			if done == total {
				fmt.Fprint(stderr, "\r\x1b[K")
			}
		}
	}
	return checks.Collect(ctx, clients, opts)
}

// liveConfig loads the SDK's configuration as the AWS CLI would, with
// o's Region, profile and endpoint; the Region is us-east-1 when none is
// configured.
func liveConfig(ctx context.Context, o liveOptions, loads ...func(*config.LoadOptions) error) (aws.Config, error) {
	if o.region != "" {
		loads = append(loads, config.WithRegion(o.region))
	}
	if o.profile != "" {
		loads = append(loads, config.WithSharedConfigProfile(o.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loads...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if o.endpoint != "" {
		u, err := url.Parse(o.endpoint)
		if err != nil || u.Host == "" {
			return aws.Config{}, fmt.Errorf("--endpoint %q is not a URL", o.endpoint)
		}
		cfg.BaseEndpoint = aws.String(strings.TrimSuffix(o.endpoint, "/"))
		cfg.HTTPClient = endpointClient(cfg.HTTPClient, u)
	}
	return cfg, nil
}

// progressBar draws the line of the progress bar: a bar of 30 cells, the
// count and the bucket read last.
func progressBar(done, total int, bucket string) string {
	const width = 30
	filled := width
	if total > 0 {
		filled = min(width, done*width/total)
	}
	return fmt.Sprintf("[%s%s] %d/%d %s", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), done, total, bucket)
}

// endpointClient sends every request to the endpoint's host, whatever host
// name the SDK puts in the URL: S3 Control prefixes it with the account ID.
func endpointClient(base aws.HTTPClient, u *url.URL) aws.HTTPClient {
	addr := u.Host
	if u.Port() == "" {
		port := "80"
		if u.Scheme == "https" {
			port = "443"
		}
		addr = net.JoinHostPort(u.Hostname(), port)
	}
	bc, ok := base.(*awshttp.BuildableClient)
	if !ok {
		bc = awshttp.NewBuildableClient()
	}
	// The transport LoadDefaultConfig built keeps what the configuration
	// says of TLS: the CA bundle of AWS_CA_BUNDLE or the profile's
	// ca_bundle, as the AWS CLI trusts it, beside the system's roots.
	return bc.WithTransportOptions(func(t *http.Transport) {
		d := &net.Dialer{Timeout: 30 * time.Second}
		t.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		} else {
			t.TLSClientConfig = t.TLSClientConfig.Clone()
		}
		t.TLSClientConfig.ServerName = u.Hostname()
	})
}

// isTerminal reports whether w is a terminal, for the progress line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
