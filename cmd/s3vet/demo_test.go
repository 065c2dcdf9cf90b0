package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/checks"
)

// runDemoCmd runs s3vet demo with args and returns its standard output.
func runDemoCmd(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(context.Background(), append([]string{"demo"}, args...), nil, &out, &errb); code != 0 {
		t.Fatalf("s3vet demo %v: exit %d: %s", args, code, errb.String())
	}
	if errb.Len() > 0 {
		t.Errorf("s3vet demo %v wrote to stderr: %s", args, errb.String())
	}
	return out.String()
}

// The text output has the six sections in order, and no color when
// standard output is not a terminal.
func TestDemoText(t *testing.T) {
	out := runDemoCmd(t)
	at := 0
	for _, want := range []string{
		"1. Posture scan",
		"CRITICAL S3.2 acme-website",
		"2. Can this principal do this?",
		`=> ALLOWED by the identity-based policy: account 111122223333 user alice[0], statement 0 (Sid "ReadWriteRecords")`,
		"the SDK gets: PutObject 403 AccessDenied: User: arn:aws:iam::111122223333:user/analytics/bob is not authorized to perform: s3:PutObject",
		"with an explicit deny in a service control policy",
		"the SDK gets: GetObject 403 AccessDenied: Access Denied",
		"3. Who can delete acme-records?",
		"s3:DeleteObject\n     root arn:aws:iam::111122223333:root on arn:aws:s3:::acme-records/*",
		"s3:DeleteBucket\n     no one",
		"4. Before a policy change ships: what does it grant?",
		"no-new-access:    FAIL, for example anonymous s3:PutObject arn:aws:s3:::acme-website/incoming/example",
		"no-public-access: FAIL",
		"an unsigned HTTP PUT:  PUT 200 OK",
		"5. Encryption",
		"plaintext visible to S3: false",
		"bob reads it: GetObject 403 AccessDenied",
		"kms:Decrypt",
		"6. A presigned URL",
		"a plain HTTP GET now:     GET 200 OK",
		"the same GET 2m later:    GET 403 AccessDenied: Request has expired",
	} {
		i := strings.Index(out[at:], want)
		if i < 0 {
			t.Fatalf("demo output lacks %q after byte %d:\n%s", want, at, out)
		}
		at += i + len(want)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("color escapes written to a non-terminal")
	}
	if strings.Contains(out, "X-Amz-Signature") {
		t.Error("the presigned URL's signature is printed")
	}
	if colored := runDemoCmd(t, "--color"); !strings.Contains(colored, ansiRed+"CRITICAL") {
		t.Error("--color does not color severities")
	}
}

// --json carries the same answers, as data.
func TestDemoJSON(t *testing.T) {
	d := json.NewDecoder(strings.NewReader(runDemoCmd(t, "--json")))
	d.DisallowUnknownFields()
	var r demoReport
	if err := d.Decode(&r); err != nil {
		t.Fatal(err)
	}

	// 1. The scan: most severe first; the careless buckets are found, the
	// well configured one has nothing worse than MEDIUM.
	fs := r.Scan.Findings
	if len(fs) == 0 || r.Scan.Buckets != 5 {
		t.Fatalf("%d findings in %d buckets", len(fs), r.Scan.Buckets)
	}
	for i := 1; i < len(fs); i++ {
		if fs[i].Severity.Rank() > fs[i-1].Severity.Rank() {
			t.Errorf("finding %d (%s) is more severe than finding %d (%s)", i, fs[i].Severity, i-1, fs[i-1].Severity)
		}
	}
	found := map[string]bool{}
	for _, f := range fs {
		found[f.Check+" "+f.Bucket] = true
		if f.Why == "" || f.Fix == "" || f.Evidence == "" {
			t.Errorf("%s %s: finding without evidence, why or fix", f.Check, f.Bucket)
		}
		if f.Bucket == "acme-records" && f.Severity.Rank() > checks.Medium.Rank() {
			t.Errorf("well configured bucket: %s %s %s", f.Severity, f.Check, f.Evidence)
		}
	}
	for _, want := range []string{"S3.2 acme-website", "S3.2 acme-dropbox", "S3.3 acme-dropbox", "S3.6 acme-shared", "S3.1 "} {
		if !found[want] {
			t.Errorf("no finding %q", want)
		}
	}

	// 2. The questions.
	want := []struct {
		principal, action, decision, by, statement, sdk string
	}{
		{demoAlice, "s3:GetObject", "Allowed", "identity-based policy", `statement 0 (Sid "ReadWriteRecords")`, ""},
		{demoBob, "s3:PutObject", "ImplicitDeny", "identity-based policy", "", "explained"},
		{demoAlice, "s3:DeleteBucket", "ExplicitDeny", "service control policy", `statement 1 (Sid "ProtectRecords")`, "explained"},
		{demoAlice, "s3:GetObject", "ExplicitDeny", "resource-based policy", `statement 0 (Sid "TLSOnly")`, ""},
		{demoETL, "s3:GetObject", "Allowed", "identity-based policy", `statement 0 (Sid "ReadAcmeExports")`, ""},
		{demoCarol, "s3:GetObject", "ImplicitDeny", "resource-based policy", "", "Access Denied"},
		{"anonymous", "s3:GetObject", "Allowed", "resource-based policy", `statement 0 (Sid "PublicRead")`, ""},
	}
	if len(r.Questions) != len(want) {
		t.Fatalf("%d questions, want %d", len(r.Questions), len(want))
	}
	for i, w := range want {
		q := r.Questions[i]
		if q.Principal != w.principal || q.Action != w.action || q.Decision != w.decision || q.DecidedBy != w.by || q.Statement != w.statement {
			t.Errorf("question %d: %s %s: %s by %s, %s; want %s by %s, %s", i, q.Principal, q.Action, q.Decision, q.DecidedBy, q.Statement, w.decision, w.by, w.statement)
		}
		if q.Allowed != (w.decision == "Allowed") {
			t.Errorf("question %d: allowed %t with decision %s", i, q.Allowed, q.Decision)
		}
		if !q.Allowed && !strings.Contains(q.Explanation, "because") && !strings.Contains(q.Explanation, "with an explicit deny") {
			t.Errorf("question %d: unexplained: %q", i, q.Explanation)
		}
		switch {
		case w.sdk == "" && q.SDK != nil, w.sdk != "" && q.SDK == nil:
			t.Errorf("question %d: SDK call %+v", i, q.SDK)
		case w.sdk == "":
		case q.SDK.OK || q.SDK.Status != 403 || q.SDK.Code != "AccessDenied":
			t.Errorf("question %d: the SDK got %+v, want 403 AccessDenied", i, q.SDK)
		case w.sdk == "explained" && q.SDK.Message != q.Explanation:
			t.Errorf("question %d: the SDK got %q, want the explanation %q", i, q.SDK.Message, q.Explanation)
		case w.sdk != "explained" && q.SDK.Message != w.sdk:
			t.Errorf("question %d: the SDK got %q, want %q", i, q.SDK.Message, w.sdk)
		}
	}

	// 3. Encryption.
	cs := r.Encryption.ClientSide
	if cs.PlaintextStored || cs.Decrypted != cs.Plaintext || cs.ContentAlg != "115" || cs.StoredBytes <= len(cs.Plaintext) {
		t.Errorf("client-side: %+v", cs)
	}
	k := r.Encryption.SSEKMS
	if k.Algorithm != "aws:kms" || !strings.HasSuffix(k.KMSKey, ":111122223333:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d") || len(k.Reads) != 2 {
		t.Fatalf("SSE-KMS: %+v", k)
	}
	if a := k.Reads[0]; a.Principal != demoAlice || !a.Result.OK || !strings.Contains(a.Result.Body, "Q2") {
		t.Errorf("alice's read: %+v", a)
	}
	if b := k.Reads[1]; b.Principal != demoBob || b.Result.OK || b.Result.Code != "AccessDenied" ||
		!strings.Contains(b.Result.Message, "is not authorized to perform: kms:Decrypt") {
		t.Errorf("bob's read: %+v", b)
	}

	// 4. The presigned URL, before and after it expires.
	p := r.Presign
	if !p.Before.OK || p.Before.Status != 200 || !strings.Contains(p.Before.Body, "Q1") {
		t.Errorf("presigned GET before expiry: %+v", p.Before)
	}
	if p.After.OK || p.After.Status != 403 || p.After.Code != "AccessDenied" || p.After.Message != "Request has expired" {
		t.Errorf("presigned GET after expiry: %+v", p.After)
	}
	if strings.Contains(p.URL, "X-Amz-Signature") {
		t.Errorf("the signature is in the report: %s", p.URL)
	}
}

func TestDemoUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"demo", "extra"}, nil, &out, &errb); code != 2 {
		t.Errorf("demo extra: exit %d, want 2", code)
	}
}
