package simulate

import (
	"encoding/xml"
	"net/http"
	"strings"
)

type objectLockXML struct {
	XMLName xml.Name `xml:"ObjectLockConfiguration"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Enabled string   `xml:"ObjectLockEnabled,omitempty"`
	Rule    *struct {
		Default struct {
			Mode  string `xml:"Mode"`
			Days  int    `xml:"Days,omitempty"`
			Years int    `xml:"Years,omitempty"`
		} `xml:"DefaultRetention"`
	} `xml:"Rule"`
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
	if r := v.Rule; r != nil {
		if r.Default.Mode != "GOVERNANCE" && r.Default.Mode != "COMPLIANCE" || (r.Default.Days > 0) == (r.Default.Years > 0) {
			return malformedXML()
		}
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
		b.configs["object-lock"] = doc
		return c.done()
	})
}

func getObjectRetention(c *call) error {
	return c.withObject(false, func(b *bucketModel, o *objectMeta) error {
		if !b.objectLock {
			return invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if o.retainMode == "" {
			return errorf(http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		}
		return c.writeXML(retentionXML{Xmlns: s3NS, Mode: o.retainMode, RetainUntilDate: o.retainUntil.UTC().Format("2006-01-02T15:04:05.000Z")})
	})
}

// putObjectRetention sets an object's retention. COMPLIANCE cannot be
// shortened or removed, nor GOVERNANCE without
// x-amz-bypass-governance-retention (its permission is checked by
// authorization).
func putObjectRetention(c *call) error {
	mode, until, err := parseRetention(c.body)
	if err != nil {
		return err
	}
	return c.withObject(true, func(b *bucketModel, o *objectMeta) error {
		if !b.objectLock {
			return invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if o.retainMode != "" && c.now.Before(o.retainUntil) && until.Before(o.retainUntil) {
			bypass := strings.EqualFold(c.r.Header.Get("X-Amz-Bypass-Governance-Retention"), "true")
			if o.retainMode == "COMPLIANCE" || !bypass {
				return accessDenied("Access Denied because object protected by object lock.")
			}
		}
		o.retainMode, o.retainUntil = mode, until
		return c.done()
	})
}

func getObjectLegalHold(c *call) error {
	return c.withObject(false, func(b *bucketModel, o *objectMeta) error {
		if !b.objectLock {
			return invalidRequest("Bucket is missing Object Lock Configuration")
		}
		if o.legalHold == "" {
			return errorf(http.StatusNotFound, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration")
		}
		return c.writeXML(legalHoldXML{Xmlns: s3NS, Status: o.legalHold})
	})
}

func putObjectLegalHold(c *call) error {
	status, err := parseLegalHold(c.body)
	if err != nil {
		return err
	}
	return c.withObject(true, func(b *bucketModel, o *objectMeta) error {
		if !b.objectLock {
			return invalidRequest("Bucket is missing Object Lock Configuration")
		}
		o.legalHold = status
		return c.done()
	})
}
