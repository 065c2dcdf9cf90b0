package presign_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/s3vet/s3vet/presign"
)

// Credentials never print or log their secrets.
func TestCredentialsRedacted(t *testing.T) {
	c := presign.Credentials{AccessKeyID: "AKID", SecretAccessKey: "the-secret-key", SessionToken: "the-session-token",
		Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), Principal: "arn:aws:sts::1:assumed-role/r/s"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("creds", "c", c)
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c), fmt.Sprintf("%v", &c), logged.String()} {
		if strings.Contains(s, "the-secret-key") || strings.Contains(s, "the-session-token") || !strings.Contains(s, "AKID") {
			t.Errorf("printed as %s", s)
		}
	}
}
