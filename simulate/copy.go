package simulate

import (
	"encoding/xml"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy/s3op"
)

// source is the version a copy reads.
type source struct {
	s3op.CopySource
	v         *objectVersion
	versioned bool // the source bucket has versioning
}

// readSource finds the source of CopyObject or UploadPartCopy: the
// version that x-amz-copy-source names, read with s3op's parser as the
// authorizer read it, and pinned when the copy was authorized. Its SSE-C
// key and kms:Decrypt are checked, and the copy-source conditions.
func (c *call) readSource() (*source, error) {
	cs, err := s3op.ParseCopySource(c.r.Header.Get("X-Amz-Copy-Source"))
	if err != nil {
		return nil, invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey").with("ArgumentName", "x-amz-copy-source")
	}
	if cs.VersionID != "" {
		if err := checkVersionID(cs.VersionID); err != nil {
			return nil, err
		}
	}
	src := &source{CopySource: cs}
	src.v, src.versioned, err = c.readVersion(cs.Bucket, cs.Key, cs.VersionID)
	if e, ok := err.(*s3Error); ok && e.code == "MethodNotAllowed" {
		return nil, invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.")
	}
	if err != nil {
		return nil, err
	}
	c.s.mu.RLock()
	owner := c.s.m.buckets[cs.Bucket].owner
	c.s.mu.RUnlock()
	if exp := c.r.Header.Get("X-Amz-Source-Expected-Bucket-Owner"); exp != "" && exp != owner {
		return nil, accessDenied("Access Denied")
	}
	if err := c.readEncryption(src.v, copySourceSSEC); err != nil {
		return nil, err
	}
	if _, err := c.useKMS("kms:Decrypt", src.v.enc, cs.Bucket, cs.Key); err != nil {
		return nil, err
	}
	if !copyConditions(c.r.Header, src.v) {
		return nil, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	}
	return src, nil
}

// copyConditions evaluates the x-amz-copy-source-if-* headers on the
// source version, as S3 does (S3 API Reference, CopyObject): a true
// if-match overrides a false if-unmodified-since, a false if-none-match
// fails whatever if-modified-since says, and any failure is 412.
func copyConditions(h http.Header, v *objectVersion) bool {
	modified := v.modified.Truncate(time.Second)
	if m := h.Get("X-Amz-Copy-Source-If-Match"); m != "" {
		if !etagMatches(m, v.etag) {
			return false
		}
	} else if t, err := http.ParseTime(h.Get("X-Amz-Copy-Source-If-Unmodified-Since")); err == nil && modified.After(t) {
		return false
	}
	if m := h.Get("X-Amz-Copy-Source-If-None-Match"); m != "" {
		if etagMatches(m, v.etag) {
			return false
		}
	} else if t, err := http.ParseTime(h.Get("X-Amz-Copy-Source-If-Modified-Since")); err == nil && !modified.After(t) {
		return false
	}
	return true
}

type copyResultXML struct {
	XMLName      xml.Name
	Xmlns        string `xml:"xmlns,attr"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
}

// copyObject copies a version as S3 does: metadata and tags from the
// source (COPY) or the request (REPLACE), ACL, encryption and Object Lock
// settings from the request or the bucket's defaults.
func copyObject(c *call) error {
	src, err := c.readSource()
	if err != nil {
		return err
	}
	h := c.r.Header
	mdir, tdir := strings.ToUpper(h.Get("X-Amz-Metadata-Directive")), strings.ToUpper(h.Get("X-Amz-Tagging-Directive"))
	if mdir != "" && mdir != "COPY" && mdir != "REPLACE" {
		return invalidArgument("Unknown metadata directive.").with("ArgumentName", "x-amz-metadata-directive").with("ArgumentValue", mdir)
	}
	if tdir != "" && tdir != "COPY" && tdir != "REPLACE" {
		return invalidArgument("Unknown tagging directive.").with("ArgumentName", "x-amz-tagging-directive").with("ArgumentValue", tdir)
	}
	if src.Bucket == c.bucket && src.Key == c.key && src.VersionID == "" && mdir != "REPLACE" &&
		h.Get("X-Amz-Server-Side-Encryption") == "" && h.Get("X-Amz-Storage-Class") == "" && h.Get("X-Amz-Website-Redirect-Location") == "" &&
		h.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") == "" {
		return invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	var v *objectVersion
	if err := c.withBucket(false, func(b *bucketModel) error {
		v, err = c.newVersion(b)
		return err
	}); err != nil {
		return err
	}
	if v.enc.kmsKeyID, err = c.useKMS("kms:GenerateDataKey", v.enc, c.bucket, c.key); err != nil {
		return err
	}
	if mdir != "REPLACE" {
		// The source's metadata, but for what the request sets of the
		// copy itself.
		header := maps.Clone(src.v.header)
		for _, k := range []string{"X-Amz-Storage-Class", "X-Amz-Website-Redirect-Location"} {
			delete(header, k)
			if val, ok := v.header[k]; ok {
				header[k] = val
			}
		}
		v.header, v.meta = header, src.v.meta
	}
	if tdir != "REPLACE" {
		v.tags = src.v.tags
	}
	v.data, v.etag = src.v.data, src.v.etag
	if src.v.parts != nil {
		// A copy is one object, of one part (S3 gives it an ETag of its
		// own, unlike the multipart source's).
		v.etag = md5ETag(v.data)
	}
	if alg := strings.ToUpper(h.Get("X-Amz-Checksum-Algorithm")); alg != "" && checksumHeader(alg) != "" {
		v.checksumAlg = alg
	} else {
		v.checksumAlg = src.v.checksumAlg
	}
	if v.checksumAlg != "" {
		v.checksum, v.checksumType = checksum(v.checksumAlg, v.data), "FULL_OBJECT"
	}
	if err := c.store(v, c.writeConditions); err != nil {
		return err
	}
	if src.versioned {
		c.w.Header().Set("X-Amz-Copy-Source-Version-Id", src.v.id)
	}
	return c.writeXML(copyResultXML{XMLName: xml.Name{Local: "CopyObjectResult"}, Xmlns: s3NS,
		LastModified: formatXMLTime(v.modified), ETag: v.etag})
}

// formatXMLTime formats t as S3's XML documents do, to the millisecond.
func formatXMLTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func uploadPartCopy(c *call) error {
	u, err := c.upload()
	if err != nil {
		return err
	}
	n, err := partNumber(c.query.Get("partNumber"))
	if err != nil {
		return err
	}
	if err := c.partEncryption(u); err != nil {
		return err
	}
	src, err := c.readSource()
	if err != nil {
		return err
	}
	data := src.v.data
	if rng := c.r.Header.Get("X-Amz-Copy-Source-Range"); rng != "" {
		first, last, ok := parseByteRange(rng, int64(len(data)))
		if !ok {
			return invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy").with("ArgumentName", "x-amz-copy-source-range").with("ArgumentValue", rng)
		}
		data = data[first : last+1]
	}
	p, err := c.putPart(u, n, data)
	if err != nil {
		return err
	}
	if src.versioned {
		c.w.Header().Set("X-Amz-Copy-Source-Version-Id", src.v.id)
	}
	setEncryptionHeaders(c.w.Header(), u.meta.enc)
	return c.writeXML(copyResultXML{XMLName: xml.Name{Local: "CopyPartResult"}, Xmlns: s3NS,
		LastModified: formatXMLTime(p.modified), ETag: p.etag})
}

// parseByteRange reads "bytes=first-last" within an object of size n.
func parseByteRange(s string, n int64) (first, last int64, ok bool) {
	r, found := strings.CutPrefix(s, "bytes=")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(r, "-")
	if !found {
		return 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || first > last || last >= n {
		return 0, 0, false
	}
	return first, last, true
}
