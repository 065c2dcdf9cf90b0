package conformance_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// lsPage is one page of ListObjects or ListObjectsV2, as a test compares
// it.
type lsPage struct {
	Keys, Prefixes []string
	Truncated      bool
	NextMarker     string // ListObjects only
}

// lsQuery are the parameters of a listing; after is marker (v1) or
// start-after (v2).
type lsQuery struct {
	prefix, delimiter, after string
	token                    *string
	max                      *int32
	enc                      s3types.EncodingType
	fetchOwner               *bool
}

// lsEcho is what a listing echoes of its request, and v2's next token.
type lsEcho struct {
	Prefix, Delimiter, Marker, StartAfter string
	Token                                 *string
	EncodingType                          s3types.EncodingType
	MaxKeys                               int32
	Owners                                int // keys with an Owner
	Next                                  string
}

func lsOpt(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

// lsList lists one page with ListObjects (v2 false) or ListObjectsV2. It
// checks that v2's KeyCount counts Contents and CommonPrefixes (observed,
// ceph/s3-tests test_bucket_listv2_delimiter_basic) and that
// NextContinuationToken is "sent when isTruncated is true" (S3 API
// Reference, ListObjectsV2).
func lsList(t *testing.T, e *env, bucket string, v2 bool, q lsQuery) (lsPage, lsEcho) {
	t.Helper()
	var p lsPage
	var m lsEcho
	var contents []s3types.Object
	var prefixes []s3types.CommonPrefix
	if !v2 {
		out, err := e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: aws.String(bucket), Prefix: lsOpt(q.prefix),
			Delimiter: lsOpt(q.delimiter), Marker: lsOpt(q.after), MaxKeys: q.max, EncodingType: q.enc})
		if err != nil {
			t.Fatalf("ListObjects %+v: %v", q, err)
		}
		contents, prefixes, p.Truncated, p.NextMarker = out.Contents, out.CommonPrefixes, aws.ToBool(out.IsTruncated), aws.ToString(out.NextMarker)
		m = lsEcho{Prefix: aws.ToString(out.Prefix), Delimiter: aws.ToString(out.Delimiter), Marker: aws.ToString(out.Marker),
			EncodingType: out.EncodingType, MaxKeys: aws.ToInt32(out.MaxKeys)}
	} else {
		out, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: lsOpt(q.prefix),
			Delimiter: lsOpt(q.delimiter), StartAfter: lsOpt(q.after), ContinuationToken: q.token, MaxKeys: q.max,
			EncodingType: q.enc, FetchOwner: q.fetchOwner})
		if err != nil {
			t.Fatalf("ListObjectsV2 %+v: %v", q, err)
		}
		contents, prefixes, p.Truncated = out.Contents, out.CommonPrefixes, aws.ToBool(out.IsTruncated)
		m = lsEcho{Prefix: aws.ToString(out.Prefix), Delimiter: aws.ToString(out.Delimiter), StartAfter: aws.ToString(out.StartAfter),
			Token: out.ContinuationToken, EncodingType: out.EncodingType, MaxKeys: aws.ToInt32(out.MaxKeys), Next: aws.ToString(out.NextContinuationToken)}
		if got, want := int(aws.ToInt32(out.KeyCount)), len(contents)+len(prefixes); got != want {
			t.Errorf("ListObjectsV2 %+v: KeyCount %d, want %d", q, got, want)
		}
		if (m.Next != "") != p.Truncated {
			t.Errorf("ListObjectsV2 %+v: NextContinuationToken %q with IsTruncated %v", q, m.Next, p.Truncated)
		}
	}
	for _, o := range contents {
		p.Keys = append(p.Keys, aws.ToString(o.Key))
		if o.Owner != nil && aws.ToString(o.Owner.ID) != "" {
			m.Owners++
		}
	}
	for _, cp := range prefixes {
		p.Prefixes = append(p.Prefixes, aws.ToString(cp.Prefix))
	}
	return p, m
}

func TestListObjectsParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "list-params")
	for _, k := range []string{"e", "d/4", "c", "b/c/3", "b/2", "b/1", "a"} {
		e.put(t, b, k, k)
	}
	all := []string{"a", "b/1", "b/2", "b/c/3", "c", "d/4", "e"}
	for _, tc := range []struct {
		name string
		q    lsQuery
		want lsPage
	}{
		// S3 API Reference, ListObjects: "Amazon S3 lists objects in alphabetical order".
		{"all", lsQuery{}, lsPage{Keys: all}},
		// ListObjects: prefix "Limits the response to keys that begin with the specified prefix."
		{"prefix", lsQuery{prefix: "b/"}, lsPage{Keys: []string{"b/1", "b/2", "b/c/3"}}},
		{"prefix matching nothing", lsQuery{prefix: "x"}, lsPage{}},
		// ListObjects: keys sharing the string up to the delimiter roll up into CommonPrefixes.
		{"delimiter", lsQuery{delimiter: "/"}, lsPage{Keys: []string{"a", "c", "e"}, Prefixes: []string{"b/", "d/"}}},
		{"prefix and delimiter", lsQuery{prefix: "b/", delimiter: "/"}, lsPage{Keys: []string{"b/1", "b/2"}, Prefixes: []string{"b/c/"}}},
		// ListObjects: "A delimiter is a character that you use to group keys", not only "/".
		{"delimiter 2", lsQuery{delimiter: "2"}, lsPage{Keys: []string{"a", "b/1", "b/c/3", "c", "d/4", "e"}, Prefixes: []string{"b/2"}}},
		// ListObjects marker / ListObjectsV2 start-after: "Amazon S3 starts listing after this specified key."
		{"after a key", lsQuery{after: "b/1"}, lsPage{Keys: all[2:]}},
		// "Marker can be any key in the bucket", and need not exist.
		{"after no key", lsQuery{after: "bz"}, lsPage{Keys: []string{"c", "d/4", "e"}}},
		{"after within prefix", lsQuery{prefix: "b/", after: "b/2"}, lsPage{Keys: []string{"b/c/3"}}},
		{"after the last", lsQuery{after: "f"}, lsPage{}},
		// ListObjects max-keys: "The response might contain fewer keys but will never contain more."
		// NextMarker "is returned only if you have the delimiter request parameter specified".
		{"max-keys", lsQuery{max: aws.Int32(3)}, lsPage{Keys: all[:3], Truncated: true}},
		// "All of the keys that roll up into a common prefix count as a single return";
		// NextMarker may be the common prefix that ended the page.
		{"max-keys ending on a prefix", lsQuery{delimiter: "/", max: aws.Int32(2)}, lsPage{Keys: []string{"a"}, Prefixes: []string{"b/"}, Truncated: true, NextMarker: "b/"}},
		{"max-keys ending on a key", lsQuery{delimiter: "/", max: aws.Int32(3)}, lsPage{Keys: []string{"a", "c"}, Prefixes: []string{"b/"}, Truncated: true, NextMarker: "c"}},
		// ListObjectsV2 IsTruncated: "Set to true if more keys are available to return."
		{"max-keys equal to the count", lsQuery{max: aws.Int32(7)}, lsPage{Keys: all}},
		// Observed (ceph/s3-tests test_bucket_list_maxkeys_zero): no keys, not truncated.
		{"max-keys 0", lsQuery{max: aws.Int32(0)}, lsPage{}},
		{"max-keys 0 with delimiter", lsQuery{delimiter: "/", max: aws.Int32(0)}, lsPage{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, v2 := range []bool{false, true} {
				want := tc.want
				if v2 {
					want.NextMarker = "" // V2 has no NextMarker
				}
				got, _ := lsList(t, e, b, v2, tc.q)
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("v2=%v (-want +got):\n%s", v2, d)
				}
			}
		})
	}
}

func TestListObjectsEchoes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "list-echo")
	for _, k := range []string{"a", "b", "asdf+b", "foo/bar", "quux ab/thud", "quux ab/xyzzy"} {
		e.put(t, b, k, k)
	}
	_, first := lsList(t, e, b, true, lsQuery{max: aws.Int32(1)})
	tok, url := aws.String(first.Next), s3types.EncodingTypeUrl
	for _, tc := range []struct {
		name string
		v2   bool
		q    lsQuery
		page lsPage
		want lsEcho
	}{
		// S3 API Reference, ListObjects: MaxKeys defaults to 1,000, and
		// Contents carry Owner. Marker is echoed, "" when none was sent
		// (observed, ceph/s3-tests test_bucket_list_marker_none).
		{"v1 defaults", false, lsQuery{prefix: "a"}, lsPage{Keys: []string{"a", "asdf+b"}}, lsEcho{Prefix: "a", MaxKeys: 1000, Owners: 2}},
		// ListObjectsV2 fetch-owner: "The owner field is not present in listV2
		// by default"; with fetch-owner true each key has it.
		{"v2 defaults", true, lsQuery{prefix: "a"}, lsPage{Keys: []string{"a", "asdf+b"}}, lsEcho{Prefix: "a", MaxKeys: 1000}},
		{"v2 fetch-owner false", true, lsQuery{prefix: "a", fetchOwner: aws.Bool(false)}, lsPage{Keys: []string{"a", "asdf+b"}}, lsEcho{Prefix: "a", MaxKeys: 1000}},
		{"v2 fetch-owner true", true, lsQuery{prefix: "a", fetchOwner: aws.Bool(true)}, lsPage{Keys: []string{"a", "asdf+b"}}, lsEcho{Prefix: "a", MaxKeys: 1000, Owners: 2}},
		// ListObjectsV2: "If StartAfter was sent with the request, it is
		// included in the response"; likewise ContinuationToken, even empty.
		{"v2 start-after", true, lsQuery{after: "asdf+b", delimiter: "/"}, lsPage{Keys: []string{"b"}, Prefixes: []string{"foo/", "quux ab/"}}, lsEcho{StartAfter: "asdf+b", Delimiter: "/", MaxKeys: 1000}},
		{"v2 empty continuation-token", true, lsQuery{token: aws.String(""), max: aws.Int32(2)}, lsPage{Keys: []string{"a", "asdf+b"}, Truncated: true},
			lsEcho{Token: aws.String(""), MaxKeys: 2}},
		// Observed (ceph/s3-tests test_bucket_listv2_both_continuationtoken_startafter):
		// the token wins over start-after, which is still echoed.
		{"v2 token and start-after", true, lsQuery{token: tok, after: "0", max: aws.Int32(1)}, lsPage{Keys: []string{"asdf+b"}, Truncated: true},
			lsEcho{Token: tok, StartAfter: "0", MaxKeys: 1}},
		// encoding-type=url. Observed (brekkylab/backlot#178, measured on S3;
		// ceph/s3-tests#478): keys are form-encoded, " " as "+" and "+" as
		// "%2B", "/" kept, in Key, Prefix, Delimiter, CommonPrefixes,
		// StartAfter (S3 API Reference, ListObjectsV2: "Delimiter, Prefix,
		// Key, and StartAfter") and v1's Marker (aws/aws-sdk-java-v2#1574).
		// EncodingType is echoed. The SDK does not decode.
		{"v1 url", false, lsQuery{prefix: "quux ", after: "quux a", enc: url}, lsPage{Keys: []string{"quux+ab/thud", "quux+ab/xyzzy"}},
			lsEcho{Prefix: "quux+", Marker: "quux+a", EncodingType: url, MaxKeys: 1000, Owners: 2}},
		{"v2 url", true, lsQuery{after: "a b", enc: url, max: aws.Int32(3)}, lsPage{Keys: []string{"asdf%2Bb", "b", "foo/bar"}, Truncated: true},
			lsEcho{StartAfter: "a+b", EncodingType: url, MaxKeys: 3}},
		{"v1 url delimiter", false, lsQuery{delimiter: "/", enc: url}, lsPage{Keys: []string{"a", "asdf%2Bb", "b"}, Prefixes: []string{"foo/", "quux+ab/"}},
			lsEcho{Delimiter: "/", EncodingType: url, MaxKeys: 1000, Owners: 3}},
		{"v2 url delimiter", true, lsQuery{delimiter: "/", enc: url}, lsPage{Keys: []string{"a", "asdf%2Bb", "b"}, Prefixes: []string{"foo/", "quux+ab/"}},
			lsEcho{Delimiter: "/", EncodingType: url, MaxKeys: 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, got := lsList(t, e, b, tc.v2, tc.q)
			got.Next = ""
			if d := cmp.Diff([]any{tc.page, tc.want}, []any{p, got}); d != "" {
				t.Errorf("page, echo (-want +got):\n%s", d)
			}
		})
	}
	// S3 API Reference, ListObjectVersions: with encoding-type, "KeyMarker,
	// NextKeyMarker, Prefix, Key, and Delimiter" are encoded; NextKeyMarker
	// is the last key returned (observed, versity/versitygw#2178).
	out, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(b), EncodingType: url,
		KeyMarker: aws.String("a b"), Delimiter: aws.String(" "), MaxKeys: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{string(out.EncodingType), aws.ToString(out.KeyMarker), aws.ToString(out.NextKeyMarker), aws.ToString(out.Prefix), aws.ToString(out.Delimiter)}
	for _, v := range out.Versions {
		got = append(got, aws.ToString(v.Key))
	}
	if d := cmp.Diff([]string{"url", "a+b", "asdf%2Bb", "", "+", "asdf%2Bb"}, got); d != "" {
		t.Errorf("ListObjectVersions: EncodingType, KeyMarker, NextKeyMarker, Prefix, Delimiter, keys (-want +got):\n%s", d)
	}
}

// lsRawQuery sets a query parameter, to values the SDK's types cannot
// carry, before the request is signed.
func lsRawQuery(name, value string) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(st *middleware.Stack) error {
			return st.Build.Add(middleware.BuildMiddlewareFunc("lsRawQuery", func(ctx context.Context, in middleware.BuildInput,
				next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
				req := in.Request.(*smithyhttp.Request)
				q := req.URL.Query()
				q.Set(name, value)
				req.URL.RawQuery = q.Encode()
				return next.HandleBuild(ctx, in)
			}), middleware.After)
		})
	}
}

func TestListObjectsErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "list-errors")
	list := map[string]func(o func(*s3.Options)) error{
		"v1": func(o func(*s3.Options)) error {
			_, err := e.c.ListObjects(e.ctx, &s3.ListObjectsInput{Bucket: &b}, o)
			return err
		},
		"v2": func(o func(*s3.Options)) error {
			_, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: &b}, o)
			return err
		},
		"versions": func(o func(*s3.Options)) error {
			_, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: &b}, o)
			return err
		},
	}
	const notInt, neg, badEnc = "Provided max-keys not an integer or within integer range",
		"Argument maxKeys must be an integer between 0 and 2147483647", "Invalid Encoding Method specified in Request"
	for _, tc := range []struct{ op, param, value, msg string }{
		// Observed (brekkylab/backlot#192, measured on S3; scality/cloudserver#75).
		{"v1", "max-keys", "-1", neg},
		{"v2", "max-keys", "-2147483648", neg},
		// Observed (versity/versitygw#1809, against S3): ListObjectVersions' own message.
		{"versions", "max-keys", "-1", "max-keys cannot be negative"},
		// Observed (ceph/s3-tests test_bucket_list_maxkeys_invalid; backlot#192).
		{"v1", "max-keys", "blah", notInt},
		{"v1", "max-keys", "1.5", notInt},
		{"v2", "max-keys", "blah", notInt},
		{"v2", "max-keys", "2147483648", notInt},
		{"versions", "max-keys", "blah", notInt},
		// S3 API Reference, ListObjects: encoding-type's only valid value is
		// url; observed (a captured S3 body) message.
		{"v1", "encoding-type", "xml", badEnc},
		{"v2", "encoding-type", "xml", badEnc},
		{"versions", "encoding-type", "xml", badEnc},
		// Observed (versity/versitygw#993, aws/aws-sdk-js-v3#1636: real S3 bodies).
		{"v2", "continuation-token", "not a token!", "The continuation token provided is incorrect"},
		// Observed (versity/versitygw#2174, a full S3 response).
		{"versions", "version-id-marker", "null", "A version-id marker cannot be specified without a key marker."},
	} {
		t.Run(tc.op+" "+tc.param+"="+tc.value, func(t *testing.T) {
			wantErr(t, list[tc.op](lsRawQuery(tc.param, tc.value)), 400, "InvalidArgument", tc.msg)
		})
	}
}

// lsPagingKeys are 25 keys whose UTF-8 binary order differs from UTF-16's
// and from a case-insensitive one.
var lsPagingKeys = []string{"a", "A", "a/b", "a/b/c", "a/c", "a-", "a.", "a0", "_x", "~", "b c", "b+c", "Z", "z",
	"é", "é/x", "é/y", "日本", "日本/語", "\uff21", "😀", "😀/x", "dir/1", "dir/2", "dir/sub/3"}

func TestListObjectsPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "list-paging")
	for _, k := range lsPagingKeys {
		e.put(t, b, k, k)
	}
	// User Guide, "Listing object keys programmatically": "List results are
	// always returned in UTF-8 binary order" (Go compares strings bytewise).
	sorted := slices.Sorted(slices.Values(lsPagingKeys))
	for _, delim := range []string{"", "/"} {
		var wantKeys, wantPrefixes []string
		for _, k := range sorted {
			if i := strings.Index(k, delim); delim != "" && i >= 0 {
				if p := k[:i+1]; !slices.Contains(wantPrefixes, p) {
					wantPrefixes = append(wantPrefixes, p)
				}
				continue
			}
			wantKeys = append(wantKeys, k)
		}
		entries := len(wantKeys) + len(wantPrefixes)
		for _, v2 := range []bool{false, true} {
			for _, max := range []int{1, 2, 3, 7, entries, 1000} {
				t.Run(fmt.Sprintf("delimiter=%q/v2=%v/max-keys=%d", delim, v2, max), func(t *testing.T) {
					var keys, prefixes []string
					q := lsQuery{delimiter: delim, max: aws.Int32(int32(max))}
					pages := 0
					for {
						p, m := lsList(t, e, b, v2, q)
						pages++
						if n := len(p.Keys) + len(p.Prefixes); n > max || p.Truncated && n != max {
							t.Fatalf("page %d: %d entries with max-keys %d, truncated %v", pages, n, max, p.Truncated)
						}
						keys, prefixes = append(keys, p.Keys...), append(prefixes, p.Prefixes...)
						if !p.Truncated || pages > entries {
							break
						}
						switch {
						case v2:
							q.token = aws.String(m.Next)
						case delim != "":
							q.after = p.NextMarker
						default:
							// S3 API Reference, ListObjects: without NextMarker, "use the
							// value of the last Key element in the response as the marker".
							if p.NextMarker != "" {
								t.Errorf("NextMarker %q without a delimiter", p.NextMarker)
							}
							q.after = p.Keys[len(p.Keys)-1]
						}
					}
					got := []any{keys, prefixes, pages}
					if d := cmp.Diff([]any{wantKeys, wantPrefixes, (entries + max - 1) / max}, got); d != "" {
						t.Errorf("keys, common prefixes, pages (-want +got):\n%s", d)
					}
				})
			}
		}
	}
}

func TestListObjectsDefaultMaxKeys(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "list-thousand")
	var want []string
	for i := range 1001 {
		want = append(want, fmt.Sprintf("k%04d", i))
	}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < len(want); i += 16 {
				if _, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: &b, Key: &want[i], Body: strings.NewReader("x")}); err != nil {
					t.Errorf("PutObject %s: %v", want[i], err)
				}
			}
		})
	}
	wg.Wait()
	// S3 API Reference, ListObjects / ListObjectsV2: "By default, the action
	// returns up to 1,000 key names", and never more.
	for _, max := range []*int32{nil, aws.Int32(5000)} {
		for _, v2 := range []bool{false, true} {
			first, m := lsList(t, e, b, v2, lsQuery{max: max})
			q := lsQuery{max: max, token: aws.String(m.Next)}
			if !v2 {
				q = lsQuery{max: max, after: first.Keys[len(first.Keys)-1]}
			}
			second, _ := lsList(t, e, b, v2, q)
			got := []any{len(first.Keys), first.Truncated, second.Keys, second.Truncated}
			if d := cmp.Diff([]any{1000, true, want[1000:], false}, got); d != "" {
				t.Errorf("max-keys %v v2 %v: (-want +got):\n%s", aws.ToInt32(max), v2, d)
			}
		}
	}
}

// lsVersion is a version or delete marker as ListObjectVersions shows it.
type lsVersion struct {
	Key, VersionID   string
	Latest, IsMarker bool
}

// lsVersions lists a page of versions, which the SDK splits into versions
// and delete markers.
func lsVersions(t *testing.T, e *env, in s3.ListObjectVersionsInput) (out *s3.ListObjectVersionsOutput, vs, dms []lsVersion) {
	t.Helper()
	out, err := e.c.ListObjectVersions(e.ctx, &in)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range out.Versions {
		vs = append(vs, lsVersion{aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest), false})
	}
	for _, m := range out.DeleteMarkers {
		dms = append(dms, lsVersion{aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest), true})
	}
	return out, vs, dms
}

func TestListObjectVersions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "list-versions")
	hist := map[string][]lsVersion{} // each key's versions, oldest first
	for i, w := range []string{"c", "a", "b/x", "a", "-c", "b/y", "a", "-b/x", "c", "-d"} {
		key, marker := strings.CutPrefix(w, "-")
		id := ""
		if !marker {
			id = e.put(t, b, key, fmt.Sprint(i))
		} else if out, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: &b, Key: &key}); err != nil {
			t.Fatal(err)
		} else {
			id = aws.ToString(out.VersionId)
		}
		hist[key] = append(hist[key], lsVersion{Key: key, VersionID: id, IsMarker: marker})
	}
	// User Guide, "Listing objects in a versioning-enabled bucket": keys in
	// order, each key's versions "with the most recently stored returned
	// first"; S3 API Reference, ListObjectVersions: IsLatest on the latest.
	var all []lsVersion
	for _, k := range slices.Sorted(maps.Keys(hist)) {
		for i, v := range slices.Backward(hist[k]) {
			v.Latest = i == len(hist[k])-1
			all = append(all, v)
		}
	}
	// where returns the versions, the delete markers, and both in order,
	// that keep keeps.
	where := func(keep func(lsVersion) bool) (vs, dms, both []lsVersion) {
		for _, v := range all {
			if keep(v) && v.IsMarker {
				dms = append(dms, v)
			} else if keep(v) {
				vs = append(vs, v)
			}
			if keep(v) {
				both = append(both, v)
			}
		}
		return vs, dms, both
	}
	// ListObjectVersions max-keys pages, continued with NextKeyMarker and
	// NextVersionIdMarker; each version and delete marker counts once. With
	// max-keys 1 a page is one entry, which shows versions and markers in
	// one order.
	for _, delim := range []string{"", "/"} {
		keep, wantPs := func(lsVersion) bool { return true }, []string(nil)
		if delim != "" {
			keep, wantPs = func(v lsVersion) bool { return !strings.Contains(v.Key, "/") }, []string{"b/"}
		}
		for _, max := range []int{1, 2, 3, 1000} {
			t.Run(fmt.Sprintf("paging delimiter=%q max-keys=%d", delim, max), func(t *testing.T) {
				var seq, vs, dms []lsVersion
				var ps []string
				in := s3.ListObjectVersionsInput{Bucket: aws.String(b), MaxKeys: aws.Int32(int32(max)), Delimiter: lsOpt(delim)}
				for pages := 0; pages <= len(all); pages++ {
					out, v, d := lsVersions(t, e, in)
					if n := len(v) + len(d) + len(out.CommonPrefixes); n > max || aws.ToBool(out.IsTruncated) && n != max {
						t.Fatalf("%d entries with max-keys %d, truncated %v", n, max, aws.ToBool(out.IsTruncated))
					}
					seq, vs, dms = append(append(seq, v...), d...), append(vs, v...), append(dms, d...)
					for _, p := range out.CommonPrefixes {
						ps = append(ps, aws.ToString(p.Prefix))
					}
					if !aws.ToBool(out.IsTruncated) {
						break
					}
					in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
				}
				wv, wd, ordered := where(keep)
				if d := cmp.Diff([]any{wv, wd, wantPs}, []any{vs, dms, ps}); d != "" {
					t.Errorf("versions, delete markers, prefixes (-want +got):\n%s", d)
				}
				if d := cmp.Diff(ordered, seq); max == 1 && d != "" {
					t.Errorf("entries (-want +got):\n%s", d)
				}
			})
		}
	}
	aOldest := hist["a"][0].VersionID
	for _, tc := range []struct {
		name     string
		in       s3.ListObjectVersionsInput
		keep     func(lsVersion) bool
		prefixes []string
	}{
		// ListObjectVersions prefix: versions of the keys that begin with it.
		{"prefix", s3.ListObjectVersionsInput{Prefix: aws.String("b/")}, func(v lsVersion) bool { return strings.HasPrefix(v.Key, "b/") }, nil},
		// delimiter: keys rolled up are one CommonPrefixes entry.
		{"delimiter", s3.ListObjectVersionsInput{Delimiter: aws.String("/")}, func(v lsVersion) bool { return !strings.Contains(v.Key, "/") }, []string{"b/"}},
		// key-marker alone: after every version of that key (observed,
		// ceph/s3-tests#594: "key-marker ... is exclusive in S3").
		{"key-marker", s3.ListObjectVersionsInput{KeyMarker: aws.String("a")}, func(v lsVersion) bool { return v.Key > "a" }, nil},
		// version-id-marker: "Specifies the object version you want to start
		// listing from": after that version of the key-marker's key.
		{"version-id-marker", s3.ListObjectVersionsInput{KeyMarker: aws.String("a"), VersionIdMarker: aws.String(hist["a"][1].VersionID)},
			func(v lsVersion) bool { return v.Key > "a" || v.VersionID == aOldest }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Bucket = aws.String(b)
			out, vs, dms := lsVersions(t, e, tc.in)
			var ps []string
			for _, p := range out.CommonPrefixes {
				ps = append(ps, aws.ToString(p.Prefix))
			}
			wv, wd, _ := where(tc.keep)
			// max-keys: "By default the API returns up to 1,000 key names."
			if d := cmp.Diff([]any{wv, wd, tc.prefixes, false, int32(1000)}, []any{vs, dms, ps, aws.ToBool(out.IsTruncated), aws.ToInt32(out.MaxKeys)}); d != "" {
				t.Errorf("versions, delete markers, prefixes, truncated, MaxKeys (-want +got):\n%s", d)
			}
		})
	}
	// A key whose current version is a delete marker is not listed (User
	// Guide, "Working with delete markers": S3 "behaves as if the object was
	// deleted"); "c", written again after its marker, is.
	for _, v2 := range []bool{false, true} {
		got, _ := lsList(t, e, b, v2, lsQuery{})
		if d := cmp.Diff(lsPage{Keys: []string{"a", "b/y", "c"}}, got); d != "" {
			t.Errorf("v2=%v: listing with delete markers (-want +got):\n%s", v2, d)
		}
	}
}
