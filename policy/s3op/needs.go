package s3op

import (
	"errors"
	"strings"
)

// maxDeleteKeys is the most keys one DeleteObjects request may name.
const maxDeleteKeys = 1000

// needs appends the row's needs for the builder's request.
func (rw *row) needs(b *builder) error {
	r := b.r
	switch rw.on {
	case onService:
		b.add(rw.action, "*", "", false)
		return nil
	case onBucket:
		arn := b.arn(r.Bucket, "")
		b.add(rw.action, arn, "", false)
		if rw.adds&addACL != 0 && b.bucketACL() {
			b.add("PutBucketAcl", arn, "", false)
		}
		if rw.adds&addBucketSetup != 0 {
			if strings.EqualFold(b.header("x-amz-bucket-object-lock-enabled"), "true") {
				b.add("PutBucketObjectLockConfiguration", arn, "", false)
				b.add("PutBucketVersioning", arn, "", false)
			}
			if len(b.h["x-amz-object-ownership"]) > 0 {
				b.add("PutBucketOwnershipControls", arn, "", false)
			}
		}
		return nil
	}

	bypass := rw.adds&addBypass != 0 && strings.EqualFold(b.header("x-amz-bypass-governance-retention"), "true")
	if rw.adds&perKey != 0 {
		if len(r.Keys) == 0 {
			return errors.New("no keys to delete")
		}
		if len(r.Keys) > maxDeleteKeys {
			return errors.New("more than 1000 keys to delete")
		}
		for _, k := range r.Keys {
			if err := checkKey(k.Key); err != nil {
				return err
			}
			arn := b.arn(r.Bucket, k.Key)
			b.add(versioned(rw.action, rw.version, k.VersionID), arn, k.VersionID, false)
			if bypass {
				b.add("BypassGovernanceRetention", arn, "", false)
			}
		}
		return nil
	}

	arn := b.arn(r.Bucket, r.Key)
	copying := rw.adds&addSource != 0
	var src CopySource
	if copying {
		var err error
		if src, err = b.copySource(); err != nil {
			return err
		}
	}
	// The object's existing tags are those of the object read: the source
	// of a copy, else the object named.
	b.add(versioned(rw.action, rw.version, b.vid), arn, b.vid, !copying)
	if rw.adds&addRead != 0 {
		b.add(versioned("GetObject", "GetObjectVersion", b.vid), arn, b.vid, true)
	}
	srcARN := ""
	if copying {
		srcARN = b.arn(src.Bucket, src.Key)
		b.add(versioned("GetObject", "GetObjectVersion", src.VersionID), srcARN, src.VersionID, true)
	}
	if rw.adds&addACL != 0 && b.objectACL() {
		b.add("PutObjectAcl", arn, "", false)
	}
	if rw.adds&addTagging != 0 && b.writesTags(r.Operation == "CopyObject") {
		b.add("PutObjectTagging", arn, "", false)
	}
	if rw.adds&addLock != 0 {
		if b.header("x-amz-object-lock-mode") != "" || b.header("x-amz-object-lock-retain-until-date") != "" {
			b.add("PutObjectRetention", arn, "", false)
		}
		if b.header("x-amz-object-lock-legal-hold") != "" {
			b.add("PutObjectLegalHold", arn, "", false)
		}
	}
	if rw.adds&addAnnotations != 0 && strings.EqualFold(b.annotationDirective(), "COPY") {
		b.add("GetObjectAnnotation", srcARN, "", true)
		b.add("PutObjectAnnotation", arn, "", false)
	}
	if bypass {
		b.add("BypassGovernanceRetention", arn, "", false)
	}
	return nil
}

// versioned returns the action for a request on version vid: the version
// action if there is one and vid is set.
func versioned(action, version, vid string) string {
	if vid != "" && version != "" {
		return version
	}
	return action
}

// arn returns the ARN of a bucket, or of an object if key is set.
func (b *builder) arn(bucket, key string) string {
	s := "arn:" + b.part + ":s3:::" + bucket
	if key != "" {
		s += "/" + key
	}
	return s
}

// add appends a need: action (without "s3:") on resource, with the
// request's keys that the catalog lists for the action, s3:versionid if vid
// is set, and s3:ExistingObjectTag/<key> if existing is.
func (b *builder) add(action, resource, vid string, existing bool) {
	ks := actionKeys(action)
	// The values are copied into one array, each key's its own full
	// slice of it: as slices.Clone of each, in one allocation.
	type kept struct {
		name   string
		values []string
	}
	var buf [24]kept
	keep, n := buf[:0], 0
	for _, kv := range b.keys {
		if name, ok := ks.allow(kv.name, kv.lower); ok {
			keep = append(keep, kept{name, kv.values})
			n += len(kv.values)
		}
	}
	ctx := make(map[string][]string, len(keep)+1)
	vals := make([]string, 0, n)
	for _, k := range keep {
		start := len(vals)
		vals = append(vals, k.values...)
		ctx[k.name] = vals[start:len(vals):len(vals)]
	}
	if vid != "" {
		if name, ok := ks.allow("s3:versionid", "s3:versionid"); ok {
			ctx[name] = []string{vid}
		}
	}
	if existing {
		for k, v := range b.r.ExistingTags {
			key := "s3:ExistingObjectTag/" + k
			if name, ok := ks.allow(key, asciiLower(key)); ok {
				ctx[name] = []string{v}
			}
		}
	}
	b.out = append(b.out, Need{Action: "s3:" + action, Resource: resource, VersionID: vid, Context: ctx})
}

// aclHeaders are the headers that set an ACL.
var aclHeaders = []string{"x-amz-acl", "x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp",
	"x-amz-grant-write", "x-amz-grant-write-acp"}

// objectACL reports whether the request sets the object's ACL.
func (b *builder) objectACL() bool {
	for _, h := range aclHeaders {
		if len(b.h[h]) > 0 {
			return true
		}
	}
	return false
}

// bucketACL reports whether CreateBucket sets an ACL other than private,
// which alone needs no s3:PutBucketAcl.
func (b *builder) bucketACL() bool {
	for _, h := range aclHeaders[1:] {
		if len(b.h[h]) > 0 {
			return true
		}
	}
	acl := b.h["x-amz-acl"]
	return len(acl) > 0 && !(len(acl) == 1 && acl[0] == "private")
}

// writesTags reports whether the request writes a tag set: a non-empty one,
// or for a copy any tag set it replaces the source's with.
func (b *builder) writesTags(copy bool) bool {
	if copy {
		return strings.EqualFold(b.header("x-amz-tagging-directive"), "REPLACE")
	}
	tags, err := b.requestTags()
	return err == nil && len(tags) > 0
}

// annotationDirective returns x-amz-object-annotation-directive, from the
// header or the query.
func (b *builder) annotationDirective() string {
	if d := b.header("x-amz-object-annotation-directive"); d != "" {
		return d
	}
	return b.r.Query.Get("x-amz-object-annotation-directive")
}
