package simulate

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy"
)

// controlPrefix starts the paths of the S3 Control API, which the SDK's
// s3control client sends to ACCOUNT.s3-control.REGION.amazonaws.com, or
// to ACCOUNT.HOST of a custom endpoint.
const controlPrefix = "/v20180820/"

const controlNS = "http://awss3control.amazonaws.com/doc/2018-08-20/"

// serveControl answers the account's Block Public Access configuration:
// GET, PUT and DELETE /v20180820/configuration/publicAccessBlock with the
// account in x-amz-account-id.
func (c *call) serveControl() error {
	c.control = true
	sig, err := c.s.auth.authenticate(c.r)
	if err != nil {
		return err
	}
	c.sig = sig
	if err := c.identify(); err != nil {
		return err
	}
	account := c.r.Header.Get("X-Amz-Account-Id")
	if rest, ok := strings.CutPrefix(c.r.URL.Path, controlPrefix+"accesspoint"); ok && (rest == "" || rest[0] == '/') {
		if !policy.IsAccountID(account) {
			return invalidRequest("x-amz-account-id must be a 12-digit account ID")
		}
		if c.body, err = readBody(c.r.Body, maxConfigBody); err != nil {
			return err
		}
		return c.accessPointControl(account, rest)
	}
	if c.r.URL.Path != controlPrefix+"configuration/publicAccessBlock" {
		return notImplemented("S3 Control operation " + c.r.Method + " " + c.r.URL.Path + " is not simulated")
	}
	action := "s3:PutAccountPublicAccessBlock"
	switch c.r.Method {
	case http.MethodGet:
		c.op, action = "GetAccountPublicAccessBlock", "s3:GetAccountPublicAccessBlock"
	case http.MethodPut:
		c.op = "PutAccountPublicAccessBlock"
	case http.MethodDelete:
		c.op = "DeleteAccountPublicAccessBlock"
	default:
		return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
	if !policy.IsAccountID(account) {
		return invalidRequest("x-amz-account-id must be a 12-digit account ID")
	}
	if c.body, err = readBody(c.r.Body, maxConfigBody); err != nil {
		return err
	}
	if err := c.authorizeControl(action, account, "*", nil, nil); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a := c.s.m.accounts[account]
	if a == nil {
		return accessDenied("Access Denied")
	}
	switch c.r.Method {
	case http.MethodGet:
		if a.pab == nil {
			return noSuchPAB()
		}
		v := pabDoc(a.pab)
		v.Xmlns = controlNS
		return c.writeXML(v)
	case http.MethodPut:
		p, err := parsePAB(c.body)
		if err != nil {
			return err
		}
		a.pab = p
		return c.done()
	}
	a.pab = nil
	return c.noContent()
}

// authorizeControl decides an action of the S3 Control API on resource
// ("*" for the account itself), with the resource's policy (nil for none)
// and the keys of ctx: the caller's own account must allow it, and only
// its principals may act on it.
func (c *call) authorizeControl(action, account, resource string, resPolicy *policy.Policy, ctx map[string][]string) error {
	p := c.caller.principal
	keys := map[string][]string{
		"aws:SecureTransport": {strconv.FormatBool(c.r.TLS != nil)},
		"aws:CurrentTime":     {c.now.UTC().Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(c.now.Unix(), 10)},
	}
	for k, v := range ctx {
		keys[k] = v
	}
	set := &policy.Set{Identity: c.caller.policies, Boundary: c.caller.boundary, Session: c.caller.session, Resource: resPolicy}
	ip := sourceIP(c.r)
	if e := c.vpce; e != nil {
		// Through a VPC endpoint: its keys in place of aws:SourceIp, and
		// its policy.
		keys["aws:SourceVpce"], keys["aws:SourceVpc"], keys["aws:VpceAccount"] = []string{e.id}, []string{e.vpc}, []string{e.account}
		if ip != "" {
			keys["aws:VpcSourceIp"] = []string{ip}
		}
		set.Endpoint = e.policy
	} else if ip != "" {
		keys["aws:SourceIp"] = []string{ip}
	}
	r := &policy.Request{Principal: p, Action: action, Resource: resource, ResourceAccount: account, Context: policy.NewContext(keys)}
	c.s.mu.RLock()
	set.SCPs = c.s.m.scpsOf(p.Account)
	known := c.s.m.accounts[account] != nil
	c.s.mu.RUnlock()
	ex := set.Explain(r)
	d := Decision{Allowed: ex.Decision == policy.Allowed, Explained: ex.Result.Message(r)}
	d.Explanation = ex
	if p.Account != account || !known {
		d.Allowed = false
		d.Explained = "User: " + p.ARN + " is not authorized to perform: " + action + " on the account " + account + ": it belongs to another account"
	}
	c.decision = &d
	if !d.Allowed {
		c.explain = d.Explained
		msg := "Access Denied"
		if p.Account == account {
			msg = d.Explained
		}
		return accessDenied(msg)
	}
	return nil
}

// writeControlError writes an error of the S3 Control API: the Error
// element wrapped in ErrorResponse.
func writeControlError(w http.ResponseWriter, r *http.Request, e *s3Error, requestID, hostID string) {
	type errorXML struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Error   struct {
			Code    string
			Message string
		}
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
	}
	v := errorXML{RequestID: requestID, HostID: hostID}
	v.Error.Code, v.Error.Message = e.code, e.message
	body, _ := xml.Marshal(v)
	body = append([]byte(xml.Header), body...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
