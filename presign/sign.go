package presign

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Expiry limits for the signing side.
const (
	// DefaultExpiry is how long a presigned URL or POST form lives when
	// neither the request nor the [Presigner] says otherwise.
	DefaultExpiry = 15 * time.Minute
	// DefaultMaxExpiry is the longest expiry a [Presigner] grants when its
	// MaxExpiry is zero.
	DefaultMaxExpiry = time.Hour
	// SigV4MaxExpiry is the longest expiry SigV4 query authentication
	// allows (X-Amz-Expires of 604800 seconds); S3 refuses anything longer.
	SigV4MaxExpiry = 7 * 24 * time.Hour
)

// CappedByCredentials is the [Presigned.CappedBy] and [Form.CappedBy]
// reason when the expiry was shortened to the signing credentials' own
// expiry: a URL signed with temporary credentials stops working when they
// expire, whatever its X-Amz-Expires says.
const CappedByCredentials = "credentials"

// Errors of the signing side, for errors.Is.
var (
	// ErrExpiryTooLong: the requested expiry is beyond the Presigner's
	// maximum, or a maximum is beyond SigV4's seven days.
	ErrExpiryTooLong = errors.New("presign: expiry too long")
	// ErrExpiryBeyondCredentials: the signing credentials have expired, or
	// expire in less than a second, so no usable URL can be signed.
	ErrExpiryBeyondCredentials = errors.New("presign: credentials expire before the requested expiry")
	// ErrInsecureEndpoint: the endpoint (or a success_action_redirect) is
	// plain HTTP and the Presigner does not allow it.
	ErrInsecureEndpoint = errors.New("presign: endpoint is not https")
	// ErrPublicACL: a public canned ACL (public-read, public-read-write,
	// authenticated-read) was asked for; a presigned request never grants
	// one.
	ErrPublicACL = errors.New("presign: public canned ACL refused")
	// ErrNoSigningCredentials: the client has no credentials to sign with
	// (none configured, anonymous, or the provider failed).
	ErrNoSigningCredentials = errors.New("presign: no signing credentials")
)

// Presigner issues presigned URLs (GET, PUT, HEAD, DELETE, UploadPart) and
// browser POST forms, with guardrails around aws-sdk-go-v2's
// [s3.PresignClient]:
//
//   - a short default expiry ([DefaultExpiry]), a maximum (MaxExpiry,
//     [DefaultMaxExpiry] when zero) and never more than SigV4's seven days
//     ([ErrExpiryTooLong]);
//   - with temporary credentials, the expiry is capped at the credentials'
//     own expiry, and the result says so (Capped, CappedBy);
//   - plain-HTTP endpoints are refused unless AllowHTTP is set
//     ([ErrInsecureEndpoint]);
//   - what a PUT may carry (content type, length, checksum, encryption,
//     ACL, tags, metadata) is bound into the signature, and the result
//     lists the headers the holder must send; public canned ACLs are
//     refused ([ErrPublicACL]);
//   - the URL, signature and session token are never logged: signing
//     logs are turned off, and [Presigned] and [Form] redact themselves
//     when printed or logged.
//
// Presigning makes no network request. The SDK signs URLs; POST policies
// are signed here (see [Presigner.PostObject]).
//
// A Presigner is safe for concurrent use if its fields are not changed.
type Presigner struct {
	// Client is the S3 client whose endpoint, region and credentials
	// provider are used.
	Client *s3.Client
	// DefaultExpiry applies when a request's Expires is zero; zero means
	// [DefaultExpiry].
	DefaultExpiry time.Duration
	// MaxExpiry is the longest expiry granted; zero means
	// [DefaultMaxExpiry]. It may not exceed [SigV4MaxExpiry].
	MaxExpiry time.Duration
	// AllowHTTP permits plain-HTTP endpoints (and http redirect targets),
	// for local test servers only.
	AllowHTTP bool
	// Now is the clock; nil means time.Now. The signing time (X-Amz-Date)
	// is Now truncated to the second.
	Now func() time.Time
}

// New returns a Presigner for client with the default limits.
func New(client *s3.Client) *Presigner {
	return &Presigner{Client: client}
}

// Presigned is a presigned request: who holds it may send Method to URL,
// with Header, until Expires.
type Presigned struct {
	// URL carries the signature in its query: treat it as a secret.
	URL string
	// Method is the HTTP method the signature is valid for.
	Method string
	// Header holds the signed headers the holder must send with these
	// exact values (Host excepted, which the URL implies). A
	// Content-Length here means the body must be exactly that long. With
	// SSE-C the holder must also send
	// x-amz-server-side-encryption-customer-key, which is never signed
	// into the URL.
	Header http.Header
	// Expires is when the URL stops working: the signing time plus
	// X-Amz-Expires.
	Expires time.Time
	// Requested is the expiry asked for (or the default when none was).
	Requested time.Duration
	// Capped reports that the expiry is shorter than Requested, and
	// CappedBy why ([CappedByCredentials]).
	Capped   bool
	CappedBy string
}

// String describes p without its query, which holds the signature and any
// session token.
func (p Presigned) String() string {
	return fmt.Sprintf("%s %s (query redacted) expires %s", p.Method, signRedactURL(p.URL), p.Expires.UTC().Format(time.RFC3339))
}

// GoString is String, so that %#v redacts too.
func (p Presigned) GoString() string { return "presign.Presigned{" + p.String() + "}" }

// Format makes every fmt verb print String: no verb shows the signature.
func (p Presigned) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, p.GoString())
		return
	}
	fmt.Fprint(f, p.String())
}

// LogValue implements [slog.LogValuer] without the URL's query.
func (p Presigned) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("method", p.Method),
		slog.String("url", signRedactURL(p.URL)),
		slog.Time("expires", p.Expires),
		slog.Bool("capped", p.Capped),
	)
}

// signRedactURL returns u without query or fragment, or a placeholder when it
// does not parse.
func signRedactURL(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	pu.RawQuery, pu.Fragment, pu.RawFragment, pu.User = "", "", "", nil
	return pu.String()
}

func (p *Presigner) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// signWindow is the validity of one signature: from signTime for seconds.
type signWindow struct {
	signTime  time.Time
	seconds   int64
	requested time.Duration
	capped    bool
	cappedBy  string
}

func (w signWindow) expires() time.Time {
	return w.signTime.Add(time.Duration(w.seconds) * time.Second)
}

// window applies the expiry policy: default, maximum, SigV4's limit and the
// credentials' own expiry. Durations are rounded down to whole seconds.
func (p *Presigner) window(requested time.Duration, creds aws.Credentials) (signWindow, error) {
	now := p.now()
	if requested == 0 {
		requested = p.DefaultExpiry
		if requested == 0 {
			requested = DefaultExpiry
		}
	}
	if requested < time.Second {
		return signWindow{}, fmt.Errorf("presign: expiry %v is shorter than one second", requested)
	}
	limit := p.MaxExpiry
	if limit == 0 {
		limit = DefaultMaxExpiry
	}
	if limit > SigV4MaxExpiry {
		return signWindow{}, fmt.Errorf("presign: MaxExpiry %v is beyond SigV4's limit of %v: %w", limit, SigV4MaxExpiry, ErrExpiryTooLong)
	}
	if requested > limit {
		return signWindow{}, fmt.Errorf("presign: expiry %v is beyond the maximum of %v: %w", requested, limit, ErrExpiryTooLong)
	}
	w := signWindow{
		signTime:  now.UTC().Truncate(time.Second),
		seconds:   int64(requested / time.Second),
		requested: requested,
	}
	if creds.CanExpire {
		if !creds.Expires.After(now) {
			return signWindow{}, fmt.Errorf("presign: credentials expired at %s: %w", creds.Expires.UTC().Format(time.RFC3339), ErrExpiryBeyondCredentials)
		}
		left := int64(creds.Expires.Sub(w.signTime) / time.Second)
		if left < 1 {
			return signWindow{}, fmt.Errorf("presign: credentials expire at %s, in less than a second: %w", creds.Expires.UTC().Format(time.RFC3339), ErrExpiryBeyondCredentials)
		}
		if left < w.seconds {
			w.seconds, w.capped, w.cappedBy = left, true, CappedByCredentials
		}
	}
	return w, nil
}

// credentials retrieves the credentials to sign with, once, so that the
// expiry is checked against the very credentials that sign.
func (p *Presigner) credentials(ctx context.Context) (aws.Credentials, error) {
	if p.Client == nil {
		return aws.Credentials{}, errors.New("presign: Presigner has no Client")
	}
	prov := p.Client.Options().Credentials
	if prov == nil {
		return aws.Credentials{}, ErrNoSigningCredentials
	}
	creds, err := prov.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("%w: retrieving credentials: %w", ErrNoSigningCredentials, err)
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return aws.Credentials{}, ErrNoSigningCredentials
	}
	return creds, nil
}

// signPinCredentials makes the SDK sign with creds (and log nothing of the
// signing, whose canonical request holds the session token).
func signPinCredentials(creds aws.Credentials) func(*s3.Options) {
	return func(o *s3.Options) {
		o.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
		o.ClientLogMode &^= aws.LogSigning
	}
}

// signFixedTime is the SDK's SigV4 presigner with the Presigner's clock:
// the SDK takes the signing time from its own clock, which is not an input.
type signFixedTime struct {
	signer *v4.Signer
	t      time.Time
}

var _ s3.HTTPPresignerV4 = signFixedTime{}

func newSignFixedTime(t time.Time) signFixedTime {
	// S3 signs the path as sent, without a second escaping (as the SDK's
	// own S3 signer does).
	return signFixedTime{signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), t: t}
}

// PresignHTTP implements [s3.HTTPPresignerV4].
func (s signFixedTime) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	optFns = append(optFns, func(o *v4.SignerOptions) { o.LogSigning = false })
	return s.signer.PresignHTTP(ctx, creds, r, payloadHash, service, region, s.t, optFns...)
}

// signFunc is one of the SDK's PresignClient methods, bound to its input.
type signFunc func(ctx context.Context, pc *s3.PresignClient, opt func(*s3.PresignOptions)) (*v4.PresignedHTTPRequest, error)

// presign runs the expiry policy, has the SDK sign, and checks the result.
func (p *Presigner) presign(ctx context.Context, requested time.Duration, sign signFunc) (*Presigned, error) {
	creds, err := p.credentials(ctx)
	if err != nil {
		return nil, err
	}
	w, err := p.window(requested, creds)
	if err != nil {
		return nil, err
	}
	pc := s3.NewPresignClient(p.Client)
	req, err := sign(ctx, pc, func(o *s3.PresignOptions) {
		o.Expires = time.Duration(w.seconds) * time.Second
		o.Presigner = newSignFixedTime(w.signTime)
		o.ClientOptions = append(o.ClientOptions, signPinCredentials(creds))
	})
	if err != nil {
		return nil, fmt.Errorf("presign: %w", err)
	}
	if err := p.checkScheme(req.URL); err != nil {
		return nil, err
	}
	h := make(http.Header, len(req.SignedHeader))
	for k, v := range req.SignedHeader {
		if k != "Host" {
			h[k] = v
		}
	}
	return &Presigned{
		URL:       req.URL,
		Method:    req.Method,
		Header:    h,
		Expires:   w.expires(),
		Requested: w.requested,
		Capped:    w.capped,
		CappedBy:  w.cappedBy,
	}, nil
}

// checkScheme refuses anything but https, and http only when allowed. The
// error does not echo the URL, which may be signed.
func (p *Presigner) checkScheme(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("presign: unparsable URL")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && p.AllowHTTP:
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("presign: endpoint %s uses http (set AllowHTTP for local tests only): %w", u.Host, ErrInsecureEndpoint)
	default:
		return fmt.Errorf("presign: endpoint scheme %q: %w", u.Scheme, ErrInsecureEndpoint)
	}
}
