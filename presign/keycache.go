package presign

import "sync"

// maxSigningKeys bounds a Verifier's cache of signing keys: past it, the
// cache is emptied and starts again. A key changes with the day, so a
// server sees about one per access key and service a day.
const maxSigningKeys = 256

// signingKeys caches the signing keys a Verifier derived, by secret and
// credential scope: each is four HMACs that every request of the day
// would otherwise repeat. Its zero value is empty and ready for use.
type signingKeys struct {
	mu sync.Mutex
	m  map[signingKeyID]*[32]byte
}

type signingKeyID struct {
	secret string
	scope  credScope
}

// get returns the signing key of the secret for the scope, deriving it
// if it is not cached. The key returned must not be modified.
func (c *signingKeys) get(secret string, sc credScope) []byte {
	id := signingKeyID{secret, sc}
	c.mu.Lock()
	k, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return k[:]
	}
	k = new([32]byte)
	copy(k[:], sigV4Key(secret, sc))
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxSigningKeys {
		c.m = make(map[signingKeyID]*[32]byte)
	}
	c.m[id] = k
	c.mu.Unlock()
	return k[:]
}

// size returns the number of keys cached.
func (c *signingKeys) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
