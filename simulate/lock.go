package simulate

import (
	"encoding/xml"
	"net/http"
	"time"
)

// Object Lock (S3 User Guide, "Locking objects with Object Lock"): a
// bucket's configuration may give new versions a default retention; each
// version has its own retention (GOVERNANCE or COMPLIANCE, until a date)
// and legal hold. A locked version cannot be deleted or overwritten by
// version ID: COMPLIANCE by no one, GOVERNANCE but with
// x-amz-bypass-governance-retention and s3:BypassGovernanceRetention.

type objectLockXML struct {
	XMLName xml.Name `xml:"ObjectLockConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Enabled string   `xml:"ObjectLockEnabled,omitempty"`
	Rule    *struct {
		Default lockRetention `xml:"DefaultRetention"`
	} `xml:"Rule"`
}

// lockRetention is the default retention of an Object Lock configuration.
type lockRetention struct {
	Mode  string `xml:"Mode"`
	Days  int    `xml:"Days,omitempty"`
	Years int    `xml:"Years,omitempty"`
}

// until is the end of the default retention of a version written at t.
func (r *lockRetention) until(t time.Time) time.Time {
	return t.AddDate(r.Years, 0, r.Days)
}

func getObjectLockConfiguration(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		if !b.objectLock {
			return errorf(http.StatusNotFound, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket").with("BucketName", c.bucket)
		}
		doc, ok := b.configs["object-lock"]
		if !ok {
			doc = []byte(`<ObjectLockConfiguration xmlns="` + s3NS + `"><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>`)
		}
		c.writeBody("application/xml", append([]byte(xml.Header), doc...))
		return nil
	})
}

func putObjectLockConfiguration(c *call) error {
	var v objectLockXML
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	if v.Enabled != "Enabled" {
		return malformedXML()
	}
	var rule *lockRetention
	if r := v.Rule; r != nil {
		d := r.Default
		if d.Mode != "GOVERNANCE" && d.Mode != "COMPLIANCE" || (d.Days != 0) == (d.Years != 0) {
			return malformedXML()
		}
		if d.Days < 0 || d.Years < 0 {
			return invalidArgument("Default retention period must be a positive integer value").with("ArgumentName", "DefaultRetention")
		}
		rule = &d
	}
	v.Xmlns = s3NS
	doc, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	return c.withBucket(true, func(b *bucketModel) error {
		if b.versioning != "Enabled" {
			return errorf(http.StatusConflict, "InvalidBucketState", "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
		}
		b.objectLock = true
		b.lockDefault = rule
		b.configs["object-lock"] = doc
		return c.done()
	})
}

// lockSettings sets the retention and legal hold of v, a version a
// request writes to bucket b: from the request's x-amz-object-lock-*
// headers, else the bucket's default retention.
func (c *call) lockSettings(b *bucketModel, v *objectVersion) error {
	h := c.r.Header
	mode, until, hold := h.Get("X-Amz-Object-Lock-Mode"), h.Get("X-Amz-Object-Lock-Retain-Until-Date"), h.Get("X-Amz-Object-Lock-Legal-Hold")
	if mode != "" || until != "" || hold != "" {
		if !b.objectLock {
			return invalidRequest("Bucket is missing ObjectLockConfiguration")
		}
		if (mode == "") != (until == "") {
			return invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied")
		}
		if mode != "" && mode != "GOVERNANCE" && mode != "COMPLIANCE" {
			return invalidArgument("Unknown wormMode directive.").with("ArgumentName", "x-amz-object-lock-mode").with("ArgumentValue", mode)
		}
		if hold != "" && hold != "ON" && hold != "OFF" {
			return invalidArgument("Legal Hold must be either of 'ON' or 'OFF'").with("ArgumentName", "x-amz-object-lock-legal-hold").with("ArgumentValue", hold)
		}
		if until != "" {
			t, err := time.Parse(time.RFC3339Nano, until)
			if err != nil || !t.After(c.now) {
				return invalidArgument("The retain until date must be in the future!")
			}
			v.retainMode, v.retainUntil = mode, t
		}
		v.legalHold = hold
	}
	if v.retainMode == "" && b.objectLock && b.lockDefault != nil {
		v.retainMode, v.retainUntil = b.lockDefault.Mode, b.lockDefault.until(c.now)
	}
	if (v.retainMode != "" || v.legalHold != "") && (c.op == "PutObject" || c.op == "PostObject") && !hasIntegrityHeader(c.r.Header) {
		// "The Content-MD5 or x-amz-sdk-checksum-algorithm header is
		// required for any request to upload an object with a retention
		// period configured using Amazon S3 Object Lock" (S3 API
		// Reference, PutObject).
		return invalidRequest("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters")
	}
	return nil
}

// hasIntegrityHeader reports whether a request carries a digest of its
// body: Content-MD5, an x-amz-checksum-* header, or a checksum trailer.
func hasIntegrityHeader(h http.Header) bool {
	if h.Get("Content-Md5") != "" || h.Get("X-Amz-Trailer") != "" || h.Get("X-Amz-Sdk-Checksum-Algorithm") != "" {
		return true
	}
	for _, a := range checksumAlgs {
		if h.Get(a.header) != "" {
			return true
		}
	}
	return false
}

// withVersion runs f on the version of the request's key that its
// versionId names (the current one without), as authorized, or fails with
// NoSuchKey, NoSuchVersion or MethodNotAllowed (a delete marker). With
// write set, f runs under the write lock on the version as stored now
// (the same version, whose ACL, tags or retention may have changed since),
// and the version it returns, if any, is stored in its place.
func (c *call) withVersion(write bool, f func(b *bucketModel, v *objectVersion) (*objectVersion, error)) error {
	v, _, err := c.readVersion(c.bucket, c.key, c.query.Get("versionId"))
	if err != nil {
		return err
	}
	if !write {
		return c.withBucket(false, func(b *bucketModel) error {
			_, err := f(b, v)
			return err
		})
	}
	return c.withBucket(true, func(b *bucketModel) error {
		cur := b.version(c.key, v.id)
		if cur == nil || cur.deleteMarker {
			return noSuchKey(c.key)
		}
		next, err := f(b, cur)
		if err != nil || next == nil {
			return err
		}
		b.replace(c.key, cur, next)
		return nil
	})
}

func getObjectRetention(c *call) error {
	return c.withVersion(false, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		if !b.objectLock {
			return nil, invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if v.retainMode == "" {
			return nil, errorf(http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		}
		return nil, c.writeXML(retentionXML{Xmlns: s3NS, Mode: v.retainMode, RetainUntilDate: v.retainUntil.UTC().Format("2006-01-02T15:04:05.000Z")})
	})
}

// putObjectRetention sets a version's retention. COMPLIANCE cannot be
// shortened, weakened to GOVERNANCE or removed; GOVERNANCE can only with
// x-amz-bypass-governance-retention (whose permission is authorized with
// the request).
func putObjectRetention(c *call) error {
	mode, until, err := parseRetention(c.body)
	if err != nil {
		return err
	}
	if mode != "" && !until.After(c.now) {
		return invalidArgument("The retain until date must be in the future!")
	}
	err = c.withVersion(true, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		if !b.objectLock {
			return nil, invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if v.retainMode != "" && c.now.Before(v.retainUntil) {
			weaker := mode == "" || until.Before(v.retainUntil) || v.retainMode == "COMPLIANCE" && mode == "GOVERNANCE"
			if weaker && (v.retainMode == "COMPLIANCE" || !c.bypassGovernance()) {
				return nil, lockedError()
			}
		}
		next := *v
		next.retainMode, next.retainUntil = mode, until
		return &next, nil
	})
	if err != nil {
		return err
	}
	return c.done()
}

func getObjectLegalHold(c *call) error {
	return c.withVersion(false, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		if !b.objectLock {
			return nil, invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if v.legalHold == "" {
			return nil, errorf(http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		}
		return nil, c.writeXML(legalHoldXML{Xmlns: s3NS, Status: v.legalHold})
	})
}

func putObjectLegalHold(c *call) error {
	status, err := parseLegalHold(c.body)
	if err != nil {
		return err
	}
	err = c.withVersion(true, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		if !b.objectLock {
			return nil, invalidRequest("Bucket is missing Object Lock Configuration")
		}
		next := *v
		next.legalHold = status
		return &next, nil
	})
	if err != nil {
		return err
	}
	return c.done()
}
