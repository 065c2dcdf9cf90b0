package simulate

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Multipart uploads (S3 User Guide, "Uploading and copying objects using
// multipart upload"): an upload holds the version it will write and its
// parts until it is completed or aborted.

// pendingUpload is a multipart upload in progress.
type pendingUpload struct {
	id, bucket, key string
	// meta is the version the upload will write, but for its bytes.
	meta      *objectVersion
	initiator string // the ARN of the caller that created it
	// initiatorAccount is its account; "" for an anonymous caller.
	initiatorAccount string
	initiated        time.Time
	// checksumAlg and checksumType are the upload's checksum algorithm
	// and type (COMPOSITE or FULL_OBJECT), if it has one.
	checksumAlg, checksumType string
	parts                     map[int]*uploadedPart
}

// uploadedPart is a part of a multipart upload.
type uploadedPart struct {
	data     []byte
	etag     string // quoted
	md5      [md5.Size]byte
	modified time.Time
	checksum string // base64, in the upload's algorithm
}

// minPartSize is the smallest part S3 accepts but for the last: 5 MiB.
const minPartSize = 5 << 20

type initiateResultXML struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Bucket   string
	Key      string
	UploadID string `xml:"UploadId"`
}

func createMultipartUpload(c *call) error {
	var v *objectVersion
	err := c.withBucket(false, func(b *bucketModel) error {
		var err error
		v, err = c.newVersion(b)
		return err
	})
	if err != nil {
		return err
	}
	if v.enc.kmsKeyID, err = c.useKMS("kms:GenerateDataKey", v.enc, c.bucket, c.key); err != nil {
		return err
	}
	u := &pendingUpload{bucket: c.bucket, key: c.key, meta: v, initiator: c.principal, initiatorAccount: c.caller.principal.Account,
		initiated: c.now, parts: map[int]*uploadedPart{}}
	if a := strings.ToUpper(c.r.Header.Get("X-Amz-Checksum-Algorithm")); a != "" {
		if checksumHeader(a) == "" {
			return invalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
		}
		u.checksumAlg, u.checksumType = a, "COMPOSITE"
		if a == "CRC64NVME" {
			u.checksumType = "FULL_OBJECT"
		}
	}
	if t := strings.ToUpper(c.r.Header.Get("X-Amz-Checksum-Type")); t != "" {
		if t != "COMPOSITE" && t != "FULL_OBJECT" || u.checksumAlg == "" {
			return invalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.")
		}
		if t == "FULL_OBJECT" && !strings.HasPrefix(u.checksumAlg, "CRC") || t == "COMPOSITE" && u.checksumAlg == "CRC64NVME" {
			return invalidRequest("The " + u.checksumAlg + " checksum algorithm does not support the " + t + " checksum type.")
		}
		u.checksumType = t
	}
	u.id = c.s.m.newVersionID() + c.s.m.newVersionID()
	c.s.mu.Lock()
	c.s.uploads[u.id] = u
	c.s.mu.Unlock()
	h := c.w.Header()
	setEncryptionHeaders(h, v.enc)
	if u.checksumAlg != "" {
		h.Set("X-Amz-Checksum-Algorithm", u.checksumAlg)
		h.Set("X-Amz-Checksum-Type", u.checksumType)
	}
	return c.writeXML(initiateResultXML{Xmlns: s3NS, Bucket: c.bucket, Key: c.key, UploadID: u.id})
}

// upload returns the multipart upload the request names.
func (c *call) upload() (*pendingUpload, error) {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	u := c.s.uploads[c.query.Get("uploadId")]
	if u == nil || u.bucket != c.bucket || u.key != c.key {
		return nil, errorf(http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").
			with("UploadId", c.query.Get("uploadId"))
	}
	return u, nil
}

func uploadPart(c *call) error {
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
	if (u.meta.retainMode != "" || u.meta.legalHold != "") && !hasIntegrityHeader(c.r.Header) {
		return invalidRequest("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters")
	}
	data, err := c.readUpload()
	if err != nil {
		return err
	}
	alg, sum, err := verifyIntegrity(c.r.Header, data, c.sig.bodySHA256)
	if err != nil {
		return err
	}
	if alg != "" && u.checksumAlg != "" && alg != u.checksumAlg {
		return invalidRequest("Checksum Type mismatch occurred, expected checksum Type: " + strings.ToLower(u.checksumAlg) + ", actual checksum Type: " + strings.ToLower(alg))
	}
	p, err := c.putPart(u, n, data)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", p.etag)
	setEncryptionHeaders(h, u.meta.enc)
	if alg != "" {
		h.Set(checksumHeader(alg), sum)
	} else if u.checksumAlg != "" {
		h.Set(checksumHeader(u.checksumAlg), p.checksum)
	}
	return c.done()
}

// partEncryption checks that a part of an SSE-C upload carries its key.
func (c *call) partEncryption(u *pendingUpload) error {
	cust, err := c.customerKey(ownSSEC)
	if err != nil {
		return err
	}
	if cust.keyMD5 != u.meta.enc.customerKeyMD5 {
		return invalidRequest("The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.")
	}
	return nil
}

// putPart stores part n of an upload, replacing any part of that number.
func (c *call) putPart(u *pendingUpload, n int, data []byte) (*uploadedPart, error) {
	p := &uploadedPart{data: data, md5: md5.Sum(data), modified: c.now}
	p.etag = `"` + hex.EncodeToString(p.md5[:]) + `"`
	if u.checksumAlg != "" {
		p.checksum = checksum(u.checksumAlg, data)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.uploads[u.id] != u {
		return nil, errorf(http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").
			with("UploadId", u.id)
	}
	u.parts[n] = p
	return p, nil
}

type completeXML struct {
	XMLName xml.Name `xml:"CompleteMultipartUpload"`
	Parts   []struct {
		PartNumber int
		ETag       string
	} `xml:"Part"`
}

type completeResultXML struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Location string
	Bucket   string
	Key      string
	ETag     string
	checksumsXML
	ChecksumType string `xml:",omitempty"`
}

// checksumsXML are the checksum elements of S3's documents, of which one
// is set.
type checksumsXML struct {
	ChecksumCRC32     string `xml:",omitempty"`
	ChecksumCRC32C    string `xml:",omitempty"`
	ChecksumCRC64NVME string `xml:",omitempty"`
	ChecksumSHA1      string `xml:",omitempty"`
	ChecksumSHA256    string `xml:",omitempty"`
}

// set sets the element of algorithm alg to sum.
func (x *checksumsXML) set(alg, sum string) {
	switch alg {
	case "CRC32":
		x.ChecksumCRC32 = sum
	case "CRC32C":
		x.ChecksumCRC32C = sum
	case "CRC64NVME":
		x.ChecksumCRC64NVME = sum
	case "SHA1":
		x.ChecksumSHA1 = sum
	case "SHA256":
		x.ChecksumSHA256 = sum
	}
}

func completeMultipartUpload(c *call) error {
	u, err := c.upload()
	if err != nil {
		return err
	}
	var doc completeXML
	if err := decodeXML(c.body, &doc); err != nil {
		return err
	}
	if len(doc.Parts) == 0 {
		return malformedXML()
	}
	if _, err := c.useKMS("kms:Decrypt", u.meta.enc, c.bucket, c.key); err != nil {
		return err
	}
	v := *u.meta
	var data []byte
	var md5s, sums []byte
	err = c.withBucket(false, func(*bucketModel) error {
		for i, want := range doc.Parts {
			if i > 0 && want.PartNumber <= doc.Parts[i-1].PartNumber {
				return errorf(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.").
					with("UploadId", u.id).with("PartNumber", strconv.Itoa(want.PartNumber))
			}
			p := u.parts[want.PartNumber]
			if p == nil || !etagMatches(want.ETag, p.etag) || strings.TrimSpace(want.ETag) == "*" {
				return errorf(http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.").
					with("UploadId", u.id).with("PartNumber", strconv.Itoa(want.PartNumber)).with("ETag", want.ETag)
			}
			if i < len(doc.Parts)-1 && len(p.data) < minPartSize {
				return errorf(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size").
					with("ProposedSize", strconv.Itoa(len(p.data))).with("MinSizeAllowed", strconv.Itoa(minPartSize)).
					with("PartNumber", strconv.Itoa(want.PartNumber)).with("ETag", strings.Trim(p.etag, `"`))
			}
			data = append(data, p.data...)
			md5s = append(md5s, p.md5[:]...)
			if p.checksum != "" {
				raw, _ := base64.StdEncoding.DecodeString(p.checksum)
				sums = append(sums, raw...)
			}
			v.parts = append(v.parts, int64(len(p.data)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	sum := md5.Sum(md5s)
	n := strconv.Itoa(len(doc.Parts))
	v.data, v.etag, v.modified = data, `"`+hex.EncodeToString(sum[:])+"-"+n+`"`, c.now
	switch u.checksumType {
	case "FULL_OBJECT":
		v.checksumAlg, v.checksumType, v.checksum = u.checksumAlg, "FULL_OBJECT", checksum(u.checksumAlg, data)
	case "COMPOSITE":
		v.checksumAlg, v.checksumType, v.checksum = u.checksumAlg, "COMPOSITE", checksum(u.checksumAlg, sums)+"-"+n
	}
	err = c.store(&v, func(cur *objectVersion) error {
		if err := c.writeConditions(cur); err != nil {
			return err
		}
		if c.s.uploads[u.id] != u {
			return errorf(http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.").
				with("UploadId", u.id)
		}
		delete(c.s.uploads, u.id)
		return nil
	})
	if err != nil {
		return err
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	res := completeResultXML{Xmlns: s3NS, Location: scheme + "://" + c.r.Host + "/" + c.bucket + "/" + escapePath(c.key),
		Bucket: c.bucket, Key: c.key, ETag: v.etag, ChecksumType: v.checksumType}
	res.set(v.checksumAlg, v.checksum)
	return c.writeXML(res)
}

// escapePath escapes a key for a URL path, keeping its slashes.
func escapePath(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

func abortMultipartUpload(c *call) error {
	u, err := c.upload()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	delete(c.s.uploads, u.id)
	c.s.mu.Unlock()
	return c.noContent()
}
