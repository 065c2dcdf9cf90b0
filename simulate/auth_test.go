package simulate_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3vet/s3vet/policy/s3op"
	"github.com/s3vet/s3vet/simulate"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

const publicRead = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`

// BlockPublicPolicy refuses a public bucket policy, with S3's explained
// message; without it the policy is stored and GetBucketPolicyStatus
// calls it public; the account's setting blocks it again (S3 User Guide,
// "Block public access settings").
func TestBlockPublicPolicy(t *testing.T) {
	servers(t, testWorld, func(t *testing.T, srv *simulate.Server) {
		ctx := context.Background()
		c := srv.Client(root1)
		_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(publicRead)})
		wantError(t, err, "AccessDenied", `User: arn:aws:iam::111111111111:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::reports" because public policies are blocked by the BlockPublicPolicy block public access setting`)
		if _, err := c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String("reports")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(publicRead)}); err != nil {
			t.Fatal(err)
		}
		st, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("reports")})
		if err != nil || !aws.ToBool(st.PolicyStatus.IsPublic) {
			t.Fatalf("policy status: %v", err)
		}
		if body, err := get(ctx, srv.Client(anon), "reports", "hr/pay.csv"); err != nil || body != "x" {
			t.Fatalf("anonymous read of a public bucket: %q %v", body, err)
		}
	})
}

// Bucket policies S3 refuses, with S3's MalformedPolicy messages.
func TestMalformedPolicy(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	c := srv.Client(root1)
	tests := []struct{ doc, msg string }{
		{`not json`, "Policies must be valid JSON and the first byte must be '{'"},
		{`{"Statement": [}`, "This policy contains invalid Json"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::other-bucket/*"}]}`, "Policy has invalid resource"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports"}]}`, "Action does not apply to any resource(s) in statement"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`, "Missing required field Principal"},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:FlyToTheMoon","Resource":"arn:aws:s3:::reports/*"}]}`, "Policy has invalid action"},
		{`{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 21*1024) + `","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`, "Policy exceeds the maximum allowed document size."},
	}
	for _, tt := range tests {
		_, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(tt.doc)})
		if err == nil {
			t.Errorf("%.60s: accepted, want %q", tt.doc, tt.msg)
			continue
		}
		code, msg, status := apiError(t, err)
		if code != "MalformedPolicy" || msg != tt.msg || status != 400 {
			t.Errorf("%.60s: %d %s %q, want MalformedPolicy %q", tt.doc, status, code, msg, tt.msg)
		}
	}
	// A caller of another account, even one the policy allows, gets 405.
	if _, err := c.DeletePublicAccessBlock(context.Background(), &s3.DeletePublicAccessBlockInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	allowCarol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:*","Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]}]}`
	if _, err := c.PutBucketPolicy(context.Background(), &s3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(allowCarol)}); err != nil {
		t.Fatal(err)
	}
	_, err := srv.Client(carol).GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("reports")})
	if _, _, status := apiError(t, err); status != http.StatusMethodNotAllowed {
		t.Errorf("cross-account GetBucketPolicy: status %d, want 405", status)
	}
	if body, err := get(context.Background(), srv.Client(carol), "reports", "eng/q1.csv"); err != nil || body != "a,b" {
		t.Errorf("carol through the bucket policy: %q %v", body, err)
	}
}

// Authentication failures are S3's: unknown key, wrong secret, clock skew,
// expired presigned URL.
func TestAuthenticationErrors(t *testing.T) {
	clk := &clock{t: time.Now()}
	srv := simulate.NewTestServer(t, testWorld(t), simulate.WithClock(clk.now))
	ctx := context.Background()
	client := func(id, secret string) *s3.Client {
		cfg := srv.Config(anon)
		cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret}, nil
		})
		return s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true; o.RetryMaxAttempts = 1 })
	}
	_, err := get(ctx, client("AKIANOSUCHKEY0000000", "secret"), "reports", "eng/q1.csv")
	wantError(t, err, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	_, err = get(ctx, client("AKIAALICEEXAMPLE0001", "wrong-secret"), "reports", "eng/q1.csv")
	wantError(t, err, "SignatureDoesNotMatch", "")
	_, err = get(ctx, client("AKIAALICEEXAMPLE0001", "alice-secret"), "reports", "eng/q1.csv")
	if err != nil {
		t.Fatal(err)
	}

	// Presigned URLs: valid until X-Amz-Expires, then "Request has expired".
	ps, err := s3.NewPresignClient(srv.Client(alice)).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("eng/q1.csv")},
		s3.WithPresignExpires(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	fetch := func() (int, string) {
		resp, err := srv.HTTPClient().Get(ps.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := fetch(); status != 200 || body != "a,b" {
		t.Fatalf("presigned GET: %d %s", status, body)
	}
	clk.set(time.Now().Add(10 * time.Minute))
	if status, body := fetch(); status != 403 || !strings.Contains(body, "<Code>AccessDenied</Code>") || !strings.Contains(body, "Request has expired") {
		t.Fatalf("expired presigned GET: %d %s", status, body)
	}
	// Header signatures are refused past 15 minutes of skew (a client
	// that signs with its own clock: the server's configurations follow
	// the simulator's).
	clk.set(time.Now().Add(time.Hour))
	_, err = get(ctx, client("AKIAALICEEXAMPLE0001", "alice-secret"), "reports", "eng/q1.csv")
	wantError(t, err, "RequestTimeTooSkewed", "")
}

// Conditions on the request: aws:SecureTransport, aws:SourceIp and
// s3:ExistingObjectTag, evaluated from the connection and the object.
func TestRequestConditions(t *testing.T) {
	world := func(t testing.TB) *simulate.World {
		w := &simulate.World{}
		a := w.AddAccount("333333333333")
		a.AddUser("dev", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:PutObjectTagging"],"Resource":"arn:aws:s3:::data/*"},
			{"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringEquals":{"s3:ExistingObjectTag/class":"secret"}}}]}`)
		a.AddBucket("data", `{"Version":"2012-10-17","Statement":[
			{"Sid":"TLSOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
			{"Sid":"NotFromTestNet","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::data/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}`).
			AddObject("open.txt", "open").AddObject("closed.txt", "closed")
		return w
	}
	const dev = "arn:aws:iam::333333333333:user/dev"
	ctx := context.Background()
	plain := simulate.NewTestServer(t, world(t))
	_, err := get(ctx, plain.Client(dev), "data", "open.txt")
	wantError(t, err, "AccessDenied", "with an explicit deny in a resource-based policy")

	srv := simulate.NewTestTLSServer(t, world(t))
	c := srv.Client(dev)
	if body, err := get(ctx, c, "data", "open.txt"); err != nil || body != "open" {
		t.Fatalf("over TLS: %q %v", body, err)
	}
	if _, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String("data"), Key: aws.String("closed.txt"),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("class"), Value: aws.String("secret")}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = get(ctx, c, "data", "closed.txt")
	wantError(t, err, "AccessDenied", "with an explicit deny in an identity-based policy")
	if err := put(ctx, c, "data", "new.txt", "from loopback"); err != nil {
		t.Fatalf("PutObject from 127.0.0.1: %v", err)
	}
	d, err := srv.Authorize(dev, &s3op.Request{Operation: "PutObject", Bucket: "data", Key: "x",
		Conn: s3op.Conn{SourceIP: "192.0.2.7", TLSVersion: "1.3"}})
	if err != nil || d.Allowed {
		t.Fatalf("PutObject from 192.0.2.7: %v %+v", err, d)
	}
}

// SSE-C: refused over HTTP, blocked by default on new buckets, allowed
// once BlockedEncryptionTypes says NONE; reads need the same key.
func TestSSEC(t *testing.T) {
	ctx := context.Background()
	key := bytes.Repeat([]byte{7}, 32)
	sum := md5.Sum(key)
	k64, m64 := base64.StdEncoding.EncodeToString(key), base64.StdEncoding.EncodeToString(sum[:])
	putC := func(c *s3.Client, key string) error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String(key), Body: strings.NewReader("sealed"),
			SSECustomerAlgorithm: aws.String("AES256"), SSECustomerKey: aws.String(k64), SSECustomerKeyMD5: aws.String(m64)})
		return err
	}
	plain := simulate.NewTestServer(t, testWorld(t))
	wantError(t, putC(plain.Client(root1), "c.bin"), "InvalidRequest", "must be made over a secure connection")

	srv := simulate.NewTestTLSServer(t, testWorld(t))
	c := srv.Client(root1)
	wantError(t, putC(c, "c.bin"), "AccessDenied", "")
	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("reports"), ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{
		Rules: []types.ServerSideEncryptionRule{{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256},
			BlockedEncryptionTypes: &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeNone}}}}}}); err != nil {
		t.Fatal(err)
	}
	if err := putC(c, "c.bin"); err != nil {
		t.Fatal(err)
	}
	_, err := get(ctx, c, "reports", "c.bin")
	wantError(t, err, "InvalidRequest", "The object was stored using a form of Server Side Encryption")
	other := bytes.Repeat([]byte{8}, 32)
	osum := md5.Sum(other)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("c.bin"), SSECustomerAlgorithm: aws.String("AES256"),
		SSECustomerKey: aws.String(base64.StdEncoding.EncodeToString(other)), SSECustomerKeyMD5: aws.String(base64.StdEncoding.EncodeToString(osum[:]))})
	wantError(t, err, "AccessDenied", "")
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("c.bin"), SSECustomerAlgorithm: aws.String("AES256"),
		SSECustomerKey: aws.String(k64), SSECustomerKeyMD5: aws.String(m64)})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(body) != "sealed" || aws.ToString(out.SSECustomerKeyMD5) != m64 {
		t.Fatalf("SSE-C read: %q %q", body, aws.ToString(out.SSECustomerKeyMD5))
	}
	// The key is not metadata: it does not come back.
	for _, r := range srv.Requests() {
		if r.Status >= 500 {
			t.Errorf("%s: %d %s", r.Operation, r.Status, r.Explanation)
		}
	}
}

// The account's Block Public Access, set through the SDK's s3control
// client, applies to every bucket of the account.
func TestAccountBlockPublicAccess(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	ctx := context.Background()
	if _, err := get(ctx, srv.Client(anon), "site", "index.html"); err != nil {
		t.Fatal(err)
	}
	ctl := s3control.NewFromConfig(srv.Config(root1))
	if _, err := ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String("111111111111"),
		PublicAccessBlockConfiguration: &ctypes.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	_, err := get(ctx, srv.Client(anon), "site", "index.html")
	wantError(t, err, "AccessDenied", "Access Denied")
	recs := srv.Requests()
	if r := recs[len(recs)-1]; r.Decision == nil || r.Decision.Setting != "RestrictPublicBuckets" {
		t.Errorf("decided by %+v", r.Decision)
	}
	if _, err := ctl.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: aws.String("111111111111")}); err != nil {
		t.Fatal(err)
	}
	if _, err := get(ctx, srv.Client(anon), "site", "index.html"); err != nil {
		t.Fatal(err)
	}
}

// SSE-C takes the algorithm, the key and the key's MD5, all three
// ("x-amz-server-side-encryption-customer-key-MD5 ... used as a message
// integrity check", S3 API Reference, PutObject); a request without the
// MD5 is refused with S3's message.
func TestSSECKeyMD5Required(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, testWorld(t))
	k, _ := sseC(7)
	h := http.Header{"X-Amz-Server-Side-Encryption-Customer-Algorithm": {"AES256"}, "X-Amz-Server-Side-Encryption-Customer-Key": {k}}
	status, _, body := signedRequest(t, srv, root1, "PUT", "/reports/c.bin", "", h, []byte("x"))
	if status != http.StatusBadRequest || !strings.Contains(string(body), "<Code>InvalidArgument</Code>") ||
		!strings.Contains(string(body), "must provide the client calculated MD5 of the secret key.") {
		t.Fatalf("SSE-C without the key MD5: %d %s", status, body)
	}
}

// An anonymous caller is told only "Access Denied": S3 explains a denial
// to callers of the bucket owner's account alone (S3 User Guide,
// "Troubleshoot access denied (403 Forbidden) errors").
func TestAnonymousListBucketsPlainDenial(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	_, err := srv.Client(anon).ListBuckets(context.Background(), &s3.ListBucketsInput{})
	code, msg, status := apiError(t, err)
	if code != "AccessDenied" || msg != "Access Denied" || status != http.StatusForbidden {
		t.Fatalf("anonymous ListBuckets: %d %s %q", status, code, msg)
	}
}

// The SDK configurations of a server whose clock is set sign with that
// clock: the first request is not refused as skewed (no retry is needed;
// the SDK would otherwise learn the skew from the refusal). A role ARN is
// a session of the role; a principal the world lacks is an error of the
// request, not a panic.
func TestServerConfigFollowsClock(t *testing.T) {
	at := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	srv := simulate.NewTestTLSServer(t, testWorld(t), simulate.WithClock(func() time.Time { return at }))
	ctx := context.Background()
	once := func(o *s3.Options) { o.RetryMaxAttempts = 1 }
	if body, err := get(ctx, srv.Client(alice, once), "reports", "eng/q1.csv"); err != nil || body != "a,b" {
		t.Fatalf("GET at the simulator's time: %q %v", body, err)
	}
	// Uploads with the SDK's default checksums (aws-chunked over TLS)
	// too, and keys that S3 signs unescaped.
	if _, err := srv.Client(root1, once).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("a b+c/é.txt"),
		Body: strings.NewReader("chunked"), ChecksumAlgorithm: types.ChecksumAlgorithmCrc32}); err != nil {
		t.Fatalf("PUT at the simulator's time: %v", err)
	}
	recs := srv.Requests()
	for _, r := range recs {
		if r.Code == "RequestTimeTooSkewed" {
			t.Errorf("a request refused as skewed: %+v", r)
		}
	}
	// A role's ARN is a session of the role.
	const reader = "arn:aws:iam::111111111111:role/reader"
	if body, err := get(ctx, srv.Client(reader, once), "reports", "hr/pay.csv"); err != nil || body != "x" {
		t.Fatalf("GET as the role %s: %q %v", reader, body, err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Principal != "arn:aws:sts::111111111111:assumed-role/reader/s3vet" {
		t.Errorf("principal %q, want the role's session", last.Principal)
	}
	// A principal the world lacks.
	_, err := get(ctx, srv.Client("arn:aws:iam::111111111111:user/nobody", once), "reports", "eng/q1.csv")
	if err == nil || !strings.Contains(err.Error(), `the world has no access key for "arn:aws:iam::111111111111:user/nobody"`) {
		t.Fatalf("an unknown principal: %v", err)
	}
}

// An upload of unknown length (an unseekable body, which the SDK sends
// with HTTP chunked transfer encoding and no checksum) is S3's 411
// MissingContentLength ("You must provide the Content-Length HTTP
// header", S3 API Reference, "Error responses"), over HTTP and HTTPS
// alike; and the record of a signature failure holds the canonical
// request and string to sign the server computed, never the secret.
func TestUnknownLengthAndSignatureRecords(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, testWorld(t))
	ctx := context.Background()
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("streamed body"))
		pw.Close()
	}()
	_, err := srv.Client(root1).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("pipe.txt"), Body: pr})
	code, _, status := apiError(t, err)
	if code != "MissingContentLength" || status != http.StatusLengthRequired {
		t.Fatalf("an upload of unknown length: %d %s", status, code)
	}
	cfg := srv.Config(anon)
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIAALICEEXAMPLE0001", SecretAccessKey: "not-alice-secret"}, nil
	})
	_, err = get(ctx, s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle, o.RetryMaxAttempts = true, 1 }), "reports", "eng/q1.csv")
	wantError(t, err, "SignatureDoesNotMatch", "")
	recs := srv.Requests()
	rec := recs[len(recs)-1]
	for _, want := range []string{"CanonicalRequest:\nGET\n/reports/eng/q1.csv", "StringToSign:\nAWS4-HMAC-SHA256"} {
		if !strings.Contains(rec.Explanation, want) {
			t.Errorf("the record's explanation lacks %q:\n%s", want, rec.Explanation)
		}
	}
	if strings.Contains(rec.Explanation, "alice-secret") {
		t.Errorf("the record holds a secret:\n%s", rec.Explanation)
	}
}
