package presign_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/s3vet/s3vet/presign"
)

// exampleSignClient is an S3 client with AWS's example credentials and a local
// endpoint. Presigning sends no request.
func exampleSignClient(prov aws.CredentialsProvider) *s3.Client {
	return s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  prov,
		BaseEndpoint: aws.String("https://s3.example.test"),
		UsePathStyle: true,
	})
}

func ExamplePresigner_PostObject() {
	p := presign.New(exampleSignClient(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "")))
	p.Now = func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }

	form, err := p.PostObject(context.Background(), "photos", presign.NewPostPolicy().
		KeyPrefix("uploads/alice/").
		ContentLengthRange(1, 10<<20).
		ContentTypePrefix("image/").
		Encryption(presign.SSES3()).
		SuccessActionStatus(201))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("POST", form.URL)
	for _, f := range form.Fields {
		if f.Name != "policy" {
			fmt.Printf("%s: %s\n", f.Name, f.Value)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(form.Policy)
	if err != nil {
		fmt.Println(err)
		return
	}
	var doc struct {
		Expiration string
		Conditions []json.RawMessage
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("policy expiration:", doc.Expiration)
	for _, c := range doc.Conditions {
		fmt.Println("  ", string(c))
	}
	// Output:
	// POST https://s3.example.test/photos
	// key: uploads/alice/${filename}
	// Content-Type: image/
	// x-amz-server-side-encryption: AES256
	// success_action_status: 201
	// x-amz-algorithm: AWS4-HMAC-SHA256
	// x-amz-credential: AKIDEXAMPLE/20260501/us-east-1/s3/aws4_request
	// x-amz-date: 20260501T120000Z
	// x-amz-signature: e28598d28c67713dffffd151cfc8112ad141a6c13440f5c6183d42996b9f3da0
	// policy expiration: 2026-05-01T12:15:00.000Z
	//    {"bucket":"photos"}
	//    ["starts-with","$key","uploads/alice/"]
	//    ["content-length-range",1,10485760]
	//    ["starts-with","$Content-Type","image/"]
	//    {"x-amz-server-side-encryption":"AES256"}
	//    {"success_action_status":"201"}
	//    {"x-amz-algorithm":"AWS4-HMAC-SHA256"}
	//    {"x-amz-credential":"AKIDEXAMPLE/20260501/us-east-1/s3/aws4_request"}
	//    {"x-amz-date":"20260501T120000Z"}
}

func ExamplePresigner_PutObject() {
	p := presign.New(exampleSignClient(credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "")))
	p.Now = func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }

	req, err := p.PutObject(context.Background(), "photos", "uploads/alice/cat.png", presign.PutOptions{
		ContentType:   "image/png",
		ContentLength: 48213,
		Checksum:      presign.Checksum{Algorithm: "SHA256", Value: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		Encryption:    presign.SSEKMS("alias/photos"),
		IfNoneMatch:   "*",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := url.Parse(req.URL)
	fmt.Println(req.Method, u.Scheme+"://"+u.Host+u.Path)
	fmt.Println("expires", req.Expires, "after", u.Query().Get("X-Amz-Expires"), "seconds")
	fmt.Println("signed headers:", u.Query().Get("X-Amz-SignedHeaders"))
	fmt.Println("the holder must send:")
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Printf("  %s: %s\n", name, req.Header.Get(name))
	}
	// Output:
	// PUT https://s3.example.test/photos/uploads/alice/cat.png
	// expires 2026-05-01 12:15:00 +0000 UTC after 900 seconds
	// signed headers: content-length;content-type;host;if-none-match;x-amz-checksum-sha256;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id
	// the holder must send:
	//   Content-Length: 48213
	//   Content-Type: image/png
	//   If-None-Match: *
	//   X-Amz-Checksum-Sha256: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
	//   X-Amz-Server-Side-Encryption: aws:kms
	//   X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id: alias/photos
}

func ExamplePresigner_GetObject() {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// Temporary credentials, as from an assumed role, that expire in 10 minutes.
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{
			AccessKeyID: "ASIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "token",
			CanExpire: true, Expires: now.Add(10 * time.Minute),
		}, nil
	})
	p := presign.New(exampleSignClient(creds))
	p.Now = func() time.Time { return now }

	req, err := p.GetObject(context.Background(), "photos", "uploads/alice/cat.png", presign.GetOptions{
		Expires:                    time.Hour,
		ResponseContentDisposition: `attachment; filename="cat.png"`,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("requested", req.Requested, "expires", req.Expires)
	fmt.Println("capped:", req.Capped, "by", req.CappedBy)
	fmt.Println(req) // the query, signature included, is redacted
	// Output:
	// requested 1h0m0s expires 2026-05-01 12:10:00 +0000 UTC
	// capped: true by credentials
	// GET https://s3.example.test/photos/uploads/alice/cat.png (query redacted) expires 2026-05-01T12:10:00Z
}
