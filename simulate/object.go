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

var storageClasses = []string{"STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
	"GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS", "FSX_ONTAP"}

// maxMetadataSize is S3's limit on user-defined metadata: 2 KB, the sum
// of the bytes of each key and value (S3 User Guide, "Working with object
// metadata").
const maxMetadataSize = 2 << 10

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

// newVersion returns the version a request writes to bucket b, without
// its bytes: its owner under the bucket's Object Ownership, its ACL, tags,
// encryption, stored headers, metadata and Object Lock settings. The
// caller holds the read lock.
func (c *call) newVersion(b *bucketModel) (*objectVersion, error) {
	h := c.r.Header
	owner := c.caller.principal.Account
	switch {
	case owner == "", b.ownership == access.BucketOwnerEnforced:
		owner = b.owner
	case b.ownership == access.BucketOwnerPreferred && h.Get("X-Amz-Acl") == "bucket-owner-full-control":
		owner = b.owner
	}
	grants, set, err := c.requestACL(b.owner, owner)
	if err != nil {
		return nil, err
	}
	if b.ownership == access.BucketOwnerEnforced && othersGranted(grants, owner) {
		return nil, aclNotSupported()
	}
	if !set {
		grants = ownerACL(owner)
	}
	v := &objectVersion{owner: owner, acl: grants, modified: c.now}
	if t := h.Values("X-Amz-Tagging"); len(t) > 0 {
		if v.tags, err = parseTagHeader(t); err != nil {
			return nil, err
		}
	}
	if v.enc, err = c.writeEncryption(b); err != nil {
		return nil, err
	}
	if v.header, v.meta, err = objectMetadata(h); err != nil {
		return nil, err
	}
	if err := c.lockSettings(b, v); err != nil {
		return nil, err
	}
	return v, nil
}

// objectMetadata returns the headers S3 stores of a write (storedHeaders)
// and its user-defined metadata, names lower-cased as S3 stores them.
func objectMetadata(h http.Header) (map[string]string, map[string]string, error) {
	header := map[string]string{"Content-Type": "binary/octet-stream"}
	for _, k := range storedHeaders {
		v := h.Get(k)
		if k == "Content-Encoding" {
			v = withoutChunked(v)
		}
		if v != "" {
			header[k] = v
		}
	}
	if sc := header["X-Amz-Storage-Class"]; sc != "" && !slices.Contains(storageClasses, sc) {
		return nil, nil, invalidArgument("Invalid storage class.").with("ArgumentName", "x-amz-storage-class")
	}
	var meta map[string]string
	size := 0
	for k, vs := range h {
		name, ok := strings.CutPrefix(k, "X-Amz-Meta-")
		if !ok || len(vs) == 0 {
			continue
		}
		if meta == nil {
			meta = map[string]string{}
		}
		name = strings.ToLower(name)
		meta[name] = vs[0]
		size += len(name) + len(vs[0])
	}
	if size > maxMetadataSize {
		return nil, nil, errorf(http.StatusBadRequest, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.").
			with("Size", strconv.Itoa(size)).with("MaxSizeAllowed", strconv.Itoa(maxMetadataSize))
	}
	return header, meta, nil
}

// withoutChunked drops aws-chunked, the framing of the upload, from a
// Content-Encoding: S3 does not store it.
func withoutChunked(v string) string {
	if v == "" {
		return ""
	}
	var keep []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
			keep = append(keep, e)
		}
	}
	return strings.Join(keep, ",")
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

func putObject(c *call) error {
	data, err := c.readUpload()
	if err != nil {
		return err
	}
	v, err := c.writeObject(data)
	if err != nil {
		return err
	}
	if v.checksumAlg != "" {
		h := c.w.Header()
		h.Set(checksumHeader(v.checksumAlg), v.checksum)
		h.Set("X-Amz-Checksum-Type", "FULL_OBJECT")
	}
	return c.done()
}

// writeObject stores data as a new version of the request's key, as
// PutObject and POST Object do: it checks the integrity headers, applies
// the bucket's encryption (using the KMS key), stores the version and sets
// the ETag, version and encryption response headers.
func (c *call) writeObject(data []byte) (*objectVersion, error) {
	checked := c.sig.bodySHA256
	if c.op == "PostObject" {
		checked = "" // data is a field of the form, not the body
	}
	alg, sum, err := verifyIntegrity(c.r.Header, data, checked)
	if err != nil {
		return nil, err
	}
	var v *objectVersion
	if err := c.withBucket(false, func(b *bucketModel) error {
		v, err = c.newVersion(b)
		return err
	}); err != nil {
		return nil, err
	}
	if v.enc.kmsKeyID, err = c.useKMS("kms:GenerateDataKey", v.enc, c.bucket, c.key); err != nil {
		return nil, err
	}
	v.data, v.etag = data, md5ETag(data)
	if alg != "" {
		v.checksumAlg, v.checksum, v.checksumType = alg, sum, "FULL_OBJECT"
	}
	if err := c.store(v, c.writeConditions); err != nil {
		return nil, err
	}
	return v, nil
}

// store stores v, a new version of the request's key, once check (if
// any) has found nothing against the current version, and sets the
// response's ETag, version and encryption headers.
func (c *call) store(v *objectVersion, check func(cur *objectVersion) error) error {
	err := c.withBucket(true, func(b *bucketModel) error {
		if check != nil {
			if err := check(b.current(c.key)); err != nil {
				return err
			}
		}
		b.put(c.key, v, c.s.m.newVersionID)
		return nil
	})
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", v.etag)
	if v.id != nullVersion {
		// A null version's ID is not returned on write (S3 answers so
		// in a bucket whose versioning is suspended).
		h.Set("X-Amz-Version-Id", v.id)
	}
	setEncryptionHeaders(h, v.enc)
	return nil
}

// writeConditions applies the conditions of a write (PutObject's and
// CompleteMultipartUpload's If-None-Match and If-Match) to the current
// version of its key (S3 User Guide, "How to prevent object overwrites
// with conditional writes").
func (c *call) writeConditions(cur *objectVersion) error {
	h := c.r.Header
	if cur != nil && cur.deleteMarker {
		cur = nil
	}
	if m := h.Get("If-None-Match"); m != "" {
		if m != "*" {
			return errorf(http.StatusNotImplemented, "NotImplemented", "A header you provided implies functionality that is not implemented").
				with("Header", "If-None-Match")
		}
		if cur != nil {
			return preconditionFailed("If-None-Match")
		}
	}
	if m := h.Get("If-Match"); m != "" {
		if cur == nil {
			return noSuchKey(c.key)
		}
		if !etagMatches(m, cur.etag) {
			return preconditionFailed("If-Match")
		}
	}
	return nil
}

func preconditionFailed(condition string) *s3Error {
	return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold").
		with("Condition", condition)
}

// etagMatches reports whether an If-Match or If-None-Match value (*, or a
// list of ETags, quoted or not, perhaps weak) names etag.
func etagMatches(list, etag string) bool {
	want := strings.Trim(etag, `"`)
	for _, e := range strings.Split(list, ",") {
		e = strings.TrimPrefix(strings.TrimSpace(e), "W/")
		if e == "*" || strings.Trim(e, `"`) == want {
			return true
		}
	}
	return false
}

// readVersion finds the version a read names (version vid of the
// request's key, "" for the current one), as it was when the request was
// authorized, with S3's errors: NoSuchKey when there is none or the
// current version is a delete marker (x-amz-delete-marker: true),
// NoSuchVersion, and MethodNotAllowed for a version that is a delete
// marker.
func (c *call) readVersion(bucket, key, vid string) (v *objectVersion, versioned bool, err error) {
	c.s.mu.RLock()
	b := c.s.m.buckets[bucket]
	if b != nil {
		versioned = b.versioning != ""
		v = c.look(b, key, vid)
	}
	c.s.mu.RUnlock()
	switch {
	case b == nil:
		return nil, false, noSuchBucket(bucket)
	case v == nil && vid == "":
		return nil, versioned, noSuchKey(key)
	case v == nil:
		return nil, versioned, errorf(http.StatusNotFound, "NoSuchVersion", "The specified version does not exist.").
			with("Key", key).with("VersionId", vid)
	case v.deleteMarker && vid == "":
		e := noSuchKey(key)
		e.header = map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": v.id}
		return nil, versioned, e
	case v.deleteMarker:
		e := errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.").
			with("Method", c.r.Method).with("ResourceType", "DeleteMarker")
		e.header = map[string]string{"X-Amz-Delete-Marker": "true", "X-Amz-Version-Id": v.id,
			"Last-Modified": formatHTTPTime(v.modified), "Allow": "DELETE"}
		return nil, versioned, e
	}
	return v, versioned, nil
}

// getObject answers GetObject and HeadObject: the version named, with its
// encryption checked (the SSE-C key it was written with, kms:Decrypt),
// the request's conditions, range or part, and S3's headers.
func getObject(c *call) error {
	v, versioned, err := c.readVersion(c.bucket, c.key, c.query.Get("versionId"))
	if e, ok := err.(*s3Error); ok && e.code == "NoSuchKey" && !c.mayList() {
		// "If you don't have the s3:ListBucket permission, Amazon S3
		// returns an HTTP status code 403 Access Denied error" (S3 API
		// Reference, GetObject).
		return accessDenied("Access Denied")
	}
	if err != nil {
		return err
	}
	for _, k := range []string{"X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id",
		"X-Amz-Server-Side-Encryption-Context", "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled"} {
		if val := c.r.Header.Get(k); val != "" {
			// "If you include the header in your GetObject requests for
			// the object that uses these types of keys, you'll get an
			// HTTP 400 Bad Request error" (S3 API Reference, GetObject).
			name := strings.ToLower(k)
			return invalidArgument(name+" header is not supported for this operation.").with("ArgumentName", name).with("ArgumentValue", val)
		}
	}
	if err := c.readEncryption(v, ownSSEC); err != nil {
		return err
	}
	if _, err := c.useKMS("kms:Decrypt", v.enc, c.bucket, c.key); err != nil {
		return err
	}
	overrides, err := c.responseOverrides()
	if err != nil {
		return err
	}
	h := c.w.Header()
	if versioned {
		h.Set("X-Amz-Version-Id", v.id)
	}
	if status := c.readConditions(v); status != 0 {
		if status == http.StatusNotModified {
			h.Set("ETag", v.etag)
			h.Set("Last-Modified", formatHTTPTime(v.modified))
			c.w.WriteHeader(http.StatusNotModified)
			return nil
		}
		return preconditionFailed(c.failedCondition(v))
	}
	first, last, partial, err := c.readRange(v)
	if err != nil {
		return err
	}
	c.objectHeaders(h, v, partial)
	for k, val := range overrides {
		h.Set(k, val)
	}
	size := int64(len(v.data))
	status := http.StatusOK
	body := v.data
	if partial {
		status = http.StatusPartialContent
		body = v.data[first : last+1]
		h.Set("Content-Range", "bytes "+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10)+"/"+strconv.FormatInt(size, 10))
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		c.w.Write(body)
	}
	return nil
}

// objectHeaders sets the headers of a GET or HEAD answer for version v.
func (c *call) objectHeaders(h http.Header, v *objectVersion, partial bool) {
	h.Set("ETag", v.etag)
	h.Set("Last-Modified", formatHTTPTime(v.modified))
	h.Set("Accept-Ranges", "bytes")
	for k, val := range v.header {
		if k == "X-Amz-Storage-Class" && val == "STANDARD" {
			continue
		}
		h.Set(k, val)
	}
	for k, val := range v.meta {
		h["x-amz-meta-"+k] = []string{val}
	}
	setEncryptionHeaders(h, v.enc)
	if len(v.tags) > 0 {
		h.Set("X-Amz-Tagging-Count", strconv.Itoa(len(v.tags)))
	}
	if v.checksumAlg != "" && strings.EqualFold(c.r.Header.Get("X-Amz-Checksum-Mode"), "ENABLED") &&
		(!partial || c.query.Has("partNumber") && len(v.parts) == 0) {
		h.Set(checksumHeader(v.checksumAlg), v.checksum)
		h.Set("X-Amz-Checksum-Type", v.checksumType)
	}
	if c.query.Has("partNumber") && len(v.parts) > 0 {
		h.Set("X-Amz-Mp-Parts-Count", strconv.Itoa(len(v.parts)))
	}
	if v.retainMode != "" {
		h.Set("X-Amz-Object-Lock-Mode", v.retainMode)
		h.Set("X-Amz-Object-Lock-Retain-Until-Date", v.retainUntil.UTC().Format(time.RFC3339))
	}
	if v.legalHold != "" {
		h.Set("X-Amz-Object-Lock-Legal-Hold", v.legalHold)
	}
}

// responseOverrides are the query parameters of GetObject and HeadObject
// that set a header of the answer, with the header each sets.
var responseOverrides = []struct{ param, header string }{
	{"response-cache-control", "Cache-Control"},
	{"response-content-disposition", "Content-Disposition"},
	{"response-content-encoding", "Content-Encoding"},
	{"response-content-language", "Content-Language"},
	{"response-content-type", "Content-Type"},
	{"response-expires", "Expires"},
}

// responseOverrides returns the headers the request's response-*
// parameters set, which S3 refuses to anonymous callers (S3 API
// Reference, GetObject: "Overriding response header values through the
// request").
func (c *call) responseOverrides() (map[string]string, error) {
	var out map[string]string
	for _, o := range responseOverrides {
		if !c.query.Has(o.param) {
			continue
		}
		if c.caller.principal.Account == "" {
			return nil, invalidRequest("Request specific response headers cannot be used for anonymous GET requests.")
		}
		if out == nil {
			out = map[string]string{}
		}
		out[o.header] = c.query.Get(o.param)
	}
	return out, nil
}

// readConditions evaluates the conditional headers of a GET or HEAD of v,
// as S3 does (S3 API Reference, GetObject): If-Match, else
// If-Unmodified-Since, failing gives 412; If-None-Match, else
// If-Modified-Since, failing gives 304. It returns 0 when they hold. A date
// that does not parse is ignored, as HTTP says.
func (c *call) readConditions(v *objectVersion) int {
	h := c.r.Header
	modified := v.modified.Truncate(time.Second)
	if m := h.Get("If-Match"); m != "" {
		if !etagMatches(m, v.etag) {
			return http.StatusPreconditionFailed
		}
	} else if t, err := http.ParseTime(h.Get("If-Unmodified-Since")); err == nil && modified.After(t) {
		return http.StatusPreconditionFailed
	}
	if m := h.Get("If-None-Match"); m != "" {
		if etagMatches(m, v.etag) {
			return http.StatusNotModified
		}
	} else if t, err := http.ParseTime(h.Get("If-Modified-Since")); err == nil && !modified.After(t) {
		return http.StatusNotModified
	}
	return 0
}

// failedCondition names the condition that failed with 412.
func (c *call) failedCondition(v *objectVersion) string {
	if c.r.Header.Get("If-Match") != "" {
		return "If-Match"
	}
	return "If-Unmodified-Since"
}

// readRange returns the bytes of v a GET or HEAD asks for with its Range
// header or partNumber parameter; partial is false for the whole object.
// A Range S3 does not take (malformed, or several ranges) is ignored and
// the whole object sent, as S3 does; one that starts past the end is
// InvalidRange.
func (c *call) readRange(v *objectVersion) (first, last int64, partial bool, err error) {
	size := int64(len(v.data))
	rng := c.r.Header.Get("Range")
	if c.query.Has("partNumber") {
		n, err := partNumber(c.query.Get("partNumber"))
		if err != nil {
			return 0, 0, false, err
		}
		if rng != "" {
			return 0, 0, false, invalidRequest("Cannot specify both Range header and partNumber query parameter")
		}
		parts := v.parts
		if parts == nil {
			parts = []int64{size}
		}
		if n > len(parts) {
			return 0, 0, false, errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidPartNumber", "The requested partnumber is not satisfiable").
				with("PartNumberRequested", strconv.Itoa(n)).with("ActualPartCount", strconv.Itoa(len(parts)))
		}
		for _, p := range parts[:n-1] {
			first += p
		}
		if parts[n-1] == 0 {
			return 0, 0, false, nil
		}
		return first, first + parts[n-1] - 1, true, nil
	}
	if rng == "" {
		return 0, 0, false, nil
	}
	first, last, ok := parseRange(rng, size)
	if !ok {
		return 0, 0, false, nil
	}
	if first < 0 {
		c.w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		return 0, 0, false, errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable").
			with("RangeRequested", rng).with("ActualObjectSize", strconv.FormatInt(size, 10))
	}
	return first, last, true, nil
}

// parseRange reads a Range header of one byte range within an object of
// size bytes (RFC 9110, "Range"): bytes=first-last, bytes=first- or
// bytes=-suffix. ok is false for a header that is not one such range;
// first is -1 for a range that is not satisfiable.
func parseRange(h string, size int64) (first, last int64, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(h), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false
	}
	num := func(s string) (int64, bool) {
		if s == "" || len(s) > 18 || strings.Trim(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if a == "" {
		n, ok := num(b)
		if !ok {
			return 0, 0, false
		}
		if n == 0 || size == 0 {
			return -1, 0, true
		}
		return max(size-n, 0), size - 1, true
	}
	first, ok = num(a)
	if !ok {
		return 0, 0, false
	}
	last = size - 1
	if b != "" {
		if last, ok = num(b); !ok || last < first {
			return 0, 0, false
		}
		last = min(last, size-1)
	}
	if first >= size {
		return -1, 0, true
	}
	return first, last, true
}

// partNumber reads a partNumber parameter: 1 to 10000.
func partNumber(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxParts {
		return 0, invalidArgument("Part number must be an integer between 1 and 10000, inclusive").
			with("ArgumentName", "partNumber").with("ArgumentValue", v)
	}
	return n, nil
}

// maxParts is S3's limit on the parts of a multipart upload.
const maxParts = 10000

// mayList reports whether the caller may list the bucket.
func (c *call) mayList() bool {
	req := &s3op.Request{Operation: "ListObjects", Bucket: c.bucket, Query: url.Values{}, Header: http.Header{}, Conn: c.req.Conn}
	if c.ap != nil {
		req.Bucket = c.ap.arn
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	d, err := c.s.m.authorize(c.caller, req, writes{}, nil)
	return err == nil && d.Allowed
}

// locked reports whether Object Lock keeps version v from being deleted
// or overwritten: a legal hold, or a retention period not yet over that
// is COMPLIANCE, or GOVERNANCE without bypass.
func (v *objectVersion) locked(now time.Time, bypass bool) bool {
	if v.legalHold == "ON" {
		return true
	}
	if v.retainMode == "" || !now.Before(v.retainUntil) {
		return false
	}
	return v.retainMode == "COMPLIANCE" || !bypass
}

// bypassGovernance reports whether the request asks to bypass GOVERNANCE
// retention; its permission, s3:BypassGovernanceRetention, is authorized
// with the request.
func (c *call) bypassGovernance() bool {
	return strings.EqualFold(c.r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
}

// lockedError is S3's refusal to delete a locked version.
func lockedError() *s3Error {
	return accessDenied("Access Denied because object protected by object lock.")
}

// deleteVersion removes version vid of key for good, as DeleteObject and
// DeleteObjects do with a version ID, and returns it; nil if there is
// none. Object Lock is checked on the version as authorized and as it is
// stored now (its retention may have been extended since). The caller
// holds the write lock.
func (c *call) deleteVersion(b *bucketModel, key, vid string) (*objectVersion, error) {
	bypass := c.bypassGovernance()
	if v := c.look(b, key, vid); v != nil && v.locked(c.now, bypass) {
		return nil, lockedError()
	}
	v := b.version(key, vid)
	if v == nil {
		return nil, nil
	}
	if v.locked(c.now, bypass) {
		return nil, lockedError()
	}
	return b.deleteVersion(key, vid), nil
}

// deleteObject answers DeleteObject: without a version ID it deletes the
// key under the bucket's versioning (perhaps adding a delete marker); with
// one it removes that version for good, unless Object Lock or MFA Delete
// forbids it.
func deleteObject(c *call) error {
	vid := c.query.Get("versionId")
	h := c.w.Header()
	err := c.withBucket(true, func(b *bucketModel) error {
		if c.bypassGovernance() && !b.objectLock {
			// Observed of S3: versity/versitygw issue 1218.
			return invalidArgument("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.").
				with("ArgumentName", "x-amz-bypass-governance-retention")
		}
		if vid == "" {
			if m := b.deleteKey(c.key, c.caller.principal.Account, c.now, c.s.m.newVersionID); m != nil {
				h.Set("X-Amz-Delete-Marker", "true")
				h.Set("X-Amz-Version-Id", m.id)
			}
			return nil
		}
		if b.mfaDelete && c.r.Header.Get("X-Amz-Mfa") == "" {
			return accessDenied("Mfa Authentication must be used for this request")
		}
		gone, err := c.deleteVersion(b, c.key, vid)
		if err != nil {
			return err
		}
		if b.versioning != "" {
			h.Set("X-Amz-Version-Id", vid)
			if gone != nil && gone.deleteMarker {
				h.Set("X-Amz-Delete-Marker", "true")
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.noContent()
}
