package simulate

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy/access"
)

// createBucket creates a bucket owned by the caller's account, with S3's
// settings for a new bucket: Block Public Access on, ACLs disabled unless
// x-amz-object-ownership says otherwise, SSE-S3, SSE-C blocked.
func createBucket(c *call) error {
	if err := validBucketName(c.bucket); err != nil {
		return errorf(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.").with("BucketName", c.bucket)
	}
	loc, err := parseLocation(c.body)
	if err != nil {
		return err
	}
	region := c.s.m.region
	if region == "us-east-1" && loc != "" || region != "us-east-1" && loc != region {
		return errorf(http.StatusBadRequest, "IllegalLocationConstraintException",
			"The "+strings.TrimPrefix(loc+" ", " ")+"location constraint is incompatible for the region specific endpoint this request was sent to.")
	}
	owner := c.caller.principal.Account
	if owner == "" {
		return accessDenied("Access Denied")
	}
	ownership := c.r.Header.Get("X-Amz-Object-Ownership")
	switch ownership {
	case "", access.BucketOwnerEnforced, access.BucketOwnerPreferred, access.ObjectWriter:
	default:
		return invalidArgument("Invalid x-amz-object-ownership header: " + ownership)
	}
	nb := newBucket(c.bucket, owner, ownership)
	grants, set, err := c.requestACL(owner, owner)
	if err != nil {
		return err
	}
	if nb.ownership == access.BucketOwnerEnforced && othersGranted(grants, owner) {
		return errorf(http.StatusBadRequest, "InvalidBucketAclWithObjectOwnership",
			"Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
	}
	if set {
		nb.acl = grants
	}
	lock := strings.EqualFold(c.r.Header.Get("X-Amz-Bucket-Object-Lock-Enabled"), "true")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if b := c.s.m.buckets[c.bucket]; b != nil {
		if b.owner != owner {
			return errorf(http.StatusConflict, "BucketAlreadyExists",
				"The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").with("BucketName", c.bucket)
		}
		if region == "us-east-1" {
			// "For legacy compatibility, if you re-create an existing
			// bucket that you already own in the North Virginia Region,
			// Amazon S3 returns 200 OK" (S3 API Reference, Error codes).
			c.w.Header().Set("Location", "/"+c.bucket)
			return c.done()
		}
		return errorf(http.StatusConflict, "BucketAlreadyOwnedByYou",
			"Your previous request to create the named bucket succeeded and you already own it.").with("BucketName", c.bucket)
	}
	if c.s.m.apHosts[c.bucket] != nil {
		// Virtual-hosted at a custom endpoint, the name would be the host
		// name label of an access point (NAME-ACCOUNT): a simulator's
		// conflict, not S3's, refused as a name that is taken.
		return errorf(http.StatusConflict, "BucketAlreadyExists",
			"The requested bucket name is not available: the simulator addresses access point "+c.s.m.apHosts[c.bucket].name+" by it.").with("BucketName", c.bucket)
	}
	if lock {
		nb.objectLock, nb.versioning = true, "Enabled"
	}
	nb.created = c.now
	c.s.m.buckets[c.bucket] = nb
	c.w.Header().Set("Location", "/"+c.bucket)
	return c.done()
}

func deleteBucket(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	b := c.s.m.buckets[c.bucket]
	if b == nil {
		return noSuchBucket(c.bucket)
	}
	if !b.empty() {
		return errorf(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty").with("BucketName", c.bucket)
	}
	delete(c.s.m.buckets, c.bucket)
	for id, u := range c.s.uploads {
		if u.bucket == c.bucket {
			delete(c.s.uploads, id)
		}
	}
	return c.noContent()
}

func headBucket(c *call) error {
	c.w.Header().Set("X-Amz-Bucket-Region", c.s.m.region)
	return c.done()
}

func getBucketLocation(c *call) error {
	type loc struct {
		XMLName xml.Name `xml:"LocationConstraint"`
		Xmlns   string   `xml:"xmlns,attr"`
		Region  string   `xml:",chardata"`
	}
	v := loc{Xmlns: s3NS}
	if c.s.m.region != "us-east-1" {
		v.Region = c.s.m.region
	}
	return c.writeXML(v)
}

// listBuckets lists the buckets of the caller's account.
func listBuckets(c *call) error {
	type bucket struct {
		Name         string
		CreationDate string
		BucketRegion string
	}
	type result struct {
		XMLName xml.Name `xml:"ListAllMyBucketsResult"`
		Xmlns   string   `xml:"xmlns,attr"`
		Owner   struct{ ID string }
		Buckets []bucket `xml:"Buckets>Bucket"`
	}
	account := c.caller.principal.Account
	v := result{Xmlns: s3NS}
	v.Owner.ID = c.s.m.canonicalOf(account)
	c.s.mu.RLock()
	for _, b := range c.s.m.buckets {
		if b.owner == account {
			v.Buckets = append(v.Buckets, bucket{b.name, formatXMLTime(b.created), c.s.m.region})
		}
	}
	c.s.mu.RUnlock()
	slices.SortFunc(v.Buckets, func(a, b bucket) int { return strings.Compare(a.Name, b.Name) })
	return c.writeXML(v)
}
