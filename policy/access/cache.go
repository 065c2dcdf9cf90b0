package access

import (
	"encoding/binary"
	"sync"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// maxCacheEntries bounds each of a Cache's tables: when one is full it is
// emptied, and what is still in use is compiled again.
const maxCacheEntries = 1024

// A Cache keeps what Decide derives from the S3 state and would otherwise
// derive again at every call: each ACL written as policies (with and
// without its public grants), and whether a bucket policy is public.
// Keep one with the state it serves, such as one per bucket, and decide
// through [Cache.Decide].
//
// Entries are found by what they were derived from: an ACL by the bucket,
// the bucket owner and the grants, compared by value; a bucket policy by
// its pointer, as a parsed policy is not to be changed. So a state that
// changes is never answered from the cache: the next decision misses,
// compiles the new state once, and the ones after it reuse that.
//
// The zero Cache is empty and ready to use. A Cache is safe for
// concurrent use; it must not be copied after first use.
type Cache struct {
	mu     sync.RWMutex
	acls   map[string]compiledACL
	public map[*policy.Policy]bool
}

// compiledACL is an ACL written as policies: with all its grants, and
// without the public ones, for IgnorePublicAcls. A policy is nil when no
// grant is left.
type compiledACL struct {
	all, private *policy.Policy
}

// policy returns the ACL's policy, without the public grants if
// ignorePublic.
func (a compiledACL) policy(ignorePublic bool) *policy.Policy {
	if ignorePublic {
		return a.private
	}
	return a.all
}

// Decide is the package's [Decide], reusing what the cache holds. A nil
// Cache compiles everything at every call, as Decide does.
func (c *Cache) Decide(set *policy.Set, req Request, state *State) (Decision, error) {
	return decide(c, set, req, state)
}

// acl returns the ACL of a bucket, or of an object in it, compiled.
func (c *Cache) acl(bucket string, grants []Grant, object bool, owner string) (compiledACL, error) {
	if len(grants) == 0 {
		return compiledACL{}, nil
	}
	if c == nil {
		return compileACL(bucket, grants, object, owner)
	}
	var buf [256]byte
	key := aclKey(buf[:0], bucket, grants, object, owner)
	c.mu.RLock()
	a, ok := c.acls[string(key)]
	c.mu.RUnlock()
	if ok {
		return a, nil
	}
	a, err := compileACL(bucket, grants, object, owner)
	if err != nil {
		return compiledACL{}, err
	}
	c.mu.Lock()
	if c.acls == nil || len(c.acls) >= maxCacheEntries {
		c.acls = make(map[string]compiledACL)
	}
	c.acls[string(key)] = a
	c.mu.Unlock()
	return a, nil
}

// isPublic reports whether the bucket policy p is public, as
// public.IsPublic does.
func (c *Cache) isPublic(p *policy.Policy) bool {
	if c == nil || p == nil {
		return public.IsPublic(p)
	}
	c.mu.RLock()
	v, ok := c.public[p]
	c.mu.RUnlock()
	if ok {
		return v
	}
	v = public.IsPublic(p)
	c.mu.Lock()
	if c.public == nil || len(c.public) >= maxCacheEntries {
		c.public = make(map[*policy.Policy]bool)
	}
	c.public[p] = v
	c.mu.Unlock()
	return v
}

// compileACL writes an ACL as policies, with and without its public
// grants.
func compileACL(bucket string, grants []Grant, object bool, owner string) (compiledACL, error) {
	all, err := ACLPolicy(bucket, grants, object, owner)
	if err != nil {
		return compiledACL{}, err
	}
	a := compiledACL{all: all, private: all}
	var private []Grant
	for _, g := range grants {
		if !g.Public() {
			private = append(private, g)
		}
	}
	if len(private) < len(grants) {
		if a.private, err = ACLPolicy(bucket, private, object, owner); err != nil {
			return compiledACL{}, err
		}
	}
	return a, nil
}

// aclKey appends to b what an ACL's policies are written from, each part
// prefixed by its length so that no two inputs share a key.
func aclKey(b []byte, bucket string, grants []Grant, object bool, owner string) []byte {
	str := func(b []byte, s string) []byte {
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	}
	if object {
		b = append(b, 'o')
	} else {
		b = append(b, 'b')
	}
	b = str(b, bucket)
	b = str(b, owner)
	for _, g := range grants {
		b = str(b, g.Grantee)
		b = str(b, g.Permission)
	}
	return b
}
