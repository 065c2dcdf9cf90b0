package presign

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
)

// The cache returns what sigV4Key derives, for every secret and scope,
// cached or not.
func TestSigningKeysMatchDerived(t *testing.T) {
	var c signingKeys
	for range 2 {
		for _, secret := range []string{"", "a", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"} {
			for _, sc := range []credScope{{"20130524", "us-east-1", "s3"}, {"20130525", "us-east-1", "s3"},
				{"20130524", "eu-west-1", "s3"}, {"20130524", "us-east-1", "sts"}} {
				if got, want := c.get(secret, sc), sigV4Key(secret, sc); !bytes.Equal(got, want) {
					t.Errorf("get(%q, %v) = %x, want %x", secret, sc, got, want)
				}
			}
		}
	}
	if n := c.size(); n != 12 {
		t.Errorf("%d keys cached, want 12", n)
	}
}

// The cache never holds more than maxSigningKeys keys.
func TestSigningKeysBounded(t *testing.T) {
	var c signingKeys
	for i := range 3*maxSigningKeys + 7 {
		sc := credScope{"20130524", "us-east-1", "s3"}
		secret := fmt.Sprint("secret", i)
		if got, want := c.get(secret, sc), sigV4Key(secret, sc); !bytes.Equal(got, want) {
			t.Fatalf("key %d: %x, want %x", i, got, want)
		}
		if n := c.size(); n > maxSigningKeys {
			t.Fatalf("%d keys cached after %d, more than %d", n, i+1, maxSigningKeys)
		}
	}
}

// Concurrent lookups, of keys cached and not, each get their own key
// (run with -race).
func TestSigningKeysConcurrent(t *testing.T) {
	var c signingKeys
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2 * maxSigningKeys {
				sc := credScope{"20130524", "us-east-1", "s3"}
				secret := fmt.Sprint("secret", (i*(g+1))%(maxSigningKeys+50))
				if got, want := c.get(secret, sc), sigV4Key(secret, sc); !bytes.Equal(got, want) {
					t.Errorf("%s: %x, want %x", secret, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

// BenchmarkSigningKeysCached is a key found in the cache, to compare with
// BenchmarkSigV4Key.
func BenchmarkSigningKeysCached(b *testing.B) {
	var c signingKeys
	sc := credScope{date: "20250101", region: "us-east-1", service: "s3"}
	for b.Loop() {
		c.get("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sc)
	}
}
