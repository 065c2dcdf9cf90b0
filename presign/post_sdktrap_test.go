package presign_test

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/s3vet/s3vet/presign"
)

// postSDK runs aws-sdk-go-v2's PresignPostObject with extra conditions and
// returns its policy JSON and form values.
func postSDK(t *testing.T, key string, conds []any) (string, map[string]string) {
	t.Helper()
	pc := s3.NewPresignClient(signClient("https://127.0.0.1:9000", signStatic("")))
	out, err := pc.PresignPostObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("bucket"), Key: aws.String(key)},
		func(o *s3.PresignPostOptions) { o.Conditions = conds })
	if err != nil {
		t.Fatal(err)
	}
	policy, err := base64.StdEncoding.DecodeString(out.Values["policy"])
	if err != nil {
		t.Fatal(err)
	}
	return string(policy), out.Values
}

// TestSDKTrapStartsWithKey documents a trap of PresignPostObject (service/s3
// v1.114.8, presign_post.go, isAlreadyCheckingForKey): a starts-with key
// condition is recognised only when written as []any. Written as []string,
// as is natural, the SDK appends an exact {"key": ...} condition, so S3
// refuses every upload whose key is not exactly the placeholder. The
// builder writes only the starts-with condition.
func TestSDKTrapStartsWithKey(t *testing.T) {
	policy, _ := postSDK(t, "uploads/${filename}", []any{[]string{"starts-with", "$key", "uploads/"}})
	if !strings.Contains(policy, `["starts-with","$key","uploads/"]`) || !strings.Contains(policy, `{"key":"uploads/${filename}"}`) {
		t.Errorf("the SDK no longer adds an exact key beside a []string starts-with: %s", policy)
	}
	policy, _ = postSDK(t, "uploads/${filename}", []any{[]any{"starts-with", "$key", "uploads/"}})
	if strings.Contains(policy, `{"key":`) {
		t.Errorf("the SDK adds an exact key beside a []any starts-with: %s", policy)
	}

	form, err := signPresigner("").PostObject(context.Background(), "bucket", presign.NewPostPolicy().KeyPrefix("uploads/"))
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := base64.StdEncoding.DecodeString(form.Policy)
	if strings.Contains(string(ours), `{"key":`) || !strings.Contains(string(ours), `["starts-with","$key","uploads/"]`) {
		t.Errorf("our policy: %s", ours)
	}
	postCheckForm(t, form, "bucket", signSecret)
}

// TestSDKTrapMissingFields documents the other trap: PresignPostObject puts
// the caller's conditions in the policy but returns no form field for them
// (Content-Type, encryption, metadata), and S3 refuses a form that does not
// meet every condition. The builder returns a field for each.
func TestSDKTrapMissingFields(t *testing.T) {
	policy, values := postSDK(t, "k", []any{
		map[string]string{"Content-Type": "image/png"},
		map[string]string{"x-amz-server-side-encryption": "AES256"},
		map[string]string{"x-amz-meta-owner": "alice"},
	})
	if !strings.Contains(policy, `{"Content-Type":"image/png"}`) {
		t.Fatalf("policy: %s", policy)
	}
	for _, name := range []string{"Content-Type", "content-type", "x-amz-server-side-encryption", "x-amz-meta-owner"} {
		if _, ok := values[name]; ok {
			t.Errorf("the SDK now returns the %s field", name)
		}
	}

	form, err := signPresigner("").PostObject(context.Background(), "bucket", presign.NewPostPolicy().
		Key("k").ContentType("image/png").Encryption(presign.SSES3()).Metadata("owner", "alice"))
	if err != nil {
		t.Fatal(err)
	}
	if form.Get("Content-Type") != "image/png" || form.Get("x-amz-server-side-encryption") != "AES256" || form.Get("x-amz-meta-owner") != "alice" {
		t.Errorf("fields: %v", form.Fields)
	}
	postCheckForm(t, form, "bucket", signSecret)
}
