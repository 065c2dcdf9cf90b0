package simulate

import (
	"testing"

	"github.com/s3vet/s3vet/policy/access"
)

// An ACL body names a grantee by canonical user ID: those of the world's
// accounts become account IDs, others are kept as they are.
func TestParseACLCanonicalIDs(t *testing.T) {
	s, err := New(&World{Accounts: []*Account{{ID: "111111111111"}, {ID: "222222222222"}}})
	if err != nil {
		t.Fatal(err)
	}
	other := canonicalID("333333333333")
	body := []byte(`<AccessControlPolicy><AccessControlList>` +
		`<Grant><Grantee><ID>` + canonicalID("222222222222") + `</ID></Grantee><Permission>READ</Permission></Grant>` +
		`<Grant><Grantee><ID>` + other + `</ID></Grantee><Permission>WRITE</Permission></Grant>` +
		`</AccessControlList></AccessControlPolicy>`)
	grants, err := s.parseACL(body)
	if err != nil {
		t.Fatal(err)
	}
	want := []access.Grant{{Grantee: "222222222222", Permission: access.Read}, {Grantee: other, Permission: access.Write}}
	if len(grants) != len(want) || grants[0] != want[0] || grants[1] != want[1] {
		t.Fatalf("parseACL = %+v, want %+v", grants, want)
	}
}
