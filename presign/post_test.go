package presign_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/s3vet/s3vet/presign"
)

// postPolicyDoc is a decoded POST policy.
type postPolicyDoc struct {
	Expiration string `json:"expiration"`
	Conditions []any  `json:"conditions"`
}

// postCheckForm decodes form's policy and checks what S3 checks of a form
// submitted as is ("Creating a POST policy", S3 API Reference): every
// condition is met by a field, every field but policy and x-amz-signature
// is covered by a condition, and the signature is the HMAC chain over the
// base64 policy (recomputed here independently of the package).
func postCheckForm(t testing.TB, form *presign.Form, bucket, secret string) postPolicyDoc {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(form.Policy)
	if err != nil {
		t.Fatalf("policy is not base64: %v", err)
	}
	if !json.Valid(raw) {
		t.Fatalf("policy is not JSON: %s", raw)
	}
	var doc postPolicyDoc
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("policy: %v", err)
	}
	if form.Get("policy") != form.Policy {
		t.Error("the policy field is not Form.Policy")
	}
	if exp, err := time.Parse(time.RFC3339, doc.Expiration); err != nil || !exp.Equal(form.Expires) {
		t.Errorf("expiration %q, Form.Expires %v", doc.Expiration, form.Expires)
	}
	fields := map[string]string{}
	for i, f := range form.Fields {
		n := strings.ToLower(f.Name)
		if _, dup := fields[n]; dup {
			t.Errorf("field %s twice", f.Name)
		}
		fields[n] = f.Value
		if n == "file" {
			t.Error("a field named file")
		}
		if i == 0 && n != "key" {
			t.Errorf("first field is %s, not key", f.Name)
		}
	}
	covered := map[string]bool{"policy": true, "x-amz-signature": true}
	for _, c := range doc.Conditions {
		switch c := c.(type) {
		case map[string]any:
			if len(c) != 1 {
				t.Errorf("condition %v has %d entries", c, len(c))
			}
			for k, v := range c {
				n := strings.ToLower(k)
				if n == "bucket" {
					if v != bucket {
						t.Errorf("bucket condition %v", v)
					}
					continue
				}
				got, ok := fields[n]
				if !ok || got != v {
					t.Errorf("condition {%q: %q} has field %q (present %v)", k, v, got, ok)
				}
				covered[n] = true
			}
		case []any:
			if len(c) != 3 {
				t.Errorf("condition %v", c)
				continue
			}
			switch c[0] {
			case "starts-with":
				name, _ := c[1].(string)
				prefix, _ := c[2].(string)
				n := strings.ToLower(strings.TrimPrefix(name, "$"))
				got, ok := fields[n]
				if !strings.HasPrefix(name, "$") || !ok || !strings.HasPrefix(got, prefix) {
					t.Errorf("condition %v has field %q (present %v)", c, got, ok)
				}
				covered[n] = true
			case "content-length-range":
			default:
				t.Errorf("condition %v", c)
			}
		default:
			t.Errorf("condition %v of type %T", c, c)
		}
	}
	for n := range fields {
		if !covered[n] {
			t.Errorf("field %s is in no condition: S3 refuses the form", n)
		}
	}
	cred := strings.Split(fields["x-amz-credential"], "/")
	if len(cred) != 5 || fields["x-amz-algorithm"] != "AWS4-HMAC-SHA256" {
		t.Fatalf("credential %q algorithm %q", fields["x-amz-credential"], fields["x-amz-algorithm"])
	}
	k := []byte("AWS4" + secret)
	for _, s := range append(cred[1:], form.Policy) {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(s))
		k = m.Sum(nil)
	}
	if fields["x-amz-signature"] != hex.EncodeToString(k) {
		t.Error("x-amz-signature does not match the policy")
	}
	return doc
}

func TestPostForm(t *testing.T) {
	p := signPresigner(signToken)
	pol := presign.NewPostPolicy().
		KeyPrefix("uploads/user-42/").
		ContentLengthRange(1, 10<<20).
		ContentTypePrefix("image/").
		Encryption(presign.SSEKMS("alias/uploads")).
		SuccessActionStatus(201).
		Metadata("Uploader", "user-42").
		Checksum(presign.Checksum{Algorithm: "SHA256", Value: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}).
		Tags(map[string]string{"b": "2", "a": "1 & <2>"}).
		ACL("bucket-owner-full-control").
		ContentDisposition("attachment").
		CacheControl("max-age=60")
	form, err := p.PostObject(context.Background(), "bucket", pol)
	if err != nil {
		t.Fatal(err)
	}
	if form.URL != "https://127.0.0.1:9000/bucket" {
		t.Errorf("URL = %s", form.URL)
	}
	doc := postCheckForm(t, form, "bucket", signSecret)
	var names []string
	for _, f := range form.Fields {
		names = append(names, f.Name)
	}
	want := "key Content-Type x-amz-server-side-encryption x-amz-server-side-encryption-aws-kms-key-id success_action_status " +
		"x-amz-meta-uploader x-amz-checksum-algorithm x-amz-checksum-sha256 tagging acl Content-Disposition Cache-Control " +
		"x-amz-algorithm x-amz-credential x-amz-date x-amz-security-token policy x-amz-signature"
	if strings.Join(names, " ") != want {
		t.Errorf("fields\n%s\nwant\n%s", strings.Join(names, " "), want)
	}
	for name, v := range map[string]string{
		"key":                  "uploads/user-42/${filename}",
		"tagging":              "<Tagging><TagSet><Tag><Key>a</Key><Value>1 &amp; &lt;2&gt;</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>",
		"x-amz-credential":     "AKIDEXAMPLE/20260314/us-east-1/s3/aws4_request",
		"x-amz-date":           "20260314T150926Z",
		"x-amz-security-token": signToken,
	} {
		if got := form.Get(name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
	if doc.Expiration != "2026-03-14T15:24:26.000Z" || form.Requested != presign.DefaultExpiry || form.Capped {
		t.Errorf("expiration %s, requested %v, capped %v", doc.Expiration, form.Requested, form.Capped)
	}
	policy, _ := base64.StdEncoding.DecodeString(form.Policy)
	for _, c := range []string{`["starts-with","$key","uploads/user-42/"]`, `["content-length-range",1,10485760]`, `["starts-with","$Content-Type","image/"]`, `{"bucket":"bucket"}`} {
		if !strings.Contains(string(policy), c) {
			t.Errorf("policy lacks %s: %s", c, policy)
		}
	}
	if strings.Contains(string(policy), `{"key":`) {
		t.Errorf("exact key condition beside the prefix: %s", policy)
	}
}

func TestPostExactKeyAndRedirect(t *testing.T) {
	p := signPresigner("")
	form, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().
		Key("reports/2026.pdf").
		ContentType("application/pdf").
		Encryption(presign.SSES3()).
		SuccessActionRedirect("https://example.com/done?x=1").
		Expires(30*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	postCheckForm(t, form, "bucket", signSecret)
	if form.Get("key") != "reports/2026.pdf" || form.Get("Content-Type") != "application/pdf" ||
		form.Get("x-amz-security-token") != "" || form.Get("success_action_redirect") != "https://example.com/done?x=1" {
		t.Errorf("fields %v", form.Fields)
	}
	if want := signNow.Truncate(time.Second).Add(30 * time.Minute); !form.Expires.Equal(want) {
		t.Errorf("Expires %v, want %v", form.Expires, want)
	}
}

func TestPostVirtualHosted(t *testing.T) {
	client := s3.New(s3.Options{Region: "eu-west-1", Credentials: signStatic("")})
	p := &presign.Presigner{Client: client, Now: signFixedNow}
	form, err := p.PostObject(context.Background(), "my-bucket", presign.NewPostPolicy().Key("k"))
	if err != nil {
		t.Fatal(err)
	}
	if form.URL != "https://my-bucket.s3.eu-west-1.amazonaws.com/" || form.Get("x-amz-credential") != "AKIDEXAMPLE/20260314/eu-west-1/s3/aws4_request" {
		t.Errorf("URL %s credential %s", form.URL, form.Get("x-amz-credential"))
	}
	postCheckForm(t, form, "my-bucket", signSecret)
}

func TestPostCappedByCredentials(t *testing.T) {
	credsExp := signNow.Add(10 * time.Minute)
	p := &presign.Presigner{Client: signClient("https://127.0.0.1:9000", signTemp(credsExp)), Now: signFixedNow}
	form, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().Key("k").Expires(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	doc := postCheckForm(t, form, "bucket", signSecret)
	if !form.Capped || form.CappedBy != presign.CappedByCredentials || doc.Expiration != "2026-03-14T15:19:26.000Z" {
		t.Errorf("capped %v by %q, expiration %s", form.Capped, form.CappedBy, doc.Expiration)
	}
	if _, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().Key("k").Expires(2*time.Hour)); !errors.Is(err, presign.ErrExpiryTooLong) {
		t.Errorf("2h: err = %v", err)
	}
}

// TestPostEscaping: values with quotes, backslashes, unicode and HTML are
// escaped in the policy JSON (and come back unchanged from it) and in the
// HTML form.
func TestPostEscaping(t *testing.T) {
	tricky := []string{
		`"quoted" \back\slash`,
		`</script><script>alert(1)</script>`,
		"unicode: é ü 日本 🙂 \u2028",
		`{"key":"x"}, ["starts-with","$key",""]`,
		`' onmouseover='x`,
	}
	p := signPresigner("")
	for _, v := range tricky {
		form, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().
			KeyPrefix("in/"+v+"/").
			Metadata("note", v).
			ContentDisposition(v).
			Tags(map[string]string{"t": v}))
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		postCheckForm(t, form, "bucket", signSecret)
		if form.Get("x-amz-meta-note") != v || form.Get("Content-Disposition") != v {
			t.Errorf("%q: fields %v", v, form.Fields)
		}
		var out bytes.Buffer
		if err := form.HTML(&out); err != nil {
			t.Fatal(err)
		}
		postCheckHTML(t, out.String(), form)
	}
}

var postInputRE = regexp.MustCompile(`<input type="(\w+)" name="([^"]*)"(?: value="([^"]*)")?(?: id="[^"]*")?(?: accept="[^"]*")?>`)

// postCheckHTML checks that the form element carries every field, escaped so
// that it unescapes to the value, and the file input last.
func postCheckHTML(t *testing.T, out string, form *presign.Form) {
	t.Helper()
	if strings.Contains(out, "<script") || strings.Contains(out, "</script") {
		t.Errorf("unescaped HTML: %s", out)
	}
	inputs := postInputRE.FindAllStringSubmatch(out, -1)
	if len(inputs) != len(form.Fields)+1 {
		t.Fatalf("%d inputs for %d fields: %s", len(inputs), len(form.Fields), out)
	}
	for i, f := range form.Fields {
		in := inputs[i]
		if in[1] != "hidden" || html.UnescapeString(in[2]) != f.Name || html.UnescapeString(in[3]) != f.Value {
			t.Errorf("input %d = %q, want %s=%q", i, in[0], f.Name, f.Value)
		}
	}
	if file := inputs[len(form.Fields)]; file[1] != "file" || file[2] != "file" {
		t.Errorf("file input is not after the fields: %s", out)
	}
	if !strings.HasPrefix(out, `<form action="`+form.URL+`" method="post" enctype="multipart/form-data">`) {
		t.Errorf("form element: %s", out)
	}
}

func TestPostRefuses(t *testing.T) {
	ctx := context.Background()
	p := signPresigner("")
	for _, tc := range []struct {
		name string
		pol  *presign.PostPolicy
		want error
	}{
		{"public-read", presign.NewPostPolicy().Key("k").ACL("public-read"), presign.ErrPublicACL},
		{"public-read-write", presign.NewPostPolicy().Key("k").ACL("public-read-write"), presign.ErrPublicACL},
		{"authenticated-read", presign.NewPostPolicy().Key("k").ACL("authenticated-read"), presign.ErrPublicACL},
		{"no key", presign.NewPostPolicy().ContentType("text/plain"), errSignAny},
		{"key twice", presign.NewPostPolicy().Key("a").Key("b"), errSignAny},
		{"key and prefix", presign.NewPostPolicy().Key("a").KeyPrefix("b/"), errSignAny},
		{"empty prefix", presign.NewPostPolicy().KeyPrefix(""), errSignAny},
		{"type and type prefix", presign.NewPostPolicy().Key("k").ContentType("a/b").ContentTypePrefix("a/"), errSignAny},
		{"status and redirect", presign.NewPostPolicy().Key("k").SuccessActionStatus(201).SuccessActionRedirect("https://x/"), errSignAny},
		{"status 302", presign.NewPostPolicy().Key("k").SuccessActionStatus(302), errSignAny},
		{"relative redirect", presign.NewPostPolicy().Key("k").SuccessActionRedirect("/done"), errSignAny},
		{"javascript redirect", presign.NewPostPolicy().Key("k").SuccessActionRedirect("javascript:alert(1)"), errSignAny},
		{"http redirect", presign.NewPostPolicy().Key("k").SuccessActionRedirect("http://example.com/"), presign.ErrInsecureEndpoint},
		{"SSE-C", presign.NewPostPolicy().Key("k").Encryption(presign.SSEC(presign.SSECustomerKey(make([]byte, 32)))), errSignAny},
		{"no encryption", presign.NewPostPolicy().Key("k").Encryption(presign.Encryption{}), errSignAny},
		{"range", presign.NewPostPolicy().Key("k").ContentLengthRange(10, 1), errSignAny},
		{"range beyond 5GB", presign.NewPostPolicy().Key("k").ContentLengthRange(0, 6<<30), errSignAny},
		{"newline", presign.NewPostPolicy().Key("k").Metadata("a", "b\nc"), errSignAny},
		{"invalid UTF-8", presign.NewPostPolicy().Key("k\xff"), errSignAny},
		{"metadata twice", presign.NewPostPolicy().Key("k").Metadata("a", "1").Metadata("A", "2"), errSignAny},
		{"bad checksum", presign.NewPostPolicy().Key("k").Checksum(presign.Checksum{Algorithm: "SHA1", Value: "AAAA"}), errSignAny},
		{"negative expiry", presign.NewPostPolicy().Key("k").Expires(-time.Second), errSignAny},
		{"nil", nil, errSignAny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.PostObject(ctx, "bucket", tc.pol)
			if err == nil || (tc.want != errSignAny && !errors.Is(err, tc.want)) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	pol := presign.NewPostPolicy().ACL("public-read").Key("k")
	if !errors.Is(pol.Err(), presign.ErrPublicACL) {
		t.Errorf("Err() = %v: the first mistake is kept", pol.Err())
	}
	if _, err := p.PostObject(ctx, "", presign.NewPostPolicy().Key("k")); err == nil {
		t.Error("empty bucket: signed")
	}
	p.AllowHTTP = true
	if _, err := p.PostObject(ctx, "bucket", presign.NewPostPolicy().Key("k").SuccessActionRedirect("http://localhost/")); err != nil {
		t.Errorf("http redirect with AllowHTTP: %v", err)
	}
}

func TestPostNoCredentials(t *testing.T) {
	p := &presign.Presigner{Client: signClient("https://127.0.0.1:9000", aws.AnonymousCredentials{})}
	if _, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().Key("k")); err == nil {
		t.Error("anonymous: signed")
	}
	p.Client = signClient("https://127.0.0.1:9000", credentials.NewStaticCredentialsProvider("", "", ""))
	if _, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().Key("k")); !errors.Is(err, presign.ErrNoSigningCredentials) {
		t.Errorf("empty credentials: %v", err)
	}
}

// The form's file input has a label, and an accept attribute when the
// policy names the Content-Type (HTML Living Standard, "the accept
// attribute": a MIME type, or "type/*").
func TestPostFormHTMLAccept(t *testing.T) {
	for _, tt := range []struct {
		policy *presign.PostPolicy
		accept string
	}{
		{presign.NewPostPolicy().Key("a"), ""},
		{presign.NewPostPolicy().Key("a").ContentType("image/png"), ` accept="image/png"`},
		{presign.NewPostPolicy().Key("a").ContentTypePrefix("image/"), ` accept="image/*"`},
		{presign.NewPostPolicy().Key("a").ContentTypePrefix("image/p"), ""},
	} {
		form, err := signPresigner("").PostObject(context.Background(), "bucket", tt.policy)
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := form.HTML(&out); err != nil {
			t.Fatal(err)
		}
		want := `<label for="s3vet-upload-file">File</label>` + "\n" + `  <input type="file" name="file" id="s3vet-upload-file"` + tt.accept + `>`
		if !strings.Contains(out.String(), want) {
			t.Errorf("Content-Type %q: the file input is not\n%s\nin\n%s", form.Get("Content-Type"), want, out.String())
		}
		postCheckHTML(t, out.String(), form)
	}
}
