package presign

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Credentials are what a [CredentialStore] knows of an access key: the
// secret that signs with it, the session token of temporary credentials,
// when they expire, and who they belong to.
//
// Credentials redact themselves when printed or logged: the secret and
// the session token never appear in a string.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string    // set for temporary (session) credentials
	Expires         time.Time // zero: they do not expire
	Principal       string    // who signs with them, such as an ARN
}

// String returns the credentials without their secrets.
func (c Credentials) String() string {
	s := "{AccessKeyID: " + c.AccessKeyID + ", Principal: " + c.Principal
	if c.SecretAccessKey != "" {
		s += ", SecretAccessKey: [REDACTED]"
	}
	if c.SessionToken != "" {
		s += ", SessionToken: [REDACTED]"
	}
	if !c.Expires.IsZero() {
		s += ", Expires: " + c.Expires.UTC().Format(time.RFC3339)
	}
	return s + "}"
}

// GoString is String, so that %#v redacts too.
func (c Credentials) GoString() string { return "presign.Credentials" + c.String() }

// Format makes every verb print String, so that no fmt verb leaks a
// secret.
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, c.GoString())
		return
	}
	fmt.Fprint(f, c.String())
}

// LogValue logs the credentials without their secrets.
func (c Credentials) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("access_key_id", c.AccessKeyID),
		slog.String("principal", c.Principal),
		slog.Bool("temporary", c.SessionToken != ""),
	}
	if !c.Expires.IsZero() {
		attrs = append(attrs, slog.Time("expires", c.Expires))
	}
	return slog.GroupValue(attrs...)
}

// redacted returns c without its secret access key, for a [Result].
func (c Credentials) redacted() Credentials {
	c.SecretAccessKey = ""
	return c
}

// CredentialStore looks up the credentials of an access key, for a
// [Verifier].
//
// Lookup returns [ErrUnknownAccessKey] (or an error wrapping it) for an
// access key it does not know; the verifier then answers
// InvalidAccessKeyId. Any other error is returned to the caller of Verify
// wrapped, not as an S3 error: it is the store's failure, not the
// request's. Lookup must be safe for concurrent use.
type CredentialStore interface {
	Lookup(ctx context.Context, accessKeyID string) (Credentials, error)
}

// StaticCredentials is a [CredentialStore] holding a fixed set of
// credentials, keyed by access key ID.
type StaticCredentials map[string]Credentials

var _ CredentialStore = StaticCredentials(nil)

// Lookup returns the credentials of accessKeyID, or [ErrUnknownAccessKey].
func (s StaticCredentials) Lookup(_ context.Context, accessKeyID string) (Credentials, error) {
	c, ok := s[accessKeyID]
	if !ok {
		return Credentials{}, ErrUnknownAccessKey
	}
	if c.AccessKeyID == "" {
		c.AccessKeyID = accessKeyID
	}
	return c, nil
}
