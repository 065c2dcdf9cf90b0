package presign

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The SigV4 test suite of aws-c-auth (testdata/aws-c-auth-v4/README.md):
// every signed request verifies, and the canonical request and string to
// sign the verifier computes are the suite's.

type goldenContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	Normalize bool   `json:"normalize"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	Timestamp string `json:"timestamp"`
}

func TestAWSCAuthSuite(t *testing.T) {
	dirs, err := filepath.Glob("testdata/aws-c-auth-v4/*")
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		var ctx goldenContext
		if err := json.Unmarshal(readGolden(t, dir, "context.json"), &ctx); err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, kind := range []string{"header", "query"} {
			raw := readGolden(t, dir, kind+"-signed-request.txt")
			if raw == nil {
				continue
			}
			ran++
			t.Run(filepath.Base(dir)+"/"+kind, func(t *testing.T) {
				t.Parallel()
				runGolden(t, dir, kind, ctx, string(raw))
			})
		}
	}
	if ran < 60 {
		t.Errorf("ran %d golden requests, want at least 60", ran)
	}
}

func runGolden(t *testing.T, dir, kind string, ctx goldenContext, raw string) {
	now, err := time.Parse(time.RFC3339, ctx.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	verifier := func(secret string) *Verifier {
		return &Verifier{
			Credentials: StaticCredentials{ctx.Credentials.AccessKeyID: {
				SecretAccessKey: secret, SessionToken: ctx.Credentials.Token,
			}},
			Region:      ctx.Region,
			Service:     ctx.Service,
			Now:         func() time.Time { return now },
			noNormalize: !ctx.Normalize,
		}
	}

	// With the wrong secret, SignatureDoesNotMatch carries the canonical
	// request and string to sign, which do not depend on the secret.
	_, err = verifier("not the secret").Verify(context.Background(), parseGoldenRequest(t, raw))
	var e *Error
	if !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" {
		t.Fatalf("with a wrong secret: %v", err)
	}
	if want := readGolden(t, dir, kind+"-canonical-request.txt"); want != nil && e.CanonicalRequest != string(want) {
		t.Errorf("canonical request:\n%s\nwant:\n%s", e.CanonicalRequest, want)
	}
	if want := readGolden(t, dir, kind+"-string-to-sign.txt"); want != nil && e.StringToSign != string(want) {
		t.Errorf("string to sign:\n%s\nwant:\n%s", e.StringToSign, want)
	}
	if want := readGolden(t, dir, kind+"-signature.txt"); want != nil && e.Detail("SignatureProvided") != string(want) {
		t.Errorf("signature sent %s, want %s", e.Detail("SignatureProvided"), want)
	}

	r := parseGoldenRequest(t, raw)
	res, err := verifier(ctx.Credentials.SecretAccessKey).Verify(context.Background(), r)
	if err != nil {
		t.Fatalf("Verify: %v\ncanonical request:\n%s\nstring to sign:\n%s", err, e.CanonicalRequest, e.StringToSign)
	}
	if _, err := io.ReadAll(r.Body); err != nil {
		t.Fatalf("body: %v", err)
	}
	wantType := AuthTypeHeader
	if kind == "query" {
		wantType = AuthTypeQuery
	}
	if res.AuthType != wantType || res.Region != ctx.Region || res.Service != ctx.Service || res.Anonymous {
		t.Errorf("result %+v", res)
	}
}

func readGolden(t *testing.T, dir, name string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parseGoldenRequest reads a request in the suite's format: a request
// line, headers (a line starting with white space is a further value of
// the header before), a blank line, the body.
func parseGoldenRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	br := bufio.NewReader(strings.NewReader(raw))
	line, _ := br.ReadString('\n')
	fields := strings.Fields(line)
	if len(fields) < 3 {
		t.Fatalf("request line %q", line)
	}
	method, target := fields[0], strings.Join(fields[1:len(fields)-1], " ")
	path, query, _ := strings.Cut(target, "?")
	u := &url.URL{RawQuery: query}
	if p, err := url.PathUnescape(path); err == nil {
		u.Path, u.RawPath = p, path
	} else {
		u.Path = path
	}
	r := &http.Request{Method: method, URL: u, Header: http.Header{}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	var last string
	for {
		line, err := br.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" || err != nil && line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			r.Header.Add(last, strings.TrimSpace(line))
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		last = name
		if strings.EqualFold(name, "Host") {
			r.Host = value
			continue
		}
		r.Header.Add(name, value)
	}
	body, _ := io.ReadAll(br)
	if cl := r.Header.Get("Content-Length"); cl != "" {
		n, _ := strconv.Atoi(cl)
		if n <= len(body) {
			body = body[:n]
		}
	}
	r.ContentLength = int64(len(body))
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	return r
}
