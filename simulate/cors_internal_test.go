package simulate

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The AWS pages and records the cases follow (see cors.go).
const (
	corsPagePutBucketCors   = "S3 API Reference, PutBucketCors"
	corsPageCORSRule        = "S3 API Reference, CORSRule"
	corsPageOptionsObject   = "S3 API Reference, Appendix: OPTIONS object"
	corsPageUsingCORS       = "S3 User Guide, Using cross-origin resource sharing (CORS): How does Amazon S3 evaluate the CORS configuration on a bucket?"
	corsPageConfiguration   = "S3 User Guide, CORS configuration"
	corsPageTroubleshooting = "S3 User Guide, Troubleshooting CORS"
	corsRecorded            = "S3's answer recorded by LocalStack's AWS-validated test_s3_cors"
)

// corsDoc is a CORSConfiguration document of the given rules.
func corsDoc(rules ...string) string {
	return `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + strings.Join(rules, "") + `</CORSConfiguration>`
}

// corsWantError is an error as the client sees it: status, code and message.
type corsWantError struct {
	Status        int
	Code, Message string
}

func corsErrorOf(err error) *corsWantError {
	if err == nil {
		return nil
	}
	e := asS3Error(err)
	return &corsWantError{e.status, e.code, e.message}
}

// validCORS accepts what PutBucketCors accepts and refuses the rest with
// S3's error.
func TestValidCORS(t *testing.T) {
	const minimal = `<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`
	malformed := &corsWantError{400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"}
	invalid := func(msg string) *corsWantError { return &corsWantError{400, "InvalidRequest", msg} }
	tooMany := strings.Repeat(minimal, 101)
	tests := []struct {
		name, source, body string
		want               *corsWantError
	}{
		{"the user guide's example 1", corsPageConfiguration, corsDoc(
			`<CORSRule><AllowedOrigin>http://www.example1.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule>`,
			`<CORSRule><AllowedOrigin>http://www.example2.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule>`,
			`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`), nil},
		{"the user guide's example 2, with every element", corsPageConfiguration, corsDoc(
			`<CORSRule><ID>rule1</ID><AllowedOrigin>http://www.example.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds><ExposeHeader>x-amz-server-side-encryption</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader><ExposeHeader>x-amz-id-2</ExposeHeader></CORSRule>`), nil},
		{"no namespace, as the user guide writes it", corsPageConfiguration, `<CORSConfiguration>` + minimal + `</CORSConfiguration>`, nil},
		{"all five methods", corsPageCORSRule, corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod></CORSRule>`), nil},
		{"one wildcard in an origin and a header", corsPageConfiguration, corsDoc(`<CORSRule><AllowedOrigin>http://*.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-amz-*</AllowedHeader></CORSRule>`), nil},
		{"an empty AllowedOrigin", corsRecorded + " (test_put_cors_empty_origin)", corsDoc(`<CORSRule><AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`), nil},
		{"100 rules", corsPageConfiguration, corsDoc(strings.Repeat(minimal, 100)), nil},
		{"an ID of 255 characters", corsPageCORSRule, corsDoc(`<CORSRule><ID>` + strings.Repeat("a", 255) + `</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`), nil},

		{"not XML", corsPagePutBucketCors, `<CORSConfiguration>`, malformed},
		{"another root", corsPagePutBucketCors, `<NotCORS>` + minimal + `</NotCORS>`, malformed},
		{"no rules", corsRecorded + " (test_put_cors_invalid_rules)", corsDoc(), malformed},
		{"an empty rule", corsPageCORSRule + " (versitygw#1863)", corsDoc(`<CORSRule></CORSRule>`), malformed},
		{"a rule without AllowedOrigin", corsPageCORSRule + " (versitygw#1863)", corsDoc(`<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>`), malformed},
		{"a rule without AllowedMethod", corsPageCORSRule + " (versitygw#1863)", corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>`), malformed},
		{"two MaxAgeSeconds", corsPagePutBucketCors + " (2019)", corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds></CORSRule>`), malformed},
		{"a MaxAgeSeconds that is not an integer", corsPageCORSRule, corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule>`), malformed},
		{"an element the schema does not have", corsPagePutBucketCors, corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethods>GET</AllowedMethods></CORSRule>`), malformed},
		{"101 rules", corsPageConfiguration, corsDoc(tooMany), invalid("The number of CORS rules should not exceed allowed limit of 100 rules.")},
		{"an unsupported method", corsRecorded + " (test_put_cors_invalid_rules)", corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedOrigin>https://test.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedMethod>MYMETHOD</AllowedMethod></CORSRule>`),
			invalid("Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD")},
		{"OPTIONS as a method", corsPageCORSRule + " (aws-sdk-js#3667)", corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod></CORSRule>`),
			invalid("Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS")},
		{"an empty method", corsPageCORSRule + " (versitygw#1863)", corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod></AllowedMethod></CORSRule>`),
			invalid("Found unsupported HTTP method in CORS config. Unsupported method is ")},
		{"two wildcards in an origin", corsPageConfiguration + " (versitygw#1870)", corsDoc(`<CORSRule><AllowedOrigin>*example*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`),
			invalid(`AllowedOrigin "*example*.com" can not have more than one wildcard.`)},
		{"two wildcards in a header", corsPageConfiguration, corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader></CORSRule>`),
			invalid(`AllowedHeader "x-*-*" can not have more than one wildcard.`)},
		{"a wildcard in an ExposeHeader", corsPageCORSRule + " (S3's answer quoted by users)", corsDoc(`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>ETag</ExposeHeader><ExposeHeader>x-amz-meta-*</ExposeHeader></CORSRule>`),
			invalid(`ExposeHeader "x-amz-meta-*" contains wildcard. We currently do not support wildcard for ExposeHeader.`)},
		{"an ID of 256 characters", corsPageCORSRule, corsDoc(`<CORSRule><ID>` + strings.Repeat("a", 256) + `</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`),
			&corsWantError{400, "InvalidArgument", "ID length should not exceed allowed limit of 255"}},
		{"a document over 64 KB", corsPagePutBucketCors, corsDoc(minimal) + strings.Repeat(" ", 64<<10),
			&corsWantError{400, "MaxMessageLengthExceeded", "Your request was too big."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, corsErrorOf(validCORS([]byte(tt.body)))); diff != "" {
				t.Errorf("validCORS, following %s (-want +got):\n%s", tt.source, diff)
			}
		})
	}
}

// Rules are matched in order, on the origin (one wildcard), the method
// and every requested header (without regard to case).
func TestMatchCORS(t *testing.T) {
	rules, err := parseCORS([]byte(corsDoc(
		`<CORSRule><AllowedOrigin>http://www.example1.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule>`,
		`<CORSRule><AllowedOrigin>http://*.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>Content-TYPE</AllowedHeader></CORSRule>`,
		`<CORSRule><AllowedOrigin>start*end</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`,
		`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>`,
	)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, source string
		q            corsRequest
		want         int // index of the rule, -1 for none
	}{
		{"exact origin and method", corsPageUsingCORS, corsRequest{origin: "http://www.example1.com", method: "PUT"}, 0},
		{"any header under *", corsPageConfiguration, corsRequest{origin: "http://www.example1.com", method: "POST", headers: []string{"x-anything", "content-md5"}}, 0},
		{"the first rule that matches wins", corsPageUsingCORS, corsRequest{origin: "http://www.example1.com", method: "GET"}, 3},
		{"https is another origin", corsPageTroubleshooting, corsRequest{origin: "https://www.example1.com", method: "PUT"}, -1},
		{"an explicit port is another origin", corsPageTroubleshooting, corsRequest{origin: "http://www.example1.com:80", method: "PUT"}, -1},
		{"a method no rule allows", corsPageUsingCORS, corsRequest{origin: "http://www.example1.com", method: "DELETE"}, -1},
		{"a wildcard origin", corsPageConfiguration, corsRequest{origin: "http://app.example.com", method: "GET", headers: []string{"x-amz-date"}}, 1},
		{"header names without regard to case", corsRecorded + " (test_cors_match_headers)", corsRequest{origin: "http://app.example.com", method: "GET", headers: []string{"content-type"}}, 1},
		{"a header the wildcard rule lacks", corsPageUsingCORS, corsRequest{origin: "http://app.example.com", method: "GET", headers: []string{"authorization"}}, -1},
		{"a rule without AllowedHeader allows no requested header", corsRecorded + " (test_put_cors_default_values)", corsRequest{origin: "http://other.org", method: "GET", headers: []string{"x-amz-request-payer"}}, -1},
		{"the wildcard matches an empty run", "ceph s3-tests test_cors_origin_response", corsRequest{origin: "startend", method: "GET"}, 2},
		{"* allows any origin", corsPageConfiguration, corsRequest{origin: "http://other.org", method: "GET"}, 3},
		{"a trailing slash is another origin", corsRecorded + " (test_cors_options_fails_partial_origin)", corsRequest{origin: "http://test.example.com/", method: "GET"}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := -1
			if r := matchCORS(rules, tt.q); r != nil {
				got = corsRuleIndex(rules, r)
			}
			if got != tt.want {
				t.Errorf("following %s: rule %d matched, want %d", tt.source, got, tt.want)
			}
		})
	}
}

func corsRuleIndex(rules []corsRule, r *corsRule) int {
	for i := range rules {
		if &rules[i] == r {
			return i
		}
	}
	return -2
}

// Access-Control-Request-Headers is a comma-separated list, whatever the
// spaces around its commas; names come back lower case, in order.
func TestRequestedHeaders(t *testing.T) {
	h := http.Header{}
	h.Add("Access-Control-Request-Headers", "X-AMZ-Date,  content-type ,,x-amz-meta-a")
	h.Add("Access-Control-Request-Headers", "Authorization")
	want := []string{"x-amz-date", "content-type", "x-amz-meta-a", "authorization"}
	if diff := cmp.Diff(want, requestedHeaders(h)); diff != "" {
		t.Errorf("requestedHeaders (-want +got):\n%s", diff)
	}
	if got := requestedHeaders(http.Header{}); got != nil {
		t.Errorf("requestedHeaders of none = %q", got)
	}
}

// corsSim is a simulator with buckets "site" (with the given CORS
// configuration, if any) and "plain" (without one).
func corsSim(t *testing.T, doc string) *Simulator {
	t.Helper()
	w := &World{}
	a := w.AddAccount("111111111111")
	a.AddBucket("site").AddObject("index.html", "<html></html>")
	a.AddBucket("plain")
	s, err := New(w)
	if err != nil {
		t.Fatal(err)
	}
	if doc != "" {
		s.m.buckets["site"].configs["cors"] = []byte(doc)
	}
	return s
}

// corsCall is a request on its way, with the bucket and key it names.
func corsCall(s *Simulator, method, url string, header map[string]string) (*call, *httptest.ResponseRecorder) {
	r := httptest.NewRequest(method, url, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	c := &call{s: s, r: r, now: s.now()}
	c.sw.ResponseWriter = rec
	c.w = &c.sw
	c.id, c.host = newRequestID()
	c.bucket, c.key = c.target(r)
	return c, rec
}

// corsAnswer is what a CORS answer says: status, CORS headers, error.
type corsAnswer struct {
	Status  int
	Headers map[string]string
	Error   *corsErrorXML
}

// corsErrorXML is the part of S3's error document a preflight's refusal
// is about.
type corsErrorXML struct {
	Code, Message, Method, ResourceType string
}

// corsHeaderNames are the headers a CORS answer is compared on.
var corsHeaderNames = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Vary", "Content-Length",
}

// corsAnswerOf reads a recorded answer.
func corsAnswerOf(t *testing.T, rec *httptest.ResponseRecorder) corsAnswer {
	t.Helper()
	a := corsAnswer{Status: rec.Code, Headers: map[string]string{}}
	for _, k := range corsHeaderNames {
		if v := rec.Header().Get(k); v != "" && (k != "Content-Length" || rec.Code == http.StatusOK) {
			a.Headers[k] = v
		}
	}
	if rec.Body.Len() > 0 {
		a.Error = &corsErrorXML{}
		if err := xml.Unmarshal(rec.Body.Bytes(), a.Error); err != nil {
			t.Fatalf("error body %q: %v", rec.Body, err)
		}
	}
	return a
}

// corsAllowed is the headers of S3's answer allowing a request.
func corsAllowed(kv ...string) map[string]string {
	m := map[string]string{"Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

const corsWantNotAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

// A preflight is answered as S3 answers it: refused before the bucket is
// looked at without an Origin, refused for a bucket without CORS, and
// allowed with the first matching rule's headers.
func TestPreflightAnswers(t *testing.T) {
	doc := corsDoc(
		`<CORSRule><AllowedOrigin>https://localhost:4200</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><MaxAgeSeconds>3000</MaxAgeSeconds><AllowedHeader>x-amz-expected-bucket-owner</AllowedHeader><AllowedHeader>x-AMZ-server-SIDE-encryption</AllowedHeader></CORSRule>`,
		`<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>x-amz-id-2</ExposeHeader><ExposeHeader>x-amz-request-id</ExposeHeader></CORSRule>`,
	)
	s := corsSim(t, doc)
	const key = "http://127.0.0.1/site/index.html"
	tests := []struct {
		name, source, url string
		header            map[string]string
		want              corsAnswer
	}{
		{"no Origin", corsRecorded + " (test_cors_match_origins)", key, map[string]string{"Access-Control-Request-Method": "PUT"},
			corsAnswer{400, map[string]string{}, &corsErrorXML{Code: "BadRequest", Message: "Insufficient information. Origin request header needed."}}},
		{"no Origin, no bucket", corsRecorded + " (test_cors_http_options_non_existent_bucket)", "http://127.0.0.1/nobucket/k", nil,
			corsAnswer{400, map[string]string{}, &corsErrorXML{Code: "BadRequest", Message: "Insufficient information. Origin request header needed."}}},
		{"no bucket", corsRecorded + " (test_cors_http_options_non_existent_bucket)", "http://127.0.0.1/nobucket/k", map[string]string{"Origin": "whatever"},
			corsAnswer{403, map[string]string{}, &corsErrorXML{"AccessForbidden", "CORSResponse: Bucket not found", "OPTIONS", "BUCKET"}}},
		{"no CORS configuration", corsPageOptionsObject + "; " + corsRecorded + " (test_cors_http_options_no_config)", "http://127.0.0.1/plain/k",
			map[string]string{"Origin": "whatever", "Access-Control-Request-Method": "PUT"},
			corsAnswer{403, map[string]string{}, &corsErrorXML{"AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", "PUT", "BUCKET"}}},
		{"no CORS configuration, no method", corsRecorded + " (test_cors_http_options_no_config)", "http://127.0.0.1/plain/k", map[string]string{"Origin": "whatever"},
			corsAnswer{403, map[string]string{}, &corsErrorXML{"AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", "OPTIONS", "BUCKET"}}},
		{"no Access-Control-Request-Method", corsPageOptionsObject + " (Required: Yes)", key, map[string]string{"Origin": "https://localhost:4200"},
			corsAnswer{400, map[string]string{}, &corsErrorXML{Code: "BadRequest", Message: "Invalid Access-Control-Request-Method: null"}}},
		{"the rule's origin", corsRecorded + " (test_cors_match_origins)", key, map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "PUT"},
			corsAnswer{200, corsAllowed("Access-Control-Allow-Origin", "https://localhost:4200", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "GET, PUT", "Access-Control-Max-Age", "3000", "Content-Length", "0"), nil}},
		{"allowed headers, any case, lower-cased", corsRecorded + " (test_cors_match_headers)", key,
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-AMZ-expected-BUCKET-owner,x-amz-server-side-encryption"},
			corsAnswer{200, corsAllowed("Access-Control-Allow-Origin", "https://localhost:4200", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "GET, PUT", "Access-Control-Max-Age", "3000", "Content-Length", "0",
				"Access-Control-Allow-Headers", "x-amz-expected-bucket-owner, x-amz-server-side-encryption"), nil}},
		{"a header not allowed", corsPageOptionsObject + "; " + corsRecorded + " (test_cors_match_headers)", key,
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-amz-request-payer"},
			corsAnswer{403, map[string]string{}, &corsErrorXML{"AccessForbidden", corsWantNotAllowed, "GET", "OBJECT"}}},
		{"http is not https", corsPageTroubleshooting + "; " + corsRecorded + " (test_cors_match_origins)", key,
			map[string]string{"Origin": "http://localhost:4200", "Access-Control-Request-Method": "PUT"},
			corsAnswer{403, map[string]string{}, &corsErrorXML{"AccessForbidden", corsWantNotAllowed, "PUT", "OBJECT"}}},
		{"refused on the bucket", corsRecorded + " (test_cors_options_fails_partial_origin)", "http://127.0.0.1/site",
			map[string]string{"Origin": "http://localhost:4200", "Access-Control-Request-Method": "PUT"},
			corsAnswer{403, map[string]string{}, &corsErrorXML{"AccessForbidden", corsWantNotAllowed, "PUT", "BUCKET"}}},
		{"any origin", corsRecorded + " (test_cors_match_origins, test_cors_expose_headers)", key, map[string]string{"Origin": "localhost:4566", "Access-Control-Request-Method": "GET"},
			corsAnswer{200, corsAllowed("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET",
				"Access-Control-Expose-Headers", "x-amz-id-2, x-amz-request-id", "Content-Length", "0"), nil}},
		{"virtual-hosted style", corsPageOptionsObject, "http://site.127.0.0.1/index.html", map[string]string{"Origin": "localhost:4566", "Access-Control-Request-Method": "GET"},
			corsAnswer{200, corsAllowed("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET",
				"Access-Control-Expose-Headers", "x-amz-id-2, x-amz-request-id", "Content-Length", "0"), nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := corsCall(s, http.MethodOptions, tt.url, tt.header)
			if err := c.preflight(); err != nil {
				c.fail(err)
			}
			if diff := cmp.Diff(tt.want, corsAnswerOf(t, rec), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("preflight, following %s (-want +got):\n%s", tt.source, diff)
			}
		})
	}
}

// An actual request with an Origin gets the CORS headers of the rule
// that allows it, and none when no rule does; it is not refused.
func TestCORSHeadersOfActualRequests(t *testing.T) {
	doc := corsDoc(
		`<CORSRule><AllowedOrigin>https://localhost:4200</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>3000</MaxAgeSeconds><AllowedHeader>x-amz-expected-bucket-owner</AllowedHeader></CORSRule>`,
		`<CORSRule><AllowedOrigin>http://*.origin.com</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><ExposeHeader>ETag</ExposeHeader></CORSRule>`,
	)
	s := corsSim(t, doc)
	const key = "http://127.0.0.1/site/index.html"
	get := corsAllowed("Access-Control-Allow-Origin", "https://localhost:4200", "Access-Control-Allow-Credentials", "true",
		"Access-Control-Allow-Methods", "GET", "Access-Control-Max-Age", "3000")
	tests := []struct {
		name, source, method, url string
		header                    map[string]string
		want                      map[string]string
	}{
		{"no Origin", corsPageTroubleshooting, "GET", key, nil, nil},
		{"the rule's origin", corsRecorded + " (test_cors_match_methods)", "GET", key, map[string]string{"Origin": "https://localhost:4200"}, get},
		{"HEAD is not GET", corsPageUsingCORS, "HEAD", key, map[string]string{"Origin": "https://localhost:4200"}, nil},
		{"a wrong origin", corsRecorded + " (test_cors_match_origins)", "GET", key, map[string]string{"Origin": "http://localhost:4200"}, nil},
		{"a method not allowed", corsRecorded + " (test_cors_match_methods)", "PUT", key, map[string]string{"Origin": "https://localhost:4200"}, nil},
		{"Access-Control-Request-Method decides", corsRecorded + " (test_cors_match_methods)", "GET", key,
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "PUT"}, nil},
		{"Access-Control-Request-Headers are matched", corsRecorded + " (test_cors_match_headers)", "GET", key,
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Headers": "x-amz-request-payer"}, nil},
		{"the request's own headers are not", corsRecorded + " (test_cors_match_headers)", "GET", key,
			map[string]string{"Origin": "https://localhost:4200", "X-Amz-Request-Payer": "requester"}, get},
		{"a wildcard origin, with ExposeHeader", corsRecorded + " (test_cors_options_match_partial_origin)", "PUT", "http://127.0.0.1/site/new",
			map[string]string{"Origin": "http://test.origin.com"},
			corsAllowed("Access-Control-Allow-Origin", "http://test.origin.com", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "PUT", "Access-Control-Expose-Headers", "ETag")},
		{"no configuration", corsRecorded + " (test_cors_http_get_no_config)", "GET", "http://127.0.0.1/plain/k", map[string]string{"Origin": "https://localhost:4200"}, nil},
		{"no bucket", corsPageTroubleshooting, "GET", "http://127.0.0.1/nobucket/k", map[string]string{"Origin": "https://localhost:4200"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := corsCall(s, tt.method, tt.url, tt.header)
			c.corsHeaders()
			c.w.WriteHeader(http.StatusOK)
			if diff := cmp.Diff(tt.want, corsAnswerOf(t, rec).Headers, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("corsHeaders, following %s (-want +got):\n%s", tt.source, diff)
			}
		})
	}
}
