package access

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

// An AccessPoint is the S3 access point a request is made through (S3
// User Guide, "Managing access to shared datasets with access points"): a
// named way into a bucket, with its own policy, Block Public Access
// settings and network origin. "For an application or user to be able to
// access objects through an access point, both the access point and the
// underlying bucket must permit the request" (S3 User Guide, "Configuring
// IAM policies for using access points").
type AccessPoint struct {
	// ARN is the access point's ARN,
	// arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME; its account owns
	// the access point, which may differ from the bucket's owner.
	ARN string `json:"arn"`
	// Bucket is the bucket the access point is for; its owner is the
	// state's BucketOwner.
	Bucket string `json:"bucket"`
	// PublicAccessBlock is the access point's own Block Public Access
	// configuration; nil for all four settings on, as a new access point
	// has them.
	PublicAccessBlock *PublicAccessBlock `json:"publicAccessBlock,omitempty"`
	// NetworkOrigin is "Internet" (the default) or "VPC": "Amazon S3
	// rejects any request made to the access point that doesn't originate
	// from that VPC" (S3 User Guide, "Creating access points restricted to
	// a virtual private cloud").
	NetworkOrigin string `json:"networkOrigin,omitempty"`
	// VPC is the VPC ID of an access point of network origin VPC.
	VPC string `json:"vpcId,omitempty"`
	// Policy is the access point policy, nil for none. It is not read
	// from JSON: a scenario gives it as accessPointPolicy.
	Policy *policy.Policy `json:"-"`
}

// The network origins of an access point.
const (
	OriginInternet = "Internet"
	OriginVPC      = "VPC"
)

// allBlocked is the Block Public Access configuration of a new access
// point.
var allBlocked = PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

// publicAccessBlock returns the access point's own Block Public Access
// configuration.
func (ap *AccessPoint) publicAccessBlock() PublicAccessBlock {
	if ap.PublicAccessBlock == nil {
		return allBlocked
	}
	return *ap.PublicAccessBlock
}

// union returns the configuration with each setting on that is on in b or
// in o (nil for none).
func (b PublicAccessBlock) union(o *PublicAccessBlock) PublicAccessBlock {
	if o != nil {
		b.BlockPublicAcls = b.BlockPublicAcls || o.BlockPublicAcls
		b.IgnorePublicAcls = b.IgnorePublicAcls || o.IgnorePublicAcls
		b.BlockPublicPolicy = b.BlockPublicPolicy || o.BlockPublicPolicy
		b.RestrictPublicBuckets = b.RestrictPublicBuckets || o.RestrictPublicBuckets
	}
	return b
}

// origin returns the access point's network origin.
func (ap *AccessPoint) origin() string {
	if ap.NetworkOrigin == "" {
		return OriginInternet
	}
	return ap.NetworkOrigin
}

// account returns the account of the access point's ARN.
func (ap *AccessPoint) account() string {
	_, account, _, _, _ := ParseAccessPointARN(ap.ARN)
	return account
}

// validate reports what is malformed in the access point.
func (ap *AccessPoint) validate() error {
	var errs []error
	if _, _, _, key, err := ParseAccessPointARN(ap.ARN); err != nil || key != "" {
		if err == nil {
			err = errors.New("the ARN of an object, not of an access point")
		}
		errs = append(errs, fmt.Errorf("accessPoint.arn: %w", err))
	}
	if ap.Bucket == "" {
		errs = append(errs, errors.New("accessPoint.bucket: missing"))
	}
	if region, _, _, _, err := ParseAccessPointARN(ap.ARN); err == nil && region == "" && ap.origin() != OriginInternet {
		errs = append(errs, errors.New("accessPoint.networkOrigin: a Multi-Region Access Point has none but Internet"))
	}
	switch ap.origin() {
	case OriginInternet:
		if ap.VPC != "" {
			errs = append(errs, errors.New("accessPoint.vpcId: only an access point of network origin VPC has one"))
		}
	case OriginVPC:
		if ap.VPC == "" {
			errs = append(errs, errors.New("accessPoint.vpcId: missing for network origin VPC"))
		}
	default:
		errs = append(errs, fmt.Errorf("accessPoint.networkOrigin: %q is not Internet or VPC", ap.NetworkOrigin))
	}
	return errors.Join(errs...)
}

// ParseAccessPointARN splits an access point ARN, or the ARN of an object
// through an access point (…:accesspoint/NAME/object/KEY), into its
// region, account, name and object key ("" for the access point itself).
// The ARN formats are those of the S3 User Guide, "Referencing access
// points" ("arn:aws:s3:region:account-id:accesspoint/access-point-name",
// ".../object/resource"), and, with an empty region, of a Multi-Region
// Access Point, whose name is its alias ("Making requests through a
// Multi-Region Access Point":
// "arn:aws:s3::account-id:accesspoint/MultiRegionAccessPoint_alias", such
// as mfzwi23gnjvgw.mrap).
func ParseAccessPointARN(arn string) (region, account, name, key string, err error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] != "s3" {
		return "", "", "", "", fmt.Errorf("%q is not an S3 access point ARN (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME)", arn)
	}
	region, account = parts[3], parts[4]
	rest, ok := strings.CutPrefix(parts[5], "accesspoint/")
	if !ok || !policy.IsAccountID(account) {
		return "", "", "", "", fmt.Errorf("%q is not an S3 access point ARN (arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME)", arn)
	}
	name, obj, hasObj := strings.Cut(rest, "/")
	if hasObj {
		if key, ok = strings.CutPrefix(obj, "object/"); !ok || key == "" {
			return "", "", "", "", fmt.Errorf("%q: an object through an access point is accesspoint/NAME/object/KEY", arn)
		}
	}
	if name == "" {
		return "", "", "", "", fmt.Errorf("%q names no access point", arn)
	}
	if region == "" && !IsMultiRegionAlias(name) {
		return "", "", "", "", fmt.Errorf("%q has no Region, as only a Multi-Region Access Point's ARN has, but %q is not a Multi-Region Access Point alias (such as mfzwi23gnjvgw.mrap)", arn, name)
	}
	return region, account, name, key, nil
}

// IsMultiRegionAlias reports whether name is of the form of a Multi-Region
// Access Point's alias: lower-case letters and digits followed by ".mrap",
// as in the S3 User Guide's mfzwi23gnjvgw.mrap.
func IsMultiRegionAlias(name string) bool {
	id, ok := strings.CutSuffix(name, ".mrap")
	if !ok || id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// throughAccessPoint decides a request made through the state's access
// point, whose resource is the access point's ARN (or an object's through
// it): the access point must permit it, as a resource of the access
// point's account with its policy, and then the bucket, as the same
// request on the bucket's ARN with its policy and ACLs; each with the
// condition keys of a request through an access point
// (s3:DataAccessPointArn, s3:DataAccessPointAccount,
// s3:AccessPointNetworkOrigin).
func throughAccessPoint(c *Cache, set *policy.Set, req Request, state *State) (Decision, error) {
	ap := state.AccessPoint
	if err := ap.validate(); err != nil {
		return Decision{}, &StateError{err}
	}
	_, _, _, key, err := ParseAccessPointARN(req.Resource)
	if err != nil {
		return Decision{}, err
	}
	if !strings.HasPrefix(req.Resource, ap.ARN) || len(req.Resource) > len(ap.ARN) && req.Resource[len(ap.ARN)] != '/' {
		return Decision{}, fmt.Errorf("resource %q is not of the state's access point %s", req.Resource, ap.ARN)
	}
	ctx := req.Context.Clone()
	ctx.Set("s3:DataAccessPointArn", ap.ARN)
	ctx.Set("s3:DataAccessPointAccount", ap.account())
	ctx.Set("s3:AccessPointNetworkOrigin", ap.origin())
	note := "through access point " + ap.ARN

	if ap.origin() == OriginVPC {
		if vpc := ctx.Get("aws:SourceVpc"); len(vpc) != 1 || vpc[0] != ap.VPC {
			// S3 words it as a deny of the access point's, a
			// resource-based policy (FSx for ONTAP User Guide,
			// "Configuring network access for Amazon S3 access points").
			return Decision{
				Explanation: policy.Explanation{Result: policy.Result{Decision: policy.ExplicitDeny, Type: policy.ResourceBased, Statement: -1}},
				Note:        note + ", whose network origin admits only requests from " + ap.VPC,
			}, nil
		}
	}

	// The access point's side: its policy, its Block Public Access and
	// the account's.
	apReq := *req.Request
	apReq.ResourceAccount, apReq.Context = ap.account(), ctx
	apSet := *set
	apSet.Resource, apSet.ResourceDeniesOnly, apSet.ACLs = ap.Policy, false, nil
	// "For any request made through an access point, Amazon S3 evaluates
	// the block public access settings for that access point, the
	// underlying bucket, and the bucket owner's account. If any of these
	// settings indicate that the request should be blocked, Amazon S3
	// rejects the request" (S3 User Guide, "Managing public access to
	// access points").
	bpa := ap.publicAccessBlock().union(state.BucketPublicAccessBlock).union(state.AccountPublicAccessBlock)
	p := &apReq.Principal
	restricted := bpa.RestrictPublicBuckets && ap.Policy != nil && p.Kind != policy.Service && p.Account != ap.account() &&
		public.IsPublicAccessPoint(ap.Policy, ap.origin() == OriginVPC)
	if restricted {
		apSet.ResourceDeniesOnly = true
	}
	d := Decision{Explanation: apSet.Explain(&apReq), Note: note}
	if d.Decision != policy.Allowed {
		if restricted {
			open := apSet
			open.ResourceDeniesOnly = false
			if open.Evaluate(&apReq).Decision == policy.Allowed {
				d.Setting, d.Type = "RestrictPublicBuckets", policy.BlockPublicAccess
			}
		}
		d.Note += ": the access point does not permit it"
		return d, nil
	}

	// The bucket's side.
	bucketReq := *req.Request
	bucketReq.Resource = "arn:" + partition(req.Resource) + ":s3:::" + ap.Bucket
	if key != "" {
		bucketReq.Resource += "/" + key
	}
	bucketReq.Context = ctx
	// The access point's settings pass through to the bucket: "requests
	// made through the access point behave as though the underlying bucket
	// has this setting enabled" (same page).
	inner := *state
	inner.AccessPoint = nil
	bucketBPA := ap.publicAccessBlock().union(state.BucketPublicAccessBlock)
	inner.BucketPublicAccessBlock = &bucketBPA
	bucketSet := set
	if owner := cmp.Or(state.BucketOwner, req.ResourceAccount); p.Account != owner {
		// The caller's own account has permitted the request, on the
		// access point: what is left is whether the bucket's owner
		// permits it, through its bucket policy and ACLs. Its denies, and
		// those of the caller's policies, still apply.
		s := *set
		s.Identity = append(slices.Clip(set.Identity), callerPermitted)
		s.Boundary, s.Session = nil, nil
		bucketSet = &s
	}
	bd, err := decide(c, bucketSet, Request{Request: &bucketReq, NewACL: req.NewACL, NewPolicy: req.NewPolicy}, &inner)
	if err != nil {
		return Decision{}, err
	}
	if bd.Decision != policy.Allowed {
		bd.Note = strings.TrimSuffix(note+": the bucket does not permit it (a bucket policy may delegate to access points with s3:DataAccessPointAccount or s3:DataAccessPointArn); "+bd.Note, "; ")
		return bd, nil
	}
	// Permitted by both: said as the access point's side permitted it.
	d.Note = strings.TrimSuffix(note+"; "+bd.Note, "; ")
	return d, nil
}

// callerPermitted stands, on the bucket's side of a request through an
// access point of another account than the bucket's, for the permission
// the caller's account gave on the access point.
var callerPermitted = policy.MustParse("the caller's permission, decided on the access point", policy.IdentityBased,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// partition returns the partition of an ARN.
func partition(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 {
		return "aws"
	}
	return parts[1]
}
