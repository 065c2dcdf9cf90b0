package checks_test

import (
	"strings"
	"testing"

	"github.com/s3vet/s3vet/checks"
)

func TestRegistryCustomCheck(t *testing.T) {
	r := checks.NewRegistry()
	err := r.Add(checks.Check{
		ID: "acme-tagged", Title: "Buckets carry an owner tag", Severity: checks.Low,
		Why: "Every bucket needs someone to answer for it.", Fix: "aws s3api put-bucket-tagging --bucket {bucket} --tagging 'TagSet=[{Key=owner,Value=TEAM}]'",
		Bucket: func(t *checks.Target) []checks.Issue {
			if t.Bucket.Tags["owner"] == "" {
				return []checks.Issue{{Evidence: "no owner tag"}}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []checks.Check{
		{ID: "acme-tagged", Severity: checks.Low, Bucket: func(*checks.Target) []checks.Issue { return nil }},
		{ID: "", Severity: checks.Low, Bucket: func(*checks.Target) []checks.Issue { return nil }},
		{ID: "x", Severity: "SEVERE", Bucket: func(*checks.Target) []checks.Issue { return nil }},
		{ID: "y", Severity: checks.Low},
	} {
		if r.Add(bad) == nil {
			t.Errorf("Add(%+v) succeeded", bad)
		}
	}
	s := readFixture(t, "S3.14.json")
	fs := r.Run(s, checks.Options{Only: []string{"acme-tagged", "S3.14"}, Severity: map[string]checks.Severity{"S3.14": checks.High}})
	var tagged, versioning int
	for _, f := range fs {
		switch f.Check {
		case "acme-tagged":
			tagged++
			if !strings.Contains(f.Fix, "--bucket "+f.Bucket+" ") {
				t.Errorf("fix %q", f.Fix)
			}
		case "S3.14":
			versioning++
			if f.Severity != checks.High {
				t.Errorf("severity %s, want the override", f.Severity)
			}
		}
	}
	if tagged != len(s.Buckets) || versioning != 2 {
		t.Errorf("%d tagged, %d versioning findings", tagged, versioning)
	}
	if fs := r.Run(s, checks.Options{Skip: []string{"acme-tagged"}, Only: []string{"acme-tagged"}}); len(fs) != 0 {
		t.Errorf("skipped check ran: %v", fs)
	}
	// The package's Run has only the built-in checks.
	if fs := checks.Run(s, checks.Options{Only: []string{"acme-tagged"}}); len(fs) != 0 {
		t.Errorf("custom check leaked into the default registry")
	}
}

func TestValidate(t *testing.T) {
	r := checks.NewRegistry()
	if err := r.Validate(checks.Options{Only: []string{"S3.5"}, Skip: []string{"S3.1"}}); err != nil {
		t.Error(err)
	}
	err := r.Validate(checks.Options{
		Only: []string{"S3.99"}, Severity: map[string]checks.Severity{"S3.5": "URGENT"},
		Params: checks.Params{MinTLSVersion: "one point two", ObjectLockMode: "STRICT", LifecycleExpirationDays: -1, LifecycleTransitionDays: 40000, LifecycleStorageClass: "TAPE"},
	})
	for _, want := range []string{"S3.99", "URGENT", "one point two", "STRICT", "LifecycleExpirationDays -1", "LifecycleTransitionDays 40000", "TAPE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error %v does not name %s", err, want)
		}
	}
}

func TestRunNil(t *testing.T) {
	if fs := checks.Run(nil, checks.Options{}); fs != nil {
		t.Errorf("%v", fs)
	}
	if fs := checks.Run(&checks.Snapshot{Version: 1}, checks.Options{}); len(fs) != 1 || fs[0].Check != "S3.1" {
		t.Errorf("empty snapshot: %v", fs)
	}
}
