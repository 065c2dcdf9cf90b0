package conformance_test

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// obNoContentType drops the Content-Type the SDK adds to every upload.
func obNoContentType(o *s3.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Build.Add(middleware.BuildMiddlewareFunc("NoContentType", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			if r, ok := in.Request.(*smithyhttp.Request); ok {
				r.Header.Del("Content-Type")
			}
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	})
}

// obErrHeader is header k of the HTTP answer behind err.
func obErrHeader(err error, k string) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get(k)
	}
	return ""
}

// obStatus is the HTTP status of an SDK call's error; 200 for none.
func obStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return asAPIErr(err).Status
}

// obHTTPStatus is the HTTP status of a successful SDK call.
func obHTTPStatus(md middleware.Metadata) int {
	if r, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		return r.StatusCode
	}
	return 0
}

func obMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// obGrantGet gives principal (JSON) s3:GetObject on the bucket's objects.
func obGrantGet(t *testing.T, e *env, bucket, principal string) {
	t.Helper()
	_, err := e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(`{"Version": "2012-10-17",
	  "Statement": [{"Effect": "Allow", "Principal": ` + principal + `, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::` + bucket + `/*"}]}`)})
	obMust(t, err)
}

func obMD5(s string) string {
	sum := md5.Sum([]byte(s))
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// obHeaders are the headers of a GET or HEAD answer that S3 stores with an object.
type obHeaders struct {
	ContentType, ContentEncoding, ContentDisposition, ContentLanguage, CacheControl, Expires string
	StorageClass, Redirect, ETag, SSE                                                        string
	ContentLength                                                                            int64
	TagCount                                                                                 int32
	Metadata                                                                                 map[string]string
}

func TestObjectHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "headers")
	expires := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		name string
		in   s3.PutObjectInput
		opts []func(*s3.Options)
		want obHeaders
	}{
		// S3 API Reference (2006-03-01), PUT Object: Content-Type "Default:
		// binary/octet-stream". User Guide, "Setting default server-side
		// encryption behavior": every new object is SSE-S3 by default.
		{name: "defaults", opts: []func(*s3.Options){obNoContentType}, want: obHeaders{ContentType: "binary/octet-stream", SSE: "AES256"}},
		// S3 API Reference, PutObject: these headers are stored and GetObject
		// and HeadObject return them (x-amz-tagging-count: "The number of
		// tags, if any, on the object"). User Guide, "Working with object
		// metadata": "Amazon S3 stores user-defined metadata keys in lowercase."
		{name: "every header", in: s3.PutObjectInput{ContentType: aws.String("text/plain"), ContentEncoding: aws.String("gzip"),
			ContentDisposition: aws.String(`attachment; filename="a.txt"`), ContentLanguage: aws.String("fr-CA"),
			CacheControl: aws.String("max-age=60"), Expires: &expires, StorageClass: s3types.StorageClassStandardIa,
			WebsiteRedirectLocation: aws.String("/elsewhere.html"), Tagging: aws.String("a=1&b=2"),
			Metadata: map[string]string{"Foo": "bar", "MixedCase-Name": "Value"}},
			want: obHeaders{ContentType: "text/plain", ContentEncoding: "gzip", ContentDisposition: `attachment; filename="a.txt"`,
				ContentLanguage: "fr-CA", CacheControl: "max-age=60", Expires: expires.Format(http.TimeFormat),
				StorageClass: "STANDARD_IA", Redirect: "/elsewhere.html", SSE: "AES256", TagCount: 2,
				Metadata: map[string]string{"foo": "bar", "mixedcase-name": "Value"}}},
		// GetObject StorageClass: "Amazon S3 returns this header for all
		// objects except for S3 Standard storage class objects."
		{name: "standard", in: s3.PutObjectInput{ContentType: aws.String("image/png"), StorageClass: s3types.StorageClassStandard},
			want: obHeaders{ContentType: "image/png", SSE: "AES256"}},
	}
	for _, tc := range cases {
		body, in := "body of "+tc.name, tc.in
		in.Bucket, in.Key, in.Body = aws.String(b), aws.String(tc.name), strings.NewReader(body)
		out, err := e.c.PutObject(e.ctx, &in, tc.opts...)
		obMust(t, err)
		// S3 API Reference, Common Response Headers, ETag: for an object
		// created by PutObject and encrypted by SSE-S3, "an MD5 digest of the
		// object data". HeadObject returns the headers of GetObject.
		want := tc.want
		want.ETag, want.ContentLength = obMD5(body), int64(len(body))
		got, g := e.get(t, b, tc.name)
		h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String(tc.name)})
		if err != nil || got != body || aws.ToString(out.ETag) != want.ETag {
			t.Fatalf("%s: PUT ETag %s, GET %q, HEAD %v", tc.name, aws.ToString(out.ETag), got, err)
		}
		for op, o := range map[string]obHeaders{
			"GetObject": {aws.ToString(g.ContentType), aws.ToString(g.ContentEncoding), aws.ToString(g.ContentDisposition),
				aws.ToString(g.ContentLanguage), aws.ToString(g.CacheControl), aws.ToString(g.ExpiresString), string(g.StorageClass),
				aws.ToString(g.WebsiteRedirectLocation), aws.ToString(g.ETag), string(g.ServerSideEncryption),
				aws.ToInt64(g.ContentLength), aws.ToInt32(g.TagCount), g.Metadata},
			"HeadObject": {aws.ToString(h.ContentType), aws.ToString(h.ContentEncoding), aws.ToString(h.ContentDisposition),
				aws.ToString(h.ContentLanguage), aws.ToString(h.CacheControl), aws.ToString(h.ExpiresString), string(h.StorageClass),
				aws.ToString(h.WebsiteRedirectLocation), aws.ToString(h.ETag), string(h.ServerSideEncryption),
				aws.ToInt64(h.ContentLength), aws.ToInt32(h.TagCount), h.Metadata},
		} {
			if d := cmp.Diff(want, o); d != "" {
				t.Errorf("%s %s headers (-want +got):\n%s", tc.name, op, d)
			}
		}
	}
}

func TestObjectLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "limits")
	// User Guide, "Working with object metadata": user-defined metadata "is
	// limited to 2 KB"; observed, {'key': 'a'*2100} is refused (lakeFS#9728).
	// User Guide, "Naming Amazon S3 objects": a key's UTF-8 encoding "is at
	// most 1,024 bytes long". S3 API Reference, Error responses:
	// MetadataTooLarge and KeyTooLongError ("Your key is too long"), 400.
	cases := []struct {
		key  string
		meta map[string]string
		code string
	}{
		{"m1", map[string]string{"k": strings.Repeat("a", 2000)}, ""},
		{"m2", map[string]string{"key": strings.Repeat("a", 2100)}, "MetadataTooLarge"},
		{strings.Repeat("k", 1024), nil, ""},
		{strings.Repeat("k", 1025), nil, "KeyTooLongError"},
		{strings.Repeat("é", 512) + "k", nil, "KeyTooLongError"},
	}
	for _, tc := range cases {
		_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(tc.key), Body: strings.NewReader("x"), Metadata: tc.meta})
		if got := asAPIErr(err); got.Code != tc.code || (err != nil && got.Status != 400) {
			t.Errorf("PUT key of %d bytes: %+v, want 400 %q", len(tc.key), got, tc.code)
		}
		if tc.code == "KeyTooLongError" {
			_, err = e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(tc.key)})
			wantErr(t, err, 400, "KeyTooLongError", "Your key is too long")
		}
	}
}

func TestObjectGetConditional(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "cond")
	e.put(t, b, "k", "conditional")
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	obMust(t, err)
	etag, lm, other, star := aws.ToString(h.ETag), aws.ToTime(h.LastModified), `"0123456789abcdef0123456789abcdef"`, "*"
	before := lm.Add(-time.Hour)
	// S3 API Reference, GetObject and HeadObject: If-Match and
	// If-Unmodified-Since fail with 412, If-None-Match and If-Modified-Since
	// with 304; "If-Match condition evaluates to true, and; If-Unmodified-Since
	// condition evaluates to false; then, S3 returns 200 OK"; "If-None-Match
	// condition evaluates to false, and; If-Modified-Since condition evaluates
	// to true; then, S3 returns 304 Not Modified"; otherwise RFC 7232 §6.
	cases := []struct {
		name            string
		match, none     *string
		modified, unmod *time.Time
		want            int
	}{
		{"If-Match true", &etag, nil, nil, nil, 200}, {"If-Match false", &other, nil, nil, nil, 412}, {"If-Match *", &star, nil, nil, nil, 200},
		{"If-None-Match true", nil, &other, nil, nil, 200}, {"If-None-Match false", nil, &etag, nil, nil, 304},
		{"If-Modified-Since true", nil, nil, &before, nil, 200}, {"If-Modified-Since false", nil, nil, &lm, nil, 304},
		{"If-Unmodified-Since true", nil, nil, nil, &lm, 200}, {"If-Unmodified-Since false", nil, nil, nil, &before, 412},
		{"If-Match true, If-Unmodified-Since false", &etag, nil, nil, &before, 200},
		{"If-None-Match false, If-Modified-Since true", nil, &etag, &before, nil, 304},
		{"If-Match false, If-None-Match true", &other, &other, nil, nil, 412},
		{"If-Unmodified-Since false, If-None-Match false", nil, &etag, nil, &before, 412},
	}
	for _, tc := range cases {
		_, gerr := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k"),
			IfMatch: tc.match, IfNoneMatch: tc.none, IfModifiedSince: tc.modified, IfUnmodifiedSince: tc.unmod})
		_, herr := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k"),
			IfMatch: tc.match, IfNoneMatch: tc.none, IfModifiedSince: tc.modified, IfUnmodifiedSince: tc.unmod})
		if got := [2]int{obStatus(gerr), obStatus(herr)}; got != [2]int{tc.want, tc.want} {
			t.Errorf("%s: GET, HEAD status %v (%v), want %d", tc.name, got, gerr, tc.want)
			continue
		}
		// Observed: 412 is PreconditionFailed "At least one of the
		// pre-conditions you specified did not hold" (moto aws_verified
		// tests); a 304 carries the ETag (moto#8534, captured S3 304).
		if tc.want == 412 {
			wantErr(t, gerr, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
		} else if got := [2]string{obErrHeader(gerr, "ETag"), obErrHeader(herr, "ETag")}; tc.want == 304 && got != [2]string{etag, etag} {
			t.Errorf("%s: 304 ETag (GET, HEAD) %v, want %s", tc.name, got, etag)
		}
	}
}

func TestObjectPutConditional(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "condput")
	e.put(t, b, "exists", "old")
	etag, other, star := obMD5("old"), `"0123456789abcdef0123456789abcdef"`, "*"
	// S3 API Reference, PutObject: If-None-Match "Uploads the object only if
	// the object key name does not already exist ... Otherwise, Amazon S3
	// returns a 412 Precondition Failed error"; If-Match: "If the ETag values
	// do not match, the operation returns a 412". Observed: If-Match on a
	// missing key is 404 NoSuchKey (minio#21526, moto aws_verified test);
	// If-None-Match with an ETag is 501 NotImplemented (aws-sdk-ruby#3144).
	cases := []struct {
		key         string
		match, none *string
		want        apiErr
	}{
		{"new", nil, &star, apiErr{}}, {"exists", nil, &star, apiErr{Status: 412, Code: "PreconditionFailed"}},
		{"exists", &other, nil, apiErr{Status: 412, Code: "PreconditionFailed"}},
		{"missing", &etag, nil, apiErr{Status: 404, Code: "NoSuchKey"}}, {"exists", nil, &etag, apiErr{Status: 501, Code: "NotImplemented"}},
		{"exists", &etag, nil, apiErr{}},
	}
	for i, tc := range cases {
		_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String(tc.key), Body: strings.NewReader("new"),
			IfMatch: tc.match, IfNoneMatch: tc.none})
		if got := asAPIErr(err); got.Status != tc.want.Status || got.Code != tc.want.Code {
			t.Errorf("case %d (%s): %+v, want %+v", i, tc.key, got, tc.want)
		}
	}
	if got, _ := e.get(t, b, "exists"); got != "new" {
		t.Errorf("after the If-Match PUT the object holds %q, want %q", got, "new")
	}
}

// obRanged is what a GetObject with a Range or partNumber answered.
type obRanged struct {
	Status      int
	Body, Range string
	Length      int64
	PartsCount  int32
	Code        string
}

func obGetRanged(t *testing.T, e *env, in *s3.GetObjectInput) obRanged {
	t.Helper()
	out, err := e.c.GetObject(e.ctx, in)
	if err != nil {
		a := asAPIErr(err)
		return obRanged{Status: a.Status, Code: a.Code}
	}
	return obRanged{obHTTPStatus(out.ResultMetadata), readAll(t, out.Body), aws.ToString(out.ContentRange),
		aws.ToInt64(out.ContentLength), aws.ToInt32(out.PartsCount), ""}
}

func TestObjectGetRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "ranges")
	const all = "0123456789"
	e.put(t, b, "k", all)
	// S3 API Reference, GetObject Range: RFC 9110 byte ranges, "Amazon S3
	// doesn't support retrieving multiple ranges"; InvalidRange is 416 (Error
	// responses). Observed (moto#6778, cloudserver#400, versitygw#1258,
	// localstack#9076, riak_cs#304): an end past the object is clamped; 416
	// only for a first byte past the end or bytes=-0; a malformed, reversed
	// or multiple range is ignored: 200 with the whole object.
	whole := obRanged{Status: 200, Body: all, Length: 10}
	cases := []struct {
		rng  string
		want obRanged
	}{
		{"bytes=2-5", obRanged{Status: 206, Body: "2345", Range: "bytes 2-5/10", Length: 4}},
		{"bytes=7-", obRanged{Status: 206, Body: "789", Range: "bytes 7-9/10", Length: 3}},
		{"bytes=-3", obRanged{Status: 206, Body: "789", Range: "bytes 7-9/10", Length: 3}},
		{"bytes=5-100", obRanged{Status: 206, Body: "56789", Range: "bytes 5-9/10", Length: 5}},
		{"bytes=-20", obRanged{Status: 206, Body: all, Range: "bytes 0-9/10", Length: 10}},
		{"bytes=10-20", obRanged{Status: 416, Code: "InvalidRange"}}, {"bytes=-0", obRanged{Status: 416, Code: "InvalidRange"}},
		{"bytes=5-2", whole}, {"bytes=abc", whole}, {"items=0-3", whole}, {"bytes=0-1,3-4", whole},
	}
	for _, tc := range cases {
		got := obGetRanged(t, e, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Range: aws.String(tc.rng)})
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Range %s (-want +got):\n%s", tc.rng, d)
		}
	}
	// HeadObject Range: "If the Range is satisfiable, only the ContentLength
	// is affected ... If the Range is not satisfiable, S3 returns a 416".
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Range: aws.String("bytes=2-5")})
	_, err2 := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Range: aws.String("bytes=10-")})
	if err != nil || aws.ToInt64(h.ContentLength) != 4 || obStatus(err2) != 416 {
		t.Errorf("HEAD bytes=2-5: %v, length %d, want 4; HEAD bytes=10-: %v, want 416", err, aws.ToInt64(h.ContentLength), err2)
	}
}

func TestObjectGetPartNumber(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "parts")
	e.put(t, b, "single", "0123456789")
	up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("multi")})
	obMust(t, err)
	done := &s3types.CompletedMultipartUpload{}
	for i, data := range []string{strings.Repeat("a", 5<<20), "xyz"} {
		n := aws.Int32(int32(i + 1))
		p, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(b), Key: aws.String("multi"), UploadId: up.UploadId,
			PartNumber: n, Body: strings.NewReader(data)})
		obMust(t, err)
		done.Parts = append(done.Parts, s3types.CompletedPart{ETag: p.ETag, PartNumber: n})
	}
	_, err = e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(b), Key: aws.String("multi"),
		UploadId: up.UploadId, MultipartUpload: done})
	obMust(t, err)
	// S3 API Reference, GetObject partNumber: "a positive integer between 1
	// and 10,000. Effectively performs a 'ranged' GET request for the part
	// specified"; PartsCount "is only returned if you specify partNumber in
	// your request and the object was uploaded as a multipart upload".
	// Observed (a.md §4): partNumber=1 of a single-PUT object is 206 with the
	// whole object (versitygw#2074, moto#7850); beyond the count 416
	// InvalidPartNumber; 0 or 10001 400 InvalidArgument; with Range 400
	// InvalidRequest (ceph#66780).
	cases := []struct {
		key  string
		part int32
		rng  string
		want obRanged
	}{
		{"single", 1, "", obRanged{Status: 206, Body: "0123456789", Range: "bytes 0-9/10", Length: 10}},
		{"single", 2, "", obRanged{Status: 416, Code: "InvalidPartNumber"}}, {"single", 0, "", obRanged{Status: 400, Code: "InvalidArgument"}},
		{"single", 10001, "", obRanged{Status: 400, Code: "InvalidArgument"}},
		{"single", 1, "bytes=0-1", obRanged{Status: 400, Code: "InvalidRequest"}},
		{"multi", 2, "", obRanged{Status: 206, Body: "xyz", Range: "bytes 5242880-5242882/5242883", Length: 3, PartsCount: 2}},
		{"multi", 3, "", obRanged{Status: 416, Code: "InvalidPartNumber"}},
	}
	for _, tc := range cases {
		in := &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(tc.key), PartNumber: aws.Int32(tc.part)}
		if tc.rng != "" {
			in.Range = aws.String(tc.rng)
		}
		if d := cmp.Diff(tc.want, obGetRanged(t, e, in)); d != "" {
			t.Errorf("%s partNumber=%d %s (-want +got):\n%s", tc.key, tc.part, tc.rng, d)
		}
	}
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("multi"), PartNumber: aws.Int32(1)})
	if _, o := e.get(t, b, "multi"); err != nil || aws.ToInt64(h.ContentLength) != 5<<20 || aws.ToInt32(h.PartsCount) != 2 || o.PartsCount != nil {
		t.Errorf("HEAD multi partNumber=1: %v, want length %d and 2 parts; GET without partNumber must have no PartsCount", err, 5<<20)
	}
}

func TestObjectGetResponseOverrides(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "overrides")
	e.put(t, b, "k", "x", func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	exp := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	// S3 API Reference, GetObject, "Overriding response header values through
	// the request": the six response-* parameters set those headers of a 200
	// answer; HeadObject takes the same parameters.
	_, g := e.get(t, b, "k", func(in *s3.GetObjectInput) {
		in.ResponseCacheControl, in.ResponseContentDisposition = aws.String("no-cache"), aws.String("inline")
		in.ResponseContentEncoding, in.ResponseContentLanguage = aws.String("identity"), aws.String("de")
		in.ResponseContentType, in.ResponseExpires = aws.String("application/json"), &exp
	})
	h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("k"), ResponseContentType: aws.String("image/gif")})
	obMust(t, err)
	got := []string{aws.ToString(g.CacheControl), aws.ToString(g.ContentDisposition), aws.ToString(g.ContentEncoding),
		aws.ToString(g.ContentLanguage), aws.ToString(g.ContentType), aws.ToString(g.ExpiresString), aws.ToString(h.ContentType)}
	want := []string{"no-cache", "inline", "identity", "de", "application/json", exp.Format(http.TimeFormat), "image/gif"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("overridden headers (-want +got):\n%s", d)
	}
	// "These parameters cannot be used with an unsigned (anonymous) request."
	// Observed (a.md §5): 400 InvalidRequest "Request specific response
	// headers cannot be used for anonymous GET requests."
	_, err = e.c.DeletePublicAccessBlock(e.ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(b)})
	obMust(t, err)
	obGrantGet(t, e, b, `"*"`)
	anon := e.srv.Client(anonymous)
	out, err := anon.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k")})
	obMust(t, err) // the policy grants it
	out.Body.Close()
	_, err = anon.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("k"), ResponseContentType: aws.String("text/html")})
	wantErr(t, err, 400, "InvalidRequest", "Request specific response headers cannot be used for anonymous GET requests.")
}

func TestObjectGetEncryptionHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, true)
	b := e.bucket(t, "ssehead")
	e.put(t, b, "s3", "x")
	e.put(t, b, "kms", "x", func(in *s3.PutObjectInput) {
		in.ServerSideEncryption, in.SSEKMSKeyId = s3types.ServerSideEncryptionAwsKms, aws.String(kmsKey)
	})
	// S3 API Reference, GetObject and HeadObject: x-amz-server-side-encryption
	// "should not be sent" for SSE-S3 or SSE-KMS objects, "you'll get an HTTP
	// 400 Bad Request error". Observed: InvalidArgument
	// "x-amz-server-side-encryption header is not supported for this
	// operation." (s3fs-fuse#2401, s3cmd#276).
	for key, alg := range map[string]string{"s3": "AES256", "kms": "aws:kms"} {
		sse := func(o *s3.Options) {
			o.APIOptions = append(o.APIOptions, smithyhttp.AddHeaderValue("X-Amz-Server-Side-Encryption", alg))
		}
		_, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String(key)}, sse)
		wantErr(t, err, 400, "InvalidArgument", "x-amz-server-side-encryption header is not supported for this operation.")
		if _, err = e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String(key)}, sse); obStatus(err) != 400 {
			t.Errorf("HEAD %s with x-amz-server-side-encryption: %v, want 400", key, err)
		}
	}
	// Observed (boto/boto3#982): SSE-C headers for an object that is not
	// SSE-C: 400 InvalidRequest "The encryption parameters are not applicable
	// to this object."
	key := make([]byte, 32)
	sum := md5.Sum(key)
	_, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("s3"), SSECustomerAlgorithm: aws.String("AES256"),
		SSECustomerKey: aws.String(base64.StdEncoding.EncodeToString(key)), SSECustomerKeyMD5: aws.String(base64.StdEncoding.EncodeToString(sum[:]))})
	wantErr(t, err, 400, "InvalidRequest", "The encryption parameters are not applicable to this object.")
}

func TestObjectGetMissingKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "missing")
	e.put(t, b, "present", "x")
	obGrantGet(t, e, b, `{"AWS": "`+stranger+`"}`)
	// S3 API Reference, GetObject: "If you have the s3:ListBucket permission
	// on the bucket, Amazon S3 returns an HTTP status code 404 Not Found
	// error. If you don't have the s3:ListBucket permission, Amazon S3 returns
	// an HTTP status code 403 Access Denied error."
	_, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("absent")})
	wantErr(t, err, 404, "NoSuchKey", "The specified key does not exist.")
	other := e.srv.Client(stranger)
	out, err := other.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("present")})
	obMust(t, err) // the policy grants it
	out.Body.Close()
	_, err = other.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(b), Key: aws.String("absent")})
	wantErr(t, err, 403, "AccessDenied", "")
}

func TestObjectCopy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "copies")
	e.put(t, b, "src", "source", func(in *s3.PutObjectInput) {
		in.ContentType, in.CacheControl, in.WebsiteRedirectLocation = aws.String("text/plain"), aws.String("max-age=1"), aws.String("/r.html")
		in.Metadata, in.Tagging = map[string]string{"colour": "red"}, aws.String("a=1&b=2")
	})
	copyTo := func(dst string, in s3.CopyObjectInput) error {
		in.Bucket, in.Key, in.CopySource = aws.String(b), aws.String(dst), aws.String(b+"/src")
		_, err := e.c.CopyObject(e.ctx, &in)
		return err
	}
	t.Run("directives", func(t *testing.T) {
		type copied struct {
			Body, ContentType, CacheControl, Redirect string
			Metadata, Tags                            map[string]string
		}
		src := copied{"source", "text/plain", "max-age=1", "", map[string]string{"colour": "red"}, map[string]string{"a": "1", "b": "2"}}
		with := func(f func(*copied)) copied { c := src; f(&c); return c }
		// S3 API Reference, CopyObject: x-amz-metadata-directive "If this
		// header isn't specified, COPY is the default behavior" (the source's
		// metadata; the request's ignored, observed in s5cmd#711); REPLACE
		// takes the request's. "x-amz-website-redirect-location
		// is unique to each object and is not copied ... you must specify
		// x-amz-website-redirect-location in the request header".
		// x-amz-tagging-directive: "The default value is COPY".
		cases := []struct {
			in   s3.CopyObjectInput
			want copied
		}{
			{s3.CopyObjectInput{Metadata: map[string]string{"colour": "blue"}}, src},
			{s3.CopyObjectInput{MetadataDirective: s3types.MetadataDirectiveCopy, ContentType: aws.String("text/html")}, src},
			{s3.CopyObjectInput{MetadataDirective: s3types.MetadataDirectiveReplace, ContentType: aws.String("text/html"),
				Metadata: map[string]string{"Size": "L"}}, with(func(c *copied) {
				c.ContentType, c.CacheControl, c.Metadata = "text/html", "", map[string]string{"size": "L"}
			})},
			{s3.CopyObjectInput{WebsiteRedirectLocation: aws.String("/n.html")}, with(func(c *copied) { c.Redirect = "/n.html" })},
			{s3.CopyObjectInput{TaggingDirective: s3types.TaggingDirectiveReplace, Tagging: aws.String("c=3")},
				with(func(c *copied) { c.Tags = map[string]string{"c": "3"} })},
		}
		for i, tc := range cases {
			dst := "dst" + string(rune('0'+i))
			if err := copyTo(dst, tc.in); err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			body, g := e.get(t, b, dst)
			tags, err := e.c.GetObjectTagging(e.ctx, &s3.GetObjectTaggingInput{Bucket: aws.String(b), Key: aws.String(dst)})
			obMust(t, err)
			got := copied{body, aws.ToString(g.ContentType), aws.ToString(g.CacheControl), aws.ToString(g.WebsiteRedirectLocation), g.Metadata, map[string]string{}}
			for _, tg := range tags.TagSet {
				got.Tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("case %d (-want +got):\n%s", i, d)
			}
		}
	})
	t.Run("to itself", func(t *testing.T) {
		// Observed on S3 (cyberduck#11849, s5cmd#711): 400 InvalidRequest;
		// allowed once the metadata (REPLACE), storage class or website
		// redirect location changes, as the message says.
		e.put(t, b, "self", "x")
		self := func(in s3.CopyObjectInput) error {
			in.Bucket, in.Key, in.CopySource = aws.String(b), aws.String("self"), aws.String(b+"/self")
			_, err := e.c.CopyObject(e.ctx, &in)
			return err
		}
		wantErr(t, self(s3.CopyObjectInput{}), 400, "InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
		wantErr(t, self(s3.CopyObjectInput{Metadata: map[string]string{"a": "b"}}), 400, "InvalidRequest", "copy an object to itself")
		for i, in := range []s3.CopyObjectInput{{MetadataDirective: s3types.MetadataDirectiveReplace},
			{StorageClass: s3types.StorageClassStandardIa}, {WebsiteRedirectLocation: aws.String("/x.html")}} {
			if err := self(in); err != nil {
				t.Errorf("self copy %d with a change: %v", i, err)
			}
		}
	})
	t.Run("source conditions", func(t *testing.T) {
		h, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(b), Key: aws.String("src")})
		obMust(t, err)
		etag, lm, other := aws.ToString(h.ETag), aws.ToTime(h.LastModified), `"0123456789abcdef0123456789abcdef"`
		before := lm.Add(-time.Hour)
		// S3 API Reference, CopyObject: x-amz-copy-source-if-match,
		// -if-none-match, -if-unmodified-since, -if-modified-since; if-match
		// true and if-unmodified-since false "returns 200 OK and copies the
		// data"; if-none-match false and if-modified-since true "returns the
		// 412 Precondition Failed response code". Observed (ceph s3-tests):
		// 412 PreconditionFailed.
		cases := []struct {
			match, none     *string
			modified, unmod *time.Time
			want            int
		}{
			{&etag, nil, nil, nil, 200}, {&other, nil, nil, nil, 412},
			{nil, &other, nil, nil, 200}, {nil, &etag, nil, nil, 412},
			{nil, nil, &before, nil, 200}, {nil, nil, &lm, nil, 412},
			{nil, nil, nil, &lm, 200}, {nil, nil, nil, &before, 412},
			{&etag, nil, nil, &before, 200}, {nil, &etag, &before, nil, 412},
		}
		for i, tc := range cases {
			err := copyTo("cond", s3.CopyObjectInput{CopySourceIfMatch: tc.match, CopySourceIfNoneMatch: tc.none,
				CopySourceIfModifiedSince: tc.modified, CopySourceIfUnmodifiedSince: tc.unmod})
			if got := asAPIErr(err); obStatus(err) != tc.want || tc.want == 412 && got.Code != "PreconditionFailed" {
				t.Errorf("case %d: %+v, want %d", i, got, tc.want)
			}
		}
	})
}
