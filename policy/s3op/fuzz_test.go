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

// Classify never panics, and names only operations of the table.
func FuzzClassify(f *testing.F) {
	for _, c := range classifyCases {
		name, value := "", ""
		for k, vs := range c.header {
			name, value = k, vs[0]
		}
		f.Add(c.method, c.bucket, c.key, c.query, name, value)
	}
	f.Add("GET", "b", "", "acl&policy", "", "")
	f.Add("PUT", "b", "k", "uploadId", "X-AMZ-COPY-SOURCE", "")
	f.Add("\x00", "\xff", "/", "%zz&;=", "\n", "\r")
	ops := s3op.Operations()
	f.Fuzz(func(t *testing.T, method, bucket, key, rawQuery, name, value string) {
		q, _ := url.ParseQuery(rawQuery)
		op, err := s3op.Classify(method, bucket, key, q, http.Header{name: {value}})
		if err != nil {
			if op != "" {
				t.Fatalf("Classify returned %q with error %v", op, err)
			}
			return
		}
		if !slices.Contains(ops, op) {
			t.Fatalf("Classify returned %q, not an operation of the table", op)
		}
	})
}

// Needs never panics; what it returns is well formed and in the catalog.
func FuzzNeeds(f *testing.F) {
	for _, op := range s3op.Operations() {
		f.Add(op, "b", "k", "versionId=v&prefix=p", "x-amz-acl", "private", "x-amz-copy-source", "src/k?versionId=s", "1.2", "192.0.2.1", "a,b:v")
	}
	f.Add("PutObject", "b", "k", "", "x-amz-tagging", "a=1&b=&c", "x-amz-object-lock-retain-until-date", "2030-01-01T00:00:00Z", "TLSv1.3", "::1", "")
	f.Add("CopyObject", "b", "k", "", "x-amz-copy-source", "/%2F/%zz", "authorization", "AWS AKID:sig", "", "", "")
	f.Add("DeleteObjects", "b", "", "", "x-amz-bypass-governance-retention", "TRUE", "", "", "", "", "k1,k2:v2,:v")
	f.Add("GetObject", "\xff", "\x00", ";", "\n", "\xff", "", "", "TLS", "1.2.3.4/5", ",,")
	f.Fuzz(func(t *testing.T, op, bucket, key, rawQuery, h1, v1, h2, v2, tls, ip, keys string) {
		q, _ := url.ParseQuery(rawQuery)
		r := &s3op.Request{Operation: op, Bucket: bucket, Key: key, Query: q,
			Header:       http.Header{h1: {v1}, h2: {v2}},
			ExistingTags: map[string]string{v1: v2},
			Body:         s3op.Body{Tags: map[string]string{h1: v1}, LocationConstraint: v2, RetentionMode: v1, LegalHold: v2},
			Conn:         s3op.Conn{TLSVersion: tls, SourceIP: ip, Time: time.Unix(int64(len(keys))*1e8, 0)},
		}
		if keys != "" {
			for _, k := range strings.Split(keys, ",") {
				key, vid, _ := strings.Cut(k, ":")
				r.Keys = append(r.Keys, s3op.ObjectID{Key: key, VersionID: vid})
			}
		}
		needs, err := s3op.Needs(r)
		if err != nil {
			if needs != nil {
				t.Fatalf("needs with error %v", err)
			}
			return
		}
		if len(needs) == 0 {
			t.Fatal("no needs and no error")
		}
		for _, n := range needs {
			if _, ok := catalog.Lookup(n.Action); !ok {
				t.Fatalf("%s is not in the catalog", n.Action)
			}
			if n.Resource != "*" && !strings.HasPrefix(n.Resource, "arn:") {
				t.Fatalf("%s: resource %q", n.Action, n.Resource)
			}
			if n.Context == nil {
				t.Fatalf("%s: nil context", n.Action)
			}
		}
	})
}
