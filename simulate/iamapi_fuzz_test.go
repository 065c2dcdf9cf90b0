package simulate_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3vet/s3vet/simulate"
)

// FuzzIAMOrgAPI sends arbitrary calls of the IAM API (a form: Action,
// Marker, MaxItems, Filter.member.N, ...) and of the Organizations API
// (X-Amz-Target and a JSON body), signed as callers with and without
// permission, from the management account, a member and an account
// outside the organization, and unsigned or with a wrong secret: whatever
// the call, the simulator answers without a panic or a 5xx, an error in
// the service's own format (IAM: an XML ErrorResponse; Organizations:
// JSON with __type), a 200 only with a body of that format, and never a
// secret of the world.
func FuzzIAMOrgAPI(f *testing.F) {
	type seed struct {
		who  uint8
		org  bool
		op   string
		body string
	}
	seeds := []seed{
		{0, false, "GetAccountAuthorizationDetails", ""},
		{0, false, "GetAccountAuthorizationDetails", "MaxItems=2&Marker=czN2ZXQ6Mg"},
		{0, false, "GetAccountAuthorizationDetails", "Filter.member.1=User&Filter.member.2=AWSManagedPolicy"},
		{0, false, "GetAccountAuthorizationDetails", "Filter.member.1=Nope"},
		{0, false, "GetAccountAuthorizationDetails", "Filter.member.2=Role&Filter.member.1="},
		{0, false, "GetAccountAuthorizationDetails", "MaxItems=0"},
		{0, false, "GetAccountAuthorizationDetails", "MaxItems=99999999999999999999"},
		{0, false, "GetAccountAuthorizationDetails", "Marker=czN2ZXQ6LTE"},
		{0, false, "GetAccountAuthorizationDetails", "Marker=%%%&MaxItems=-1"},
		{0, false, "ListRoles", "PathPrefix=/&MaxItems=1"},
		{0, false, "ListRoles", "Marker=czN2ZXQ6OTk5OTk5OTk5OTk5OTk5OTk5OTk5"},
		{1, false, "GetAccountAuthorizationDetails", ""},
		{2, false, "ListRoles", ""},
		{5, false, "ListRoles", ""},
		{6, false, "ListUsers", "Version=2010-05-08"},
		{0, false, "", "Action=ListRoles&Action=GetAccountAuthorizationDetails"},
		{2, true, "DescribeOrganization", `{}`},
		{2, true, "ListParents", `{"ChildId":"111111111111"}`},
		{2, true, "ListParents", `{"ChildId":"r-0000"}`},
		{2, true, "ListPoliciesForTarget", `{"TargetId":"111111111111","Filter":"SERVICE_CONTROL_POLICY","MaxResults":1}`},
		{2, true, "ListPoliciesForTarget", `{"TargetId":"999999999999","Filter":"RESOURCE_CONTROL_POLICY","NextToken":"s3vet-1"}`},
		{2, true, "ListPoliciesForTarget", `{"TargetId":"111111111111","Filter":"SERVICE_CONTROL_POLICY","MaxResults":1e400}`},
		{2, true, "ListPoliciesForTarget", `{"TargetId":"111111111111","Filter":"SERVICE_CONTROL_POLICY","NextToken":"s3vet--1"}`},
		{2, true, "DescribePolicy", `{"PolicyId":"p-deny0001"}`},
		{2, true, "DescribePolicy", `{"PolicyId":"p-FullAWSAccess"}`},
		{2, true, "DescribePolicy", `{"PolicyId":["p-deny0001",{"a":[[[null]]]}]}`},
		{3, true, "ListParents", `{"ChildId":"111111111111"}`},
		{3, true, "DescribePolicy", `{"PolicyId":"p-deny0001"}`},
		{0, true, "DescribeOrganization", ``},
		{1, true, "DescribeOrganization", `{"MaxResults":-9223372036854775809}`},
		{4, true, "DescribeOrganization", `{}`},
		{5, true, "DescribeOrganization", `{}`},
		{6, true, "ListRoots", `[`},
	}
	for _, s := range seeds {
		f.Add(s.who, s.org, s.op, []byte(s.body))
	}
	// iamWorld with an account outside the organization.
	doc := strings.Replace(iamWorld, `"accounts": [
    {
      "id": "111111111111",`, `"accounts": [
    {"id": "333333333333", "rootAccessKeys": [{"id": "AKIAROOT333333333333", "secret": "outside-secret"}]},
    {
      "id": "111111111111",`, 1)
	w, err := simulate.LoadWorld(strings.NewReader(doc))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	sim, err := simulate.New(w, simulate.WithClock(func() time.Time { return now }))
	if err != nil {
		f.Fatal(err)
	}
	// The callers: with permission, without, the management account's
	// root, a management user allowed one action, an account outside the
	// organization; then an unsigned request and a wrong secret.
	callers := []aws.Credentials{
		{AccessKeyID: "AKIAAUDITOR111111111", SecretAccessKey: "auditor-secret"},
		{AccessKeyID: "AKIAALICE11111111111", SecretAccessKey: "alice-secret"},
		{AccessKeyID: "AKIAROOT999999999999", SecretAccessKey: "root-secret"},
		{AccessKeyID: "AKIAPARENTS999999999", SecretAccessKey: "parents-secret"},
		{AccessKeyID: "AKIAROOT333333333333", SecretAccessKey: "outside-secret"},
		{}, // unsigned
		{AccessKeyID: "AKIAAUDITOR111111111", SecretAccessKey: "wrong-secret"},
	}
	secrets := []string{"auditor-secret", "alice-secret", "root-secret", "parents-secret", "outside-secret"}
	signer := v4.NewSigner()
	send := func(who uint8, org bool, op string, body []byte) (*httptest.ResponseRecorder, bool) {
		if !org && op != "" {
			body = append([]byte("Action="+op+"&Version=2010-05-08&"), body...)
		}
		r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1:9000/", bytes.NewReader(body))
		service := "iam"
		if org {
			service = "organizations"
			r.Header.Set("Content-Type", "application/x-amz-json-1.1")
			r.Header.Set("X-Amz-Target", "AWSOrganizationsV20161128."+op)
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		}
		if creds := callers[int(who)%len(callers)]; creds.AccessKeyID != "" {
			sum := sha256.Sum256(body)
			if err := signer.SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), service, "us-east-1", now); err != nil {
				return nil, false // a header the signer cannot sign: nothing to send
			}
		}
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		return rec, true
	}
	// The signatures are good: a well-formed call succeeds, so the fuzzer
	// reaches the operations and not only authentication.
	for _, i := range []int{0, 9, 16, 17, 19, 23} {
		s := seeds[i]
		if rec, _ := send(s.who, s.org, s.op, []byte(s.body)); rec.Code != http.StatusOK {
			f.Fatalf("seed %s %s: %d %s", s.op, s.body, rec.Code, rec.Body.String())
		}
	}
	f.Fuzz(func(t *testing.T, who uint8, org bool, op string, body []byte) {
		rec, ok := send(who, org, op, body)
		if !ok {
			return
		}
		got := rec.Body.Bytes()
		if rec.Code >= 500 {
			t.Fatalf("org %v %s %q: %d %s", org, op, body, rec.Code, got)
		}
		for _, s := range secrets {
			if bytes.Contains(got, []byte(s)) && !strings.Contains(op, s) && !bytes.Contains(body, []byte(s)) {
				t.Fatalf("org %v %s %q: the answer holds the secret %s: %s", org, op, body, s, got)
			}
		}
		if !org {
			// A request not for IAM (unsigned) is S3's; IAM's answers are
			// XML, an error an ErrorResponse.
			var v struct {
				XMLName xml.Name
				Code    string `xml:"Error>Code"`
			}
			if err := xml.Unmarshal(got, &v); err != nil {
				t.Fatalf("%s %q: %d not XML: %q", op, body, rec.Code, got)
			}
			if callers[int(who)%len(callers)].AccessKeyID == "" {
				return
			}
			switch {
			case rec.Code == http.StatusOK && !strings.HasSuffix(v.XMLName.Local, "Response"):
				t.Fatalf("%s %q: 200 with %q", op, body, got)
			case rec.Code != http.StatusOK && (v.XMLName.Local != "ErrorResponse" || v.Code == "" || rec.Header().Get("Content-Type") != "text/xml"):
				t.Fatalf("%s %q: %d not in IAM's error format: %q", op, body, rec.Code, got)
			}
			return
		}
		if rec.Header().Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Fatalf("%s %q: %d not JSON 1.1: %q", op, body, rec.Code, got)
		}
		var v map[string]any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatalf("%s %q: %d not JSON: %q", op, body, rec.Code, got)
		}
		if typ, _ := v["__type"].(string); rec.Code != http.StatusOK && typ == "" {
			t.Fatalf("%s %q: %d without __type: %q", op, body, rec.Code, got)
		}
	})
}
