package simulate

import (
	"crypto/cipher"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy"
)

// The simulator's KMS, as S3 uses it for SSE-KMS: writing an object needs
// kms:GenerateDataKey on its key, reading it kms:Decrypt, each allowed by
// the key policy (which KMS requires, unlike other resource policies) and,
// where the key policy delegates to the account, by the caller's own
// policies. Each account has an AWS managed key, aws/s3, which any
// principal of the account may use through S3.

// kmsKey is a KMS key.
type kmsKey struct {
	id, arn, account string
	alias            string // "alias/app"; "" if none
	policy           *policy.Policy
	// policyDoc is the key policy as written, which GetKeyPolicy returns.
	policyDoc string
	// managed is set for an AWS managed key (aws/s3).
	managed bool
	// material seals the data keys the KMS API issues under the key.
	material cipher.AEAD
}

// compileKMS adds an account's keys, and its aws/s3 key, to the model.
func (m *model) compileKMS(account string, keys []KMSKey) error {
	if m.kmsKeys == nil {
		m.kmsKeys = map[string]*kmsKey{}
	}
	managed := &kmsKey{id: uniqueID("", "aws/s3 "+account), account: account, alias: "alias/aws/s3"}
	managed.id = strings.ToLower(managed.id)
	managed.arn = "arn:aws:kms:" + m.region + ":" + account + ":key/" + managed.id
	// The policy of aws/s3 as AWS writes it (KMS Developer Guide, "AWS
	// managed keys"): use through S3 for the account's principals, and
	// the key's metadata for the account.
	managed.policyDoc = `{"Version":"2012-10-17","Id":"auto-s3-2","Statement":[
		{"Sid":"Allow access through S3 for all principals in the account that are authorized to use S3","Effect":"Allow","Principal":{"AWS":"*"},
		 "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:DescribeKey"],"Resource":"*",
		 "Condition":{"StringEquals":{"kms:CallerAccount":"` + account + `","kms:ViaService":"s3.` + m.region + `.amazonaws.com"}}},
		{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},
		 "Action":["kms:Describe*","kms:Get*","kms:List*"],"Resource":"*"}]}`
	managed.policy = policy.MustParse("key policy of aws/s3 in "+account, policy.ResourceBased, managed.policyDoc)
	managed.managed = true
	managed.material = newKeyMaterial()
	m.kmsKeys[managed.arn] = managed
	for i, k := range keys {
		where := fmt.Sprintf("account %s kmsKeys[%d]", account, i)
		if k.ID == "" || strings.ContainsAny(k.ID, "/: ") {
			return fmt.Errorf("world: %s: key id %q is empty or not a key ID", where, k.ID)
		}
		if k.Alias != "" && (!strings.HasPrefix(k.Alias, "alias/") || strings.HasPrefix(k.Alias, "alias/aws/")) {
			return fmt.Errorf("world: %s: alias %q must start with alias/ and not alias/aws/", where, k.Alias)
		}
		key := &kmsKey{id: k.ID, account: account, alias: k.Alias, arn: "arn:aws:kms:" + m.region + ":" + account + ":key/" + k.ID,
			material: newKeyMaterial()}
		if _, dup := m.kmsKeys[key.arn]; dup {
			return fmt.Errorf("world: %s: key %s is declared twice", where, k.ID)
		}
		var err error
		if key.policy, err = parsePolicy(where+" policy", policy.ResourceBased, k.Policy); err != nil {
			return err
		}
		key.policyDoc = string(k.Policy)
		if key.policy == nil {
			// KMS's default key policy: the account's IAM policies decide.
			key.policyDoc = `{"Version":"2012-10-17","Id":"key-default-1","Statement":[
				{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}]}`
			key.policy = policy.MustParse("default key policy of "+k.ID, policy.ResourceBased, key.policyDoc)
		}
		m.kmsKeys[key.arn] = key
	}
	return nil
}

// kmsKey finds a key from a reference as S3 takes it: a key ID, key ARN,
// alias name or alias ARN, in the account given for the short forms; ""
// is the account's aws/s3 key.
func (m *model) kmsKey(ref, account string) *kmsKey {
	if ref == "" {
		ref = "alias/aws/s3"
	}
	if rest, ok := strings.CutPrefix(ref, "arn:aws:kms:"); ok {
		parts := strings.SplitN(rest, ":", 3)
		if len(parts) != 3 {
			return nil
		}
		account, ref = parts[1], parts[2]
	}
	for _, k := range m.kmsKeys {
		if k.account == account && (ref == "key/"+k.id || ref == k.id || k.alias != "" && ref == k.alias) {
			return k
		}
	}
	return nil
}

// useKMS resolves the key of an SSE-KMS object and checks that the caller
// may use it for action (kms:GenerateDataKey to write, kms:Decrypt to
// read). It returns the key's ARN.
func (c *call) useKMS(action string, e objectEncryption, bucket, key string) (string, error) {
	if e.algorithm != "aws:kms" && e.algorithm != "aws:kms:dsse" {
		return e.kmsKeyID, nil
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	b := c.s.m.buckets[bucket]
	owner := c.caller.principal.Account
	if b != nil {
		owner = b.owner
	}
	k := c.s.m.kmsKey(e.kmsKeyID, owner)
	if k == nil {
		return "", errorf(http.StatusBadRequest, "KMS.NotFoundException", "Invalid keyId '"+e.kmsKeyID+"'")
	}
	ctx := map[string][]string{
		"kms:ViaService":                   {"s3." + c.s.m.region + ".amazonaws.com"},
		"kms:EncryptionContext:aws:s3:arn": {"arn:aws:s3:::" + bucket + "/" + key},
	}
	if e.bucketKey {
		ctx["kms:EncryptionContext:aws:s3:arn"] = []string{"arn:aws:s3:::" + bucket}
	}
	if err := c.authorizeKMS(action, k, ctx); err != nil {
		return "", err
	}
	return k.arn, nil
}

// authorizeKMS decides whether the caller may perform a KMS action on a
// key, with ctx holding the condition keys particular to the call; it adds
// those of every request. The key policy must allow: identity policies
// alone do not (KMS Developer Guide, "Key policies"). The caller holds
// c.s.mu for reading.
func (c *call) authorizeKMS(action string, k *kmsKey, ctx map[string][]string) error {
	p := c.caller.principal
	ctx["aws:SecureTransport"] = []string{strconv.FormatBool(c.r.TLS != nil)}
	ctx["aws:CurrentTime"] = []string{c.now.UTC().Format(time.RFC3339)}
	if p.Account != "" {
		ctx["kms:CallerAccount"] = []string{p.Account}
	}
	if ip := sourceIP(c.r); ip != "" {
		ctx["aws:SourceIp"] = []string{ip}
	}
	for tk, tv := range c.caller.tags {
		ctx["aws:PrincipalTag/"+tk] = []string{tv}
	}
	if c.s.m.orgID != "" && c.s.m.org[p.Account] {
		ctx["aws:PrincipalOrgID"] = []string{c.s.m.orgID}
	}
	r := &policy.Request{Principal: p, Action: action, Resource: k.arn, ResourceAccount: k.account, Context: policy.NewContext(ctx)}
	set := &policy.Set{Identity: c.caller.policies, Boundary: c.caller.boundary, Session: c.caller.session, Resource: k.policy}
	set.SCPs = c.s.m.scpsOf(p.Account)
	set.RCPs = c.s.m.rcpsOf(k.account)
	ex := set.Explain(r)
	keyAllows := false
	for _, mt := range ex.Matches {
		keyAllows = keyAllows || mt.Policy == k.policy && mt.Effect == policy.Allow
	}
	if ex.Decision == policy.Allowed && !keyAllows {
		ex.Result = policy.Result{Decision: policy.ImplicitDeny, Type: policy.ResourceBased, Statement: -1}
	}
	if ex.Decision == policy.Allowed {
		return nil
	}
	msg := ex.Result.Message(r)
	if c.explain == "" {
		c.explain = msg
	}
	if p.Account != k.account {
		return accessDenied("Access Denied")
	}
	return accessDenied(msg)
}
