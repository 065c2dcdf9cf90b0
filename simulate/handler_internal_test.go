package simulate

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"sync"
	"testing"
	"time"
)

// Request IDs are S3's 16 upper-case hex digits, x-amz-id-2 is the ID
// three times in base64, and no two requests share an ID, even
// concurrent ones.
func TestRequestIDs(t *testing.T) {
	hex16 := regexp.MustCompile(`^[0-9A-F]{16}$`)
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			ids := make([]string, 0, 10000)
			for range 10000 {
				id, host := newRequestID()
				if !hex16.MatchString(id) {
					t.Errorf("request ID %q is not 16 upper-case hex digits", id)
					return
				}
				if want := base64.StdEncoding.EncodeToString([]byte(id + id + id)); host != want {
					t.Errorf("x-amz-id-2 of %s is %q, want %q", id, host, want)
					return
				}
				ids = append(ids, id)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if seen[id] {
					t.Errorf("request ID %s given twice", id)
				}
				seen[id] = true
			}
		})
	}
	wg.Wait()
}

// formatHTTPTime is time.Format's HTTP date, for times in the same
// second, the next, and back, from concurrent callers.
func TestFormatHTTPTime(t *testing.T) {
	base := time.Date(2026, 3, 14, 15, 9, 26, 0, time.FixedZone("X", 3600))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 5000 {
				at := base.Add(time.Duration((i*7+g)%50) * 300 * time.Millisecond)
				if got, want := formatHTTPTime(at), at.UTC().Format(http.TimeFormat); got != want {
					t.Errorf("formatHTTPTime(%v) = %q, want %q", at, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// sourceIP is the client's address in netip's form, or "" for a zoned or
// unparsable one.
func TestSourceIP(t *testing.T) {
	for remote, want := range map[string]string{
		"127.0.0.1:5000": "127.0.0.1", "192.0.2.1": "192.0.2.1", "[::1]:80": "::1", "[::ffff:192.0.2.1]:80": "192.0.2.1",
		"[2001:DB8::1]:443": "2001:db8::1", "[fe80::1%eth0]:80": "", "192.0.2.01:80": "", "pipe": "",
	} {
		if got := sourceIP(&http.Request{RemoteAddr: remote}); got != want {
			t.Errorf("sourceIP(%q) = %q, want %q", remote, got, want)
		}
	}
}
