package simulate_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/presign"
	"github.com/s3vet/s3vet/simulate"
)

// postForm sends a browser upload: the form's fields, then the file.
func postForm(t *testing.T, srv *simulate.Server, form *presign.Form, file string) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range form.Fields {
		mw.WriteField(f.Name, f.Value)
	}
	fw, err := mw.CreateFormFile("file", "upload.txt")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(file))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, form.URL, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// Presigned URLs and POST forms from package presign work against the
// simulator, and are authorized as their signer.
func TestPresign(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, testWorld(t))
	ctx := context.Background()
	do := func(p *presign.Presigned, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(p.Method, p.URL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, vs := range p.Header {
			for _, v := range vs {
				req.Header.Add(k, v)
			}
		}
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	root := presign.New(srv.Client(root1))
	put, err := root.PutObject(ctx, "reports", "eng/presigned.txt", presign.PutOptions{ContentType: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := do(put, "via a presigned PUT"); status != 200 {
		t.Fatalf("presigned PUT: %d %s", status, body)
	}
	get, err := presign.New(srv.Client(alice)).GetObject(ctx, "reports", "eng/presigned.txt", presign.GetOptions{Expires: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := do(get, ""); status != 200 || body != "via a presigned PUT" {
		t.Fatalf("presigned GET: %d %s", status, body)
	}
	denied, err := presign.New(srv.Client(alice)).GetObject(ctx, "reports", "hr/pay.csv", presign.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := do(denied, ""); status != 403 || !strings.Contains(body, "because no identity-based policy allows the s3:GetObject action") {
		t.Fatalf("presigned GET of hr/: %d %s", status, body)
	}

	form, err := root.PostObject(ctx, "reports", presign.NewPostPolicy().KeyPrefix("uploads/").ContentLengthRange(1, 100).Expires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range form.Fields {
		if f.Name == "key" {
			form.Fields[i].Value = "uploads/${filename}"
		}
	}
	if status, body := postForm(t, srv, form, "posted"); status != 204 {
		t.Fatalf("POST upload: %d %s", status, body)
	}
	if body, err := get2(ctx, srv, "uploads/upload.txt"); err != nil || body != "posted" {
		t.Fatalf("posted object: %q %v", body, err)
	}
	if status, body := postForm(t, srv, form, strings.Repeat("x", 101)); status != 400 || !strings.Contains(body, "EntityTooLarge") {
		t.Fatalf("POST over content-length-range: %d %s", status, body)
	}
	aliceForm, err := presign.New(srv.Client(alice)).PostObject(ctx, "reports", presign.NewPostPolicy().Key("eng/by-alice.txt").Expires(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if status, body := postForm(t, srv, aliceForm, "x"); status != 403 || !strings.Contains(body, "s3:PutObject") {
		t.Fatalf("POST by alice: %d %s", status, body)
	}
}

func get2(ctx context.Context, srv *simulate.Server, key string) (string, error) {
	return get(ctx, srv.Client(root1), "reports", key)
}
