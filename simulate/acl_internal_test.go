package simulate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/s3vet/s3vet/policy/access"
)

// An ACL body names a grantee by canonical user ID: those of the world's
// accounts become account IDs; an ID S3 does not know (an account ID
// among them) is InvalidArgument "Invalid id", as S3 answers (observed:
// ceph/s3-tests, test_bucket_acl_grant_nonexist_user; aws-cli issue 2651).
func TestParseACLCanonicalIDs(t *testing.T) {
	s, err := New(&World{Accounts: []*Account{{ID: "111111111111"}, {ID: "222222222222"}}})
	if err != nil {
		t.Fatal(err)
	}
	grant := func(id, perm string) string {
		return `<Grant><Grantee><ID>` + id + `</ID></Grantee><Permission>` + perm + `</Permission></Grant>`
	}
	doc := func(grants ...string) []byte {
		body := `<AccessControlPolicy><AccessControlList>`
		for _, g := range grants {
			body += g
		}
		return []byte(body + `</AccessControlList></AccessControlPolicy>`)
	}
	grants, err := s.parseACL(doc(grant(canonicalID("222222222222"), "READ"), grant(canonicalID("111111111111"), "WRITE")))
	if err != nil {
		t.Fatal(err)
	}
	want := []access.Grant{{Grantee: "222222222222", Permission: access.Read}, {Grantee: "111111111111", Permission: access.Write}}
	if diff := cmp.Diff(want, grants); diff != "" {
		t.Errorf("parseACL (-want +got):\n%s", diff)
	}
	for _, id := range []string{canonicalID("333333333333"), "222222222222", "nobody"} {
		_, err := s.parseACL(doc(grant(id, "READ")))
		e, ok := err.(*s3Error)
		if !ok || e.code != "InvalidArgument" || e.message != "Invalid id" {
			t.Errorf("grantee %s: %v, want InvalidArgument: Invalid id", id, err)
		}
	}
}
