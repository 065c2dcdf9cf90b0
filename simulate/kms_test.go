package simulate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3vet/s3vet/simulate"
)

// SSE-KMS as in AWS: writing needs kms:GenerateDataKey and reading
// kms:Decrypt on the key, which the key policy must allow; the aws/s3 key
// serves every principal of the account.
func TestSSEKMS(t *testing.T) {
	w := &simulate.World{}
	a := w.AddAccount("888888888888")
	a.KMSKeys = []simulate.KMSKey{
		{ID: "1234abcd-12ab-34cd-56ef-1234567890ab", Alias: "alias/app"},
		{ID: "locked-key", Policy: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::888888888888:root"},"Action":"kms:DescribeKey","Resource":"*"}]}`)},
	}
	writer := a.AddUser("writer", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::vault/*","arn:aws:s3:::plain/*"]},
		{"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*"}]}`)
	reader := a.AddUser("reader", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::vault/*","arn:aws:s3:::plain/*"]}]}`)
	a.AddBucket("vault").Encryption = &simulate.Encryption{Algorithm: "aws:kms", KMSKeyID: "alias/app"}
	a.AddBucket("plain").Encryption = &simulate.Encryption{Algorithm: "aws:kms"}
	srv := simulate.NewTestServer(t, w)
	ctx := context.Background()
	wc, rc := srv.Client(writer.ARN()), srv.Client(reader.ARN())

	out, err := wc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("s"), Body: strings.NewReader("secret")})
	if err != nil {
		t.Fatal(err)
	}
	if out.ServerSideEncryption != types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != "arn:aws:kms:us-east-1:888888888888:key/1234abcd-12ab-34cd-56ef-1234567890ab" {
		t.Fatalf("SSE %q key %q", out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId))
	}
	if body, err := get(ctx, wc, "vault", "s"); err != nil || body != "secret" {
		t.Fatalf("writer GET: %q %v", body, err)
	}
	_, err = get(ctx, rc, "vault", "s")
	wantError(t, err, "AccessDenied", "is not authorized to perform: kms:Decrypt on resource: \"arn:aws:kms:us-east-1:888888888888:key/1234abcd-12ab-34cd-56ef-1234567890ab\" because no identity-based policy allows the kms:Decrypt action")

	_, err = wc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("l"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("locked-key")})
	wantError(t, err, "AccessDenied", "because no resource-based policy allows the kms:GenerateDataKey action")
	_, err = wc.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("vault"), Key: aws.String("n"), Body: strings.NewReader("x"),
		ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String("no-such-key")})
	wantError(t, err, "KMS.NotFoundException", "")

	// The aws/s3 key: anyone of the account, through S3.
	if err := put(ctx, wc, "plain", "p", "managed"); err != nil {
		t.Fatal(err)
	}
	if body, err := get(ctx, rc, "plain", "p"); err != nil || body != "managed" {
		t.Fatalf("reader through aws/s3: %q %v", body, err)
	}
}
