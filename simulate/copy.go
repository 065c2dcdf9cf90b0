package simulate

import (
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/johannesboyne/gofakes3"
)

// source is the object a copy reads, with its bytes and metadata.
type source struct {
	bucket, key, version string
	meta                 *objectMeta // nil if the simulator has no record
	versioned            bool
	obj                  *gofakes3.Object
	data                 []byte
}

// readSource reads the source of CopyObject or UploadPartCopy.
func (c *call) readSource() (*source, error) {
	raw := c.r.Header.Get("X-Amz-Copy-Source")
	bucket, key, ok := copySource(raw)
	if !ok {
		return nil, invalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey").with("ArgumentName", "x-amz-copy-source")
	}
	src := &source{bucket: bucket, key: key}
	if _, q, ok := strings.Cut(raw, "?"); ok {
		v, _ := url.ParseQuery(q)
		src.version = v.Get("versionId")
	}
	c.s.mu.RLock()
	b := c.s.m.buckets[bucket]
	if b != nil {
		if o := b.objects[key]; o != nil {
			cp := *o
			src.meta = &cp
		}
		src.versioned = b.versioning != ""
	}
	c.s.mu.RUnlock()
	if b == nil {
		return nil, noSuchBucket(bucket)
	}
	if exp := c.r.Header.Get("X-Amz-Source-Expected-Bucket-Owner"); exp != "" && exp != b.owner {
		return nil, accessDenied("Access Denied")
	}
	if src.meta != nil {
		if err := c.readEncryption(src.meta, copySourceSSEC); err != nil {
			return nil, err
		}
		if _, err := c.useKMS("kms:Decrypt", src.meta.enc, bucket, key); err != nil {
			return nil, err
		}
	}
	var err error
	if src.version != "" && src.version != "null" {
		src.obj, err = c.s.backend.GetObjectVersion(bucket, key, gofakes3.VersionID(src.version), nil)
	} else {
		src.obj, err = c.s.backend.GetObject(bucket, key, nil)
	}
	if err != nil {
		if gofakes3.HasErrorCode(err, gofakes3.ErrNoSuchVersion) {
			return nil, errorf(http.StatusNotFound, "NoSuchVersion", "The specified version does not exist.")
		}
		return nil, noSuchKey(key)
	}
	defer src.obj.Contents.Close()
	if src.obj.IsDeleteMarker {
		return nil, noSuchKey(key)
	}
	if src.data, err = io.ReadAll(src.obj.Contents); err != nil {
		return nil, errInternal
	}
	etag := `"` + hex.EncodeToString(src.obj.Hash) + `"`
	h := c.r.Header
	if m := h.Get("X-Amz-Copy-Source-If-Match"); m != "" && m != etag && m != "*" {
		return nil, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	}
	if m := h.Get("X-Amz-Copy-Source-If-None-Match"); m != "" && (m == etag || m == "*") {
		return nil, errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	}
	return src, nil
}

type copyResultXML struct {
	XMLName      xml.Name
	Xmlns        string `xml:"xmlns,attr"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
}

// copyObject copies an object as S3 does: metadata and tags from the
// source (COPY) or the request (REPLACE), ACL and encryption from the
// request or the bucket's defaults.
func copyObject(c *call) error {
	src, err := c.readSource()
	if err != nil {
		return err
	}
	h := c.r.Header
	mdir, tdir := strings.ToUpper(h.Get("X-Amz-Metadata-Directive")), strings.ToUpper(h.Get("X-Amz-Tagging-Directive"))
	if mdir != "" && mdir != "COPY" && mdir != "REPLACE" || tdir != "" && tdir != "COPY" && tdir != "REPLACE" {
		return invalidArgument("Unknown metadata directive.")
	}
	var o *objectMeta
	if err := c.withBucket(false, func(b *bucketModel) error {
		o, err = c.newObject(b)
		return err
	}); err != nil {
		return err
	}
	if o.enc.kmsKeyID, err = c.useKMS("kms:GenerateDataKey", o.enc, c.bucket, c.key); err != nil {
		return err
	}
	if src.bucket == c.bucket && src.key == c.key && src.version == "" && mdir != "REPLACE" &&
		h.Get("X-Amz-Server-Side-Encryption") == "" && h.Get("X-Amz-Storage-Class") == "" && h.Get("X-Amz-Website-Redirect-Location") == "" &&
		h.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") == "" {
		return invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	header := http.Header{}
	if mdir == "REPLACE" {
		header = dataHeaders(h)
	} else {
		for k, v := range src.obj.Metadata {
			ck := http.CanonicalHeaderKey(k)
			if strings.HasPrefix(ck, "X-Amz-Meta-") || ck == "Content-Type" || ck == "Content-Disposition" || ck == "Content-Encoding" {
				if src.meta == nil || src.meta.has(ck) {
					header.Set(ck, v)
				}
			}
		}
		if src.meta != nil {
			for k, v := range src.meta.header {
				if _, set := o.header[k]; !set {
					o.header[k] = v
				}
			}
		}
	}
	header.Del("Range")
	header.Del("If-Match")
	header.Del("If-None-Match")
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", "binary/octet-stream")
	}
	o.metaKeys = storedKeys(header)
	if tdir != "REPLACE" && src.meta != nil {
		o.tags = src.meta.tags
	}
	if src.meta != nil && src.meta.checksumAlg != "" {
		o.checksumAlg, o.checksum = src.meta.checksumAlg, checksum(src.meta.checksumAlg, src.data)
	}
	resp, err := c.forward(c.fakeRequest(http.MethodPut, c.bucket, c.key, nil, header, src.data), false, nil)
	if err != nil {
		return err
	}
	versioned := c.store(o)
	rh := c.w.Header()
	if v := resp.header.Get("X-Amz-Version-Id"); v != "" && versioned {
		rh.Set("X-Amz-Version-Id", v)
	}
	if src.versioned && src.obj.VersionID != "" {
		rh.Set("X-Amz-Copy-Source-Version-Id", string(src.obj.VersionID))
	}
	setEncryptionHeaders(rh, o.enc)
	return c.writeXML(copyResultXML{XMLName: xml.Name{Local: "CopyObjectResult"}, Xmlns: s3NS,
		LastModified: c.now.UTC().Format("2006-01-02T15:04:05.000Z"), ETag: resp.header.Get("ETag")})
}

func (o *objectMeta) has(header string) bool {
	for _, k := range o.metaKeys {
		if k == header {
			return true
		}
	}
	return false
}

func uploadPartCopy(c *call) error {
	u, err := c.upload()
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
	data := src.data
	if rng := c.r.Header.Get("X-Amz-Copy-Source-Range"); rng != "" {
		first, last, ok := parseByteRange(rng, int64(len(data)))
		if !ok {
			return invalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy").with("ArgumentName", "x-amz-copy-source-range")
		}
		data = data[first : last+1]
	}
	etag, err := c.putPart(u, data)
	if err != nil {
		return err
	}
	setEncryptionHeaders(c.w.Header(), u.meta.enc)
	return c.writeXML(copyResultXML{XMLName: xml.Name{Local: "CopyPartResult"}, Xmlns: s3NS,
		LastModified: c.now.UTC().Format("2006-01-02T15:04:05.000Z"), ETag: etag})
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
