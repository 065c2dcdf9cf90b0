package presign_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
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

// postTestServer is an S3 stand-in for browser uploads: path-style, it runs
// VerifyPost for the bucket in the path, reads the file (which enforces
// content-length-range) and answers 204 with the key, or S3's status.
type postTestServer struct {
	*httptest.Server
	verifier *presign.Verifier
	got      chan *presign.PostResult
}

func newPostTestServer(t *testing.T) *postTestServer {
	s := &postTestServer{
		verifier: &presign.Verifier{
			Credentials: presign.StaticCredentials{signAccessKey: {AccessKeyID: signAccessKey, SecretAccessKey: signSecret, SessionToken: signToken}},
			Region:      "us-east-1",
			Now:         func() time.Time { return signNow.Add(time.Minute) },
		},
		got: make(chan *presign.PostResult, 1),
	}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket := strings.Trim(r.URL.Path, "/")
		res, err := s.verifier.VerifyPost(r.Context(), r, bucket)
		if err == nil {
			_, err = io.Copy(io.Discard, res.File)
		}
		var serr *presign.Error
		switch {
		case errors.As(err, &serr):
			http.Error(w, serr.Error(), serr.StatusCode)
			return
		case err != nil:
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		s.got <- res
		w.Header().Set("X-Key", res.Key)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.Close)
	return s
}

// presigner returns a Presigner for the server, over TLS like S3.
func (s *postTestServer) presigner() *presign.Presigner {
	return &presign.Presigner{Client: signClient(s.URL, signStatic(signToken)), Now: signFixedNow}
}

// submit posts form as a browser would: the fields in order, with
// change applied, then the file last.
func (s *postTestServer) submit(t *testing.T, form *presign.Form, change map[string]string, filename string, file []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	f := *form
	f.Fields = nil
	for _, fl := range form.Fields {
		if v, ok := change[fl.Name]; ok {
			fl.Value = v
		}
		f.Fields = append(f.Fields, fl)
	}
	if err := f.WriteFields(mw); err != nil {
		t.Fatal(err)
	}
	part, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(file)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, form.URL, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusNoContent {
		return resp.StatusCode, resp.Header.Get("X-Key")
	}
	return resp.StatusCode, string(msg)
}

// TestPostRoundTrip: a form from the builder, submitted as a real
// multipart/form-data POST, is accepted by VerifyPost; changing any bound
// field, the key outside its prefix, or the file's size is refused.
func TestPostRoundTrip(t *testing.T) {
	srv := newPostTestServer(t)
	png := []byte("\x89PNG\r\n\x1a\n not really")
	sum := sha256.Sum256(png)
	form, err := srv.presigner().PostObject(context.Background(), "photos", presign.NewPostPolicy().
		KeyPrefix("uploads/alice/").
		ContentLengthRange(1, 1024).
		ContentType("image/png").
		Encryption(presign.SSEKMS("alias/photos")).
		Metadata("uploader", `alice "the" \admin\ </script> é`).
		Tags(map[string]string{"project": "blue & <green>"}).
		Checksum(presign.Checksum{Algorithm: "SHA256", Value: base64.StdEncoding.EncodeToString(sum[:])}).
		ACL("bucket-owner-full-control").
		SuccessActionStatus(204))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(form.URL, "https://") {
		t.Fatalf("URL %s", form.URL)
	}

	code, key := srv.submit(t, form, nil, "cat.png", png)
	if code != http.StatusNoContent || key != "uploads/alice/cat.png" {
		t.Fatalf("as built: %d %s", code, key)
	}
	res := <-srv.got
	if res.Fields["content-type"] != "image/png" || res.Fields["x-amz-meta-uploader"] != `alice "the" \admin\ </script> é` || res.AuthType != presign.AuthTypePost {
		t.Errorf("verified fields %v", res.Fields)
	}
	if code, key := srv.submit(t, form, map[string]string{"key": "uploads/alice/renamed.png"}, "cat.png", png); code != http.StatusNoContent || key != "uploads/alice/renamed.png" {
		t.Errorf("another key under the prefix: %d %s", code, key)
	}
	<-srv.got

	for _, tc := range []struct {
		name   string
		change map[string]string
		file   []byte
		want   string // in S3's answer
	}{
		{"Content-Type changed", map[string]string{"Content-Type": "text/html"}, png, `"$Content-Type"`},
		{"key outside the prefix", map[string]string{"key": "uploads/bob/cat.png"}, png, `"$key"`},
		{"key prefix dropped", map[string]string{"key": "cat.png"}, png, `"$key"`},
		{"encryption key changed", map[string]string{"x-amz-server-side-encryption-aws-kms-key-id": "alias/other"}, png, "kms-key-id"},
		{"metadata changed", map[string]string{"x-amz-meta-uploader": "mallory"}, png, "x-amz-meta-uploader"},
		{"tags changed", map[string]string{"tagging": "<Tagging><TagSet></TagSet></Tagging>"}, png, `"$tagging"`},
		{"ACL made public", map[string]string{"acl": "public-read"}, png, `"$acl"`},
		{"policy swapped", map[string]string{"policy": base64.StdEncoding.EncodeToString([]byte(`{"expiration":"2030-01-01T00:00:00Z","conditions":[["starts-with","$key",""]]}`))}, png, "SignatureDoesNotMatch"},
		{"signature changed", map[string]string{"x-amz-signature": strings.Repeat("0", 64)}, png, "SignatureDoesNotMatch"},
		{"token dropped", map[string]string{"x-amz-security-token": ""}, png, "InvalidToken"},
		{"file too large", nil, bytes.Repeat([]byte("x"), 1025), "EntityTooLarge"},
		{"file empty", nil, nil, "EntityTooSmall"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, msg := srv.submit(t, form, tc.change, "cat.png", tc.file)
			if code < 400 || !strings.Contains(msg, tc.want) {
				t.Errorf("%d %s, want a refusal naming %s", code, msg, tc.want)
			}
		})
	}

	t.Run("expired", func(t *testing.T) {
		srv.verifier.Now = func() time.Time { return form.Expires.Add(time.Second) }
		defer func() { srv.verifier.Now = func() time.Time { return signNow.Add(time.Minute) } }()
		if code, msg := srv.submit(t, form, nil, "cat.png", png); code != http.StatusForbidden {
			t.Errorf("after expiry: %d %s", code, msg)
		}
	})
}

// TestPostRoundTripExactKey: an exact key with ${filename}, and a
// content-type prefix the browser fills in.
func TestPostRoundTripExactKey(t *testing.T) {
	srv := newPostTestServer(t)
	form, err := srv.presigner().PostObject(context.Background(), "docs", presign.NewPostPolicy().
		Key("reports/q1.pdf").
		ContentTypePrefix("application/").
		ContentDisposition(`attachment; filename="q1.pdf"`))
	if err != nil {
		t.Fatal(err)
	}
	if code, key := srv.submit(t, form, map[string]string{"Content-Type": "application/pdf"}, "q1.pdf", []byte("%PDF")); code != http.StatusNoContent || key != "reports/q1.pdf" {
		t.Fatalf("%d %s", code, key)
	}
	<-srv.got
	for name, change := range map[string]map[string]string{
		"other key":        {"key": "reports/q2.pdf"},
		"other type":       {"Content-Type": "text/html"},
		"disposition gone": {"Content-Disposition": "inline"},
	} {
		if code, msg := srv.submit(t, form, change, "q1.pdf", []byte("%PDF")); code < 400 {
			t.Errorf("%s: accepted: %d %s", name, code, msg)
		}
	}
}
