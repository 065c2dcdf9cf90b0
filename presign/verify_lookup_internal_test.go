package presign

import (
	"net/http"
	"slices"
	"testing"
)

// lookupHeader finds what http.Header.Values finds, whatever the name.
func TestLookupHeader(t *testing.T) {
	h := http.Header{}
	for _, k := range []string{"X-Amz-Date", "Amz-Sdk-Request", "Content-Md5", "X-Amz-Meta-A1", "X_under", "x-raw-lower", "Www-Authenticate", "X-Amz-Meta-Ünicode"} {
		h[k] = []string{"value of " + k}
	}
	h.Set("x-amz-meta-way-too-long-"+string(make([]byte, 80)), "long")
	for _, name := range []string{"x-amz-date", "amz-sdk-request", "content-md5", "x-amz-meta-a1", "x_under", "x-raw-lower", "www-authenticate",
		"x-amz-meta-ünicode", "X-AMZ-DATE", "-x-amz-date", "x--amz-date", "", "missing", "x-amz-meta-way-too-long-" + string(make([]byte, 80))} {
		if got, want := lookupHeader(h, name), h.Values(name); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}

// checkAllSigned names the x-amz-* headers left out of the signature, in
// lower case, whatever case they came in.
func TestCheckAllSignedCase(t *testing.T) {
	r, _ := http.NewRequest("GET", "http://b.s3.amazonaws.com/k", nil)
	r.Header["X-Amz-Date"] = []string{"x"}
	r.Header["X-Amz-Content-Sha256"] = []string{"x"}
	r.Header["x-AMZ-Meta-Odd"] = []string{"x"}
	r.Header["X-Amz-Server-Side-Encryption-Customer-Key"] = []string{"x"}
	r.Header["Content-Type"] = []string{"x"}
	if err := checkAllSigned(r, []string{"host", "x-amz-date", "x-amz-meta-odd", "x-amz-server-side-encryption-customer-key"}, false); err != nil {
		t.Errorf("all signed: %v", err)
	}
	err := checkAllSigned(r, []string{"host", "x-amz-date"}, false)
	if err == nil || len(err.Details) != 1 || err.Details[0].Value != "x-amz-meta-odd, x-amz-server-side-encryption-customer-key" {
		t.Errorf("two unsigned: %v", err)
	}
	if err := checkAllSigned(r, []string{"host", "x-amz-date", "x-amz-meta-odd"}, true); err != nil {
		t.Errorf("SSE-C key of a presigned URL need not be signed: %v", err)
	}
	r.Header["X-Amz-Meta-K\u212a"] = []string{"x"} // Kelvin sign: lower-cased as strings.ToLower does
	err = checkAllSigned(r, []string{"host", "x-amz-date", "x-amz-meta-odd"}, true)
	if err == nil || err.Details[0].Value != "x-amz-meta-kk" {
		t.Errorf("non-ASCII name: %v", err)
	}
}
