package presign

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Every parser of the verifier is fuzzed: nothing panics on any input.

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
		"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
		"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
		"AWS4-ECDSA-P256-SHA256 Credential=a/b/c/d/aws4_request",
		"AWS4-HMAC-SHA256 Credential=,,,SignedHeaders==;;Signature",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f, Credential=x",
		"",
	} {
		f.Add(s)
	}
	v := &Verifier{
		Credentials: StaticCredentials{"AKIAIOSFODNN7EXAMPLE": {SecretAccessKey: "secret"}},
		Now:         func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) },
	}
	f.Fuzz(func(t *testing.T, h string) {
		a, err := parseAuthorization(h)
		if (a == nil) == (err == nil) {
			t.Fatalf("parseAuthorization(%q) = %v, %v", h, a, err)
		}
		if a != nil {
			if a.accessKey == "" || len(a.signedHeaders) == 0 || a.scope.date == "" || a.scope.region == "" || a.scope.service == "" {
				t.Fatalf("parseAuthorization(%q) accepted an incomplete header: %+v", h, a)
			}
			for _, s := range a.signedHeaders {
				if s != strings.ToLower(s) {
					t.Fatalf("signed header %q not lower case", s)
				}
			}
		}
		// The whole verifier on a request carrying the header.
		r, _ := http.NewRequest("GET", "http://examplebucket.s3.amazonaws.com/test.txt", nil)
		r.Header.Set("Authorization", h)
		r.Header.Set("X-Amz-Date", "20130524T000000Z")
		r.Header.Set("X-Amz-Content-Sha256", emptySHA256)
		if res, err := v.Verify(context.Background(), r); err == nil && !res.Anonymous && h != "" {
			t.Fatalf("Verify accepted %q", h)
		}
	})
}

func FuzzQueryAuth(f *testing.F) {
	for _, s := range []string{
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
		"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604801",
		"X-Amz-Expires=-1&X-Amz-Expires=99999999999999999999999",
		"AWSAccessKeyId=AKID&Signature=abc&Expires=1",
		"a=%zz&b=%&&c=+&d",
		"lifecycle",
	} {
		f.Add(s)
	}
	now := time.Date(2013, 5, 24, 1, 0, 0, 0, time.UTC)
	v := &Verifier{Credentials: StaticCredentials{"AKIAIOSFODNN7EXAMPLE": {SecretAccessKey: "secret"}}, Now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, raw string) {
		params := parseRawQuery(raw)
		_ = canonicalQuery(params, qSignature)
		v4, _ := queryAuthPresent(params)
		for _, s3 := range []bool{true, false} {
			a, err := parseQueryAuth(params, s3)
			if (a == nil) == (err == nil) {
				t.Fatalf("parseQueryAuth(%q) = %v, %v", raw, a, err)
			}
			if a != nil && (a.expires > maxExpires || a.expires < 0 && s3 || a.accessKey == "") {
				t.Fatalf("parseQueryAuth(%q) accepted %+v", raw, a)
			}
		}
		u := &url.URL{Scheme: "http", Host: "examplebucket.s3.amazonaws.com", Path: "/test.txt", RawQuery: raw}
		r := &http.Request{Method: "GET", URL: u, Host: u.Host, Header: http.Header{}, Body: http.NoBody}
		res, err := v.Verify(context.Background(), r)
		if err == nil && !res.Anonymous {
			t.Fatalf("Verify accepted %q", raw)
		}
		if err == nil && v4 {
			t.Fatalf("query authentication %q taken as anonymous", raw)
		}
	})
}

// FuzzCanonicalURI checks the canonical URI never panics and keeps only
// unreserved characters, '%' escapes and '/'.
func FuzzCanonicalURI(f *testing.F) {
	for _, s := range []string{"/", "/a b/../c", "//x//", "/%2F%zz", "/ሴ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, mode := range []uriMode{s3URIMode, {double: true, normalize: true}, {double: true}} {
			c := canonicalURI(p, mode)
			if strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~%/") != "" {
				t.Fatalf("canonicalURI(%q) = %q", p, c)
			}
		}
	})
}
