package simulate_test

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/s3vet/s3vet/simulate"
)

// These tests send CORS requests to the simulator over HTTP: preflight
// OPTIONS requests, unsigned as browsers send them, and actual requests
// with an Origin, through the SDK. Each case names the AWS page it
// follows, or the recording of S3's answers it follows where the pages
// are silent (LocalStack's AWS-validated tests/aws/services/s3/
// test_s3_cors.py, recorded against S3; ceph s3-tests' CORS tests).

// The AWS pages and records the cases follow.
const (
	corsPutBucketCors   = "S3 API Reference, PutBucketCors"
	corsCORSRule        = "S3 API Reference, CORSRule"
	corsOptionsObject   = "S3 API Reference, Appendix: OPTIONS object"
	corsUsing           = "S3 User Guide, Using cross-origin resource sharing (CORS): How does Amazon S3 evaluate the CORS configuration on a bucket?"
	corsConfiguration   = "S3 User Guide, CORS configuration"
	corsTroubleshooting = "S3 User Guide, Troubleshooting CORS"
	corsRecorded        = "S3's answer recorded by LocalStack's AWS-validated test_s3_cors"
	corsS3Tests         = "ceph s3-tests, test_cors_origin_response"
)

// corsVary is S3's Vary on an answer a CORS rule allowed.
const corsVary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

// corsRefused is S3's message for a preflight no rule allows.
const corsRefused = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec."

// corsServer serves a world of one account with buckets "site", holding
// index.html and the rules of cors (if any), and "plain", without CORS.
// It returns the server and the account root's client.
func corsServer(t *testing.T, cors ...types.CORSRule) (*simulate.Server, *s3.Client) {
	t.Helper()
	w := &simulate.World{}
	a := w.AddAccount("111111111111")
	a.RootAccessKeys = []simulate.AccessKey{{ID: "AKIACORSEXAMPLE00001", Secret: "corsExampleSecretKey0000000000000000000/"}}
	a.AddBucket("site").AddObject("index.html", "<html></html>")
	a.AddBucket("plain")
	srv := simulate.NewTestServer(t, w)
	c := srv.Client(a.ARN())
	if len(cors) > 0 {
		_, err := c.PutBucketCors(context.Background(), &s3.PutBucketCorsInput{
			Bucket: aws.String("site"), CORSConfiguration: &types.CORSConfiguration{CORSRules: cors}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return srv, c
}

// corsHeaderNames are the headers a CORS answer is compared on.
var corsHeaderNames = []string{
	"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Vary",
}

// corsHeadersOf returns the CORS headers of an answer.
func corsHeadersOf(h http.Header) map[string]string {
	m := map[string]string{}
	for _, k := range corsHeaderNames {
		if v := h.Get(k); v != "" {
			m[k] = v
		}
	}
	return m
}

// corsAllowedHeaders is the headers of S3's answer allowing a request.
func corsAllowedHeaders(kv ...string) map[string]string {
	m := map[string]string{"Vary": corsVary}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// corsRefusal is what S3's error document says of a refused preflight.
type corsRefusal struct {
	Code, Message, Method, ResourceType string
}

// preflightAnswer is S3's answer to a preflight: its status, its CORS
// headers, whether it has a body, and the error it holds, if any.
type preflightAnswer struct {
	Status  int
	Headers map[string]string
	Error   *corsRefusal
}

// sendPreflight sends an unsigned OPTIONS request to rawURL, relative to
// the server's URL unless it has a scheme.
func sendPreflight(t *testing.T, srv *simulate.Server, rawURL string, header map[string]string) preflightAnswer {
	t.Helper()
	if !strings.Contains(rawURL, "://") {
		rawURL = srv.URL + rawURL
	}
	req, err := http.NewRequest(http.MethodOptions, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := preflightAnswer{Status: resp.StatusCode, Headers: corsHeadersOf(resp.Header)}
	if len(body) > 0 {
		a.Error = &corsRefusal{}
		if err := xml.Unmarshal(body, a.Error); err != nil {
			t.Fatalf("body %q: %v", body, err)
		}
	}
	return a
}

// A preflight is answered without authentication, as S3 answers it.
func TestPreflightOverHTTP(t *testing.T) {
	srv, _ := corsServer(t,
		types.CORSRule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET", "PUT"},
			MaxAgeSeconds: aws.Int32(3000), AllowedHeaders: []string{"x-amz-expected-bucket-owner", "x-AMZ-server-SIDE-encryption"}},
		types.CORSRule{AllowedOrigins: []string{"http://*.origin.com"}, AllowedMethods: []string{"DELETE"}},
		types.CORSRule{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"GET"}, ExposeHeaders: []string{"x-amz-id-2", "x-amz-request-id"}},
	)
	host := strings.TrimPrefix(srv.URL, "http://")
	_, port, _ := strings.Cut(host, ":")
	badRequest := func(msg string) *corsRefusal { return &corsRefusal{Code: "BadRequest", Message: msg} }
	none := map[string]string{}
	tests := []struct {
		name, source, url string
		header            map[string]string
		want              preflightAnswer
	}{
		{"no Origin", corsRecorded + " (test_cors_match_origins)", "/site/index.html", map[string]string{"Access-Control-Request-Method": "PUT"},
			preflightAnswer{400, none, badRequest("Insufficient information. Origin request header needed.")}},
		{"no Origin, no bucket", corsRecorded + " (test_cors_http_options_non_existent_bucket)", "/nobucket/k", nil,
			preflightAnswer{400, none, badRequest("Insufficient information. Origin request header needed.")}},
		{"no bucket", corsRecorded + " (test_cors_http_options_non_existent_bucket)", "/nobucket/k", map[string]string{"Origin": "whatever"},
			preflightAnswer{403, none, &corsRefusal{"AccessForbidden", "CORSResponse: Bucket not found", "OPTIONS", "BUCKET"}}},
		{"no CORS configuration", corsOptionsObject + "; " + corsRecorded + " (test_cors_http_options_no_config)", "/plain/k",
			map[string]string{"Origin": "whatever", "Access-Control-Request-Method": "PUT"},
			preflightAnswer{403, none, &corsRefusal{"AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", "PUT", "BUCKET"}}},
		{"no Access-Control-Request-Method", corsOptionsObject + " (Required: Yes)", "/site/index.html", map[string]string{"Origin": "https://localhost:4200"},
			preflightAnswer{400, none, badRequest("Invalid Access-Control-Request-Method: null")}},
		{"the rule's origin", corsRecorded + " (test_cors_match_origins)", "/site/index.html",
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "PUT"},
			preflightAnswer{200, corsAllowedHeaders("Access-Control-Allow-Origin", "https://localhost:4200", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "GET, PUT", "Access-Control-Max-Age", "3000"), nil}},
		{"requested headers, any case", corsRecorded + " (test_cors_match_headers)", "/site/index.html",
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "GET",
				"Access-Control-Request-Headers": "x-AMZ-expected-BUCKET-owner, x-amz-server-side-encryption"},
			preflightAnswer{200, corsAllowedHeaders("Access-Control-Allow-Origin", "https://localhost:4200", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "GET, PUT", "Access-Control-Max-Age", "3000",
				"Access-Control-Allow-Headers", "x-amz-expected-bucket-owner, x-amz-server-side-encryption"), nil}},
		{"a requested header no rule allows", corsOptionsObject + "; " + corsRecorded + " (test_cors_match_headers)", "/site/index.html",
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-amz-request-payer"},
			preflightAnswer{403, none, &corsRefusal{"AccessForbidden", corsRefused, "GET", "OBJECT"}}},
		{"a wrong scheme", corsTroubleshooting + "; " + corsRecorded + " (test_cors_match_origins)", "/site/index.html",
			map[string]string{"Origin": "http://localhost:4200", "Access-Control-Request-Method": "PUT"},
			preflightAnswer{403, none, &corsRefusal{"AccessForbidden", corsRefused, "PUT", "OBJECT"}}},
		{"a wildcard origin", corsConfiguration + "; " + corsRecorded + " (test_cors_options_match_partial_origin)", "/site/index.html",
			map[string]string{"Origin": "http://test.origin.com", "Access-Control-Request-Method": "DELETE"},
			preflightAnswer{200, corsAllowedHeaders("Access-Control-Allow-Origin", "http://test.origin.com", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "DELETE"), nil}},
		{"a trailing slash, on the bucket", corsRecorded + " (test_cors_options_fails_partial_origin)", "/site",
			map[string]string{"Origin": "http://test.origin.com/", "Access-Control-Request-Method": "DELETE"},
			preflightAnswer{403, none, &corsRefusal{"AccessForbidden", corsRefused, "DELETE", "BUCKET"}}},
		{"any origin", corsUsing + "; " + corsRecorded + " (test_cors_expose_headers)", "/site/index.html",
			map[string]string{"Origin": "localhost:4566", "Access-Control-Request-Method": "GET"},
			preflightAnswer{200, corsAllowedHeaders("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET",
				"Access-Control-Expose-Headers", "x-amz-id-2, x-amz-request-id"), nil}},
		{"a presigned URL's query, not checked", corsOptionsObject + " (any request parameters of the actual request)",
			"/site/index.html?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00&X-Amz-Credential=x",
			map[string]string{"Origin": "localhost:4566", "Access-Control-Request-Method": "GET"},
			preflightAnswer{200, corsAllowedHeaders("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET",
				"Access-Control-Expose-Headers", "x-amz-id-2, x-amz-request-id"), nil}},
		{"virtual-hosted style", corsOptionsObject, "http://site.localhost:" + port + "/index.html",
			map[string]string{"Origin": "localhost:4566", "Access-Control-Request-Method": "GET"},
			preflightAnswer{200, corsAllowedHeaders("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET",
				"Access-Control-Expose-Headers", "x-amz-id-2, x-amz-request-id"), nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sendPreflight(t, srv, tt.url, tt.header)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("OPTIONS %s, following %s (-want +got):\n%s", tt.url, tt.source, diff)
			}
		})
	}
}

// withOrigin adds request headers to an SDK call.
func withOrigin(header map[string]string) func(*s3.Options) {
	return func(o *s3.Options) {
		for k, v := range header {
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue(k, v))
		}
	}
}

// answerHeaders returns the headers of an SDK call's answer, a success's
// or an error's.
func answerHeaders(t *testing.T, md middleware.Metadata, err error) http.Header {
	t.Helper()
	if err != nil {
		var re *smithyhttp.ResponseError
		if !errors.As(err, &re) {
			t.Fatalf("no HTTP answer: %v", err)
		}
		return re.Response.Header
	}
	resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	if !ok {
		t.Fatal("no raw response")
	}
	return resp.Header
}

// An actual request with an Origin is served as without one, with the
// headers of the first rule that allows its origin and method, and none
// when no rule does.
func TestCORSHeadersOverHTTP(t *testing.T) {
	_, c := corsServer(t,
		types.CORSRule{AllowedOrigins: []string{"https://localhost:4200"}, AllowedMethods: []string{"GET"},
			MaxAgeSeconds: aws.Int32(3000), AllowedHeaders: []string{"*"}},
		types.CORSRule{AllowedOrigins: []string{"http://*.origin.com"}, AllowedMethods: []string{"PUT", "GET"}, ExposeHeaders: []string{"ETag"}},
	)
	ctx := context.Background()
	fromLocalhost := corsAllowedHeaders("Access-Control-Allow-Origin", "https://localhost:4200", "Access-Control-Allow-Credentials", "true",
		"Access-Control-Allow-Methods", "GET", "Access-Control-Max-Age", "3000")
	fromOrigin := corsAllowedHeaders("Access-Control-Allow-Origin", "http://app.origin.com", "Access-Control-Allow-Credentials", "true",
		"Access-Control-Allow-Methods", "PUT, GET", "Access-Control-Expose-Headers", "ETag")
	getObject := func(bucket, key string) func(map[string]string) (middleware.Metadata, error) {
		return func(h map[string]string) (middleware.Metadata, error) {
			out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}, withOrigin(h))
			if err != nil {
				return middleware.Metadata{}, err
			}
			out.Body.Close()
			return out.ResultMetadata, nil
		}
	}
	putObject := func(h map[string]string) (middleware.Metadata, error) {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("new"), Body: strings.NewReader("x")}, withOrigin(h))
		if err != nil {
			return middleware.Metadata{}, err
		}
		return out.ResultMetadata, nil
	}
	tests := []struct {
		name, source string
		send         func(map[string]string) (middleware.Metadata, error)
		header       map[string]string
		wantErr      string // S3 error code, "" for success
		want         map[string]string
	}{
		{"no Origin", corsTroubleshooting, getObject("site", "index.html"), nil, "", nil},
		{"an allowed origin", corsUsing + "; " + corsRecorded + " (test_cors_match_origins)", getObject("site", "index.html"),
			map[string]string{"Origin": "https://localhost:4200"}, "", fromLocalhost},
		{"a wrong origin, still served", corsRecorded + " (test_cors_match_origins)", getObject("site", "index.html"),
			map[string]string{"Origin": "http://localhost:4200"}, "", nil},
		{"a method the origin's rule lacks, still served", corsRecorded + " (test_cors_match_methods)", putObject,
			map[string]string{"Origin": "https://localhost:4200"}, "", nil},
		{"Access-Control-Request-Method decides", corsRecorded + " (test_cors_match_methods)", getObject("site", "index.html"),
			map[string]string{"Origin": "https://localhost:4200", "Access-Control-Request-Method": "PUT"}, "", nil},
		{"a wildcard origin, with ExposeHeader", corsConfiguration + "; " + corsRecorded + " (test_cors_options_match_partial_origin)", putObject,
			map[string]string{"Origin": "http://app.origin.com"}, "", fromOrigin},
		{"an error answer carries them", corsS3Tests, getObject("site", "missing"),
			map[string]string{"Origin": "http://app.origin.com"}, "NoSuchKey", fromOrigin},
		{"no CORS configuration", corsRecorded + " (test_cors_http_get_no_config)", getObject("plain", "missing"),
			map[string]string{"Origin": "https://localhost:4200"}, "NoSuchKey", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md, err := tt.send(tt.header)
			var code string
			if err != nil {
				var ae smithy.APIError
				if errors.As(err, &ae) {
					code = ae.ErrorCode()
				}
			}
			if code != tt.wantErr {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			got := corsHeadersOf(answerHeaders(t, md, err))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("following %s (-want +got):\n%s", tt.source, diff)
			}
		})
	}
}

// PutBucketCors refuses what S3 refuses, with S3's error, and keeps
// what it accepts.
func TestPutBucketCorsValidation(t *testing.T) {
	_, c := corsServer(t)
	ctx := context.Background()
	rule := func(origins, methods []string) types.CORSRule {
		return types.CORSRule{AllowedOrigins: origins, AllowedMethods: methods}
	}
	star := []string{"*"}
	get := []string{"GET"}
	many := make([]types.CORSRule, 101)
	for i := range many {
		many[i] = rule(star, get)
	}
	const malformed = "The XML you provided was not well-formed or did not validate against our published schema"
	type apiErr struct{ Code, Message string }
	tests := []struct {
		name, source string
		rules        []types.CORSRule
		want         *apiErr
	}{
		{"a rule of every element", corsConfiguration + " (example 2)", []types.CORSRule{{ID: aws.String("r1"),
			AllowedOrigins: []string{"http://www.example.com"}, AllowedMethods: []string{"PUT", "POST", "DELETE"}, AllowedHeaders: star,
			MaxAgeSeconds: aws.Int32(3000), ExposeHeaders: []string{"x-amz-server-side-encryption", "x-amz-request-id", "x-amz-id-2"}}}, nil},
		{"an empty origin", corsRecorded + " (test_put_cors_empty_origin)", []types.CORSRule{rule([]string{""}, []string{"GET", "PUT", "HEAD"})}, nil},
		{"no rules", corsRecorded + " (test_put_cors_invalid_rules)", []types.CORSRule{}, &apiErr{"MalformedXML", malformed}},
		{"no origin", corsCORSRule + " (AllowedOrigins, Required: Yes)", []types.CORSRule{rule([]string{}, get)}, &apiErr{"MalformedXML", malformed}},
		{"no method", corsCORSRule + " (AllowedMethods, Required: Yes)", []types.CORSRule{rule(star, []string{})}, &apiErr{"MalformedXML", malformed}},
		{"an unsupported method", corsCORSRule + "; " + corsRecorded + " (test_put_cors_invalid_rules)",
			[]types.CORSRule{rule([]string{"*", "https://test.com"}, []string{"GET", "PUT", "HEAD", "MYMETHOD"})},
			&apiErr{"InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD"}},
		{"two wildcards in an origin", corsConfiguration + " (AllowedOrigin element)", []types.CORSRule{rule([]string{"*example*.com"}, get)},
			&apiErr{"InvalidRequest", `AllowedOrigin "*example*.com" can not have more than one wildcard.`}},
		{"two wildcards in a header", corsConfiguration + " (AllowedHeader element)",
			[]types.CORSRule{{AllowedOrigins: star, AllowedMethods: get, AllowedHeaders: []string{"x-*-*"}}},
			&apiErr{"InvalidRequest", `AllowedHeader "x-*-*" can not have more than one wildcard.`}},
		{"a wildcard in an ExposeHeader", corsCORSRule + " (ExposeHeaders)",
			[]types.CORSRule{{AllowedOrigins: star, AllowedMethods: get, ExposeHeaders: []string{"x-amz-meta-*"}}},
			&apiErr{"InvalidRequest", `ExposeHeader "x-amz-meta-*" contains wildcard. We currently do not support wildcard for ExposeHeader.`}},
		{"101 rules", corsConfiguration + " (up to 100 rules)", many,
			&apiErr{"InvalidRequest", "The number of CORS rules should not exceed allowed limit of 100 rules."}},
		{"an ID of 256 characters", corsCORSRule + " (ID)", []types.CORSRule{{ID: aws.String(strings.Repeat("a", 256)), AllowedOrigins: star, AllowedMethods: get}},
			&apiErr{"InvalidArgument", "ID length should not exceed allowed limit of 255"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: aws.String("site"),
				CORSConfiguration: &types.CORSConfiguration{CORSRules: tt.rules}})
			var got *apiErr
			if err != nil {
				var ae smithy.APIError
				if !errors.As(err, &ae) {
					t.Fatal(err)
				}
				got = &apiErr{ae.ErrorCode(), ae.ErrorMessage()}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("PutBucketCors, following %s (-want +got):\n%s", tt.source, diff)
			}
			if tt.want != nil {
				return
			}
			out, err := c.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: aws.String("site")})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.rules, out.CORSRules, cmpopts.IgnoreUnexported(types.CORSRule{})); diff != "" {
				t.Errorf("GetBucketCors after PutBucketCors, following %s (-want +got):\n%s", tt.source, diff)
			}
		})
	}
}
