package simulate

import (
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// An authenticator checks the signature of a request, as S3 does before
// anything else, and says who signed it. It replaces an aws-chunked body by
// the payload it carries, checking the chunk signatures and the trailing
// checksum as it is read, so that nothing after it sees the framing. An
// unsigned request is anonymous: the zero signature and no error. A
// request S3 refuses is an *s3Error.
type authenticator interface {
	authenticate(r *http.Request) (signature, error)
}

// signature is what authentication learned of a request.
type signature struct {
	accessKey string // "" for an anonymous request
	principal string // the ARN of the signer
	authType  string // "REST-HEADER", "REST-QUERY-STRING" or "POST"; "" when anonymous
	version   string // "AWS4-HMAC-SHA256"
	signedAt  time.Time
	age       time.Duration
	// bodySHA256 is the hex x-amz-content-sha256 the verifier checks the
	// body against as it is read; "" if none.
	bodySHA256 string
}

// sigV4 authenticates with package presign's verifier.
type sigV4 struct {
	v *presign.Verifier
}

var _ authenticator = sigV4{}

func (a sigV4) authenticate(r *http.Request) (signature, error) {
	res, err := a.v.Verify(r.Context(), r)
	if err != nil {
		return signature{}, fromPresign(err)
	}
	sig := fromResult(res)
	// The payload hash checked: that of the canonical request, or for
	// an anonymous request the header's.
	sig.bodySHA256 = res.ContentSHA256
	if res.Anonymous {
		sig.bodySHA256 = r.Header.Get("X-Amz-Content-Sha256")
	}
	if !isHexSHA256(sig.bodySHA256) {
		sig.bodySHA256 = ""
	}
	return sig, nil
}

// isHexSHA256 reports whether s is a SHA-256 in hex.
func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func fromResult(res *presign.Result) signature {
	if res.Anonymous {
		return signature{}
	}
	return signature{accessKey: res.Credentials.AccessKeyID, principal: res.Credentials.Principal, authType: res.AuthType,
		version: "AWS4-HMAC-SHA256", signedAt: res.SignedAt, age: res.SignatureAge}
}

// fromPresign turns the verifier's error into S3's.
func fromPresign(err error) error {
	var pe *presign.Error
	if !errors.As(err, &pe) {
		return err
	}
	e := errorf(pe.StatusCode, pe.Code, pe.Message)
	for _, d := range pe.Details {
		e = e.with(d.Name, d.Value)
	}
	if pe.StringToSign != "" {
		e = e.with("StringToSign", pe.StringToSign)
	}
	if pe.CanonicalRequest != "" {
		e = e.with("CanonicalRequest", pe.CanonicalRequest)
	}
	return e
}

// lookup finds the credentials of an access key, for the verifier.
func (s *Simulator) lookup(id string) (presign.Credentials, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k := s.m.keys[id]
	if k == nil {
		if sess := s.sessions[id]; sess != nil {
			return presign.Credentials{AccessKeyID: id, SecretAccessKey: sess.secret, SessionToken: sess.token,
				Expires: sess.expires, Principal: sess.arn}, nil
		}
		return presign.Credentials{}, presign.ErrUnknownAccessKey
	}
	return presign.Credentials{AccessKeyID: id, SecretAccessKey: k.secret, Principal: k.arn}, nil
}
