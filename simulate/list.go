package simulate

import (
	"encoding/base64"
	"encoding/xml"
	"slices"
	"strconv"
	"strings"
)

// The listings: ListObjects, ListObjectsV2 and ListObjectVersions (keys
// in UTF-8 binary order, the versions of a key newest first), and
// ListMultipartUploads and ListParts, each with S3's parameters (prefix,
// delimiter, markers, max-keys, encoding-type) as the S3 API Reference
// describes them.

// maxListKeys is the most entries one page of a listing holds.
const maxListKeys = 1000

// listParams are the parameters every listing takes.
type listParams struct {
	m                 *model
	prefix, delimiter string
	max               int
	encode            bool // encoding-type=url
}

// listParams reads prefix, delimiter, encoding-type and the page size
// from the parameter maxName (max-keys, max-uploads, max-parts).
func (c *call) listParams(maxName string) (listParams, error) {
	q := c.query
	p := listParams{m: c.s.m, prefix: q.Get("prefix"), delimiter: q.Get("delimiter"), max: maxListKeys}
	if q.Has("encoding-type") {
		if e := q.Get("encoding-type"); e != "url" {
			return p, invalidArgument("Invalid Encoding Method specified in Request").with("ArgumentName", "encoding-type").with("ArgumentValue", e)
		}
		p.encode = true
	}
	if q.Has(maxName) {
		v := q.Get(maxName)
		n, err := strconv.ParseInt(v, 10, 32)
		arg := map[string]string{"max-keys": "maxKeys", "max-uploads": "maxUploads", "max-parts": "maxParts"}[maxName]
		switch {
		case err != nil:
			return p, invalidArgument("Provided "+maxName+" not an integer or within integer range").with("ArgumentName", maxName).with("ArgumentValue", v)
		case n < 0 && c.op == "ListObjectVersions":
			return p, invalidArgument("max-keys cannot be negative").with("ArgumentName", maxName).with("ArgumentValue", v)
		case n < 0:
			return p, invalidArgument("Argument "+arg+" must be an integer between 0 and 2147483647").with("ArgumentName", arg).with("ArgumentValue", v)
		}
		p.max = min(int(n), maxListKeys)
	}
	return p, nil
}

// enc returns s as the listing writes it: URL-encoded with encoding-type
// url.
func (p listParams) enc(s string) string {
	if p.encode {
		return escapeKey(s)
	}
	return s
}

// escapeKey URL-encodes a key as S3's listings do with encoding-type url:
// as a form value (a space is +), but for the slashes, which are kept.
func escapeKey(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// group returns the common prefix key falls in, under the listing's prefix
// and delimiter; "" if none.
func (p listParams) group(key string) string {
	if p.delimiter == "" {
		return ""
	}
	if i := strings.Index(key[len(p.prefix):], p.delimiter); i >= 0 {
		return key[:len(p.prefix)+i+len(p.delimiter)]
	}
	return ""
}

type ownerXML struct {
	ID string `xml:"ID"`
}

type contentXML struct {
	Key               string
	LastModified      string
	ETag              string
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
	Size              int
	StorageClass      string
	Owner             *ownerXML `xml:",omitempty"`
}

type prefixXML struct {
	Prefix string
}

type listResultXML struct {
	XMLName               xml.Name `xml:"ListBucketResult"`
	Xmlns                 string   `xml:"xmlns,attr"`
	Name                  string
	Prefix                string
	Marker                *string `xml:",omitempty"`
	ContinuationToken     *string `xml:",omitempty"`
	StartAfter            *string `xml:",omitempty"`
	KeyCount              *int    `xml:",omitempty"`
	MaxKeys               int
	Delimiter             string `xml:",omitempty"`
	IsTruncated           bool
	NextMarker            string       `xml:",omitempty"`
	NextContinuationToken string       `xml:",omitempty"`
	Contents              []contentXML `xml:"Contents"`
	CommonPrefixes        []prefixXML  `xml:"CommonPrefixes"`
	EncodingType          string       `xml:",omitempty"`
}

// content is an object as a listing shows it.
func (p listParams) content(key string, v *objectVersion, owner bool) contentXML {
	ct := contentXML{Key: p.enc(key), LastModified: formatXMLTime(v.modified), ETag: v.etag, Size: len(v.data),
		ChecksumAlgorithm: v.checksumAlg, StorageClass: "STANDARD"}
	if v.checksumAlg != "" {
		ct.ChecksumType = v.checksumType
	}
	if sc := v.header["X-Amz-Storage-Class"]; sc != "" {
		ct.StorageClass = sc
	}
	if owner {
		ct.Owner = &ownerXML{p.m.canonicalOf(v.owner)}
	}
	return ct
}

// listObjects answers ListObjects and ListObjectsV2.
func listObjects(c *call) error {
	p, err := c.listParams("max-keys")
	if err != nil {
		return err
	}
	q := c.query
	v2 := c.op == "ListObjectsV2"
	res := listResultXML{Xmlns: s3NS, Name: c.bucket, Prefix: p.enc(p.prefix), MaxKeys: p.max, Delimiter: p.enc(p.delimiter)}
	if p.encode {
		res.EncodingType = "url"
	}
	after := q.Get("marker")
	// resume is a marker that ended a page, which may be a common prefix
	// whose keys are not to be listed again.
	resume := after
	owner := true
	if v2 {
		owner = q.Get("fetch-owner") == "true"
		after, resume = q.Get("start-after"), ""
		if q.Has("start-after") {
			sa := p.enc(after)
			res.StartAfter = &sa
		}
		if q.Has("continuation-token") {
			tok := q.Get("continuation-token")
			res.ContinuationToken = &tok
			if tok != "" {
				raw, err := base64.RawURLEncoding.DecodeString(tok)
				if err != nil || len(raw) == 0 {
					return invalidArgument("The continuation token provided is incorrect").with("ArgumentName", "continuation-token")
				}
				after, resume = string(raw), string(raw)
			}
		}
	} else {
		m := p.enc(after)
		res.Marker = &m
	}
	var last string
	err = c.withBucket(true, func(b *bucketModel) error {
		keys := b.sortedKeys()
		i, _ := slices.BinarySearch(keys, max(after, p.prefix))
		for ; i < len(keys); i++ {
			key := keys[i]
			if key <= after {
				continue
			}
			if !strings.HasPrefix(key, p.prefix) {
				break
			}
			v := b.current(key)
			if v == nil || v.deleteMarker {
				continue
			}
			g := p.group(key)
			if g != "" && resume != "" && strings.HasPrefix(resume, g) {
				continue // the group ended the previous page
			}
			if len(res.Contents)+len(res.CommonPrefixes) == p.max {
				res.IsTruncated = p.max > 0
				break
			}
			if g != "" {
				res.CommonPrefixes = append(res.CommonPrefixes, prefixXML{p.enc(g)})
				last = g
				// Past every key of the group: the next key not under it.
				for i+1 < len(keys) && strings.HasPrefix(keys[i+1], g) {
					i++
				}
				continue
			}
			res.Contents = append(res.Contents, p.content(key, v, owner))
			last = key
		}
		return nil
	})
	if err != nil {
		return err
	}
	if res.IsTruncated {
		if v2 {
			res.NextContinuationToken = base64.RawURLEncoding.EncodeToString([]byte(last))
		} else if p.delimiter != "" {
			// "This element is returned only if you have the delimiter
			// request parameter specified" (S3 API Reference,
			// ListObjects).
			res.NextMarker = p.enc(last)
		}
	}
	if v2 {
		n := len(res.Contents) + len(res.CommonPrefixes)
		res.KeyCount = &n
	}
	return c.writeXML(res)
}

type versionXML struct {
	XMLName           xml.Name
	Key               string
	VersionID         string `xml:"VersionId"`
	IsLatest          bool
	LastModified      string
	ETag              string `xml:",omitempty"`
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
	Size              *int   `xml:",omitempty"`
	StorageClass      string `xml:",omitempty"`
	Owner             ownerXML
}

type versionsResultXML struct {
	XMLName             xml.Name `xml:"ListVersionsResult"`
	Xmlns               string   `xml:"xmlns,attr"`
	Name                string
	Prefix              string
	KeyMarker           string
	VersionIDMarker     string `xml:"VersionIdMarker"`
	NextKeyMarker       string `xml:",omitempty"`
	NextVersionIDMarker string `xml:"NextVersionIdMarker,omitempty"`
	MaxKeys             int
	Delimiter           string `xml:",omitempty"`
	IsTruncated         bool
	// Entries are the versions and delete markers, in order.
	Entries        []versionXML
	CommonPrefixes []prefixXML `xml:"CommonPrefixes"`
	EncodingType   string      `xml:",omitempty"`
}

// listObjectVersions answers ListObjectVersions: every version and delete
// marker, keys in order and the versions of a key newest first, paged by
// key-marker and version-id-marker.
func listObjectVersions(c *call) error {
	p, err := c.listParams("max-keys")
	if err != nil {
		return err
	}
	q := c.query
	keyMarker, vidMarker := q.Get("key-marker"), q.Get("version-id-marker")
	if q.Has("version-id-marker") {
		if keyMarker == "" {
			return invalidArgument("A version-id marker cannot be specified without a key marker.").with("ArgumentName", "version-id-marker").with("ArgumentValue", vidMarker)
		}
		if err := checkVersionID(vidMarker); err != nil {
			return err
		}
	}
	res := versionsResultXML{Xmlns: s3NS, Name: c.bucket, Prefix: p.enc(p.prefix), KeyMarker: p.enc(keyMarker), VersionIDMarker: vidMarker,
		MaxKeys: p.max, Delimiter: p.enc(p.delimiter)}
	if p.encode {
		res.EncodingType = "url"
	}
	var nextKey, nextVID string
	full := func() bool { return len(res.Entries)+len(res.CommonPrefixes) == p.max }
	err = c.withBucket(true, func(b *bucketModel) error {
		keys := b.sortedKeys()
		i, _ := slices.BinarySearch(keys, max(keyMarker, p.prefix))
		for ; i < len(keys) && !res.IsTruncated; i++ {
			key := keys[i]
			if !strings.HasPrefix(key, p.prefix) {
				if key > p.prefix {
					break
				}
				continue
			}
			vs := b.objects[key]
			if len(vs) == 0 || key < keyMarker || key == keyMarker && vidMarker == "" {
				continue
			}
			if g := p.group(key); g != "" {
				if g <= keyMarker && strings.HasPrefix(keyMarker, g) {
					continue // the group ended the previous page
				}
				if full() {
					res.IsTruncated = p.max > 0
					break
				}
				res.CommonPrefixes = append(res.CommonPrefixes, prefixXML{p.enc(g)})
				nextKey, nextVID = g, ""
				for i+1 < len(keys) && strings.HasPrefix(keys[i+1], g) {
					i++
				}
				continue
			}
			start := 0
			if key == keyMarker {
				start = slices.IndexFunc(vs, func(v *objectVersion) bool { return v.id == vidMarker }) + 1
			}
			for j := start; j < len(vs); j++ {
				if full() {
					res.IsTruncated = p.max > 0
					break
				}
				res.Entries = append(res.Entries, p.versionEntry(key, vs[j], j == 0))
				nextKey, nextVID = key, vs[j].id
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if res.IsTruncated {
		res.NextKeyMarker, res.NextVersionIDMarker = p.enc(nextKey), nextVID
	}
	return c.writeXML(res)
}

// versionEntry is a version or a delete marker as ListObjectVersions
// shows it.
func (p listParams) versionEntry(key string, v *objectVersion, latest bool) versionXML {
	e := versionXML{XMLName: xml.Name{Local: "Version"}, Key: p.enc(key), VersionID: v.id, IsLatest: latest,
		LastModified: formatXMLTime(v.modified), Owner: ownerXML{p.m.canonicalOf(v.owner)}}
	if v.deleteMarker {
		e.XMLName.Local = "DeleteMarker"
		return e
	}
	ct := p.content(key, v, false)
	e.ETag, e.ChecksumAlgorithm, e.ChecksumType, e.Size, e.StorageClass = ct.ETag, ct.ChecksumAlgorithm, ct.ChecksumType, &ct.Size, ct.StorageClass
	return e
}

type initiatorXML struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type uploadXML struct {
	Key               string
	UploadID          string `xml:"UploadId"`
	Initiator         initiatorXML
	Owner             ownerXML
	StorageClass      string
	Initiated         string
	ChecksumAlgorithm string `xml:",omitempty"`
	ChecksumType      string `xml:",omitempty"`
}

type uploadsResultXML struct {
	XMLName            xml.Name `xml:"ListMultipartUploadsResult"`
	Xmlns              string   `xml:"xmlns,attr"`
	Bucket             string
	KeyMarker          string
	UploadIDMarker     string `xml:"UploadIdMarker"`
	NextKeyMarker      string `xml:",omitempty"`
	NextUploadIDMarker string `xml:"NextUploadIdMarker,omitempty"`
	Prefix             string
	Delimiter          string `xml:",omitempty"`
	MaxUploads         int
	IsTruncated        bool
	Uploads            []uploadXML `xml:"Upload"`
	CommonPrefixes     []prefixXML `xml:"CommonPrefixes"`
	EncodingType       string      `xml:",omitempty"`
}

// initiator is the Initiator element of an upload: the ARN of the IAM
// identity that created it, or the canonical ID of a root user.
func (p listParams) initiator(u *pendingUpload) initiatorXML {
	if u.initiator == "" || strings.HasSuffix(u.initiator, ":root") || u.initiator == "anonymous" {
		id := p.m.canonicalOf(u.meta.owner)
		return initiatorXML{id, id}
	}
	return initiatorXML{u.initiator, u.initiator}
}

// listMultipartUploads answers ListMultipartUploads: the uploads in
// progress, by key and then by the time they began.
func listMultipartUploads(c *call) error {
	p, err := c.listParams("max-uploads")
	if err != nil {
		return err
	}
	q := c.query
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	res := uploadsResultXML{Xmlns: s3NS, Bucket: c.bucket, KeyMarker: p.enc(keyMarker), UploadIDMarker: idMarker, Prefix: p.enc(p.prefix),
		Delimiter: p.enc(p.delimiter), MaxUploads: p.max}
	if p.encode {
		res.EncodingType = "url"
	}
	c.s.mu.RLock()
	var ups []*pendingUpload
	for _, u := range c.s.uploads {
		if u.bucket == c.bucket && strings.HasPrefix(u.key, p.prefix) {
			ups = append(ups, u)
		}
	}
	c.s.mu.RUnlock()
	slices.SortFunc(ups, func(a, b *pendingUpload) int {
		if a.key != b.key {
			return strings.Compare(a.key, b.key)
		}
		if d := a.initiated.Compare(b.initiated); d != 0 {
			return d
		}
		return strings.Compare(a.id, b.id)
	})
	// After the marker: past its key, or with an upload ID marker past
	// that upload of its key.
	if keyMarker != "" {
		skip := 0
		for skip < len(ups) && ups[skip].key < keyMarker {
			skip++
		}
		if idMarker == "" {
			for skip < len(ups) && ups[skip].key == keyMarker {
				skip++
			}
		} else if at := slices.IndexFunc(ups, func(u *pendingUpload) bool { return u.key == keyMarker && u.id == idMarker }); at >= 0 {
			skip = at + 1
		}
		ups = ups[skip:]
	}
	var nextKey, nextID string
	for i := 0; i < len(ups); i++ {
		u := ups[i]
		g := p.group(u.key)
		if g != "" && keyMarker != "" && strings.HasPrefix(keyMarker, g) {
			continue // the group ended the previous page
		}
		if len(res.Uploads)+len(res.CommonPrefixes) == p.max {
			res.IsTruncated = p.max > 0
			break
		}
		if g != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, prefixXML{p.enc(g)})
			nextKey, nextID = g, ""
			for i+1 < len(ups) && strings.HasPrefix(ups[i+1].key, g) {
				i++
			}
			continue
		}
		res.Uploads = append(res.Uploads, uploadXML{Key: p.enc(u.key), UploadID: u.id, Initiator: p.initiator(u),
			Owner: ownerXML{p.m.canonicalOf(u.meta.owner)}, StorageClass: storageClass(u.meta), Initiated: formatXMLTime(u.initiated),
			ChecksumAlgorithm: u.checksumAlg, ChecksumType: u.checksumType})
		nextKey, nextID = u.key, u.id
	}
	if res.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = p.enc(nextKey), nextID
	}
	return c.writeXML(res)
}

// storageClass is the storage class of a version.
func storageClass(v *objectVersion) string {
	if sc := v.header["X-Amz-Storage-Class"]; sc != "" {
		return sc
	}
	return "STANDARD"
}

type partXML struct {
	PartNumber   int
	LastModified string
	ETag         string
	Size         int
	checksumsXML
}

type partsResultXML struct {
	XMLName              xml.Name `xml:"ListPartsResult"`
	Xmlns                string   `xml:"xmlns,attr"`
	Bucket               string
	Key                  string
	UploadID             string `xml:"UploadId"`
	PartNumberMarker     int
	NextPartNumberMarker int
	MaxParts             int
	IsTruncated          bool
	Parts                []partXML `xml:"Part"`
	Initiator            initiatorXML
	Owner                ownerXML
	StorageClass         string
	ChecksumAlgorithm    string `xml:",omitempty"`
	ChecksumType         string `xml:",omitempty"`
}

// listParts answers ListParts: the parts of an upload in progress, by
// number, after part-number-marker.
func listParts(c *call) error {
	u, err := c.upload()
	if err != nil {
		return err
	}
	p, err := c.listParams("max-parts")
	if err != nil {
		return err
	}
	marker := 0
	if v := c.query.Get("part-number-marker"); v != "" {
		if marker, err = strconv.Atoi(v); err != nil || marker < 0 {
			return invalidArgument("Argument partNumberMarker must be an integer.").with("ArgumentName", "partNumberMarker").with("ArgumentValue", v)
		}
	}
	res := partsResultXML{Xmlns: s3NS, Bucket: c.bucket, Key: c.key, UploadID: u.id, PartNumberMarker: marker, MaxParts: p.max,
		Initiator: p.initiator(u), Owner: ownerXML{p.m.canonicalOf(u.meta.owner)}, StorageClass: storageClass(u.meta),
		ChecksumAlgorithm: u.checksumAlg, ChecksumType: u.checksumType}
	c.s.mu.RLock()
	nums := make([]int, 0, len(u.parts))
	for n := range u.parts {
		if n > marker {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for _, n := range nums {
		if len(res.Parts) == p.max {
			res.IsTruncated = p.max > 0
			break
		}
		pt := u.parts[n]
		x := partXML{PartNumber: n, LastModified: formatXMLTime(pt.modified), ETag: pt.etag, Size: len(pt.data)}
		x.set(u.checksumAlg, pt.checksum)
		res.Parts = append(res.Parts, x)
		res.NextPartNumberMarker = n
	}
	c.s.mu.RUnlock()
	return c.writeXML(res)
}
