package encrypt_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/simulate"
)

// The server-side helpers and the client-side format against the
// simulator, which refuses what S3 refuses, through the real SDK.

const (
	simAccount = "777788889999"
	simKeyID   = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	simKeyARN  = "arn:aws:kms:us-east-1:" + simAccount + ":key/" + simKeyID
	simOtherID = "11112222-3333-4444-5555-666677778888"
)

// simWorld has one account with two KMS keys, a writer allowed
// kms:GenerateDataKey and kms:Decrypt, a reader allowed neither, and the
// bucket "vault" with S3's defaults for a new bucket (SSE-S3, SSE-C
// blocked).
func simWorld() (w *simulate.World, writer, reader string) {
	w = &simulate.World{}
	a := w.AddAccount(simAccount)
	a.KMSKeys = []simulate.KMSKey{{ID: simKeyID, Alias: "alias/vault"}, {ID: simOtherID}}
	wu := a.AddUser("writer", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:AbortMultipartUpload","s3:ListMultipartUploadParts"],"Resource":"arn:aws:s3:::vault/*"},
		{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}]}`)
	ru := a.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::vault/*"}]}`)
	a.AddBucket("vault")
	return w, wu.ARN(), ru.ARN()
}

// s3Code returns the S3 error code of err, or "".
func s3Code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := s3Code(err); got != code {
		t.Fatalf("%s: want %s, got %v", what, code, err)
	}
}

// readBody reads and closes the body of a GetObject output.
func readBody(out *s3.GetObjectOutput, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func allowSSEC(t *testing.T, c *s3.Client, bucket string) {
	t.Helper()
	cfg, err := encrypt.DefaultEncryption(encrypt.SSES3(), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutBucketEncryption(context.Background(), &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket), ServerSideEncryptionConfiguration: cfg}); err != nil {
		t.Fatal(err)
	}
}

// TestSimulatorSSEC: the SSE-C helpers' requests over HTTPS are accepted
// (put, head, get, copy, multipart with a part copied), a bucket that
// blocks SSE-C refuses them, and RequireHTTPS stops the key before it
// leaves for a plain-HTTP endpoint.
func TestSimulatorSSEC(t *testing.T) {
	ctx := context.Background()
	w, _, _ := simWorld()
	srv := simulate.NewTestTLSServer(t, w)
	root := "arn:aws:iam::" + simAccount + ":root"
	c := srv.Client(root, encrypt.RequireHTTPS)
	if err := encrypt.CheckOptions(c.Options()); err != nil {
		t.Fatalf("CheckOptions over HTTPS: %v", err)
	}
	key, _ := encrypt.GenerateSSECKey()
	sse, err := encrypt.SSEC(key)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte("customer-keyed")
	put := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("c"), Body: bytes.NewReader(body)}
	encrypt.Apply(put, sse)
	// New buckets block SSE-C, and so does a default encryption that says so.
	_, err = c.PutObject(ctx, put)
	wantCode(t, "SSE-C on a new bucket", err, "AccessDenied")
	blocked, _ := encrypt.DefaultEncryption(encrypt.SSES3(), true)
	if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("vault"), ServerSideEncryptionConfiguration: blocked}); err != nil {
		t.Fatal(err)
	}
	put.Body = bytes.NewReader(body)
	_, err = c.PutObject(ctx, put)
	wantCode(t, "SSE-C blocked by DefaultEncryption", err, "AccessDenied")

	allowSSEC(t, c, "vault")
	put.Body = bytes.NewReader(body)
	out, err := c.PutObject(ctx, put)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SSECustomerKeyMD5) != sse.Header().Get("X-Amz-Server-Side-Encryption-Customer-Key-Md5") {
		t.Fatalf("key MD5 %q", aws.ToString(out.SSECustomerKeyMD5))
	}
	head := &s3.HeadObjectInput{Bucket: aws.String("vault"), Key: aws.String("c")}
	if _, err := c.HeadObject(ctx, head); err == nil {
		t.Fatal("HeadObject without the key")
	}
	encrypt.Apply(head, sse)
	if _, err := c.HeadObject(ctx, head); err != nil {
		t.Fatal(err)
	}
	get := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("c")}
	_, err = c.GetObject(ctx, get)
	wantCode(t, "GetObject without the key", err, "InvalidRequest")
	encrypt.Apply(get, sse)
	if got, err := readBody(c.GetObject(ctx, get)); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("GetObject: %q: %v", got, err)
	}
	otherKey, _ := encrypt.GenerateSSECKey()
	other, _ := encrypt.SSEC(otherKey)
	wrong := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("c")}
	encrypt.Apply(wrong, other)
	_, err = c.GetObject(ctx, wrong)
	wantCode(t, "GetObject with another key", err, "AccessDenied")

	// CopyObject re-encrypts under another key: the source's key as the
	// copy source's, the destination's as the copy's.
	cp := &s3.CopyObjectInput{Bucket: aws.String("vault"), Key: aws.String("c2"), CopySource: aws.String("vault/c")}
	encrypt.Apply(cp, other)
	if _, err := c.CopyObject(ctx, cp); err == nil {
		t.Fatal("CopyObject without the source's key")
	}
	if err := encrypt.ApplyCopySource(cp, sse); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CopyObject(ctx, cp); err != nil {
		t.Fatal(err)
	}
	getCopy := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("c2")}
	encrypt.Apply(getCopy, other)
	if got, err := readBody(c.GetObject(ctx, getCopy)); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("copy: %q: %v", got, err)
	}

	// Presigned PUT and GET: signed with the key's headers, sent with
	// SSE.Header.
	presign := s3.NewPresignClient(c)
	pput := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("presigned")}
	encrypt.Apply(pput, sse)
	preq, err := presign.PresignPutObject(ctx, pput)
	if err != nil {
		t.Fatal(err)
	}
	pget := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("presigned")}
	encrypt.Apply(pget, sse)
	greq, err := presign.PresignGetObject(ctx, pget)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		method, url string
		header      http.Header
		body        []byte
	}{{preq.Method, preq.URL, sse.Header(), body}, {greq.Method, greq.URL, sse.Header(), nil}, {greq.Method, greq.URL, http.Header{}, nil}} {
		hr, _ := http.NewRequest(p.method, p.url, bytes.NewReader(p.body))
		hr.Header = p.header
		resp, err := srv.HTTPClient().Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if len(p.header) == 0 {
			if resp.StatusCode == http.StatusOK {
				t.Fatal("presigned GET without the key's headers accepted")
			}
			continue
		}
		if resp.StatusCode != http.StatusOK || p.method == http.MethodGet && !bytes.Equal(got, body) {
			t.Fatalf("presigned %s: %d %s", p.method, resp.StatusCode, got)
		}
	}

	// Multipart: the key on every request, a part copied from c.
	create := &s3.CreateMultipartUploadInput{Bucket: aws.String("vault"), Key: aws.String("m")}
	encrypt.Apply(create, sse)
	mu, err := c.CreateMultipartUpload(ctx, create)
	if err != nil {
		t.Fatal(err)
	}
	part1 := bytes.Repeat([]byte{'a'}, 5<<20)
	up := &s3.UploadPartInput{Bucket: aws.String("vault"), Key: aws.String("m"), UploadId: mu.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(part1)}
	encrypt.Apply(up, sse)
	p1, err := c.UploadPart(ctx, up)
	if err != nil {
		t.Fatal(err)
	}
	upc := &s3.UploadPartCopyInput{Bucket: aws.String("vault"), Key: aws.String("m"), UploadId: mu.UploadId, PartNumber: aws.Int32(2), CopySource: aws.String("vault/c")}
	encrypt.Apply(upc, sse)
	if err := encrypt.ApplyCopySource(upc, sse); err != nil {
		t.Fatal(err)
	}
	p2, err := c.UploadPartCopy(ctx, upc)
	if err != nil {
		t.Fatal(err)
	}
	complete := &s3.CompleteMultipartUploadInput{Bucket: aws.String("vault"), Key: aws.String("m"), UploadId: mu.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{
			{PartNumber: aws.Int32(1), ETag: p1.ETag}, {PartNumber: aws.Int32(2), ETag: p2.CopyPartResult.ETag}}}}
	encrypt.Apply(complete, sse)
	if aws.ToString(complete.SSECustomerKeyMD5) == "" {
		t.Fatal("CompleteMultipartUpload without the key")
	}
	if _, err := c.CompleteMultipartUpload(ctx, complete); err != nil {
		t.Fatal(err)
	}
	getM := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("m")}
	encrypt.Apply(getM, sse)
	if got, err := readBody(c.GetObject(ctx, getM)); err != nil || !bytes.Equal(got, append(part1, body...)) {
		t.Fatalf("multipart object: %d bytes: %v", len(got), err)
	}

	// Plain HTTP: RequireHTTPS refuses before sending; without it the
	// simulator refuses, as S3 does.
	plain := simulate.NewTestServer(t, w)
	pc := plain.Client(root, encrypt.RequireHTTPS)
	if err := encrypt.CheckOptions(pc.Options()); !errors.Is(err, encrypt.ErrPlainHTTP) {
		t.Fatalf("CheckOptions over HTTP: %v", err)
	}
	if err := encrypt.CheckEndpoint(plain.URL); !errors.Is(err, encrypt.ErrPlainHTTP) {
		t.Fatalf("CheckEndpoint(%s): %v", plain.URL, err)
	}
	if err := encrypt.CheckEndpoint(srv.URL); err != nil {
		t.Fatalf("CheckEndpoint(%s): %v", srv.URL, err)
	}
	for what, call := range map[string]func() error{
		"PutObject": func() error {
			put.Body = bytes.NewReader(body)
			_, err := pc.PutObject(ctx, put)
			return err
		},
		"GetObject":  func() error { _, err := pc.GetObject(ctx, get); return err },
		"HeadObject": func() error { _, err := pc.HeadObject(ctx, head); return err },
		"CopyObject": func() error { _, err := pc.CopyObject(ctx, cp); return err },
	} {
		if err := call(); !errors.Is(err, encrypt.ErrPlainHTTP) {
			t.Fatalf("%s over HTTP with RequireHTTPS: %v", what, err)
		}
	}
	if n := len(plain.Requests()); n != 0 {
		t.Fatalf("%d requests reached the plain-HTTP server", n)
	}
	put.Body = bytes.NewReader(body)
	_, err = plain.Client(root).PutObject(ctx, put)
	wantCode(t, "SSE-C over HTTP without RequireHTTPS", err, "InvalidRequest")
	// RequireHTTPS lets requests without a customer key through.
	if _, err := pc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("p"), Body: strings.NewReader("x")}); err != nil {
		t.Fatalf("plain PutObject with RequireHTTPS: %v", err)
	}
}

// TestSimulatorSSEKMS: SSE-KMS and DSSE-KMS set by Apply are accepted with
// the key, its context and the Bucket Key; a principal without kms:Decrypt
// cannot read the object, as in AWS.
func TestSimulatorSSEKMS(t *testing.T) {
	ctx := context.Background()
	w, writer, reader := simWorld()
	srv := simulate.NewTestTLSServer(t, w)
	wc, rc := srv.Client(writer), srv.Client(reader)
	for i, sse := range []encrypt.SSE{
		encrypt.SSEKMS(simKeyARN, map[string]string{"project": "vault"}).WithBucketKey(true),
		encrypt.SSEKMS("alias/vault", nil),
		encrypt.DSSEKMS(simKeyID, nil),
	} {
		key := "k" + strconv.Itoa(i)
		put := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String(key), Body: strings.NewReader("kms")}
		encrypt.Apply(put, sse)
		out, err := wc.PutObject(ctx, put)
		if err != nil {
			t.Fatalf("%v: %v", sse, err)
		}
		if string(out.ServerSideEncryption) != sse.Header().Get("X-Amz-Server-Side-Encryption") || aws.ToString(out.SSEKMSKeyId) != simKeyARN {
			t.Fatalf("%v: stored as %s with %s", sse, out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
		}
		get := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String(key)}
		encrypt.Apply(get, sse) // sets nothing: S3 finds the KMS key itself
		if got, err := readBody(wc.GetObject(ctx, get)); err != nil || string(got) != "kms" {
			t.Fatalf("%v: read %q: %v", sse, got, err)
		}
		_, err = rc.GetObject(ctx, get)
		wantCode(t, sse.String()+" read without kms:Decrypt", err, "AccessDenied")
		if !strings.Contains(err.Error(), "kms:Decrypt") {
			t.Fatalf("denial does not name kms:Decrypt: %v", err)
		}
	}
	put := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("none"), Body: strings.NewReader("x")}
	encrypt.Apply(put, encrypt.SSEKMS("no-such-key", nil))
	if _, err := wc.PutObject(ctx, put); err == nil {
		t.Fatal("unknown KMS key accepted")
	}
}

// TestSimulatorEnforcement: the bucket policies EnforcementPolicy builds,
// installed with the default encryption DefaultEncryption builds, make the
// simulator refuse every non-compliant upload and accept compliant ones.
func TestSimulatorEnforcement(t *testing.T) {
	ctx := context.Background()
	root := "arn:aws:iam::" + simAccount + ":root"
	customerKey, _ := encrypt.GenerateSSECKey()
	ssec, _ := encrypt.SSEC(customerKey)
	uploads := map[string]encrypt.SSE{
		"none":          {},
		"SSE-S3":        encrypt.SSES3(),
		"SSE-KMS":       encrypt.SSEKMS(simKeyARN, nil),
		"SSE-KMS other": encrypt.SSEKMS("arn:aws:kms:us-east-1:"+simAccount+":key/"+simOtherID, nil),
		"DSSE-KMS":      encrypt.DSSEKMS(simKeyARN, nil),
		"SSE-C":         ssec,
	}
	for _, c := range []struct {
		name     string
		def      encrypt.SSE
		blockC   bool
		e        encrypt.Enforcement
		accepted []string
	}{
		{"KMS key required in the request", encrypt.SSEKMS(simKeyARN, nil), true,
			encrypt.Enforcement{SSE: encrypt.SSEKMS(simKeyARN, nil), RequireHeader: true, DenySSEC: true, DenyHTTP: true},
			[]string{"SSE-KMS"}},
		{"KMS key or the default", encrypt.SSEKMS(simKeyARN, nil), true,
			encrypt.Enforcement{SSE: encrypt.SSEKMS(simKeyARN, nil), DenySSEC: true},
			[]string{"none", "SSE-KMS"}},
		{"SSE-S3 required", encrypt.SSES3(), false,
			encrypt.Enforcement{SSE: encrypt.SSES3(), RequireHeader: true, DenySSEC: true},
			[]string{"SSE-S3"}},
		{"SSE-C required", encrypt.SSES3(), false,
			encrypt.Enforcement{SSE: ssec, DenyHTTP: true},
			[]string{"SSE-C"}},
		{"DSSE-KMS or the default", encrypt.DSSEKMS(simKeyARN, nil), true,
			encrypt.Enforcement{SSE: encrypt.DSSEKMS(simKeyARN, nil)},
			[]string{"none", "DSSE-KMS"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, _, _ := simWorld()
			srv := simulate.NewTestTLSServer(t, w)
			cl := srv.Client(root)
			def, err := encrypt.DefaultEncryption(c.def, c.blockC)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cl.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("vault"), ServerSideEncryptionConfiguration: def}); err != nil {
				t.Fatal(err)
			}
			c.e.Bucket = "vault"
			pol, err := encrypt.EnforcementPolicy(c.e)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cl.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("vault"), Policy: aws.String(string(pol))}); err != nil {
				t.Fatal(err)
			}
			for name, sse := range uploads {
				put := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String(name), Body: strings.NewReader("x")}
				encrypt.Apply(put, sse)
				out, err := cl.PutObject(ctx, put)
				want := false
				for _, a := range c.accepted {
					want = want || a == name
				}
				switch {
				case want && err != nil:
					t.Errorf("%s upload refused: %v", name, err)
				case !want && err == nil:
					t.Errorf("%s upload accepted (stored as %s)", name, out.ServerSideEncryption)
				case !want && s3Code(err) != "AccessDenied":
					t.Errorf("%s upload: want AccessDenied, got %v", name, err)
				case want && name == "none" && (out.ServerSideEncryption != def.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm ||
					aws.ToString(out.SSEKMSKeyId) != simKeyARN):
					t.Errorf("default encryption not applied: %s %s", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
				}
			}
			if c.e.DenyHTTP {
				// The same bucket policy, loaded with the world, over HTTP.
				w.Accounts[0].Buckets[0].Policy = pol
				plain := simulate.NewTestServer(t, w)
				pc := plain.Client(root)
				for _, err := range []error{
					func() error {
						_, err := pc.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("vault")})
						return err
					}(),
					func() error {
						_, err := pc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("h"), Body: strings.NewReader("x")})
						return err
					}(),
				} {
					wantCode(t, "request over HTTP", err, "AccessDenied")
				}
			}
		})
	}
}

// TestSimulatorClientSide: objects encrypted client side round-trip through
// the simulator and the SDK: PutObject and GetObject with the envelope in
// metadata or an instruction file, bodies of unknown length, every
// decryption mode, ranged GETs with the opt-in, a multipart upload with
// parts sealed in parallel, SSE-KMS on top; a stored byte altered is
// refused.
func TestSimulatorClientSide(t *testing.T) {
	ctx := context.Background()
	w, writer, reader := simWorld()
	srv := simulate.NewTestTLSServer(t, w)
	wc := srv.Client(writer)
	dir := t.TempDir()
	modes := map[string]func(*encrypt.Decrypter){
		"memory":  func(*encrypt.Decrypter) {},
		"spool":   func(d *encrypt.Decrypter) { d.MaxBuffer, d.SpoolDir = 1000, dir },
		"delayed": func(d *encrypt.Decrypter) { d.DelayedAuthentication = true },
	}
	get := func(t *testing.T, d *encrypt.Decrypter, key, rng string, ec map[string]string) ([]byte, *s3.GetObjectOutput, error) {
		t.Helper()
		in := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String(key)}
		if rng != "" {
			in.Range = aws.String(rng)
		}
		out, err := d.GetObject(ctx, wc, in, ec)
		got, err := readBody(out, err)
		return got, out, err
	}
	for _, kr := range keyrings(t)[:2] {
		for _, instr := range []bool{false, true} {
			name := kr.name + "/instruction-file=" + strconv.FormatBool(instr)
			t.Run(name, func(t *testing.T) {
				enc := encrypt.NewEncrypter(kr.k)
				enc.InstructionFile = instr
				for _, n := range []int{0, 1, 17, 1<<20 + 5} {
					pt := randBytes(n)
					key := name + "/" + strconv.Itoa(n)
					in := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String(key),
						Body: bytes.NewReader(pt), ContentLength: aws.Int64(int64(n)), Metadata: map[string]string{"owner": "ana"}}
					if n == 17 {
						encrypt.Apply(in, encrypt.SSEKMS(simKeyARN, nil)) // client side, then server side
					}
					if _, err := enc.PutObject(ctx, wc, in, kr.ec); err != nil {
						t.Fatalf("n=%d: %v", n, err)
					}
					head, err := wc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vault"), Key: aws.String(key)})
					if err != nil {
						t.Fatal(err)
					}
					if aws.ToInt64(head.ContentLength) != int64(n+16) || head.Metadata["owner"] != "ana" {
						t.Fatalf("n=%d: stored %d bytes, metadata %v", n, aws.ToInt64(head.ContentLength), head.Metadata)
					}
					// The wrapped key: in the metadata, or in the instruction file.
					_, hasKey := head.Metadata["x-amz-3"]
					if hasKey == instr {
						t.Fatalf("n=%d: wrapped key in the metadata %v with instruction file %v: %v", n, hasKey, instr, head.Metadata)
					}
					_, err = wc.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vault"), Key: aws.String(key + encrypt.InstructionFileSuffix)})
					if (err == nil) != instr {
						t.Fatalf("n=%d: instruction file: %v", n, err)
					}
					for mode, set := range modes {
						d := encrypt.NewDecrypter(kr.k)
						set(d)
						got, out, err := get(t, d, key, "", kr.ec)
						if err != nil || !bytes.Equal(got, pt) || aws.ToInt64(out.ContentLength) != int64(n) {
							t.Fatalf("n=%d %s: %d bytes, %v", n, mode, len(got), err)
						}
					}
					if n < 2 {
						continue
					}
					d := encrypt.NewDecrypter(kr.k)
					if _, _, err := get(t, d, key, "bytes=1-", kr.ec); !errors.Is(err, encrypt.ErrUnauthenticatedRange) {
						t.Fatalf("range without opt-in: %v", err)
					}
					d.UnauthenticatedRanges = true
					first, last := int64(1), int64(n/2)
					got, out, err := get(t, d, key, "bytes="+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10), kr.ec)
					if err != nil || !bytes.Equal(got, pt[first:last+1]) {
						t.Fatalf("n=%d range: %d bytes, %v", n, len(got), err)
					}
					if want := "bytes 1-" + strconv.FormatInt(last, 10) + "/" + strconv.Itoa(n); aws.ToString(out.ContentRange) != want {
						t.Fatalf("Content-Range %q, want %q", aws.ToString(out.ContentRange), want)
					}
				}
			})
		}
	}

	kr := keyrings(t)[0]
	enc := encrypt.NewEncrypter(kr.k)
	t.Run("unknown length", func(t *testing.T) {
		// S3 needs the length of a PutObject, so the simulator refuses a
		// body of unknown length, as S3 does.
		_, err := enc.PutObject(ctx, wc, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("stream"),
			Body: io.MultiReader(strings.NewReader("streamed"))}, kr.ec)
		wantCode(t, "unknown length", err, "MissingContentLength")
	})

	t.Run("multipart", func(t *testing.T) {
		const partSize = 5 << 20
		pt := randBytes(2*partSize + 12345)
		m, err := enc.NewMultipartUpload(ctx, partSize, kr.ec)
		if err != nil {
			t.Fatal(err)
		}
		mu, err := wc.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("vault"), Key: aws.String("big"),
			Metadata: m.Envelope().Metadata()})
		if err != nil {
			t.Fatal(err)
		}
		upload := func(n int32, body []byte) (types.CompletedPart, error) {
			out, err := wc.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("vault"), Key: aws.String("big"), UploadId: mu.UploadId,
				PartNumber: aws.Int32(n), Body: bytes.NewReader(body)})
			if err != nil {
				return types.CompletedPart{}, err
			}
			return types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag}, nil
		}
		parts := make([]types.CompletedPart, 3)
		errs := make([]error, 3)
		done := make(chan struct{})
		for i := range 2 {
			go func() {
				defer func() { done <- struct{}{} }()
				c, err := m.SealPart(nil, int32(i+1), pt[i*partSize:(i+1)*partSize])
				if err == nil {
					parts[i], err = upload(int32(i+1), c)
				}
				errs[i] = err
			}()
		}
		<-done
		<-done
		last, err := m.SealLastPart(nil, 3, pt[2*partSize:])
		if err == nil {
			parts[2], err = upload(3, last)
		}
		if err := errors.Join(append(errs, err)...); err != nil {
			t.Fatal(err)
		}
		if _, err := wc.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("vault"), Key: aws.String("big"),
			UploadId: mu.UploadId, MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
			t.Fatal(err)
		}
		for mode, set := range modes {
			d := encrypt.NewDecrypter(kr.k)
			set(d)
			got, _, err := get(t, d, "big", "", kr.ec)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("%s: %d bytes, %v", mode, len(got), err)
			}
		}
		d := encrypt.NewDecrypter(kr.k)
		d.UnauthenticatedRanges = true
		lo, hi := int64(partSize-100), int64(partSize+100) // across parts
		got, _, err := get(t, d, "big", "bytes="+strconv.FormatInt(lo, 10)+"-"+strconv.FormatInt(hi, 10), kr.ec)
		if err != nil || !bytes.Equal(got, pt[lo:hi+1]) {
			t.Fatalf("range across parts: %d bytes, %v", len(got), err)
		}
	})

	t.Run("tampered", func(t *testing.T) {
		pt := randBytes(3 << 20)
		if _, err := enc.PutObject(ctx, wc, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("t"),
			Body: bytes.NewReader(pt), ContentLength: aws.Int64(int64(len(pt)))}, kr.ec); err != nil {
			t.Fatal(err)
		}
		raw, err := wc.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("t")})
		if err != nil {
			t.Fatal(err)
		}
		ct, _ := io.ReadAll(raw.Body)
		raw.Body.Close()
		ct[len(ct)/2] ^= 1
		if _, err := wc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("t"),
			Body: bytes.NewReader(ct), Metadata: raw.Metadata}); err != nil {
			t.Fatal(err)
		}
		for mode, set := range modes {
			d := encrypt.NewDecrypter(kr.k)
			set(d)
			got, _, err := get(t, d, "t", "", kr.ec)
			if !errors.Is(err, encrypt.ErrAuthentication) {
				t.Fatalf("%s: %v", mode, err)
			}
			if mode != "delayed" && len(got) > 0 {
				t.Fatalf("%s: %d bytes released", mode, len(got))
			}
		}
	})

	t.Run("SSE-KMS on top, no kms:Decrypt", func(t *testing.T) {
		in := &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("layered"), Body: strings.NewReader("two layers")}
		encrypt.Apply(in, encrypt.SSEKMS(simKeyARN, nil))
		if _, err := enc.PutObject(ctx, wc, in, kr.ec); err != nil {
			t.Fatal(err)
		}
		_, err := encrypt.NewDecrypter(kr.k).GetObject(ctx, srv.Client(reader), &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("layered")}, kr.ec)
		wantCode(t, "reader without kms:Decrypt", err, "AccessDenied")
	})
}

// failingReader returns err after n bytes.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	m := min(len(p), f.n)
	clear(p[:m])
	f.n -= m
	return m, nil
}

// TestSimulatorUpload: Encrypter.Upload sends bodies of any length, known
// or not, as multipart uploads the simulator accepts and the Decrypter
// reads back; a failing body aborts the upload.
func TestSimulatorUpload(t *testing.T) {
	ctx := context.Background()
	w, _, _ := simWorld()
	srv := simulate.NewTestTLSServer(t, w)
	root := "arn:aws:iam::" + simAccount + ":root"
	c := srv.Client(root)
	allowSSEC(t, c, "vault")
	kr := keyrings(t)[0]
	const part = 5 << 20
	customerKey, _ := encrypt.GenerateSSECKey()
	ssec, _ := encrypt.SSEC(customerKey)
	for _, tc := range []struct {
		n           int
		concurrency int
		instr       bool
		sse         encrypt.SSE
	}{
		{0, 0, false, encrypt.SSE{}},
		{1, 1, true, encrypt.SSE{}},
		{part, 2, false, encrypt.SSEKMS(simKeyARN, nil)},
		{part + 1, 1, false, ssec},
		{3*part + 7, 3, true, ssec},
	} {
		name := strconv.Itoa(tc.n) + "-" + strconv.Itoa(tc.concurrency) + "-" + strconv.FormatBool(tc.instr) + "-" + tc.sse.String()
		t.Run(name, func(t *testing.T) {
			enc := encrypt.NewEncrypter(kr.k)
			enc.InstructionFile = tc.instr
			pt := randBytes(tc.n)
			in := &s3.CreateMultipartUploadInput{Bucket: aws.String("vault"), Key: aws.String(name), Metadata: map[string]string{"owner": "ana"}}
			encrypt.Apply(in, tc.sse)
			// A body of unknown length.
			if _, err := enc.Upload(ctx, c, in, io.MultiReader(bytes.NewReader(pt)), part, tc.concurrency, kr.ec); err != nil {
				t.Fatal(err)
			}
			get := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String(name)}
			encrypt.Apply(get, tc.sse)
			for _, set := range []func(*encrypt.Decrypter){
				func(*encrypt.Decrypter) {},
				func(d *encrypt.Decrypter) { d.DelayedAuthentication = true },
			} {
				d := encrypt.NewDecrypter(kr.k)
				set(d)
				got, err := readBody(d.GetObject(ctx, c, get, kr.ec))
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("%d bytes, %v", len(got), err)
				}
			}
		})
	}

	boom := errors.New("boom")
	enc := encrypt.NewEncrypter(kr.k)
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String("vault"), Key: aws.String("failed")}
	if _, err := enc.Upload(ctx, c, in, &failingReader{n: 2*part + 100, err: boom}, part, 2, kr.ec); !errors.Is(err, boom) {
		t.Fatalf("failing body: %v", err)
	}
	list, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("vault")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Uploads) != 0 {
		t.Fatalf("%d multipart uploads left after a failure", len(list.Uploads))
	}
	if _, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("vault"), Key: aws.String("failed")}); err == nil {
		t.Fatal("failed upload completed")
	}
	// A part the service refuses: the cause is returned, the upload aborted.
	flaky := &flakyParts{Client: c, fail: 2}
	if _, err := enc.Upload(ctx, flaky, in, bytes.NewReader(make([]byte, 4*part)), part, 2, kr.ec); s3Code(err) != "InvalidPart" {
		t.Fatalf("refused part: %v", err)
	}
	if list, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: aws.String("vault")}); err != nil || len(list.Uploads) != 0 {
		t.Fatalf("uploads left after a refused part: %v", err)
	}
	if _, err := enc.Upload(ctx, c, in, bytes.NewReader(nil), 1<<20, 0, nil); err == nil {
		t.Fatal("1 MiB parts accepted")
	}
}

// flakyParts refuses one part number.
type flakyParts struct {
	*s3.Client
	fail int32
}

func (f *flakyParts) UploadPart(ctx context.Context, in *s3.UploadPartInput, optFns ...func(*s3.Options)) (*s3.UploadPartOutput, error) {
	if aws.ToInt32(in.PartNumber) == f.fail {
		return nil, &smithy.GenericAPIError{Code: "InvalidPart", Message: "refused by the test"}
	}
	return f.Client.UploadPart(ctx, in, optFns...)
}

// TestSimulatorKMSKeyring: the KMS keyring with the SDK's kms client
// against the simulator's KMS: objects round-trip through its S3; a
// principal without kms:Decrypt cannot unwrap the data key, nor can anyone
// with another encryption context.
func TestSimulatorKMSKeyring(t *testing.T) {
	ctx := context.Background()
	w, writer, reader := simWorld()
	srv := simulate.NewTestTLSServer(t, w)
	ec := map[string]string{"tenant": "a"}
	wk := encrypt.NewKMSKeyring(kms.NewFromConfig(srv.Config(writer)), simKeyARN)
	enc := encrypt.NewEncrypter(wk)
	pt := randBytes(200 << 10)
	if _, err := enc.PutObject(ctx, srv.Client(writer), &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("kms"),
		Body: bytes.NewReader(pt)}, ec); err != nil {
		t.Fatal(err)
	}
	get := &s3.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("kms")}
	got, err := readBody(encrypt.NewDecrypter(wk).GetObject(ctx, srv.Client(writer), get, ec))
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("%d bytes, %v", len(got), err)
	}
	// The reader may get the object but not decrypt its data key.
	rk := encrypt.NewKMSKeyring(kms.NewFromConfig(srv.Config(reader)), simKeyARN)
	_, err = readBody(encrypt.NewDecrypter(rk).GetObject(ctx, srv.Client(reader), get, ec))
	if !errors.Is(err, encrypt.ErrUnwrap) || s3Code(err) != "AccessDeniedException" {
		t.Fatalf("reader without kms:Decrypt: %v", err)
	}
	// Another context: refused before KMS (ErrContextMismatch), or by KMS
	// when the caller does not say which context it expects and the
	// stored one is altered.
	if _, err := readBody(encrypt.NewDecrypter(wk).GetObject(ctx, srv.Client(writer), get, map[string]string{"tenant": "b"})); !errors.Is(err, encrypt.ErrContextMismatch) {
		t.Fatalf("other context: %v", err)
	}
	raw, err := srv.Client(writer).GetObject(ctx, get)
	if err != nil {
		t.Fatal(err)
	}
	ct, _ := io.ReadAll(raw.Body)
	raw.Body.Close()
	stored := raw.Metadata["x-amz-t"]
	if !strings.Contains(stored, `"tenant":"a"`) {
		t.Fatalf("stored context %q", stored)
	}
	raw.Metadata["x-amz-t"] = strings.Replace(stored, `"tenant":"a"`, `"tenant":"b"`, 1)
	if _, err := srv.Client(writer).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("kms"),
		Body: bytes.NewReader(ct), Metadata: raw.Metadata}); err != nil {
		t.Fatal(err)
	}
	got, err = readBody(encrypt.NewDecrypter(wk).GetObject(ctx, srv.Client(writer), get, nil))
	if !errors.Is(err, encrypt.ErrUnwrap) || s3Code(err) != "InvalidCiphertextException" || len(got) != 0 {
		t.Fatalf("altered stored context: %d bytes, %v", len(got), err)
	}
}

// TestSimulatorTransferManager: the SDK's transfer manager uploads the
// ciphertext a Reader streams (unknown length, so in parts) with the
// envelope as metadata, and downloads it in parallel ranges for the
// Decrypter.
func TestSimulatorTransferManager(t *testing.T) {
	ctx := context.Background()
	w, writer, _ := simWorld()
	srv := simulate.NewTestTLSServer(t, w)
	kr := keyrings(t)[0]
	const partSize = 5 << 20
	tm := transfermanager.New(srv.Client(writer), func(o *transfermanager.Options) {
		o.PartSizeBytes = partSize
		o.MultipartUploadThreshold = partSize
		o.Concurrency = 3
	})
	pt := randBytes(2*partSize + 4321)
	r, err := encrypt.NewEncrypter(kr.k).NewReader(ctx, io.MultiReader(bytes.NewReader(pt)), -1, kr.ec)
	if err != nil {
		t.Fatal(err)
	}
	up, err := tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String("vault"), Key: aws.String("tm"),
		Body: struct{ io.Reader }{r}, Metadata: r.Envelope().Metadata()})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.UploadID) == "" {
		t.Error("not a multipart upload")
	}
	out, err := tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("tm")})
	if err != nil {
		t.Fatal(err)
	}
	env, err := encrypt.ParseEnvelope(out.Metadata, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, delayed := range []bool{false, true} {
		d := encrypt.NewDecrypter(kr.k)
		d.DelayedAuthentication = delayed
		if delayed {
			if out, err = tm.GetObject(ctx, &transfermanager.GetObjectInput{Bucket: aws.String("vault"), Key: aws.String("tm")}); err != nil {
				t.Fatal(err)
			}
		}
		dr, err := d.NewReader(ctx, env, out.Body, aws.ToInt64(out.ContentLength), kr.ec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(dr)
		dr.Close()
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("delayed=%v: %d bytes, %v", delayed, len(got), err)
		}
	}
}
