package s3op

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

// The lower case of each key of the connection is the one lowerKey
// gives.
func TestConnKeysLower(t *testing.T) {
	for _, k := range connKeyList {
		if k.lower != asciiLower(k.name) || k.lower != lowerKey(k.name) {
			t.Errorf("%s: lower case %q, want %q", k.name, k.lower, asciiLower(k.name))
		}
	}
}

// timeKeys formats every time as RFC 3339 in UTC and Unix seconds, for
// concurrent callers and times in and out of the same second.
func TestTimeKeys(t *testing.T) {
	base := time.Date(2026, 3, 14, 15, 9, 26, 0, time.FixedZone("X", -5*3600))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 5000 {
				at := base.Add(time.Duration((i*7+g)%50) * 300 * time.Millisecond)
				current, epoch := timeKeys(at)
				if want := at.UTC().Format(time.RFC3339); current != want {
					t.Errorf("aws:CurrentTime of %v = %q, want %q", at, current, want)
					return
				}
				if want := strconv.FormatInt(at.Unix(), 10); epoch != want {
					t.Errorf("aws:EpochTime of %v = %q, want %s", at, epoch, want)
					return
				}
			}
		})
	}
	wg.Wait()
}
