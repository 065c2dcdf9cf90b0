package conformance_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
)

// TestAnonymousCreateBucketDenied is the regression test of an unsigned
// CreateBucket, which once got 400 InvalidRequest with the simulator's
// internal text (the new bucket's ACL granted FULL_CONTROL to the
// anonymous caller's empty account). S3 API Reference, CreateBucket:
// "Anonymous requests are never allowed to create buckets", answered as
// S3 answers a request it does not authorize, 403 AccessDenied "Access
// Denied" (S3 API Reference, "Error responses"). Whatever ACL, ownership
// or location the request carries, nothing is created.
func TestAnonymousCreateBucketDenied(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	type answer struct {
		Status  int
		Code    string
		Message string
	}
	want := answer{403, "AccessDenied", "Access Denied"}
	cases := []struct {
		name   string
		header map[string]string
		body   string
	}{
		{"bare", nil, ""},
		{"canned ACL", map[string]string{"x-amz-acl": "public-read-write", "x-amz-object-ownership": "ObjectWriter"}, ""},
		{"grant header", map[string]string{"x-amz-grant-full-control": `id="` + ownerAccount + `"`, "x-amz-object-ownership": "BucketOwnerPreferred"}, ""},
		{"Object Lock", map[string]string{"x-amz-bucket-object-lock-enabled": "true"}, ""},
		{"location", nil, `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CreateBucketConfiguration>`},
	}
	for _, tc := range cases {
		t.Run("unsigned PUT "+tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPut, e.srv.URL+"/anon-new", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := e.srv.HTTPClient().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			var doc struct{ Code, Message string }
			if err := xml.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("%d %s: %v", resp.StatusCode, raw, err)
			}
			if d := cmp.Diff(want, answer{resp.StatusCode, doc.Code, doc.Message}); d != "" {
				t.Errorf("unsigned CreateBucket (-want +got):\n%s\n%s", d, raw)
			}
		})
	}
	t.Run("the SDK's anonymous client", func(t *testing.T) {
		_, err := e.srv.Client(anonymous).CreateBucket(e.ctx, &s3.CreateBucketInput{Bucket: aws.String("anon-new")})
		got := asAPIErr(err)
		if d := cmp.Diff(want, answer(got)); d != "" {
			t.Errorf("anonymous CreateBucket (-want +got):\n%s", d)
		}
	})
	// Nothing was created: the name is still free for the admin.
	_, err := e.c.HeadBucket(e.ctx, &s3.HeadBucketInput{Bucket: aws.String("anon-new")})
	wantErr(t, err, 404, "NotFound", "")
	e.bucket(t, "anon-new")
}
