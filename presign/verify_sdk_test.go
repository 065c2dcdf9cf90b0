package presign_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/presign"
)

// Differential tests: aws-sdk-go-v2's S3 client and signer are the
// oracle. What they sign verifies, and the body decodes byte for byte.

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return "not an API error: " + err.Error()
	}
	return ""
}

func TestSDKClientRoundTrip(t *testing.T) {
	data := randomBytes(200<<10+123, 1) // several of the SDK's 64 KiB chunks
	for _, c := range []struct {
		name      string
		tls       bool
		checksums bool
		stream    bool // a non-seekable body
		payload   string
	}{
		{"http", false, false, false, "hex"},
		{"http checksums", false, true, false, "hex"},
		{"https", true, false, false, "UNSIGNED-PAYLOAD"},
		{"https stream", true, false, true, "UNSIGNED-PAYLOAD"},
		{"https checksums", true, true, false, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
		{"https checksums stream", true, true, true, "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newS3Server(t, c.tls, &presign.Verifier{Credentials: testStore(), Region: testRegion})
			client := newS3Client(srv, testAccessKey, testSecret, "", func(o *s3.Options) {
				if c.checksums {
					o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
				} else {
					o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
				}
			})
			var body io.Reader = bytes.NewReader(data)
			if c.stream {
				body = io.MultiReader(body)
			}
			ctx := context.Background()
			if _, err := client.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String("dir/a key+with €.bin"), Body: body,
				ContentLength: aws.Int64(int64(len(data))),
			}); err != nil {
				t.Fatal(err)
			}
			res, _ := srv.last()
			if res.AuthType != presign.AuthTypeHeader || res.Credentials.Principal != testPrincipal ||
				res.Region != testRegion || res.Service != "s3" {
				t.Errorf("result %+v", res)
			}
			if got := res.ContentSHA256; c.payload == "hex" && len(got) != 64 || c.payload != "hex" && got != c.payload {
				t.Errorf("payload %s, want %s", got, c.payload)
			}
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("dir/a key+with €.bin")})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(out.Body)
			if !bytes.Equal(got, data) {
				t.Fatalf("object came back as %d bytes, want %d", len(got), len(data))
			}
		})
	}
}

func TestSDKClientAnonymous(t *testing.T) {
	srv := newS3Server(t, true, &presign.Verifier{Credentials: testStore()})
	client := s3.New(s3.Options{
		Region: testRegion, Credentials: aws.AnonymousCredentials{}, BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true, HTTPClient: srv.Client(), Retryer: aws.NopRetryer{},
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenSupported,
	})
	if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("bucket"), Key: aws.String("k"), Body: strings.NewReader("public"),
	}); err != nil {
		t.Fatal(err)
	}
	res, _ := srv.last()
	if !res.Anonymous || res.AuthType != "" || len(res.Keys) != 0 {
		t.Errorf("result %+v", res)
	}
	if got := string(srv.objects["/bucket/k"]); got != "public" {
		t.Errorf("stored %q", got)
	}
}

func TestSDKClientErrors(t *testing.T) {
	expired := time.Now().Add(-time.Minute)
	store := presign.StaticCredentials{
		testAccessKey:          {SecretAccessKey: testSecret},
		"ASIAS3VETTEMPORARY01": {SecretAccessKey: testSecret, SessionToken: "the-token"},
		"ASIAS3VETEXPIRED0001": {SecretAccessKey: testSecret, SessionToken: "the-token", Expires: expired},
	}
	for _, c := range []struct {
		name, accessKey, secret, token, region string
		now                                    time.Duration
		want                                   string
	}{
		{"ok", testAccessKey, testSecret, "", testRegion, 0, ""},
		{"wrong secret", testAccessKey, "wrong", "", testRegion, 0, "SignatureDoesNotMatch"},
		{"unknown key", "AKIAS3VETUNKNOWN0001", testSecret, "", testRegion, 0, "InvalidAccessKeyId"},
		{"wrong region", testAccessKey, testSecret, "", "eu-west-1", 0, "AuthorizationHeaderMalformed"},
		{"skewed clock", testAccessKey, testSecret, "", testRegion, 16 * time.Minute, "RequestTimeTooSkewed"},
		{"session token", "ASIAS3VETTEMPORARY01", testSecret, "the-token", testRegion, 0, ""},
		{"wrong token", "ASIAS3VETTEMPORARY01", testSecret, "another-token", testRegion, 0, "InvalidToken"},
		{"missing token", "ASIAS3VETTEMPORARY01", testSecret, "", testRegion, 0, "InvalidToken"},
		{"unexpected token", testAccessKey, testSecret, "a-token", testRegion, 0, "InvalidToken"},
		{"expired token", "ASIAS3VETEXPIRED0001", testSecret, "the-token", testRegion, 0, "ExpiredToken"},
	} {
		t.Run(c.name, func(t *testing.T) {
			now := c.now
			srv := newS3Server(t, false, &presign.Verifier{
				Credentials: store, Region: testRegion,
				Now: func() time.Time { return time.Now().Add(now) },
			})
			client := newS3Client(srv, c.accessKey, c.secret, c.token, func(o *s3.Options) { o.Region = c.region })
			_, err := client.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: aws.String("bucket"), Key: aws.String("k"), Body: strings.NewReader("body"),
			})
			if got := apiErrorCode(err); got != c.want {
				t.Errorf("error code %q, want %q (%v)", got, c.want, err)
			}
		})
	}
}

func TestSDKPresignClient(t *testing.T) {
	srv := newS3Server(t, true, &presign.Verifier{Credentials: testStore(), Region: testRegion})
	pc := s3.NewPresignClient(newS3Client(srv, testAccessKey, testSecret, ""))
	ctx := context.Background()
	data := randomBytes(70<<10, 2)

	put, err := pc.PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("bucket"), Key: aws.String("shared/report (1).pdf"),
		ContentType: aws.String("application/pdf"),
	}, s3.WithPresignExpires(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(put.Method, put.URL, bytes.NewReader(data))
	req.Header = put.SignedHeader.Clone()
	req.Header.Del("Host")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if res, err := srv.last(); resp.StatusCode != 200 || err != nil || res.AuthType != presign.AuthTypeQuery ||
		res.Keys["s3:x-amz-content-sha256"][0] != "UNSIGNED-PAYLOAD" || res.Expires.Sub(res.SignedAt) != 10*time.Minute {
		t.Fatalf("presigned PUT: %d, %v, %+v", resp.StatusCode, err, res)
	}

	get, err := pc.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("shared/report (1).pdf")})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = srv.Client().Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, data) {
		t.Fatalf("presigned GET: %d, %d bytes", resp.StatusCode, len(got))
	}

	// The same URL after it expired, and an X-Amz-Expires over a week.
	srv.verifier.Now = fixedClock(time.Now().Add(16 * time.Minute))
	resp, err = srv.Client().Get(get.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := srv.last(); resp.StatusCode != 403 || !errors.Is(err, presign.ErrExpired) {
		t.Errorf("expired URL: %d %v", resp.StatusCode, err)
	}
	srv.verifier.Now = nil
	u := presignHTTP(t, srv.URL+"/bucket/k", 604801, time.Now())
	resp, err = srv.Client().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := srv.last(); resp.StatusCode != 400 || errorCode(err) != "AuthorizationQueryParametersError" {
		t.Errorf("X-Amz-Expires=604801: %d %v", resp.StatusCode, err)
	}
}

// presignHTTP presigns a GET with the SDK's signer.
func presignHTTP(t testing.TB, rawURL string, expires int, at time.Time) string {
	t.Helper()
	r, err := http.NewRequest("GET", rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	q := r.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(expires))
	r.URL.RawQuery = q.Encode()
	u, _, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).PresignHTTP(context.Background(),
		aws.Credentials{AccessKeyID: testAccessKey, SecretAccessKey: testSecret}, r, "UNSIGNED-PAYLOAD", "s3", testRegion, at)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The SDK's signer (SignHTTP and PresignHTTP) against the verifier behind
// plain and TLS httptest servers.
func TestSDKSignerOverHTTP(t *testing.T) {
	data := randomBytes(10<<10, 5)
	for _, useTLS := range []bool{false, true} {
		srv := newS3Server(t, useTLS, &presign.Verifier{Credentials: testStore(), Region: testRegion})
		r, _ := http.NewRequest("PUT", srv.URL+"/bucket/a%20b/c%2Bd", bytes.NewReader(data))
		r.Header.Set("X-Amz-Content-Sha256", sha256Hex(data))
		r.Header.Set("X-Amz-Meta-Owner", "tester")
		if err := s3Signer.SignHTTP(context.Background(), testAWSCredentials, r, sha256Hex(data), "s3", testRegion, time.Now()); err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if res, err := srv.last(); resp.StatusCode != 200 || err != nil || res.AuthType != presign.AuthTypeHeader {
			t.Fatalf("tls=%v SignHTTP: %d %v", useTLS, resp.StatusCode, err)
		}
		resp, err = srv.Client().Get(presignHTTP(t, srv.URL+"/bucket/a%20b/c%2Bd", 60, time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(got, data) {
			t.Fatalf("tls=%v PresignHTTP: %d, %d bytes", useTLS, resp.StatusCode, len(got))
		}
	}
}
