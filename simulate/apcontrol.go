package simulate

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/public"
)

// The S3 Control API for access points (S3 API Reference, "Amazon S3
// Control" actions): CreateAccessPoint, GetAccessPoint, DeleteAccessPoint
// and ListAccessPoints on /v20180820/accesspoint[/NAME], and
// PutAccessPointPolicy, GetAccessPointPolicy, DeleteAccessPointPolicy and
// GetAccessPointPolicyStatus on /v20180820/accesspoint/NAME/policy and
// .../policyStatus, with the account in x-amz-account-id. Each is
// authorized as its IAM action (s3:CreateAccessPoint, ...) on the access
// point's ARN, by the caller's policies and the access point's policy, for
// callers of the account only.

type vpcConfigXML struct {
	VpcID string `xml:"VpcId"`
}

type controlPABXML struct {
	BlockPublicAcls       bool `xml:"BlockPublicAcls"`
	IgnorePublicAcls      bool `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `xml:"RestrictPublicBuckets"`
}

type createAccessPointXML struct {
	XMLName          xml.Name       `xml:"CreateAccessPointRequest"`
	Bucket           string         `xml:"Bucket"`
	VpcConfiguration *vpcConfigXML  `xml:"VpcConfiguration"`
	PAB              *controlPABXML `xml:"PublicAccessBlockConfiguration"`
	BucketAccountID  string         `xml:"BucketAccountId"`
}

type accessPointXML struct {
	Name             string        `xml:"Name"`
	NetworkOrigin    string        `xml:"NetworkOrigin"`
	VpcConfiguration *vpcConfigXML `xml:"VpcConfiguration,omitempty"`
	Bucket           string        `xml:"Bucket"`
	AccessPointArn   string        `xml:"AccessPointArn"`
	Alias            string        `xml:"Alias"`
	BucketAccountID  string        `xml:"BucketAccountId"`
}

type endpointEntryXML struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

// apControlOps are the access point operations by method and the path
// after the access point's name.
var apControlOps = map[string]string{
	"GET ": "GetAccessPoint", "PUT ": "CreateAccessPoint", "DELETE ": "DeleteAccessPoint",
	"GET policy": "GetAccessPointPolicy", "PUT policy": "PutAccessPointPolicy", "DELETE policy": "DeleteAccessPointPolicy",
	"GET policyStatus": "GetAccessPointPolicyStatus",
}

// accessPointControl answers a request under /v20180820/accesspoint.
// rest is the path after it: "", "/NAME", "/NAME/policy" or
// "/NAME/policyStatus".
func (c *call) accessPointControl(account, rest string) error {
	name, sub, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	if name == "" {
		if rest != "" && rest != "/" || c.r.Method != http.MethodGet {
			return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		}
		c.op = "ListAccessPoints"
		if err := c.authorizeControl("s3:ListAccessPoints", account, "*", nil, nil); err != nil {
			return err
		}
		return c.listAccessPoints(account)
	}
	if sub != "" && sub != "policy" && sub != "policyStatus" {
		return notImplemented("S3 Control operation " + c.r.Method + " " + c.r.URL.Path + " is not simulated")
	}
	op := apControlOps[c.r.Method+" "+sub]
	if op == "" {
		return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
	}
	o := struct{ op, action string }{op, "s3:" + op}
	c.op = o.op
	arn := "arn:aws:s3:" + c.s.m.region + ":" + account + ":accesspoint/" + name
	if o.op == "CreateAccessPoint" {
		return c.createAccessPoint(account, name, arn)
	}
	c.s.mu.RLock()
	ap := c.s.m.accessPoints[arn]
	var apPolicy *policy.Policy
	ctx := map[string][]string{"s3:DataAccessPointArn": {arn}, "s3:DataAccessPointAccount": {account}}
	if ap != nil {
		apPolicy = ap.policy
		ctx["s3:AccessPointNetworkOrigin"] = []string{ap.origin()}
	}
	c.s.mu.RUnlock()
	if err := c.authorizeControl(o.action, account, arn, apPolicy, ctx); err != nil {
		return err
	}
	if ap == nil {
		return noSuchAccessPoint(name)
	}
	switch o.op {
	case "GetAccessPoint":
		return c.getAccessPoint(ap)
	case "DeleteAccessPoint":
		c.s.mu.Lock()
		if c.s.m.accessPoints[arn] == ap {
			c.s.m.removeAccessPoint(ap)
		}
		c.s.mu.Unlock()
		return c.noContent()
	case "GetAccessPointPolicy":
		c.s.mu.RLock()
		doc := ap.policyDoc
		c.s.mu.RUnlock()
		if doc == nil {
			return noSuchAccessPointPolicy(name)
		}
		type result struct {
			XMLName xml.Name `xml:"GetAccessPointPolicyResult"`
			Xmlns   string   `xml:"xmlns,attr"`
			Policy  string   `xml:"Policy"`
		}
		return c.writeXML(result{Xmlns: controlNS, Policy: string(doc)})
	case "PutAccessPointPolicy":
		return c.putAccessPointPolicy(ap)
	case "DeleteAccessPointPolicy":
		c.s.mu.Lock()
		ap.policy, ap.policyDoc = nil, nil
		c.s.mu.Unlock()
		return c.noContent()
	}
	// GetAccessPointPolicyStatus: "Indicates whether the specified access
	// point currently has a policy that allows public access."
	c.s.mu.RLock()
	p, vpc := ap.policy, ap.vpc != ""
	c.s.mu.RUnlock()
	if p == nil {
		return noSuchAccessPointPolicy(name)
	}
	type status struct {
		IsPublic bool `xml:"IsPublic"`
	}
	type result struct {
		XMLName      xml.Name `xml:"GetAccessPointPolicyStatusResult"`
		Xmlns        string   `xml:"xmlns,attr"`
		PolicyStatus status   `xml:"PolicyStatus"`
	}
	return c.writeXML(result{Xmlns: controlNS, PolicyStatus: status{public.IsPublicAccessPoint(p, vpc)}})
}

// noSuchAccessPointPolicy is the error for an access point without a
// policy. The S3 API Reference lists no code for it; this is the one AWS's
// own tools (the CloudFormation resource providers, ACK) test for.
func noSuchAccessPointPolicy(name string) *s3Error {
	return errorf(http.StatusNotFound, "NoSuchAccessPointPolicy", "The specified accesspoint policy does not exist").with("AccessPointName", name)
}

func (c *call) createAccessPoint(account, name, arn string) error {
	var req createAccessPointXML
	if err := decodeXML(c.body, &req); err != nil {
		return err
	}
	ap := AccessPoint{Name: name, Bucket: req.Bucket, BucketAccountID: req.BucketAccountID}
	origin := access.OriginInternet
	if req.VpcConfiguration != nil {
		if req.VpcConfiguration.VpcID == "" {
			return invalidRequest("VpcConfiguration needs a VpcId")
		}
		ap.VPCID, origin = req.VpcConfiguration.VpcID, access.OriginVPC
	}
	if p := req.PAB; p != nil {
		ap.PublicAccessBlock = &access.PublicAccessBlock{BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
			BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets}
	}
	// The SCP example of the S3 User Guide ("Configuring IAM policies for
	// using access points") requires new access points to have a VPC
	// origin through s3:AccessPointNetworkOrigin.
	ctx := map[string][]string{"s3:DataAccessPointArn": {arn}, "s3:DataAccessPointAccount": {account},
		"s3:AccessPointNetworkOrigin": {origin}}
	if err := c.authorizeControl("s3:CreateAccessPoint", account, arn, nil, ctx); err != nil {
		return err
	}
	if err := validAccessPointName(name); err != nil {
		return invalidRequest(err.Error())
	}
	if req.Bucket == "" {
		return invalidRequest("CreateAccessPoint needs a Bucket")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	m := c.s.m
	if m.accessPoints[arn] != nil {
		return errorf(http.StatusConflict, "AccessPointAlreadyOwnedByYou", "An access point with an identical name already exists in your account.")
	}
	n := 0
	for _, other := range m.accessPoints {
		if other.account == account {
			n++
		}
	}
	if n >= maxAccessPoints {
		return errorf(http.StatusBadRequest, "TooManyAccessPoints", "You have attempted to create more access points than are allowed for an account.")
	}
	if b := m.buckets[req.Bucket]; b == nil {
		return noSuchBucket(req.Bucket)
	}
	am, err := m.newAccessPoint(account, ap)
	if err != nil {
		return invalidRequest(err.Error())
	}
	am.created = c.now
	m.addAccessPoint(am)
	type result struct {
		XMLName        xml.Name `xml:"CreateAccessPointResult"`
		Xmlns          string   `xml:"xmlns,attr"`
		AccessPointArn string   `xml:"AccessPointArn"`
		Alias          string   `xml:"Alias"`
	}
	return c.writeXML(result{Xmlns: controlNS, AccessPointArn: am.arn, Alias: am.alias})
}

func (ap *accessPointModel) doc() accessPointXML {
	v := accessPointXML{Name: ap.name, NetworkOrigin: ap.origin(), Bucket: ap.bucket, AccessPointArn: ap.arn,
		Alias: ap.alias, BucketAccountID: ap.bucketAccount}
	if ap.vpc != "" {
		v.VpcConfiguration = &vpcConfigXML{ap.vpc}
	}
	return v
}

func (c *call) getAccessPoint(ap *accessPointModel) error {
	c.s.mu.RLock()
	v := ap.doc()
	pab := ap.pab
	created := ap.created
	c.s.mu.RUnlock()
	region := c.s.m.region
	type result struct {
		XMLName xml.Name `xml:"GetAccessPointResult"`
		Xmlns   string   `xml:"xmlns,attr"`
		accessPointXML
		PAB          controlPABXML      `xml:"PublicAccessBlockConfiguration"`
		CreationDate string             `xml:"CreationDate"`
		Endpoints    []endpointEntryXML `xml:"Endpoints>entry"`
	}
	return c.writeXML(result{Xmlns: controlNS, accessPointXML: v,
		PAB: controlPABXML{pab.BlockPublicAcls, pab.IgnorePublicAcls, pab.BlockPublicPolicy, pab.RestrictPublicBuckets},
		// The endpoints of the access point's Region (S3 User Guide,
		// "Referencing access points").
		CreationDate: created.UTC().Format(time.RFC3339),
		Endpoints: []endpointEntryXML{
			{"dualstack", "s3-accesspoint.dualstack." + region + ".amazonaws.com"},
			{"fips", "s3-accesspoint-fips." + region + ".amazonaws.com"},
			{"fips_dualstack", "s3-accesspoint-fips.dualstack." + region + ".amazonaws.com"},
			{"ipv4", "s3-accesspoint." + region + ".amazonaws.com"},
		}})
}

// listAccessPoints answers ListAccessPoints: the account's access points
// by name, for one bucket with ?bucket=, up to maxResults (at most 1000)
// a page, the next page named by NextToken.
func (c *call) listAccessPoints(account string) error {
	q := c.query
	max := 1000
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1000 {
			return invalidRequest("maxResults must be an integer from 0 to 1000")
		}
		if n > 0 {
			max = n
		}
	}
	after := ""
	if tok := q.Get("nextToken"); tok != "" {
		v, err := url.QueryUnescape(tok)
		if err != nil || !strings.HasPrefix(v, "after:") {
			return errorf(http.StatusBadRequest, "InvalidNextToken", "The continuation token provided is incorrect")
		}
		after = strings.TrimPrefix(v, "after:")
	}
	bucket := q.Get("bucket")
	c.s.mu.RLock()
	var aps []*accessPointModel
	for _, ap := range c.s.m.accessPoints {
		if ap.account == account && (bucket == "" || ap.bucket == bucket) && ap.name > after {
			aps = append(aps, ap)
		}
	}
	slices.SortFunc(aps, func(a, b *accessPointModel) int { return strings.Compare(a.name, b.name) })
	type result struct {
		XMLName   xml.Name         `xml:"ListAccessPointsResult"`
		Xmlns     string           `xml:"xmlns,attr"`
		List      []accessPointXML `xml:"AccessPointList>AccessPoint"`
		NextToken string           `xml:"NextToken,omitempty"`
	}
	v := result{Xmlns: controlNS}
	for i, ap := range aps {
		if i == max {
			v.NextToken = url.QueryEscape("after:" + aps[i-1].name)
			break
		}
		v.List = append(v.List, ap.doc())
	}
	c.s.mu.RUnlock()
	return c.writeXML(v)
}

// putAccessPointPolicy sets an access point's policy. Block Public
// Access refuses a public one: "Setting this option to TRUE for an
// access point causes Amazon S3 to reject calls to PutAccessPointPolicy
// ... if the specified policy ... allows public access", and the bucket's
// setting does so "for all of the bucket's same-account access points"
// (S3 User Guide, "Managing public access to access points"); the
// account's applies to every access point of the account.
func (c *call) putAccessPointPolicy(ap *accessPointModel) error {
	type req struct {
		XMLName xml.Name `xml:"PutAccessPointPolicyRequest"`
		Policy  string   `xml:"Policy"`
	}
	var v req
	if err := decodeXML(c.body, &v); err != nil {
		return err
	}
	p, err := parseAccessPointPolicy(ap.arn, []byte(v.Policy))
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	block := ap.pab.BlockPublicPolicy
	if a := c.s.m.accounts[ap.account]; a != nil && a.pab != nil && a.pab.BlockPublicPolicy {
		block = true
	}
	if b := c.s.m.buckets[ap.bucket]; b != nil && b.owner == ap.account && b.pab != nil && b.pab.BlockPublicPolicy {
		block = true
	}
	if block && public.IsPublicAccessPoint(p, ap.vpc != "") {
		c.explain = "the policy is public, and BlockPublicPolicy is on"
		return accessDenied("User: " + c.caller.principal.ARN + " is not authorized to perform: s3:PutAccessPointPolicy on resource: \"" +
			ap.arn + "\" because public policies are blocked by the BlockPublicPolicy block public access setting.")
	}
	ap.policy, ap.policyDoc = p, bytes.Clone([]byte(v.Policy))
	return c.done()
}
