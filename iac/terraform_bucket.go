package iac

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
)

// s3Bucket reads an aws_s3_bucket: its name, Region and tags, and the
// inline configuration of AWS provider v3, which later provider versions
// keep as computed attributes. An attribute unknown until apply is
// reported only when the configuration sets it: a computed one the
// configuration leaves alone reflects the bucket-level resources, read on
// their own.
func (t *tfReader) s3Bucket(r *tfRes) {
	name, _ := r.after["bucket"].(string)
	if unknown(r.unknown, "bucket") || name == "" {
		name = ""
		t.w.unresolved(r.addr, "bucket", "the bucket's name is known only after apply (bucket_prefix, or a name Terraform generates)")
	}
	e := t.w.bucket(r.addr, name, r.created)
	if s, ok := r.after["region"].(string); ok && !unknown(r.unknown, "region") {
		e.b.Region = s
	}
	if tags, ok := r.after["tags"].(map[string]any); ok && len(tags) > 0 {
		e.b.Tags = map[string]string{}
		for k, v := range tags {
			if s, ok := v.(string); ok {
				e.b.Tags[k] = s
			}
		}
	}
	// legacy reports whether the inline attribute attr is to be read:
	// known, or reported unresolved when the configuration sets it.
	legacy := func(attr, call string) bool {
		if !unknown(r.unknown, attr) {
			return r.after[attr] != nil
		}
		if t.configured(r, attr) {
			t.w.unresolved(r.addr, attr, "known only after apply")
			e.unread(call, "the "+attr+" of "+r.addr+" is known only after apply")
		}
		return false
	}
	if legacy("policy", "GetBucketPolicy") {
		if doc, ok := t.policy(r, "policy", resourceBased, bucketName(e)); ok {
			e.b.Policy, e.set["GetBucketPolicy"] = string(doc), true
			e.legacyPolicy = len(t.w.src.Policies)
			e.legacyConfigured = t.cfg == nil || t.configured(r, "policy")
		}
	}
	if legacy("acl", "GetBucketAcl") {
		if s, _ := r.after["acl"].(string); s != "" {
			t.acl(r, e, map[string]any{"acl": s}, "")
		}
	}
	if legacy("versioning", "GetBucketVersioning") {
		if v := blocks(r.after, "versioning"); len(v) > 0 {
			e.b.Versioning = checks.Versioning{}
			if v[0]["enabled"] == true {
				e.b.Versioning.Status = "Enabled"
			}
			if v[0]["mfa_delete"] == true {
				e.b.Versioning.MFADelete = "Enabled"
			}
		}
	}
	if legacy("logging", "GetBucketLogging") && len(blocks(r.after, "logging")) > 0 {
		t.logging(r, e, blocks(r.after, "logging")[0], nil, "logging[0].")
	}
	if legacy("server_side_encryption_configuration", "GetBucketEncryption") {
		if c := blocks(r.after, "server_side_encryption_configuration"); len(c) > 0 {
			t.encryption(r, e, c[0], nil, "server_side_encryption_configuration[0].")
		}
	}
	if legacy("lifecycle_rule", "GetBucketLifecycleConfiguration") {
		if rules := blocks(r.after, "lifecycle_rule"); len(rules) > 0 {
			e.b.Lifecycle = nil
			for _, rl := range rules {
				lr := checks.LifecycleRule{ID: str(rl, "id"), Status: "Disabled", Filter: str(rl, "prefix"),
					AbortIncompleteUploadDays: num(rl["abort_incomplete_multipart_upload_days"])}
				if rl["enabled"] == true {
					lr.Status = "Enabled"
				}
				if x := blocks(rl, "expiration"); len(x) > 0 {
					lr.ExpirationDays = num(x[0]["days"])
				}
				if x := blocks(rl, "noncurrent_version_expiration"); len(x) > 0 {
					lr.NoncurrentExpirationDays = num(x[0]["days"])
				}
				for _, tr := range blocks(rl, "transition") {
					lr.Transitions = append(lr.Transitions, checks.Transition{Days: num(tr["days"]), StorageClass: str(tr, "storage_class")})
				}
				e.b.Lifecycle = append(e.b.Lifecycle, lr)
			}
			e.set["GetBucketLifecycleConfiguration"] = true
		}
	}
	if r.after["object_lock_enabled"] == true {
		e.b.ObjectLock = &checks.ObjectLock{Enabled: true}
	}
	if c := blocks(r.after, "object_lock_configuration"); len(c) > 0 {
		if str(c[0], "object_lock_enabled") == "Enabled" {
			e.b.ObjectLock = &checks.ObjectLock{Enabled: true}
			if rl := blocks(c[0], "rule"); len(rl) > 0 {
				if d := blocks(rl[0], "default_retention"); len(d) > 0 {
					e.b.ObjectLock.Mode, e.b.ObjectLock.Days, e.b.ObjectLock.Years = str(d[0], "mode"), num(d[0]["days"]), num(d[0]["years"])
				}
			}
		}
	}
}

// pab reads the four settings of a public access block resource; not ok
// when any is unknown.
func (t *tfReader) pab(r *tfRes) (*checks.PublicAccessBlock, bool) {
	for _, a := range []string{"block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"} {
		if unknown(r.unknown, a) {
			t.w.unresolved(r.addr, a, "known only after apply")
			return nil, false
		}
	}
	return &checks.PublicAccessBlock{
		BlockPublicAcls: r.after["block_public_acls"] == true, IgnorePublicAcls: r.after["ignore_public_acls"] == true,
		BlockPublicPolicy: r.after["block_public_policy"] == true, RestrictPublicBuckets: r.after["restrict_public_buckets"] == true,
	}, true
}

func (t *tfReader) ownership(r *tfRes, e *bucketEntry) {
	e.set["GetBucketOwnershipControls"] = true
	if unknown(r.unknown, "rule") {
		t.w.unresolved(r.addr, "rule", "known only after apply")
		e.unread("GetBucketOwnershipControls", "the rule of "+r.addr+" is known only after apply")
		return
	}
	if rl := blocks(r.after, "rule"); len(rl) > 0 {
		e.b.ObjectOwnership = str(rl[0], "object_ownership")
	}
}

// acl reads a canned ACL ("acl") or an access_control_policy, of an
// aws_s3_bucket_acl or of v3's inline acl.
func (t *tfReader) acl(r *tfRes, e *bucketEntry, m map[string]any, prefix string) {
	e.set["GetBucketAcl"] = true
	if unknown(r.unknown, "acl") || unknown(r.unknown, "access_control_policy") {
		t.w.unresolved(r.addr, prefix+"acl", "known only after apply")
		e.unread("GetBucketAcl", "the ACL of "+r.addr+" is known only after apply")
		return
	}
	acl := &checks.ACL{}
	if name := str(m, "acl"); name != "" {
		grants, err := access.CannedACL(name, "")
		if err != nil {
			t.w.unresolved(r.addr, prefix+"acl", err.Error())
			e.unread("GetBucketAcl", "the ACL of "+r.addr+": "+err.Error())
			return
		}
		for _, g := range grants {
			// A grant to the owner changes no one's access.
			if g.Grantee != "" {
				acl.Grants = append(acl.Grants, g)
			}
		}
	}
	for _, p := range blocks(m, "access_control_policy") {
		if o := blocks(p, "owner"); len(o) > 0 {
			acl.Owner = str(o[0], "id")
		}
		for i, g := range blocks(p, "grant") {
			ge := blocks(g, "grantee")
			if len(ge) == 0 {
				continue
			}
			who := str(ge[0], "id")
			switch str(ge[0], "type") {
			case "Group":
				who = str(ge[0], "uri")
			case "AmazonCustomerByEmail":
				t.w.unresolved(r.addr, prefix+"access_control_policy[0].grant["+strconv.Itoa(i)+"]",
					"a grantee by email address: S3 resolves it to a canonical user ID")
				continue
			}
			acl.Grants = append(acl.Grants, access.Grant{Grantee: who, Permission: str(g, "permission")})
		}
	}
	e.b.ACL = acl
}

// encryption reads a server-side encryption configuration: the
// resource's, or the first block of v3's inline one.
func (t *tfReader) encryption(r *tfRes, e *bucketEntry, m map[string]any, unk any, prefix string) {
	e.set["GetBucketEncryption"] = true
	if unknown(unk, "rule") {
		t.w.unresolved(r.addr, prefix+"rule", "known only after apply")
		e.unread("GetBucketEncryption", "the encryption of "+r.addr+" is known only after apply")
		return
	}
	e.b.Encryption = nil
	for _, rl := range blocks(m, "rule") {
		for _, d := range blocks(rl, "apply_server_side_encryption_by_default") {
			e.b.Encryption = &checks.Encryption{Algorithm: str(d, "sse_algorithm"), KMSKeyID: str(d, "kms_master_key_id"),
				BucketKey: rl["bucket_key_enabled"] == true}
		}
	}
}

func (t *tfReader) versioning(r *tfRes, e *bucketEntry) {
	e.set["GetBucketVersioning"] = true
	if unknown(r.unknown, "versioning_configuration", 0, "status") || (unknown(r.unknown, "versioning_configuration") &&
		len(blocks(r.after, "versioning_configuration")) == 0) {
		t.w.unresolved(r.addr, "versioning_configuration", "known only after apply")
		e.unread("GetBucketVersioning", "the versioning of "+r.addr+" is known only after apply")
		return
	}
	e.b.Versioning = checks.Versioning{}
	if c := blocks(r.after, "versioning_configuration"); len(c) > 0 {
		// "Disabled" is the provider's word for a bucket that never had
		// versioning (Terraform AWS provider, aws_s3_bucket_versioning).
		if s := str(c[0], "status"); s != "Disabled" {
			e.b.Versioning.Status = s
		}
		// MFA Delete unknown until apply (the provider computes it when
		// the configuration leaves it out) is judged as not enabled, the
		// stricter reading, and reported.
		if unknown(r.unknown, "versioning_configuration", 0, "mfa_delete") {
			t.w.unresolved(r.addr, "versioning_configuration[0].mfa_delete", "known only after apply: judged as not enabled")
		}
		e.b.Versioning.MFADelete = str(c[0], "mfa_delete")
	}
}

func (t *tfReader) logging(r *tfRes, e *bucketEntry, m map[string]any, unk any, prefix string) {
	e.set["GetBucketLogging"] = true
	if unknown(unk, "target_bucket") {
		// The target is often a bucket of the plan, named at apply.
		t.w.unresolved(r.addr, prefix+"target_bucket", "known only after apply")
		e.b.Logging = &checks.Logging{TargetBucket: "<unknown>", TargetPrefix: str(m, "target_prefix")}
		e.unread("GetBucketLogging", "the logging target of "+r.addr+" is known only after apply")
		return
	}
	if s := str(m, "target_bucket"); s != "" {
		e.b.Logging = &checks.Logging{TargetBucket: s, TargetPrefix: str(m, "target_prefix")}
	}
}

func (t *tfReader) lifecycle(r *tfRes, e *bucketEntry) {
	e.set["GetBucketLifecycleConfiguration"] = true
	if unknown(r.unknown, "rule") {
		t.w.unresolved(r.addr, "rule", "known only after apply")
		e.unread("GetBucketLifecycleConfiguration", "the rules of "+r.addr+" are known only after apply")
		return
	}
	e.b.Lifecycle = nil
	for _, rl := range blocks(r.after, "rule") {
		lr := checks.LifecycleRule{ID: str(rl, "id"), Status: str(rl, "status"), Filter: str(rl, "prefix")}
		if f := blocks(rl, "filter"); len(f) > 0 && str(f[0], "prefix") != "" {
			lr.Filter = str(f[0], "prefix")
		}
		if x := blocks(rl, "expiration"); len(x) > 0 {
			lr.ExpirationDays = num(x[0]["days"])
		}
		if x := blocks(rl, "noncurrent_version_expiration"); len(x) > 0 {
			lr.NoncurrentExpirationDays = num(x[0]["noncurrent_days"])
		}
		if x := blocks(rl, "abort_incomplete_multipart_upload"); len(x) > 0 {
			lr.AbortIncompleteUploadDays = num(x[0]["days_after_initiation"])
		}
		for _, tr := range blocks(rl, "transition") {
			lr.Transitions = append(lr.Transitions, checks.Transition{Days: num(tr["days"]), StorageClass: str(tr, "storage_class")})
		}
		e.b.Lifecycle = append(e.b.Lifecycle, lr)
	}
}

// bucketOf finds the bucket a bucket-level resource configures: by the
// name in its bucket attribute, or, when that is unknown until apply, by
// the aws_s3_bucket its configuration refers to.
func (t *tfReader) bucketOf(r *tfRes) *bucketEntry {
	if name, _ := r.after["bucket"].(string); name != "" && !unknown(r.unknown, "bucket") {
		return t.w.named(name, r.addr)
	}
	if e := t.referenced(r); e != nil {
		return e
	}
	t.w.unresolved(r.addr, "bucket", "the bucket's name is known only after apply, and the configuration refers to no aws_s3_bucket of the plan")
	return nil
}

// referenced finds the aws_s3_bucket that r's bucket expression refers to
// (Terraform JSON Output Format, "Expression Representation": references).
func (t *tfReader) referenced(r *tfRes) *bucketEntry {
	for _, ref := range t.references(r, "bucket", "aws_s3_bucket") {
		if e := t.w.byAddr[ref.base+ref.index]; e != nil {
			return e
		}
		if r.index != "" {
			if e := t.w.byAddr[ref.base+"["+r.index+"]"]; e != nil {
				return e
			}
		}
	}
	return nil
}

// A tfReference is a resource of type typ that an expression of r's
// configuration refers to: its address in r's module, without and with
// the instance key the reference names ("[0]", or "" for none).
type tfReference struct{ base, index string }

// references reads the resources of type typ that the expression of r's
// attribute attr refers to (Terraform JSON Output Format, "Expression
// Representation": references).
func (t *tfReader) references(r *tfRes, attr, typ string) []tfReference {
	cr := t.configResource(r)
	if cr == nil {
		return nil
	}
	var expr struct {
		References []string `json:"references"`
	}
	if json.Unmarshal(cr.Expressions[attr], &expr) != nil {
		return nil
	}
	prefix := ""
	if r.module != "" {
		prefix = r.module + "."
	}
	var out []tfReference
	for _, ref := range expr.References {
		rest, ok := strings.CutPrefix(ref, typ+".")
		if !ok {
			continue
		}
		end := strings.IndexAny(rest, ".[")
		name, index := rest, ""
		if end >= 0 {
			name = rest[:end]
			if rest[end] == '[' {
				if close := strings.IndexByte(rest[end:], ']'); close > 0 {
					index = rest[end : end+close+1]
				}
			}
		}
		out = append(out, tfReference{prefix + typ + "." + name, index})
	}
	return out
}

// configured reports whether r's configuration sets attr.
func (t *tfReader) configured(r *tfRes, attr string) bool {
	cr := t.configResource(r)
	if cr == nil {
		return false
	}
	_, ok := cr.Expressions[attr]
	return ok
}

// configResource finds r's resource block in the configuration, in its
// module (the module calls, without instance keys).
func (t *tfReader) configResource(r *tfRes) *tfConfigResource {
	if t.cfg == nil {
		return nil
	}
	m := &t.cfg.RootModule
	for _, call := range moduleCalls(r.module) {
		c, ok := m.ModuleCalls[call]
		if !ok {
			return nil
		}
		m = &c.Module
	}
	for i := range m.Resources {
		c := &m.Resources[i]
		if c.Mode == r.mode && c.Type == r.typ && c.Name == r.name {
			return c
		}
	}
	return nil
}

// moduleCalls splits a module address, module.a["k"].module.b, into the
// names of its calls, a and b.
func moduleCalls(addr string) []string {
	var out []string
	for addr != "" {
		rest, ok := strings.CutPrefix(addr, "module.")
		if !ok {
			return nil
		}
		end := strings.IndexAny(rest, ".[")
		if end < 0 {
			return append(out, rest)
		}
		out = append(out, rest[:end])
		rest = rest[end:]
		if rest[0] == '[' {
			// Skip the instance key, which may hold dots in quotes.
			close := strings.Index(rest, "]")
			if q := strings.HasPrefix(rest, `["`); q {
				close = strings.Index(rest, `"]`) + 1
			}
			if close <= 0 {
				return nil
			}
			rest = rest[close+1:]
		}
		addr = strings.TrimPrefix(rest, ".")
	}
	return out
}

// unknown reports whether after_unknown marks the value at path, or any
// part of it, as known only after apply (Terraform JSON Output Format:
// "after_unknown ... replacing each unknown leaf value with true").
func unknown(u any, path ...any) bool {
	for _, p := range path {
		switch v := u.(type) {
		case bool:
			return v
		case map[string]any:
			k, _ := p.(string)
			u = v[k]
		case []any:
			i, ok := p.(int)
			if !ok || i < 0 || i >= len(v) {
				return false
			}
			u = v[i]
		default:
			return false
		}
	}
	return anyTrue(u)
}

func anyTrue(u any) bool {
	switch v := u.(type) {
	case bool:
		return v
	case map[string]any:
		for _, x := range v {
			if anyTrue(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if anyTrue(x) {
				return true
			}
		}
	}
	return false
}

// blocks returns the nested blocks of m[key]: a list of objects, as
// Terraform writes blocks.
func blocks(m map[string]any, key string) []map[string]any {
	l, _ := m[key].([]any)
	var out []map[string]any
	for _, x := range l {
		if b, ok := x.(map[string]any); ok {
			out = append(out, b)
		}
	}
	return out
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// num reads a whole number, written as a JSON number or a string.
func num(v any) int {
	switch n := v.(type) {
	case float64:
		if n >= -1e9 && n <= 1e9 {
			return int(n)
		}
	case json.Number:
		if i, err := n.Int64(); err == nil && i >= -1e9 && i <= 1e9 {
			return int(i)
		}
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 0
}

func readError(call, why string) checks.ReadError {
	return checks.ReadError{Call: call, Code: codeUnresolved, Message: why}
}

// policyType is the type of a document of the given kind.
func policyType(kind int, doc []byte) policy.Type {
	switch kind {
	case identityBased:
		return policy.IdentityBased
	case resourceBased:
		return policy.ResourceBased
	case trustPolicy:
		return policy.TrustPolicy
	}
	return typeOf(doc)
}
