package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPolicyGate: the approved policy passes. The refactoring that merges
// the application's statements looks harmless, but its StringLikeIfExists
// lets s3:ListBucket list the whole bucket when the request has no
// s3:prefix, and the gate shows that request. Widening the prefix (a
// missing slash) and adding deletes fails, with the requests that show it.
func TestPolicyGate(t *testing.T) {
	for _, tc := range []struct {
		file string
		code int
		out  string
	}{
		{"testdata/approved.json", 0, "no new access: PASS\nno public access: PASS\nno deletes: PASS\n"},
		{"testdata/refactored.json", 1, "no new access: FAIL\n" +
			"  for example: arn:aws:sts::111122223333:assumed-role/media-app/s3vet-session s3:ListBucket arn:aws:s3:::acme-media\n" +
			"no public access: PASS\nno deletes: PASS\n"},
		{"testdata/widened.json", 1, "no new access: FAIL\n" +
			"  for example: arn:aws:sts::111122223333:assumed-role/media-app/s3vet-session s3:GetObject arn:aws:s3:::acme-media/uploadsexample\n" +
			"no public access: PASS\nno deletes: FAIL\n" +
			"  for example: arn:aws:sts::111122223333:assumed-role/media-app/s3vet-session s3:DeleteObject arn:aws:s3:::acme-media/uploadsexample\n"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), &out, &errb, "testdata/approved.json", tc.file)
		if code != tc.code || errb.Len() > 0 {
			t.Errorf("%s: exit %d (stderr %q), want %d", tc.file, code, errb.String(), tc.code)
		}
		if diff := cmp.Diff(tc.out, out.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.file, diff)
		}
	}
}
