package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/simulate"
)

// The scan runs against the simulator, with credentials from the
// environment as config.LoadDefaultConfig reads them on a developer's
// machine or in CI.
func TestScanSimulator(t *testing.T) {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	acct.RootAccessKeys = []simulate.AccessKey{{ID: "AKIASCANEXAMPLE00001", Secret: "scan-secret"}}
	acct.AddBucket("private")
	acct.AddBucket("website", `{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow",
		"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}]}`).PublicAccessBlock = &access.PublicAccessBlock{} // all four off
	srv := simulate.NewTestServer(t, w)

	none := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"S3VET_ENDPOINT": srv.URL, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "AKIASCANEXAMPLE00001", "AWS_SECRET_ACCESS_KEY": "scan-secret", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none, "AWS_PROFILE": "", "AWS_EC2_METADATA_DISABLED": "true",
	} {
		t.Setenv(k, v)
	}
	var out bytes.Buffer
	bad, err := run(context.Background(), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !bad {
		t.Error("no HIGH finding reported")
	}
	lines := strings.Split(out.String(), "\n")
	if f := strings.Fields(lines[1]); len(f) < 3 || f[0] != "CRITICAL" || f[1] != "S3.2" || f[2] != "website" {
		t.Errorf("first finding is not the public website:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "of account 111122223333") {
		t.Errorf("account not learnt from STS:\n%s", out.String())
	}
	if strings.Contains(out.String(), "read-error") {
		t.Errorf("a call failed:\n%s", out.String())
	}
}
