package bench

import (
	"bytes"
	"fmt"

	minio "github.com/minio/pkg/v3/policy"
	"github.com/minio/pkg/v3/policy/condition"

	"github.com/s3vet/s3vet/policy"
)

// S3vet is an input compiled for s3vet: a policy set and its requests.
type S3vet struct {
	Set   *policy.Set
	Bench []*policy.Request
	All   []*policy.Request
}

// ParseS3vet parses the input's documents with policy.Parse.
func ParseS3vet(in *Input) ([]*policy.Policy, error) {
	typ := policy.IdentityBased
	if in.Kind == Bucket {
		typ = policy.ResourceBased
	}
	ps := make([]*policy.Policy, len(in.Docs))
	for i, doc := range in.Docs {
		p, err := policy.Parse(fmt.Sprintf("%s[%d]", in.Name, i), typ, []byte(doc))
		if err != nil {
			return nil, err
		}
		ps[i] = p
	}
	return ps, nil
}

// CompileS3vet parses the input and builds its requests for s3vet.
func CompileS3vet(in *Input) (*S3vet, error) {
	ps, err := ParseS3vet(in)
	if err != nil {
		return nil, err
	}
	c := &S3vet{Set: &policy.Set{}}
	if in.Kind == Bucket {
		c.Set.Resource = ps[0]
	} else {
		c.Set.Identity = ps
	}
	for _, list := range [][]Request{in.Bench, in.Extra} {
		for i := range list {
			r, err := S3vetRequest(&list[i])
			if err != nil {
				return nil, fmt.Errorf("%s/%s: %w", in.Name, list[i].Name, err)
			}
			if len(c.All) < len(in.Bench) {
				c.Bench = append(c.Bench, r)
			}
			c.All = append(c.All, r)
		}
	}
	return c, nil
}

// S3vetRequest converts a request for s3vet.
func S3vetRequest(r *Request) (*policy.Request, error) {
	return policy.NewRequest(r.Principal, r.Action, r.ResourceARN(), Account, policy.NewContext(r.Context))
}

// Minio is an input compiled for MinIO: either an identity policy (the
// input's policies merged) with its Args, or a bucket policy with its
// BucketPolicyArgs.
type Minio struct {
	Policy     *minio.Policy
	Args       []minio.Args // Bench requests first, then Extra
	Bucket     *minio.BucketPolicy
	BucketArgs []minio.BucketPolicyArgs
	NBench     int
}

// ParseMinio parses the input's documents with MinIO's parser:
// ParseConfig for identity policies, ParseBucketPolicyConfig for a bucket
// policy. The result is []*minio.Policy or *minio.BucketPolicy.
func ParseMinio(in *Input) (any, error) {
	if in.Kind == Bucket {
		return minio.ParseBucketPolicyConfig(bytes.NewReader([]byte(in.Docs[0])), in.Bucket)
	}
	ps := make([]*minio.Policy, len(in.Docs))
	for i, doc := range in.Docs {
		p, err := minio.ParseConfig(bytes.NewReader([]byte(doc)))
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", in.Name, i, err)
		}
		ps[i] = p
	}
	return ps, nil
}

// CompileMinio parses the input and builds its requests for MinIO. Several
// identity policies are merged into one with MergePolicies, which is what
// MinIO's IAM subsystem evaluates for a user with several policies.
func CompileMinio(in *Input) (*Minio, error) {
	parsed, err := ParseMinio(in)
	if err != nil {
		return nil, err
	}
	c := &Minio{NBench: len(in.Bench)}
	if in.Kind == Bucket {
		c.Bucket = parsed.(*minio.BucketPolicy)
	} else {
		ps := parsed.([]*minio.Policy)
		vals := make([]minio.Policy, len(ps))
		for i, p := range ps {
			vals[i] = *p
		}
		merged := minio.MergePolicies(vals...)
		c.Policy = &merged
		n := 0
		for _, p := range ps {
			n += len(p.Statements)
		}
		if len(merged.Statements) != n {
			return nil, fmt.Errorf("%s: MergePolicies dropped %d statements as duplicates", in.Name, n-len(merged.Statements))
		}
	}
	for _, r := range in.Requests() {
		cv := MinioConditionValues(r.Context)
		if in.Kind == Bucket {
			// MinIO matches a bucket policy's Principal {"AWS": [...]}
			// against the account name by wildcard; the inputs write
			// principals as full ARNs, so the ARN is the account name. An
			// anonymous request has an empty account name.
			account := r.Principal
			if account == "anonymous" {
				account = ""
			}
			c.BucketArgs = append(c.BucketArgs, minio.BucketPolicyArgs{
				AccountName:     account,
				Action:          minio.Action(r.Action),
				BucketName:      r.Bucket,
				ObjectName:      r.Key,
				ConditionValues: cv,
			})
		} else {
			c.Args = append(c.Args, minio.Args{
				AccountName:     r.Principal,
				Action:          minio.Action(r.Action),
				BucketName:      r.Bucket,
				ObjectName:      r.Key,
				ConditionValues: cv,
			})
		}
	}
	return c, nil
}

// MinioConditionValues renames condition keys as MinIO's request context
// spells them: "aws:SourceIp" is "SourceIp", "s3:prefix" is "prefix".
func MinioConditionValues(ctx map[string][]string) map[string][]string {
	m := make(map[string][]string, len(ctx))
	for k, v := range ctx {
		m[condition.KeyName(k).Name()] = v
	}
	return m
}

// IsAllowed answers the i-th request (Bench first, then Extra).
func (c *Minio) IsAllowed(i int) bool {
	if c.Bucket != nil {
		return c.Bucket.IsAllowed(c.BucketArgs[i])
	}
	return c.Policy.IsAllowed(c.Args[i])
}
