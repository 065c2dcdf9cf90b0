package simulate

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// model is a compiled World: every policy parsed, every name indexed.
type model struct {
	// now is the clock of the simulator, for the objects of the world.
	now func() time.Time
	// versionIDs numbers the versions the model creates (newVersionID).
	versionIDs atomic.Uint64
	region     string
	orgID      string
	org        map[string]bool // member accounts
	scps       [][]*policy.Policy
	rcps       [][]*policy.Policy
	accounts   map[string]*accountModel
	// canonical maps the canonical user ID of each account (canonicalID)
	// back to the account ID.
	canonical map[string]string
	keys      map[string]*identity // access key ID -> identity
	keyOrder  map[string][]string  // identity ARN -> its access key IDs, as declared
	users     map[string]*identity // user ARN -> identity
	roles     map[string]*roleModel
	buckets   map[string]*bucketModel
	kmsKeys   map[string]*kmsKey // by ARN
	// accessPoints are the access points by ARN; apHosts the same by
	// host name label (NAME-ACCOUNT), apAliases by alias.
	accessPoints map[string]*accessPointModel
	apHosts      map[string]*accessPointModel
	apAliases    map[string]*accessPointModel
	endpoints    map[string]*endpointModel // VPC endpoints by ID
	// whoPrints caches the fingerprints of policies for WhoCan, whoTouch
	// where their Allow statements may reach (*touchInfo), whoKeys their
	// object resources, and whoWorld the principals of the world.
	whoPrints sync.Map
	whoTouch  sync.Map
	whoKeys   sync.Map
	whoWorld  struct {
		once sync.Once
		ps   []*whoPrincipal
	}
	// managed are the world's managed policies by ARN, awsManaged the AWS
	// managed ones as declared, and iam each account's IAM as its API
	// shows it.
	managed    map[string]*managedModel
	awsManaged []*managedModel
	iam        map[string]*iamAccount
	// orgTree is the organization as its API shows it; nil without one.
	orgTree *orgModel
}

type accountModel struct {
	id        string
	canonical string // canonical user ID
	pab       *access.PublicAccessBlock
	root      *identity
}

// identity is a caller with long-term keys: an IAM user or a root user.
type identity struct {
	arn string
	// principal is arn parsed, for a user: as resolve would parse it.
	principal policy.Principal
	account   string
	secret    string
	policies  []*policy.Policy // the user's and its groups'
	boundary  *policy.Policy
	tags      map[string]string
}

type roleModel struct {
	arn         string // with its path
	name        string
	account     string
	trust       *policy.Policy
	policies    []*policy.Policy
	boundary    *policy.Policy
	maxDuration int
	tags        map[string]string
}

type bucketModel struct {
	name    string
	owner   string
	created time.Time
	policy  *policy.Policy
	// policyDoc is the bucket policy as written, which GetBucketPolicy
	// returns.
	policyDoc []byte
	// ownership is the Object Ownership setting; "" once the ownership
	// controls are deleted, when the bucket acts as ObjectWriter.
	ownership  string
	acl        []access.Grant
	pab        *access.PublicAccessBlock // nil when the bucket has none
	encryption Encryption
	versioning string // "", "Enabled", "Suspended"
	mfaDelete  bool
	objectLock bool
	logging    *Logging
	tags       map[string]string
	// configs holds the configurations the simulator stores but does not
	// act on, by subresource (lifecycle, cors, website, replication,
	// notification, object-lock), as the XML the client sent.
	configs map[string][]byte
	// objects holds every version of every key, newest first.
	objects map[string][]*objectVersion
	// keys are the keys of objects, perhaps with deleted and repeated
	// ones; sorted and without those when keysSorted is set.
	keys       []string
	keysSorted bool
	// lockDefault is the default retention of the Object Lock
	// configuration, applied to new versions; nil if none.
	lockDefault *lockRetention
	// decisions keeps the bucket's and its objects' ACLs compiled into
	// policies, and whether its policy is public, for access.Decide.
	decisions *access.Cache
}

// objectEncryption is how an object is encrypted at rest.
type objectEncryption struct {
	algorithm string // "AES256", "aws:kms", "aws:kms:dsse"; "" with SSE-C
	kmsKeyID  string // the key's ARN
	bucketKey bool
	// customerKeyMD5 is the base64 MD5 of the SSE-C key, "" without SSE-C.
	customerKeyMD5 string
}

// state returns the bucket's S3 state for access.Decide.
func (b *bucketModel) state(acct *accountModel) access.State {
	st := access.State{BucketOwner: b.owner, ObjectOwnership: b.ownership, BucketACL: b.acl, BucketPublicAccessBlock: b.pab}
	if st.ObjectOwnership == "" {
		st.ObjectOwnership = access.ObjectWriter
	}
	if acct != nil {
		st.AccountPublicAccessBlock = acct.pab
	}
	return st
}

// maxPolicySize is S3's limit on the size of a bucket policy: 20 KB.
const maxPolicySize = 20 * 1024

// fullAWSAccess is AWS's default SCP, attached at every level of an
// organization unless removed.
var fullAWSAccess = policy.MustParse("FullAWSAccess", policy.ServiceControlPolicy,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)

// allOn is S3's Block Public Access setting for a new bucket.
var allOn = access.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}

func compile(w *World, now func() time.Time) (*model, error) {
	m := &model{now: now,
		region: w.Region, org: map[string]bool{}, accounts: map[string]*accountModel{}, canonical: map[string]string{},
		keys: map[string]*identity{}, keyOrder: map[string][]string{}, users: map[string]*identity{}, roles: map[string]*roleModel{},
		buckets: map[string]*bucketModel{}, accessPoints: map[string]*accessPointModel{}, apHosts: map[string]*accessPointModel{},
		apAliases: map[string]*accessPointModel{}, endpoints: map[string]*endpointModel{},
		managed: map[string]*managedModel{}, iam: map[string]*iamAccount{},
	}
	if m.region == "" {
		m.region = "us-east-1"
	}
	if !validRegion(m.region) {
		// The Region is written into the aws/s3 key policies: it must be
		// a Region code, not text of any kind.
		return nil, fmt.Errorf("world: region %q is not a Region code such as us-east-1", m.region)
	}
	if err := m.compileOrg(w.Organization); err != nil {
		return nil, err
	}
	if err := m.compileManaged("aws", "awsManagedPolicies", w.AWSManagedPolicies); err != nil {
		return nil, err
	}
	for _, mp := range w.AWSManagedPolicies {
		m.awsManaged = append(m.awsManaged, m.managed["arn:aws:iam::aws:policy"+cleanPath(mp.Path)+mp.Name])
	}
	addKey := func(k AccessKey, id *identity, where string) error {
		if k.ID == "" || k.Secret == "" {
			return fmt.Errorf("world: %s: access key needs an id and a secret", where)
		}
		if _, dup := m.keys[k.ID]; dup {
			return fmt.Errorf("world: %s: access key %s is used twice", where, k.ID)
		}
		cp := *id
		cp.secret = k.Secret
		m.keys[k.ID] = &cp
		m.keyOrder[id.arn] = append(m.keyOrder[id.arn], k.ID)
		return nil
	}
	for ai, a := range w.Accounts {
		if a == nil {
			return nil, fmt.Errorf("world: accounts[%d] is null", ai)
		}
		where := "account " + a.ID
		if !policy.IsAccountID(a.ID) {
			return nil, fmt.Errorf("world: accounts[%d]: id %q is not 12 digits", ai, a.ID)
		}
		if _, dup := m.accounts[a.ID]; dup {
			return nil, fmt.Errorf("world: %s is declared twice", where)
		}
		am := &accountModel{id: a.ID, pab: a.PublicAccessBlock}
		if err := m.compileKMS(a.ID, a.KMSKeys); err != nil {
			return nil, err
		}
		am.root = &identity{arn: "arn:aws:iam::" + a.ID + ":root", account: a.ID}
		m.accounts[a.ID] = am
		am.canonical = canonicalID(a.ID)
		if a.CanonicalID != "" {
			if len(a.CanonicalID) != 64 || strings.Trim(a.CanonicalID, "0123456789abcdef") != "" {
				return nil, fmt.Errorf("world: accounts[%d]: canonicalId %q is not 64 lower-case hex digits", ai, a.CanonicalID)
			}
			am.canonical = a.CanonicalID
		}
		if other, dup := m.canonical[am.canonical]; dup {
			return nil, fmt.Errorf("world: %s: canonicalId is account %s's too", where, other)
		}
		m.canonical[am.canonical] = a.ID
		for _, k := range a.RootAccessKeys {
			if err := addKey(k, am.root, where+" root"); err != nil {
				return nil, err
			}
		}
		if err := m.compileManaged(a.ID, where+" managedPolicies", a.ManagedPolicies); err != nil {
			return nil, err
		}
		ia := &iamAccount{}
		m.iam[a.ID] = ia
		for _, mp := range a.ManagedPolicies {
			ia.policies = append(ia.policies, m.managed["arn:aws:iam::"+a.ID+":policy"+cleanPath(mp.Path)+mp.Name])
		}
		groups := map[string]*iamGroup{}
		for _, g := range a.Groups {
			if err := validName("group", g.Name); err != nil {
				return nil, err
			}
			gw := where + " group " + g.Name
			if groups[g.Name] != nil {
				return nil, fmt.Errorf("world: %s is declared twice", gw)
			}
			ig := &iamGroup{name: g.Name, path: cleanPath(g.Path)}
			var err error
			if ig.inline, err = parseInline(gw, "group/"+g.Name, g.Policies); err != nil {
				return nil, err
			}
			if ig.attached, err = m.attach(gw, g.ManagedPolicies); err != nil {
				return nil, err
			}
			groups[g.Name] = ig
			ia.groups = append(ia.groups, ig)
		}
		for _, u := range a.Users {
			if u == nil {
				return nil, fmt.Errorf("world: %s: a user is null", where)
			}
			if err := validName("user", u.Name); err != nil {
				return nil, err
			}
			uw := where + " user " + u.Name
			id := &identity{arn: "arn:aws:iam::" + a.ID + ":user" + cleanPath(u.Path) + u.Name, account: a.ID, tags: u.Tags}
			if _, dup := m.users[id.arn]; dup {
				return nil, fmt.Errorf("world: %s is declared twice", uw)
			}
			iu := &iamUser{name: u.Name, path: cleanPath(u.Path), arn: id.arn, groups: u.Groups, tags: u.Tags}
			var err error
			if iu.inline, err = parseInline(uw, "user/"+u.Name, u.Policies); err != nil {
				return nil, err
			}
			if iu.attached, err = m.attach(uw, u.ManagedPolicies); err != nil {
				return nil, err
			}
			id.policies = policiesOf(iu.inline, iu.attached)
			for _, g := range u.Groups {
				ig, ok := groups[g]
				if !ok {
					return nil, fmt.Errorf("world: %s: unknown group %q", uw, g)
				}
				id.policies = append(id.policies, policiesOf(ig.inline, ig.attached)...)
			}
			if id.boundary, iu.boundary, err = m.parseBoundary(uw+" permissionsBoundary", u.PermissionsBoundary); err != nil {
				return nil, err
			}
			// Parsed once here rather than at every request; a failure
			// is left for resolve to report, as before.
			id.principal, _ = policy.ParsePrincipal(id.arn)
			m.users[id.arn] = id
			ia.users = append(ia.users, iu)
			for _, k := range u.AccessKeys {
				if err := addKey(k, id, uw); err != nil {
					return nil, err
				}
			}
		}
		for _, r := range a.Roles {
			if r == nil {
				return nil, fmt.Errorf("world: %s: a role is null", where)
			}
			if err := validName("role", r.Name); err != nil {
				return nil, err
			}
			rw := where + " role " + r.Name
			rm := &roleModel{arn: "arn:aws:iam::" + a.ID + ":role" + cleanPath(r.Path) + r.Name, name: r.Name, account: a.ID,
				maxDuration: r.MaxSessionDuration, tags: r.Tags}
			if rm.maxDuration == 0 {
				rm.maxDuration = 3600
			}
			if rm.maxDuration < 900 || rm.maxDuration > 43200 {
				return nil, fmt.Errorf("world: %s: maxSessionDuration %d is outside 900..43200 seconds", rw, rm.maxDuration)
			}
			key := a.ID + "/" + r.Name
			if _, dup := m.roles[key]; dup {
				return nil, fmt.Errorf("world: %s is declared twice", rw)
			}
			ir := &iamRole{role: rm, path: cleanPath(r.Path), trustDoc: r.TrustPolicy}
			var err error
			if rm.trust, err = parsePolicy(rw+" trustPolicy", policy.TrustPolicy, r.TrustPolicy); err != nil {
				return nil, err
			}
			if ir.inline, err = parseInline(rw, "role/"+r.Name, r.Policies); err != nil {
				return nil, err
			}
			if ir.attached, err = m.attach(rw, r.ManagedPolicies); err != nil {
				return nil, err
			}
			rm.policies = policiesOf(ir.inline, ir.attached)
			if rm.boundary, ir.boundary, err = m.parseBoundary(rw+" permissionsBoundary", r.PermissionsBoundary); err != nil {
				return nil, err
			}
			m.roles[key] = rm
			ia.roles = append(ia.roles, ir)
		}
		for _, b := range a.Buckets {
			if b == nil {
				return nil, fmt.Errorf("world: %s: a bucket is null", where)
			}
			bw := where + " bucket " + b.Name
			if err := validBucketName(b.Name); err != nil {
				return nil, fmt.Errorf("world: %s: %w", bw, err)
			}
			if _, dup := m.buckets[b.Name]; dup {
				return nil, fmt.Errorf("world: bucket %s is declared twice", b.Name)
			}
			bm, err := m.compileBucket(a.ID, bw, b)
			if err != nil {
				return nil, err
			}
			m.buckets[b.Name] = bm
		}
	}
	// Access points once every bucket is known: one may be for another
	// account's bucket.
	for _, a := range w.Accounts {
		if err := m.compileAccessPoints(a); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *model) compileBucket(owner, where string, b *Bucket) (*bucketModel, error) {
	bm := newBucket(b.Name, owner, b.ObjectOwnership)
	bm.created = m.now()
	bm.versioning, bm.mfaDelete, bm.logging, bm.tags = b.Versioning, b.MFADelete, b.Logging, b.Tags
	// A world's ACLs leave the owner's FULL_CONTROL implied.
	bm.acl = slices.Compact(append(ownerACL(owner), b.ACL...))
	var err error
	if len(b.Policy) > maxPolicySize {
		return nil, fmt.Errorf("world: %s: policy is over S3's 20 KB limit", where)
	}
	if bm.policy, err = parsePolicy(where+" policy", policy.ResourceBased, b.Policy); err != nil {
		return nil, err
	}
	if bm.policy != nil {
		bm.policyDoc = slices.Clone(b.Policy)
	}
	if b.PublicAccessBlock != nil {
		pab := *b.PublicAccessBlock
		bm.pab = &pab
	}
	st := bm.state(nil)
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("world: %s: %w", where, err)
	}
	switch b.Versioning {
	case "", "Enabled", "Suspended":
	default:
		return nil, fmt.Errorf("world: %s: versioning %q is not Enabled or Suspended", where, b.Versioning)
	}
	if b.MFADelete && b.Versioning == "" {
		return nil, fmt.Errorf("world: %s: mfaDelete needs versioning", where)
	}
	if e := b.Encryption; e != nil {
		switch e.Algorithm {
		case "AES256", "aws:kms", "aws:kms:dsse":
		default:
			return nil, fmt.Errorf("world: %s: encryption algorithm %q is not AES256, aws:kms or aws:kms:dsse", where, e.Algorithm)
		}
		for _, t := range e.BlockedEncryptionTypes {
			if t != "SSE-C" && t != "NONE" {
				return nil, fmt.Errorf("world: %s: blockedEncryptionTypes: %q is not SSE-C or NONE", where, t)
			}
		}
		bm.encryption = *e
		if e.BlockedEncryptionTypes == nil {
			bm.encryption.BlockedEncryptionTypes = []string{"SSE-C"}
		}
	}
	for i, o := range b.Objects {
		if o.Key == "" || bm.objects[o.Key] != nil {
			return nil, fmt.Errorf("world: %s: objects[%d]: key %q is empty or used twice", where, i, o.Key)
		}
		if len(o.Key) > 1024 {
			return nil, fmt.Errorf("world: %s: objects[%d]: key is longer than 1024 bytes", where, i)
		}
		if o.Owner != "" && !policy.IsAccountID(o.Owner) {
			return nil, fmt.Errorf("world: %s: object %s: owner %q is not 12 digits", where, o.Key, o.Owner)
		}
		st := access.State{ObjectACL: o.ACL}
		if err := st.Validate(); err != nil {
			return nil, fmt.Errorf("world: %s: object %s: %w", where, o.Key, err)
		}
		v := &objectVersion{owner: o.Owner, tags: o.Tags, enc: bm.defaultEncryption(), modified: m.now(),
			data: []byte(o.Body), etag: md5ETag([]byte(o.Body)), header: map[string]string{"Content-Type": "binary/octet-stream"}}
		if v.owner == "" || bm.ownership == access.BucketOwnerEnforced {
			v.owner = owner
		}
		v.acl = slices.Compact(append(ownerACL(v.owner), o.ACL...))
		bm.put(o.Key, v, m.newVersionID)
	}
	return bm, nil
}

// canonicalOf returns the canonical user ID of an account: the world's
// for its accounts, else one derived from the ID.
func (m *model) canonicalOf(account string) string {
	if a := m.accounts[account]; a != nil {
		return a.canonical
	}
	return canonicalID(account)
}

// defaultEncryption is the encryption of an object uploaded without SSE
// headers.
func (b *bucketModel) defaultEncryption() objectEncryption {
	return objectEncryption{algorithm: b.encryption.Algorithm, kmsKeyID: b.encryption.KMSKeyID, bucketKey: b.encryption.BucketKey}
}

func cleanPath(p string) string {
	if p == "" || p == "/" {
		return "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// validBucketName applies S3's general purpose bucket naming rules.
func validBucketName(n string) error {
	if len(n) < 3 || len(n) > 63 {
		return fmt.Errorf("bucket name %q must be 3 to 63 characters", n)
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return fmt.Errorf("bucket name %q may hold only lower-case letters, digits, dots and hyphens", n)
		}
	}
	if !isAlnum(n[0]) || !isAlnum(n[len(n)-1]) {
		return fmt.Errorf("bucket name %q must begin and end with a letter or digit", n)
	}
	// S3 User Guide, "General purpose bucket naming rules": reserved
	// prefixes and suffixes, among them those of access point aliases
	// and Multi-Region Access Points.
	for _, p := range []string{"xn--", "sthree-"} {
		if strings.HasPrefix(n, p) {
			return fmt.Errorf("bucket name %q must not begin with %s, which is reserved", n, p)
		}
	}
	for _, sfx := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(n, sfx) {
			return fmt.Errorf("bucket name %q must not end with %s, which is reserved", n, sfx)
		}
	}
	return nil
}

func isAlnum(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' }
