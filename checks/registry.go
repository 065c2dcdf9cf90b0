package checks

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/s3vet/s3vet/internal/suggest"
	"github.com/s3vet/s3vet/policy/catalog"
)

// A Check judges one aspect of a Snapshot. It is plain data plus pure
// functions: Account judges the account, Bucket judges one bucket,
// AccessPoint judges one access point; a check sets one or more of them.
// Each Issue they return becomes a Finding carrying the check's ID, title,
// severity, controls and documentation.
//
// The functions must not change what they are given, and must return the
// same issues for the same input: Run is pure, so checks are too.
type Check struct {
	ID       string
	Title    string
	Severity Severity
	Controls Controls
	// Doc is the AWS page that explains the check.
	Doc string
	// Why and Fix are the findings' defaults. In Fix, {bucket}, {account}
	// and {partition} stand for the bucket's name, the account ID and the
	// partition; in the findings of an access point, {accesspoint} and
	// {region} stand for its name and Region, and {bucket} for its bucket.
	Why string
	Fix string

	Account     func(s *Snapshot, p *Params) []Issue
	Bucket      func(t *Target) []Issue
	AccessPoint func(t *AccessPointTarget) []Issue
}

// An Issue is what a check found: the evidence, and where it differs from
// the check's defaults, why it matters, the fix and the severity.
type Issue struct {
	Evidence string
	Why      string
	Fix      string
	Severity Severity
}

// Options select and tune the checks of a run.
type Options struct {
	// Only runs just the checks with these IDs; empty runs them all.
	Only []string
	// Skip leaves out the checks with these IDs.
	Skip []string
	// Severity overrides the severity of every finding of a check, by ID.
	Severity map[string]Severity
	Params   Params
}

// Params are the parameters of the checks.
type Params struct {
	// TrustedAccounts are the accounts besides the bucket owner that may
	// have access: the zone of trust of the external-access and
	// least-privilege checks, and the accounts S3.6 does not count as
	// other accounts.
	TrustedAccounts []string
	// OrgID is the AWS Organizations ID (o-...) of the zone of trust.
	OrgID string
	// RequiredKMSKeys, when set, are the KMS key ARNs default encryption
	// must use (S3.17, as the Config rule's kmsKeyArns).
	RequiredKMSKeys []string
	// LifecycleExpirationDays and LifecycleTransitionDays, when set, are
	// the most days a lifecycle rule may wait to expire or to transition
	// objects (S3.13); LifecycleStorageClass, the class it must move them to.
	LifecycleExpirationDays int
	LifecycleTransitionDays int
	LifecycleStorageClass   string
	// MinTLSVersion is the TLS version the tls-minimum check requires
	// bucket policies to enforce; "1.2" when empty.
	MinTLSVersion string
	// MaxSignatureAge, when set, is the longest presigned URL lifetime the
	// presign-lifetime check accepts. When zero that check finds nothing.
	MaxSignatureAge time.Duration
	// BlacklistedActions are the actions S3.6 forbids to grant to other
	// accounts; Security Hub's five when empty. Patterns such as
	// s3:GetBucket* stand for every S3 action they match, as the Config
	// rule's blacklistedActionPatterns parameter does.
	BlacklistedActions []string
	// ObjectLockMode, when set, is the default retention mode S3.15
	// requires (GOVERNANCE or COMPLIANCE).
	ObjectLockMode string
	// NotificationEvents, when set, are the event types S3.11 requires
	// notifications for, such as "s3:ObjectRemoved:*".
	NotificationEvents []string
	// PublicBuckets are buckets meant to be public: S3.2, S3.3 and S3.8
	// skip them (S3.8's excludedPublicBuckets).
	PublicBuckets []string
	// SSECBuckets are buckets whose uploads use SSE-C: sse-c-blocked skips
	// them.
	SSECBuckets []string
	// PublicAccessPoints are the names of access points meant to be
	// public: S3.19 and access-point-public skip them (S3.19's
	// excludedAccessPoints).
	PublicAccessPoints []string
	// VPCAccessPoints are the names of the access points that must accept
	// requests only from a VPC (network origin VPC), as patterns in which
	// * matches any run of characters and ? any one: "*" requires it of
	// every access point. access-point-vpc reports those of network origin
	// Internet. When empty, that check finds nothing: an access point open
	// to the internet is not wrong in itself.
	VPCAccessPoints []string
}

// blacklisted is S3.6's blacklistedactionpatterns parameter as Security
// Hub sets it.
var blacklisted = []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutObjectAcl"}

func (p *Params) blacklistedActions() []string {
	if len(p.BlacklistedActions) > 0 {
		return p.BlacklistedActions
	}
	return blacklisted
}

// blacklistedExpanded is blacklistedActions with each pattern expanded to
// the S3 actions it matches (a name the catalog lacks is kept as it is).
func (p *Params) blacklistedExpanded() []string {
	var out []string
	for _, pat := range p.blacklistedActions() {
		n := len(out)
		for a := range catalog.Matching(pat) {
			if name := a.String(); !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
		if len(out) == n && !slices.Contains(out, pat) {
			out = append(out, pat)
		}
	}
	return out
}

func (p *Params) minTLS() string {
	if p.MinTLSVersion == "" {
		return "1.2"
	}
	return p.MinTLSVersion
}

// A Registry is a set of checks. The zero value is empty and ready to use;
// a Registry must not be changed while it runs.
type Registry struct {
	checks []Check
}

// NewRegistry returns a registry holding the built-in checks, to which a
// caller can add its own.
func NewRegistry() *Registry {
	r := &Registry{}
	for _, c := range builtin() {
		if err := r.Add(c); err != nil {
			panic(err) // a built-in check is malformed
		}
	}
	return r
}

// Add adds a check. It is an error for the ID to be empty or taken, for
// the severity to be unknown, or for the check to have no function.
func (r *Registry) Add(c Check) error {
	switch {
	case c.ID == "":
		return errors.New("checks: a check needs an ID")
	case c.Severity.Rank() < 0:
		return fmt.Errorf("checks: check %s: unknown severity %q", c.ID, c.Severity)
	case c.Account == nil && c.Bucket == nil && c.AccessPoint == nil:
		return fmt.Errorf("checks: check %s has no Account, Bucket or AccessPoint function", c.ID)
	}
	if r.check(c.ID) != nil {
		return fmt.Errorf("checks: check %s is already registered", c.ID)
	}
	r.checks = append(r.checks, c)
	return nil
}

// Checks returns the registered checks, in the order they run.
func (r *Registry) Checks() []Check { return slices.Clone(r.checks) }

func (r *Registry) check(id string) *Check {
	for i := range r.checks {
		if r.checks[i].ID == id {
			return &r.checks[i]
		}
	}
	return nil
}

// unknown returns the error for a check ID the registry does not hold,
// with the ID probably meant.
func (r *Registry) unknown(id string) error {
	ids := make([]string, len(r.checks))
	for i, c := range r.checks {
		ids[i] = c.ID
	}
	if s := suggest.Closest(id, ids); s != "" {
		return fmt.Errorf("unknown check %q; did you mean %q?", id, s)
	}
	return fmt.Errorf("unknown check %q", id)
}

// Validate reports what is wrong with o for this registry: an unknown
// check ID in Only, Skip or Severity, an unknown severity, or a malformed
// parameter. Run ignores what Validate would report.
func (r *Registry) Validate(o Options) error {
	var errs []error
	for _, list := range [][]string{o.Only, o.Skip} {
		for _, id := range list {
			if r.check(id) == nil {
				errs = append(errs, r.unknown(id))
			}
		}
	}
	for id, sev := range o.Severity {
		if r.check(id) == nil {
			errs = append(errs, r.unknown(id))
		}
		if sev.Rank() < 0 {
			errs = append(errs, fmt.Errorf("check %s: unknown severity %q", id, sev))
		}
	}
	if _, ok := parseTLSVersion(o.Params.minTLS()); !ok {
		errs = append(errs, fmt.Errorf("MinTLSVersion %q is not a version such as 1.2", o.Params.MinTLSVersion))
	}
	switch m := o.Params.ObjectLockMode; m {
	case "", "GOVERNANCE", "COMPLIANCE":
	default:
		errs = append(errs, fmt.Errorf("ObjectLockMode %q is neither GOVERNANCE nor COMPLIANCE", m))
	}
	// Security Hub's S3.13 parameters: days from 1 to 36500, and its
	// storage classes.
	for _, d := range []struct {
		name string
		n    int
	}{{"LifecycleExpirationDays", o.Params.LifecycleExpirationDays}, {"LifecycleTransitionDays", o.Params.LifecycleTransitionDays}} {
		if d.n < 0 || d.n > 36500 {
			errs = append(errs, fmt.Errorf("%s %d is not from 1 to 36500", d.name, d.n))
		}
	}
	switch c := o.Params.LifecycleStorageClass; c {
	case "", "STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE":
	default:
		errs = append(errs, fmt.Errorf("LifecycleStorageClass %q is not a storage class lifecycle rules transition to", c))
	}
	if o.Params.MaxSignatureAge < 0 {
		errs = append(errs, errors.New("MaxSignatureAge is negative"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("checks: %w", err)
	}
	return nil
}

// selected returns the checks o selects.
func (r *Registry) selected(o *Options) []*Check {
	var out []*Check
	for i := range r.checks {
		c := &r.checks[i]
		if len(o.Only) > 0 && !slices.Contains(o.Only, c.ID) || slices.Contains(o.Skip, c.ID) {
			continue
		}
		out = append(out, c)
	}
	return out
}

var defaultRegistry = NewRegistry()

// Run judges a snapshot with the built-in checks. It is pure: the same
// snapshot and options give the same findings, in the same order (the
// account's first, then bucket by bucket in the snapshot's order, then
// access point by access point in the snapshot's order, each in the order
// of the checks).
func Run(s *Snapshot, o Options) []Finding { return defaultRegistry.Run(s, o) }

// Run judges a snapshot with the registry's checks.
func (r *Registry) Run(s *Snapshot, o Options) []Finding {
	if s == nil {
		return nil
	}
	cs := r.selected(&o)
	env := newEnv(s, &o.Params)
	var out []Finding
	acct := "AWS::::Account:" + s.Account.ID
	rep := env.replacer("", "", "")
	for _, c := range cs {
		if c.Account == nil {
			continue
		}
		for _, is := range c.Account(s, &o.Params) {
			out = append(out, finding(c, &o, is, acct, nil, rep))
		}
	}
	for i := range s.Buckets {
		t := env.target(i)
		rep = nil
		for _, c := range cs {
			if c.Bucket == nil {
				continue
			}
			for _, is := range c.Bucket(t) {
				if rep == nil {
					rep = env.replacer(t.Bucket.Name, "", "")
				}
				out = append(out, finding(c, &o, is, t.ARN, t.Bucket, rep))
			}
		}
	}
	for i := range s.Account.AccessPoints {
		t := env.accessPoint(i)
		rep = nil
		for _, c := range cs {
			if c.AccessPoint == nil {
				continue
			}
			for _, is := range c.AccessPoint(t) {
				if rep == nil {
					rep = env.replacer(t.AccessPoint.Bucket, t.AccessPoint.Name, t.Region)
				}
				f := finding(c, &o, is, t.ARN, nil, rep)
				f.Region = t.Region
				out = append(out, f)
			}
		}
	}
	return out
}

// replacer fills in the placeholders of fixes. An unknown Region is
// written REGION, for the reader to fill in.
func (e *env) replacer(bucket, accessPoint, region string) *strings.Replacer {
	if region == "" {
		region = "REGION"
	}
	return strings.NewReplacer("{bucket}", bucket, "{account}", e.s.Account.ID, "{partition}", e.s.partition(),
		"{accesspoint}", accessPoint, "{region}", region)
}

func finding(c *Check, o *Options, is Issue, resource string, b *Bucket, rep *strings.Replacer) Finding {
	f := Finding{
		Check: c.ID, Title: c.Title, Severity: c.Severity, Resource: resource,
		Evidence: is.Evidence, Why: c.Why, Fix: c.Fix, Controls: c.Controls, Doc: c.Doc,
	}
	f.Controls.CIS = slices.Clone(f.Controls.CIS)
	if is.Why != "" {
		f.Why = is.Why
	}
	if is.Fix != "" {
		f.Fix = is.Fix
	}
	if is.Severity != "" {
		f.Severity = is.Severity
	}
	if sev, ok := o.Severity[c.ID]; ok && sev.Rank() >= 0 {
		f.Severity = sev
	}
	if b != nil {
		f.Bucket, f.Region = b.Name, b.Region
	}
	if strings.Contains(f.Fix, "{") {
		f.Fix = rep.Replace(f.Fix)
	}
	return f
}
