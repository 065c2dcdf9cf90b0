package s3op_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/policy/catalog"
	"github.com/s3vet/s3vet/policy/s3op"
)

// The actions and resource types of every row, and of every further action
// a row can add, are the Service Authorization Reference's (as the catalog
// has it).
func TestRowsAgainstCatalog(t *testing.T) {
	rows := s3op.Rows()
	if len(rows) != len(s3op.Operations()) {
		t.Fatalf("%d rows, %d operations", len(rows), len(s3op.Operations()))
	}
	for _, r := range rows {
		t.Run(r.Op, func(t *testing.T) {
			checkAction(t, r.Action, r.Type)
			if r.Version != "" {
				if r.Type != "object" {
					t.Errorf("version action %s on a %q", r.Version, r.Type)
				}
				checkAction(t, r.Version, r.Type)
				a, _ := catalog.Lookup("s3:" + r.Version)
				if !slices.Contains(a.ConditionKeys, "s3:versionid") {
					t.Errorf("s3:%s does not take s3:versionid: not a version action", r.Version)
				}
			}
			for _, add := range r.Adds {
				checkAction(t, add.Action, add.Type)
			}
		})
	}
}

// checkAction checks that s3:<name> exists and can be scoped to the resource
// type typ, or takes "*" if typ is "".
func checkAction(t *testing.T, name, typ string) {
	t.Helper()
	a, ok := catalog.Lookup("s3:" + name)
	if !ok {
		t.Errorf("s3:%s is not in the catalog", name)
		return
	}
	if a.Name != name {
		t.Errorf("s3:%s is spelled s3:%s in the catalog", name, a.Name)
	}
	if typ == "" {
		if len(a.Resources) != 0 {
			t.Errorf("s3:%s has resource types %v, the row names none", name, a.Resources)
		}
		return
	}
	if !slices.ContainsFunc(a.Resources, func(r catalog.Resource) bool { return r.Type == typ }) {
		t.Errorf("s3:%s cannot be scoped to a %s: its resource types are %v", name, typ, a.Resources)
	}
}

// fullRequest returns a request for op with every header, query parameter,
// body field and connection fact Needs reads, so that every key a row can
// emit is emitted.
func fullRequest(op, typ string) *s3op.Request {
	r := &s3op.Request{
		Operation: op,
		Query: url.Values{"prefix": {"home/"}, "delimiter": {"/"}, "max-keys": {"100"},
			"annotation-prefix": {"a"}, "max-annotation-results": {"10"}},
		Header: http.Header{
			"X-Amz-Acl":                                       {"public-read"},
			"X-Amz-Grant-Read":                                {`id="1"`},
			"X-Amz-Grant-Write":                               {`id="1"`},
			"X-Amz-Grant-Read-Acp":                            {`id="1"`},
			"X-Amz-Grant-Write-Acp":                           {`id="1"`},
			"X-Amz-Grant-Full-Control":                        {`id="1"`},
			"X-Amz-Tagging":                                   {"team=red&env=prod"},
			"X-Amz-Tagging-Directive":                         {"REPLACE"},
			"X-Amz-Copy-Source":                               {"/src/dir/obj?versionId=sv1"},
			"X-Amz-Metadata-Directive":                        {"REPLACE"},
			"X-Amz-Server-Side-Encryption":                    {"aws:kms"},
			"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id":     {"arn:aws:kms:us-east-1:111122223333:key/k"},
			"X-Amz-Server-Side-Encryption-Customer-Algorithm": {"AES256"},
			"X-Amz-Storage-Class":                             {"STANDARD_IA"},
			"X-Amz-Website-Redirect-Location":                 {"/other"},
			"X-Amz-Object-Lock-Mode":                          {"GOVERNANCE"},
			"X-Amz-Object-Lock-Retain-Until-Date":             {"2030-01-01T00:00:00Z"},
			"X-Amz-Object-Lock-Legal-Hold":                    {"ON"},
			"X-Amz-Bypass-Governance-Retention":               {"true"},
			"X-Amz-Object-Annotation-Directive":               {"COPY"},
			"X-Amz-Bucket-Object-Lock-Enabled":                {"true"},
			"X-Amz-Object-Ownership":                          {"BucketOwnerPreferred"},
			"X-Amz-Bucket-Namespace":                          {"account-regional"},
			"X-Amz-Content-Sha256":                            {"UNSIGNED-PAYLOAD"},
			"X-Amz-Object-If-Match":                           {`"etag"`},
			"If-Match":                                        {`"etag"`},
			"If-None-Match":                                   {"*"},
			"X-Amz-Prefix":                                    {"not a key"},
			"X-Amz-Date":                                      {"20250101T000000Z"},
			"Authorization":                                   {"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20250101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"},
		},
		Body: s3op.Body{Tags: map[string]string{"team": "red"}, LocationConstraint: "eu-west-1",
			RetentionMode: "COMPLIANCE", RetainUntil: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), LegalHold: "ON"},
		ExistingTags: map[string]string{"team": "blue"},
		Conn: s3op.Conn{SourceIP: "192.0.2.7", TLSVersion: "TLSv1.3",
			Time: time.Date(2025, 1, 1, 0, 0, 30, 0, time.UTC)},
	}
	switch typ {
	case "bucket":
		r.Bucket = "b"
	case "object":
		r.Bucket, r.Key = "b", "dir/k"
		r.Query.Set("versionId", "v1")
		if op == "DeleteObjects" {
			r.Keys = []s3op.ObjectID{{Key: "a"}, {Key: "b/c", VersionID: "v2"}}
		}
	}
	return r
}

// globalKeys are the aws: keys Needs may emit for any action.
var globalKeys = []string{"aws:SecureTransport", "aws:SourceIp", "aws:CurrentTime", "aws:EpochTime"}

// Every need of every row names an action of the catalog, on a resource of
// a type the catalog lists for it, with only condition keys the catalog
// lists for it or global keys; and a request without headers needs the
// row's own action, a request on a version its version action.
func TestNeedsAgainstCatalog(t *testing.T) {
	for _, r := range s3op.Rows() {
		t.Run(r.Op, func(t *testing.T) {
			full, err := s3op.Needs(fullRequest(r.Op, r.Type))
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range full {
				checkNeed(t, n)
			}
			want := r.Action
			if r.Version != "" {
				want = r.Version
			}
			if r.Op == "DeleteObjects" {
				want = r.Action // the first key names no version
			}
			if full[0].Action != "s3:"+want {
				t.Errorf("first need is %s, want s3:%s", full[0].Action, want)
			}
			// Every further action a row can add, and no other, is added.
			got := map[string]bool{}
			for _, n := range full[1:] {
				got[strings.TrimPrefix(n.Action, "s3:")] = true
			}
			for _, add := range r.Adds {
				read := add.Action == "GetObject" || add.Action == "GetObjectVersion"
				if !got[add.Action] && !(read && (got["GetObject"] || got["GetObjectVersion"])) {
					t.Errorf("full request does not add s3:%s", add.Action)
				}
			}
			for a := range got {
				if a != r.Action && a != r.Version && !slices.ContainsFunc(r.Adds, func(x s3op.Add) bool { return x.Action == a }) {
					t.Errorf("s3:%s is not an action of the row", a)
				}
			}

			bare := &s3op.Request{Operation: r.Op}
			switch r.Type {
			case "bucket":
				bare.Bucket = "b"
			case "object":
				bare.Bucket, bare.Key = "b", "k"
			}
			switch r.Op {
			case "CopyObject", "UploadPartCopy":
				bare.Header = http.Header{"X-Amz-Copy-Source": {"src/k"}}
			case "DeleteObjects":
				bare.Keys = []s3op.ObjectID{{Key: "k"}}
			}
			min, err := s3op.Needs(bare)
			if err != nil {
				t.Fatal(err)
			}
			wantMin := 1
			if r.Op == "CopyObject" || r.Op == "UploadPartCopy" || r.Op == "GetObjectAttributes" {
				wantMin = 2
			}
			if len(min) != wantMin || min[0].Action != "s3:"+r.Action {
				t.Errorf("bare request needs %v, want s3:%s and %d in all", actions(min), r.Action, wantMin)
			}
			for _, n := range min {
				checkNeed(t, n)
				if n.Context["aws:SecureTransport"] == nil {
					t.Errorf("%s: no aws:SecureTransport", n.Action)
				}
			}
		})
	}
}

func actions(ns []s3op.Need) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Action+" "+n.Resource)
	}
	return out
}

// checkNeed checks a need against the catalog.
func checkNeed(t *testing.T, n s3op.Need) {
	t.Helper()
	a, ok := catalog.Lookup(n.Action)
	if !ok {
		t.Errorf("%s is not in the catalog", n.Action)
		return
	}
	typ := ""
	switch {
	case n.Resource == "*":
	case strings.HasPrefix(n.Resource, "arn:aws:s3:::"):
		typ = "bucket"
		if strings.Contains(strings.TrimPrefix(n.Resource, "arn:aws:s3:::"), "/") {
			typ = "object"
		}
	default:
		t.Errorf("%s: resource %q is not an S3 ARN", n.Action, n.Resource)
	}
	checkAction(t, a.Name, typ)
	if n.Context == nil {
		t.Errorf("%s: nil context", n.Action)
	}
	for k, vs := range n.Context {
		if len(vs) == 0 {
			t.Errorf("%s: key %s has no values", n.Action, k)
		}
		if slices.Contains(globalKeys, k) {
			continue
		}
		ck, ok := catalog.LookupConditionKey(k)
		if !ok {
			t.Errorf("%s: key %s is not in the catalog", n.Action, k)
			continue
		}
		if !slices.Contains(a.ConditionKeys, ck.Name) {
			t.Errorf("%s: key %s (%s) is not one the catalog lists for the action", n.Action, k, ck.Name)
		}
		if !strings.Contains(ck.Name, "${") && k != ck.Name {
			t.Errorf("%s: key %s is spelled %s in the catalog", n.Action, k, ck.Name)
		}
	}
}
