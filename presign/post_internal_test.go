package presign

import (
	"encoding/json"
	"os"
	"testing"
)

// TestPostSignatureAWSExample checks the SigV4 POST signature against the
// worked example of the S3 API Reference (testdata/sign/aws-post-example.json
// names the page).
func TestPostSignatureAWSExample(t *testing.T) {
	b, err := os.ReadFile("testdata/sign/aws-post-example.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Secret, Date, Region, Service, Policy, Signature string
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if got := postSignature(v.Secret, v.Date, v.Region, v.Service, v.Policy); got != v.Signature {
		t.Errorf("signature = %s, want %s", got, v.Signature)
	}
}
