package simulate

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strconv"
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

// The log keeps the last WithRecordLimit records, in order, however many
// came, in no more memory than the limit and two blocks.
func TestRecordLimit(t *testing.T) {
	for _, limit := range []int{1, 5, recordBlock - 1, recordBlock, recordBlock + 1, 1000} {
		s, err := New(&World{}, WithRecordLimit(limit))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, total := range []int{0, 1, limit, limit + 1, 2*recordBlock + 3, 3 * limit, 5000} {
			for ; n < total; n++ {
				s.recMu.Lock()
				s.keep(Record{RequestID: strconv.Itoa(n), Status: 200})
				s.recMu.Unlock()
			}
			recs := s.Requests()
			if want := min(n, limit); len(recs) != want {
				t.Fatalf("limit %d, %d records: Requests gave %d, want %d", limit, n, len(recs), want)
			}
			for i, r := range recs {
				if want := strconv.Itoa(n - len(recs) + i); r.RequestID != want {
					t.Fatalf("limit %d, %d records: record %d is %s, want %s", limit, n, i, r.RequestID, want)
				}
			}
			if s.nrecs > limit+2*recordBlock {
				t.Fatalf("limit %d: %d records kept", limit, s.nrecs)
			}
		}
		s.ResetRequests()
		if recs := s.Requests(); len(recs) != 0 {
			t.Fatalf("limit %d: %d records after ResetRequests", limit, len(recs))
		}
	}
}
