package presign_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// The GET Object example of S3's "Signature Calculations for the
// Authorization Header", verified a minute after it was signed.
func ExampleVerifier_Verify() {
	v := &presign.Verifier{
		Credentials: presign.StaticCredentials{
			"AKIAIOSFODNN7EXAMPLE": {
				SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
				Principal:       "arn:aws:iam::111122223333:user/example",
			},
		},
		Region: "us-east-1",
		Now:    func() time.Time { return time.Date(2013, 5, 24, 0, 1, 0, 0, time.UTC) },
	}

	r := httptest.NewRequest("GET", "/test.txt", nil)
	r.Host = "examplebucket.s3.amazonaws.com"
	r.Header.Set("Range", "bytes=0-9")
	r.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	r.Header.Set("X-Amz-Date", "20130524T000000Z")
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
		"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"+
		"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")

	res, err := v.Verify(context.Background(), r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Credentials.Principal, res.Region)
	fmt.Println("s3:authType", res.Keys["s3:authType"])
	fmt.Println("s3:signatureAge", res.Keys["s3:signatureAge"])

	// An hour later the same request is refused, as S3 refuses it.
	v.Now = func() time.Time { return time.Date(2013, 5, 24, 1, 0, 0, 0, time.UTC) }
	_, err = v.Verify(context.Background(), r)
	var e *presign.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Code, errors.Is(err, presign.ErrSkewed))
	}
	// Output:
	// arn:aws:iam::111122223333:user/example us-east-1
	// s3:authType [REST-HEADER]
	// s3:signatureAge [60000]
	// 403 RequestTimeTooSkewed true
}
