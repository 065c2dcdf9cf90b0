package simulate_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3vet/s3vet/simulate"
)

// FuzzKMSAPI sends arbitrary bodies to the KMS API, signed with a valid
// key so that they get past authentication: whatever the operation and
// the JSON, the simulator answers with KMS's 4xx errors, never a panic or
// a 500, and a 200 only with a JSON body.
func FuzzKMSAPI(f *testing.F) {
	seeds := []struct{ target, body string }{
		{"GenerateDataKey", `{"KeyId":"alias/app","KeySpec":"AES_256","EncryptionContext":{"a":"b"}}`},
		{"GenerateDataKey", `{"KeyId":"alias/app","NumberOfBytes":1025}`},
		{"GenerateDataKey", `{"KeyId":"arn:aws:kms:us-east-1:777777777777:alias/app","NumberOfBytes":16}`},
		{"Encrypt", `{"KeyId":"0b1c2d3e-aaaa-bbbb-cccc-111122223333","Plaintext":"aGVsbG8="}`},
		{"Decrypt", `{"CiphertextBlob":"AQAAeA=="}`},
		{"Decrypt", `{"CiphertextBlob":"AQA5YXJuOmF3czprbXM6dXMtZWFzdC0xOjc3Nzc3Nzc3Nzc3NzprZXkvMGIxYzJkM2UtYWFhYS1iYmJiLWNjY2MtMTExMTIyMjIzMzMz","KeyId":"alias/app"}`},
		{"Decrypt", `{"CiphertextBlob":"not base64"}`},
		{"ReEncrypt", `{}`},
		{"GenerateDataKey", `[`},
	}
	for _, s := range seeds {
		f.Add(s.target, []byte(s.body))
	}
	w := &simulate.World{}
	a := w.AddAccount("777777777777")
	a.KMSKeys = []simulate.KMSKey{{ID: "0b1c2d3e-aaaa-bbbb-cccc-111122223333", Alias: "alias/app"}}
	a.RootAccessKeys = []simulate.AccessKey{{ID: "AKIAFUZZKMS000000001", Secret: "fuzz-secret"}}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	sim, err := simulate.New(w, simulate.WithClock(func() time.Time { return now }))
	if err != nil {
		f.Fatal(err)
	}
	signer := v4.NewSigner()
	creds := aws.Credentials{AccessKeyID: "AKIAFUZZKMS000000001", SecretAccessKey: "fuzz-secret"}
	send := func(target string, body []byte) (*httptest.ResponseRecorder, bool) {
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000/", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "TrentService."+target)
		sum := sha256.Sum256(body)
		if err := signer.SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "kms", "us-east-1", now); err != nil {
			return nil, false // a header the signer cannot sign: nothing to send
		}
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		return rec, true
	}
	// The signature is good: a well-formed call succeeds, so the fuzzer
	// reaches the operations and not only authentication.
	if rec, _ := send(seeds[0].target, []byte(seeds[0].body)); rec.Code != http.StatusOK {
		f.Fatalf("seed GenerateDataKey: %d %s", rec.Code, rec.Body.String())
	}
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		rec, ok := send(target, body)
		if !ok {
			return
		}
		switch {
		case rec.Code >= 500:
			t.Fatalf("%s %q: %d %s", target, body, rec.Code, rec.Body.String())
		case rec.Code == http.StatusOK && !bytes.HasPrefix(rec.Body.Bytes(), []byte("{")):
			t.Fatalf("%s %q: 200 with %q", target, body, rec.Body.String())
		case rec.Code != http.StatusOK && rec.Header().Get("Content-Type") != "application/x-amz-json-1.1":
			t.Fatalf("%s %q: %d not in KMS's JSON error format: %q", target, body, rec.Code, rec.Body.String())
		}
	})
}
