package iac

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/policy/access"
)

type cfnResource struct {
	typ       string
	props     map[string]any
	condition string
	maybe     bool // condition cannot be evaluated: judged as created
}

type cfnReader struct {
	w          *world
	params     map[string]string
	parameters map[string]map[string]any
	mappings   map[string]any
	conditions map[string]any
	condValues map[string]bool
	evaluating map[string]bool
	resources  map[string]*cfnResource
	names      map[string]string // bucket logical ID -> name, "" when unknown
	naming     map[string]bool
}

// CloudFormation reads a CloudFormation template, JSON or YAML (told apart
// by the first character: "{" for JSON), into the world it declares.
// params gives the values of the template's parameters and of the pseudo
// parameters (AWS::AccountId, AWS::Region, ...); a parameter not given
// takes its Default. AWS::Partition is "aws" unless given, as a snapshot's
// partition is. Input that is not a template with a Resources section is
// an error wrapping [ErrInput].
//
// Resources are read in the order of their logical IDs. A resource whose
// Condition is false is not part of the world; one whose Condition cannot
// be evaluated is judged as created (the stricter reading) and reported as
// Unresolved.
func CloudFormation(template []byte, params map[string]string) (*Source, error) {
	v, err := decodeTemplate(template)
	if err != nil {
		return nil, fmt.Errorf("iac: cloudformation template: %w: %w", ErrInput, err)
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("iac: cloudformation template: %w: want an object, got %s", ErrInput, kind(v))
	}
	resources, ok := top["Resources"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("iac: cloudformation template: %w: no Resources section", ErrInput)
	}
	c := &cfnReader{w: newWorld(), params: params, parameters: map[string]map[string]any{},
		condValues: map[string]bool{}, evaluating: map[string]bool{}, resources: map[string]*cfnResource{},
		names: map[string]string{}, naming: map[string]bool{}}
	c.mappings, _ = top["Mappings"].(map[string]any)
	c.conditions, _ = top["Conditions"].(map[string]any)
	if ps, ok := top["Parameters"].(map[string]any); ok {
		for k, p := range ps {
			if m, ok := p.(map[string]any); ok {
				c.parameters[k] = m
			}
		}
	}
	for _, id := range sortedKeys(resources) {
		m, ok := resources[id].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("iac: cloudformation template: %w: resource %s: want an object", ErrInput, id)
		}
		typ, _ := m["Type"].(string)
		props, _ := m["Properties"].(map[string]any)
		cond, _ := m["Condition"].(string)
		c.resources[id] = &cfnResource{typ: typ, props: props, condition: cond}
	}
	c.w.src.Snapshot.Account.ID = params["AWS::AccountId"]
	if p := params["AWS::Partition"]; p != "" && p != "aws" {
		c.w.src.Snapshot.Partition = p
	}
	// Buckets first, so that the policies find them.
	ids := sortedKeys(c.resources)
	for _, id := range ids {
		if c.resources[id].typ == "AWS::S3::Bucket" && c.deployed(id) {
			c.bucket(id)
		}
	}
	for _, id := range ids {
		if c.resources[id].typ != "AWS::S3::Bucket" && c.deployed(id) {
			c.resource(id)
		}
	}
	// The policies of resources created under a condition that cannot be
	// evaluated say so.
	for i := range c.w.src.Policies {
		p := &c.w.src.Policies[i]
		if res := c.resources[p.Address]; res != nil && res.maybe {
			p.MaybeCreated = res.condition
		}
	}
	return c.w.finish(), nil
}

// deployed reports whether the resource is created: its Condition, if
// any, holds.
func (c *cfnReader) deployed(id string) bool {
	res := c.resources[id]
	if res.condition == "" {
		return true
	}
	r := &resolver{c: c, addr: id}
	holds, ok := r.condition(res.condition, "Condition", 0)
	if !ok {
		// It may be created: judged as created, the stricter reading,
		// so that no policy escapes the checks for want of a parameter.
		c.w.unresolved(id, "Condition", "created only if condition "+res.condition+" holds, which cannot be evaluated: judged as created")
		res.maybe = true
		return true
	}
	return holds
}

// param returns the value of a parameter or pseudo parameter: given, or
// the parameter's Default; a list for the list types.
func (c *cfnReader) param(name string) (any, bool) {
	decl, declared := c.parameters[name]
	v, given := c.params[name]
	if !given && declared {
		switch d := decl["Default"].(type) {
		case string:
			v, given = d, true
		case json.Number:
			v, given = d.String(), true
		case bool:
			v, given = strconv.FormatBool(d), true
		}
	}
	if !given {
		return nil, false
	}
	if t, _ := decl["Type"].(string); t == "CommaDelimitedList" || strings.HasPrefix(t, "List<") {
		var l []any
		for _, s := range strings.Split(v, ",") {
			l = append(l, strings.TrimSpace(s))
		}
		return l, true
	}
	return v, true
}

// bucketName is the name of the bucket of logical ID id, "" when it is
// not known (no BucketName, or one that cannot be resolved).
func (c *cfnReader) bucketName(id string) string {
	if n, done := c.names[id]; done {
		return n
	}
	res := c.resources[id]
	if res == nil || res.typ != "AWS::S3::Bucket" || c.naming[id] {
		return ""
	}
	c.naming[id] = true
	r := &resolver{c: c, addr: id}
	var n string
	if v, ok := res.props["BucketName"]; ok {
		n, _ = r.resolveString(v, "Properties.BucketName", 0)
	}
	delete(c.naming, id)
	c.names[id] = n
	return n
}

// unnamed says why the name of a bucket of the template is not known.
func (c *cfnReader) unnamed(id string) string {
	if _, ok := c.resources[id].props["BucketName"]; ok {
		return "the bucket's BucketName cannot be resolved"
	}
	return "the bucket's name is generated by CloudFormation (no BucketName)"
}

// prop resolves a property of a resource: nil when absent (or
// AWS::NoValue); not ok, with its unresolved parts reported, when it
// cannot be resolved.
func (c *cfnReader) prop(id, name string) (any, bool) {
	res := c.resources[id]
	v, present := res.props[name]
	if !present {
		return nil, true
	}
	r := &resolver{c: c, addr: id}
	y, ok := r.resolve(v, "Properties."+name, 0)
	if !ok {
		c.w.src.Unresolved = append(c.w.src.Unresolved, r.bad...)
		return nil, false
	}
	if y == noValue {
		return nil, true
	}
	return y, true
}

// bucket reads an AWS::S3::Bucket (AWS CloudFormation Template Reference,
// AWS::S3::Bucket).
func (c *cfnReader) bucket(id string) {
	name := c.bucketName(id)
	if name == "" {
		if _, ok := c.resources[id].props["BucketName"]; ok {
			c.prop(id, "BucketName") // reports why
		} else {
			c.w.unresolved(id, "Properties.BucketName", "no BucketName: CloudFormation generates the name")
		}
	}
	e := c.w.bucket(id, name, true)
	if region, ok := c.params["AWS::Region"]; ok {
		e.b.Region = region
	}
	// each resolves a property and hands it to read; when it cannot be
	// resolved, the configuration is unread.
	each := func(prop, call string, read func(m map[string]any)) {
		if _, present := c.resources[id].props[prop]; !present {
			return
		}
		v, ok := c.prop(id, prop)
		switch {
		case !ok:
			e.unread(call, "Properties."+prop+" of "+id+" cannot be resolved")
		case v != nil:
			e.set[call] = true
			m, _ := v.(map[string]any)
			read(m)
		}
	}
	each("PublicAccessBlockConfiguration", "GetPublicAccessBlock", func(m map[string]any) {
		e.b.PublicAccessBlock = &checks.PublicAccessBlock{BlockPublicAcls: truth(m["BlockPublicAcls"]),
			IgnorePublicAcls: truth(m["IgnorePublicAcls"]), BlockPublicPolicy: truth(m["BlockPublicPolicy"]),
			RestrictPublicBuckets: truth(m["RestrictPublicBuckets"])}
	})
	each("OwnershipControls", "GetBucketOwnershipControls", func(m map[string]any) {
		if rules := objects(m["Rules"]); len(rules) > 0 {
			e.b.ObjectOwnership = str(rules[0], "ObjectOwnership")
		}
	})
	if _, present := c.resources[id].props["AccessControl"]; present {
		v, ok := c.prop(id, "AccessControl")
		s, _ := v.(string)
		grants, err := access.CannedACL(kebab(s), "")
		switch {
		case ok && v == nil:
		case !ok:
			e.unread("GetBucketAcl", "Properties.AccessControl of "+id+" cannot be resolved")
		case err != nil:
			c.w.unresolved(id, "Properties.AccessControl", err.Error())
			e.unread("GetBucketAcl", "Properties.AccessControl of "+id+": "+err.Error())
		default:
			e.set["GetBucketAcl"] = true
			acl := &checks.ACL{}
			for _, g := range grants {
				if g.Grantee != "" { // the owner's grant changes no one's access
					acl.Grants = append(acl.Grants, g)
				}
			}
			e.b.ACL = acl
		}
	}
	each("BucketEncryption", "GetBucketEncryption", func(m map[string]any) {
		e.b.Encryption = nil
		for _, rule := range objects(m["ServerSideEncryptionConfiguration"]) {
			if d, ok := rule["ServerSideEncryptionByDefault"].(map[string]any); ok {
				e.b.Encryption = &checks.Encryption{Algorithm: str(d, "SSEAlgorithm"), KMSKeyID: str(d, "KMSMasterKeyID"),
					BucketKey: truth(rule["BucketKeyEnabled"])}
			}
		}
	})
	each("VersioningConfiguration", "GetBucketVersioning", func(m map[string]any) {
		e.b.Versioning = checks.Versioning{Status: str(m, "Status")}
	})
	each("LoggingConfiguration", "GetBucketLogging", func(m map[string]any) {
		// AWS::S3::Bucket LoggingConfiguration: without
		// DestinationBucketName, logs go to the bucket itself.
		target := str(m, "DestinationBucketName")
		if target == "" {
			target = e.b.Name
		}
		e.b.Logging = &checks.Logging{TargetBucket: target, TargetPrefix: str(m, "LogFilePrefix")}
	})
	each("LifecycleConfiguration", "GetBucketLifecycleConfiguration", func(m map[string]any) {
		e.b.Lifecycle = nil
		for _, rl := range objects(m["Rules"]) {
			lr := checks.LifecycleRule{ID: str(rl, "Id"), Status: str(rl, "Status"), Filter: str(rl, "Prefix"),
				ExpirationDays: num(rl["ExpirationInDays"]), NoncurrentExpirationDays: num(rl["NoncurrentVersionExpirationInDays"])}
			if x, ok := rl["NoncurrentVersionExpiration"].(map[string]any); ok {
				lr.NoncurrentExpirationDays = num(x["NoncurrentDays"])
			}
			if x, ok := rl["AbortIncompleteMultipartUpload"].(map[string]any); ok {
				lr.AbortIncompleteUploadDays = num(x["DaysAfterInitiation"])
			}
			trs := objects(rl["Transitions"])
			if x, ok := rl["Transition"].(map[string]any); ok {
				trs = append(trs, x)
			}
			for _, tr := range trs {
				lr.Transitions = append(lr.Transitions, checks.Transition{Days: num(tr["TransitionInDays"]), StorageClass: str(tr, "StorageClass")})
			}
			e.b.Lifecycle = append(e.b.Lifecycle, lr)
		}
	})
	each("ObjectLockConfiguration", "GetObjectLockConfiguration", func(m map[string]any) {
		if str(m, "ObjectLockEnabled") != "Enabled" {
			return
		}
		e.b.ObjectLock = &checks.ObjectLock{Enabled: true}
		if rule, ok := m["Rule"].(map[string]any); ok {
			if d, ok := rule["DefaultRetention"].(map[string]any); ok {
				e.b.ObjectLock.Mode, e.b.ObjectLock.Days, e.b.ObjectLock.Years = str(d, "Mode"), num(d["Days"]), num(d["Years"])
			}
		}
	})
	if e.b.ObjectLock == nil {
		if v, ok := c.prop(id, "ObjectLockEnabled"); ok && truth(v) {
			e.b.ObjectLock = &checks.ObjectLock{Enabled: true}
		}
	}
	if v, ok := c.prop(id, "Tags"); ok {
		for _, tag := range objects(v) {
			if e.b.Tags == nil {
				e.b.Tags = map[string]string{}
			}
			e.b.Tags[str(tag, "Key")] = str(tag, "Value")
		}
	}
}

// resource reads the policies of a resource other than a bucket.
func (c *cfnReader) resource(id string) {
	res := c.resources[id]
	switch res.typ {
	case "AWS::S3::BucketPolicy":
		e := c.policyBucket(id)
		if e != nil {
			e.set["GetBucketPolicy"] = true
		}
		bucket := ""
		if e != nil {
			bucket = bucketName(e)
		}
		doc, ok := c.document(id, "PolicyDocument", resourceBased, bucket)
		switch {
		case ok && e != nil:
			e.b.Policy = string(doc)
		case !ok && e != nil:
			e.unread("GetBucketPolicy", "the policy of "+id+" cannot be resolved")
		}
	case "AWS::S3::AccessPoint", "AWS::S3::MultiRegionAccessPointPolicy":
		c.document(id, "Policy", resourceBased, "")
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
		if _, ok := c.document(id, "PolicyDocument", identityBased, ""); ok {
			c.w.src.Policies[len(c.w.src.Policies)-1].Identities = c.attachedTo(id)
		}
	case "AWS::IAM::UserToGroupAddition":
		c.membership(id, res.props["GroupName"], res.props["Users"])
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		if res.typ == "AWS::IAM::Role" {
			c.document(id, "AssumeRolePolicyDocument", trustPolicy, "")
		}
		// Managed policies and group memberships: attachments the
		// template does not hold the documents of.
		if v, ok := res.props["ManagedPolicyArns"]; ok {
			r := &resolver{c: c, addr: id}
			list, ok := r.resolve(v, "Properties.ManagedPolicyArns", 0)
			arns, _ := list.([]any)
			if !ok || arns == nil && list != noValue {
				c.w.src.Attachments = append(c.w.src.Attachments, Attachment{Address: id + ".Properties.ManagedPolicyArns", Identities: []string{c.identityOf(id)}})
			}
			for _, a := range arns {
				arn, _ := a.(string)
				c.w.src.Attachments = append(c.w.src.Attachments, Attachment{Address: id + ".Properties.ManagedPolicyArns", PolicyARN: arn, Identities: []string{c.identityOf(id)}})
			}
		}
		if v, ok := res.props["Groups"]; ok && res.typ == "AWS::IAM::User" {
			groups, literal := v.([]any)
			if !literal {
				// Written with a function (Fn::If): as it resolves.
				r := &resolver{c: c, addr: id}
				resolved, ok := r.resolve(v, "Properties.Groups", 0)
				groups, _ = resolved.([]any)
				if !ok {
					groups = []any{"?"}
				}
			}
			for _, g := range groups {
				c.membership(id, g, []any{map[string]any{"Ref": id}})
			}
		}
		list, ok := res.props["Policies"].([]any)
		if !ok {
			// Written with a function (Fn::If): the resolved list.
			if _, present := res.props["Policies"]; !present {
				return
			}
			v, ok := c.prop(id, "Policies") // reports what cannot be resolved
			if !ok {
				c.w.unresolvedPolicy(id, "Properties.Policies", identityBased, "")
				return
			}
			resolved, _ := v.([]any)
			for i, p := range resolved {
				m, _ := p.(map[string]any)
				if d, present := m["PolicyDocument"]; present {
					if _, ok := c.addDocument(id, "Properties.Policies["+strconv.Itoa(i)+"].PolicyDocument", identityBased, "", d); ok {
						c.w.src.Policies[len(c.w.src.Policies)-1].Identities = []string{c.identityOf(id)}
					}
				}
			}
			return
		}
		for i, p := range list {
			path := "Properties.Policies[" + strconv.Itoa(i) + "]"
			r := &resolver{c: c, addr: id}
			v, ok := r.resolve(p, path, 0)
			if !ok {
				c.w.src.Unresolved = append(c.w.src.Unresolved, r.bad...)
				c.w.unresolvedPolicy(id, path+".PolicyDocument", identityBased, "")
				continue
			}
			m, _ := v.(map[string]any)
			if d, present := m["PolicyDocument"]; present {
				if _, ok := c.addDocument(id, path+".PolicyDocument", identityBased, "", d); ok {
					c.w.src.Policies[len(c.w.src.Policies)-1].Identities = []string{c.identityOf(id)}
				}
			}
		}
	}
}

// membership records users added to a group (AWS::IAM::User Groups,
// AWS::IAM::UserToGroupAddition): they gain the group's policies, which
// the template may not show.
func (c *cfnReader) membership(id string, group any, users any) {
	name := "?"
	r := &resolver{c: c, addr: id}
	if m, ok := group.(map[string]any); ok {
		if ref, ok := m["Ref"].(string); ok && c.resources[ref] != nil {
			name = strings.TrimPrefix(c.identityOf(ref), "group/")
		}
	} else if v, ok := r.resolve(group, "", 0); ok {
		if s, ok := v.(string); ok {
			name = s
		}
	}
	var ids []string
	list, _ := users.([]any)
	for _, u := range list {
		if m, ok := u.(map[string]any); ok {
			if ref, ok := m["Ref"].(string); ok && c.resources[ref] != nil {
				ids = append(ids, c.identityOf(ref))
				continue
			}
		}
		if v, ok := r.resolve(u, "", 0); ok {
			if s, ok := v.(string); ok {
				ids = append(ids, "user/"+s)
			}
		}
	}
	c.w.src.Attachments = append(c.w.src.Attachments, Attachment{Address: id, What: "the policies of group/" + name, Identities: ids})
}

// identityKinds maps the IAM identity types to their kind and the
// property that names them.
var identityKinds = map[string]struct{ kind, nameProp string }{
	"AWS::IAM::Role":  {"role", "RoleName"},
	"AWS::IAM::User":  {"user", "UserName"},
	"AWS::IAM::Group": {"group", "GroupName"},
}

// identityOf names the identity a Role, User or Group of the template is
// ("role/NAME"), or by its logical ID when it has no literal name
// ("role/@AppRole").
func (c *cfnReader) identityOf(id string) string {
	res := c.resources[id]
	k := identityKinds[res.typ]
	if v, ok := res.props[k.nameProp]; ok {
		r := &resolver{c: c, addr: id}
		if name, ok := r.resolve(v, "", 0); ok {
			if name, ok := name.(string); ok && name != "" {
				return k.kind + "/" + name
			}
		}
	}
	return k.kind + "/@" + id
}

// attachedTo names the identities a policy resource attaches its
// document to (AWS CloudFormation Template Reference: RoleName, UserName
// and GroupName of RolePolicy, UserPolicy, GroupPolicy; Roles, Users and
// Groups of Policy and ManagedPolicy), as identityOf names them: a Ref to
// an identity of the template is that identity. A name that cannot be
// read is left out.
func (c *cfnReader) attachedTo(id string) []string {
	props := c.resources[id].props
	var out []string
	name := func(kind string, v any) {
		if m, ok := v.(map[string]any); ok {
			if ref, ok := m["Ref"].(string); ok {
				if r, ok := c.resources[ref]; ok && identityKinds[r.typ].kind == kind {
					out = append(out, c.identityOf(ref))
				}
				return
			}
		}
		r := &resolver{c: c, addr: id}
		if s, ok := r.resolve(v, "", 0); ok {
			if s, ok := s.(string); ok && s != "" {
				out = append(out, kind+"/"+s)
			}
		}
	}
	for prop, kind := range map[string]string{"RoleName": "role", "UserName": "user", "GroupName": "group"} {
		if v, ok := props[prop]; ok {
			name(kind, v)
		}
	}
	for prop, kind := range map[string]string{"Roles": "role", "Users": "user", "Groups": "group"} {
		if list, ok := props[prop].([]any); ok {
			for _, v := range list {
				name(kind, v)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// policyBucket finds the bucket of an AWS::S3::BucketPolicy: the bucket
// of the template its Bucket refers to, or the bucket it names.
func (c *cfnReader) policyBucket(id string) *bucketEntry {
	v := c.resources[id].props["Bucket"]
	if name, arg, ok := fn(v); ok && name == "Ref" {
		if ref, _ := arg.(string); c.resources[ref] != nil && c.resources[ref].typ == "AWS::S3::Bucket" {
			if e := c.w.byAddr[ref]; e != nil {
				return e
			}
		}
	}
	n, ok := c.prop(id, "Bucket")
	s, _ := n.(string)
	if !ok || s == "" {
		if ok {
			c.w.unresolved(id, "Properties.Bucket", "want a bucket name, got "+kind(n))
		}
		return nil
	}
	return c.w.named(s, id)
}

// document adds the policy document of a property; ok when it could be
// resolved.
func (c *cfnReader) document(id, prop string, kind int, bucket string) ([]byte, bool) {
	if _, present := c.resources[id].props[prop]; !present {
		return nil, false
	}
	v, ok := c.prop(id, prop)
	if !ok {
		c.w.unresolvedPolicy(id, "Properties."+prop, kind, bucket)
	}
	if !ok || v == nil {
		return nil, false
	}
	return c.addDocument(id, "Properties."+prop, kind, bucket, v)
}

// addDocument adds a resolved document: an object, written as JSON, or a
// string holding the JSON.
func (c *cfnReader) addDocument(id, path string, kind int, bucket string, v any) ([]byte, bool) {
	var doc []byte
	if s, ok := v.(string); ok {
		if strings.TrimSpace(s) == "" {
			// A parameter given as "", say: no document to judge.
			c.w.unresolved(id, path, "resolves to an empty document")
			c.w.unresolvedPolicy(id, path, kind, bucket)
			return nil, false
		}
		doc = []byte(s)
	} else {
		b, err := json.Marshal(v)
		if err != nil {
			c.w.unresolved(id, path, "cannot be written as JSON: "+err.Error())
			c.w.unresolvedPolicy(id, path, kind, bucket)
			return nil, false
		}
		doc = b
	}
	c.w.src.Policies = append(c.w.src.Policies, Policy{Address: id, Path: path, Type: policyType(kind, doc), Bucket: bucket, Document: doc})
	return doc, true
}

// kebab writes a CloudFormation canned ACL name (PublicRead) as S3's
// x-amz-acl value (public-read).
func kebab(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// truth reads a boolean written as true or "true".
func truth(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return strings.EqualFold(b, "true")
	}
	return false
}

// objects returns the objects of a list.
func objects(v any) []map[string]any {
	l, _ := v.([]any)
	var out []map[string]any
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
