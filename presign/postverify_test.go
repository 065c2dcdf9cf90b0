package presign_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// Browser POST uploads (S3's PostObject with a SigV4 POST policy), built
// with mime/multipart and posted to an httptest server.

var postTime = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

type postForm struct {
	conditions []any
	expiration time.Time
	fields     [][2]string // in form order, before the file
	file       string
	after      [][2]string // after the file
	secret     string      // signs the policy; testSecret if ""
	token      string
}

// basePost is a form that meets its policy: one condition of every kind.
func basePost() *postForm {
	cred := testAccessKey + "/20260314/us-east-1/s3/aws4_request"
	return &postForm{
		expiration: postTime.Add(time.Hour),
		conditions: []any{
			map[string]string{"bucket": "uploads"},
			[]any{"starts-with", "$key", "user/alice/"},
			map[string]string{"acl": "private"},
			[]any{"eq", "$success_action_status", "201"},
			[]any{"starts-with", "$success_action_redirect", "https://example.com/"},
			[]any{"starts-with", "$Content-Type", "image/"},
			map[string]string{"x-amz-meta-uuid": "14365123651274"},
			[]any{"starts-with", "$x-amz-meta-tag", ""},
			map[string]string{"x-amz-server-side-encryption": "aws:kms"},
			map[string]string{"x-amz-server-side-encryption-aws-kms-key-id": "alias/uploads"},
			map[string]string{"x-amz-checksum-algorithm": "CRC32"},
			[]any{"eq", "$tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"},
			[]any{"content-length-range", 1, 64},
			map[string]string{"x-amz-credential": cred},
			map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
			map[string]string{"x-amz-date": "20260314T120000Z"},
		},
		fields: [][2]string{
			{"key", "user/alice/${filename}"},
			{"acl", "private"},
			{"success_action_status", "201"},
			{"success_action_redirect", "https://example.com/done"},
			{"Content-Type", "image/png"},
			{"x-amz-meta-uuid", "14365123651274"},
			{"x-amz-meta-tag", "holiday"},
			{"x-amz-server-side-encryption", "aws:kms"},
			{"x-amz-server-side-encryption-aws-kms-key-id", "alias/uploads"},
			{"x-amz-checksum-algorithm", "CRC32"},
			{"tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"},
			{"X-Amz-Credential", cred},
			{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
			{"X-Amz-Date", "20260314T120000Z"},
			{"x-ignore-tracking", "anything"},
		},
		file:  "a small picture",
		after: [][2]string{{"submit", "Upload"}},
	}
}

func (f *postForm) policy() string {
	doc, _ := json.Marshal(map[string]any{
		"expiration": f.expiration.Format("2006-01-02T15:04:05.000Z"),
		"conditions": f.conditions,
	})
	return base64.StdEncoding.EncodeToString(doc)
}

func (f *postForm) request(t *testing.T) *http.Request {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, kv := range f.fields {
		w.WriteField(kv[0], kv[1])
	}
	if f.token != "" {
		w.WriteField("x-amz-security-token", f.token)
	}
	policy := f.policy()
	secret := f.secret
	if secret == "" {
		secret = testSecret
	}
	w.WriteField("Policy", policy)
	w.WriteField("X-Amz-Signature", hex.EncodeToString(hmacSHA256(sigV4Key(secret, "20260314", testRegion), policy)))
	fw, _ := w.CreateFormFile("file", "cat.png")
	io.WriteString(fw, f.file)
	for _, kv := range f.after {
		w.WriteField(kv[0], kv[1])
	}
	w.Close()
	r := httptest.NewRequest("POST", "/uploads", &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	return r
}

func postVerifier() *presign.Verifier {
	return &presign.Verifier{Credentials: testStore(), Region: testRegion, Now: fixedClock(postTime.Add(time.Minute))}
}

// post verifies the form and reads its file.
func post(t *testing.T, f *postForm) (*presign.PostResult, []byte, error) {
	t.Helper()
	res, err := postVerifier().VerifyPost(context.Background(), f.request(t), "uploads")
	if err != nil {
		return nil, nil, err
	}
	file, err := io.ReadAll(res.File)
	return res, file, err
}

func TestPostAccepted(t *testing.T) {
	res, file, err := post(t, basePost())
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != "a small picture" || res.Key != "user/alice/cat.png" || res.FileName != "cat.png" ||
		res.Fields["content-type"] != "image/png" || res.AuthType != presign.AuthTypePost ||
		res.Credentials.Principal != testPrincipal || res.SignatureAge != time.Minute ||
		!res.Expires.Equal(postTime.Add(time.Hour)) || res.Keys["s3:authType"][0] != "POST" {
		t.Errorf("result %+v", res)
	}
	if _, ok := res.Fields["submit"]; ok {
		t.Error("a field after the file was read")
	}
}

func TestPostOverHTTP(t *testing.T) {
	v := postVerifier()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res, err := v.VerifyPost(r.Context(), r, strings.TrimPrefix(r.URL.Path, "/"))
		if err == nil {
			_, err = io.Copy(io.Discard, res.File)
		}
		if err != nil {
			writeS3Error(w, err)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	for _, c := range []struct {
		name string
		form *postForm
		want int
	}{
		{"accepted", basePost(), 201},
		{"too large", func() *postForm { f := basePost(); f.file = strings.Repeat("x", 65); return f }(), 400},
		{"wrong acl", func() *postForm { f := basePost(); f.fields[1][1] = "public-read"; return f }(), 403},
	} {
		r := c.form.request(t)
		req, _ := http.NewRequest("POST", srv.URL+"/uploads", r.Body)
		req.Header = r.Header
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.want)
		}
	}
}

// TestPostRefused breaks the policy one condition at a time.
func TestPostRefused(t *testing.T) {
	set := func(name, value string) func(*postForm) {
		return func(f *postForm) {
			for i := range f.fields {
				if strings.EqualFold(f.fields[i][0], name) {
					f.fields[i][1] = value
					return
				}
			}
			f.fields = append(f.fields, [2]string{name, value})
		}
	}
	drop := func(name string) func(*postForm) {
		return func(f *postForm) {
			for i := range f.fields {
				if strings.EqualFold(f.fields[i][0], name) {
					f.fields = append(f.fields[:i], f.fields[i+1:]...)
					return
				}
			}
		}
	}
	failed := func(cond string) string { return "Invalid according to Policy: Policy Condition failed: " + cond }
	for _, c := range []struct {
		name    string
		change  func(*postForm)
		bucket  string
		code    string
		message string
		kind    error
	}{
		{"bucket", nil, "other-bucket", "AccessDenied", failed(`["eq", "$bucket", "uploads"]`), presign.ErrPolicy},
		{"key starts-with", set("key", "user/bob/x"), "", "AccessDenied", failed(`["starts-with", "$key", "user/alice/"]`), presign.ErrPolicy},
		{"acl exact", set("acl", "public-read"), "", "AccessDenied", failed(`["eq", "$acl", "private"]`), presign.ErrPolicy},
		{"success_action_status eq", set("success_action_status", "200"), "", "AccessDenied", failed(`["eq", "$success_action_status", "201"]`), presign.ErrPolicy},
		{"success_action_redirect starts-with", set("success_action_redirect", "https://evil.example/"), "", "AccessDenied",
			failed(`["starts-with", "$success_action_redirect", "https://example.com/"]`), presign.ErrPolicy},
		{"Content-Type starts-with", set("Content-Type", "text/html"), "", "AccessDenied", failed(`["starts-with", "$Content-Type", "image/"]`), presign.ErrPolicy},
		{"x-amz-meta exact", set("x-amz-meta-uuid", "1"), "", "AccessDenied", failed(`["eq", "$x-amz-meta-uuid", "14365123651274"]`), presign.ErrPolicy},
		{"x-amz-meta missing", drop("x-amz-meta-tag"), "", "AccessDenied", failed(`["starts-with", "$x-amz-meta-tag", ""]`), presign.ErrPolicy},
		{"server-side encryption", set("x-amz-server-side-encryption", "AES256"), "", "AccessDenied",
			failed(`["eq", "$x-amz-server-side-encryption", "aws:kms"]`), presign.ErrPolicy},
		{"kms key", set("x-amz-server-side-encryption-aws-kms-key-id", "alias/other"), "", "AccessDenied",
			failed(`["eq", "$x-amz-server-side-encryption-aws-kms-key-id", "alias/uploads"]`), presign.ErrPolicy},
		{"checksum", set("x-amz-checksum-algorithm", "SHA256"), "", "AccessDenied", failed(`["eq", "$x-amz-checksum-algorithm", "CRC32"]`), presign.ErrPolicy},
		{"tagging", set("tagging", "<Tagging/>"), "", "AccessDenied",
			failed(`["eq", "$tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>"]`), presign.ErrPolicy},
		{"credential", set("X-Amz-Date", "20260314T120001Z"), "", "AccessDenied", failed(`["eq", "$x-amz-date", "20260314T120000Z"]`), presign.ErrPolicy},
		{"content-length-range max", func(f *postForm) { f.file = strings.Repeat("x", 65) }, "", "EntityTooLarge",
			"Your proposed upload exceeds the maximum allowed size", presign.ErrPolicy},
		{"content-length-range min", func(f *postForm) { f.file = "" }, "", "EntityTooSmall",
			"Your proposed upload is smaller than the minimum allowed size", presign.ErrPolicy},
		{"extra field", set("x-amz-meta-extra", "1"), "", "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra", presign.ErrPolicy},
		{"expired", func(f *postForm) { f.expiration = postTime }, "", "AccessDenied", "Invalid according to Policy: Policy expired.", presign.ErrExpired},
		{"bad signature", func(f *postForm) { f.secret = "not the secret" }, "", "SignatureDoesNotMatch", "", presign.ErrSignatureMismatch},
		{"no key", drop("key"), "", "InvalidArgument", "", presign.ErrMalformed},
		{"no credential", drop("X-Amz-Credential"), "", "InvalidArgument", "", presign.ErrMalformed},
		{"unknown access key", set("X-Amz-Credential", "AKIAUNKNOWN/20260314/us-east-1/s3/aws4_request"), "", "InvalidAccessKeyId", "", presign.ErrUnknownAccessKey},
		{"wrong region", set("X-Amz-Credential", testAccessKey+"/20260314/eu-west-1/s3/aws4_request"), "", "InvalidArgument", "", presign.ErrMalformed},
		{"unexpected token", func(f *postForm) { f.token = "a-token" }, "", "InvalidToken", "", presign.ErrInvalidToken},
		{"malformed policy", func(f *postForm) { f.conditions = append(f.conditions, []any{"matches", "$key", ".*"}) }, "",
			"InvalidPolicyDocument", "", presign.ErrMalformed},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := basePost()
			if c.change != nil {
				c.change(f)
			}
			bucket := c.bucket
			if bucket == "" {
				bucket = "uploads"
			}
			res, err := postVerifier().VerifyPost(context.Background(), f.request(t), bucket)
			var file []byte
			if err == nil {
				file, err = io.ReadAll(res.File)
			}
			var e *presign.Error
			if !errors.As(err, &e) || e.Code != c.code || c.message != "" && e.Message != c.message || !errors.Is(err, c.kind) {
				t.Fatalf("got %v, want %s %q", err, c.code, c.message)
			}
			if len(file) > 64 {
				t.Errorf("%d bytes of the file returned, beyond content-length-range", len(file))
			}
		})
	}
}

func TestPostAnonymousAndSessionToken(t *testing.T) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("key", "public/${filename}")
	fw, _ := w.CreateFormFile("file", "f.txt")
	io.WriteString(fw, "hello")
	w.Close()
	r := httptest.NewRequest("POST", "/uploads", &body)
	r.Header.Set("Content-Type", w.FormDataContentType())
	res, err := postVerifier().VerifyPost(context.Background(), r, "uploads")
	if err != nil || !res.Anonymous || res.Key != "public/f.txt" {
		t.Fatalf("anonymous form: %+v, %v", res, err)
	}

	f := basePost()
	f.token = "session-token"
	f.conditions = append(f.conditions, map[string]string{"x-amz-security-token": "session-token"})
	v := postVerifier()
	v.Credentials = presign.StaticCredentials{testAccessKey: {SecretAccessKey: testSecret, SessionToken: "session-token"}}
	if _, err := v.VerifyPost(context.Background(), f.request(t), "uploads"); err != nil {
		t.Fatalf("with its session token: %v", err)
	}
	f.token = ""
	if _, err := v.VerifyPost(context.Background(), f.request(t), "uploads"); !errors.Is(err, presign.ErrInvalidToken) {
		t.Fatalf("without its session token: %v", err)
	}
}
