package iac

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The plan as `terraform show -json` writes it (Terraform JSON Output
// Format): only the parts read here.
type tfPlan struct {
	FormatVersion   string     `json:"format_version"`
	PlannedValues   *tfValues  `json:"planned_values"`
	Values          *tfValues  `json:"values"` // a state's, not a plan's
	PriorState      *tfState   `json:"prior_state"`
	ResourceChanges []tfChange `json:"resource_changes"`
	Configuration   *tfConfig  `json:"configuration"`
}

type tfState struct {
	Values *tfValues `json:"values"`
}

type tfValues struct {
	RootModule tfModule `json:"root_module"`
}

type tfModule struct {
	Address      string       `json:"address"`
	Resources    []tfResource `json:"resources"`
	ChildModules []tfModule   `json:"child_modules"`
}

type tfResource struct {
	Address string          `json:"address"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Index   json.RawMessage `json:"index"`
	Values  map[string]any  `json:"values"`
}

type tfChange struct {
	Address       string          `json:"address"`
	ModuleAddress string          `json:"module_address"`
	Mode          string          `json:"mode"`
	Type          string          `json:"type"`
	Name          string          `json:"name"`
	Index         json.RawMessage `json:"index"`
	Change        struct {
		Actions      []string `json:"actions"`
		Before       any      `json:"before"`
		After        any      `json:"after"`
		AfterUnknown any      `json:"after_unknown"`
	} `json:"change"`
}

type tfConfig struct {
	RootModule tfConfigModule `json:"root_module"`
}

type tfConfigModule struct {
	Resources   []tfConfigResource      `json:"resources"`
	ModuleCalls map[string]tfModuleCall `json:"module_calls"`
}

type tfModuleCall struct {
	Module tfConfigModule `json:"module"`
}

type tfConfigResource struct {
	Mode        string                     `json:"mode"`
	Type        string                     `json:"type"`
	Name        string                     `json:"name"`
	Expressions map[string]json.RawMessage `json:"expressions"`
}

// A tfRes is one resource instance of the planned world.
type tfRes struct {
	addr, module, mode, typ, name, index string
	after, before                        map[string]any
	unknown                              any
	created                              bool
}

// Terraform reads a Terraform plan, the JSON of `terraform show -json
// plan.out`, into the world it plans. A state's JSON (`terraform show
// -json` without a plan) is read too, as a world of no changes. Input that
// is not such JSON, or of a major format version other than 1, is an error
// wrapping [ErrInput].
func Terraform(plan []byte) (*Source, error) {
	var p tfPlan
	if err := json.Unmarshal(plan, &p); err != nil {
		return nil, fmt.Errorf("iac: terraform plan: %w: %w", ErrInput, err)
	}
	if p.FormatVersion == "" {
		return nil, fmt.Errorf("iac: terraform plan: %w: no format_version (want the JSON of terraform show -json)", ErrInput)
	}
	// Terraform JSON Output Format: "Reject any input which reports an
	// unsupported major version."
	if major, _, _ := strings.Cut(p.FormatVersion, "."); major != "1" {
		return nil, fmt.Errorf("iac: terraform plan: %w: format_version %q (want 1.x)", ErrInput, p.FormatVersion)
	}
	w := newWorld()
	t := &tfReader{w: w, cfg: p.Configuration}
	t.collect(&p)
	// Buckets first, so that the resources that configure them find them.
	for _, r := range t.res {
		if r.mode == "managed" && r.typ == "aws_s3_bucket" {
			t.s3Bucket(r)
		}
	}
	for _, r := range t.res {
		t.resource(r)
	}
	t.attach()
	return w.finish(), nil
}

type tfReader struct {
	w   *world
	cfg *tfConfig
	res []*tfRes
	// policies maps the address and the ARN (when known) of each
	// aws_iam_policy to its index in Policies; attachments are those the
	// plan creates or changes.
	policies    map[string]int
	attachments []tfAttachment
	// removedPolicies maps the ARN of each aws_iam_policy the plan
	// deletes to its index in Removed.
	removedPolicies map[string]int
}

type tfAttachment struct {
	addr       string
	arn        string   // after the change; "" when unknown or deleted
	beforeARN  string   // before the change; "" when created
	ref        string   // the aws_iam_policy the configuration refers to
	before     []string // identities before the change; nil when created
	after      []string // identities after; nil when deleted
	afterKnown bool     // every identity after the change is known
	changed    bool     // created, changed or deleted
}

// collect lists the resource instances of the planned world.
func (t *tfReader) collect(p *tfPlan) {
	seen := map[string]bool{}
	for _, c := range p.ResourceChanges {
		if len(c.Change.Actions) == 1 && c.Change.Actions[0] == "delete" {
			seen[c.Address] = true
			t.removed(c)
			continue
		}
		r := &tfRes{addr: c.Address, module: c.ModuleAddress, mode: c.Mode, typ: c.Type, name: c.Name,
			index: string(bytes.TrimSpace(c.Index)), unknown: c.Change.AfterUnknown,
			created: slices.Contains(c.Change.Actions, "create")}
		r.after, _ = c.Change.After.(map[string]any)
		r.before, _ = c.Change.Before.(map[string]any)
		if r.after == nil {
			r.after = map[string]any{}
		}
		r.fillAddr()
		seen[c.Address] = true
		t.res = append(t.res, r)
	}
	var walk func(m *tfModule, module string)
	walk = func(m *tfModule, module string) {
		for _, rs := range m.Resources {
			if seen[rs.Address] {
				continue
			}
			seen[rs.Address] = true
			r := &tfRes{addr: rs.Address, module: module, mode: rs.Mode, typ: rs.Type, name: rs.Name,
				index: string(bytes.TrimSpace(rs.Index)), after: rs.Values, before: rs.Values}
			if r.after == nil {
				r.after = map[string]any{}
			}
			r.fillAddr()
			t.res = append(t.res, r)
		}
		for i := range m.ChildModules {
			walk(&m.ChildModules[i], m.ChildModules[i].Address)
		}
	}
	for _, v := range []*tfValues{p.PlannedValues, p.Values} {
		if v != nil && len(p.ResourceChanges) == 0 {
			walk(&v.RootModule, "")
		}
	}
	// The data sources Terraform read while planning are in its prior
	// state (Terraform JSON Output Format, "prior_state").
	if p.PriorState != nil && p.PriorState.Values != nil {
		var data func(m *tfModule)
		data = func(m *tfModule) {
			keep := m.Resources[:0:0]
			for _, rs := range m.Resources {
				if rs.Mode == "data" {
					keep = append(keep, rs)
				}
			}
			walk(&tfModule{Address: m.Address, Resources: keep}, m.Address)
			for i := range m.ChildModules {
				data(&m.ChildModules[i])
			}
		}
		data(&p.PriorState.Values.RootModule)
	}
}

// resource reads one resource of the planned world other than a bucket.
func (t *tfReader) resource(r *tfRes) {
	if r.mode == "data" {
		if r.typ == "aws_iam_policy_document" {
			t.policy(r, "json", 0, "")
		}
		return
	}
	switch r.typ {
	case "aws_s3_bucket_policy":
		e := t.bucketOf(r)
		if e == nil {
			// A bucket the plan does not show (a module's variable, a
			// bucket made elsewhere): the document is still a policy of
			// the plan, and the checks judge it.
			bucket := ""
			if !unknown(r.unknown, "bucket") {
				bucket = str(r.after, "bucket")
			}
			t.policy(r, "policy", resourceBased, bucket)
			break
		}
		e.set["GetBucketPolicy"] = true
		legacy, configured := e.legacyPolicy, e.legacyConfigured
		e.legacyPolicy = 0
		e.b.Policy = ""
		doc, ok := t.policy(r, "policy", resourceBased, bucketName(e))
		switch {
		case ok:
			e.b.Policy = string(doc)
		case unknown(r.unknown, "policy"):
			e.unread("GetBucketPolicy", "the policy of "+r.addr+" is known only after apply")
		}
		// The resource supersedes the bucket's policy attribute, which
		// mirrors it (AWS provider v4 and later). Where the bucket's
		// configuration sets the attribute too (provider v3, both
		// managing the policy) and the two differ, whichever is applied
		// last wins: both documents are kept, for the checks to judge.
		if legacy > 0 && (!configured || ok && policyJSONEqual(t.w.src.Policies[legacy-1].Document, doc)) {
			t.w.src.Policies[legacy-1].Address = ""
		}
	case "aws_s3_bucket_public_access_block":
		if e := t.bucketOf(r); e != nil {
			e.set["GetPublicAccessBlock"] = true
			if pab, ok := t.pab(r); ok {
				e.b.PublicAccessBlock = pab
			} else {
				e.unread("GetPublicAccessBlock", "the settings of "+r.addr+" are known only after apply")
			}
		}
	case "aws_s3_account_public_access_block":
		t.w.src.AccountAddress = r.addr
		if id, ok := r.after["account_id"].(string); ok && !unknown(r.unknown, "account_id") {
			t.w.src.Snapshot.Account.ID = id
		}
		if pab, ok := t.pab(r); ok {
			t.w.src.Snapshot.Account.PublicAccessBlock = pab
		} else {
			t.w.src.Snapshot.Account.Errors = append(t.w.src.Snapshot.Account.Errors, readError("GetPublicAccessBlock",
				"the settings of "+r.addr+" are known only after apply"))
		}
	case "aws_s3_bucket_ownership_controls":
		if e := t.bucketOf(r); e != nil {
			t.ownership(r, e)
		}
	case "aws_s3_bucket_acl":
		if e := t.bucketOf(r); e != nil {
			t.acl(r, e, r.after, "")
		}
	case "aws_s3_bucket_server_side_encryption_configuration":
		if e := t.bucketOf(r); e != nil {
			t.encryption(r, e, r.after, r.unknown, "")
		}
	case "aws_s3_bucket_versioning":
		if e := t.bucketOf(r); e != nil {
			t.versioning(r, e)
		}
	case "aws_s3_bucket_logging":
		if e := t.bucketOf(r); e != nil {
			t.logging(r, e, r.after, r.unknown, "")
		}
	case "aws_s3_bucket_lifecycle_configuration":
		if e := t.bucketOf(r); e != nil {
			t.lifecycle(r, e)
		}
	case "aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		if _, ok := t.policy(r, "policy", identityBased, ""); ok {
			i := len(t.w.src.Policies) - 1
			if r.typ == "aws_iam_policy" {
				if t.policies == nil {
					t.policies = map[string]int{}
				}
				t.policies[r.addr] = i
				if arn := str(r.after, "arn"); arn != "" && !unknown(r.unknown, "arn") {
					t.policies[arn] = i
				}
			}
		}
	case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment":
		t.attachment(r)
	case "aws_iam_user_group_membership", "aws_iam_group_membership":
		// Group memberships (Terraform AWS provider): a user gains the
		// group's policies, which the plan may not show.
		if r.created || !reflect.DeepEqual(r.before, r.after) {
			var before map[string]any
			if !r.createdFresh() {
				before = r.before
			}
			t.membership(r.addr, before, r.after)
		}
	case "aws_s3_access_point", "aws_s3control_access_point_policy":
		// An access point's policy (Terraform AWS provider: the policy
		// argument of both), resource-based. aws_s3_access_point's is
		// computed too: unknown and not set, it is no policy.
		if r.typ == "aws_s3_access_point" && unknown(r.unknown, "policy") && t.cfg != nil && !t.configured(r, "policy") {
			break
		}
		t.policy(r, "policy", resourceBased, "")
	case "aws_iam_role":
		t.policy(r, "assume_role_policy", trustPolicy, "")
		// managed_policy_arns: the policies it gains are attachments the
		// plan does not follow.
		if !reflect.DeepEqual(r.before["managed_policy_arns"], r.after["managed_policy_arns"]) || unknown(r.unknown, "managed_policy_arns") && t.configured(r, "managed_policy_arns") {
			had := map[string]bool{}
			if l, ok := r.before["managed_policy_arns"].([]any); ok && !r.createdFresh() {
				for _, a := range l {
					had[fmt.Sprint(a)] = true
				}
			}
			ids := tfIdentities(r.typ, r.after, r.unknown)
			if l, ok := r.after["managed_policy_arns"].([]any); ok && !unknown(r.unknown, "managed_policy_arns") {
				has := map[string]bool{}
				for _, a := range l {
					has[fmt.Sprint(a)] = true
					if !had[fmt.Sprint(a)] {
						t.w.src.Attachments = append(t.w.src.Attachments, Attachment{Address: r.addr + ".managed_policy_arns", PolicyARN: fmt.Sprint(a), Identities: ids})
					}
				}
				// One it loses may have held a Deny.
				for _, a := range slices.Sorted(maps.Keys(had)) {
					if !has[a] {
						t.w.src.Attachments = append(t.w.src.Attachments, Attachment{Address: r.addr + ".managed_policy_arns", PolicyARN: a, Before: tfIdentities(r.typ, r.before, nil)})
					}
				}
			} else {
				t.w.src.Attachments = append(t.w.src.Attachments, Attachment{Address: r.addr + ".managed_policy_arns", Identities: ids})
			}
		}
		// Inline policies the change drops are documents the role had.
		kept := map[any]bool{}
		for _, b := range blocks(r.after, "inline_policy") {
			kept[b["name"]] = true
		}
		if !r.createdFresh() {
			for i, b := range blocks(r.before, "inline_policy") {
				if s, _ := b["policy"].(string); s != "" && !kept[b["name"]] {
					if ids := tfIdentities(r.typ, r.before, nil); ids != nil {
						t.w.src.Removed = append(t.w.src.Removed, Policy{Address: r.addr, Path: "inline_policy[" + strconv.Itoa(i) + "].policy (before)",
							Type: policyType(identityBased, nil), Before: []byte(s), Identities: ids})
					}
				}
			}
		}
		for i, b := range blocks(r.after, "inline_policy") {
			path := "inline_policy[" + strconv.Itoa(i) + "].policy"
			if s, _ := b["policy"].(string); s != "" && !unknown(r.unknown, "inline_policy", i, "policy") {
				t.addPolicy(r, path, identityBased, "", []byte(s), t.inlineBefore(r, b))
			} else if unknown(r.unknown, "inline_policy", i, "policy") {
				t.w.unresolved(r.addr, path, "known only after apply")
				t.w.unresolvedPolicy(r.addr, path, identityBased, "")
			}
		}
	}
}

// attachment records a policy attachment of the plan (Terraform AWS
// provider: aws_iam_role_policy_attachment role,
// aws_iam_user_policy_attachment user, aws_iam_group_policy_attachment
// group, aws_iam_policy_attachment roles, users and groups; policy_arn),
// with the identities it attaches the policy to before and after the
// change.
func (t *tfReader) attachment(r *tfRes) {
	a := tfAttachment{addr: r.addr, ref: t.policyReference(r), changed: r.created || !reflect.DeepEqual(r.before, r.after)}
	if !unknown(r.unknown, "policy_arn") {
		a.arn = str(r.after, "policy_arn")
	}
	a.after, a.afterKnown = attachedIdentities(r.after, r.unknown)
	// A replaced attachment (role or policy_arn changed: delete, then
	// create) had its before too.
	if !r.createdFresh() {
		a.beforeARN = str(r.before, "policy_arn")
		a.before, _ = attachedIdentities(r.before, nil)
	}
	t.attachments = append(t.attachments, a)
}

// membership lists the group memberships that change, by group: the users
// each gains (Identities) or loses (Before) with its policies (Terraform
// AWS provider: aws_iam_user_group_membership user and groups,
// aws_iam_group_membership group and users).
func (t *tfReader) membership(addr string, before, after map[string]any) {
	pairs := func(m map[string]any) map[[2]string]bool {
		out := map[[2]string]bool{}
		if m == nil {
			return out
		}
		users, groups := []any{m["user"]}, []any{m["group"]}
		if l, ok := m["users"].([]any); ok {
			users = l
		}
		if l, ok := m["groups"].([]any); ok {
			groups = l
		}
		for _, g := range groups {
			for _, u := range users {
				if g, _ := g.(string); g != "" {
					if u, _ := u.(string); u != "" {
						out[[2]string{g, u}] = true
					}
				}
			}
		}
		return out
	}
	was, is := pairs(before), pairs(after)
	for _, p := range slices.SortedFunc(maps.Keys(is), compareKey) {
		if !was[p] {
			t.w.src.Attachments = append(t.w.src.Attachments, Attachment{Address: addr, What: "the policies of group/" + p[0], Identities: []string{"user/" + p[1]}})
		}
	}
	for _, p := range slices.SortedFunc(maps.Keys(was), compareKey) {
		if !is[p] {
			t.w.src.Attachments = append(t.w.src.Attachments, Attachment{Address: addr, What: "the policies of group/" + p[0], Before: []string{"user/" + p[1]}})
		}
	}
}

func compareKey(a, b [2]string) int {
	if c := strings.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return strings.Compare(a[1], b[1])
}

// attachedIdentities reads the identities of an attachment's values;
// known is false when one is known only after apply.
func attachedIdentities(values map[string]any, unknownValues any) (ids []string, known bool) {
	known = true
	for _, f := range []struct{ attr, kind string }{{"role", "role"}, {"user", "user"}, {"group", "group"}, {"roles", "role"}, {"users", "user"}, {"groups", "group"}} {
		if unknown(unknownValues, f.attr) {
			known = false
			continue
		}
		switch v := values[f.attr].(type) {
		case string:
			if v != "" {
				ids = append(ids, f.kind+"/"+v)
			}
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok && s != "" {
					ids = append(ids, f.kind+"/"+s)
				}
			}
		}
	}
	return ids, known
}

// policyReference is the aws_iam_policy of the plan that r's policy_arn
// expression refers to, by address; "" when none.
func (t *tfReader) policyReference(r *tfRes) string {
	if refs := t.references(r, "policy_arn", "aws_iam_policy"); len(refs) > 0 {
		return refs[0].base
	}
	return ""
}

// attach gives each attached policy of the plan the identities it is
// attached to before and after the change, and lists the attachments the
// change makes, alters or deletes that it cannot follow (a policy the plan
// does not hold, an identity known only after apply).
func (t *tfReader) attach() {
	for _, a := range t.attachments {
		followed := true
		if len(a.before) > 0 {
			if i, ok := t.policies[a.beforeARN]; ok && a.beforeARN != "" {
				t.w.src.Policies[i].AttachedBefore = append(t.w.src.Policies[i].AttachedBefore, a.before...)
			} else if i, ok := t.removedPolicies[a.beforeARN]; ok && a.beforeARN != "" {
				t.w.src.Removed[i].Identities = append(t.w.src.Removed[i].Identities, a.before...)
			} else {
				followed = false
			}
		}
		if len(a.after) > 0 || !a.afterKnown {
			i, ok := -1, false
			if a.arn != "" {
				i, ok = t.policies[a.arn]
			} else if a.ref != "" {
				i, ok = t.policies[a.ref]
			}
			if ok && a.afterKnown {
				t.w.src.Policies[i].AttachedAfter = append(t.w.src.Policies[i].AttachedAfter, a.after...)
			} else {
				followed = false
			}
		}
		if followed || !a.changed {
			continue
		}
		ids := a.after
		if !a.afterKnown {
			ids = nil
		}
		t.w.src.Attachments = append(t.w.src.Attachments, Attachment{Address: a.addr, PolicyARN: cmp.Or(a.arn, a.beforeARN), Identities: ids, Before: a.before})
	}
}

// tfIdentities names the identity a policy resource attaches its
// document to (Terraform AWS provider: aws_iam_role_policy.role,
// aws_iam_user_policy.user, aws_iam_group_policy.group; an aws_iam_role's
// inline policies, its name); nil when unknown or not said.
func tfIdentities(typ string, values map[string]any, unknownValues any) []string {
	kind, attr := "", ""
	switch typ {
	case "aws_iam_role_policy":
		kind, attr = "role", "role"
	case "aws_iam_user_policy":
		kind, attr = "user", "user"
	case "aws_iam_group_policy":
		kind, attr = "group", "group"
	case "aws_iam_role":
		kind, attr = "role", "name"
	default:
		return nil
	}
	if unknown(unknownValues, attr) {
		return nil
	}
	name := str(values, attr)
	if name == "" {
		return nil
	}
	// aws_iam_role_policy.role takes the role's name or its ID; both
	// name one role.
	return []string{kind + "/" + name}
}

// removed records the identity-based documents of a resource the plan
// deletes.
func (t *tfReader) removed(c tfChange) {
	before, _ := c.Change.Before.(map[string]any)
	if before == nil {
		return
	}
	add := func(path string, doc string) {
		ids := tfIdentities(c.Type, before, nil)
		if doc == "" || ids == nil {
			return
		}
		addr := c.Address
		t.w.src.Removed = append(t.w.src.Removed, Policy{Address: addr, Path: path, Type: policyType(identityBased, nil), Before: []byte(doc), Identities: ids})
	}
	switch c.Type {
	case "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment":
		ids, _ := attachedIdentities(before, nil)
		t.attachments = append(t.attachments, tfAttachment{addr: c.Address, beforeARN: str(before, "policy_arn"), before: ids, afterKnown: true, changed: true})
	case "aws_iam_policy":
		// Its attachments give it identities (attach).
		if doc, arn := str(before, "policy"), str(before, "arn"); doc != "" && arn != "" {
			if t.removedPolicies == nil {
				t.removedPolicies = map[string]int{}
			}
			t.removedPolicies[arn] = len(t.w.src.Removed)
			t.w.src.Removed = append(t.w.src.Removed, Policy{Address: c.Address, Path: "policy", Type: policyType(identityBased, nil), Before: []byte(doc)})
		}
	case "aws_iam_user_group_membership", "aws_iam_group_membership":
		t.membership(c.Address, before, nil)
	case "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy":
		add("policy", str(before, "policy"))
	case "aws_iam_role":
		for i, b := range blocks(before, "inline_policy") {
			add("inline_policy["+strconv.Itoa(i)+"].policy", str(b, "policy"))
		}
	}
}

// inlineBefore is the document of the role's inline policy of the same
// name before the change.
func (t *tfReader) inlineBefore(r *tfRes, after map[string]any) []byte {
	for _, b := range blocks(r.before, "inline_policy") {
		if b["name"] == after["name"] {
			if s, _ := b["policy"].(string); s != "" {
				return []byte(s)
			}
		}
	}
	return nil
}

// The policy kinds of addPolicy; 0 for a document whose use is not known.
const (
	identityBased = iota + 1
	resourceBased
	trustPolicy
)

// policy adds the document of r's attribute attr, reporting it unresolved
// when unknown; ok when it was added.
func (t *tfReader) policy(r *tfRes, attr string, kind int, bucket string) (doc []byte, ok bool) {
	if unknown(r.unknown, attr) {
		t.w.unresolved(r.addr, attr, "known only after apply")
		t.w.unresolvedPolicy(r.addr, attr, kind, bucket)
		return nil, false
	}
	s, _ := r.after[attr].(string)
	if strings.TrimSpace(s) == "" {
		return nil, false
	}
	var before []byte
	if b, _ := r.before[attr].(string); b != "" && !r.createdFresh() {
		before = []byte(b)
	}
	if r.mode == "data" {
		before = nil
	}
	t.addPolicy(r, attr, kind, bucket, []byte(s), before)
	return []byte(s), true
}

// fillAddr writes the address of a resource that does not give its own,
// as Terraform would.
func (r *tfRes) fillAddr() {
	if r.addr != "" {
		return
	}
	r.addr = r.typ + "." + r.name
	if r.mode == "data" {
		r.addr = "data." + r.addr
	}
	if r.index != "" && r.index != "null" {
		r.addr += "[" + r.index + "]"
	}
	if r.module != "" {
		r.addr = r.module + "." + r.addr
	}
}

// createdFresh reports whether the resource did not exist before.
func (r *tfRes) createdFresh() bool { return r.created && r.before == nil }

func (t *tfReader) addPolicy(r *tfRes, path string, kind int, bucket string, doc, before []byte) {
	p := Policy{Address: r.addr, Path: path, Type: policyType(kind, doc), Bucket: bucket, Document: doc, Before: before,
		DataSource: r.mode == "data"}
	if kind == identityBased {
		// The identity the resource attaches it to, after and before.
		p.Identities = tfIdentities(r.typ, r.after, r.unknown)
		p.BeforeIdentities = tfIdentities(r.typ, r.before, nil)
	}
	t.w.src.Policies = append(t.w.src.Policies, p)
}

// bucketName is the bucket's name, or "" for a placeholder.
func bucketName(e *bucketEntry) string {
	if strings.HasPrefix(e.b.Name, "<") {
		return ""
	}
	return e.b.Name
}

// policyJSONEqual reports whether two policy documents are the same JSON
// value.
func policyJSONEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(x, y)
}
