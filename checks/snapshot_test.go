package checks_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/checks"
)

// ReadSnapshot reads strictly (its doc, and docs/scenario.md's rule for
// every input s3vet reads): a misspelt field, a field the format does not
// have, a field in another case and a field given twice are errors naming
// the field, its path and bucket, and the field probably meant.
func TestReadSnapshotStrict(t *testing.T) {
	tests := []struct{ doc, want string }{
		{`{"version":1,"account":{"id":"111122223333"},"buckets":[{"name":"a"},{"name":"reports","encrytion":{"algorithm":"AES256"}}]}`,
			`checks: reading snapshot: bucket "reports": unknown field "encrytion" in buckets[1]; did you mean "encryption"?`},
		{`{"version":1,"account":{"id":"111122223333"},"buckets":[{"name":"reports","accessPoints":[]}]}`,
			`checks: reading snapshot: bucket "reports": unknown field "accessPoints" in buckets[0]`},
		// Access points are the account's, and read as strictly.
		{`{"version":1,"account":{"id":"111122223333","accessPoints":[{"name":"a","bucket":"b","netwrokOrigin":"VPC"}]},"buckets":[]}`,
			`checks: reading snapshot: unknown field "netwrokOrigin" in account.accessPoints[0]; did you mean "networkOrigin"?`},
		{`{"version":1,"account":{"id":"111122223333","accessPoints":[{"name":"a","bucket":"b","vpcID":"vpc-1a2b3c"}]},"buckets":[]}`,
			`checks: reading snapshot: unknown field "vpcID" in account.accessPoints[0]; field names are case-sensitive: did you mean "vpcId"?`},
		{`{"version":1,"account":{"id":"111122223333","publicAccessBlock":{"BlockPublicAcls":true}},"buckets":[]}`,
			`checks: reading snapshot: unknown field "BlockPublicAcls" in account.publicAccessBlock; field names are case-sensitive: did you mean "blockPublicAcls"?`},
		{`{"version":1,"account":{"id":"111122223333"},"buckets":[{"name":"b","versioning":{"status":"Enabled","status":"Suspended"}}]}`,
			`checks: reading snapshot: bucket "b": field "status" given twice in buckets[0].versioning`},
		{`{"version":1,"account":{"id":111122223333},"buckets":[]}`,
			`checks: reading snapshot: account.id: want a string, got the number 111122223333`},
		{`{"version":1,"account":{},"buckets":[]} {}`,
			`checks: reading snapshot: line 1, column 41: invalid character '{' after top-level value`},
	}
	for _, tt := range tests {
		_, err := checks.ReadSnapshot(strings.NewReader(tt.doc))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%.60s:\nerror %v\nwant  %s", tt.doc, err, tt.want)
		}
	}
}

// A snapshot of a later version is refused for its version, not for the
// fields that version added.
func TestReadSnapshotLaterVersion(t *testing.T) {
	_, err := checks.ReadSnapshot(strings.NewReader(`{"version":2,"account":{"id":"111122223333"},"buckets":[],"accessPoints":[]}`))
	if !errors.Is(err, checks.ErrSnapshotVersion) {
		t.Errorf("error %v, want ErrSnapshotVersion", err)
	}
}

// A check ID that is not registered is refused with the ID probably meant.
func TestValidateSuggestsCheck(t *testing.T) {
	err := checks.NewRegistry().Validate(checks.Options{Only: []string{"S3-10"}, Skip: []string{"s3.5"}})
	for _, want := range []string{`unknown check "S3-10"; did you mean "S3.10"?`, `unknown check "s3.5"; did you mean "S3.5"?`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want one saying %s", err, want)
		}
	}
}

// A snapshot of version 1 written before access points were added reads
// as it did: the new fields are optional, and SnapshotVersion is still 1.
func TestReadSnapshotWithoutAccessPoints(t *testing.T) {
	s, err := checks.ReadSnapshot(strings.NewReader(`{"version":1,"account":{"id":"111122223333"},"buckets":[{"name":"b"}]}`))
	if err != nil || checks.SnapshotVersion != 1 || s.Account.AccessPoints != nil {
		t.Errorf("snapshot %+v, error %v, version %d", s, err, checks.SnapshotVersion)
	}
	var b strings.Builder
	if _, err := s.WriteTo(&b); err != nil || strings.Contains(b.String(), "accessPoints") {
		t.Errorf("written %s (%v): an account without access points writes no accessPoints", b.String(), err)
	}
}
