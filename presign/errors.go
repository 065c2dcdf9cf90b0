package presign

import (
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Error is an authentication failure in S3's own terms: the error code,
// message and HTTP status S3 answers with, so that a server (the
// simulator) can write S3's error XML from it unchanged.
//
// Every Error wraps one of the sentinel errors below, so callers can tell
// failures apart with errors.Is without comparing codes:
//
//	if errors.Is(err, presign.ErrExpired) { ... }
//
// An Error never carries a secret access key. For SignatureDoesNotMatch it
// carries the canonical request and string to sign the verifier computed,
// as S3 returns them, built only from what the request itself sent.
type Error struct {
	Code       string // S3's error code, such as "SignatureDoesNotMatch"
	Message    string // S3's message for the code
	StatusCode int    // the HTTP status S3 answers with

	// StringToSign and CanonicalRequest are set for SignatureDoesNotMatch
	// (for a chunk or trailer signature, only StringToSign; for a POST
	// form, StringToSign is the base64 policy).
	StringToSign     string
	CanonicalRequest string

	// Details are the further elements S3 puts in its error XML for this
	// code, in S3's order: AWSAccessKeyId, SignatureProvided,
	// RequestTime, ServerTime, MaxAllowedSkewMilliseconds, X-Amz-Expires,
	// Expires, Region, HeadersNotSigned, ArgumentName, ArgumentValue,
	// ClientComputedContentSHA256, S3ComputedContentSHA256, ...
	Details []Detail

	kind error
}

// Detail is one extra element of S3's error XML, such as
// {"AWSAccessKeyId", "AKIAIOSFODNN7EXAMPLE"}.
type Detail struct {
	Name, Value string
}

func (e *Error) Error() string {
	return "presign: " + e.Code + ": " + e.Message
}

// Unwrap returns the sentinel error the Error belongs to.
func (e *Error) Unwrap() error { return e.kind }

// Detail returns the value of the named detail, or "".
func (e *Error) Detail(name string) string {
	for _, d := range e.Details {
		if d.Name == name {
			return d.Value
		}
	}
	return ""
}

// Sentinel errors of the verifying side, for errors.Is. Each [*Error]
// wraps exactly one of them.
var (
	// ErrUnknownAccessKey is returned by a [CredentialStore] for an access
	// key it does not know; the verifier answers InvalidAccessKeyId.
	ErrUnknownAccessKey = errors.New("presign: unknown access key")
	// ErrSignatureMismatch: SignatureDoesNotMatch, for the request, a
	// chunk, a trailer or a POST policy.
	ErrSignatureMismatch = errors.New("presign: signature does not match")
	// ErrSkewed: RequestTimeTooSkewed, or a presigned request used before
	// its X-Amz-Date ("Request is not valid yet").
	ErrSkewed = errors.New("presign: request time out of range")
	// ErrExpired: a presigned URL past X-Amz-Expires ("Request has
	// expired"), or a POST policy past its expiration.
	ErrExpired = errors.New("presign: request expired")
	// ErrExpiredToken: the session credentials have expired.
	ErrExpiredToken = errors.New("presign: expired token")
	// ErrInvalidToken: a session token is missing, unexpected or wrong.
	ErrInvalidToken = errors.New("presign: invalid token")
	// ErrMalformed: the authentication information is malformed or
	// incomplete (AuthorizationHeaderMalformed,
	// AuthorizationQueryParametersError, InvalidArgument, InvalidRequest,
	// InvalidPolicyDocument, MalformedPOSTRequest, unsigned x-amz-*
	// headers).
	ErrMalformed = errors.New("presign: malformed authentication")
	// ErrBodyMismatch: the body does not match its x-amz-content-sha256
	// (XAmzContentSHA256Mismatch) or its x-amz-checksum-* (BadDigest).
	ErrBodyMismatch = errors.New("presign: body does not match its digest")
	// ErrIncompleteBody: an aws-chunked body is truncated or badly
	// framed, or its length differs from x-amz-decoded-content-length.
	ErrIncompleteBody = errors.New("presign: incomplete or malformed body")
	// ErrPolicy: a POST form breaks its policy (a failed condition, an
	// extra field, a file outside content-length-range).
	ErrPolicy = errors.New("presign: POST policy violated")
)

func newError(kind error, status int, code, message string, details ...Detail) *Error {
	return &Error{Code: code, Message: message, StatusCode: status, Details: details, kind: kind}
}

// The messages S3 answers with.
const (
	msgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	msgInvalidAccessKey  = "The AWS Access Key Id you provided does not exist in our records."
	msgHeaderMalformed   = "The authorization header is malformed; "
	msgIncompleteBody    = "The request body terminated unexpectedly"
)

func errInvalidAccessKey(accessKey string) *Error {
	return newError(ErrUnknownAccessKey, http.StatusForbidden, "InvalidAccessKeyId", msgInvalidAccessKey,
		Detail{"AWSAccessKeyId", accessKey})
}

func errSignatureMismatch(accessKey, signature, stringToSign, canonicalRequest string) *Error {
	e := newError(ErrSignatureMismatch, http.StatusForbidden, "SignatureDoesNotMatch", msgSignatureMismatch,
		Detail{"AWSAccessKeyId", accessKey}, Detail{"SignatureProvided", signature})
	e.StringToSign, e.CanonicalRequest = stringToSign, canonicalRequest
	return e
}

// errHeaderMalformed is AuthorizationHeaderMalformed; errQueryMalformed
// its query-string twin.
func errHeaderMalformed(why string, details ...Detail) *Error {
	return newError(ErrMalformed, http.StatusBadRequest, "AuthorizationHeaderMalformed", msgHeaderMalformed+why, details...)
}

func errQueryMalformed(message string) *Error {
	return newError(ErrMalformed, http.StatusBadRequest, "AuthorizationQueryParametersError", message)
}

func errInvalidArgument(message, name, value string) *Error {
	return newError(ErrMalformed, http.StatusBadRequest, "InvalidArgument", message,
		Detail{"ArgumentName", name}, Detail{"ArgumentValue", value})
}

func errInvalidRequest(message string) *Error {
	return newError(ErrMalformed, http.StatusBadRequest, "InvalidRequest", message)
}

func errSkewed(requestTime string, now time.Time, maxSkew time.Duration) *Error {
	return newError(ErrSkewed, http.StatusForbidden, "RequestTimeTooSkewed",
		"The difference between the request time and the current time is too large.",
		Detail{"RequestTime", requestTime},
		Detail{"ServerTime", now.UTC().Format(time.RFC3339)},
		Detail{"MaxAllowedSkewMilliseconds", strconv.FormatInt(maxSkew.Milliseconds(), 10)})
}

func errNotYetValid() *Error {
	return newError(ErrSkewed, http.StatusForbidden, "AccessDenied", "Request is not valid yet")
}

func errExpired(expiresSeconds int64, expires, now time.Time) *Error {
	return newError(ErrExpired, http.StatusForbidden, "AccessDenied", "Request has expired",
		Detail{"X-Amz-Expires", strconv.FormatInt(expiresSeconds, 10)},
		Detail{"Expires", expires.UTC().Format(time.RFC3339)},
		Detail{"ServerTime", now.UTC().Format(time.RFC3339)})
}

func errExpiredToken() *Error {
	return newError(ErrExpiredToken, http.StatusBadRequest, "ExpiredToken", "The provided token has expired.")
}

func errInvalidToken() *Error {
	return newError(ErrInvalidToken, http.StatusBadRequest, "InvalidToken", "The provided token is malformed or otherwise invalid.")
}

func errIncompleteBody(message string) *Error {
	if message == "" {
		message = msgIncompleteBody
	}
	return newError(ErrIncompleteBody, http.StatusBadRequest, "IncompleteBody", message)
}

func errContentSHA256Mismatch(client, computed string) *Error {
	return newError(ErrBodyMismatch, http.StatusBadRequest, "XAmzContentSHA256Mismatch",
		"The provided 'x-amz-content-sha256' header does not match what was computed.",
		Detail{"ClientComputedContentSHA256", client}, Detail{"S3ComputedContentSHA256", computed})
}

func errBadDigest(algorithm string) *Error {
	return newError(ErrBodyMismatch, http.StatusBadRequest, "BadDigest",
		"The "+algorithm+" you specified did not match the calculated checksum.")
}

func errPolicy(message string) *Error {
	return newError(ErrPolicy, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: "+message)
}

func errInvalidPolicy(message string) *Error {
	return newError(ErrMalformed, http.StatusBadRequest, "InvalidPolicyDocument", "Invalid Policy: "+message)
}
