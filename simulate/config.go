package simulate

import (
	"encoding/xml"
	"net/http"
	"slices"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// withBucket runs f on the request's bucket, under the write lock if
// write is set and the read lock otherwise.
func (c *call) withBucket(write bool, f func(b *bucketModel) error) error {
	if write {
		c.s.mu.Lock()
		defer c.s.mu.Unlock()
	} else {
		c.s.mu.RLock()
		defer c.s.mu.RUnlock()
	}
	b := c.s.m.buckets[c.bucket]
	if b == nil {
		return noSuchBucket(c.bucket)
	}
	return f(b)
}

type pabXML struct {
	XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
	Xmlns                 string   `xml:"xmlns,attr,omitempty"`
	BlockPublicAcls       bool     `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool     `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool     `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool     `xml:"RestrictPublicBuckets"`
}

func pabDoc(p *access.PublicAccessBlock) pabXML {
	return pabXML{Xmlns: s3NS, BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
}

func parsePAB(body []byte) (*access.PublicAccessBlock, error) {
	var v pabXML
	if err := decodeXML(body, &v); err != nil {
		return nil, err
	}
	return &access.PublicAccessBlock{BlockPublicAcls: v.BlockPublicAcls, IgnorePublicAcls: v.IgnorePublicAcls,
		BlockPublicPolicy: v.BlockPublicPolicy, RestrictPublicBuckets: v.RestrictPublicBuckets}, nil
}

func noSuchPAB() *s3Error {
	return errorf(http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
}

func getPublicAccessBlock(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		if b.pab == nil {
			return noSuchPAB().with("BucketName", c.bucket)
		}
		return c.writeXML(pabDoc(b.pab))
	})
}

func putPublicAccessBlock(c *call) error {
	p, err := parsePAB(c.body)
	if err != nil {
		return err
	}
	return c.withBucket(true, func(b *bucketModel) error {
		b.pab = p
		return c.done()
	})
}

func deletePublicAccessBlock(c *call) error {
	return c.withBucket(true, func(b *bucketModel) error {
		b.pab = nil
		return c.noContent()
	})
}

type ownershipXML struct {
	XMLName xml.Name `xml:"OwnershipControls"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Rules   []struct {
		ObjectOwnership string `xml:"ObjectOwnership"`
	} `xml:"Rule"`
}

func getBucketOwnershipControls(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		if b.ownership == "" {
			return errorf(http.StatusNotFound, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found").with("BucketName", c.bucket)
		}
		v := ownershipXML{Xmlns: s3NS}
		v.Rules = append(v.Rules, struct {
			ObjectOwnership string `xml:"ObjectOwnership"`
		}{b.ownership})
		return c.writeXML(v)
	})
}

func putBucketOwnershipControls(c *call) error {
	var v ownershipXML
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	if len(v.Rules) != 1 {
		return malformedXML()
	}
	o := v.Rules[0].ObjectOwnership
	switch o {
	case access.BucketOwnerEnforced, access.BucketOwnerPreferred, access.ObjectWriter:
	default:
		return malformedXML()
	}
	return c.withBucket(true, func(b *bucketModel) error {
		if o == access.BucketOwnerEnforced && othersGranted(b.acl, b.owner) {
			return errorf(http.StatusBadRequest, "InvalidBucketAclWithObjectOwnership",
				"Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting")
		}
		b.ownership = o
		return c.done()
	})
}

func deleteBucketOwnershipControls(c *call) error {
	return c.withBucket(true, func(b *bucketModel) error {
		b.ownership = ""
		return c.noContent()
	})
}

type encryptionXML struct {
	XMLName xml.Name     `xml:"ServerSideEncryptionConfiguration"`
	Xmlns   string       `xml:"xmlns,attr,omitempty"`
	Rules   []encRuleXML `xml:"Rule"`
}

type encRuleXML struct {
	Default struct {
		SSEAlgorithm   string `xml:"SSEAlgorithm"`
		KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
	} `xml:"ApplyServerSideEncryptionByDefault"`
	BucketKeyEnabled bool             `xml:"BucketKeyEnabled"`
	Blocked          *blockedTypesXML `xml:"BlockedEncryptionTypes"`
}

type blockedTypesXML struct {
	Types []string `xml:"EncryptionType"`
}

// GetBucketEncryption always answers: since January 2023 every bucket has
// default encryption, SSE-S3 unless set otherwise, and
// DeleteBucketEncryption restores SSE-S3.
func getBucketEncryption(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		var r encRuleXML
		r.Default.SSEAlgorithm = b.encryption.Algorithm
		r.Default.KMSMasterKeyID = b.encryption.KMSKeyID
		r.BucketKeyEnabled = b.encryption.BucketKey
		if len(b.encryption.BlockedEncryptionTypes) > 0 {
			r.Blocked = &blockedTypesXML{b.encryption.BlockedEncryptionTypes}
		}
		return c.writeXML(encryptionXML{Xmlns: s3NS, Rules: []encRuleXML{r}})
	})
}

func putBucketEncryption(c *call) error {
	var v encryptionXML
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	if len(v.Rules) != 1 {
		return malformedXML()
	}
	r := v.Rules[0]
	e := Encryption{Algorithm: r.Default.SSEAlgorithm, KMSKeyID: r.Default.KMSMasterKeyID, BucketKey: r.BucketKeyEnabled,
		BlockedEncryptionTypes: []string{"SSE-C"}}
	switch e.Algorithm {
	case "AES256":
		if e.KMSKeyID != "" {
			return invalidArgument("a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
		}
	case "aws:kms", "aws:kms:dsse":
	default:
		return malformedXML()
	}
	if r.Blocked != nil {
		e.BlockedEncryptionTypes = nil
		for _, t := range r.Blocked.Types {
			if t != "SSE-C" && t != "NONE" {
				return malformedXML()
			}
			if !slices.Contains(e.BlockedEncryptionTypes, t) {
				e.BlockedEncryptionTypes = append(e.BlockedEncryptionTypes, t)
			}
		}
		if slices.Contains(e.BlockedEncryptionTypes, "NONE") && len(e.BlockedEncryptionTypes) > 1 {
			return invalidArgument("NONE cannot be combined with other blocked encryption types")
		}
		if slices.Equal(e.BlockedEncryptionTypes, []string{"NONE"}) {
			e.BlockedEncryptionTypes = nil
		}
	}
	return c.withBucket(true, func(b *bucketModel) error {
		b.encryption = e
		return c.done()
	})
}

func deleteBucketEncryption(c *call) error {
	return c.withBucket(true, func(b *bucketModel) error {
		b.encryption = Encryption{Algorithm: "AES256", BlockedEncryptionTypes: b.encryption.BlockedEncryptionTypes}
		return c.noContent()
	})
}

type versioningXML struct {
	XMLName   xml.Name `xml:"VersioningConfiguration"`
	Xmlns     string   `xml:"xmlns,attr,omitempty"`
	Status    string   `xml:"Status,omitempty"`
	MFADelete string   `xml:"MfaDelete,omitempty"`
}

func getBucketVersioning(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		v := versioningXML{Xmlns: s3NS, Status: b.versioning}
		if b.versioning != "" {
			v.MFADelete = "Disabled"
			if b.mfaDelete {
				v.MFADelete = "Enabled"
			}
		}
		return c.writeXML(v)
	})
}

// putBucketVersioning changes versioning and MFA Delete. Changing MFA
// Delete takes the root user and an MFA device (x-amz-mfa), as in S3; a
// bucket with Object Lock keeps versioning on.
func putBucketVersioning(c *call) error {
	var v versioningXML
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	if v.Status != "Enabled" && v.Status != "Suspended" || v.MFADelete != "" && v.MFADelete != "Enabled" && v.MFADelete != "Disabled" {
		return malformedXML()
	}
	return c.withBucket(true, func(b *bucketModel) error {
		mfa := v.MFADelete == "Enabled"
		if v.MFADelete != "" && mfa != b.mfaDelete || b.mfaDelete && v.Status != b.versioning {
			if c.r.Header.Get("X-Amz-Mfa") == "" {
				return accessDenied("Mfa Authentication must be used for this request")
			}
			if c.caller.principal.Kind != policy.Root || c.caller.principal.Account != b.owner {
				return accessDenied("Only the bucket owner's root user can change MFA Delete")
			}
		}
		if b.objectLock && v.Status != "Enabled" {
			return errorf(http.StatusConflict, "InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
		}
		b.versioning = v.Status
		if v.MFADelete != "" {
			b.mfaDelete = mfa
		}
		return c.done()
	})
}

type loggingXML struct {
	XMLName xml.Name `xml:"BucketLoggingStatus"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Enabled *struct {
		TargetBucket string `xml:"TargetBucket"`
		TargetPrefix string `xml:"TargetPrefix"`
	} `xml:"LoggingEnabled"`
}

func getBucketLogging(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		v := loggingXML{Xmlns: s3NS}
		if b.logging != nil {
			v.Enabled = &struct {
				TargetBucket string `xml:"TargetBucket"`
				TargetPrefix string `xml:"TargetPrefix"`
			}{b.logging.TargetBucket, b.logging.TargetPrefix}
		}
		return c.writeXML(v)
	})
}

func putBucketLogging(c *call) error {
	var v loggingXML
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	return c.withBucket(true, func(b *bucketModel) error {
		if v.Enabled == nil {
			b.logging = nil
			return c.done()
		}
		t := c.s.m.buckets[v.Enabled.TargetBucket]
		if t == nil {
			return errorf(http.StatusBadRequest, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist").
				with("TargetBucket", v.Enabled.TargetBucket)
		}
		if t.owner != b.owner {
			return errorf(http.StatusBadRequest, "InvalidTargetBucketForLogging", "The owner for the bucket to be logged and the target bucket must be the same.").
				with("TargetBucket", v.Enabled.TargetBucket)
		}
		b.logging = &Logging{TargetBucket: v.Enabled.TargetBucket, TargetPrefix: v.Enabled.TargetPrefix}
		return c.done()
	})
}

func getBucketTagging(c *call) error {
	return c.withBucket(false, func(b *bucketModel) error {
		if len(b.tags) == 0 {
			return errorf(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist").with("BucketName", c.bucket)
		}
		return c.writeXML(taggingDoc(b.tags))
	})
}

func putBucketTagging(c *call) error {
	tags, err := parseTagging(c.body)
	if err != nil {
		return err
	}
	if err := validateTags(tags, 50); err != nil {
		return err
	}
	return c.withBucket(true, func(b *bucketModel) error {
		b.tags = tags
		return c.noContent()
	})
}

func deleteBucketTagging(c *call) error {
	return c.withBucket(true, func(b *bucketModel) error {
		b.tags = nil
		return c.noContent()
	})
}

// setVersionHeader answers with the version ID of v, in a versioned
// bucket, as the object tagging operations do.
func (c *call) setVersionHeader(b *bucketModel, v *objectVersion) {
	if b.versioning != "" {
		c.w.Header().Set("X-Amz-Version-Id", v.id)
	}
}

func getObjectTagging(c *call) error {
	return c.withVersion(false, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		c.setVersionHeader(b, v)
		return nil, c.writeXML(taggingDoc(v.tags))
	})
}

func putObjectTagging(c *call) error {
	tags, err := parseTagging(c.body)
	if err != nil {
		return err
	}
	if err := validateTags(tags, 10); err != nil {
		return err
	}
	err = c.withVersion(true, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		c.setVersionHeader(b, v)
		next := *v
		next.tags = tags
		return &next, nil
	})
	if err != nil {
		return err
	}
	return c.done()
}

func deleteObjectTagging(c *call) error {
	err := c.withVersion(true, func(b *bucketModel, v *objectVersion) (*objectVersion, error) {
		c.setVersionHeader(b, v)
		next := *v
		next.tags = nil
		return &next, nil
	})
	if err != nil {
		return err
	}
	return c.noContent()
}
