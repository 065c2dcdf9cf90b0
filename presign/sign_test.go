package presign_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"
	"github.com/s3vet/s3vet/presign"
)

const (
	signAccessKey = "AKIDEXAMPLE"
	signSecret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	signToken     = "session-token-SECRET"
)

// signNow is the clock of the tests: not on a whole second, to check the
// truncation of the signing time.
var signNow = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.UTC)

func signFixedNow() time.Time { return signNow }

// signClient is an S3 client for a local endpoint; presigning makes no
// request.
func signClient(endpoint string, prov aws.CredentialsProvider, optFns ...func(*s3.Options)) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  prov,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
	}, optFns...)
}

func signStatic(token string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(signAccessKey, signSecret, token)
}

// signTemp returns temporary credentials expiring at exp.
func signTemp(exp time.Time) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{
			AccessKeyID: signAccessKey, SecretAccessKey: signSecret, SessionToken: signToken,
			CanExpire: true, Expires: exp, Source: "test",
		}, nil
	})
}

func signPresigner(token string) *presign.Presigner {
	return &presign.Presigner{Client: signClient("https://127.0.0.1:9000", signStatic(token)), Now: signFixedNow}
}

func signQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func signSignedHeaders(t *testing.T, raw string) []string {
	t.Helper()
	return strings.Split(signQuery(t, raw).Get("X-Amz-SignedHeaders"), ";")
}

func TestDefaultExpiry(t *testing.T) {
	p := signPresigner("")
	got, err := p.GetObject(context.Background(), "bucket", "a/b c.txt", presign.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := signQuery(t, got.URL)
	signTime := signNow.Truncate(time.Second)
	if q.Get("X-Amz-Expires") != "900" || q.Get("X-Amz-Date") != signTime.Format("20060102T150405Z") {
		t.Errorf("X-Amz-Expires %s, X-Amz-Date %s", q.Get("X-Amz-Expires"), q.Get("X-Amz-Date"))
	}
	if !got.Expires.Equal(signTime.Add(presign.DefaultExpiry)) || got.Requested != presign.DefaultExpiry || got.Capped {
		t.Errorf("Expires %v Requested %v Capped %v", got.Expires, got.Requested, got.Capped)
	}
	if got.Method != http.MethodGet || !strings.HasPrefix(got.URL, "https://127.0.0.1:9000/bucket/a/b%20c.txt?") {
		t.Errorf("%s %s", got.Method, got.URL)
	}
	if q.Has("X-Amz-Security-Token") {
		t.Error("security token without a session")
	}
}

// TestExpiryPolicy: the default, the maximum, SigV4's seven days
// ("Authenticating Requests: Using Query Parameters (AWS Signature Version
// 4)": X-Amz-Expires at most 604800) and rounding to whole seconds.
func TestExpiryPolicy(t *testing.T) {
	for _, tc := range []struct {
		name          string
		def, max, req time.Duration
		want          int64 // X-Amz-Expires; 0: error
		wantErr       error
	}{
		{name: "default", want: 900},
		{name: "own default", def: 5 * time.Minute, want: 300},
		{name: "requested", req: 30 * time.Minute, want: 1800},
		{name: "rounded down", req: 90*time.Second + 500*time.Millisecond, want: 90},
		{name: "at default max", req: time.Hour, want: 3600},
		{name: "beyond default max", req: time.Hour + time.Second, wantErr: presign.ErrExpiryTooLong},
		{name: "seven days", max: presign.SigV4MaxExpiry, req: presign.SigV4MaxExpiry, want: 604800},
		{name: "beyond seven days", max: presign.SigV4MaxExpiry, req: presign.SigV4MaxExpiry + time.Second, wantErr: presign.ErrExpiryTooLong},
		{name: "max beyond seven days", max: 8 * 24 * time.Hour, req: time.Minute, wantErr: presign.ErrExpiryTooLong},
		{name: "default beyond max", def: 2 * time.Hour, wantErr: presign.ErrExpiryTooLong},
		{name: "under a second", req: 999 * time.Millisecond, wantErr: errSignAny},
		{name: "negative", req: -time.Minute, wantErr: errSignAny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := signPresigner("")
			p.DefaultExpiry, p.MaxExpiry = tc.def, tc.max
			got, err := p.GetObject(context.Background(), "bucket", "key", presign.GetOptions{Expires: tc.req})
			if tc.wantErr != nil {
				if err == nil || (tc.wantErr != errSignAny && !errors.Is(err, tc.wantErr)) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q := signQuery(t, got.URL).Get("X-Amz-Expires"); q != strconv.FormatInt(tc.want, 10) {
				t.Errorf("X-Amz-Expires = %s, want %d", q, tc.want)
			}
			if want := signNow.Truncate(time.Second).Add(time.Duration(tc.want) * time.Second); !got.Expires.Equal(want) {
				t.Errorf("Expires = %v, want %v", got.Expires, want)
			}
		})
	}
}

// errSignAny stands for "some error" in tables.
var errSignAny = errors.New("any error")

// TestCappedByCredentials: a URL signed with temporary credentials stops
// working when they expire, so the expiry is capped there, and says so.
func TestCappedByCredentials(t *testing.T) {
	ctx := context.Background()
	credsExp := signNow.Add(10 * time.Minute)
	p := &presign.Presigner{Client: signClient("https://127.0.0.1:9000", signTemp(credsExp)), Now: signFixedNow}

	got, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{Expires: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	q := signQuery(t, got.URL)
	// From the signing time, 15:09:26, to 15:19:26.535: 600 whole seconds.
	if q.Get("X-Amz-Expires") != "600" || !got.Capped || got.CappedBy != presign.CappedByCredentials || got.Requested != time.Hour {
		t.Errorf("X-Amz-Expires %s Capped %v CappedBy %q Requested %v", q.Get("X-Amz-Expires"), got.Capped, got.CappedBy, got.Requested)
	}
	if got.Expires.After(credsExp) || credsExp.Sub(got.Expires) >= time.Second {
		t.Errorf("Expires %v, credentials expire %v", got.Expires, credsExp)
	}
	if q.Get("X-Amz-Security-Token") != signToken {
		t.Error("no session token in the URL")
	}

	got, err = p.GetObject(ctx, "bucket", "key", presign.GetOptions{Expires: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got.Capped || signQuery(t, got.URL).Get("X-Amz-Expires") != "300" {
		t.Errorf("capped a request within the credentials' lifetime: %v", got)
	}

	for _, exp := range []time.Time{signNow, signNow.Add(-time.Hour), signNow.Add(400 * time.Millisecond)} {
		p.Client = signClient("https://127.0.0.1:9000", signTemp(exp))
		if _, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{}); !errors.Is(err, presign.ErrExpiryBeyondCredentials) {
			t.Errorf("credentials expiring at %v: err = %v", exp, err)
		}
		if _, err := p.PostObject(ctx, "bucket", presign.NewPostPolicy().Key("k")); !errors.Is(err, presign.ErrExpiryBeyondCredentials) {
			t.Errorf("POST, credentials expiring at %v: err = %v", exp, err)
		}
	}
}

func TestRefusesPlainHTTP(t *testing.T) {
	ctx := context.Background()
	p := &presign.Presigner{Client: signClient("http://127.0.0.1:9000", signStatic("")), Now: signFixedNow}
	if _, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{}); !errors.Is(err, presign.ErrInsecureEndpoint) {
		t.Errorf("GET over http: err = %v", err)
	}
	if _, err := p.PostObject(ctx, "bucket", presign.NewPostPolicy().Key("k")); !errors.Is(err, presign.ErrInsecureEndpoint) {
		t.Errorf("POST over http: err = %v", err)
	} else if strings.Contains(err.Error(), "X-Amz") {
		t.Errorf("error echoes the signed URL: %v", err)
	}
	p.AllowHTTP = true
	got, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{})
	if err != nil || !strings.HasPrefix(got.URL, "http://") {
		t.Errorf("AllowHTTP: %v, %v", got, err)
	}
}

func TestNoSigningCredentials(t *testing.T) {
	ctx := context.Background()
	for name, prov := range map[string]aws.CredentialsProvider{
		"nil":       nil,
		"anonymous": aws.AnonymousCredentials{},
		"empty":     credentials.NewStaticCredentialsProvider("", "", ""),
	} {
		p := &presign.Presigner{Client: signClient("https://127.0.0.1:9000", prov)}
		if _, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{}); err == nil {
			t.Errorf("%s credentials: signed", name)
		}
	}
	if _, err := (&presign.Presigner{}).GetObject(ctx, "bucket", "key", presign.GetOptions{}); err == nil {
		t.Error("no client: signed")
	}
}

// TestPutBindsHeaders: every PutOptions field is signed (a header in
// X-Amz-SignedHeaders, or a query parameter), and Header lists what the
// holder must send.
func TestPutBindsHeaders(t *testing.T) {
	p := signPresigner(signToken)
	keyMD5 := presign.SSECustomerKey(bytes.Repeat([]byte{7}, 32))
	for _, tc := range []struct {
		name string
		opt  presign.PutOptions
		want http.Header
	}{
		{"everything", presign.PutOptions{
			ContentType:        "image/png",
			ContentLength:      1234,
			ContentMD5:         "1B2M2Y8AsgTpgAmY7PhCfg==",
			Checksum:           presign.Checksum{Algorithm: "SHA256", Value: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
			Encryption:         presign.SSEKMS("arn:aws:kms:us-east-1:111122223333:key/abc"),
			ACL:                "bucket-owner-full-control",
			Tags:               map[string]string{"project": "blue sky", "team": "a&b"},
			Metadata:           map[string]string{"owner": "alice"},
			CacheControl:       "no-store",
			ContentDisposition: `attachment; filename="x.png"`,
			StorageClass:       "STANDARD_IA",
			IfNoneMatch:        "*",
		}, http.Header{
			"Content-Type":                                {"image/png"},
			"Content-Length":                              {"1234"},
			"Content-Md5":                                 {"1B2M2Y8AsgTpgAmY7PhCfg=="},
			"X-Amz-Checksum-Sha256":                       {"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
			"X-Amz-Server-Side-Encryption":                {"aws:kms"},
			"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": {"arn:aws:kms:us-east-1:111122223333:key/abc"},
			"X-Amz-Acl":                                   {"bucket-owner-full-control"},
			"X-Amz-Tagging":                               {"project=blue+sky&team=a%26b"},
			"X-Amz-Meta-Owner":                            {"alice"},
			"Cache-Control":                               {"no-store"},
			"Content-Disposition":                         {`attachment; filename="x.png"`},
			"X-Amz-Storage-Class":                         {"STANDARD_IA"},
			"If-None-Match":                               {"*"},
		}},
		{"SSE-S3 and CRC32", presign.PutOptions{
			Encryption: presign.SSES3(),
			Checksum:   presign.Checksum{Algorithm: "CRC32", Value: "AAAAAA=="},
		}, http.Header{
			"X-Amz-Server-Side-Encryption": {"AES256"},
			"X-Amz-Checksum-Crc32":         {"AAAAAA=="},
		}},
		{"SSE-C", presign.PutOptions{Encryption: presign.SSEC(keyMD5)}, http.Header{
			"X-Amz-Server-Side-Encryption-Customer-Algorithm": {"AES256"},
			"X-Amz-Server-Side-Encryption-Customer-Key-Md5":   {keyMD5},
		}},
		{"nothing", presign.PutOptions{}, http.Header{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.PutObject(context.Background(), "bucket", "key", tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got.Method != http.MethodPut {
				t.Errorf("Method = %s", got.Method)
			}
			if fmt.Sprint(got.Header) != fmt.Sprint(tc.want) {
				t.Errorf("Header = %v\nwant     %v", got.Header, tc.want)
			}
			sh := signSignedHeaders(t, got.URL)
			for name := range tc.want {
				if !slices.Contains(sh, strings.ToLower(name)) {
					t.Errorf("%s is not in X-Amz-SignedHeaders %v", name, sh)
				}
			}
			if !slices.Contains(sh, "host") || len(sh) != len(tc.want)+1 {
				t.Errorf("X-Amz-SignedHeaders = %v", sh)
			}
			signCheckTamper(t, got, signStatic(signToken))
		})
	}
}

func TestPutRefuses(t *testing.T) {
	p := signPresigner("")
	for _, tc := range []struct {
		name string
		opt  presign.PutOptions
		want error
	}{
		{"public-read", presign.PutOptions{ACL: "public-read"}, presign.ErrPublicACL},
		{"public-read-write", presign.PutOptions{ACL: "public-read-write"}, presign.ErrPublicACL},
		{"authenticated-read", presign.PutOptions{ACL: "authenticated-read"}, presign.ErrPublicACL},
		{"unknown ACL", presign.PutOptions{ACL: "everyone"}, errSignAny},
		{"bad MD5", presign.PutOptions{ContentMD5: "abc"}, errSignAny},
		{"bad checksum length", presign.PutOptions{Checksum: presign.Checksum{Algorithm: "SHA256", Value: "AAAAAA=="}}, errSignAny},
		{"unknown checksum", presign.PutOptions{Checksum: presign.Checksum{Algorithm: "MD4", Value: "AAAAAA=="}}, errSignAny},
		{"SSE-C and SSE-S3", presign.PutOptions{Encryption: presign.Encryption{Algorithm: "AES256", CustomerKeyMD5: "1B2M2Y8AsgTpgAmY7PhCfg=="}}, errSignAny},
		{"KMS key with SSE-S3", presign.PutOptions{Encryption: presign.Encryption{Algorithm: "AES256", KMSKeyID: "k"}}, errSignAny},
		{"unknown SSE", presign.PutOptions{Encryption: presign.Encryption{Algorithm: "rot13"}}, errSignAny},
		{"eleven tags", presign.PutOptions{Tags: map[string]string{"1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": "", "10": "", "11": ""}}, errSignAny},
		{"metadata name", presign.PutOptions{Metadata: map[string]string{"a b": "c"}}, errSignAny},
		{"metadata newline", presign.PutOptions{Metadata: map[string]string{"a": "b\r\nx-amz-acl: public-read"}}, errSignAny},
		{"metadata too big", presign.PutOptions{Metadata: map[string]string{"a": strings.Repeat("x", 2048)}}, errSignAny},
		{"If-None-Match etag", presign.PutOptions{IfNoneMatch: `"abc"`}, errSignAny},
		{"storage class", presign.PutOptions{StorageClass: "CHEAP"}, errSignAny},
		{"negative length", presign.PutOptions{ContentLength: -1}, errSignAny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.PutObject(context.Background(), "bucket", "key", tc.opt)
			if err == nil || (tc.want != errSignAny && !errors.Is(err, tc.want)) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := p.PutObject(context.Background(), "", "key", presign.PutOptions{}); err == nil {
		t.Error("empty bucket: signed")
	}
	if _, err := p.PutObject(context.Background(), "bucket", "", presign.PutOptions{}); err == nil {
		t.Error("empty key: signed")
	}
}

func TestGetHeadDelete(t *testing.T) {
	ctx := context.Background()
	p := signPresigner("")
	keyMD5 := presign.SSECustomerKey(make([]byte, 32))
	opt := presign.GetOptions{
		VersionID: "v1", Range: "bytes=0-99", IfMatch: `"etag"`,
		ResponseContentDisposition: `attachment; filename="r.pdf"`, ResponseContentType: "application/pdf",
		SSECustomerKeyMD5: keyMD5, ExpectedBucketOwner: "111122223333",
	}
	wantHeader := http.Header{
		"Range": {"bytes=0-99"}, "If-Match": {`"etag"`},
		"X-Amz-Server-Side-Encryption-Customer-Algorithm": {"AES256"},
		"X-Amz-Server-Side-Encryption-Customer-Key-Md5":   {keyMD5},
	}
	for _, m := range []string{http.MethodGet, http.MethodHead} {
		sign := p.GetObject
		if m == http.MethodHead {
			sign = p.HeadObject
		}
		got, err := sign(ctx, "bucket", "key", opt)
		if err != nil {
			t.Fatal(err)
		}
		q := signQuery(t, got.URL)
		if got.Method != m || fmt.Sprint(got.Header) != fmt.Sprint(wantHeader) {
			t.Errorf("%s: %s %v", m, got.Method, got.Header)
		}
		if q.Get("versionId") != "v1" || q.Get("response-content-disposition") != opt.ResponseContentDisposition ||
			q.Get("response-content-type") != "application/pdf" || q.Get("x-amz-expected-bucket-owner") != "111122223333" {
			t.Errorf("%s: query %v", m, q)
		}
		signCheckTamper(t, got, signStatic(""))
	}

	got, err := p.DeleteObject(ctx, "bucket", "key", presign.DeleteOptions{VersionID: "v2", IfMatch: `"e"`})
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != http.MethodDelete || signQuery(t, got.URL).Get("versionId") != "v2" || got.Header.Get("If-Match") != `"e"` {
		t.Errorf("DELETE: %s %s %v", got.Method, got.URL, got.Header)
	}
	if _, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{SSECustomerKeyMD5: "not md5"}); err == nil {
		t.Error("bad SSE-C key MD5: signed")
	}
}

func TestUploadPart(t *testing.T) {
	ctx := context.Background()
	p := signPresigner("")
	got, err := p.UploadPart(ctx, "bucket", "big.bin", "upload-1", 7, presign.UploadPartOptions{
		ContentLength: 5 << 20,
		Checksum:      presign.Checksum{Algorithm: "CRC32C", Value: "AAAAAA=="},
	})
	if err != nil {
		t.Fatal(err)
	}
	q := signQuery(t, got.URL)
	if got.Method != http.MethodPut || q.Get("partNumber") != "7" || q.Get("uploadId") != "upload-1" {
		t.Errorf("%s %v", got.Method, q)
	}
	want := http.Header{"Content-Length": {"5242880"}, "X-Amz-Checksum-Crc32c": {"AAAAAA=="}}
	if fmt.Sprint(got.Header) != fmt.Sprint(want) {
		t.Errorf("Header = %v", got.Header)
	}
	signCheckTamper(t, got, signStatic(""))
	for _, part := range []int32{0, -1, 10001} {
		if _, err := p.UploadPart(ctx, "bucket", "big.bin", "upload-1", part, presign.UploadPartOptions{}); err == nil {
			t.Errorf("part %d: signed", part)
		}
	}
	if _, err := p.UploadPart(ctx, "bucket", "big.bin", "", 1, presign.UploadPartOptions{}); err == nil {
		t.Error("no upload ID: signed")
	}
}

// signCheckTamper recomputes the signature of got with the SDK's signer, as a
// verifier would: the request the holder is told to send verifies, and
// changing any signed header breaks it.
func signCheckTamper(t *testing.T, got *presign.Presigned, prov aws.CredentialsProvider) {
	t.Helper()
	if sig, want := signResign(t, got, got.Header, prov); sig != want {
		t.Fatalf("the request as presigned does not verify: %s != %s", sig, want)
	}
	for name := range got.Header {
		h := got.Header.Clone()
		if name == "Content-Length" {
			h.Set(name, "1")
		} else {
			h.Set(name, h.Get(name)+"x")
		}
		if sig, want := signResign(t, got, h, prov); sig == want {
			t.Errorf("changing %s keeps the signature valid", name)
		}
	}
}

// signResign returns the signature the SDK's signer computes for got's URL and
// the headers h, and the signature in the URL.
func signResign(t *testing.T, got *presign.Presigned, h http.Header, prov aws.CredentialsProvider) (string, string) {
	t.Helper()
	u, err := url.Parse(got.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	want := q.Get("X-Amz-Signature")
	date, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	q.Del("X-Amz-Signature")
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(got.Method, u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		if k == "Content-Length" {
			req.ContentLength, _ = strconv.ParseInt(v[0], 10, 64)
			continue
		}
		req.Header[k] = v
	}
	creds, err := prov.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	signed, _, err := signer.PresignHTTP(context.Background(), creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", date)
	if err != nil {
		t.Fatal(err)
	}
	return signQuery(t, signed).Get("X-Amz-Signature"), want
}

// TestSecretsNotLogged: the SDK logs the canonical request when asked to
// (aws.LogSigning), and that holds the session token; the Presigner turns
// it off. Presigned and Form print and log without their query.
func TestSecretsNotLogged(t *testing.T) {
	var logged bytes.Buffer
	client := signClient("https://127.0.0.1:9000", signStatic(signToken), func(o *s3.Options) {
		o.ClientLogMode = aws.LogSigning | aws.LogRequestWithBody | aws.LogRetries
		o.Logger = logging.LoggerFunc(func(_ logging.Classification, format string, v ...any) {
			fmt.Fprintf(&logged, format+"\n", v...)
		})
	})
	p := &presign.Presigner{Client: client, Now: signFixedNow}
	got, err := p.PutObject(context.Background(), "bucket", "key", presign.PutOptions{ContentType: "text/plain"})
	if err != nil {
		t.Fatal(err)
	}
	form, err := p.PostObject(context.Background(), "bucket", presign.NewPostPolicy().Key("k"))
	if err != nil {
		t.Fatal(err)
	}
	var slogged bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&slogged, nil))
	logger.Info("issued", "url", got, "form", form)
	printed := fmt.Sprint(got, *got, form, *form) + fmt.Sprintf("%v %+v %s %#v %#v %q %x", got, form, got, got, *form, got, form)
	sig := signQuery(t, got.URL).Get("X-Amz-Signature")
	for name, out := range map[string]string{"SDK log": logged.String(), "slog": slogged.String(), "fmt": printed} {
		for _, secret := range []string{signToken, signSecret, sig, form.Get("x-amz-signature"), form.Policy} {
			if strings.Contains(out, secret) {
				t.Errorf("%s shows a secret: %s", name, out)
			}
		}
	}
	// The guard matters: the SDK on its own logs the canonical request,
	// session token included.
	logged.Reset()
	if _, err := s3.NewPresignClient(client).PresignGetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("b"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logged.String(), signToken) {
		t.Log("the SDK no longer logs the session token with LogSigning")
	}
	if !strings.Contains(slogged.String(), "127.0.0.1:9000/bucket/key") {
		t.Errorf("slog output lacks the redacted URL: %s", slogged.String())
	}
}

func BenchmarkPresign(b *testing.B) {
	ctx := context.Background()
	p := signPresigner(signToken)
	b.Run("GetObject", func(b *testing.B) {
		for b.Loop() {
			if _, err := p.GetObject(ctx, "bucket", "key", presign.GetOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PutObject", func(b *testing.B) {
		opt := presign.PutOptions{ContentType: "image/png", ContentLength: 10, Encryption: presign.SSES3(), Tags: map[string]string{"a": "b"}}
		for b.Loop() {
			if _, err := p.PutObject(ctx, "bucket", "key", opt); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PostObject", func(b *testing.B) {
		pol := presign.NewPostPolicy().KeyPrefix("uploads/").ContentLengthRange(1, 1<<20).ContentType("image/png")
		for b.Loop() {
			if _, err := p.PostObject(ctx, "bucket", pol); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestConcurrent: a Presigner is safe for concurrent use (run with -race).
func TestConcurrent(t *testing.T) {
	p := signPresigner(signToken)
	pol := presign.NewPostPolicy().KeyPrefix("u/").ContentType("text/plain")
	done := make(chan error)
	for i := range 8 {
		go func() {
			var err error
			if i%2 == 0 {
				_, err = p.PutObject(context.Background(), "bucket", fmt.Sprint("k", i), presign.PutOptions{ContentType: "text/plain"})
			} else {
				_, err = p.PostObject(context.Background(), "bucket", pol)
			}
			done <- err
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
