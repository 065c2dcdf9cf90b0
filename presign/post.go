package presign

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Form is a signed browser upload form: POST it as multipart/form-data to
// URL with Fields in order, then the file in a part named "file", last (S3
// ignores what follows the file).
type Form struct {
	// URL is the bucket's endpoint, the form's action.
	URL string
	// Fields are the form fields in the order to send them, the policy and
	// signature included; the file is not among them.
	Fields []Field
	// Policy is the base64 policy document, the value of the policy field.
	Policy string
	// Expires is the policy's expiration.
	Expires time.Time
	// Requested, Capped and CappedBy are as in [Presigned].
	Requested time.Duration
	Capped    bool
	CappedBy  string
}

// Field is one form field.
type Field struct {
	Name, Value string
}

// Get returns the value of the field name (exact name), or "".
func (f *Form) Get(name string) string {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl.Value
		}
	}
	return ""
}

// WriteFields writes the fields, in order, to w; the caller then writes
// the file part (named "file") and closes w.
func (f *Form) WriteFields(w *multipart.Writer) error {
	for _, fl := range f.Fields {
		if err := w.WriteField(fl.Name, fl.Value); err != nil {
			return err
		}
	}
	return nil
}

// String describes f without its signature, credential or token.
func (f Form) String() string {
	return fmt.Sprintf("POST %s (%d fields, redacted) expires %s", signRedactURL(f.URL), len(f.Fields), f.Expires.UTC().Format(time.RFC3339))
}

// GoString is String, so that %#v redacts too.
func (f Form) GoString() string { return "presign.Form{" + f.String() + "}" }

// Format makes every fmt verb print String: no verb shows the signature,
// credential or token.
func (f Form) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('#') {
		fmt.Fprint(s, f.GoString())
		return
	}
	fmt.Fprint(s, f.String())
}

// LogValue implements [slog.LogValuer] without the fields' values.
func (f Form) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("url", signRedactURL(f.URL)),
		slog.Time("expires", f.Expires),
		slog.Bool("capped", f.Capped),
	)
}

// Form field names of SigV4 POST ("Browser-Based Uploads Using POST (AWS
// Signature Version 4)", S3 API Reference). Names are case-insensitive.
const (
	postFieldAlgorithm  = "x-amz-algorithm"
	postFieldCredential = "x-amz-credential"
	postFieldDate       = "x-amz-date"
	postFieldToken      = "x-amz-security-token"
	postFieldPolicy     = "policy"
	postFieldSignature  = "x-amz-signature"
	postAlgorithm       = "AWS4-HMAC-SHA256"
	// postTimeFormat is ISO 8601 with milliseconds, as S3's examples
	// write the expiration.
	postTimeFormat = "2006-01-02T15:04:05.000Z"
)

// PostObject signs a browser upload form for bucket under pol.
//
// aws-sdk-go-v2's PresignClient.PresignPostObject is used only to resolve
// the bucket's endpoint, signing region and service; the policy and its
// signature are built here, because PresignPostObject adds an exact-key
// condition unless a starts-with key condition is written as []any, and
// returns no form field for the caller's other conditions (Content-Type,
// encryption, metadata), so a form built from its result is refused by S3.
// Every condition of pol comes with its field here.
func (p *Presigner) PostObject(ctx context.Context, bucket string, pol *PostPolicy) (*Form, error) {
	if pol == nil {
		return nil, errors.New("presign: nil post policy")
	}
	if pol.err != nil {
		return nil, pol.err
	}
	if bucket == "" {
		return nil, errors.New("presign: empty bucket name")
	}
	if err := signCheckValue("bucket name", bucket); err != nil {
		return nil, err
	}
	if !pol.has("key") {
		return nil, errors.New("presign: post policy has no key condition (Key or KeyPrefix)")
	}
	if r := pol.redirect(); r != "" {
		if err := p.checkScheme(r); err != nil {
			return nil, fmt.Errorf("presign: success_action_redirect: %w", err)
		}
	}
	creds, err := p.credentials(ctx)
	if err != nil {
		return nil, err
	}
	w, err := p.window(pol.expires, creds)
	if err != nil {
		return nil, err
	}
	target, err := p.postTarget(ctx, bucket, creds)
	if err != nil {
		return nil, err
	}
	if err := p.checkScheme(target.url); err != nil {
		return nil, err
	}
	date := w.signTime.Format("20060102T150405Z")
	credential := creds.AccessKeyID + "/" + w.signTime.Format("20060102") + "/" + target.region + "/" + target.service + "/aws4_request"
	signing := []Field{
		{postFieldAlgorithm, postAlgorithm},
		{postFieldCredential, credential},
		{postFieldDate, date},
	}
	if creds.SessionToken != "" {
		signing = append(signing, Field{postFieldToken, creds.SessionToken})
	}
	doc, err := postPolicyDocument(w.expires(), bucket, pol.conds, signing)
	if err != nil {
		return nil, err
	}
	policy := base64.StdEncoding.EncodeToString(doc)
	sig := postSignature(creds.SecretAccessKey, w.signTime.Format("20060102"), target.region, target.service, policy)

	fields := make([]Field, 0, len(pol.conds)+len(signing)+2)
	for _, c := range pol.conds { // key first: S3 needs it before the file
		if c.name == "key" {
			fields = append(fields, Field{c.name, c.field})
		}
	}
	for _, c := range pol.conds {
		if c.kind != postCondRange && c.name != "key" {
			fields = append(fields, Field{c.name, c.field})
		}
	}
	fields = append(fields, signing...)
	fields = append(fields, Field{postFieldPolicy, policy}, Field{postFieldSignature, sig})
	return &Form{
		URL:       target.url,
		Fields:    fields,
		Policy:    policy,
		Expires:   w.expires(),
		Requested: w.requested,
		Capped:    w.capped,
		CappedBy:  w.cappedBy,
	}, nil
}

// postPolicyDocument is the POST policy's JSON: the expiration, then the
// bucket, the caller's conditions and the signing fields. encoding/json
// escapes every value (quotes, backslashes, control characters).
func postPolicyDocument(expires time.Time, bucket string, conds []postCond, signing []Field) ([]byte, error) {
	all := make([]any, 0, 1+len(conds)+len(signing))
	all = append(all, map[string]string{"bucket": bucket})
	for _, c := range conds {
		switch c.kind {
		case postCondEq:
			all = append(all, map[string]string{c.name: c.value})
		case postCondStartsWith:
			all = append(all, []any{"starts-with", "$" + c.name, c.value})
		case postCondRange:
			all = append(all, []any{"content-length-range", c.min, c.max})
		}
	}
	for _, s := range signing {
		all = append(all, map[string]string{s.Name: s.Value})
	}
	doc := struct {
		Expiration string `json:"expiration"`
		Conditions []any  `json:"conditions"`
	}{expires.UTC().Format(postTimeFormat), all}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the policy travels base64-encoded, never as HTML
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("presign: encoding post policy: %w", err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// postSignature is the SigV4 POST signature: the hex HMAC-SHA256 of the
// base64 policy under the signing key derived from secret ("Calculating a
// Signature", S3 API Reference, "Authenticating Requests: Browser-Based
// Uploads Using POST").
func postSignature(secret, date, region, service, policy string) string {
	k := postHMAC([]byte("AWS4"+secret), date)
	k = postHMAC(k, region)
	k = postHMAC(k, service)
	k = postHMAC(k, "aws4_request")
	return hex.EncodeToString(postHMAC(k, policy))
}

func postHMAC(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// postEndpoint is where a form for one bucket goes, and the scope it is
// signed for.
type postEndpoint struct {
	url, region, service string
}

// postTarget has the SDK resolve the bucket's endpoint and signing scope
// (path or virtual-hosted style, FIPS, dual-stack, access points) by
// running PresignPostObject with a PostPresigner that only records them.
func (p *Presigner) postTarget(ctx context.Context, bucket string, creds aws.Credentials) (postEndpoint, error) {
	var rec postRecorder
	pc := s3.NewPresignClient(p.Client)
	out, err := pc.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k")}, func(o *s3.PresignPostOptions) {
		o.PostPresigner = &rec
		o.ClientOptions = append(o.ClientOptions, signPinCredentials(creds))
	})
	if err != nil {
		return postEndpoint{}, fmt.Errorf("presign: resolving the bucket endpoint: %w", err)
	}
	if !rec.called || out.URL == "" {
		return postEndpoint{}, errors.New("presign: the SDK resolved no endpoint for the bucket")
	}
	u, err := url.Parse(out.URL)
	if err != nil {
		return postEndpoint{}, errors.New("presign: the SDK resolved an unparsable endpoint")
	}
	u.RawQuery, u.Fragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	return postEndpoint{url: u.String(), region: rec.region, service: rec.service}, nil
}

// postRecorder is an s3.PresignPost that records the signing scope the SDK
// resolved and signs nothing.
type postRecorder struct {
	called          bool
	region, service string
}

var _ s3.PresignPost = (*postRecorder)(nil)

// PresignPost implements [s3.PresignPost].
func (r *postRecorder) PresignPost(_ aws.Credentials, _, _, region, service string, _ time.Time, _ []any, _ time.Time, _ ...func(*v4.SignerOptions)) (map[string]string, error) {
	r.called, r.region, r.service = true, region, service
	return map[string]string{}, nil
}
