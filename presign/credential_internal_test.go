package presign

import (
	"strings"
	"testing"
)

// splitParseCredential is parseCredential as first written, on
// strings.Split: the reference of TestParseCredential.
func splitParseCredential(c string) (string, credScope, bool) {
	parts := strings.Split(c, "/")
	if len(parts) != 5 || parts[0] == "" || parts[1] == "" || parts[2] == "" || parts[3] == "" {
		return "", credScope{}, false
	}
	return parts[0], credScope{date: parts[1], region: parts[2], service: parts[3]}, parts[4] == scopeTerminal
}

func TestParseCredential(t *testing.T) {
	for _, c := range []string{
		"", "/", "////", "/////", "AKID/20130524/us-east-1/s3/aws4_request",
		"AKID/20130524/us-east-1/s3/aws4_request/", "AKID/20130524/us-east-1/s3/", "AKID/20130524/us-east-1/s3",
		"AKID//us-east-1/s3/aws4_request", "/20130524/us-east-1/s3/aws4_request", "AKID/20130524//s3/aws4_request",
		"AKID/20130524/us-east-1//aws4_request", "AKID/20130524/us-east-1/s3/aws4_requestX", "a/b/c/d/e/f",
	} {
		k, sc, ok := parseCredential(c)
		wk, wsc, wok := splitParseCredential(c)
		if k != wk || sc != wsc || ok != wok {
			t.Errorf("parseCredential(%q) = %q, %+v, %v; want %q, %+v, %v", c, k, sc, ok, wk, wsc, wok)
		}
	}
}
