package simulate

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// canonicalID is the simulated canonical user ID of an account that does
// not declare one (model.canonicalOf): 64 hex digits, as S3's are,
// derived from the account ID.
func canonicalID(account string) string {
	h := sha256.Sum256([]byte("s3vet canonical user\x00" + account))
	return hex.EncodeToString(h[:])
}

const (
	groupAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers"
	groupAuthUser = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	groupLogs     = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	xsiNS         = "http://www.w3.org/2001/XMLSchema-instance"
)

type aclXML struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Owner   *struct {
		ID string `xml:"ID"`
	} `xml:"Owner"`
	Grants []grantXML `xml:"AccessControlList>Grant"`
}

type grantXML struct {
	Grantee struct {
		Attrs []xml.Attr `xml:",any,attr"`
		ID    string     `xml:"ID,omitempty"`
		URI   string     `xml:"URI,omitempty"`
		Email string     `xml:"EmailAddress,omitempty"`
	} `xml:"Grantee"`
	Permission string `xml:"Permission"`
}

// parseACL reads an AccessControlPolicy document into grants, with the
// canonical IDs of the world's accounts turned back into account IDs.
func (s *Simulator) parseACL(body []byte) ([]access.Grant, error) {
	var doc aclXML
	if err := decodeXML(body, &doc); err != nil {
		return nil, malformedACL()
	}
	var grants []access.Grant
	for _, g := range doc.Grants {
		var who string
		switch {
		case g.Grantee.Email != "":
			return nil, errorf(http.StatusBadRequest, "UnresolvableGrantByEmailAddress", "The e-mail address you provided does not match any account on record.")
		case g.Grantee.URI != "":
			who = g.Grantee.URI
		case g.Grantee.ID != "":
			a, err := s.canonicalAccount(g.Grantee.ID)
			if err != nil {
				return nil, err
			}
			who = a
		default:
			return nil, malformedACL()
		}
		grants = append(grants, access.Grant{Grantee: who, Permission: g.Permission})
	}
	st := access.State{BucketACL: grants}
	if err := st.Validate(); err != nil {
		return nil, malformedACL()
	}
	return grants, nil
}

// canonicalAccount returns the account of a grantee's canonical user ID:
// an ID S3 does not know is refused ("Invalid id", observed of S3 by
// ceph/s3-tests and aws-cli issue 2651), an account ID among them.
func (s *Simulator) canonicalAccount(id string) (string, error) {
	// The accounts of a world are fixed: their map is read without the
	// lock, which the caller may hold.
	if a, ok := s.m.canonical[id]; ok {
		return a, nil
	}
	return "", invalidArgument("Invalid id").with("ArgumentName", "CanonicalUser/ID").with("ArgumentValue", id)
}

func malformedACL() *s3Error {
	return errorf(http.StatusBadRequest, "MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema")
}

// aclDoc writes an ACL as S3 returns it.
func (m *model) aclDoc(owner string, grants []access.Grant) any {
	type grantee struct {
		Attrs []xml.Attr `xml:",any,attr"`
		ID    string     `xml:"ID,omitempty"`
		URI   string     `xml:"URI,omitempty"`
	}
	type grant struct {
		Grantee    grantee
		Permission string
	}
	type doc struct {
		XMLName xml.Name `xml:"AccessControlPolicy"`
		Xmlns   string   `xml:"xmlns,attr"`
		Owner   struct{ ID string }
		Grants  []grant `xml:"AccessControlList>Grant"`
	}
	d := doc{Xmlns: s3NS}
	d.Owner.ID = m.canonicalOf(owner)
	attrs := func(typ string) []xml.Attr {
		return []xml.Attr{{Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNS}, {Name: xml.Name{Local: "xsi:type"}, Value: typ}}
	}
	for _, g := range grants {
		var ge grantee
		switch g.Grantee {
		case access.AllUsers, groupAllUsers, "uri=" + groupAllUsers:
			ge = grantee{Attrs: attrs("Group"), URI: groupAllUsers}
		case access.AuthenticatedUsers, groupAuthUser, "uri=" + groupAuthUser:
			ge = grantee{Attrs: attrs("Group"), URI: groupAuthUser}
		case access.LogDelivery, groupLogs, "uri=" + groupLogs:
			ge = grantee{Attrs: attrs("Group"), URI: groupLogs}
		default:
			id := strings.TrimPrefix(g.Grantee, "id=")
			if policy.IsAccountID(id) {
				id = m.canonicalOf(id)
			}
			ge = grantee{Attrs: attrs("CanonicalUser"), ID: id}
		}
		d.Grants = append(d.Grants, grant{ge, g.Permission})
	}
	return d
}

var grantHeaders = []struct{ name, perm string }{
	{"X-Amz-Grant-Read", access.Read}, {"X-Amz-Grant-Write", access.Write}, {"X-Amz-Grant-Read-Acp", access.ReadACP},
	{"X-Amz-Grant-Write-Acp", access.WriteACP}, {"X-Amz-Grant-Full-Control", access.FullControl},
}

// requestACL returns the ACL a request sets through its headers (x-amz-acl
// or x-amz-grant-*) or, for PutBucketAcl and PutObjectAcl, its body, as
// S3 keeps it: a canned ACL or header grants with the owner's
// FULL_CONTROL (S3 User Guide, "Canned ACL": "Owner gets FULL_CONTROL"), a
// body as written, even without it or empty; ok is false when it sets
// none.
func (c *call) requestACL(bucketOwner, owner string) (grants []access.Grant, ok bool, err error) {
	h := c.r.Header
	canned := h.Values("X-Amz-Acl")
	var fromHeaders []access.Grant
	headers := 0
	for _, gh := range grantHeaders {
		for _, v := range h.Values(gh.name) {
			headers++
			gs, err := access.ParseGrantHeader(v, gh.perm)
			if err != nil {
				return nil, false, invalidArgument(err.Error())
			}
			for i, g := range gs {
				if id, ok := strings.CutPrefix(g.Grantee, "id="); ok || !strings.Contains(g.Grantee, "://") {
					if !ok {
						id = g.Grantee
					}
					if gs[i].Grantee, err = c.s.canonicalAccount(id); err != nil {
						return nil, false, err
					}
				}
			}
			fromHeaders = append(fromHeaders, gs...)
		}
	}
	body := len(c.body) > 0 && (c.op == "PutBucketAcl" || c.op == "PutObjectAcl")
	switch {
	case len(canned) > 1 || len(canned) == 1 && (headers > 0 || body):
		return nil, false, invalidRequest("Specifying both Canned ACLs and Header Grants is not allowed")
	case headers > 0 && body:
		return nil, false, errorf(http.StatusBadRequest, "UnexpectedContent", "This request does not support content")
	case len(canned) == 1:
		gs, err := access.CannedACL(canned[0], bucketOwner)
		if err != nil {
			return nil, false, invalidArgument("")
		}
		grants = gs
	case headers > 0:
		grants = fromHeaders
	case body:
		var parsed bool
		if grants, parsed = c.parsed.([]access.Grant); !parsed {
			if grants, err = c.s.parseACL(c.body); err != nil {
				return nil, false, err
			}
		}
	default:
		return nil, false, nil
	}
	if !body {
		grants = append(ownerACL(owner), grants...)
	}
	return slices.Compact(grants), true, nil
}

// ownerACL is the ACL S3 gives what owner owns when a request sets none:
// the owner's FULL_CONTROL. An anonymous caller has no account (the
// bucket it asks to create is one nobody owns): no grant, never a grant
// to no one, which is not a state package access accepts.
func ownerACL(owner string) []access.Grant {
	if owner == "" {
		return nil
	}
	return []access.Grant{{Grantee: owner, Permission: access.FullControl}}
}

// othersGranted reports whether an ACL grants anything to anyone but
// owner: what a bucket whose ACLs are disabled (BucketOwnerEnforced)
// refuses ("Bucket cannot have ACLs set with ObjectOwnership's
// BucketOwnerEnforced setting"; "PUT requests that contain other ACLs ...
// fail", S3 User Guide, "Controlling ownership of objects").
func othersGranted(grants []access.Grant, owner string) bool {
	return slices.ContainsFunc(grants, func(g access.Grant) bool { return g.Grantee != owner })
}

func getBucketACL(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		grants := b.acl
		if b.ownership == access.BucketOwnerEnforced {
			grants = ownerACL(b.owner)
		}
		return c.writeXML(c.s.m.aclDoc(b.owner, grants))
	})
}

func putBucketACL(c *call) error {
	return c.withBucket(true, func(b *bucketModel) error {
		grants, err := c.newACL(b, b.owner)
		if err != nil {
			return err
		}
		b.acl = grants
		return c.done()
	})
}

// getObjectACL answers GetObjectAcl for the version named: no grants but
// the owner's when ACLs are disabled.
func getObjectACL(c *call) error {
	return c.withVersion(false, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		grants := v.acl
		if b.ownership == access.BucketOwnerEnforced {
			grants = ownerACL(v.owner)
		}
		c.setVersionHeader(b, v)
		return nil, c.writeXML(c.s.m.aclDoc(v.owner, grants))
	})
}

func putObjectACL(c *call) error {
	err := c.withVersion(true, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		grants, err := c.newACL(b, v.owner)
		if err != nil {
			return nil, err
		}
		c.setVersionHeader(b, v)
		next := *v
		next.acl = grants
		return &next, nil
	})
	if err != nil {
		return err
	}
	return c.done()
}

// newACL returns the ACL that PutBucketAcl or PutObjectAcl sets on what
// owner owns in bucket b, refused if the request sets none or the bucket
// has ACLs disabled.
func (c *call) newACL(b *bucketModel, owner string) ([]access.Grant, error) {
	grants, ok, err := c.requestACL(b.owner, owner)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(http.StatusBadRequest, "MissingSecurityHeader", "Your request was missing a required header").with("MissingHeaderName", "x-amz-acl")
	}
	if b.ownership == access.BucketOwnerEnforced && othersGranted(grants, owner) {
		return nil, aclNotSupported()
	}
	return grants, nil
}
