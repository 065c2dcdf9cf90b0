package simulate

import (
	"encoding/xml"

	"github.com/s3vet/s3vet/policy/s3op"
)

// authorizeKeys decides DeleteObjects key by key, as S3 does: a key the
// caller may not delete is an Error in the result, not a refusal of the
// request, which goes on even when every key is refused. Each key is
// decided on the version it names, which is pinned for the handler. The
// caller holds the read lock.
func (c *call) authorizeKeys(req *s3op.Request) (Decision, error) {
	c.deniedKeys = map[s3op.ObjectID]string{}
	var first *Decision
	for _, k := range req.Keys {
		one := *req
		one.Keys = []s3op.ObjectID{k}
		d, err := c.s.m.authorize(c.caller, &one, writes{}, c.look)
		if err != nil {
			return Decision{}, err
		}
		if !d.Allowed {
			c.deniedKeys[k] = d.Message
		}
		if first == nil || first.Allowed && !d.Allowed {
			first = &d
		}
	}
	d := *first
	if !d.Allowed {
		c.explain = d.Explained
	}
	d.Allowed = true
	return d, nil
}

type deletedXML struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

type deleteResultXML struct {
	XMLName xml.Name         `xml:"DeleteResult"`
	Xmlns   string           `xml:"xmlns,attr"`
	Deleted []deletedXML     `xml:"Deleted"`
	Errors  []deleteErrorXML `xml:"Error"`
}

type deleteErrorXML struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

// deleteObjects deletes each key as DeleteObject would, in order, and
// reports each: Deleted, or an Error for a key the caller may not delete,
// a version Object Lock or MFA Delete protects, or a malformed version ID.
func deleteObjects(c *call) error {
	if !hasIntegrityHeader(c.r.Header) {
		// "The Content-MD5 request header or a additional checksum
		// request header ... is required for all Multi-Object Delete
		// requests" (S3 API Reference, DeleteObjects).
		return invalidRequest("Missing required header for this request: Content-MD5 OR x-amz-checksum-*")
	}
	doc, ok := c.parsed.(*deleteXML)
	if !ok {
		var err error
		if doc, err = parseDeleteDoc(c.body); err != nil {
			return err
		}
	}
	result := deleteResultXML{Xmlns: s3NS}
	fail := func(key, vid string, e *s3Error) {
		result.Errors = append(result.Errors, deleteErrorXML{key, vid, e.code, e.message})
	}
	err := c.withBucket(true, func(b *bucketModel) error {
		for _, o := range doc.Objects {
			id := s3op.ObjectID{Key: o.Key, VersionID: o.VersionID}
			if msg, denied := c.deniedKeys[id]; denied {
				fail(o.Key, o.VersionID, accessDenied(msg))
				continue
			}
			if o.VersionID == "" {
				d := deletedXML{Key: o.Key}
				if m := b.deleteKey(o.Key, c.caller.principal.Account, c.now, c.s.m.newVersionID); m != nil {
					d.DeleteMarker, d.DeleteMarkerVersionID = true, m.id
				}
				result.Deleted = append(result.Deleted, d)
				continue
			}
			if checkVersionID(o.VersionID) != nil {
				fail(o.Key, o.VersionID, errorf(404, "NoSuchVersion", "The specified version does not exist."))
				continue
			}
			if b.mfaDelete && c.r.Header.Get("X-Amz-Mfa") == "" {
				fail(o.Key, o.VersionID, accessDenied("Mfa Authentication must be used for this request"))
				continue
			}
			gone, err := c.deleteVersion(b, o.Key, o.VersionID)
			if err != nil {
				fail(o.Key, o.VersionID, asS3Error(err))
				continue
			}
			d := deletedXML{Key: o.Key, VersionID: o.VersionID}
			if gone != nil && gone.deleteMarker {
				d.DeleteMarker, d.DeleteMarkerVersionID = true, gone.id
			}
			result.Deleted = append(result.Deleted, d)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if doc.Quiet {
		result.Deleted = nil
	}
	return c.writeXML(result)
}
