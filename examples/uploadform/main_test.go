package main

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/presign"
	"github.com/s3vet/s3vet/simulate"
)

// A browser's visit: get the page, then post the form with a file to the
// simulator, which checks the policy's signature and conditions as S3 does.
func TestUploadForm(t *testing.T) {
	w := &simulate.World{}
	acct := w.AddAccount("111122223333")
	signer := acct.AddUser("uploads", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::photos/uploads/*"}]}`)
	acct.AddBucket("photos")
	srv := simulate.NewTestServer(t, w)
	p := presign.New(srv.Client(signer.ARN()))
	p.AllowHTTP = true // the simulator serves plain HTTP here
	page := httptest.NewServer(newHandler(p, "photos"))
	defer page.Close()

	resp, err := http.Get(page.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("page: %s %v\n%s", resp.Status, resp.Header, body)
	}
	action := regexp.MustCompile(`<form action="([^"]+)"`).FindSubmatch(body)
	if action == nil || html.UnescapeString(string(action[1])) != srv.URL+"/photos" {
		t.Fatalf("form action %q, want %s/photos", action, srv.URL)
	}
	fields := regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllSubmatch(body, -1)

	post := func(file string) (*http.Response, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, f := range fields {
			mw.WriteField(html.UnescapeString(string(f[1])), html.UnescapeString(string(f[2])))
		}
		fw, _ := mw.CreateFormFile("file", "cat.txt")
		io.WriteString(fw, file)
		mw.Close()
		// As a browser would see it: the redirect is not followed here.
		client := srv.HTTPClient()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := client.Post(srv.URL+"/photos", mw.FormDataContentType(), &buf)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	// S3 sends the browser back to the page, which says what was stored.
	resp, b := post("meow")
	loc, err := resp.Location()
	if resp.StatusCode != http.StatusSeeOther || err != nil || !strings.HasPrefix(loc.String(), page.URL+"/done?") {
		t.Fatalf("upload: %s (Location %v)\n%s", resp.Status, loc, b)
	}
	done, err := http.Get(loc.String())
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(done.Body)
	done.Body.Close()
	if !strings.Contains(string(b2), "Uploaded uploads/guest/cat.txt to photos") {
		t.Fatalf("the page after the upload: %s", b2)
	}
	out, err := srv.Client(acct.ARN()).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("photos"), Key: aws.String("uploads/guest/cat.txt")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(got) != "meow" {
		t.Errorf("stored %q", got)
	}
	// The policy's content-length-range holds.
	if resp, b := post(strings.Repeat("x", maxUpload+1)); resp.StatusCode != http.StatusBadRequest || !strings.Contains(b, "<Code>EntityTooLarge</Code>") {
		t.Errorf("upload over the limit: %s, want 400 EntityTooLarge\n%s", resp.Status, b)
	}
}
