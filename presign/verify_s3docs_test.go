package presign_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// The worked examples of the S3 API reference, "Authenticating Requests
// (AWS Signature Version 4)", with their published signatures:
//
//   - sig-v4-header-based-auth.html: GET Object, PUT Object, GET Bucket
//     Lifecycle, GET Bucket (List Objects);
//   - sigv4-query-string-auth.html: the presigned GET;
//   - sigv4-streaming.html: the chunked PUT (seed and chunk signatures);
//   - sigv4-streaming-trailers.html: the chunked PUT with a signed
//     CRC32C trailer;
//   - sigv4-post-example.html: the browser POST policy.

const (
	docAccessKey = "AKIAIOSFODNN7EXAMPLE"
	docSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	docHost      = "examplebucket.s3.amazonaws.com"
	emptyHash    = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

var docTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func docVerifier(now time.Time) *presign.Verifier {
	return &presign.Verifier{
		Credentials: presign.StaticCredentials{docAccessKey: {SecretAccessKey: docSecret, Principal: "arn:aws:iam::111122223333:user/example"}},
		Region:      "us-east-1",
		Now:         func() time.Time { return now },
	}
}

func docAuthorization(signedHeaders, signature string) string {
	return "AWS4-HMAC-SHA256 Credential=" + docAccessKey + "/20130524/us-east-1/s3/aws4_request,SignedHeaders=" +
		signedHeaders + ",Signature=" + signature
}

// newDocRequest builds a request as a server receives it.
func newDocRequest(method, target, host string, body []byte, headers ...string) *http.Request {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}

// canonicalOf returns the canonical request and string to sign the
// verifier computes, from the SignatureDoesNotMatch of a wrong secret.
func canonicalOf(t *testing.T, build func() *http.Request) (string, string) {
	t.Helper()
	v := docVerifier(docTime)
	v.Credentials = presign.StaticCredentials{docAccessKey: {SecretAccessKey: "wrong"}}
	_, err := v.Verify(context.Background(), build())
	var e *presign.Error
	if !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" {
		t.Fatalf("with a wrong secret: %v", err)
	}
	return e.CanonicalRequest, e.StringToSign
}

func TestS3DocsHeaderExamples(t *testing.T) {
	for _, c := range []struct {
		name, method, target string
		body                 string
		headers              []string
		signed, signature    string
		canonical            string // when the page publishes it
	}{
		{
			name: "GET Object", method: "GET", target: "/test.txt",
			headers: []string{"Range", "bytes=0-9", "X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", "20130524T000000Z"},
			signed:  "host;range;x-amz-content-sha256;x-amz-date", signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
			canonical: "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:" + emptyHash +
				"\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n" + emptyHash,
		},
		{
			name: "PUT Object", method: "PUT", target: "/test%24file.text", body: "Welcome to Amazon S3.",
			headers: []string{"Date", "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Date", "20130524T000000Z",
				"X-Amz-Storage-Class", "REDUCED_REDUNDANCY",
				"X-Amz-Content-Sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"},
			signed: "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", signature: "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
			canonical: "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\nhost:examplebucket.s3.amazonaws.com\n" +
				"x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\nx-amz-date:20130524T000000Z\n" +
				"x-amz-storage-class:REDUCED_REDUNDANCY\n\ndate;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n" +
				"44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
		},
		{
			name: "GET Bucket Lifecycle", method: "GET", target: "/?lifecycle",
			headers: []string{"X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", "20130524T000000Z"},
			signed:  "host;x-amz-content-sha256;x-amz-date", signature: "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
			canonical: "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:" + emptyHash +
				"\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\n" + emptyHash,
		},
		{
			name: "GET Bucket (List Objects)", method: "GET", target: "/?max-keys=2&prefix=J",
			headers: []string{"X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", "20130524T000000Z"},
			signed:  "host;x-amz-content-sha256;x-amz-date", signature: "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
			canonical: "GET\n/\nmax-keys=2&prefix=J\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:" + emptyHash +
				"\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\n" + emptyHash,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			build := func() *http.Request {
				h := append([]string{"Authorization", docAuthorization(c.signed, c.signature)}, c.headers...)
				return newDocRequest(c.method, c.target, docHost, []byte(c.body), h...)
			}
			if got, _ := canonicalOf(t, build); got != c.canonical {
				t.Errorf("canonical request:\n%s\nwant:\n%s", got, c.canonical)
			}
			r := build()
			res, err := docVerifier(docTime.Add(time.Minute)).Verify(context.Background(), r)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(r.Body)
			if err != nil || string(body) != c.body {
				t.Fatalf("body %q, %v", body, err)
			}
			if res.AuthType != "REST-HEADER" || res.Credentials.Principal != "arn:aws:iam::111122223333:user/example" ||
				res.Credentials.SecretAccessKey != "" || res.SignatureAge != time.Minute ||
				res.Keys["s3:signatureAge"][0] != "60000" || res.Keys["s3:signatureversion"][0] != "AWS4-HMAC-SHA256" {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestS3DocsPresignedExample(t *testing.T) {
	const target = "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	build := func() *http.Request { return newDocRequest("GET", target, docHost, nil) }
	wantCanonical := "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
	if got, _ := canonicalOf(t, build); got != wantCanonical {
		t.Errorf("canonical request:\n%s\nwant:\n%s", got, wantCanonical)
	}
	res, err := docVerifier(docTime.Add(23*time.Hour)).Verify(context.Background(), build())
	if err != nil {
		t.Fatal(err)
	}
	if res.AuthType != "REST-QUERY-STRING" || !res.Expires.Equal(docTime.Add(24*time.Hour)) ||
		res.Keys["s3:x-amz-content-sha256"][0] != "UNSIGNED-PAYLOAD" {
		t.Errorf("result %+v", res)
	}
	_, err = docVerifier(docTime.Add(24*time.Hour+time.Second)).Verify(context.Background(), build())
	var e *presign.Error
	if !errors.Is(err, presign.ErrExpired) || !errors.As(err, &e) || e.Code != "AccessDenied" ||
		e.Message != "Request has expired" || e.StatusCode != 403 || e.Detail("X-Amz-Expires") != "86400" {
		t.Errorf("a day and a second later: %v", err)
	}
}

// docChunk frames one chunk of the streaming examples.
func docChunk(size int, signature string) string {
	return strconv.FormatInt(int64(size), 16) + ";chunk-signature=" + signature + "\r\n" + strings.Repeat("a", size)
}

func docStreamingBody() string {
	return docChunk(65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648") + "\r\n" +
		docChunk(1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497") + "\r\n" +
		docChunk(0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9") + "\r\n"
}

func docStreamingRequest(body string) *http.Request {
	return newDocRequest("PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com", []byte(body),
		"Authorization", docAuthorization("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
			"4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
		"X-Amz-Date", "20130524T000000Z", "X-Amz-Storage-Class", "REDUCED_REDUNDANCY",
		"X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "Content-Encoding", "aws-chunked",
		"X-Amz-Decoded-Content-Length", "66560", "Content-Length", "66824")
}

func TestS3DocsChunkedExample(t *testing.T) {
	body := docStreamingBody()
	if len(body) != 66824 {
		t.Fatalf("framed body is %d bytes, the example says 66824", len(body))
	}
	r := docStreamingRequest(body)
	res, err := docVerifier(docTime).Verify(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r.Body)
	if err != nil || string(got) != strings.Repeat("a", 66560) {
		t.Fatalf("decoded %d bytes, %v", len(got), err)
	}
	if r.ContentLength != 66560 || r.Header.Get("Content-Length") != "66560" || r.Header.Get("Content-Encoding") != "" {
		t.Errorf("after decoding: Content-Length %d %q, Content-Encoding %q", r.ContentLength, r.Header.Get("Content-Length"), r.Header.Get("Content-Encoding"))
	}
	if res.ContentSHA256 != "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" {
		t.Errorf("result %+v", res)
	}

	// The second chunk changed by one byte: its signature fails, and none
	// of its bytes are returned.
	bad := []byte(body)
	bad[len(docChunk(65536, "x"))+70+100] = 'b'
	r = docStreamingRequest(string(bad))
	if _, err := docVerifier(docTime).Verify(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	got, err = io.ReadAll(r.Body)
	var e *presign.Error
	if !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" || !errors.Is(err, presign.ErrSignatureMismatch) {
		t.Fatalf("a changed chunk: %v", err)
	}
	if len(got) != 65536 || !strings.HasPrefix(e.StringToSign, "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nad80c730") {
		t.Errorf("read %d bytes; string to sign %q", len(got), e.StringToSign)
	}
}

// The trailer example's chunks and checksum verify. Its published trailer
// signature (63bddb24...) does not: it is the HMAC of a string to sign
// that begins AWS4-HMAC-SHA256-PAYLOAD, while the same page (and the
// CRT and SDKs that send signed trailers) define it as
// AWS4-HMAC-SHA256-TRAILER. The verifier follows the definition; the test
// checks the string to sign it computes is the page's definition applied
// to the example, and that the signature of that string verifies.
func TestS3DocsChunkedTrailerExample(t *testing.T) {
	const publishedTrailerSignature = "63bddb248ad2590c92712055f51b8e78ab024eead08276b24f010b0efd74843f"
	body := func(trailerSignature string) string {
		return docChunk(65536, "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2") + "\r\n" +
			docChunk(1024, "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7") + "\r\n" +
			docChunk(0, "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992") +
			"x-amz-checksum-crc32c:sOO8/Q==\r\n" +
			"x-amz-trailer-signature:" + trailerSignature + "\r\n\r\n"
	}
	build := func(body string) *http.Request {
		return newDocRequest("PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com", []byte(body),
			"Authorization", docAuthorization("content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer",
				"106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"),
			"X-Amz-Date", "20130524T000000Z", "X-Amz-Storage-Class", "REDUCED_REDUNDANCY",
			"X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "Content-Encoding", "aws-chunked",
			"X-Amz-Decoded-Content-Length", "66560", "X-Amz-Trailer", "x-amz-checksum-crc32c")
	}
	read := func(body string) ([]byte, error) {
		r := build(body)
		if _, err := docVerifier(docTime).Verify(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		return io.ReadAll(r.Body)
	}

	got, err := read(body(publishedTrailerSignature))
	var e *presign.Error
	const wantSTS = "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" +
		"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\n" +
		"1e376db7e1a34a8ef1c4bcee131a2d60a1cb62503747488624e10995f448d774" // sha256("x-amz-checksum-crc32c:sOO8/Q==\n")
	if len(got) != 66560 || !errors.As(err, &e) || e.Code != "SignatureDoesNotMatch" || e.StringToSign != wantSTS {
		t.Fatalf("published trailer signature: %d bytes, %v", len(got), err)
	}
	trailerSignature := hmacHex(docSigningKey(), wantSTS)
	if got, err := read(body(trailerSignature)); err != nil || len(got) != 66560 {
		t.Fatalf("decoded %d bytes, %v", len(got), err)
	}
	// A wrong checksum fails at the end: its trailer signature first.
	if _, err := read(strings.Replace(body(trailerSignature), "sOO8/Q==", "AAAAAA==", 1)); !errors.Is(err, presign.ErrSignatureMismatch) {
		t.Errorf("a changed trailer: %v", err)
	}
}

func TestS3DocsPostExample(t *testing.T) {
	const policy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
	fields := [][2]string{
		{"key", "user/user1/${filename}"},
		{"acl", "public-read"},
		{"success_action_redirect", "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},
		{"Content-Type", "image/jpeg"},
		{"x-amz-meta-uuid", "14365123651274"},
		{"x-amz-server-side-encryption", "AES256"},
		{"X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
		{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
		{"X-Amz-Date", "20151229T000000Z"},
		{"x-amz-meta-tag", ""},
		{"Policy", policy},
		{"X-Amz-Signature", "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"},
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range fields {
		w.WriteField(f[0], f[1])
	}
	fw, _ := w.CreateFormFile("file", "photo.jpg")
	fw.Write([]byte("not really a jpeg"))
	w.WriteField("submit", "Upload to Amazon S3") // after the file: ignored
	w.Close()
	r := httptest.NewRequest("POST", "/", &body)
	r.Host = "sigv4examplebucket.s3.amazonaws.com"
	r.Header.Set("Content-Type", w.FormDataContentType())

	now := time.Date(2015, 12, 29, 0, 0, 0, 0, time.UTC)
	res, err := docVerifier(now).VerifyPost(context.Background(), r, "sigv4examplebucket")
	if err != nil {
		t.Fatal(err)
	}
	file, err := io.ReadAll(res.File)
	if err != nil || string(file) != "not really a jpeg" {
		t.Fatalf("file %q, %v", file, err)
	}
	if res.Key != "user/user1/photo.jpg" || res.AuthType != "POST" || res.Fields["acl"] != "public-read" ||
		!res.Expires.Equal(time.Date(2015, 12, 30, 12, 0, 0, 0, time.UTC)) || res.Keys["s3:authType"][0] != "POST" {
		t.Errorf("result %+v", res)
	}
}

func hmacHex(key []byte, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// docSigningKey is the SigV4 key of the examples: 20130524/us-east-1/s3.
func docSigningKey() []byte {
	k := []byte("AWS4" + docSecret)
	for _, s := range []string{"20130524", "us-east-1", "s3", "aws4_request"} {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(s))
		k = m.Sum(nil)
	}
	return k
}
