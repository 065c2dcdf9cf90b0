package simulate

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/presign"
)

// The Organizations API's read calls a collector makes (JSON 1.1, X-Amz-Target
// "AWSOrganizationsV20161128.<Operation>", SigV4 for the service
// "organizations"): DescribeOrganization, ListParents,
// ListPoliciesForTarget and DescribePolicy, answered from the world's
// organization. As the Organizations API Reference says of the last three,
// "This operation can be called only from the organization's management
// account or by a member account that is a delegated administrator"
// (delegated administrators are not simulated); DescribeOrganization may
// be called from any account of the organization. Each is also authorized
// by the caller's identity policies, boundary and session policy (SCPs do
// not apply in the management account). An account outside the
// organization gets AWSOrganizationsNotInUseException.

const orgTargetPrefix = "AWSOrganizationsV20161128."

// isOrganizations reports whether a request is a call of the
// Organizations API.
func isOrganizations(r *http.Request) bool {
	return r.Method == http.MethodPost && r.URL.Path == "/" && strings.HasPrefix(r.Header.Get("X-Amz-Target"), orgTargetPrefix)
}

func orgError(code, message string) *s3Error { return errorf(http.StatusBadRequest, code, message) }

// orgDenied is Organizations' AccessDeniedException for a caller whose
// policies do not allow the action.
func orgDenied(r *policy.Request, _ policy.Result) error {
	return orgError("AccessDeniedException", "User: "+r.Principal.ARN+" is not authorized to perform: "+r.Action+" on resource: "+r.Resource)
}

// serveOrganizations answers an Organizations API request.
func (c *call) serveOrganizations() error {
	c.orgAPI = true
	c.op = strings.TrimPrefix(c.r.Header.Get("X-Amz-Target"), orgTargetPrefix)
	auth := sigV4{&presign.Verifier{Credentials: credentialStore{c.s}, Region: c.s.m.region, Service: "organizations", Now: c.s.now}}
	sig, err := auth.authenticate(c.r)
	if err != nil {
		return kmsAuthError(err)
	}
	c.sig = sig
	if err := c.identify(); err != nil {
		return kmsAuthError(err)
	}
	if c.principal == "anonymous" {
		return orgError("MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	body, err := readBody(c.r.Body, maxConfigBody)
	if err != nil {
		return err
	}
	var in struct {
		ChildID    string `json:"ChildId"`
		TargetID   string `json:"TargetId"`
		PolicyID   string `json:"PolicyId"`
		Filter     string
		MaxResults int
		NextToken  string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return orgError("SerializationException", "The request body is not valid JSON: "+err.Error())
	}
	c.s.mu.RLock()
	o := c.s.m.orgTree
	account := c.caller.principal.Account
	member := o != nil && (c.s.m.org[account] || o.mgmt == account)
	c.s.mu.RUnlock()
	if !member {
		return orgError("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
	}
	switch c.op {
	case "DescribeOrganization":
		if err := c.authorizeAPI("organizations:DescribeOrganization", "*", account, orgDenied); err != nil {
			return err
		}
		org := map[string]any{"Id": o.id, "Arn": o.arn("organization/" + o.id), "FeatureSet": "ALL"}
		if o.mgmt != "" {
			org["MasterAccountId"] = o.mgmt
			org["MasterAccountArn"] = o.arn("account/" + o.id + "/" + o.mgmt)
		}
		return c.writeJSON(map[string]any{"Organization": org})
	case "ListParents", "ListPoliciesForTarget", "DescribePolicy":
	default:
		return orgError("UnknownOperationException", "")
	}
	if account != o.mgmt {
		return orgError("AccessDeniedException", "You don't have permissions to access this resource.")
	}
	switch c.op {
	case "ListParents":
		return c.listParents(o, in.ChildID)
	case "ListPoliciesForTarget":
		return c.listPoliciesForTarget(o, in.TargetID, in.Filter, in.MaxResults, in.NextToken)
	}
	return c.describePolicy(o, in.PolicyID)
}

// arn is the ARN of one of the organization's resources.
func (o *orgModel) arn(resource string) string {
	return "arn:aws:organizations::" + o.mgmt + ":" + resource
}

// target is a root, an OU or an account of the organization: its place
// on the path (0 the root, len(ous)+1 an account) and its ARN.
func (c *call) orgTarget(o *orgModel, id string) (level int, arn string, ok bool) {
	switch {
	case id == o.rootID:
		return 0, o.arn("root/" + o.id + "/" + id), true
	case strings.HasPrefix(id, "ou-"):
		for i, ou := range o.ous {
			if ou.ID == id {
				return i + 1, o.arn("ou/" + o.id + "/" + id), true
			}
		}
	case policy.IsAccountID(id):
		c.s.mu.RLock()
		in := c.s.m.org[id]
		c.s.mu.RUnlock()
		if in {
			return len(o.ous) + 1, o.arn("account/" + o.id + "/" + id), true
		}
		if id == o.mgmt {
			// A management account the world does not put on the path
			// sits under the root.
			return -1, o.arn("account/" + o.id + "/" + id), true
		}
	}
	return 0, "", false
}

func (c *call) listParents(o *orgModel, child string) error {
	level, arn, ok := c.orgTarget(o, child)
	if !ok || level == 0 {
		return orgError("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	}
	if err := c.authorizeAPI("organizations:ListParents", arn, o.mgmt, orgDenied); err != nil {
		return err
	}
	parent := map[string]string{"Id": o.rootID, "Type": "ROOT"}
	if level > 1 {
		parent = map[string]string{"Id": o.ous[level-2].ID, "Type": "ORGANIZATIONAL_UNIT"}
	}
	return c.writeJSON(map[string]any{"Parents": []map[string]string{parent}})
}

// orgSummary is a PolicySummary of the Organizations API.
func (o *orgModel) summary(p *orgPolicy, typ string) map[string]any {
	kind := strings.ToLower(typ)
	if p.id == fullAWSAccessID || p.id == rcpFullAWSAccessID {
		return map[string]any{"Id": p.id, "Arn": "arn:aws:organizations::aws:policy/" + kind + "/" + p.id, "Name": p.name, "Type": typ,
			"AwsManaged": true, "Description": "Allows access to every operation"}
	}
	return map[string]any{"Id": p.id, "Arn": o.arn("policy/" + o.id + "/" + kind + "/" + p.id), "Name": p.name, "Type": typ, "AwsManaged": false}
}

var (
	fullAWSAccessEntry    = &orgPolicy{id: fullAWSAccessID, name: "FullAWSAccess", doc: json.RawMessage(fullAWSAccessDoc)}
	rcpFullAWSAccessEntry = &orgPolicy{id: rcpFullAWSAccessID, name: "RCPFullAWSAccess", doc: json.RawMessage(fullAWSAccessDoc)}
)

// attached returns the policies of a type attached at a level of the
// path: as the world gives them, with FullAWSAccess where AWS attaches it
// (every level of SCPs unless the world says otherwise, every target past
// the levels given) and RCPFullAWSAccess everywhere. A type the world has
// no levels of is not enabled: nothing is attached.
func (o *orgModel) attached(level int, typ string) []*orgPolicy {
	levels, full, fullOn := o.scps, fullAWSAccessEntry, o.fullAWSAccess
	if typ == "RESOURCE_CONTROL_POLICY" {
		levels, full, fullOn = o.rcps, rcpFullAWSAccessEntry, true
	}
	if len(levels) == 0 {
		return nil
	}
	if level < 0 || level >= len(levels) {
		return []*orgPolicy{full}
	}
	out := append([]*orgPolicy(nil), levels[level]...)
	if fullOn {
		out = append([]*orgPolicy{full}, out...)
	}
	return out
}

func (c *call) listPoliciesForTarget(o *orgModel, id, typ string, max int, token string) error {
	if typ != "SERVICE_CONTROL_POLICY" && typ != "RESOURCE_CONTROL_POLICY" {
		return orgError("InvalidInputException", "You specified an invalid value for the Filter parameter: the simulator serves SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY.")
	}
	level, arn, ok := c.orgTarget(o, id)
	if !ok {
		return orgError("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.")
	}
	if err := c.authorizeAPI("organizations:ListPoliciesForTarget", arn, o.mgmt, orgDenied); err != nil {
		return err
	}
	ps := o.attached(level, typ)
	if max == 0 {
		max = 20
	}
	if max < 1 || max > 20 {
		return orgError("InvalidInputException", "MaxResults must be between 1 and 20.")
	}
	from := 0
	if token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(token, "s3vet-"))
		if err != nil || !strings.HasPrefix(token, "s3vet-") || n < 0 || n > len(ps) {
			return orgError("InvalidInputException", "The NextToken is not valid.")
		}
		from = n
	}
	to := min(from+max, len(ps))
	out := map[string]any{}
	sums := make([]map[string]any, 0, to-from)
	for _, p := range ps[from:to] {
		sums = append(sums, o.summary(p, typ))
	}
	out["Policies"] = sums
	if to < len(ps) {
		out["NextToken"] = "s3vet-" + strconv.Itoa(to)
	}
	return c.writeJSON(out)
}

func (c *call) describePolicy(o *orgModel, id string) error {
	var found *orgPolicy
	typ := "SERVICE_CONTROL_POLICY"
	find := func(levels [][]*orgPolicy, full *orgPolicy, t string) {
		if found != nil || len(levels) == 0 {
			return
		}
		if id == full.id {
			found, typ = full, t
		}
		for _, l := range levels {
			for _, p := range l {
				if found == nil && p.id == id {
					found, typ = p, t
				}
			}
		}
	}
	find(o.scps, fullAWSAccessEntry, "SERVICE_CONTROL_POLICY")
	find(o.rcps, rcpFullAWSAccessEntry, "RESOURCE_CONTROL_POLICY")
	if found == nil {
		return orgError("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.")
	}
	sum := o.summary(found, typ)
	if err := c.authorizeAPI("organizations:DescribePolicy", sum["Arn"].(string), o.mgmt, orgDenied); err != nil {
		return err
	}
	return c.writeJSON(map[string]any{"Policy": map[string]any{"PolicySummary": sum, "Content": string(found.doc)}})
}
