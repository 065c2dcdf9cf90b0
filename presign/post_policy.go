package presign

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// postMaxSize is the largest object a POST upload may carry (5 GB, "POST
// Object", S3 API Reference).
const postMaxSize = 5 << 30

// postFilenameVar is the variable S3 replaces, in any form field, with the name
// of the uploaded file.
const postFilenameVar = "${filename}"

// PostPolicy is what a browser upload form may do: the conditions of an S3
// POST policy ("Creating a POST policy", S3 API Reference), each with the
// form field it needs, so that a form built from it is one S3 accepts.
//
// Build one with [NewPostPolicy] and its methods, which chain. The first
// mistake is kept, reported by Err and returned by [Presigner.PostObject];
// later calls do nothing. A key condition ([PostPolicy.Key] or
// [PostPolicy.KeyPrefix]) is required; every other is optional. The
// conditions on the bucket and on the signing fields (x-amz-algorithm,
// x-amz-credential, x-amz-date, x-amz-security-token) are added by
// PostObject.
//
// Without [PostPolicy.ContentLengthRange], the holder of the form may
// upload up to 5 GB.
type PostPolicy struct {
	expires time.Duration
	conds   []postCond
	names   map[string]bool // lower-case field names used
	err     error
}

// NewPostPolicy returns an empty policy.
func NewPostPolicy() *PostPolicy { return &PostPolicy{} }

type postCondKind int

const (
	postCondEq         postCondKind = iota // {"name": "value"}
	postCondStartsWith                     // ["starts-with", "$name", "value"]
	postCondRange                          // ["content-length-range", min, max]
)

// postCond is one policy condition and the form field that satisfies it.
type postCond struct {
	kind     postCondKind
	name     string // the field name, as the form sends it
	value    string // exact value or prefix
	min, max int64  // content-length-range
	field    string // the value the form carries
}

// Err returns the first mistake made building p, if any.
func (p *PostPolicy) Err() error { return p.err }

func (p *PostPolicy) fail(err error) *PostPolicy {
	if p.err == nil {
		p.err = err
	}
	return p
}

// add appends conditions, refusing a field named twice or a bad value.
func (p *PostPolicy) add(cs ...postCond) *PostPolicy {
	if p.err != nil {
		return p
	}
	if p.names == nil {
		p.names = make(map[string]bool)
	}
	for _, c := range cs {
		if err := signCheckValue(c.name+" value", c.value); err != nil {
			return p.fail(err)
		}
		n := strings.ToLower(c.name)
		if p.names[n] {
			return p.fail(fmt.Errorf("presign: post policy condition on %q given twice", c.name))
		}
		if n == "success_action_status" && p.names["success_action_redirect"] ||
			n == "success_action_redirect" && p.names["success_action_status"] {
			return p.fail(errors.New("presign: post policy takes success_action_status or success_action_redirect, not both"))
		}
		p.names[n] = true
	}
	p.conds = append(p.conds, cs...)
	return p
}

func postEq(name, value string) postCond {
	return postCond{kind: postCondEq, name: name, value: value, field: value}
}

// Expires sets the form's lifetime; zero means the Presigner's default.
func (p *PostPolicy) Expires(d time.Duration) *PostPolicy {
	if d < 0 {
		return p.fail(errors.New("presign: negative expiry"))
	}
	p.expires = d
	return p
}

// Key allows exactly one object key. It may contain ${filename}, which S3
// replaces with the uploaded file's name.
func (p *PostPolicy) Key(key string) *PostPolicy {
	if err := signCheckObject("-", key); err != nil {
		return p.fail(err)
	}
	return p.add(postEq("key", key))
}

// KeyPrefix allows any key starting with prefix (a starts-with condition).
// The form's key field is prefix followed by ${filename}; the uploader may
// change it to any key with that prefix. An empty prefix is refused: it
// would let the form overwrite any object in the bucket.
func (p *PostPolicy) KeyPrefix(prefix string) *PostPolicy {
	if prefix == "" {
		return p.fail(errors.New("presign: empty key prefix would allow every key in the bucket"))
	}
	if err := signCheckObject("-", prefix+postFilenameVar); err != nil {
		return p.fail(err)
	}
	return p.add(postCond{kind: postCondStartsWith, name: "key", value: prefix, field: prefix + postFilenameVar})
}

// ContentLengthRange bounds the size of the uploaded file, in bytes.
func (p *PostPolicy) ContentLengthRange(min, max int64) *PostPolicy {
	if min < 0 || max < min || max > postMaxSize {
		return p.fail(fmt.Errorf("presign: content length range %d to %d is not within 0 to %d", min, max, int64(postMaxSize)))
	}
	return p.add(postCond{kind: postCondRange, name: "content-length-range", min: min, max: max})
}

// ContentType requires the object's Content-Type to be exactly ct.
func (p *PostPolicy) ContentType(ct string) *PostPolicy {
	if ct == "" {
		return p.fail(errors.New("presign: empty content type"))
	}
	return p.add(postEq("Content-Type", ct))
}

// ContentTypePrefix requires the object's Content-Type to start with
// prefix, e.g. "image/". The form's field holds the prefix; the uploader
// sets it to the actual type.
func (p *PostPolicy) ContentTypePrefix(prefix string) *PostPolicy {
	if prefix == "" {
		return p.fail(errors.New("presign: empty content type prefix"))
	}
	return p.add(postCond{kind: postCondStartsWith, name: "Content-Type", value: prefix, field: prefix})
}

// ContentDisposition requires the object's Content-Disposition to be v.
func (p *PostPolicy) ContentDisposition(v string) *PostPolicy {
	return p.add(postEq("Content-Disposition", v))
}

// CacheControl requires the object's Cache-Control to be v.
func (p *PostPolicy) CacheControl(v string) *PostPolicy {
	return p.add(postEq("Cache-Control", v))
}

// Encryption requires SSE-S3 or SSE-KMS (with its key ID when given).
// SSE-C is refused: its key would have to be a form field.
func (p *PostPolicy) Encryption(e Encryption) *PostPolicy {
	if err := e.validate(); err != nil {
		return p.fail(err)
	}
	if e.Algorithm == "" {
		return p.fail(errors.New("presign: a POST form cannot carry an SSE-C key; use SSE-S3 or SSE-KMS"))
	}
	cs := []postCond{postEq("x-amz-server-side-encryption", e.Algorithm)}
	if e.KMSKeyID != "" {
		cs = append(cs, postEq("x-amz-server-side-encryption-aws-kms-key-id", e.KMSKeyID))
	}
	return p.add(cs...)
}

// SuccessActionStatus sets the status S3 answers a successful upload with:
// 200, 201 (with an XML document) or 204 (S3's default).
func (p *PostPolicy) SuccessActionStatus(code int) *PostPolicy {
	if code != 200 && code != 201 && code != 204 {
		return p.fail(fmt.Errorf("presign: success_action_status %d is not 200, 201 or 204", code))
	}
	return p.add(postEq("success_action_status", fmt.Sprint(code)))
}

// SuccessActionRedirect sends the browser to u after a successful upload.
// It must be an absolute https URL (http only with AllowHTTP).
func (p *PostPolicy) SuccessActionRedirect(u string) *PostPolicy {
	pu, err := url.Parse(u)
	if err != nil || !pu.IsAbs() || pu.Host == "" || (pu.Scheme != "https" && pu.Scheme != "http") {
		return p.fail(errors.New("presign: success_action_redirect is not an absolute http(s) URL"))
	}
	return p.add(postEq("success_action_redirect", u))
}

// Metadata requires the user metadata x-amz-meta-name to be value.
func (p *PostPolicy) Metadata(name, value string) *PostPolicy {
	if err := signCheckMetadataName(name); err != nil {
		return p.fail(err)
	}
	return p.add(postEq("x-amz-meta-"+strings.ToLower(name), value))
}

// Checksum requires the uploaded file to have checksum c
// (x-amz-checksum-algorithm and x-amz-checksum-*).
func (p *PostPolicy) Checksum(c Checksum) *PostPolicy {
	if c.isZero() {
		return p.fail(errors.New("presign: empty checksum"))
	}
	if err := c.validate(); err != nil {
		return p.fail(err)
	}
	return p.add(postEq("x-amz-checksum-algorithm", c.Algorithm), postEq(c.header(), c.Value))
}

// Tags requires the object's tags to be tags (the tagging field, an XML
// Tagging document).
func (p *PostPolicy) Tags(tags map[string]string) *PostPolicy {
	if len(tags) == 0 {
		return p.fail(errors.New("presign: no tags"))
	}
	if err := signCheckTags(tags); err != nil {
		return p.fail(err)
	}
	return p.add(postEq("tagging", postTaggingXML(tags)))
}

// postTaggingXML is the Tagging document of tags, in key order.
func postTaggingXML(tags map[string]string) string {
	var b strings.Builder
	b.WriteString("<Tagging><TagSet>")
	for _, k := range signSortedKeys(tags) {
		b.WriteString("<Tag><Key>")
		xml.EscapeText(&b, []byte(k))
		b.WriteString("</Key><Value>")
		xml.EscapeText(&b, []byte(tags[k]))
		b.WriteString("</Value></Tag>")
	}
	b.WriteString("</TagSet></Tagging>")
	return b.String()
}

// ACL requires the canned ACL acl; public ones are refused
// ([ErrPublicACL]).
func (p *PostPolicy) ACL(acl string) *PostPolicy {
	if acl == "" {
		return p.fail(errors.New("presign: empty canned ACL"))
	}
	if err := signCheckACL(acl); err != nil {
		return p.fail(err)
	}
	return p.add(postEq("acl", acl))
}

// has reports whether p has a condition on the field name.
func (p *PostPolicy) has(name string) bool { return p.names[strings.ToLower(name)] }

// redirect returns the success_action_redirect URL, if any.
func (p *PostPolicy) redirect() string {
	for _, c := range p.conds {
		if c.name == "success_action_redirect" {
			return c.value
		}
	}
	return ""
}
