package encrypt_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3vet/s3vet/encrypt"
	"github.com/s3vet/s3vet/policy"
)

func TestSSEC(t *testing.T) {
	key, err := encrypt.GenerateSSECKey()
	if err != nil || len(key) != 32 {
		t.Fatal(err)
	}
	sse, err := encrypt.SSEC(key)
	if err != nil {
		t.Fatal(err)
	}
	sum := md5.Sum(key)
	wantKey, wantMD5 := base64.StdEncoding.EncodeToString(key), base64.StdEncoding.EncodeToString(sum[:])
	check := func(what string, alg, k, m *string) {
		t.Helper()
		if aws.ToString(alg) != "AES256" || aws.ToString(k) != wantKey || aws.ToString(m) != wantMD5 {
			t.Errorf("%s: %v %v %v", what, aws.ToString(alg), aws.ToString(k), aws.ToString(m))
		}
	}
	put := &s3.PutObjectInput{ServerSideEncryption: types.ServerSideEncryptionAwsKms}
	encrypt.Apply(put, sse)
	check("PutObject", put.SSECustomerAlgorithm, put.SSECustomerKey, put.SSECustomerKeyMD5)
	if put.ServerSideEncryption != "" {
		t.Error("PutObject kept x-amz-server-side-encryption with SSE-C")
	}
	get := &s3.GetObjectInput{}
	encrypt.Apply(get, sse)
	check("GetObject", get.SSECustomerAlgorithm, get.SSECustomerKey, get.SSECustomerKeyMD5)
	head := &s3.HeadObjectInput{}
	encrypt.Apply(head, sse)
	check("HeadObject", head.SSECustomerAlgorithm, head.SSECustomerKey, head.SSECustomerKeyMD5)
	part := &s3.UploadPartInput{}
	encrypt.Apply(part, sse)
	check("UploadPart", part.SSECustomerAlgorithm, part.SSECustomerKey, part.SSECustomerKeyMD5)
	create := &s3.CreateMultipartUploadInput{}
	encrypt.Apply(create, sse)
	check("CreateMultipartUpload", create.SSECustomerAlgorithm, create.SSECustomerKey, create.SSECustomerKeyMD5)

	cp := &s3.CopyObjectInput{}
	encrypt.Apply(cp, sse)
	if err := encrypt.ApplyCopySource(cp, sse); err != nil {
		t.Fatal(err)
	}
	check("CopyObject", cp.SSECustomerAlgorithm, cp.SSECustomerKey, cp.SSECustomerKeyMD5)
	check("CopyObject source", cp.CopySourceSSECustomerAlgorithm, cp.CopySourceSSECustomerKey, cp.CopySourceSSECustomerKeyMD5)
	upc := &s3.UploadPartCopyInput{}
	encrypt.Apply(upc, sse)
	if err := encrypt.ApplyCopySource(upc, sse); err != nil {
		t.Fatal(err)
	}
	check("UploadPartCopy", upc.SSECustomerAlgorithm, upc.SSECustomerKey, upc.SSECustomerKeyMD5)
	check("UploadPartCopy source", upc.CopySourceSSECustomerAlgorithm, upc.CopySourceSSECustomerKey, upc.CopySourceSSECustomerKeyMD5)
	if err := encrypt.ApplyCopySource(cp, encrypt.SSES3()); err == nil {
		t.Error("SSE-S3 copy source accepted")
	}

	h := sse.Header()
	if h.Get("x-amz-server-side-encryption-customer-key-md5") != wantMD5 || h.Get("x-amz-server-side-encryption") != "" {
		t.Errorf("Header %v", h)
	}
	if _, err := encrypt.SSEC(key[:16]); err == nil {
		t.Error("128-bit SSE-C key accepted")
	}
	if sse.String() != "SSE-C" {
		t.Error(sse.String())
	}
}

func TestSSEKMS(t *testing.T) {
	sse := encrypt.SSEKMS(testKeyID, map[string]string{"project": "x"}).WithBucketKey(true)
	put := &s3.PutObjectInput{}
	encrypt.Apply(put, sse)
	if put.ServerSideEncryption != "aws:kms" || aws.ToString(put.SSEKMSKeyId) != testKeyID || !aws.ToBool(put.BucketKeyEnabled) {
		t.Fatalf("%+v", put)
	}
	ec, err := base64.StdEncoding.DecodeString(aws.ToString(put.SSEKMSEncryptionContext))
	if err != nil || string(ec) != `{"project":"x"}` {
		t.Fatalf("context %q %v", ec, err)
	}
	get := &s3.GetObjectInput{}
	encrypt.Apply(get, sse)
	if get.SSECustomerKey != nil {
		t.Fatal("GetObject of an SSE-KMS object got SSE headers")
	}
	d := encrypt.DSSEKMS("", nil)
	cmu := &s3.CreateMultipartUploadInput{}
	encrypt.Apply(cmu, d)
	if cmu.ServerSideEncryption != "aws:kms:dsse" || cmu.SSEKMSKeyId != nil || cmu.SSEKMSEncryptionContext != nil {
		t.Fatalf("%+v", cmu)
	}
	s3s := &s3.CopyObjectInput{}
	encrypt.Apply(s3s, encrypt.SSES3().WithBucketKey(true))
	if s3s.ServerSideEncryption != "AES256" || s3s.BucketKeyEnabled != nil {
		t.Fatalf("%+v", s3s)
	}
	h := sse.Header()
	if h.Get("X-Amz-Server-Side-Encryption") != "aws:kms" || h.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled") != "true" ||
		h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") != testKeyID || h.Get("X-Amz-Server-Side-Encryption-Context") == "" {
		t.Fatalf("Header %v", h)
	}
}

func TestDefaultEncryption(t *testing.T) {
	c, err := encrypt.DefaultEncryption(encrypt.SSEKMS(testKeyID, nil).WithBucketKey(true), true)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Rules[0]
	if r.ApplyServerSideEncryptionByDefault.SSEAlgorithm != "aws:kms" || aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != testKeyID ||
		!aws.ToBool(r.BucketKeyEnabled) || r.BlockedEncryptionTypes.EncryptionType[0] != types.EncryptionTypeSseC {
		t.Fatalf("%+v", r)
	}
	c, _ = encrypt.DefaultEncryption(encrypt.SSES3(), false)
	if c.Rules[0].BlockedEncryptionTypes.EncryptionType[0] != types.EncryptionTypeNone {
		t.Fatal("NONE")
	}
	key, _ := encrypt.GenerateSSECKey()
	ssec, _ := encrypt.SSEC(key)
	if _, err := encrypt.DefaultEncryption(ssec, true); err == nil {
		t.Error("SSE-C default accepted")
	}
	if _, err := encrypt.DefaultEncryption(encrypt.SSEKMS("", map[string]string{"a": "b"}), true); err == nil {
		t.Error("default with a context accepted")
	}
}

type stubHTTP struct{ sent atomic.Int32 }

func (s *stubHTTP) Do(*http.Request) (*http.Response, error) {
	s.sent.Add(1)
	return nil, errors.New("stub: not sending")
}

func TestRequireHTTPS(t *testing.T) {
	key, _ := encrypt.GenerateSSECKey()
	ssec, _ := encrypt.SSEC(key)
	for _, c := range []struct {
		endpoint string
		sse      encrypt.SSE
		refused  bool
	}{
		{"http://127.0.0.1:9000", ssec, true},
		{"https://127.0.0.1:9000", ssec, false},
		{"http://127.0.0.1:9000", encrypt.SSES3(), false},
	} {
		stub := &stubHTTP{}
		client := s3.New(s3.Options{
			Region:           "us-east-1",
			BaseEndpoint:     aws.String(c.endpoint),
			UsePathStyle:     true,
			Credentials:      credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
			HTTPClient:       stub,
			RetryMaxAttempts: 1,
		}, encrypt.RequireHTTPS)
		in := &s3.PutObjectInput{Bucket: aws.String("b"), Key: aws.String("k"), Body: strings.NewReader("x")}
		encrypt.Apply(in, c.sse)
		_, err := client.PutObject(context.Background(), in)
		if refused := errors.Is(err, encrypt.ErrPlainHTTP); refused != c.refused || (stub.sent.Load() == 0) != c.refused {
			t.Errorf("%s %v: refused %v, sent %d: %v", c.endpoint, c.sse, refused, stub.sent.Load(), err)
		}
	}
	if err := encrypt.CheckEndpoint("http://minio:9000"); !errors.Is(err, encrypt.ErrPlainHTTP) {
		t.Error(err)
	}
	if err := encrypt.CheckEndpoint("https://s3.eu-west-1.amazonaws.com"); err != nil {
		t.Error(err)
	}
	o := s3.Options{}
	o.EndpointOptions.DisableHTTPS = true
	if err := encrypt.CheckOptions(o); !errors.Is(err, encrypt.ErrPlainHTTP) {
		t.Error(err)
	}
	if err := encrypt.CheckOptions(s3.Options{Region: "us-east-1"}); err != nil {
		t.Error(err)
	}
}

// TestEnforcementPolicy evaluates the generated bucket policy with the
// policy package, as S3 would: the statements deny what they should and
// nothing else. S3 authorizes PutObject, CopyObject and multipart uploads
// as s3:PutObject with the request's encryption headers as condition keys
// (Amazon S3 User Guide, "Amazon S3 condition key examples" and "Enforcing
// encryption with bucket policies").
func TestEnforcementPolicy(t *testing.T) {
	const bucket = "payroll"
	identity := policy.MustParse("admin", policy.IdentityBased, `{"Version":"2012-10-17",
	  "Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	const otherKey = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000"
	type req struct {
		name    string
		action  string
		ctx     map[string][]string
		allowed bool
	}
	tls := func(kv map[string][]string) map[string][]string {
		if kv == nil {
			kv = map[string][]string{}
		}
		if _, ok := kv["aws:SecureTransport"]; !ok {
			kv["aws:SecureTransport"] = []string{"true"}
		}
		return kv
	}
	sseHdr := "s3:x-amz-server-side-encryption"
	keyHdr := "s3:x-amz-server-side-encryption-aws-kms-key-id"
	cHdr := "s3:x-amz-server-side-encryption-customer-algorithm"
	key, _ := encrypt.GenerateSSECKey()
	ssec, _ := encrypt.SSEC(key)

	cases := []struct {
		name string
		e    encrypt.Enforcement
		reqs []req
	}{
		{"kms-required", encrypt.Enforcement{Bucket: bucket, SSE: encrypt.SSEKMS(testKeyID, nil), RequireHeader: true, DenySSEC: true, DenyHTTP: true}, []req{
			{"right key", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}, keyHdr: {testKeyID}}), true},
			{"no header", "s3:PutObject", tls(nil), false},
			{"SSE-S3", "s3:PutObject", tls(map[string][]string{sseHdr: {"AES256"}}), false},
			{"aws/s3 key", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}}), false},
			{"other key", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}, keyHdr: {otherKey}}), false},
			{"SSE-C", "s3:PutObject", tls(map[string][]string{cHdr: {"AES256"}}), false},
			{"HTTP", "s3:PutObject", map[string][]string{"aws:SecureTransport": {"false"}, sseHdr: {"aws:kms"}, keyHdr: {testKeyID}}, false},
			{"GET over TLS", "s3:GetObject", tls(nil), true},
			{"GET over HTTP", "s3:GetObject", map[string][]string{"aws:SecureTransport": {"false"}}, false},
			{"ListBucket over HTTP", "s3:ListBucket", map[string][]string{"aws:SecureTransport": {"false"}}, false},
		}},
		{"kms-default-applies", encrypt.Enforcement{Bucket: bucket, SSE: encrypt.SSEKMS(testKeyID, nil), DenySSEC: true}, []req{
			{"no header", "s3:PutObject", tls(nil), true},
			{"right key", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}, keyHdr: {testKeyID}}), true},
			{"SSE-S3", "s3:PutObject", tls(map[string][]string{sseHdr: {"AES256"}}), false},
			{"other key", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}, keyHdr: {otherKey}}), false},
			{"aws/s3 key", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}}), false},
			{"SSE-C", "s3:PutObject", tls(map[string][]string{cHdr: {"AES256"}}), false},
			{"HTTP allowed", "s3:GetObject", map[string][]string{"aws:SecureTransport": {"false"}}, true},
		}},
		{"sse-s3", encrypt.Enforcement{Bucket: bucket, SSE: encrypt.SSES3(), RequireHeader: true}, []req{
			{"AES256", "s3:PutObject", tls(map[string][]string{sseHdr: {"AES256"}}), true},
			{"KMS", "s3:PutObject", tls(map[string][]string{sseHdr: {"aws:kms"}}), false},
			{"no header", "s3:PutObject", tls(nil), false},
		}},
		{"ssec-required", encrypt.Enforcement{Bucket: bucket, SSE: ssec}, []req{
			{"SSE-C", "s3:PutObject", tls(map[string][]string{cHdr: {"AES256"}}), true},
			{"no key", "s3:PutObject", tls(nil), false},
		}},
	}
	for _, c := range cases {
		doc, err := encrypt.EnforcementPolicy(c.e)
		if err != nil {
			t.Fatal(err)
		}
		p, err := policy.Parse("bucket policy of "+bucket, policy.ResourceBased, doc)
		if err != nil {
			t.Fatalf("%s: policy.Parse: %v\n%s", c.name, err, doc)
		}
		set := &policy.Set{Identity: []*policy.Policy{identity}, Resource: p}
		for _, r := range c.reqs {
			resource := "arn:aws:s3:::" + bucket + "/salaries.csv"
			if r.action == "s3:ListBucket" {
				resource = "arn:aws:s3:::" + bucket
			}
			q, err := policy.NewRequest("arn:aws:iam::111122223333:user/maria", r.action, resource, "111122223333", policy.NewContext(r.ctx))
			if err != nil {
				t.Fatal(err)
			}
			res := set.Evaluate(q)
			if allowed := res.Decision == policy.Allowed; allowed != r.allowed {
				t.Errorf("%s / %s: %v (%s)\n%s", c.name, r.name, res.Decision, res.Message(q), doc)
			}
		}
	}

	if _, err := encrypt.EnforcementPolicy(encrypt.Enforcement{Bucket: bucket, SSE: encrypt.SSEKMS("alias/x", nil)}); err == nil {
		t.Error("key alias accepted for enforcement")
	}
	if _, err := encrypt.EnforcementPolicy(encrypt.Enforcement{Bucket: bucket, SSE: ssec, DenySSEC: true}); err == nil {
		t.Error("SSE-C both required and denied")
	}
	sts, _ := encrypt.Enforcement{Bucket: bucket, DenyHTTP: true}.Statements()
	var st map[string]any
	json.Unmarshal(sts[0], &st)
	if st["Sid"] != "DenyInsecureTransport" {
		t.Error(st)
	}
}
