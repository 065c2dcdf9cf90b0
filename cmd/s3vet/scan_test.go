package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/simulate"
)

const fixtures = "../../checks/testdata/"

func scan(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"scan"}, args...), nil, &out, &errb)
	return code, out.String(), errb.String()
}

func TestScanSnapshotTable(t *testing.T) {
	code, out, errs := scan(t, "--snapshot", fixtures+"compliant.json", "--fail-on", "low", "--max-signature-age", "10m")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if out != "no findings in 2 buckets of account 111122223333\n" {
		t.Errorf("got %q", out)
	}
	code, out, _ = scan(t, "--snapshot", fixtures+"S3.2.json", "--only", "S3.2,S3.3")
	if code != 0 || !strings.HasPrefix(out, "SEVERITY") || !strings.Contains(out, "fail-policy-star") || strings.Contains(out, "pass-sourcevpce") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestScanJSONAndFailOn(t *testing.T) {
	code, out, errs := scan(t, "--snapshot", fixtures+"S3.2.json", "--format", "json", "--only", "S3.2", "--fail-on", "high")
	if code != 1 {
		t.Errorf("exit %d, want 1 for critical findings with --fail-on high: %s", code, errs)
	}
	var r struct {
		Account  string
		Buckets  int
		Findings []struct{ Check, Bucket, Severity, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Account != "111122223333" || len(r.Findings) != 7 || r.Findings[0].Check != "S3.2" || r.Findings[0].Severity != "CRITICAL" {
		t.Errorf("report %+v", r)
	}
	// Only low findings: below --fail-on high.
	if code, _, _ := scan(t, "--snapshot", fixtures+"S3.14.json", "--only", "S3.14", "--fail-on", "high"); code != 0 {
		t.Errorf("exit %d for low findings with --fail-on high", code)
	}
	if code, _, _ := scan(t, "--snapshot", fixtures+"S3.14.json", "--only", "S3.14", "--fail-on", "LOW"); code != 1 {
		t.Errorf("exit %d for low findings with --fail-on LOW", code)
	}
}

// sarifResults is the part of scan's SARIF log the tests read.
type sarifResults struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct{ Name, Version string }
		}
		Results []struct {
			RuleID    string
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct{ URI, URIBaseID string }
					Region           struct{ StartLine int }
				}
				LogicalLocations []struct{ FullyQualifiedName string }
			}
		}
	}
}

func readSARIF(t *testing.T, out string) sarifResults {
	t.Helper()
	var log sarifResults
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "s3vet" || len(log.Runs[0].Results) == 0 {
		t.Fatalf("%+v", log)
	}
	return log
}

// TestScanSARIF: scan --snapshot FILE --format sarif names s3vet's version
// and locates each finding in FILE, at the line where its bucket's entry
// begins, for code scanning to show it there.
func TestScanSARIF(t *testing.T) {
	const file = fixtures + "S3.5.json"
	code, out, errs := scan(t, "--snapshot", file, "--format", "sarif", "--skip", "policy-lint")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	log := readSARIF(t, out)
	if v := log.Runs[0].Tool.Driver.Version; v != version() {
		t.Errorf("driver.version %q, want %q", v, version())
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	for _, r := range log.Runs[0].Results {
		if r.RuleID == "policy-lint" {
			t.Error("skipped check in the results")
		}
		l := r.Locations[0]
		p := l.PhysicalLocation
		if p == nil || p.ArtifactLocation.URI != "../../checks/testdata/S3.5.json" || p.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Fatalf("%s: physicalLocation %+v", r.RuleID, p)
		}
		// The line of the bucket's "{", its name on the next line; for
		// the account, the line of "account".
		n, resource := p.Region.StartLine, l.LogicalLocations[0].FullyQualifiedName
		if n < 1 || n >= len(lines) {
			t.Fatalf("%s on %s: startLine %d of %d lines", r.RuleID, resource, n, len(lines))
		}
		if bucket, ok := strings.CutPrefix(resource, "arn:aws:s3:::"); ok {
			if strings.TrimSpace(lines[n-1]) != "{" || !strings.Contains(lines[n], fmt.Sprintf(`"name": %q`, bucket)) {
				t.Errorf("%s on %s: startLine %d: %q", r.RuleID, bucket, n, lines[n-1:n+1])
			}
		} else if !strings.Contains(lines[n-1], `"account": {`) {
			t.Errorf("%s on %s: startLine %d: %q", r.RuleID, resource, n, lines[n-1])
		}
	}
}

// A snapshot named by an absolute path inside the working directory (a
// CI job's checkout) is named relative to it, with forward slashes.
func TestScanSARIFPath(t *testing.T) {
	data, err := os.ReadFile(fixtures + "S3.5.json")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "infra", "s3"), 0o755); err != nil {
		t.Fatal(err)
	}
	abs := filepath.Join(dir, "infra", "s3", "snapshot.json")
	if err := os.WriteFile(abs, data, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, arg := range []string{abs, filepath.Join(".", "infra", "s3", "snapshot.json"), filepath.Join("infra", "s3", "..", "s3", "snapshot.json")} {
		_, out, errs := scan(t, "--snapshot", arg, "--format", "sarif")
		for _, r := range readSARIF(t, out).Runs[0].Results {
			if p := r.Locations[0].PhysicalLocation; p == nil || p.ArtifactLocation.URI != "infra/s3/snapshot.json" {
				t.Fatalf("--snapshot %s: physicalLocation %+v; %s", arg, p, errs)
			}
		}
	}
}

func TestScanParamsAndSave(t *testing.T) {
	saved := filepath.Join(t.TempDir(), "snap.json")
	code, out, errs := scan(t, "--snapshot", fixtures+"presign-lifetime.json", "--only", "presign-lifetime", "--max-signature-age", "10m", "--save", saved, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, `"check": "presign-lifetime"`); n != 3 {
		t.Errorf("%d presign-lifetime findings, want 3:\n%s", n, out)
	}
	// The saved snapshot judges the same.
	code, again, _ := scan(t, "--snapshot", saved, "--only", "presign-lifetime", "--max-signature-age", "10m", "--format", "json")
	if code != 0 || again != out {
		t.Errorf("saved snapshot judged differently:\n%s\n%s", out, again)
	}
	// Without the parameter, the check finds nothing.
	if _, out, _ := scan(t, "--snapshot", saved, "--only", "presign-lifetime"); !strings.HasPrefix(out, "no findings") {
		t.Errorf("without --max-signature-age: %s", out)
	}
	if _, out, _ := scan(t, "--snapshot", fixtures+"external-access.json", "--only", "external-access", "--trusted-accounts", "555555555555", "--org-id", "o-abc123"); strings.Contains(out, "pass-") {
		t.Errorf("trusted accounts not applied:\n%s", out)
	}
}

// TestScanSeverityAndLifecycle: --severity sets a check's severity, and so
// what --fail-on counts; the lifecycle, Object Lock and notification
// parameters reach their checks.
func TestScanSeverityAndLifecycle(t *testing.T) {
	if code, _, _ := scan(t, "--snapshot", fixtures+"S3.14.json", "--only", "S3.14", "--fail-on", "high"); code != 0 {
		t.Fatalf("exit %d for low findings with --fail-on high", code)
	}
	code, out, errs := scan(t, "--snapshot", fixtures+"S3.14.json", "--only", "S3.14", "--severity", "S3.14=high", "--fail-on", "high", "--format", "json")
	if code != 1 || !strings.Contains(out, `"severity": "HIGH"`) {
		t.Errorf("--severity S3.14=high: exit %d %s\n%s", code, errs, out)
	}
	for _, tc := range []struct {
		file  string
		flags []string
	}{
		{"S3.13-days.json", []string{"--lifecycle-expiration-days", "365", "--lifecycle-transition-days", "30", "--lifecycle-storage-class", "GLACIER"}},
		{"S3.15-mode.json", []string{"--object-lock-mode", "compliance"}},
		{"S3.11-events.json", []string{"--notification-events", "s3:ObjectRemoved:*,s3:ObjectCreated:Put"}},
	} {
		_, without, _ := scan(t, append([]string{"--snapshot", fixtures + tc.file, "--format", "json"}, tc.flags[:0]...)...)
		_, with, errs := scan(t, append([]string{"--snapshot", fixtures + tc.file, "--format", "json"}, tc.flags...)...)
		if errs != "" || strings.Count(with, `"check"`) <= strings.Count(without, `"check"`) {
			t.Errorf("%s %v: %d findings, %d without the flags; %s", tc.file, tc.flags, strings.Count(with, `"check"`), strings.Count(without, `"check"`), errs)
		}
	}
}

func TestProgressBar(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		want        string
	}{
		{0, 10, "[                              ] 0/10 b"},
		{5, 10, "[###############               ] 5/10 b"},
		{10, 10, "[##############################] 10/10 b"},
		{0, 0, "[##############################] 0/0 b"},
	} {
		if got := progressBar(tc.done, tc.total, "b"); got != tc.want {
			t.Errorf("progressBar(%d, %d) = %q, want %q", tc.done, tc.total, got, tc.want)
		}
	}
}

func TestScanListChecks(t *testing.T) {
	code, out, _ := scan(t, "--list-checks")
	if code != 0 || !strings.Contains(out, "S3.5") || !strings.Contains(out, "external-access") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"version": 1, "acount": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--snapshot", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"--snapshot", bad}, "acount"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--format", "xml"}, "--format"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--only", "S3.99"}, "S3.99"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--fail-on", "severe"}, "severe"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--min-tls", "x"}, "MinTLSVersion"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--endpoint", "http://127.0.0.1:1"}, "cannot go together"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "extra"}, "unexpected argument"},
		{[]string{"--no-such-flag"}, "no-such-flag"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--severity", "S3.2"}, "ID=SEVERITY"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--severity", "S3.2=dire"}, "unknown severity"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--severity", "S3.99=low"}, "S3.99"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--object-lock-mode", "strict"}, "ObjectLockMode"},
		{[]string{"--snapshot", fixtures + "S3.2.json", "--lifecycle-expiration-days", "-1"}, "LifecycleExpirationDays"},
	} {
		code, _, errs := scan(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.err) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errs, tc.err)
		}
	}
}

// rootEnv points the SDK's default configuration at the root key of the
// scan tests' worlds, and at nothing else of the machine's; it returns the
// test's directory.
func rootEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "AKIAROOTEXAMPLE00001", "AWS_SECRET_ACCESS_KEY": "root-secret", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "us-east-1", "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true", "AWS_CA_BUNDLE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
	return dir
}

// TestScanEndpoint scans the simulator, on a loopback port, as s3vet scan
// --endpoint does: default credentials from the environment, S3 and S3
// Control through the endpoint.
func TestScanEndpoint(t *testing.T) {
	w := &simulate.World{Accounts: []*simulate.Account{{
		ID:             "111122223333",
		RootAccessKeys: []simulate.AccessKey{{ID: "AKIAROOTEXAMPLE00001", Secret: "root-secret"}},
		Buckets:        []*simulate.Bucket{{Name: "reports", Versioning: "Enabled"}, {Name: "site", Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`), PublicAccessBlock: &access.PublicAccessBlock{}}},
	}}}
	srv := simulate.NewTestServer(t, w)
	dir := rootEnv(t)
	saved := filepath.Join(dir, "snap.json")
	code, out, errs := scan(t, "--endpoint", srv.URL, "--account", "111122223333", "--format", "json", "--save", saved, "--fail-on", "critical")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (a public bucket): %s\n%s", code, errs, out)
	}
	if errs != "" {
		t.Errorf("stderr is not a terminal, yet: %q", errs)
	}
	var r struct {
		Buckets  int
		Findings []struct{ Check, Bucket string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range r.Findings {
		got[f.Check+" "+f.Bucket] = true
		if f.Check == "read-error" {
			t.Errorf("read error: %+v", f)
		}
	}
	for _, want := range []string{"S3.2 site", "S3.8 site", "S3.14 site", "S3.1 "} {
		if !got[want] {
			t.Errorf("no finding %q in %v", want, got)
		}
	}
	if got["S3.2 reports"] || got["S3.14 reports"] {
		t.Errorf("findings for the private, versioned bucket: %v", got)
	}
	if r.Buckets != 2 {
		t.Errorf("%d buckets", r.Buckets)
	}
	if code, _, _ := scan(t, "--snapshot", saved, "--only", "S3.2", "--fail-on", "critical"); code != 1 {
		t.Errorf("saved snapshot: exit %d", code)
	}
	// A live scan's SARIF results have no file to be shown in: their
	// location is the resource's ARN, as a logical location, only.
	_, out, errs = scan(t, "--endpoint", srv.URL, "--account", "111122223333", "--format", "sarif")
	if strings.Contains(out, "physicalLocation") || strings.Contains(out, "s3://") {
		t.Errorf("a live scan's results have a physical location: %s\n%s", errs, out)
	}
	for _, r := range readSARIF(t, out).Runs[0].Results {
		if l := r.Locations[0].LogicalLocations; len(l) != 1 || !strings.HasPrefix(l[0].FullyQualifiedName, "arn:aws:s3:::") &&
			l[0].FullyQualifiedName != "AWS::::Account:111122223333" {
			t.Errorf("%s: logicalLocations %+v", r.RuleID, l)
		}
	}
}

// TestScanCABundle: scan --endpoint trusts the certificate of a private
// endpoint named by AWS_CA_BUNDLE, as the AWS CLI and the SDKs do ("Using a
// custom CA bundle", AWS SDKs and Tools Reference Guide, settings
// ca_bundle / AWS_CA_BUNDLE), and refuses the endpoint without it.
func TestScanCABundle(t *testing.T) {
	w := &simulate.World{Accounts: []*simulate.Account{{
		ID:             "111122223333",
		RootAccessKeys: []simulate.AccessKey{{ID: "AKIAROOTEXAMPLE00001", Secret: "root-secret"}},
		Buckets:        []*simulate.Bucket{{Name: "reports"}},
	}}}
	srv := simulate.NewTestTLSServer(t, w)
	dir := rootEnv(t)
	// The system's roots are those of an empty file: only the bundle can
	// make the simulator's self-signed certificate trusted.
	empty := filepath.Join(dir, "empty.pem")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SSL_CERT_FILE", empty)
	t.Setenv("SSL_CERT_DIR", dir)
	code, out, errs := scan(t, "--endpoint", srv.URL, "--account", "111122223333", "--format", "json", "--only", "S3.1")
	if code == 0 || !strings.Contains(errs, "certificate") {
		t.Fatalf("without a CA bundle: exit %d, stderr %q, want a certificate error\n%s", code, errs, out)
	}
	bundle := filepath.Join(dir, "ca.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.TLS.Certificates[0].Certificate[0]})
	if err := os.WriteFile(bundle, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	code, out, errs = scan(t, "--endpoint", srv.URL, "--account", "111122223333", "--format", "json", "--only", "S3.1,read-error")
	if code != 0 {
		t.Fatalf("with AWS_CA_BUNDLE: exit %d, stderr %q\n%s", code, errs, out)
	}
	var r struct{ Buckets int }
	if err := json.Unmarshal([]byte(out), &r); err != nil || r.Buckets != 1 {
		t.Errorf("with AWS_CA_BUNDLE: %v, %d buckets read, want 1\n%s", err, r.Buckets, out)
	}
}

// TestScanAccessPoints: a live scan reads the account's access points
// through S3 Control; S3.19 and access-point-public judge them, and
// --vpc-access-points and --public-access-points reach their checks.
func TestScanAccessPoints(t *testing.T) {
	const apARN = "arn:aws:s3:us-east-1:111122223333:accesspoint/open"
	w := &simulate.World{Accounts: []*simulate.Account{{
		ID:             "111122223333",
		RootAccessKeys: []simulate.AccessKey{{ID: "AKIAROOTEXAMPLE00001", Secret: "root-secret"}},
		Buckets:        []*simulate.Bucket{{Name: "site", PublicAccessBlock: &access.PublicAccessBlock{}}},
		AccessPoints: []simulate.AccessPoint{{Name: "open", Bucket: "site", PublicAccessBlock: &access.PublicAccessBlock{},
			Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + apARN + `/object/*"}]}`)}},
	}}}
	srv := simulate.NewTestServer(t, w)
	rootEnv(t)
	findings := func(args ...string) []string {
		t.Helper()
		_, out, errs := scan(t, append([]string{"--endpoint", srv.URL, "--account", "111122223333", "--format", "json",
			"--only", "S3.19,access-point-public,access-point-vpc,read-error"}, args...)...)
		var r struct {
			Findings []struct{ Check, Resource string }
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %s\n%s", err, out, errs)
		}
		var got []string
		for _, f := range r.Findings {
			got = append(got, f.Check+" "+f.Resource)
		}
		slices.Sort(got)
		return got
	}
	if diff := cmp.Diff([]string{"S3.19 " + apARN, "access-point-public " + apARN}, findings()); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"S3.19 " + apARN, "access-point-public " + apARN, "access-point-vpc " + apARN}, findings("--vpc-access-points", "*")); diff != "" {
		t.Errorf("--vpc-access-points (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string(nil), findings("--public-access-points", "open")); diff != "" {
		t.Errorf("--public-access-points (-want +got):\n%s", diff)
	}
}
