package simulate

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/s3op"
)

// uploads are the operations whose body is object data, read only once
// the request is authorized.
var uploads = map[string]bool{"PutObject": true, "UploadPart": true, "PostObject": true}

// storedHeaders are the object headers S3 stores and returns that
// gofakes3 does not.
var storedHeaders = []string{"Cache-Control", "Content-Language", "Expires", "X-Amz-Storage-Class", "X-Amz-Website-Redirect-Location"}

var storageClasses = []string{"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
	"GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP"}

// readUpload reads the object data of an upload.
func (c *call) readUpload() ([]byte, error) {
	if c.r.ContentLength < 0 {
		return nil, errorf(http.StatusLengthRequired, "MissingContentLength", "You must provide the Content-Length HTTP header.")
	}
	if c.r.ContentLength > maxObjectSize {
		return nil, errorf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	data, err := readBodySize(c.r.Body, c.r.ContentLength, maxObjectSize)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) != c.r.ContentLength {
		return nil, errorf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	return data, nil
}

// newObject returns the record of an object a request writes to bucket
// b: its owner under the bucket's Object Ownership, its ACL, tags,
// encryption and stored headers. The caller holds the read lock.
func (c *call) newObject(b *bucketModel) (*objectMeta, error) {
	h := c.r.Header
	owner := c.caller.principal.Account
	switch {
	case owner == "", b.ownership == access.BucketOwnerEnforced:
		owner = b.owner
	case b.ownership == access.BucketOwnerPreferred && h.Get("X-Amz-Acl") == "bucket-owner-full-control":
		owner = b.owner
	}
	grants, _, err := c.requestACL(b.owner, owner)
	if err != nil {
		return nil, err
	}
	if b.ownership == access.BucketOwnerEnforced && len(grants) > 0 {
		return nil, aclNotSupported()
	}
	o := &objectMeta{owner: owner, acl: grants, header: map[string]string{}}
	if t := h.Values("X-Amz-Tagging"); len(t) > 0 {
		if o.tags, err = parseTagHeader(t); err != nil {
			return nil, err
		}
	}
	if o.enc, err = c.writeEncryption(b); err != nil {
		return nil, err
	}
	for _, k := range storedHeaders {
		if v := h.Get(k); v != "" {
			o.header[k] = v
		}
	}
	if sc := o.header["X-Amz-Storage-Class"]; sc != "" && !slices.Contains(storageClasses, sc) {
		return nil, invalidArgument("Invalid storage class.").with("ArgumentName", "x-amz-storage-class")
	}
	mode, until, hold := h.Get("X-Amz-Object-Lock-Mode"), h.Get("X-Amz-Object-Lock-Retain-Until-Date"), h.Get("X-Amz-Object-Lock-Legal-Hold")
	if mode != "" || until != "" || hold != "" {
		if !b.objectLock {
			return nil, invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if (mode == "") != (until == "") {
			return nil, invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
		}
		if until != "" {
			t, err := time.Parse(time.RFC3339Nano, until)
			if err != nil || !t.After(c.now) {
				return nil, invalidArgument("The retain until date must be in the future!")
			}
			o.retainMode, o.retainUntil = mode, t
		}
		o.legalHold = hold
	}
	return o, nil
}

// parseTagHeader reads x-amz-tagging, tags in URL query form.
func parseTagHeader(vs []string) (map[string]string, error) {
	bad := invalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.")
	if len(vs) != 1 {
		return nil, bad
	}
	q, err := url.ParseQuery(vs[0])
	if err != nil {
		return nil, bad
	}
	tags := map[string]string{}
	for k, v := range q {
		if len(v) != 1 {
			return nil, bad
		}
		tags[k] = v[0]
	}
	if err := validateTags(tags, 10); err != nil {
		return nil, err
	}
	return tags, nil
}

// objectHeaders returns what S3 adds to a GET or HEAD answer that gofakes3
// does not know, and a filter of what gofakes3 adds wrongly.
func (c *call) objectHeaders(versioned bool, o *objectMeta) func(http.Header) {
	q := c.query
	return func(h http.Header) {
		if !versioned {
			h.Del("X-Amz-Version-Id")
		}
		if o == nil {
			return
		}
		if q.Get("versionId") == "" {
			for k := range h {
				if (strings.HasPrefix(k, "X-Amz-Meta-") || k == "Content-Disposition" || k == "Content-Encoding") && !slices.Contains(o.metaKeys, k) {
					h.Del(k)
				}
			}
		}
		setEncryptionHeaders(h, o.enc)
		for k, v := range o.header {
			if k == "X-Amz-Storage-Class" && v == "STANDARD" {
				continue
			}
			if h.Get(k) == "" {
				h.Set(k, v)
			}
		}
		if len(o.tags) > 0 {
			h.Set("X-Amz-Tagging-Count", strconv.Itoa(len(o.tags)))
		}
		if o.checksumAlg != "" && strings.EqualFold(c.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") &&
			c.r.Header.Get("Range") == "" && q.Get("partNumber") == "" {
			h.Set(checksumHeader(o.checksumAlg), o.checksum)
			h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
		}
		if o.retainMode != "" {
			h.Set("X-Amz-Object-Lock-Mode", o.retainMode)
			h.Set("X-Amz-Object-Lock-Retain-Until-Date", o.retainUntil.UTC().Format(time.RFC3339))
		}
		if o.legalHold != "" {
			h.Set("X-Amz-Object-Lock-Legal-Hold", o.legalHold)
		}
	}
}

// getObject answers GetObject and HeadObject from gofakes3, with the SSE-C
// key checked and S3's headers.
func getObject(c *call) error {
	var o *objectMeta
	var versioned bool
	err := c.withBucket(false, func(b *bucketModel) error {
		versioned = b.versioning != ""
		if cur := b.objects[c.key]; cur != nil {
			cp := *cur
			o = &cp
		}
		return nil
	})
	if err != nil {
		return err
	}
	if o != nil {
		if err := c.readEncryption(o, ownSSEC); err != nil {
			return err
		}
		if _, err := c.useKMS("kms:Decrypt", o.enc, c.bucket, c.key); err != nil {
			return err
		}
	}
	fr := c.fakeRequest(c.r.Method, c.bucket, c.key, dataQuery(c.query), dataHeaders(c.r.Header), nil)
	_, err = c.forward(fr, true, c.objectHeaders(versioned, o))
	if e, ok := err.(*s3Error); ok && e.code == "NoSuchKey" && !c.mayList() {
		// "If you don't have the s3:ListBucket permission, Amazon S3
		// returns an HTTP status code 403 Access Denied error" (S3 API
		// Reference, GetObject).
		return accessDenied("Access Denied")
	}
	return err
}

// mayList reports whether the caller may list the bucket.
func (c *call) mayList() bool {
	req := &s3op.Request{Operation: "ListObjects", Bucket: c.bucket, Query: url.Values{}, Header: http.Header{}, Conn: c.req.Conn}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	d, err := c.s.m.authorize(c.caller, req, writes{})
	return err == nil && d.Allowed
}

func putObject(c *call) error {
	data, err := c.readUpload()
	if err != nil {
		return err
	}
	alg, sum, _, err := c.writeObject(data)
	if err != nil {
		return err
	}
	h := c.w.Header()
	if alg != "" {
		h.Set(checksumHeader(alg), sum)
		h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	}
	return c.done()
}

// writeObject stores data under the request's key, as PutObject and POST
// Object do: it checks the integrity headers, applies the bucket's
// encryption (using the KMS key), hands plain bytes to gofakes3, records
// the object and sets ETag, version and encryption response headers.
func (c *call) writeObject(data []byte) (alg, sum, etag string, err error) {
	checked := c.sig.bodySHA256
	if c.op == "PostObject" {
		checked = "" // data is a field of the form, not the body
	}
	if alg, sum, err = verifyIntegrity(c.r.Header, data, checked); err != nil {
		return "", "", "", err
	}
	var o *objectMeta
	if err := c.withBucket(false, func(b *bucketModel) error {
		o, err = c.newObject(b)
		return err
	}); err != nil {
		return "", "", "", err
	}
	if o.enc.kmsKeyID, err = c.useKMS("kms:GenerateDataKey", o.enc, c.bucket, c.key); err != nil {
		return "", "", "", err
	}
	o.checksumAlg, o.checksum = alg, sum
	header := dataHeaders(c.r.Header)
	header.Del("Range")
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", "binary/octet-stream")
	}
	o.metaKeys = storedKeys(header)
	resp, err := c.forward(c.fakeRequest(http.MethodPut, c.bucket, c.key, nil, header, data), false, nil)
	if err != nil {
		return "", "", "", err
	}
	versioned := c.store(o)
	etag = resp.header.Get("ETag")
	h := c.w.Header()
	h.Set("ETag", etag)
	if v := resp.header.Get("X-Amz-Version-Id"); v != "" && versioned {
		h.Set("X-Amz-Version-Id", v)
	}
	setEncryptionHeaders(h, o.enc)
	return alg, sum, etag, nil
}

// store records the object the request wrote, and reports whether its
// bucket is versioned.
func (c *call) store(o *objectMeta) bool {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	b := c.s.m.buckets[c.bucket]
	if b == nil {
		return false
	}
	b.objects[c.key] = o
	return b.versioning != ""
}

// locked reports why an object version may not be deleted: Object Lock
// retention or legal hold.
func (o *objectMeta) locked(now time.Time, bypass bool) bool {
	if o.legalHold == "ON" {
		return true
	}
	if o.retainMode == "" || !now.Before(o.retainUntil) {
		return false
	}
	return o.retainMode == "COMPLIANCE" || !bypass
}

func deleteObject(c *call) error {
	vid := c.query.Get("versionId")
	var versioned bool
	err := c.withBucket(false, func(b *bucketModel) error {
		versioned = b.versioning != ""
		if vid == "" {
			return nil
		}
		if b.mfaDelete && c.r.Header.Get("X-Amz-Mfa") == "" {
			return accessDenied("Mfa Authentication must be used for this request")
		}
		bypass := strings.EqualFold(c.r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
		if o := b.objects[c.key]; o != nil && b.objectLock && o.locked(c.now, bypass) {
			return accessDenied("Access Denied because object protected by object lock.")
		}
		return nil
	})
	if err != nil {
		return err
	}
	q := url.Values{}
	if vid != "" {
		q.Set("versionId", vid)
	}
	resp, err := c.forward(c.fakeRequest(http.MethodDelete, c.bucket, c.key, q, http.Header{}, nil), false, nil)
	if err != nil {
		return err
	}
	if vid == "" || !versioned {
		c.s.mu.Lock()
		if b := c.s.m.buckets[c.bucket]; b != nil {
			delete(b.objects, c.key)
		}
		c.s.mu.Unlock()
	}
	h := c.w.Header()
	if versioned {
		for _, k := range []string{"X-Amz-Version-Id", "X-Amz-Delete-Marker"} {
			if v := resp.header.Get(k); v != "" {
				h.Set(k, v)
			}
		}
	}
	return c.noContent()
}
