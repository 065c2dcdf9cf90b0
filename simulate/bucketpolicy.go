package simulate

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"path"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
	"github.com/s3vet/s3vet/policy/public"
)

func malformedPolicy(msg string) *s3Error {
	return errorf(http.StatusBadRequest, "MalformedPolicy", msg)
}

// parseBucketPolicy validates a bucket policy as S3 does, with S3's
// MalformedPolicy messages: valid JSON, the policy grammar, at most 20 KB,
// resources in the bucket, and actions that apply to the statement's
// resources.
func parseBucketPolicy(bucket string, body []byte) (*policy.Policy, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	if len(body) > maxPolicySize {
		return nil, malformedPolicy("Policy exceeds the maximum allowed document size.")
	}
	p, err := policy.Parse("bucket policy of "+bucket, policy.ResourceBased, body)
	if err != nil {
		return nil, malformedPolicy(policyMessage(err))
	}
	arn := "arn:aws:s3:::" + bucket
	for _, st := range p.Statements {
		if st.NotResource {
			continue
		}
		for _, r := range st.Resource {
			if !inBucket(r, arn) {
				return nil, malformedPolicy("Policy has invalid resource")
			}
		}
		if st.NotAction {
			continue
		}
		for _, a := range st.Action {
			if _, known := catalog.Lookup(a); !known && strings.HasPrefix(strings.ToLower(a), "s3:") && !strings.ContainsAny(a, "*?") {
				return nil, malformedPolicy("Policy has invalid action")
			}
			if !appliesToAny(a, st.Resource) {
				return nil, malformedPolicy("Action does not apply to any resource(s) in statement")
			}
		}
	}
	return p, nil
}

// policyMessage is S3's message for a policy the grammar refuses.
func policyMessage(err error) string {
	var se *policy.SyntaxError
	if !errors.As(err, &se) {
		return "Invalid policy syntax."
	}
	switch se.Element {
	case "Action", "NotAction":
		return "Policy has invalid action"
	case "Resource", "NotResource":
		return "Policy has invalid resource"
	case "Principal", "NotPrincipal":
		if strings.Contains(se.Err.Error(), "missing") {
			return "Missing required field Principal"
		}
		return "Invalid principal in policy"
	case "Condition":
		return "Policy has an invalid condition key"
	case "Statement":
		return "Missing required field Statement"
	case "":
		if se.Statement < 0 {
			return "This policy contains invalid Json"
		}
	}
	return "Invalid policy syntax."
}

// inBucket reports whether a Resource of a bucket policy is the bucket or
// in it, or a pattern that can match them.
func inBucket(resource, bucketARN string) bool {
	if resource == "*" || resource == bucketARN || strings.HasPrefix(resource, bucketARN+"/") {
		return true
	}
	for _, s := range []string{bucketARN, bucketARN + "/x"} {
		if ok, _ := path.Match(strings.ReplaceAll(resource, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00")); ok {
			return true
		}
	}
	return false
}

// appliesToAny reports whether an action can apply to one of the
// resources: an object action to an object ARN, a bucket action to the
// bucket's. Patterns and actions the catalog lacks are given the benefit
// of the doubt.
func appliesToAny(action string, resources []string) bool {
	a, ok := catalog.Lookup(action)
	if !ok || strings.ContainsAny(action, "*?") {
		return true
	}
	for _, r := range resources {
		object := strings.Contains(strings.TrimPrefix(r, "arn:aws:s3:::"), "/")
		wild := r == "*" || strings.ContainsAny(strings.TrimPrefix(r, "arn:aws:s3:::"), "*?")
		for _, rt := range a.Resources {
			if wild || rt.Type == "object" && object || rt.Type == "bucket" && !object {
				return true
			}
		}
	}
	return false
}

// sameAccountOnly refuses the bucket policy operations to callers outside
// the bucket owner's account, who get 405 even when a policy allows them
// (S3 API Reference, PutBucketPolicy).
func (c *call) sameAccountOnly(owner string) error {
	if c.caller.principal.Account != owner {
		return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
	return nil
}

func getBucketPolicy(c *call) error {
	var owner string
	var doc []byte
	if err := c.withBucket(false, func(b *bucketModel) error {
		owner, doc = b.owner, b.policyDoc
		return nil
	}); err != nil {
		return err
	}
	if err := c.sameAccountOnly(owner); err != nil {
		return err
	}
	if doc == nil {
		return noSuchBucketPolicy(c.bucket)
	}
	c.writeBody("application/json", doc)
	return nil
}

func noSuchBucketPolicy(bucket string) *s3Error {
	return errorf(http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist").with("BucketName", bucket)
}

func putBucketPolicy(c *call) error {
	p, ok := c.parsed.(*policy.Policy)
	if !ok {
		var err error
		if p, err = parseBucketPolicy(c.bucket, c.body); err != nil {
			return err
		}
	}
	return c.setBucketPolicy(p, bytes.Clone(c.body))
}

func deleteBucketPolicy(c *call) error {
	return c.setBucketPolicy(nil, nil)
}

// setBucketPolicy sets the bucket's policy, or deletes it if p is nil, for
// a caller of the bucket owner's account.
func (c *call) setBucketPolicy(p *policy.Policy, doc []byte) error {
	return c.withBucket(true, func(b *bucketModel) error {
		if err := c.sameAccountOnly(b.owner); err != nil {
			return err
		}
		b.policy, b.policyDoc = p, doc
		return c.noContent()
	})
}

func getBucketPolicyStatus(c *call) error {
	var p *policy.Policy
	if err := c.withBucket(false, func(b *bucketModel) error {
		p = b.policy
		return nil
	}); err != nil {
		return err
	}
	if p == nil {
		return noSuchBucketPolicy(c.bucket)
	}
	type status struct {
		XMLName  xml.Name `xml:"PolicyStatus"`
		Xmlns    string   `xml:"xmlns,attr"`
		IsPublic bool
	}
	return c.writeXML(status{Xmlns: s3NS, IsPublic: public.IsPublic(p)})
}
