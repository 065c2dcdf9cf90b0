package simulate

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/s3vet/s3vet/policy/s3op"
)

// s3NS is the namespace of S3's XML documents.
const s3NS = "http://s3.amazonaws.com/doc/2006-03-01/"

// writeXML answers with v as an XML document in S3's namespace.
func (c *call) writeXML(v any) error {
	body, err := xml.Marshal(v)
	if err != nil {
		return err
	}
	c.writeBody("application/xml", append([]byte(xml.Header), body...))
	return nil
}

// writeBody answers 200 with a body.
func (c *call) writeBody(contentType string, body []byte) {
	h := c.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		c.w.Write(body)
	}
}

// noContent answers 204, as S3 does for a successful DELETE of a
// configuration.
func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// done answers 200 with no body.
func (c *call) done() error {
	c.w.Header().Set("Content-Length", "0")
	c.w.WriteHeader(http.StatusOK)
	return nil
}

// decodeXML decodes a request body into v, whose XMLName names the root
// element S3 expects. An empty or malformed body is MalformedXML.
func decodeXML(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return malformedXML()
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	if err := d.Decode(v); err != nil {
		return malformedXML()
	}
	return nil
}

type tagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type taggingXML struct {
	XMLName xml.Name `xml:"Tagging"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	TagSet  struct {
		Tags []tagXML `xml:"Tag"`
	} `xml:"TagSet"`
}

// parseTagging reads a Tagging document.
func parseTagging(body []byte) (map[string]string, error) {
	var t taggingXML
	if err := decodeXML(body, &t); err != nil {
		return nil, err
	}
	tags := make(map[string]string, len(t.TagSet.Tags))
	for _, tag := range t.TagSet.Tags {
		if _, dup := tags[tag.Key]; dup {
			return nil, errorf(http.StatusBadRequest, "InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		tags[tag.Key] = tag.Value
	}
	return tags, nil
}

func taggingDoc(tags map[string]string) taggingXML {
	t := taggingXML{Xmlns: s3NS}
	for _, k := range sortedKeys(tags) {
		t.TagSet.Tags = append(t.TagSet.Tags, tagXML{k, tags[k]})
	}
	return t
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// parseLocation reads CreateBucket's CreateBucketConfiguration; an empty
// body is us-east-1.
func parseLocation(body []byte) (string, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return "", nil
	}
	var v struct {
		XMLName            xml.Name `xml:"CreateBucketConfiguration"`
		LocationConstraint string
	}
	if err := decodeXML(body, &v); err != nil {
		return "", err
	}
	return v.LocationConstraint, nil
}

// keys returns the objects of DeleteObjects' Delete document.
func (d *deleteXML) keys() []s3op.ObjectID {
	keys := make([]s3op.ObjectID, 0, len(d.Objects))
	for _, o := range d.Objects {
		keys = append(keys, s3op.ObjectID{Key: o.Key, VersionID: o.VersionID})
	}
	return keys
}

type deleteXML struct {
	XMLName xml.Name `xml:"Delete"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId,omitempty"`
	} `xml:"Object"`
	Quiet bool `xml:"Quiet,omitempty"`
}

func parseDeleteDoc(body []byte) (*deleteXML, error) {
	var d deleteXML
	if err := decodeXML(body, &d); err != nil {
		return nil, err
	}
	if len(d.Objects) == 0 || len(d.Objects) > 1000 {
		return nil, malformedXML()
	}
	for _, o := range d.Objects {
		if o.Key == "" {
			return nil, malformedXML()
		}
	}
	return &d, nil
}

type retentionXML struct {
	XMLName         xml.Name `xml:"Retention"`
	Xmlns           string   `xml:"xmlns,attr,omitempty"`
	Mode            string   `xml:"Mode,omitempty"`
	RetainUntilDate string   `xml:"RetainUntilDate,omitempty"`
}

func parseRetention(body []byte) (string, time.Time, error) {
	var v retentionXML
	if err := decodeXML(body, &v); err != nil {
		return "", time.Time{}, err
	}
	if v.Mode == "" && v.RetainUntilDate == "" {
		// No retention: it is removed.
		return "", time.Time{}, nil
	}
	if v.Mode != "GOVERNANCE" && v.Mode != "COMPLIANCE" {
		return "", time.Time{}, malformedXML()
	}
	t, err := time.Parse(time.RFC3339Nano, v.RetainUntilDate)
	if err != nil {
		return "", time.Time{}, malformedXML()
	}
	return v.Mode, t, nil
}

type legalHoldXML struct {
	XMLName xml.Name `xml:"LegalHold"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Status  string   `xml:"Status"`
}

func parseLegalHold(body []byte) (string, error) {
	var v legalHoldXML
	if err := decodeXML(body, &v); err != nil {
		return "", err
	}
	if v.Status != "ON" && v.Status != "OFF" {
		return "", malformedXML()
	}
	return v.Status, nil
}

// validateTags applies S3's limits on a tag set: at most max tags, keys of
// 1 to 128 characters, values of at most 256, no aws: keys.
func validateTags(tags map[string]string, max int) error {
	if len(tags) > max {
		return errorf(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Object tags cannot be greater than %d", max))
	}
	for k, v := range tags {
		switch {
		case len(k) == 0 || len([]rune(k)) > 128:
			return errorf(http.StatusBadRequest, "InvalidTag", "The TagKey you have provided is invalid")
		case len([]rune(v)) > 256:
			return errorf(http.StatusBadRequest, "InvalidTag", "The TagValue you have provided is invalid")
		case len(k) >= 4 && (k[:4] == "aws:" || k[:4] == "AWS:"):
			return errorf(http.StatusBadRequest, "InvalidTag", "System tags cannot be added/updated by requester")
		}
	}
	return nil
}
