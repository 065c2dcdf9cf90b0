package presign

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The values of the s3:authType condition key.
const (
	AuthTypeHeader = "REST-HEADER"
	AuthTypeQuery  = "REST-QUERY-STRING"
	AuthTypePost   = "POST"
)

// DefaultMaxSkew is how far a header-signed request's time may be from
// the verifier's clock: S3's 15 minutes.
const DefaultMaxSkew = 15 * time.Minute

// maxBufferedPayload bounds the body a non-S3 service's request is read
// into when it has no x-amz-content-sha256 header and its hash must be
// computed before the signature can be checked.
const maxBufferedPayload = 1 << 20

// Verifier checks requests signed with AWS Signature Version 4 the way S3
// does: the Authorization header, presigned URLs (query authentication),
// aws-chunked streaming bodies and browser POST forms, and answers S3's
// own errors ([*Error]).
//
// A Verifier is safe for concurrent use if its fields are not changed. It
// caches the signing keys it derives, so it must not be copied after
// first use.
type Verifier struct {
	// Credentials looks up the secret of an access key. Required for
	// signed requests.
	Credentials CredentialStore
	// Region is the region the verifier serves; "" accepts any region in
	// the credential scope.
	Region string
	// Service is the service name of the credential scope; "" means "s3".
	// For any other service the canonical URI is normalized and encoded
	// twice, and a missing x-amz-content-sha256 means the body's hash.
	Service string
	// Now is the verifier's clock; nil means time.Now.
	Now func() time.Time
	// MaxSkew is how far X-Amz-Date may be from Now for header
	// authentication; 0 means DefaultMaxSkew.
	MaxSkew time.Duration

	noNormalize bool // tests only: the aws-c-auth suite's "unnormalized" cases
	keys        signingKeys
}

// Result is what a verified request proves: who signed it, how and when,
// and the condition keys the authorization layer needs.
type Result struct {
	// Anonymous is set for a request without any signature (no
	// Authorization header, no X-Amz-Signature in the query, no policy in
	// a POST form). Only the body checks were made.
	Anonymous bool
	// AuthType is the s3:authType: AuthTypeHeader, AuthTypeQuery or
	// AuthTypePost; "" when anonymous.
	AuthType string
	// Credentials are the signer's, as the CredentialStore returned them,
	// without the secret access key.
	Credentials Credentials
	// Region and Service are those of the credential scope.
	Region, Service string
	// SignedAt is X-Amz-Date; SignatureAge is how long before the
	// verifier's clock that was (never negative).
	SignedAt     time.Time
	SignatureAge time.Duration
	// Expires is when a presigned URL or POST policy expires; zero for
	// header authentication.
	Expires time.Time
	// SignedHeaders are the signed header names, lower case (nil for a
	// POST form).
	SignedHeaders []string
	// ContentSHA256 is the payload hash of the canonical request: a hex
	// SHA-256, UNSIGNED-PAYLOAD or one of the STREAMING-* values.
	ContentSHA256 string
	// Keys are the condition keys the request sets, for IAM policy
	// evaluation: s3:authType, s3:signatureversion ("AWS4-HMAC-SHA256"),
	// s3:signatureAge (milliseconds, decimal) and s3:x-amz-content-sha256.
	// Empty when anonymous.
	Keys map[string][]string
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) service() string {
	if v.Service == "" {
		return "s3"
	}
	return v.Service
}

func (v *Verifier) maxSkew() time.Duration {
	if v.MaxSkew <= 0 {
		return DefaultMaxSkew
	}
	return v.MaxSkew
}

func (v *Verifier) uriMode() uriMode {
	if v.service() == "s3" {
		return s3URIMode
	}
	return uriMode{double: true, normalize: !v.noNormalize}
}

// Verify authenticates r: an Authorization header (s3:authType
// REST-HEADER) or the X-Amz-* parameters of a presigned URL
// (REST-QUERY-STRING). A request with neither is anonymous: Verify
// reports that rather than failing.
//
// A failure is an [*Error] with S3's code, message and status; an error
// of the CredentialStore other than [ErrUnknownAccessKey] is returned
// wrapped, as it is not the request's fault.
//
// When the signature holds, Verify replaces r.Body with a reader that
// checks the body as it streams, in constant memory:
//
//   - a hex x-amz-content-sha256 is compared with the body's SHA-256, and
//     an x-amz-checksum-* header with its checksum;
//   - an aws-chunked body (STREAMING-* payloads) is decoded: every chunk
//     signature is checked before the chunk's bytes are returned, then
//     the trailing checksum and trailer signature. r.ContentLength (and
//     the Content-Length header) become x-amz-decoded-content-length, and
//     aws-chunked is dropped from Content-Encoding.
//
// The reader answers a mismatch as an [*Error] from Read, at the point of
// failure or instead of io.EOF; bytes it returned before are not to be
// trusted until Read has returned io.EOF. Anonymous requests get the same
// body checks, but for signed chunks, which they cannot have.
func (v *Verifier) Verify(ctx context.Context, r *http.Request) (*Result, error) {
	now := v.now()
	params := parseRawQuery(r.URL.RawQuery)
	v4query, v2query := queryAuthPresent(params)
	authz := r.Header.Values("Authorization")
	var a *sigV4Auth
	var err *Error
	switch {
	case len(authz) > 0 && v4query:
		err = errInvalidArgument("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
			"Authorization", authz[0])
	case len(authz) > 1:
		err = errHeaderMalformed("the request has more than one Authorization header.")
	case len(authz) == 1:
		a, err = parseAuthorization(authz[0])
	case v4query:
		a, err = parseQueryAuth(params, v.service() == "s3")
	case v2query:
		err = errUnsupportedMechanism()
	default:
		if err := v.wrapBody(r, r.Header.Get("X-Amz-Content-Sha256"), nil); err != nil {
			return nil, err
		}
		return &Result{Anonymous: true}, nil
	}
	if err != nil {
		return nil, err
	}
	return v.verifySigned(ctx, r, a, params, now)
}

// verifySigned checks a SigV4 request: the time and scope, the access
// key and token, that every x-amz-* header is signed, then the
// signature; then it installs the body checks.
func (v *Verifier) verifySigned(ctx context.Context, r *http.Request, a *sigV4Auth, params []queryParam, now time.Time) (*Result, error) {
	t, payload, err := v.checkRequest(r, a, params, now)
	if err != nil {
		return nil, err
	}
	creds, lookupErr := v.lookup(ctx, a.accessKey, now)
	if lookupErr != nil {
		return nil, lookupErr
	}
	token := r.Header.Get("X-Amz-Security-Token")
	if a.query {
		token = queryValue(params, qSecurityToken)
	}
	if err := checkToken(creds, token); err != nil {
		return nil, err
	}
	if v.service() == "s3" {
		if err := checkAllSigned(r, a.signedHeaders, a.query); err != nil {
			return nil, err
		}
	}
	skip := ""
	if a.query {
		skip = qSignature
	}
	var buf [1024]byte
	canonical := appendCanonicalRequest(buf[:0], r, v.uriMode(), canonicalQuery(params, skip), a.signedHeaders, payload)
	var stsBuf [256]byte
	sts := appendStringToSign(stsBuf[:0], t, a.scope, canonical)
	key := v.keys.get(creds.SecretAccessKey, a.scope)
	if !signatureMatches(key, sts, a.signature) {
		return nil, errSignatureMismatch(a.accessKey, a.signature, string(sts), string(canonical))
	}
	seed := &chunkSeed{key: key, accessKey: a.accessKey, signedAt: t, scope: a.scope, signature: a.signature}
	if err := v.wrapBody(r, payload, seed); err != nil {
		return nil, err
	}
	res := &Result{
		AuthType:      AuthTypeHeader,
		Credentials:   creds.redacted(),
		Region:        a.scope.region,
		Service:       a.scope.service,
		SignedAt:      t,
		SignatureAge:  max(now.Sub(t), 0),
		SignedHeaders: a.signedHeaders,
		ContentSHA256: payload,
	}
	if a.query {
		res.AuthType = AuthTypeQuery
		if a.expires >= 0 {
			res.Expires = t.Add(time.Duration(a.expires) * time.Second)
		}
	}
	res.Keys = conditionKeys(res.AuthType, res.SignatureAge, payload)
	return res, nil
}

// checkRequest makes the checks that need no secret: the request time,
// the credential scope, the signed host, and the payload hash, which it
// returns with the time.
func (v *Verifier) checkRequest(r *http.Request, a *sigV4Auth, params []queryParam, now time.Time) (time.Time, string, *Error) {
	t, err := v.checkTime(r, a, now)
	if err != nil {
		return t, "", err
	}
	if err := v.checkScope(a, t); err != nil {
		return t, "", err
	}
	if !slices.Contains(a.signedHeaders, "host") {
		// SigV4 requires the host header signed; S3 documents no code for
		// its absence, and a signature that does not bind the host is
		// refused as malformed.
		if a.query {
			return t, "", errQueryMalformed("X-Amz-SignedHeaders must include host.")
		}
		return t, "", errHeaderMalformed("the SignedHeaders component must include host.")
	}
	payload, err := v.payloadHash(r, a, params)
	return t, payload, err
}

func conditionKeys(authType string, age time.Duration, payload string) map[string][]string {
	// One array holds the values, each its own full slice.
	v := [...]string{authType, sigV4Algorithm, strconv.FormatInt(age.Milliseconds(), 10), payload}
	vs := v[:]
	k := make(map[string][]string, 4)
	k["s3:authType"] = vs[0:1:1]
	k["s3:signatureversion"] = vs[1:2:2]
	k["s3:signatureAge"] = vs[2:3:3]
	if payload != "" {
		k["s3:x-amz-content-sha256"] = vs[3:4:4]
	}
	return k
}

// checkTime checks X-Amz-Date: within MaxSkew of now for header
// authentication; for a presigned URL, not before X-Amz-Date (less the
// skew) and not after it plus X-Amz-Expires.
func (v *Verifier) checkTime(r *http.Request, a *sigV4Auth, now time.Time) (time.Time, *Error) {
	skew := v.maxSkew()
	if a.query && a.expires < 0 {
		t := a.date
		if d := now.Sub(t); d > skew || d < -skew {
			return t, errSkewed(a.amzDate, now, skew)
		}
		return t, nil
	}
	if a.query {
		t := a.date
		expires := t.Add(time.Duration(a.expires) * time.Second)
		switch {
		case now.Before(t.Add(-skew)):
			return t, errNotYetValid()
		case now.After(expires):
			return t, errExpired(a.expires, expires, now)
		}
		return t, nil
	}
	t, raw, ok := requestTime(r)
	if !ok {
		return t, newError(ErrMalformed, http.StatusForbidden, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
	}
	a.amzDate = raw
	if d := now.Sub(t); d > skew || d < -skew {
		return t, errSkewed(raw, now, skew)
	}
	return t, nil
}

// checkScope checks the credential scope against the verifier and the
// request time, with S3's messages.
func (v *Verifier) checkScope(a *sigV4Auth, t time.Time) *Error {
	malformed := func(why string, details ...Detail) *Error {
		if a.post {
			return errInvalidArgument("Error parsing the X-Amz-Credential parameter; "+why, "X-Amz-Credential", a.accessKey+"/"+a.scope.String())
		}
		if a.query {
			return errQueryMalformed("Error parsing the X-Amz-Credential parameter; " + why)
		}
		return errHeaderMalformed(why, details...)
	}
	switch sc := a.scope; {
	case sc.service != v.service():
		return malformed("incorrect service " + strconv.Quote(sc.service) + ". This endpoint belongs to " + strconv.Quote(v.service()) + ".")
	case v.Region != "" && sc.region != v.Region:
		return malformed("the region "+strconv.Quote(sc.region)+" is wrong; expecting "+strconv.Quote(v.Region),
			Detail{"Region", v.Region})
	case !sameScopeDate(sc.date, t):
		return malformed("Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	return nil
}

// sameScopeDate reports whether date is t's date in the credential
// scope's format.
func sameScopeDate(date string, t time.Time) bool {
	var buf [len(scopeDateFormat) + 8]byte
	return string(t.UTC().AppendFormat(buf[:0], scopeDateFormat)) == date
}

// payloadHash returns the payload hash of the canonical request: the
// x-amz-content-sha256 header (required by S3 for header
// authentication), UNSIGNED-PAYLOAD for a presigned URL without one, or,
// for other services, the body's SHA-256.
func (v *Verifier) payloadHash(r *http.Request, a *sigV4Auth, params []queryParam) (string, *Error) {
	h := r.Header.Get("X-Amz-Content-Sha256")
	if a.query {
		if q := queryValue(params, qContentSHA256); q != "" {
			h = q
		}
	}
	switch {
	case h != "":
	case v.service() != "s3":
		return bufferedPayloadHash(r)
	case a.query:
		h = payloadUnsigned
	default:
		return "", errInvalidRequest("Missing required header for this request: x-amz-content-sha256")
	}
	switch h {
	case payloadUnsigned, payloadStreamingSigned, payloadStreamingSignedTrailer, payloadStreamingUnsignedTrailer:
		return h, nil
	case payloadStreamingECDSA, payloadStreamingECDSATrailer:
		return "", errUnsupportedMechanism()
	}
	if !isSHA256Hex(h) {
		return "", errBadContentSHA256()
	}
	return h, nil
}

// bufferedPayloadHash reads a (small) body to hash it, for services that
// sign the body without an x-amz-content-sha256 header.
func bufferedPayloadHash(r *http.Request) (string, *Error) {
	if r.Body == nil || r.Body == http.NoBody {
		return emptySHA256, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBufferedPayload+1))
	r.Body.Close()
	if err != nil || len(body) > maxBufferedPayload {
		return "", errInvalidRequest("The body is too large to sign without an x-amz-content-sha256 header.")
	}
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}

// lookup finds the credentials of the access key and checks they have
// not expired.
func (v *Verifier) lookup(ctx context.Context, accessKey string, now time.Time) (Credentials, error) {
	if v.Credentials == nil {
		return Credentials{}, errInvalidAccessKey(accessKey)
	}
	c, err := v.Credentials.Lookup(ctx, accessKey)
	switch {
	case errors.Is(err, ErrUnknownAccessKey):
		return Credentials{}, errInvalidAccessKey(accessKey)
	case err != nil:
		return Credentials{}, fmt.Errorf("presign: looking up access key %s: %w", accessKey, err)
	case !c.Expires.IsZero() && !now.Before(c.Expires):
		return Credentials{}, errExpiredToken()
	}
	return c, nil
}

// checkToken compares the session token sent with the credentials'.
func checkToken(c Credentials, sent string) *Error {
	if c.SessionToken == "" && sent == "" {
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(c.SessionToken), []byte(sent)) != 1 {
		return errInvalidToken()
	}
	return nil
}

// checkAllSigned refuses x-amz-* headers that are not signed, as S3 does
// ("There were headers present in the request which were not signed").
// x-amz-content-sha256 is exempt: the canonical request holds its value.
// So are the SSE-C key and its MD5 on a presigned request: "When you
// create a presigned URL, you must specify the algorithm using the
// x-amz-server-side-encryption-customer-algorithm in the signature
// calculation" (S3 User Guide, "Presigned URLs and SSE-C"); the key itself
// is sent by whoever holds the URL, unsigned.
func checkAllSigned(r *http.Request, signed []string, query bool) *Error {
	var unsigned []string
	for name := range r.Header {
		// No lower-case letter of another script folds to x, a, m or z:
		// the prefix is ASCII, and so is the rest of a name of Go's
		// server. Another name is lower-cased as strings.ToLower does.
		if !hasLowerPrefix(name, "x-amz-") {
			continue
		}
		l := name
		if !isASCII(name) {
			l = strings.ToLower(name)
		}
		if lowerEquals(l, "x-amz-content-sha256") || slices.ContainsFunc(signed, func(s string) bool { return lowerEquals(l, s) }) {
			continue
		}
		if query && (lowerEquals(l, "x-amz-server-side-encryption-customer-key") || lowerEquals(l, "x-amz-server-side-encryption-customer-key-md5")) {
			continue
		}
		unsigned = append(unsigned, strings.ToLower(l))
	}
	if len(unsigned) == 0 {
		return nil
	}
	slices.Sort(unsigned)
	return newError(ErrMalformed, http.StatusForbidden, "AccessDenied",
		"There were headers present in the request which were not signed",
		Detail{"HeadersNotSigned", strings.Join(unsigned, ", ")})
}

// hasLowerPrefix reports whether s, its ASCII letters lower-cased, begins
// with prefix.
func hasLowerPrefix(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// lowerEquals reports whether s, its ASCII letters lower-cased, is t.
func lowerEquals(s, t string) bool { return len(s) == len(t) && hasLowerPrefix(s, t) }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func queryValue(params []queryParam, key string) string {
	for _, p := range params {
		if p.key == key {
			return p.value
		}
	}
	return ""
}
