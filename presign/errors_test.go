package presign_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/presign"
)

type failingStore struct{ err error }

func (s failingStore) Lookup(context.Context, string) (presign.Credentials, error) {
	return presign.Credentials{}, s.err
}

// Every failure is an *Error wrapping exactly one sentinel; a store's own
// failure is not an S3 error; a wrapped ErrUnknownAccessKey still is
// InvalidAccessKeyId.
func TestErrorsAndStores(t *testing.T) {
	sentinels := []error{presign.ErrUnknownAccessKey, presign.ErrSignatureMismatch, presign.ErrSkewed, presign.ErrExpired,
		presign.ErrExpiredToken, presign.ErrInvalidToken, presign.ErrMalformed, presign.ErrBodyMismatch,
		presign.ErrIncompleteBody, presign.ErrPolicy}
	build := func() *http.Request {
		return newDocRequest("GET", "/test.txt", docHost, nil,
			"Authorization", docAuthorization("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
			"Range", "bytes=0-9", "X-Amz-Content-Sha256", emptyHash, "X-Amz-Date", "20130524T000000Z")
	}
	for _, c := range []struct {
		store presign.CredentialStore
		code  string
		kind  error
	}{
		{failingStore{fmt.Errorf("cache: %w", presign.ErrUnknownAccessKey)}, "InvalidAccessKeyId", presign.ErrUnknownAccessKey},
		{failingStore{errors.New("database down")}, "", nil},
		{presign.StaticCredentials{docAccessKey: {SecretAccessKey: "wrong"}}, "SignatureDoesNotMatch", presign.ErrSignatureMismatch},
	} {
		v := docVerifier(docTime)
		v.Credentials = c.store
		_, err := v.Verify(context.Background(), build())
		var e *presign.Error
		if c.kind == nil {
			if err == nil || errors.As(err, &e) || !strings.Contains(err.Error(), "database down") {
				t.Errorf("store failure: %v", err)
			}
			continue
		}
		if !errors.As(err, &e) || e.Code != c.code {
			t.Fatalf("%v", err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) != (s == c.kind) {
				t.Errorf("%s: errors.Is(%v) = %v", c.code, s, errors.Is(err, s))
			}
		}
		if !strings.HasPrefix(err.Error(), "presign: "+c.code+": ") || strings.Contains(err.Error(), docSecret) {
			t.Errorf("Error() = %q", err.Error())
		}
	}
}
