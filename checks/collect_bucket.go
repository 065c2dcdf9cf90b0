package checks

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/s3vet/s3vet/policy/access"
)

// bucketReader reads one bucket, following it to its Region.
type bucketReader struct {
	c   *collector
	ctx context.Context
	b   *Bucket
	cl  Clients
	// moved is set once the bucket has been followed to another Region.
	moved bool
}

// read makes one call through the clients. A "not found" answer
// (notFound) leaves the configuration unset; a region redirect is followed
// once; any other error is recorded.
func (r *bucketReader) read(call, notFound string, fn func(cl *Clients) error) {
	err := fn(&r.cl)
	if err == nil || notFound != "" && errorCode(err) == notFound {
		return
	}
	if classify(errorCode(err)) == kindRedirect && !r.moved && r.c.opts.Regional != nil {
		if region := r.relocate(err); region != "" {
			r.moved = true
			r.b.Region = region
			r.cl = r.c.clientsFor(region)
			if err = fn(&r.cl); err == nil || notFound != "" && errorCode(err) == notFound {
				return
			}
		}
	}
	if err == errNoClient {
		r.b.Errors = append(r.b.Errors, ReadError{Call: call, Message: err.Error()})
		return
	}
	r.b.Errors = append(r.b.Errors, readError(call, err))
}

// relocate finds the bucket's Region after a redirect: from the response's
// x-amz-bucket-region header, else from GetBucketLocation, else from
// HeadBucket.
func (r *bucketReader) relocate(redirect error) string {
	if region := regionHint(redirect); region != "" {
		return region
	}
	loc := r.c.base.Location
	if loc == nil {
		return ""
	}
	name := aws.String(r.b.Name)
	if out, err := loc.GetBucketLocation(r.ctx, &s3.GetBucketLocationInput{Bucket: name}); err == nil {
		return locationRegion(out)
	}
	out, err := loc.HeadBucket(r.ctx, &s3.HeadBucketInput{Bucket: name})
	if err != nil {
		return regionHint(err)
	}
	return aws.ToString(out.BucketRegion)
}

// bucket reads one bucket's configuration.
func (c *collector) bucket(ctx context.Context, name, region string) Bucket {
	b := Bucket{Name: name, Region: region}
	r := &bucketReader{c: c, ctx: ctx, b: &b, cl: c.base}
	in := aws.String(name)
	if b.Region == "" {
		r.read("GetBucketLocation", "", func(cl *Clients) error {
			if cl.Location == nil {
				return errNoClient
			}
			out, err := cl.Location.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: in})
			if err == nil {
				b.Region = locationRegion(out)
			}
			return err
		})
	}
	if b.Region != "" {
		r.cl = c.clientsFor(b.Region)
	}
	r.read("GetBucketPolicy", "NoSuchBucketPolicy", func(cl *Clients) error {
		if cl.Policy == nil {
			return errNoClient
		}
		out, err := cl.Policy.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in})
		if err == nil {
			b.Policy = aws.ToString(out.Policy)
		}
		return err
	})
	r.read("GetBucketPolicyStatus", "NoSuchBucketPolicy", func(cl *Clients) error {
		if cl.Policy == nil {
			return errNoClient
		}
		out, err := cl.Policy.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: in})
		if err == nil && out.PolicyStatus != nil {
			b.PolicyStatus = &PolicyStatus{IsPublic: aws.ToBool(out.PolicyStatus.IsPublic)}
		}
		return err
	})
	r.readAccess(in)
	r.readData(in)
	return b
}

// readAccess reads the ACL, Object Ownership and Block Public Access.
func (r *bucketReader) readAccess(in *string) {
	ctx, b := r.ctx, r.b
	r.read("GetBucketAcl", "", func(cl *Clients) error {
		if cl.ACL == nil {
			return errNoClient
		}
		out, err := cl.ACL.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: in})
		if err == nil {
			b.ACL = convertACL(out)
		}
		return err
	})
	r.read("GetBucketOwnershipControls", "OwnershipControlsNotFoundError", func(cl *Clients) error {
		if cl.ACL == nil {
			return errNoClient
		}
		out, err := cl.ACL.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: in})
		if err == nil && out.OwnershipControls != nil && len(out.OwnershipControls.Rules) > 0 {
			b.ObjectOwnership = string(out.OwnershipControls.Rules[0].ObjectOwnership)
		}
		return err
	})
	r.read("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration", func(cl *Clients) error {
		if cl.PublicAccessBlock == nil {
			return errNoClient
		}
		out, err := cl.PublicAccessBlock.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: in})
		if err == nil && out.PublicAccessBlockConfiguration != nil {
			p := out.PublicAccessBlockConfiguration
			b.PublicAccessBlock = &PublicAccessBlock{
				BlockPublicAcls: aws.ToBool(p.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(p.IgnorePublicAcls),
				BlockPublicPolicy: aws.ToBool(p.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets),
			}
		}
		return err
	})
}

// convertACL writes S3's grants the way package access reads them.
func convertACL(out *s3.GetBucketAclOutput) *ACL {
	acl := &ACL{}
	if out.Owner != nil {
		acl.Owner = aws.ToString(out.Owner.ID)
	}
	for _, g := range out.Grants {
		if g.Grantee == nil {
			continue
		}
		var who string
		switch ge := g.Grantee; ge.Type {
		case types.TypeGroup:
			who = aws.ToString(ge.URI)
			for _, group := range []string{access.AllUsers, access.AuthenticatedUsers, access.LogDelivery} {
				if strings.HasSuffix(who, "/"+group) {
					who = group
				}
			}
		case types.TypeAmazonCustomerByEmail:
			who = aws.ToString(ge.EmailAddress)
		default:
			who = aws.ToString(ge.ID)
		}
		acl.Grants = append(acl.Grants, access.Grant{Grantee: who, Permission: string(g.Permission)})
	}
	return acl
}
