package simulate

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/xml"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy"
)

// The simulator's STS: AssumeRole and GetCallerIdentity through the
// SDK's sts client (the query protocol: POST / with a form), signed with
// SigV4 for the service "sts".

const stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"

// maxSessionPolicy is STS's limit on an inline session policy.
const maxSessionPolicy = 2048

// session is a role session: temporary credentials the simulator issued.
type session struct {
	arn      string // arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	role     *roleModel
	secret   string
	token    string
	expires  time.Time
	policy   *policy.Policy    // the inline session policy
	tags     map[string]string // session tags
	chained  bool              // assumed by a role session
	sourceID string
}

// isSTS reports whether a request is for STS: a form POSTed to /, or a
// query (q, the request's, parsed) with Action and Version.
func isSTS(r *http.Request, q url.Values) bool {
	if r.URL.Path != "/" {
		return false
	}
	if r.Method == http.MethodPost {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		return ct == "application/x-www-form-urlencoded"
	}
	return r.Method == http.MethodGet && q.Get("Action") != "" && q.Get("Version") != ""
}

func validationError(msg string) *s3Error {
	return errorf(http.StatusBadRequest, "ValidationError", msg)
}

// serveSTS answers an STS request.
func (c *call) serveSTS() error {
	c.sts = true
	sig, err := c.s.stsAuth.authenticate(c.r)
	if err != nil {
		return err
	}
	c.sig = sig
	if err := c.identify(); err != nil {
		return err
	}
	body, err := readBody(c.r.Body, maxConfigBody)
	if err != nil {
		return err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return errorf(http.StatusBadRequest, "MalformedQueryString", "The query string is malformed.")
	}
	for k, v := range c.r.URL.Query() {
		if _, ok := form[k]; !ok {
			form[k] = v
		}
	}
	c.op = form.Get("Action")
	if c.principal == "anonymous" {
		return errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
	}
	switch c.op {
	case "GetCallerIdentity":
		return c.getCallerIdentity()
	case "AssumeRole":
		return c.assumeRole(form)
	}
	return errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation "+c.op+" for version "+form.Get("Version"))
}

func (c *call) getCallerIdentity() error {
	p := c.caller.principal
	userID := uniqueID("AIDA", p.ARN)
	switch p.Kind {
	case policy.Root:
		userID = p.Account
	case policy.AssumedRole:
		userID = uniqueID("AROA", p.RoleARN) + ":" + p.Session
	}
	type result struct {
		XMLName xml.Name `xml:"GetCallerIdentityResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			Arn     string
			UserID  string `xml:"UserId"`
			Account string
		} `xml:"GetCallerIdentityResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	v := result{Xmlns: stsNS, RequestID: c.id}
	v.Result.Arn, v.Result.UserID, v.Result.Account = p.ARN, userID, p.Account
	return c.writeXML(v)
}

var sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

// assumeRole issues a role session, as STS does: the role's trust policy
// and, across accounts or for a trust policy naming only the account, the
// caller's own policies must allow sts:AssumeRole (and sts:TagSession for
// session tags); the session's permissions are the role's, cut down by
// the session policy.
func (c *call) assumeRole(form url.Values) error {
	roleARN, name := form.Get("RoleArn"), form.Get("RoleSessionName")
	if !sessionNameRE.MatchString(name) {
		return validationError("1 validation error detected: Value '" + name + "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")
	}
	duration := 3600
	if d := form.Get("DurationSeconds"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 {
			return validationError("1 validation error detected: Value '" + d + "' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")
		}
		duration = n
	}
	var sessPolicy *policy.Policy
	if doc := form.Get("Policy"); doc != "" {
		if len(doc) > maxSessionPolicy {
			return errorf(http.StatusBadRequest, "PackedPolicyTooLarge", "Packed size of the policy exceeds the limit.")
		}
		p, err := policy.Parse("session policy", policy.SessionPolicy, []byte(doc))
		if err != nil {
			return errorf(http.StatusBadRequest, "MalformedPolicyDocument", "The policy is not in the valid JSON format: "+err.Error())
		}
		sessPolicy = p
	}
	if form.Get("PolicyArns.member.1.arn") != "" {
		return notImplemented("managed session policies (PolicyArns)")
	}
	tags := map[string]string{}
	for i := 1; ; i++ {
		k, ok := form["Tags.member."+strconv.Itoa(i)+".Key"]
		if !ok {
			break
		}
		tags[k[0]] = form.Get("Tags.member." + strconv.Itoa(i) + ".Value")
	}
	if len(tags) > 50 {
		return validationError("Session tags cannot exceed 50.")
	}

	c.s.mu.RLock()
	role := c.s.m.roleByARN(roleARN)
	c.s.mu.RUnlock()
	if role == nil {
		c.explain = "no role " + roleARN + " in the world"
		return errorf(http.StatusForbidden, "AccessDenied", "User: "+c.principal+" is not authorized to perform: sts:AssumeRole on resource: "+roleARN)
	}
	chained := c.caller.principal.Kind == policy.AssumedRole
	switch {
	case chained && duration > 3600:
		return validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	case duration > role.maxDuration:
		return validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	ctx := c.stsContext(form, tags)
	actions := []string{"sts:AssumeRole"}
	if len(tags) > 0 {
		actions = append(actions, "sts:TagSession")
	}
	for _, action := range actions {
		if err := c.authorizeSTS(action, role, ctx); err != nil {
			return err
		}
	}
	sess := &session{role: role, policy: sessPolicy, tags: tags, chained: chained, sourceID: form.Get("SourceIdentity"),
		expires: c.now.Add(time.Duration(duration) * time.Second)}
	if chained && c.session != nil {
		// Transitive tags would carry over; the simulator carries all of
		// the caller's session tags it has not been given anew.
		for k, v := range c.session.tags {
			if _, set := sess.tags[k]; !set {
				sess.tags[k] = v
			}
		}
	}
	key := c.s.issue(sess, name)
	type result struct {
		XMLName xml.Name `xml:"AssumeRoleResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Result  struct {
			AssumedRoleUser struct {
				Arn           string
				AssumedRoleID string `xml:"AssumedRoleId"`
			}
			Credentials struct {
				AccessKeyID     string `xml:"AccessKeyId"`
				SecretAccessKey string
				SessionToken    string
				Expiration      string
			}
			PackedPolicySize int    `xml:",omitempty"`
			SourceIdentity   string `xml:",omitempty"`
		} `xml:"AssumeRoleResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	v := result{Xmlns: stsNS, RequestID: c.id}
	v.Result.AssumedRoleUser.Arn = sess.arn
	v.Result.AssumedRoleUser.AssumedRoleID = uniqueID("AROA", role.arn) + ":" + name
	v.Result.Credentials.AccessKeyID, v.Result.Credentials.SecretAccessKey = key, sess.secret
	v.Result.Credentials.SessionToken, v.Result.Credentials.Expiration = sess.token, sess.expires.UTC().Format(time.RFC3339)
	if sessPolicy != nil || len(tags) > 0 {
		v.Result.PackedPolicySize = (len(form.Get("Policy")) + 64*len(tags)) * 100 / maxSessionPolicy
	}
	v.Result.SourceIdentity = sess.sourceID
	return c.writeXML(v)
}

// stsContext returns the condition keys of an AssumeRole request.
func (c *call) stsContext(form url.Values, tags map[string]string) map[string][]string {
	ctx := map[string][]string{
		"aws:SecureTransport": {strconv.FormatBool(c.r.TLS != nil)},
		"aws:CurrentTime":     {c.now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(c.now.Unix(), 10)},
		"sts:RoleSessionName": {form.Get("RoleSessionName")},
	}
	if ip := sourceIP(c.r); ip != "" {
		ctx["aws:SourceIp"] = []string{ip}
	}
	if id := form.Get("ExternalId"); id != "" {
		ctx["sts:ExternalId"] = []string{id}
	}
	if id := form.Get("SourceIdentity"); id != "" {
		ctx["sts:SourceIdentity"] = []string{id}
	}
	for k, v := range c.caller.tags {
		ctx["aws:PrincipalTag/"+k] = []string{v}
	}
	var keys []string
	for k, v := range tags {
		ctx["aws:RequestTag/"+k] = []string{v}
		keys = append(keys, k)
	}
	if len(keys) > 0 {
		ctx["aws:TagKeys"] = keys
	}
	return ctx
}

// authorizeSTS decides an action on a role: its trust policy is the
// resource-based policy.
func (c *call) authorizeSTS(action string, role *roleModel, ctx map[string][]string) error {
	p := c.caller.principal
	r := &policy.Request{Principal: p, Action: action, Resource: role.arn, ResourceAccount: role.account, Context: policy.NewContext(ctx)}
	set := &policy.Set{Identity: c.caller.policies, Boundary: c.caller.boundary, Session: c.caller.session, Resource: role.trust}
	c.s.mu.RLock()
	set.SCPs = c.s.m.scpsOf(p.Account)
	set.RCPs = c.s.m.rcpsOf(role.account)
	c.s.mu.RUnlock()
	ex := set.Explain(r)
	d := Decision{Allowed: ex.Decision == policy.Allowed, Explained: ex.Result.Message(r)}
	d.Explanation = ex
	c.decision = &d
	if !d.Allowed {
		c.explain = d.Explained
		// STS names the role, without the reason.
		return errorf(http.StatusForbidden, "AccessDenied", "User: "+p.ARN+" is not authorized to perform: "+action+" on resource: "+role.arn)
	}
	return nil
}

// issue records a session and returns its access key ID.
func (s *Simulator) issue(sess *session, name string) string {
	key := "ASIA" + randomBase32(16)
	sess.arn = "arn:aws:sts::" + sess.role.account + ":assumed-role/" + sess.role.name + "/" + name
	sess.secret = randomBase64(30)
	sess.token = randomBase64(120)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, old := range s.sessions {
		if !s.now().Before(old.expires) {
			delete(s.sessions, k)
		}
	}
	s.sessions[key] = sess
	return key
}

// roleByARN finds a role by ARN, with or without its path.
func (m *model) roleByARN(arn string) *roleModel {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return nil
	}
	account, res, _ := strings.Cut(rest, ":")
	name, ok := strings.CutPrefix(res, "role/")
	if !ok {
		return nil
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	r := m.roles[account+"/"+name]
	if r == nil || r.arn != arn && "arn:aws:iam::"+account+":role/"+name != arn {
		return nil
	}
	return r
}

// uniqueID is the simulated unique ID of an IAM identity (AIDA..., AROA...).
func uniqueID(prefix, arn string) string {
	k := derivedKey("unique id", arn)
	return prefix + k.ID[4:]
}

func randomBase32(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base32.StdEncoding.EncodeToString(b)[:n]
}

func randomBase64(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// writeQueryError writes an error of the query protocol (STS's and IAM's),
// in the service's XML namespace ns.
func writeQueryError(w http.ResponseWriter, e *s3Error, requestID, ns string) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	type errorXML struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct {
			Type    string
			Code    string
			Message string
		}
		RequestID string `xml:"RequestId"`
	}
	v := errorXML{Xmlns: ns, RequestID: requestID}
	v.Error.Type, v.Error.Code, v.Error.Message = typ, e.code, e.message
	body, _ := xml.Marshal(v)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	w.Write(body)
}

// apply adds a session's policy and tags to its role's caller.
func (sess *session) apply(c *caller) {
	c.session = sess.policy
	tags := maps.Clone(c.tags)
	if tags == nil {
		tags = map[string]string{}
	}
	maps.Copy(tags, sess.tags)
	c.tags = tags
}
