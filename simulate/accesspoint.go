package simulate

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/catalog"
)

// accessPointModel is an S3 access point of the world.
type accessPointModel struct {
	name    string
	account string // the access point's owner
	bucket  string
	// bucketAccount is the bucket's owner, the access point's account but
	// for a cross-account access point.
	bucketAccount string
	vpc           string // "" for network origin Internet
	arn           string
	alias         string
	pab           access.PublicAccessBlock
	policy        *policy.Policy
	policyDoc     []byte // the policy as written, which GetAccessPointPolicy returns
	created       time.Time
}

// hostLabel is the first label of the access point's host name,
// NAME-ACCOUNT, as in NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com.
func (ap *accessPointModel) hostLabel() string { return ap.name + "-" + ap.account }

// origin returns the access point's network origin.
func (ap *accessPointModel) origin() string {
	if ap.vpc != "" {
		return access.OriginVPC
	}
	return access.OriginInternet
}

// state returns the access point as package access describes it.
func (ap *accessPointModel) state() *access.AccessPoint {
	pab := ap.pab
	return &access.AccessPoint{ARN: ap.arn, Bucket: ap.bucket, PublicAccessBlock: &pab,
		NetworkOrigin: ap.origin(), VPC: ap.vpc, Policy: ap.policy}
}

// endpointModel is a VPC endpoint of the world.
type endpointModel struct {
	id, vpc, account string
	policy           *policy.Policy
}

// defaultEndpointPolicy is the policy of a VPC endpoint created without
// one: "the default policy allows full access through the endpoint"
// (AWS PrivateLink Guide, "Control access to VPC endpoints using endpoint
// policies").
var defaultEndpointPolicy = policy.MustParse("the default VPC endpoint policy", policy.VPCEndpointPolicy,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)

// maxAccessPoints is S3's quota of access points per account and Region
// (S3 User Guide, "Access points restrictions and limitations").
const maxAccessPoints = 10000

// validAccessPointName applies the naming rules of the S3 User Guide
// ("Access points naming rules"): 3 to 50 characters, lower-case letters,
// digits and hyphens, beginning with a letter or digit, not ending with a
// hyphen or with the suffix -s3alias.
func validAccessPointName(n string) error {
	if len(n) < 3 || len(n) > 50 {
		return fmt.Errorf("access point name %q must be 3 to 50 characters", n)
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !isAlnum(c) && c != '-' {
			return fmt.Errorf("access point name %q may hold only lower-case letters, digits and hyphens", n)
		}
	}
	if !isAlnum(n[0]) || n[len(n)-1] == '-' {
		return fmt.Errorf("access point name %q must begin with a letter or digit and not end with a hyphen", n)
	}
	if strings.HasSuffix(n, "-s3alias") {
		return fmt.Errorf("access point name %q ends with -s3alias, which is reserved for aliases", n)
	}
	return nil
}

// validEndpointID reports whether id is prefix- followed by lower-case hex
// digits, as vpce-1a2b3c4d or vpc-111bbb22.
func validEndpointID(prefix, id string) bool {
	hex, ok := strings.CutPrefix(id, prefix+"-")
	return ok && hex != "" && len(hex) <= 17 && strings.Trim(hex, "0123456789abcdef") == ""
}

// accessPointAlias returns the alias of an access point: "[Access point
// prefix]-[Metadata]-s3alias", a valid bucket name (S3 User Guide,
// "Access point aliases"). The metadata is derived from the ARN, so that
// an access point has the same alias in every run.
func accessPointAlias(name, arn string) string {
	sum := sha256.Sum256([]byte(arn))
	meta := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:34]
	prefix := strings.TrimRight(name[:min(len(name), 20)], "-")
	return prefix + "-" + meta + "-s3alias"
}

// newAccessPoint builds an access point of account, checking its name, its
// bucket and the names it takes. The caller holds the write lock (or owns
// m).
func (m *model) newAccessPoint(account string, ap AccessPoint) (*accessPointModel, error) {
	if err := validAccessPointName(ap.Name); err != nil {
		return nil, err
	}
	bucketAccount := ap.BucketAccountID
	if bucketAccount == "" {
		bucketAccount = account
	}
	if !policy.IsAccountID(bucketAccount) {
		return nil, fmt.Errorf("bucketAccountId %q is not 12 digits", bucketAccount)
	}
	b := m.buckets[ap.Bucket]
	if b == nil {
		return nil, fmt.Errorf("bucket %q is not in the world", ap.Bucket)
	}
	if b.owner != bucketAccount {
		if ap.BucketAccountID == "" {
			return nil, fmt.Errorf("bucket %s belongs to account %s: a cross-account access point names it in bucketAccountId", ap.Bucket, b.owner)
		}
		return nil, fmt.Errorf("bucket %s belongs to account %s, not %s", ap.Bucket, b.owner, bucketAccount)
	}
	if ap.VPCID != "" && !validEndpointID("vpc", ap.VPCID) {
		return nil, fmt.Errorf("vpcId %q is not a VPC ID such as vpc-1a2b3c4d", ap.VPCID)
	}
	arn := "arn:aws:s3:" + m.region + ":" + account + ":accesspoint/" + ap.Name
	if m.accessPoints[arn] != nil {
		return nil, fmt.Errorf("access point %s is declared twice", ap.Name)
	}
	am := &accessPointModel{name: ap.Name, account: account, bucket: ap.Bucket, bucketAccount: bucketAccount,
		vpc: ap.VPCID, arn: arn, alias: accessPointAlias(ap.Name, arn), pab: allOn, created: m.now()}
	if ap.PublicAccessBlock != nil {
		am.pab = *ap.PublicAccessBlock
	}
	if m.buckets[am.hostLabel()] != nil {
		// With a custom endpoint the SDK sends a request through the
		// access point to NAME-ACCOUNT.HOST, which is also how a bucket
		// of that name is addressed virtual-hosted style.
		return nil, fmt.Errorf("access point %s: a bucket is named %s, its host name label", ap.Name, am.hostLabel())
	}
	if len(ap.Policy) > 0 && string(ap.Policy) != "null" {
		p, err := parseAccessPointPolicy(arn, ap.Policy)
		if err != nil {
			return nil, err
		}
		am.policy, am.policyDoc = p, slices.Clone([]byte(ap.Policy))
	}
	return am, nil
}

// addAccessPoint indexes an access point. The caller holds the write lock
// (or owns m).
func (m *model) addAccessPoint(ap *accessPointModel) {
	m.accessPoints[ap.arn] = ap
	m.apHosts[ap.hostLabel()] = ap
	m.apAliases[ap.alias] = ap
}

// removeAccessPoint forgets an access point. The caller holds the write
// lock.
func (m *model) removeAccessPoint(ap *accessPointModel) {
	delete(m.accessPoints, ap.arn)
	delete(m.apHosts, ap.hostLabel())
	delete(m.apAliases, ap.alias)
}

// compileAccessPoints adds the world's access points and VPC endpoints of
// account a, once every bucket is known.
func (m *model) compileAccessPoints(a *Account) error {
	where := "account " + a.ID
	for i, ap := range a.AccessPoints {
		am, err := m.newAccessPoint(a.ID, ap)
		if err != nil {
			return fmt.Errorf("world: %s: accessPoints[%d]: %w", where, i, err)
		}
		m.addAccessPoint(am)
	}
	for i, e := range a.VPCEndpoints {
		ew := fmt.Sprintf("%s: vpcEndpoints[%d]", where, i)
		if !validEndpointID("vpce", e.ID) {
			return fmt.Errorf("world: %s: id %q is not a VPC endpoint ID such as vpce-1a2b3c4d", ew, e.ID)
		}
		if !validEndpointID("vpc", e.VPCID) {
			return fmt.Errorf("world: %s: vpcId %q is not a VPC ID such as vpc-1a2b3c4d", ew, e.VPCID)
		}
		if m.endpoints[e.ID] != nil {
			return fmt.Errorf("world: %s: endpoint %s is declared twice", ew, e.ID)
		}
		p, err := parsePolicy(ew+" policy", policy.VPCEndpointPolicy, e.Policy)
		if err != nil {
			return err
		}
		if p == nil {
			p = defaultEndpointPolicy
		}
		m.endpoints[e.ID] = &endpointModel{id: e.ID, vpc: e.VPCID, account: a.ID, policy: p}
	}
	return nil
}

// accessPointOf returns the access point a request's bucket names: its
// ARN (as a caller of Simulator.Authorize gives it) or its alias; nil
// for a bucket.
func (m *model) accessPointOf(bucket string) *accessPointModel {
	if strings.HasPrefix(bucket, "arn:") {
		return m.accessPoints[bucket]
	}
	if strings.HasSuffix(bucket, "-s3alias") {
		return m.apAliases[bucket]
	}
	return nil
}

// accessPointOps are the operations S3 serves through an access point
// (S3 User Guide, "Access point compatibility"); S3 refuses the others,
// such as a bucket's configuration: "You can't use access points to
// perform other Amazon S3 operations, such as modifying or deleting
// buckets."
var accessPointOps = map[string]bool{
	"AbortMultipartUpload": true, "CompleteMultipartUpload": true, "CopyObject": true, "CreateMultipartUpload": true,
	"DeleteObject": true, "DeleteObjects": true, "DeleteObjectTagging": true, "GetBucketAcl": true, "GetBucketCors": true,
	"GetBucketLocation": true, "GetBucketNotificationConfiguration": true, "GetBucketPolicy": true, "GetObject": true,
	"GetObjectAcl": true, "GetObjectAttributes": true, "GetObjectLegalHold": true, "GetObjectRetention": true,
	"GetObjectTagging": true, "HeadBucket": true, "HeadObject": true, "ListMultipartUploads": true, "ListObjects": true,
	"ListObjectsV2": true, "ListObjectVersions": true, "ListParts": true, "PutObject": true, "PutObjectAcl": true,
	"PutObjectLegalHold": true, "PutObjectRetention": true, "PutObjectTagging": true, "RestoreObject": true,
	"UploadPart": true, "UploadPartCopy": true,
}

// notThroughAccessPoint is the error for an operation S3 does not serve
// through an access point. AWS documents no error code: InvalidRequest is
// S3's for a request it cannot serve as made.
func notThroughAccessPoint(op string) *s3Error {
	return invalidRequest(op + " is not supported through an access point: access points serve operations on objects (S3 User Guide, \"Access point compatibility\")")
}

// parseAccessPointPolicy validates an access point policy as
// parseBucketPolicy validates a bucket policy: valid JSON, the grammar, at
// most 20 KB ("Access point policies are limited to 20 KB in size"),
// resources of the access point (its ARN and arn/object/KEY), and actions
// that apply to them.
func parseAccessPointPolicy(arn string, body []byte) (*policy.Policy, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, malformedPolicy("Policies must be valid JSON and the first byte must be '{'")
	}
	if len(body) > maxPolicySize {
		return nil, malformedPolicy("Policy exceeds the maximum allowed document size.")
	}
	p, err := policy.Parse("access point policy of "+arn, policy.ResourceBased, body)
	if err != nil {
		return nil, malformedPolicy(policyMessage(err))
	}
	for _, st := range p.Statements {
		if st.NotResource {
			continue
		}
		for _, r := range st.Resource {
			if !inAccessPoint(r, arn) {
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
			if !appliesThroughAccessPoint(a, arn, st.Resource) {
				return nil, malformedPolicy("Action does not apply to any resource(s) in statement")
			}
		}
	}
	return p, nil
}

// inAccessPoint reports whether a Resource of an access point policy is
// the access point or an object through it, or a pattern that can match
// them.
func inAccessPoint(resource, arn string) bool {
	if resource == "*" || resource == arn || strings.HasPrefix(resource, arn+"/object/") {
		return true
	}
	for _, s := range []string{arn, arn + "/object/x"} {
		if patternMatches(resource, s) {
			return true
		}
	}
	return false
}

// patternMatches reports whether a Resource pattern matches s, with * and
// ? not crossing a slash: a conservative test, for validation only.
func patternMatches(pattern, s string) bool {
	ok, _ := path.Match(strings.ReplaceAll(pattern, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return ok
}

// appliesThroughAccessPoint is appliesToAny for an access point: an
// object action applies to arn/object/..., a bucket action to arn itself.
func appliesThroughAccessPoint(action, arn string, resources []string) bool {
	a, ok := catalog.Lookup(action)
	if !ok || strings.ContainsAny(action, "*?") {
		return true
	}
	for _, r := range resources {
		object := strings.HasPrefix(r, arn+"/object/")
		wild := r == "*" || strings.ContainsAny(r, "*?")
		for _, rt := range a.Resources {
			if wild || (rt.Type == "object" || rt.Type == "accesspointobject") && object || (rt.Type == "bucket" || rt.Type == "accesspoint") && !object {
				return true
			}
		}
	}
	return false
}

// throughHTTPS refuses a request through an access point over plain HTTP:
// "S3 access points don't support access by HTTP, only secure access by
// HTTPS" (S3 User Guide, "Referencing access points").
func throughHTTPS(r *http.Request) error {
	if r.TLS == nil {
		return invalidRequest("S3 access points support only secure access by HTTPS")
	}
	return nil
}

// throughAccessPoint finds the access point the request is made through,
// if any, from its Host or its bucket, and makes the request one on the
// access point's bucket. The access point is named
//
//   - in the Host, as S3's own access point endpoints do
//     (NAME-ACCOUNT.s3-accesspoint.REGION.amazonaws.com, and the -fips and
//     dualstack forms), or as the SDK addresses one at a custom endpoint
//     (NAME-ACCOUNT.HOST, a virtual-hosted Host whose bucket label is an
//     access point's NAME-ACCOUNT);
//   - or by its alias, used in place of a bucket name (path-style or
//     virtual-hosted).
func (c *call) throughAccessPoint() error {
	host := strings.ToLower(c.r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	label, apHost := "", false
	for _, sep := range []string{".s3-accesspoint.", ".s3-accesspoint-fips."} {
		if i := strings.Index(host, sep); i > 0 && strings.HasSuffix(host, ".amazonaws.com") {
			label, apHost = host[:i], true
			break
		}
	}
	c.s.mu.RLock()
	var ap *accessPointModel
	switch {
	case apHost:
		ap = c.s.m.apHosts[label]
	case c.virtual:
		if ap = c.s.m.apHosts[c.bucket]; ap == nil {
			ap = c.s.m.apAliases[c.bucket]
		}
	default:
		ap = c.s.m.apAliases[c.bucket]
	}
	c.s.mu.RUnlock()
	if ap == nil {
		if apHost || strings.HasSuffix(c.bucket, "-s3alias") {
			return noSuchAccessPoint(label)
		}
		return nil
	}
	if apHost {
		// The whole path is the key: the Host names the access point.
		c.key = strings.TrimPrefix(c.r.URL.Path, "/")
	}
	if err := throughHTTPS(c.r); err != nil {
		return err
	}
	c.ap, c.bucket = ap, ap.bucket
	return nil
}

// noSuchAccessPoint is S3's error for an access point that does not
// exist (S3 API Reference, "Error responses": NoSuchAccessPoint, 404).
func noSuchAccessPoint(name string) *s3Error {
	e := errorf(http.StatusNotFound, "NoSuchAccessPoint", "The specified accesspoint does not exist")
	if name != "" {
		e = e.with("AccessPointName", name)
	}
	return e
}
