package simulate

import (
	"encoding/xml"
	"net/http"
	"net/url"

	"github.com/s3vet/s3vet/policy/s3op"
)

// authorizeKeys decides DeleteObjects key by key, as S3 does: a key the
// caller may not delete is an Error in the result, not a refusal of the
// request. The caller holds the read lock.
func (c *call) authorizeKeys(req *s3op.Request) (Decision, error) {
	c.deniedKeys = map[s3op.ObjectID]string{}
	var first *Decision
	for _, k := range req.Keys {
		one := *req
		one.Keys = []s3op.ObjectID{k}
		d, err := c.s.m.authorize(c.caller, &one, writes{})
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
	if first.Allowed || len(c.deniedKeys) < len(req.Keys) {
		// The request goes on: the denied keys are errors in its result.
		d := *first
		d.Allowed = true
		return d, nil
	}
	return *first, nil
}

type deleteResultXML struct {
	XMLName xml.Name `xml:"DeleteResult"`
	Xmlns   string   `xml:"xmlns,attr"`
	Deleted []struct {
		Key                   string `xml:"Key"`
		VersionID             string `xml:"VersionId,omitempty"`
		DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
		DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
	} `xml:"Deleted"`
	Errors []deleteErrorXML `xml:"Error"`
}

type deleteErrorXML struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId,omitempty"`
	Code      string `xml:"Code"`
	Message   string `xml:"Message"`
}

// deleteObjects deletes the keys the caller may delete through gofakes3
// and reports the others as AccessDenied.
func deleteObjects(c *call) error {
	doc, ok := c.parsed.(*deleteXML)
	if !ok {
		var err error
		if doc, err = parseDeleteDoc(c.body); err != nil {
			return err
		}
	}
	var errs []deleteErrorXML
	allowed := *doc
	allowed.Objects = nil
	var versioned, mfa, lock bool
	c.withBucket(false, func(b *bucketModel) error {
		versioned, mfa, lock = b.versioning != "", b.mfaDelete, b.objectLock
		for _, o := range doc.Objects {
			id := s3op.ObjectID{Key: o.Key, VersionID: o.VersionID}
			switch msg, denied := c.deniedKeys[id]; {
			case denied:
				errs = append(errs, deleteErrorXML{o.Key, o.VersionID, "AccessDenied", msg})
			case o.VersionID != "" && mfa && c.r.Header.Get("X-Amz-Mfa") == "":
				errs = append(errs, deleteErrorXML{o.Key, o.VersionID, "AccessDenied", "Mfa Authentication must be used for this request"})
			case o.VersionID != "" && lock && b.objects[o.Key] != nil && b.objects[o.Key].locked(c.now, c.r.Header.Get("X-Amz-Bypass-Governance-Retention") == "true"):
				errs = append(errs, deleteErrorXML{o.Key, o.VersionID, "AccessDenied", "Access Denied because object protected by object lock."})
			default:
				allowed.Objects = append(allowed.Objects, o)
			}
		}
		return nil
	})
	result := deleteResultXML{Xmlns: s3NS}
	if len(allowed.Objects) > 0 {
		allowed.Xmlns = s3NS
		body, err := xml.Marshal(allowed)
		if err != nil {
			return err
		}
		resp, err := c.forward(c.fakeRequest(http.MethodPost, c.bucket, "", url.Values{"delete": {""}}, http.Header{}, body), false, nil)
		if err != nil {
			return err
		}
		if err := xml.Unmarshal(resp.body, &result); err != nil {
			c.explain = "gofakes3's DeleteResult: " + err.Error()
			return errInternal
		}
		result.XMLName, result.Xmlns = xml.Name{}, s3NS
	}
	c.s.mu.Lock()
	if b := c.s.m.buckets[c.bucket]; b != nil {
		for i := range result.Deleted {
			d := &result.Deleted[i]
			if d.VersionID == "" || !versioned {
				delete(b.objects, d.Key)
			}
			if !versioned {
				d.VersionID, d.DeleteMarker, d.DeleteMarkerVersionID = "", false, ""
			}
		}
	}
	c.s.mu.Unlock()
	if doc.Quiet {
		result.Deleted = nil
	}
	result.Errors = append(result.Errors, errs...)
	return c.writeXML(result)
}
