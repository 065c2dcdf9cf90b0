package simulate

import (
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy/access"
)

// The object store. The simulator keeps every version of every object
// itself, with all that S3 keeps beside its bytes, and applies S3's
// versioning rules (S3 User Guide, "Retaining multiple versions of objects
// with S3 Versioning"): in a bucket that was never versioned a key has one
// version, the null version; with versioning Enabled each write adds a
// version with an ID of its own and a delete without a version ID adds a
// delete marker; with versioning Suspended writes and deletes replace the
// null version (a delete with a null delete marker). Versions are kept
// newest first.
//
// It replaces gofakes3's in-memory backend, whose versioning is not S3's
// (no null version; deleting the current version leaves none current; IDs
// ordered by value, not by age) and cannot be corrected from outside.

// nullVersion is the ID of the version a key gets while its bucket is not
// versioned, or versioning is suspended.
const nullVersion = "null"

// objectVersion is one version of an object, or a delete marker: its bytes
// and what S3 keeps beside them. A stored version is never changed: a
// change of its ACL, tags, retention or legal hold stores a changed copy
// in its place (bucketModel.replace), so that a request keeps the very
// version it was authorized on, whatever happens after.
type objectVersion struct {
	id           string // nullVersion or a generated ID
	deleteMarker bool
	modified     time.Time
	owner        string // the account that wrote it

	data []byte // never written once stored
	etag string // quoted, as in the ETag header
	// parts are the sizes of the parts of an object written by a
	// multipart upload, in order; nil for other objects.
	parts []int64
	acl   []access.Grant
	tags  map[string]string
	enc   objectEncryption
	// checksumAlg (CRC32, CRC32C, SHA1, SHA256, CRC64NVME), checksum
	// (base64) and checksumType (FULL_OBJECT or COMPOSITE) are the
	// checksum given on upload, if any.
	checksumAlg, checksum, checksumType string
	// header holds the stored headers of the object (storedHeaders), by
	// canonical name.
	header map[string]string
	// meta is the user-defined metadata: names lower-case, without the
	// x-amz-meta- prefix, as S3 stores them.
	meta map[string]string
	// retention and legal hold, for Object Lock.
	retainMode  string
	retainUntil time.Time
	legalHold   string
}

// storedHeaders are the headers of a write that S3 stores with the object
// and returns on GET and HEAD (S3 User Guide, "Working with object
// metadata": system-defined metadata a user may set).
var storedHeaders = []string{"Content-Type", "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control",
	"Expires", "X-Amz-Storage-Class", "X-Amz-Website-Redirect-Location"}

// md5ETag is the ETag of an object of one PUT: the hex MD5 of its bytes,
// quoted.
func md5ETag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// current returns the current version of key (perhaps a delete marker),
// or nil.
func (b *bucketModel) current(key string) *objectVersion {
	if vs := b.objects[key]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}

// version returns the version vid of key ("" for the current one), or nil.
func (b *bucketModel) version(key, vid string) *objectVersion {
	if vid == "" {
		return b.current(key)
	}
	for _, v := range b.objects[key] {
		if v.id == vid {
			return v
		}
	}
	return nil
}

// setVersions makes vs the versions of key, newest first; none deletes the
// key.
func (b *bucketModel) setVersions(key string, vs []*objectVersion) {
	if len(vs) == 0 {
		delete(b.objects, key)
		return
	}
	if _, ok := b.objects[key]; !ok {
		b.keys = append(b.keys, key)
		b.keysSorted = false
		if len(b.keys) > 2*len(b.objects)+64 {
			b.sortKeys()
		}
	}
	b.objects[key] = vs
}

// sortedKeys returns the bucket's keys in UTF-8 binary order, as S3 lists
// them. The caller holds the write lock.
func (b *bucketModel) sortedKeys() []string {
	if !b.keysSorted {
		b.sortKeys()
	}
	return b.keys
}

// sortKeys sorts b.keys and drops those of deleted keys, and repeats.
func (b *bucketModel) sortKeys() {
	b.keys = slices.DeleteFunc(b.keys, func(k string) bool { return len(b.objects[k]) == 0 })
	slices.Sort(b.keys)
	b.keys = slices.Compact(b.keys)
	b.keysSorted = true
}

// put stores v as the current version of key under the bucket's
// versioning, with the ID newID gives when versioning is Enabled. It
// returns v's ID.
func (b *bucketModel) put(key string, v *objectVersion, newID func() string) string {
	vs := b.objects[key]
	switch b.versioning {
	case "Enabled":
		v.id = newID()
	case "Suspended":
		// The null version, current or not, is replaced.
		v.id = nullVersion
		vs = slices.DeleteFunc(slices.Clone(vs), func(o *objectVersion) bool { return o.id == nullVersion })
	default:
		v.id = nullVersion
		vs = nil
	}
	b.setVersions(key, append([]*objectVersion{v}, vs...))
	return v.id
}

// deleteKey deletes key as DeleteObject without a version ID does: in a
// bucket that was never versioned the object is gone; otherwise a delete
// marker, owned by owner, becomes the current version (replacing the null
// version when versioning is suspended), even where there was no object.
// It returns the marker, or nil.
func (b *bucketModel) deleteKey(key, owner string, now time.Time, newID func() string) *objectVersion {
	if b.versioning == "" {
		b.setVersions(key, nil)
		return nil
	}
	m := &objectVersion{deleteMarker: true, modified: now, owner: owner}
	b.put(key, m, newID)
	return m
}

// deleteVersion removes version vid of key for good, and returns it; nil
// if there is none. The next newer version, if any, becomes current.
func (b *bucketModel) deleteVersion(key, vid string) *objectVersion {
	vs := b.objects[key]
	i := slices.IndexFunc(vs, func(v *objectVersion) bool { return v.id == vid })
	if i < 0 {
		return nil
	}
	gone := vs[i]
	b.setVersions(key, slices.Delete(slices.Clone(vs), i, i+1))
	return gone
}

// replace stores next in place of the version old of key, as a change of
// its ACL, tags, retention or legal hold does. It reports false if old is
// no longer stored.
func (b *bucketModel) replace(key string, old, next *objectVersion) bool {
	vs := b.objects[key]
	i := slices.Index(vs, old)
	if i < 0 {
		return false
	}
	vs = slices.Clone(vs)
	vs[i] = next
	b.objects[key] = vs
	return true
}

// empty reports whether the bucket holds no object version nor delete
// marker, as DeleteBucket requires.
func (b *bucketModel) empty() bool { return len(b.objects) == 0 }

// versionAlphabet are the characters of a version ID: URL-safe, as S3's
// are ("Unicode, UTF-8 encoded, URL-ready, opaque strings", S3 User Guide,
// "How S3 Versioning works").
const versionAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"

// newVersionID returns a version ID of 32 characters that no other version
// of the model has: the next number of the model, from a random start,
// through a bijection of 64-bit integers (the finalizer of SplitMix64),
// spelled in the first 11 characters, and more of the same mix after.
func (m *model) newVersionID() string {
	z := m.versionIDs.Add(1)
	var out [32]byte
	x := mix64(z)
	for i := range 11 {
		out[i] = versionAlphabet[x&63]
		x >>= 6
	}
	y := mix64(z ^ 0x9e3779b97f4a7c15)
	for i := 11; i < 32; i++ {
		if i == 21 {
			y = mix64(y)
		}
		out[i] = versionAlphabet[y&63]
		y >>= 6
	}
	return string(out[:])
}

// mix64 is the finalizer of SplitMix64, a bijection.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// checkVersionID refuses a version ID that S3 could not have given: empty,
// or neither "null" nor of the form of S3's (32 URL-safe characters), with
// S3's errors for each; a well-formed ID that names no version is another
// error, the caller's to give (NoSuchVersion to a read; none to a delete).
func checkVersionID(vid string) error {
	if vid == "" {
		return invalidArgument("Version id cannot be the empty string").with("ArgumentName", "versionId").with("ArgumentValue", "")
	}
	if vid == nullVersion {
		return nil
	}
	if len(vid) != 32 || strings.Trim(vid, versionAlphabet) != "" {
		return invalidArgument("Invalid version id specified").with("ArgumentName", "versionId").with("ArgumentValue", vid)
	}
	return nil
}
