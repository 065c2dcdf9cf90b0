package simulate

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
)

// pendingUpload is a multipart upload in progress: the record its object
// will have.
type pendingUpload struct {
	bucket, key string
	meta        *objectMeta
	parts       map[int]int64 // part number -> size, for S3's 5 MiB minimum
}

// minPartSize is the smallest part S3 accepts but for the last: 5 MiB.
const minPartSize = 5 << 20

// passThrough forwards a request whose answer gofakes3 gets right (the
// listings) and relays it.
func passThrough(c *call) error {
	fr := c.fakeRequest(c.r.Method, c.bucket, c.key, dataQuery(c.query), http.Header{}, c.body)
	resp, err := c.forward(fr, false, nil)
	if err != nil {
		return err
	}
	if resp.status == http.StatusNoContent {
		return c.noContent()
	}
	c.writeBody("application/xml", resp.body)
	return nil
}

func createMultipartUpload(c *call) error {
	var o *objectMeta
	err := c.withBucket(false, func(b *bucketModel) error {
		var err error
		o, err = c.newObject(b)
		return err
	})
	if err != nil {
		return err
	}
	if o.enc.kmsKeyID, err = c.useKMS("kms:GenerateDataKey", o.enc, c.bucket, c.key); err != nil {
		return err
	}
	header := dataHeaders(c.r.Header)
	header.Del("Range")
	if header.Get("Content-Type") == "" {
		header.Set("Content-Type", "binary/octet-stream")
	}
	o.metaKeys = storedKeys(header)
	resp, err := c.forward(c.fakeRequest(http.MethodPost, c.bucket, c.key, url.Values{"uploads": {""}}, header, nil), false, nil)
	if err != nil {
		return err
	}
	var v struct {
		UploadID string `xml:"UploadId"`
	}
	if err := xml.Unmarshal(resp.body, &v); err != nil || v.UploadID == "" {
		c.explain = "gofakes3 gave no upload ID"
		return errInternal
	}
	c.s.mu.Lock()
	c.s.uploads[v.UploadID] = &pendingUpload{bucket: c.bucket, key: c.key, meta: o, parts: map[int]int64{}}
	c.s.mu.Unlock()
	h := c.w.Header()
	setEncryptionHeaders(h, o.enc)
	if a := c.r.Header.Get("X-Amz-Checksum-Algorithm"); a != "" {
		h.Set("X-Amz-Checksum-Algorithm", a)
	}
	c.writeBody("application/xml", resp.body)
	return nil
}

// upload returns the multipart upload the request names.
func (c *call) upload() (*pendingUpload, error) {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	u := c.s.uploads[c.query.Get("uploadId")]
	if u == nil || u.bucket != c.bucket || u.key != c.key {
		return nil, errorf(http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
	}
	return u, nil
}

func uploadPart(c *call) error {
	u, err := c.upload()
	if err != nil {
		return err
	}
	if err := c.partEncryption(u); err != nil {
		return err
	}
	data, err := c.readUpload()
	if err != nil {
		return err
	}
	alg, sum, err := verifyIntegrity(c.r.Header, data, c.sig.bodySHA256)
	if err != nil {
		return err
	}
	etag, err := c.putPart(u, data)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("ETag", etag)
	setEncryptionHeaders(h, u.meta.enc)
	if alg != "" {
		h.Set(checksumHeader(alg), sum)
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

// putPart stores a part through gofakes3 and returns its ETag.
func (c *call) putPart(u *pendingUpload, data []byte) (string, error) {
	q := c.query
	pq := url.Values{"uploadId": {q.Get("uploadId")}, "partNumber": {q.Get("partNumber")}}
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > 10000 {
		return "", invalidArgument("Part number must be an integer between 1 and 10000, inclusive").with("ArgumentName", "partNumber")
	}
	resp, err := c.forward(c.fakeRequest(http.MethodPut, c.bucket, c.key, pq, http.Header{}, data), false, nil)
	if err != nil {
		return "", err
	}
	c.s.mu.Lock()
	u.parts[n] = int64(len(data))
	c.s.mu.Unlock()
	return resp.header.Get("ETag"), nil
}

func completeMultipartUpload(c *call) error {
	u, err := c.upload()
	if err != nil {
		return err
	}
	if err := c.checkPartSizes(u); err != nil {
		return err
	}
	if _, err := c.useKMS("kms:Decrypt", u.meta.enc, c.bucket, c.key); err != nil {
		return err
	}
	q := url.Values{"uploadId": {c.query.Get("uploadId")}}
	resp, err := c.forward(c.fakeRequest(http.MethodPost, c.bucket, c.key, q, http.Header{}, c.body), false, nil)
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	delete(c.s.uploads, q.Get("uploadId"))
	c.s.mu.Unlock()
	versioned := c.store(u.meta)
	h := c.w.Header()
	if v := resp.header.Get("X-Amz-Version-Id"); v != "" && versioned {
		h.Set("X-Amz-Version-Id", v)
	}
	setEncryptionHeaders(h, u.meta.enc)
	c.writeBody("application/xml", resp.body)
	return nil
}

// checkPartSizes applies S3's minimum part size to the parts a
// CompleteMultipartUpload names: all but the last at least 5 MiB.
func (c *call) checkPartSizes(u *pendingUpload) error {
	var v struct {
		Parts []struct {
			PartNumber int
		} `xml:"Part"`
	}
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	if len(v.Parts) == 0 {
		return malformedXML()
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	for i, p := range v.Parts {
		if i > 0 && p.PartNumber <= v.Parts[i-1].PartNumber {
			return errorf(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.")
		}
		size, ok := u.parts[p.PartNumber]
		if !ok {
			return errorf(http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
		}
		if i < len(v.Parts)-1 && size < minPartSize {
			return errorf(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
		}
	}
	return nil
}

func abortMultipartUpload(c *call) error {
	if _, err := c.upload(); err != nil {
		return err
	}
	q := url.Values{"uploadId": {c.query.Get("uploadId")}}
	if _, err := c.forward(c.fakeRequest(http.MethodDelete, c.bucket, c.key, q, http.Header{}, nil), false, nil); err != nil {
		return err
	}
	c.s.mu.Lock()
	delete(c.s.uploads, q.Get("uploadId"))
	c.s.mu.Unlock()
	return c.noContent()
}
