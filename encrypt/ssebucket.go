package encrypt

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// DefaultEncryption returns the bucket default encryption, for
// PutBucketEncryption, that applies s to new objects: SSE-S3, SSE-KMS (its
// key, if named, and Bucket Key setting) or DSSE-KMS. A default cannot be
// SSE-C or carry an encryption context.
//
// blockSSEC sets BlockedEncryptionTypes: SSE-C, so that S3 refuses uploads
// with customer-provided keys (the setting of new general purpose buckets
// since April 2026), or NONE, which allows them explicitly.
func DefaultEncryption(s SSE, blockSSEC bool) (*types.ServerSideEncryptionConfiguration, error) {
	if s.alg == "" {
		return nil, fmt.Errorf("encrypt: %v cannot be a bucket's default encryption", s)
	}
	if s.context != "" {
		return nil, errors.New("encrypt: a bucket's default encryption has no encryption context")
	}
	blocked := types.EncryptionTypeNone
	if blockSSEC {
		blocked = types.EncryptionTypeSseC
	}
	return &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{
			SSEAlgorithm:   s.alg,
			KMSMasterKeyID: s.kmsKey(),
		},
		BucketKeyEnabled:       s.bucketKey,
		BlockedEncryptionTypes: &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{blocked}},
	}}}, nil
}

// Enforcement describes the bucket policy statements that enforce a
// bucket's encryption, for EnforcementPolicy.
type Enforcement struct {
	// Bucket is the bucket's name; Partition its ARN partition ("aws" if
	// empty).
	Bucket    string
	Partition string
	// SSE is the encryption uploads (PutObject, CopyObject, multipart
	// uploads, all authorized as s3:PutObject) must ask for. For SSE-KMS
	// and DSSE-KMS with a key ARN, that key too: S3's condition key holds
	// the key ARN as the request names it. SSE-C requires a
	// customer-provided key. The zero SSE requires nothing.
	SSE SSE
	// RequireHeader denies uploads that do not name the encryption (or
	// the key) in the request, instead of letting the bucket's default
	// encryption apply to them.
	RequireHeader bool
	// DenySSEC denies uploads with a customer-provided key.
	DenySSEC bool
	// DenyHTTP denies every request to the bucket and its objects that
	// does not use TLS (aws:SecureTransport).
	DenyHTTP bool
}

type statement struct {
	Sid       string                       `json:"Sid"`
	Effect    string                       `json:"Effect"`
	Principal string                       `json:"Principal"`
	Action    string                       `json:"Action"`
	Resource  any                          `json:"Resource"`
	Condition map[string]map[string]string `json:"Condition"`
}

// Statements returns the Deny statements, each a JSON object, to add to
// a bucket policy. Their Sids: DenyInsecureTransport, DenyUnencryptedUploads
// (or DenyUploadsWithoutSSEC), DenyOtherKMSKey, DenySSEC.
func (e Enforcement) Statements() ([]json.RawMessage, error) {
	if e.Bucket == "" || strings.ContainsAny(e.Bucket, "*?/") {
		return nil, fmt.Errorf("encrypt: bucket name %q", e.Bucket)
	}
	part := e.Partition
	if part == "" {
		part = "aws"
	}
	bucket := "arn:" + part + ":s3:::" + e.Bucket
	objects := bucket + "/*"
	deny := func(sid string, resource any, action, op, key, value string) statement {
		return statement{Sid: sid, Effect: "Deny", Principal: "*", Action: action, Resource: resource,
			Condition: map[string]map[string]string{op: {key: value}}}
	}
	// StringNotEquals also matches when the key is absent (so does
	// ...IfExists). Without RequireHeader, Null false limits the denial to
	// requests that choose an encryption themselves: those without the
	// header get the bucket's default.
	notEquals := func(sid, key, value string) statement {
		st := deny(sid, objects, "s3:PutObject", "StringNotEquals", key, value)
		if !e.RequireHeader {
			st.Condition["Null"] = map[string]string{"s3:x-amz-server-side-encryption": "false"}
		}
		return st
	}
	var sts []statement
	if e.DenyHTTP {
		sts = append(sts, deny("DenyInsecureTransport", []string{bucket, objects}, "s3:*", "Bool", "aws:SecureTransport", "false"))
	}
	switch {
	case e.SSE.IsSSEC():
		if e.DenySSEC {
			return nil, errors.New("encrypt: Enforcement both requires and denies SSE-C")
		}
		sts = append(sts, deny("DenyUploadsWithoutSSEC", objects, "s3:PutObject", "Null",
			"s3:x-amz-server-side-encryption-customer-algorithm", "true"))
	case e.SSE.alg != "":
		sts = append(sts, notEquals("DenyUnencryptedUploads", "s3:x-amz-server-side-encryption", string(e.SSE.alg)))
		if e.SSE.isKMS() && e.SSE.keyID != "" {
			if !strings.HasPrefix(e.SSE.keyID, "arn:") || !strings.Contains(e.SSE.keyID, ":key/") {
				return nil, fmt.Errorf("encrypt: enforcing a KMS key needs its key ARN, not %q", e.SSE.keyID)
			}
			sts = append(sts, notEquals("DenyOtherKMSKey", "s3:x-amz-server-side-encryption-aws-kms-key-id", e.SSE.keyID))
		}
	}
	if e.DenySSEC {
		sts = append(sts, deny("DenySSEC", objects, "s3:PutObject", "Null",
			"s3:x-amz-server-side-encryption-customer-algorithm", "false"))
	}
	out := make([]json.RawMessage, len(sts))
	for i, st := range sts {
		b, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// EnforcementPolicy returns a bucket policy document holding only the
// statements of e.
func EnforcementPolicy(e Enforcement) ([]byte, error) {
	sts, err := e.Statements()
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(struct {
		Version   string            `json:"Version"`
		Statement []json.RawMessage `json:"Statement"`
	}{"2012-10-17", sts}, "", "  ")
}
