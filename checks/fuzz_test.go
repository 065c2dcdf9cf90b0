package checks_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/s3vet/s3vet/checks"
)

// FuzzSnapshot decodes arbitrary bytes as a snapshot. Whatever decodes
// must judge without panicking, and survive a JSON round trip unchanged
// with the same findings.
func FuzzSnapshot(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":1,"account":{"id":"111122223333"},"buckets":[{"name":"b","policy":"{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::b*?\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false}}}}"}]}`))
	f.Add([]byte(`{"version":1,"account":{},"buckets":[{"name":"","logging":{"targetBucket":""},"replication":{"rules":[{"status":"Enabled","destination":""}]}}]}`))
	f.Add([]byte(`{"version":1,"account":{"id":"1","accessPoints":[{"name":"","bucket":"","arn":"arn:aws:s3::1:accesspoint/x","policy":"{\"Statement\":[]}","publicAccessBlock":{"blockPublicAcls":true}},{"name":"a","bucket":"a","errors":[{"call":"GetAccessPoint","message":""}]}]},"buckets":[{"name":"a","policy":"{}"}]}`))
	// Strict fields: a misspelt one, one in another case, one twice.
	f.Add([]byte(`{"version":1,"account":{"ID":"1"},"buckets":[{"name":"b","encrytion":{},"tags":{"k":"1","k":"2"}}]}`))
	opts := checks.Options{Params: checks.Params{MaxSignatureAge: time.Hour, RequiredKMSKeys: []string{"k"}, NotificationEvents: []string{"s3:*"},
		LifecycleExpirationDays: 1, LifecycleStorageClass: "GLACIER", ObjectLockMode: "COMPLIANCE", MinTLSVersion: "1.3",
		VPCAccessPoints: []string{"*"}, PublicAccessPoints: []string{"a"}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := checks.ReadSnapshot(bytes.NewReader(data))
		if err != nil {
			return
		}
		fs := checks.Run(s, opts)
		var b bytes.Buffer
		if _, err := s.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		back, err := checks.ReadSnapshot(&b)
		if err != nil {
			t.Fatalf("written snapshot does not read back: %v\n%s", err, b.String())
		}
		if !reflect.DeepEqual(checks.Run(back, opts), fs) {
			t.Fatalf("findings differ after a round trip")
		}
		if err := checks.WriteSARIF(&b, fs, nil, sarifOptions(t, data)); err != nil {
			t.Fatal(err)
		}
	})
}
