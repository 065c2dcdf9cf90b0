package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// result is what a run of the CLI gives.
type result struct {
	Code           int
	Stdout, Stderr string
}

// cli runs s3vet with args, and stdin as standard input.
func cli(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// file writes content to a file of the test's directory, and returns its
// path.
func file(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The usage of each command.
var usages = map[string]string{
	"eval": evalUsage, "public": publicUsage, "lint": lintUsage, "check": checkUsage,
	"scan": scanUsage, "serve": serveUsage, "demo": demoUsage,
	"who-can": whoCanUsage, "access-diff": accessDiffUsage, "collect": collectUsage,
}

// TestHelp: every command's --help (-h, -help, s3vet help CMD) prints its
// written usage to standard output and exits 0; the usage says what the
// command does, its flags and its exit codes.
func TestHelp(t *testing.T) {
	for _, cmd := range commands {
		u := usages[cmd]
		words := strings.Join(strings.Fields(u), " ")
		if !strings.HasPrefix(u, "usage: s3vet "+cmd) || !strings.Contains(u, "\nflags:\n") ||
			!strings.Contains(words, "Exits 0 ") || !strings.Contains(words, " 2 on a usage error") {
			t.Errorf("%s: the usage does not give the synopsis, flags and exit codes:\n%s", cmd, u)
		}
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {cmd, "-help"}, {"help", cmd}} {
			if diff := cmp.Diff(result{0, u, ""}, cli(t, "", args...)); diff != "" {
				t.Errorf("%q (-want +got):\n%s", args, diff)
			}
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		if diff := cmp.Diff(result{0, usage, ""}, cli(t, "", args...)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", args, diff)
		}
	}
}

// TestBadFlags: a flag a command does not have, or a flag without its
// value, is one line, the flag probably meant when one is close, and where
// to find the usage; never the whole usage or the flag package's own list.
func TestBadFlags(t *testing.T) {
	hint := func(cmd string) string { return "Run 's3vet " + cmd + " --help' for usage.\n" }
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"scan", "--trusted-acounts", "111122223333"},
			"s3vet scan: flag provided but not defined: -trusted-acounts\ns3vet scan: did you mean --trusted-accounts?\n" + hint("scan")},
		{[]string{"lint", "--jsn"}, "s3vet lint: flag provided but not defined: -jsn\ns3vet lint: did you mean --json?\n" + hint("lint")},
		{[]string{"scan", "--Format", "json"}, "s3vet scan: flag provided but not defined: -Format\ns3vet scan: did you mean --format?\n" + hint("scan")},
		{[]string{"public", "--jason"}, "s3vet public: flag provided but not defined: -jason\ns3vet public: did you mean --json?\n" + hint("public")},
		{[]string{"serve", "--confg", "w.json"}, "s3vet serve: flag provided but not defined: -confg\ns3vet serve: did you mean --config?\n" + hint("serve")},
		{[]string{"scan", "--zzz"}, "s3vet scan: flag provided but not defined: -zzz\n" + hint("scan")},
		{[]string{"eval", "-f"}, "s3vet eval: flag needs an argument: -f\n" + hint("eval")},
		{[]string{"scan", "--concurrency", "many"}, "s3vet scan: invalid value \"many\" for flag -concurrency: parse error\n" + hint("scan")},
		{[]string{"demo", "--color=maybe"}, "s3vet demo: invalid boolean value \"maybe\" for -color: parse error\n" + hint("demo")},
	}
	for _, cmd := range commands {
		tests = append(tests, struct {
			args   []string
			stderr string
		}{[]string{cmd, "--no-such-flag"}, "s3vet " + cmd + ": flag provided but not defined: -no-such-flag\n" + hint(cmd)})
	}
	for _, tt := range tests {
		if diff := cmp.Diff(result{2, "", tt.stderr}, cli(t, "", tt.args...)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestUsageErrors: a missing or extra argument, or flags that do not go
// together, are one line and the hint, and exit 2.
func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		line string
	}{
		{[]string{"eval"}, "s3vet eval: -f FILE is required"},
		{[]string{"eval", "-f", "x.json", "extra"}, `s3vet eval: unexpected argument "extra"`},
		{[]string{"public"}, "s3vet public: -f FILE is required"},
		{[]string{"public", "-f", "x.json", "extra"}, `s3vet public: unexpected argument "extra"`},
		{[]string{"lint"}, "s3vet lint: -f FILE is required"},
		{[]string{"lint", "-f", "x.json", "--type", "bucket"}, `s3vet lint: --type "bucket": want identity, resource, boundary, session, scp, rcp or vpc-endpoint`},
		{[]string{"scan", "--snapshot", "x.json", "--format", "xml"}, `s3vet scan: unknown --format "xml"`},
		{[]string{"serve"}, "s3vet serve: --config FILE is required"},
		{[]string{"serve", "--config", "w.json", "--cert", "c.pem"}, "s3vet serve: --cert and --key go together"},
		{[]string{"serve", "--config", "w.json", "--cert-out", "c.pem"}, "s3vet serve: --cert-out needs --tls"},
		{[]string{"serve", "--config", "w.json", "--tls", "--cert", "c.pem", "--key", "k.pem"}, "s3vet serve: --tls and --cert cannot go together"},
		{[]string{"demo", "extra"}, `s3vet demo: unexpected argument "extra"`},
	} {
		cmd := tt.args[0]
		want := result{2, "", tt.line + "\nRun 's3vet " + cmd + " --help' for usage.\n"}
		if diff := cmp.Diff(want, cli(t, "", tt.args...)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestTopLevel: s3vet alone, an unknown command, and the version.
func TestTopLevel(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want result
	}{
		{nil, result{2, "", usage}},
		{[]string{"evl"}, result{2, "", "s3vet: unknown command \"evl\"\ns3vet: did you mean eval?\nRun 's3vet --help' for usage.\n"}},
		{[]string{"--verison"}, result{2, "", "s3vet: unknown command \"--verison\"\ns3vet: did you mean version?\nRun 's3vet --help' for usage.\n"}},
		{[]string{"zzz"}, result{2, "", "s3vet: unknown command \"zzz\"\nRun 's3vet --help' for usage.\n"}},
		{[]string{"--version"}, result{0, "s3vet " + version() + "\n", ""}},
		{[]string{"-version"}, result{0, "s3vet " + version() + "\n", ""}},
		{[]string{"version"}, result{0, "s3vet " + version() + "\n", ""}},
		{[]string{"version", "x"}, result{2, "", "s3vet version: unexpected argument \"x\"\nRun 's3vet --help' for usage.\n"}},
	} {
		if diff := cmp.Diff(tt.want, cli(t, "", tt.args...)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
}

// versionOf reads the module version and the VCS revision as the go
// command records them (go help buildinfo; runtime/debug.BuildInfo).
func TestVersionOf(t *testing.T) {
	rev := func(v string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: v}}
	}
	for _, tt := range []struct {
		version  string
		settings []debug.BuildSetting
		want     string
	}{
		{"v1.2.0", nil, "v1.2.0"}, // go install ...@v1.2.0
		{"(devel)", nil, "devel"}, // a build without VCS information
		{"", nil, "devel"},        // a test binary
		{"(devel)", rev("0123456789abcdef0123456789abcdef01234567"), "devel 0123456789ab"},
		{"(devel)", rev("abc"), "devel abc"},
		// go build in a checkout since Go 1.24: a pseudo-version, which
		// already names the revision.
		{"v0.0.0-20260102150405-0123456789ab+dirty", rev("0123456789abcdef0123456789abcdef01234567"), "v0.0.0-20260102150405-0123456789ab+dirty"},
		{"v1.2.0", rev("fedcba9876543210fedcba9876543210fedcba98"), "v1.2.0 fedcba987654"},
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/s3vet/s3vet", Version: tt.version}, Settings: tt.settings}
		if got := versionOf(bi); got != tt.want {
			t.Errorf("versionOf(%q, %v) = %q, want %q", tt.version, tt.settings, got, tt.want)
		}
	}
}

// TestExitCodes: 0 done and nothing found, 1 a finding or a mismatch, 2 a
// usage or input error or anything else that stops the command; the same
// for every command.
func TestExitCodes(t *testing.T) {
	const (
		scenario = `{"name": "n", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "111122223333"}, "expect": "%s"}`
		private  = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`
		public   = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}`
		world    = `{"accounts": [{"id": "111111111111", "buckets": [{"name": "site"}]}]}`
	)
	missing := filepath.Join(t.TempDir(), "missing.json")
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		code  int
	}{
		{"eval: as expected", strings.Replace(scenario, "%s", "ImplicitDeny", 1), []string{"eval", "-f", "-"}, 0},
		{"eval: a mismatch", strings.Replace(scenario, "%s", "Allowed", 1), []string{"eval", "-f", "-"}, 1},
		{"eval: unreadable", "", []string{"eval", "-f", missing}, 2},
		{"eval: malformed", "[{", []string{"eval", "-f", "-"}, 2},
		{"public: not public", private, []string{"public", "-f", "-"}, 0},
		{"public: public", public, []string{"public", "-f", "-"}, 1},
		{"public --json: public", public, []string{"public", "--json", "-f", "-"}, 1},
		{"public: unreadable", "", []string{"public", "-f", missing}, 2},
		{"public: malformed", `{"Version": "2012-10-17"}`, []string{"public", "-f", "-"}, 2},
		{"lint: no ERROR", private, []string{"lint", "-f", "-"}, 0},
		{"lint: an ERROR", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}`, []string{"lint", "-f", "-"}, 1},
		{"lint: unreadable", "", []string{"lint", "-f", missing}, 2},
		{"scan: nothing at --fail-on", "", []string{"scan", "--snapshot", fixtures + "compliant.json", "--fail-on", "low"}, 0},
		{"scan: a finding at --fail-on", "", []string{"scan", "--snapshot", fixtures + "S3.2.json", "--fail-on", "high"}, 1},
		{"scan: unreadable", "", []string{"scan", "--snapshot", missing}, 2},
		{"scan: malformed", "", []string{"scan", "--snapshot", file(t, "snap.json", `{"version": 1, "acount": {}}`)}, 2},
		{"serve: unreadable world", "", []string{"serve", "--config", missing, "--addr", "127.0.0.1:0"}, 2},
		{"serve: a world that does not load", "", []string{"serve", "--config", file(t, "w.json", `{"accounts": [{"id": "1"}]}`), "--addr", "127.0.0.1:0"}, 2},
		{"serve: an address it cannot listen on", "", []string{"serve", "--config", file(t, "w.json", world), "--addr", "no-port"}, 2},
		{"serve: a certificate it cannot load", "", []string{"serve", "--config", file(t, "w.json", world), "--addr", "127.0.0.1:0", "--cert", missing, "--key", missing}, 2},
	} {
		got := cli(t, tt.stdin, tt.args...)
		if got.Code != tt.code {
			t.Errorf("%s: exit %d, want %d; stderr %q", tt.name, got.Code, tt.code, got.Stderr)
		}
		if got.Code == 2 && !strings.HasPrefix(got.Stderr, "s3vet "+tt.args[0]+": ") {
			t.Errorf("%s: exit 2 without saying why: stderr %q", tt.name, got.Stderr)
		}
	}
	// demo fails (here, as its context is cancelled): exit 2.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"demo"}, nil, &out, &errb); code != 2 || !strings.HasPrefix(errb.String(), "s3vet demo: ") {
		t.Errorf("demo, failing: exit %d, stderr %q; want 2 and why", code, errb.String())
	}
}

// TestInputErrorsInWords: bad input is reported in the user's words: what
// the input is, where, and what was wanted; never Go's type names, its
// reference time layout, or io.EOF.
func TestInputErrorsInWords(t *testing.T) {
	goWords := []string{"Go value", "Go struct", "json.RawMessage", "map[", "[]", "EOF", "2006-01-02T15:04:05Z07:00", "cannot unmarshal"}
	scenario := func(policy string) string {
		return `{"name": "n", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "resourceAccount": "111122223333"}, "resourcePolicy": ` + policy + `}`
	}
	snapshot := func(s string) string { return file(t, "snap.json", s) }
	world := func(s string) string { return file(t, "world.yaml", s) }
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		says  string // on stdout or stderr
	}{
		{"public: an array", `[{"Effect": "Allow"}]`, []string{"public", "-f", "-"}, 2, `s3vet public: policy "standard input": want a JSON object, got an array`},
		{"public: a string", `"policy"`, []string{"public", "-f", "-"}, 2, "want a JSON object, got a string"},
		{"public: a number", `5`, []string{"public", "-f", "-"}, 2, "want a JSON object, got a number"},
		{"public: empty", "", []string{"public", "-f", "-"}, 2, "the document is empty"},
		{"public: truncated", `{"Version": "2012-10-17", "Statement": [`, []string{"public", "-f", "-"}, 2, "the JSON ends early"},
		{"public: a syntax error", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}", []string{"public", "-f", "-"}, 2, "line 3, column 17: invalid character '}'"},
		{"public: a number for a string", `{"Version": 2012, "Statement": []}`, []string{"public", "-f", "-"}, 2, "Version: must be a string"},
		{"lint: an array", `[{"Effect": "Allow"}]`, []string{"lint", "-f", "-"}, 1, "ERROR JSON_SYNTAX_ERROR policy: The policy must be a JSON object, not an array."},
		{"lint: a string", `"policy"`, []string{"lint", "--json", "-f", "-"}, 1, `"message": "The policy must be a JSON object, not a string."`},
		{"lint: truncated", `{"Version": "2012-10-17", "Statement": [`, []string{"lint", "-f", "-"}, 1, "the document ends early"},
		{"lint: empty", "", []string{"lint", "-f", "-"}, 1, "the document ends early"},
		{"eval: a policy that is an array", scenario(`[{"Effect": "Allow"}]`), []string{"eval", "-f", "-"}, 0, `"error":"policy \"resourcePolicy\": want a JSON object, got an array"`},
		{"eval: a policy that is a string", scenario(`"{}"`), []string{"eval", "-f", "-"}, 0, `want a JSON object, got a string`},
		{"eval: a number for a string", `[{"name": 5}]`, []string{"eval", "-f", "-"}, 2, "scenarios[0]: name: want a string, got the number 5"},
		{"eval: truncated", `[{"name": "n"`, []string{"eval", "-f", "-"}, 2, "line 1, column 13: unexpected end of JSON input"},
		{"eval: empty", "", []string{"eval", "-f", "-"}, 2, "s3vet eval: standard input: empty: want one scenario (an object) or an array of them"},
		{"eval: null", "null", []string{"eval", "-f", "-"}, 2, "no scenarios"},
		{"eval: an empty array", "[]", []string{"eval", "-f", "-"}, 2, "no scenarios"},
		{"scan: an array", "", []string{"scan", "--snapshot", snapshot(`[{"version": 1}]`)}, 2, "snap.json: reading snapshot: want an object, got an array"},
		{"scan: a number for a string", "", []string{"scan", "--snapshot", snapshot(`{"version": 1, "account": {"id": 1}, "buckets": []}`)}, 2, "account.id: want a string, got the number 1"},
		{"scan: not a time", "", []string{"scan", "--snapshot", snapshot(`{"version": 1, "taken": "yesterday", "account": {"id": "1"}, "buckets": []}`)}, 2,
			`reading snapshot: "yesterday" is not a time in RFC 3339 form, such as 2026-01-02T15:04:05Z`},
		{"scan: empty", "", []string{"scan", "--snapshot", snapshot("")}, 2, "snap.json: empty: want a snapshot"},
		{"scan: truncated", "", []string{"scan", "--snapshot", snapshot(`{"version": 1, "buckets": [`)}, 2, "unexpected end of JSON input"},
		{"serve: a YAML typo", "", []string{"serve", "--config", world("accounts:\n  - id: \"111111111111\"\n    bukets: []\n")}, 2,
			`world.yaml: world: line 3: unknown field "bukets" in accounts[0]; did you mean "buckets"?`},
		{"serve: a number for a string", "", []string{"serve", "--config", world("accounts:\n  - id: 111111111111\n")}, 2,
			"line 2: accounts[0].id: want a string, got the number 111111111111"},
		{"serve: a policy that is an array", "", []string{"serve", "--config", world("accounts:\n  - id: \"111111111111\"\n    buckets:\n      - name: site\n        policy: [1]\n")}, 2,
			`policy "account 111111111111 bucket site policy": want a JSON object, got an array`},
		{"serve: a JSON array", "", []string{"serve", "--config", file(t, "world.json", `[{"accounts": []}]`)}, 2, "world: want an object, got an array"},
	} {
		args := tt.args
		if args[0] == "serve" {
			args = append(args, "--addr", "127.0.0.1:0")
		}
		got := cli(t, tt.stdin, args...)
		all := got.Stdout + got.Stderr
		if got.Code != tt.code || !strings.Contains(all, tt.says) {
			t.Errorf("%s: exit %d, output %q; want exit %d and %q", tt.name, got.Code, all, tt.code, tt.says)
		}
		for _, w := range goWords {
			if strings.Contains(all, w) {
				t.Errorf("%s: %q in %q", tt.name, w, all)
			}
		}
	}
}
