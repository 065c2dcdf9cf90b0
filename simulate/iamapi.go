package simulate

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/presign"
)

// The IAM API's read calls a collector makes (the query protocol, as the
// SDK's iam client sends it: a form POSTed to /, signed with SigV4 for the
// service "iam"): GetAccountAuthorizationDetails, which returns an
// account's users, groups, roles and managed policies with their
// relationships, and ListRoles, for what it leaves out (a role's
// MaxSessionDuration). Each answers for the caller's own account, and is
// authorized as IAM authorizes it: the caller's identity policies,
// boundary, session policy and SCPs; an account's root may always.
//
// IAM's answers are paginated with MaxItems (100 when omitted, 1 to 1000)
// and Marker, and policy documents are URL-encoded (RFC 3986), as IAM
// returns them (IAM API Reference, "GetAccountAuthorizationDetails").

const iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"

// iamCreated is the creation date of every IAM object the simulator
// shows: the world does not say when they were made.
const iamCreated = "2026-01-01T00:00:00Z"

// isIAM reports whether a request is for IAM: signed for the service iam.
func isIAM(r *http.Request) bool {
	return r.URL.Path == "/" && r.Method == http.MethodPost && strings.Contains(r.Header.Get("Authorization"), "/iam/aws4_request")
}

// serveIAM answers an IAM API request.
func (c *call) serveIAM() error {
	c.iam = true
	auth := sigV4{&presign.Verifier{Credentials: credentialStore{c.s}, Region: c.s.m.region, Service: "iam", Now: c.s.now}}
	sig, err := auth.authenticate(c.r)
	if err != nil {
		return err
	}
	c.sig = sig
	if err := c.identify(); err != nil {
		return err
	}
	if c.principal == "anonymous" {
		return errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	body, err := readBody(c.r.Body, maxConfigBody)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return errorf(http.StatusBadRequest, "MalformedQueryString", "The query string is malformed.")
	}
	c.op = form.Get("Action")
	account := c.caller.principal.Account
	switch c.op {
	case "GetAccountAuthorizationDetails":
		if err := c.authorizeAPI("iam:GetAccountAuthorizationDetails", "*", account, iamDenied); err != nil {
			return err
		}
		return c.getAccountAuthorizationDetails(form)
	case "ListRoles":
		if err := c.authorizeAPI("iam:ListRoles", "arn:aws:iam::"+account+":role/", account, iamDenied); err != nil {
			return err
		}
		return c.listRoles(form)
	}
	return errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation "+c.op+" for version "+form.Get("Version"))
}

// iamDenied is IAM's AccessDenied: the caller, the action and the
// resource, and, for an explicit deny, the type of policy that denied.
func iamDenied(r *policy.Request, res policy.Result) error {
	msg := "User: " + r.Principal.ARN + " is not authorized to perform: " + r.Action + " on resource: " + r.Resource
	if res.Decision == policy.ExplicitDeny {
		msg += " with an explicit deny in " + article(res.Type.String()) + " " + res.Type.String()
	} else {
		msg += " because no " + res.Type.String() + " allows the " + r.Action + " action"
	}
	return errorf(http.StatusForbidden, "AccessDenied", msg)
}

func article(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an"
	}
	return "a"
}

// authorizeAPI decides an action of an AWS API other than S3's on the
// caller's side alone (identity policies, boundary, session policy,
// SCPs), as for an action on no resource-based policy; denied makes the
// service's error. The caller does not hold c.s.mu.
func (c *call) authorizeAPI(action, resource, account string, denied func(*policy.Request, policy.Result) error) error {
	p := c.caller.principal
	ctx := map[string][]string{
		"aws:SecureTransport": {strconv.FormatBool(c.r.TLS != nil)},
		"aws:CurrentTime":     {c.now.UTC().Format("2006-01-02T15:04:05Z")},
		"aws:EpochTime":       {strconv.FormatInt(c.now.Unix(), 10)},
	}
	if ip := sourceIP(c.r); ip != "" {
		ctx["aws:SourceIp"] = []string{ip}
	}
	for k, v := range c.caller.tags {
		ctx["aws:PrincipalTag/"+k] = []string{v}
	}
	c.s.mu.RLock()
	if c.s.m.orgID != "" && c.s.m.org[p.Account] {
		ctx["aws:PrincipalOrgID"] = []string{c.s.m.orgID}
	}
	set := &policy.Set{Identity: c.caller.policies, Boundary: c.caller.boundary, Session: c.caller.session, SCPs: c.s.m.scpsOf(p.Account)}
	c.s.mu.RUnlock()
	r := &policy.Request{Principal: p, Action: action, Resource: resource, ResourceAccount: account, Context: policy.NewContext(ctx)}
	ex := set.Explain(r)
	d := Decision{Allowed: ex.Decision == policy.Allowed, Explained: ex.Result.Message(r)}
	d.Explanation = ex
	c.decision = &d
	if !d.Allowed {
		c.explain = d.Explained
		return denied(r, ex.Result)
	}
	return nil
}

// encodeDoc URL-encodes a policy document as IAM returns it (RFC 3986:
// a space is %20).
func encodeDoc(doc json.RawMessage) string {
	return strings.ReplaceAll(url.QueryEscape(string(doc)), "+", "%20")
}

// page reads MaxItems and Marker: the first item of the page and its
// size. A marker is the simulator's own, an offset.
func page(form url.Values, n int) (from, size int, err error) {
	size = 100
	if s := form.Get("MaxItems"); s != "" {
		if size, err = strconv.Atoi(s); err != nil || size < 1 || size > 1000 {
			return 0, 0, validationError("1 validation error detected: Value '" + s + "' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000")
		}
	}
	if m := form.Get("Marker"); m != "" {
		b, err := base64.RawURLEncoding.DecodeString(m)
		from, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "s3vet:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(b), "s3vet:") || from < 0 || from > n {
			return 0, 0, validationError("Invalid Marker.")
		}
		return from, size, nil
	}
	return 0, size, nil
}

func marker(next int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s3vet:" + strconv.Itoa(next)))
}

// The XML of IAM's answers.
type (
	xmlPolicyDetail struct {
		PolicyName     string
		PolicyDocument string
	}
	xmlAttached struct {
		PolicyName string
		PolicyArn  string
	}
	xmlBoundary struct {
		PermissionsBoundaryType string
		PermissionsBoundaryArn  string
	}
	xmlTag struct {
		Key   string
		Value string
	}
	xmlUserDetail struct {
		Path                    string
		UserName                string
		UserID                  string `xml:"UserId"`
		Arn                     string
		CreateDate              string
		UserPolicyList          []xmlPolicyDetail `xml:"UserPolicyList>member"`
		GroupList               []string          `xml:"GroupList>member"`
		AttachedManagedPolicies []xmlAttached     `xml:"AttachedManagedPolicies>member"`
		PermissionsBoundary     *xmlBoundary      `xml:",omitempty"`
		Tags                    []xmlTag          `xml:"Tags>member"`
	}
	xmlGroupDetail struct {
		Path                    string
		GroupName               string
		GroupID                 string `xml:"GroupId"`
		Arn                     string
		CreateDate              string
		GroupPolicyList         []xmlPolicyDetail `xml:"GroupPolicyList>member"`
		AttachedManagedPolicies []xmlAttached     `xml:"AttachedManagedPolicies>member"`
	}
	xmlRoleDetail struct {
		Path                     string
		RoleName                 string
		RoleID                   string `xml:"RoleId"`
		Arn                      string
		CreateDate               string
		AssumeRolePolicyDocument string            `xml:",omitempty"`
		RolePolicyList           []xmlPolicyDetail `xml:"RolePolicyList>member"`
		AttachedManagedPolicies  []xmlAttached     `xml:"AttachedManagedPolicies>member"`
		PermissionsBoundary      *xmlBoundary      `xml:",omitempty"`
		Tags                     []xmlTag          `xml:"Tags>member"`
	}
	xmlPolicyVersion struct {
		Document         string
		VersionID        string `xml:"VersionId"`
		IsDefaultVersion bool
		CreateDate       string
	}
	xmlManagedPolicy struct {
		PolicyName                    string
		PolicyID                      string `xml:"PolicyId"`
		Arn                           string
		Path                          string
		DefaultVersionID              string `xml:"DefaultVersionId"`
		AttachmentCount               int
		PermissionsBoundaryUsageCount int
		IsAttachable                  bool
		CreateDate                    string
		UpdateDate                    string
		PolicyVersionList             []xmlPolicyVersion `xml:"PolicyVersionList>member"`
	}
)

func xmlInline(ips []inlinePolicy) []xmlPolicyDetail {
	out := make([]xmlPolicyDetail, 0, len(ips))
	for _, ip := range ips {
		out = append(out, xmlPolicyDetail{ip.name, encodeDoc(ip.doc)})
	}
	return out
}

func xmlAttachedOf(mms []*managedModel) []xmlAttached {
	out := make([]xmlAttached, 0, len(mms))
	for _, mm := range mms {
		out = append(out, xmlAttached{mm.name, mm.arn})
	}
	return out
}

func xmlBoundaryOf(mm *managedModel) *xmlBoundary {
	if mm == nil {
		return nil
	}
	return &xmlBoundary{"Policy", mm.arn}
}

func xmlTags(tags map[string]string) []xmlTag {
	out := make([]xmlTag, 0, len(tags))
	for k, v := range tags {
		out = append(out, xmlTag{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// getAccountAuthorizationDetails lists the account's users, groups, roles
// and managed policies (customer managed, and the AWS managed ones the
// world declares), in that order, those of the types Filter names.
func (c *call) getAccountAuthorizationDetails(form url.Values) error {
	filter := map[string]bool{}
	for i := 1; ; i++ {
		v, ok := form["Filter.member."+strconv.Itoa(i)]
		if !ok {
			break
		}
		switch v[0] {
		case "User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy":
			filter[v[0]] = true
		default:
			return validationError("1 validation error detected: Value '[" + v[0] + "]' at 'filter' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [User, Role, LocalManagedPolicy, Group, AWSManagedPolicy]]")
		}
	}
	all := len(filter) == 0
	account := c.caller.principal.Account
	c.s.mu.RLock()
	ia := c.s.m.iam[account]
	if ia == nil {
		ia = &iamAccount{}
	}
	// items are the answer's entries, each one of the four lists'.
	var items []any
	if all || filter["User"] {
		for _, u := range ia.users {
			items = append(items, xmlUserDetail{Path: u.path, UserName: u.name, UserID: uniqueID("AIDA", u.arn), Arn: u.arn, CreateDate: iamCreated,
				UserPolicyList: xmlInline(u.inline), GroupList: u.groups, AttachedManagedPolicies: xmlAttachedOf(u.attached),
				PermissionsBoundary: xmlBoundaryOf(u.boundary), Tags: xmlTags(u.tags)})
		}
	}
	if all || filter["Group"] {
		for _, g := range ia.groups {
			arn := "arn:aws:iam::" + account + ":group" + g.path + g.name
			items = append(items, xmlGroupDetail{Path: g.path, GroupName: g.name, GroupID: uniqueID("AGPA", arn), Arn: arn, CreateDate: iamCreated,
				GroupPolicyList: xmlInline(g.inline), AttachedManagedPolicies: xmlAttachedOf(g.attached)})
		}
	}
	if all || filter["Role"] {
		for _, r := range ia.roles {
			rd := xmlRoleDetail{Path: r.path, RoleName: r.role.name, RoleID: uniqueID("AROA", r.role.arn), Arn: r.role.arn, CreateDate: iamCreated,
				RolePolicyList: xmlInline(r.inline), AttachedManagedPolicies: xmlAttachedOf(r.attached),
				PermissionsBoundary: xmlBoundaryOf(r.boundary), Tags: xmlTags(r.role.tags)}
			if len(r.trustDoc) > 0 {
				rd.AssumeRolePolicyDocument = encodeDoc(r.trustDoc)
			}
			items = append(items, rd)
		}
	}
	managed := func(mm *managedModel) xmlManagedPolicy {
		return xmlManagedPolicy{PolicyName: mm.name, PolicyID: uniqueID("ANPA", mm.arn), Arn: mm.arn, Path: mm.path, DefaultVersionID: "v1",
			AttachmentCount: mm.attachments, PermissionsBoundaryUsageCount: mm.boundaryUses, IsAttachable: true,
			CreateDate: iamCreated, UpdateDate: iamCreated,
			PolicyVersionList: []xmlPolicyVersion{{Document: encodeDoc(mm.doc), VersionID: "v1", IsDefaultVersion: true, CreateDate: iamCreated}}}
	}
	if all || filter["LocalManagedPolicy"] {
		for _, mm := range ia.policies {
			items = append(items, managed(mm))
		}
	}
	if all || filter["AWSManagedPolicy"] {
		for _, mm := range c.s.m.awsManaged {
			items = append(items, managed(mm))
		}
	}
	c.s.mu.RUnlock()
	from, size, err := page(form, len(items))
	if err != nil {
		return err
	}
	type result struct {
		XMLName xml.Name `xml:"GetAccountAuthorizationDetailsResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			UserDetailList  []xmlUserDetail    `xml:"UserDetailList>member"`
			GroupDetailList []xmlGroupDetail   `xml:"GroupDetailList>member"`
			RoleDetailList  []xmlRoleDetail    `xml:"RoleDetailList>member"`
			Policies        []xmlManagedPolicy `xml:"Policies>member"`
			IsTruncated     bool
			Marker          string `xml:",omitempty"`
		} `xml:"GetAccountAuthorizationDetailsResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	v := result{Xmlns: iamNS, RequestID: c.id}
	to := min(from+size, len(items))
	for _, it := range items[from:to] {
		switch it := it.(type) {
		case xmlUserDetail:
			v.Result.UserDetailList = append(v.Result.UserDetailList, it)
		case xmlGroupDetail:
			v.Result.GroupDetailList = append(v.Result.GroupDetailList, it)
		case xmlRoleDetail:
			v.Result.RoleDetailList = append(v.Result.RoleDetailList, it)
		case xmlManagedPolicy:
			v.Result.Policies = append(v.Result.Policies, it)
		}
	}
	if to < len(items) {
		v.Result.IsTruncated, v.Result.Marker = true, marker(to)
	}
	return c.writeXML(v)
}

// listRoles lists the account's roles under PathPrefix, with what
// GetAccountAuthorizationDetails leaves out.
func (c *call) listRoles(form url.Values) error {
	prefix := form.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	type xmlRole struct {
		Path                     string
		RoleName                 string
		RoleID                   string `xml:"RoleId"`
		Arn                      string
		CreateDate               string
		AssumeRolePolicyDocument string `xml:",omitempty"`
		MaxSessionDuration       int
	}
	var roles []xmlRole
	c.s.mu.RLock()
	if ia := c.s.m.iam[c.caller.principal.Account]; ia != nil {
		for _, r := range ia.roles {
			if !strings.HasPrefix(r.path, prefix) {
				continue
			}
			x := xmlRole{Path: r.path, RoleName: r.role.name, RoleID: uniqueID("AROA", r.role.arn), Arn: r.role.arn, CreateDate: iamCreated,
				MaxSessionDuration: r.role.maxDuration}
			if len(r.trustDoc) > 0 {
				x.AssumeRolePolicyDocument = encodeDoc(r.trustDoc)
			}
			roles = append(roles, x)
		}
	}
	c.s.mu.RUnlock()
	from, size, err := page(form, len(roles))
	if err != nil {
		return err
	}
	type result struct {
		XMLName xml.Name `xml:"ListRolesResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			Roles       []xmlRole `xml:"Roles>member"`
			IsTruncated bool
			Marker      string `xml:",omitempty"`
		} `xml:"ListRolesResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	v := result{Xmlns: iamNS, RequestID: c.id}
	to := min(from+size, len(roles))
	v.Result.Roles = roles[from:to]
	if to < len(roles) {
		v.Result.IsTruncated, v.Result.Marker = true, marker(to)
	}
	return c.writeXML(v)
}
