package simulate

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// signWithClock is an SDK middleware that signs every request again, once
// the SDK has signed it with its own clock, with the simulator's: a
// simulator whose clock is set (WithClock) refuses a signature more than
// 15 minutes from it, which the SDK would otherwise find out only from the
// refusal, then correct its skew and retry. The region and service are
// those of the SDK's signature; the credentials, the same.
func signWithClock(creds aws.CredentialsProvider, now func() time.Time) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		mw := middleware.FinalizeMiddlewareFunc("SimulatorClock", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
			middleware.FinalizeOutput, middleware.Metadata, error) {
			req, ok := in.Request.(*smithyhttp.Request)
			if !ok {
				return next.HandleFinalize(ctx, in)
			}
			if err := resign(ctx, req.Request, creds, now()); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleFinalize(ctx, in)
		})
		if _, ok := stack.Finalize.Get("Signing"); !ok {
			return nil // an operation that is not signed
		}
		return stack.Finalize.Insert(mw, "Signing", middleware.After)
	}
}

// resign signs r again at t, as it was signed: with the scope and payload
// hash of its SigV4 Authorization header. An unsigned request is left as
// it is.
func resign(ctx context.Context, r *http.Request, creds aws.CredentialsProvider, t time.Time) error {
	auth := r.Header.Get("Authorization")
	_, scope, ok := strings.Cut(auth, "Credential=")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") || !ok {
		return nil
	}
	scope, _, _ = strings.Cut(scope, ",")
	parts := strings.Split(scope, "/") // KEY/DATE/REGION/SERVICE/aws4_request
	if len(parts) != 5 {
		return fmt.Errorf("simulate: resign: an Authorization scope of %d parts", len(parts))
	}
	c, err := creds.Retrieve(ctx)
	if err != nil {
		return err
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = v4.GetPayloadHash(ctx)
	}
	r.Header.Del("Authorization")
	r.Header.Del("X-Amz-Date")
	service := parts[3]
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		// S3's paths are escaped once, not twice as other services' are
		// (S3 API Reference, "Signature Calculations").
		o.DisableURIPathEscaping = service == "s3"
	})
	return signer.SignHTTP(ctx, c, r, payload, service, parts[2], t)
}
