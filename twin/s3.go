package twin

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/simulate"
)

// KeyReader reads a KMS key's metadata and policy.
type KeyReader interface {
	DescribeKey(ctx context.Context, in *kms.DescribeKeyInput, opts ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyPolicy(ctx context.Context, in *kms.GetKeyPolicyInput, opts ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

var _ KeyReader = (*kms.Client)(nil)

func pab(p *checks.PublicAccessBlock) *access.PublicAccessBlock {
	if p == nil {
		return nil
	}
	return &access.PublicAccessBlock{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
		BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
}

// accountOf turns the S3 snapshot into the world's account: its Block
// Public Access, buckets and access points. A read error of the snapshot
// goes into the report.
func accountOf(s *checks.Snapshot, rep *report) *simulate.Account {
	a := &simulate.Account{ID: s.Account.ID, PublicAccessBlock: pab(s.Account.PublicAccessBlock)}
	for _, e := range s.Account.Errors {
		rep.note(Unread{Call: "s3:" + e.Call, Code: e.Code, Message: e.Message})
	}
	for i := range s.Buckets {
		b := &s.Buckets[i]
		for _, e := range b.Errors {
			rep.note(Unread{Call: "s3:" + e.Call, Target: b.Name, Code: e.Code, Message: e.Message})
		}
		wb := &simulate.Bucket{Name: b.Name, ObjectOwnership: b.ObjectOwnership, PublicAccessBlock: pab(b.PublicAccessBlock),
			Versioning: b.Versioning.Status, MFADelete: b.Versioning.MFADelete == "Enabled", Tags: b.Tags}
		if b.Policy != "" {
			wb.Policy = json.RawMessage(b.Policy)
		}
		if b.ACL != nil {
			if a.CanonicalID == "" {
				a.CanonicalID = b.ACL.Owner
			}
			for _, g := range b.ACL.Grants {
				// The world leaves the owner's FULL_CONTROL implied.
				if g.Grantee == b.ACL.Owner && g.Permission == "FULL_CONTROL" {
					continue
				}
				wb.ACL = append(wb.ACL, g)
			}
		}
		if e := b.Encryption; e != nil {
			wb.Encryption = &simulate.Encryption{Algorithm: e.Algorithm, KMSKeyID: e.KMSKeyID, BucketKey: e.BucketKey,
				BlockedEncryptionTypes: e.BlockedEncryptionTypes}
		}
		if l := b.Logging; l != nil {
			wb.Logging = &simulate.Logging{TargetBucket: l.TargetBucket, TargetPrefix: l.TargetPrefix}
		}
		a.Buckets = append(a.Buckets, wb)
	}
	// By name, as ListBuckets lists them.
	slices.SortFunc(a.Buckets, func(x, y *simulate.Bucket) int { return strings.Compare(x.Name, y.Name) })
	for _, ap := range s.Account.AccessPoints {
		for _, e := range ap.Errors {
			rep.note(Unread{Call: "s3control:" + e.Call, Target: ap.Name, Code: e.Code, Message: e.Message})
		}
		wap := simulate.AccessPoint{Name: ap.Name, Bucket: ap.Bucket, VPCID: ap.VPCID}
		if ap.BucketAccountID != s.Account.ID {
			wap.BucketAccountID = ap.BucketAccountID
		}
		if !ap.PublicAccessBlock.All() && ap.PublicAccessBlock != nil {
			wap.PublicAccessBlock = pab(ap.PublicAccessBlock)
		}
		if ap.Policy != "" {
			wap.Policy = json.RawMessage(ap.Policy)
		}
		a.AccessPoints = append(a.AccessPoints, wap)
	}
	return a
}

// collectKeys reads the customer managed keys of the account that the
// buckets' default encryption names, at most n at once, in the order the
// buckets name them. AWS managed keys (aws/s3) are not written: the
// simulator has its own. A key of another account is reported.
func collectKeys(ctx context.Context, c KeyReader, s *checks.Snapshot, n int, rep *report) []simulate.KMSKey {
	var refs []string
	for _, b := range s.Buckets {
		if e := b.Encryption; e != nil && strings.HasPrefix(e.Algorithm, "aws:kms") && e.KMSKeyID != "" && !slices.Contains(refs, e.KMSKeyID) {
			refs = append(refs, e.KMSKeyID)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	if c == nil {
		rep.note(Unread{Call: "kms:GetKeyPolicy", Message: "no KMS client was given: the buckets' keys are left out"})
		return nil
	}
	keys := make([]*simulate.KMSKey, len(refs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, n)
	for i, ref := range refs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			keys[i] = readKey(ctx, c, s.Account.ID, ref, rep)
		})
	}
	wg.Wait()
	// One key may be named in several ways: keep it once, with an alias if
	// any reference was one.
	var out []simulate.KMSKey
	for _, k := range keys {
		if k == nil {
			continue
		}
		j := slices.IndexFunc(out, func(o simulate.KMSKey) bool { return o.ID == k.ID })
		switch {
		case j < 0:
			out = append(out, *k)
		case out[j].Alias == "":
			out[j].Alias = k.Alias
		}
	}
	return out
}

func readKey(ctx context.Context, c KeyReader, account, ref string, rep *report) *simulate.KMSKey {
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
	if err != nil {
		rep.add("kms:DescribeKey", ref, err)
		return nil
	}
	md := d.KeyMetadata
	if md.KeyManager == kmstypes.KeyManagerTypeAws {
		return nil
	}
	if aws.ToString(md.AWSAccountId) != account {
		rep.add("kms:GetKeyPolicy", ref, errors.New("the key is another account's: its policy is left out"))
		return nil
	}
	p, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: md.KeyId, PolicyName: aws.String("default")})
	if err != nil {
		rep.add("kms:GetKeyPolicy", ref, err)
		return nil
	}
	k := &simulate.KMSKey{ID: aws.ToString(md.KeyId), Policy: json.RawMessage(aws.ToString(p.Policy))}
	if i := strings.Index(ref, "alias/"); i >= 0 {
		k.Alias = ref[i:]
	}
	return k
}

// FromSnapshot is the world of an S3 snapshot alone (checks.Collect's, or
// s3vet scan --save's): the account with its Block Public Access, buckets
// and access points, and no IAM, organization or keys. Who-can on it
// answers for what the buckets' own side grants (the account's root, the
// outside accounts its policies and ACLs name, anyone, anonymous), which
// is what access-diff of two snapshots compares. The snapshot's read
// errors are in the Report. The world has one Region, the first bucket's.
func FromSnapshot(s *checks.Snapshot) (*simulate.World, *Report) {
	var rep report
	w := &simulate.World{Accounts: []*simulate.Account{accountOf(s, &rep)}}
	// The world has one Region: that of the buckets, the first one's.
	if len(s.Buckets) > 0 {
		w.Region = s.Buckets[0].Region
	}
	return w, &rep.r
}
