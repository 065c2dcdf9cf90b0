package simulate

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// postForm is a browser upload's form, once its policy is verified.
type postForm struct {
	fields map[string]string // names lower-case
	file   io.Reader
}

// postAuthenticator verifies browser uploads (PostObject).
type postAuthenticator interface {
	authenticatePost(r *http.Request, bucket string) (signature, string, *postForm, error)
}

func (a sigV4) authenticatePost(r *http.Request, bucket string) (signature, string, *postForm, error) {
	res, err := a.v.VerifyPost(r.Context(), r, bucket)
	if err != nil {
		return signature{}, "", nil, fromPresign(err)
	}
	sig := fromResult(&res.Result)
	if !res.Anonymous {
		sig.authType = "POST"
	}
	return sig, res.Key, &postForm{fields: res.Fields, file: res.File}, nil
}

// authenticatePost replaces the request's identity, key and headers with
// those of its form: the fields stand for the headers of a PutObject
// (acl as x-amz-acl, tagging as x-amz-tagging).
func (c *call) authenticatePost() error {
	pa, ok := c.s.auth.(postAuthenticator)
	if !ok {
		return notImplemented("browser-based uploads")
	}
	sig, key, form, err := pa.authenticatePost(c.r, c.bucket)
	if err != nil {
		return err
	}
	c.sig, c.key, c.form = sig, key, form
	if err := c.identify(); err != nil {
		return err
	}
	h := http.Header{}
	for name, v := range form.fields {
		switch {
		case name == "acl":
			h.Set("X-Amz-Acl", v)
		case name == "tagging":
			tags, err := parseTagging([]byte(v))
			if err != nil {
				return err
			}
			q := url.Values{}
			for k, val := range tags {
				q.Set(k, val)
			}
			h.Set("X-Amz-Tagging", q.Encode())
		case name == "content-type", name == "content-disposition", name == "content-encoding", name == "cache-control", name == "expires",
			strings.HasPrefix(name, "x-amz-meta-"), strings.HasPrefix(name, "x-amz-server-side-encryption"), name == "x-amz-storage-class",
			name == "x-amz-website-redirect-location", strings.HasPrefix(name, "x-amz-checksum-"), name == "content-md5":
			h.Set(name, v)
		}
	}
	r := c.r.Clone(c.r.Context())
	r.Header = h
	c.r = r
	return nil
}

// postObject stores a browser upload and answers as its form asks:
// success_action_redirect, success_action_status 200 or 201, else 204.
func postObject(c *call) error {
	data, err := readBody(c.form.file, maxObjectSize)
	if err != nil {
		if e, ok := err.(*s3Error); ok && e.code == "MaxMessageLengthExceeded" {
			return errorf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
		}
		return err
	}
	if err := validKey(c.key); err != nil {
		return err
	}
	v, err := c.writeObject(data)
	if err != nil {
		return err
	}
	etag := v.etag
	h := c.w.Header()
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	location := scheme + "://" + c.r.Host + "/" + c.bucket + "/" + url.PathEscape(c.key)
	h.Set("Location", location)
	if redirect := c.form.fields["success_action_redirect"]; redirect != "" {
		if u, err := url.Parse(redirect); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			q := u.Query()
			q.Set("bucket", c.bucket)
			q.Set("key", c.key)
			q.Set("etag", etag)
			u.RawQuery = q.Encode()
			h.Set("Location", u.String())
			c.w.WriteHeader(http.StatusSeeOther)
			return nil
		}
	}
	switch c.form.fields["success_action_status"] {
	case "200":
		return c.done()
	case "201":
		type postResponse struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Location string
			Bucket   string
			Key      string
			ETag     string
		}
		body, err := xml.Marshal(postResponse{Location: location, Bucket: c.bucket, Key: c.key, ETag: etag})
		if err != nil {
			return err
		}
		h.Set("Content-Type", "application/xml")
		c.w.WriteHeader(http.StatusCreated)
		c.w.Write(append([]byte(xml.Header), body...))
		return nil
	}
	return c.noContent()
}

func validKey(key string) error {
	if key == "" || len(key) > 1024 {
		return errorf(http.StatusBadRequest, "KeyTooLongError", "Your key is too long.")
	}
	return nil
}

var _ postAuthenticator = sigV4{}
