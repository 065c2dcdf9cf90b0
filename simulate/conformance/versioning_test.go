package conformance_test

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
)

// vrEntry is an entry of ListObjectVersions: a version or a delete marker.
type vrEntry struct {
	Key, VersionID string
	IsLatest       bool
}

// vrList returns a bucket's versions and delete markers, each in the order
// of the answer.
func vrList(t *testing.T, e *env, in *s3.ListObjectVersionsInput) (vs, markers []vrEntry, out *s3.ListObjectVersionsOutput) {
	t.Helper()
	out, err := e.c.ListObjectVersions(e.ctx, in)
	obMust(t, err)
	for _, v := range out.Versions {
		vs = append(vs, vrEntry{aws.ToString(v.Key), aws.ToString(v.VersionId), aws.ToBool(v.IsLatest)})
	}
	for _, m := range out.DeleteMarkers {
		markers = append(markers, vrEntry{aws.ToString(m.Key), aws.ToString(m.VersionId), aws.ToBool(m.IsLatest)})
	}
	return vs, markers, out
}

func vrWant(t *testing.T, e *env, bucket string, vs, markers []vrEntry) {
	t.Helper()
	gv, gm, _ := vrList(t, e, &s3.ListObjectVersionsInput{Bucket: aws.String(bucket)})
	if d := cmp.Diff(vs, gv); d != "" {
		t.Errorf("versions (-want +got):\n%s", d)
	}
	if d := cmp.Diff(markers, gm); d != "" {
		t.Errorf("delete markers (-want +got):\n%s", d)
	}
}

func vrSet(t *testing.T, e *env, bucket string, st s3types.BucketVersioningStatus) {
	t.Helper()
	_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: st}})
	obMust(t, err)
}

// vrGet reads version vid of key ("" for the current one, "-" for an empty
// versionId), with the version ID of the answer.
func vrGet(e *env, bucket, key, vid string) (string, string, error) {
	out, err := e.c.GetObject(e.ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: vrID(vid)})
	if err != nil {
		return "", "", err
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	return string(data), aws.ToString(out.VersionId), err
}

func vrHead(e *env, bucket, key, vid string) error {
	_, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: vrID(vid)})
	return err
}

func vrDelete(e *env, bucket, key, vid string) (*s3.DeleteObjectOutput, error) {
	return e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), VersionId: vrID(vid)})
}

// vrID is the versionId parameter for vid: none for "", empty for "-".
func vrID(vid string) *string {
	switch vid {
	case "":
		return nil
	case "-":
		return aws.String("")
	}
	return aws.String(vid)
}

// vrWantBody fails unless version vid of key holds body with version ID wantVID.
func vrWantBody(t *testing.T, e *env, bucket, key, vid, body, wantVID string) {
	t.Helper()
	got, gotVID, err := vrGet(e, bucket, key, vid)
	if err != nil || got != body || gotVID != wantVID {
		t.Fatalf("GET %s?versionId=%s: %q version %q, %v; want %q version %q", key, vid, got, gotVID, err, body, wantVID)
	}
}

func TestVersioningNeverVersioned(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "plain")
	// User Guide, "Working with objects in a versioning-enabled bucket":
	// objects stored before versioning is set "have a version ID of null";
	// "Listing objects in a versioning-enabled bucket": for an unversioned
	// bucket S3 "returns the object listing with a version ID of null".
	// Observed (a.md §8, unconfirmed): no x-amz-version-id on PUT or GET.
	if vid := e.put(t, b, "k", "one"); vid != "" {
		t.Errorf("PutObject version ID %q, want none", vid)
	}
	e.put(t, b, "k", "two")
	vrWantBody(t, e, b, "k", "", "two", "")
	vrWant(t, e, b, []vrEntry{{"k", "null", true}}, nil)
	// S3 API Reference, DeleteObject: in an unversioned bucket it
	// "permanently deletes the object" (no delete marker).
	out, err := vrDelete(e, b, "k", "")
	if err != nil || out.VersionId != nil || out.DeleteMarker != nil {
		t.Errorf("DeleteObject: %+v, %v; want no version ID nor delete marker", out, err)
	}
	_, _, err = vrGet(e, b, "k", "")
	wantErr(t, err, 404, "NoSuchKey", "")
	// The object's version ID is null (User Guide above): DeleteObjects naming
	// VersionId null deletes it.
	e.put(t, b, "n", "x")
	del, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &s3types.Delete{
		Objects: []s3types.ObjectIdentifier{{Key: aws.String("n"), VersionId: aws.String("null")}}}})
	if err != nil || len(del.Errors) != 0 || len(del.Deleted) != 1 || aws.ToString(del.Deleted[0].VersionId) != "null" {
		t.Fatalf("DeleteObjects n?versionId=null: %+v, %v", del, err)
	}
	_, _, err = vrGet(e, b, "n", "")
	wantErr(t, err, 404, "NoSuchKey", "")
	vrWant(t, e, b, nil, nil)
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)})
	obMust(t, err)
}

func TestVersioningEnabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "enable")
	e.put(t, b, "k", "pre")
	vrSet(t, e, b, s3types.BucketVersioningStatusEnabled)
	// User Guide, "Working with objects in a versioning-enabled bucket": "When
	// you enable versioning, existing objects in your bucket do not change"
	// (version null). S3 API Reference, PutObject: "Amazon S3 automatically
	// generates a unique version ID ... returns this ID in the response".
	// ListObjectVersions: newest first, IsLatest on the current version.
	v1, v2 := e.put(t, b, "k", "one"), e.put(t, b, "k", "two")
	if v1 == "" || v1 == "null" || v2 == "" || v2 == v1 {
		t.Fatalf("version IDs %q, %q: want two distinct non-null IDs", v1, v2)
	}
	vrWant(t, e, b, []vrEntry{{"k", v2, true}, {"k", v1, false}, {"k", "null", false}}, nil)
	vrWantBody(t, e, b, "k", "", "two", v2)
	vrWantBody(t, e, b, "k", v1, "one", v1)
	vrWantBody(t, e, b, "k", "null", "pre", "null")
	// DeleteObject with a versionId "permanently deletes the version"; the
	// next newest is current.
	out, err := vrDelete(e, b, "k", v2)
	if err != nil || aws.ToString(out.VersionId) != v2 || aws.ToBool(out.DeleteMarker) {
		t.Errorf("DeleteObject ?versionId=v2: %+v, %v; want version %s, no delete marker", out, err, v2)
	}
	vrWantBody(t, e, b, "k", "", "one", v1)
	// Observed (a.md §6 traces): ?versionId=null removes the null version;
	// with none left S3 still answers 204 with x-amz-version-id: null.
	for range 2 {
		out, err = vrDelete(e, b, "k", "null")
		if err != nil || aws.ToString(out.VersionId) != "null" || aws.ToBool(out.DeleteMarker) {
			t.Errorf("DeleteObject ?versionId=null: %+v, %v", out, err)
		}
	}
	vrWant(t, e, b, []vrEntry{{"k", v1, true}}, nil)
	_, _, err = vrGet(e, b, "k", "null")
	wantErr(t, err, 404, "NoSuchVersion", "The specified version does not exist.")
}

func TestVersioningDeleteMarker(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "markers")
	v1, v2 := e.put(t, b, "k", "one"), e.put(t, b, "k", "two")
	// S3 API Reference, DeleteObject: with versioning it "inserts a delete
	// marker, which becomes the current version"; x-amz-version-id "Returns
	// the version ID of the delete marker".
	out, err := vrDelete(e, b, "k", "")
	dm := aws.ToString(out.VersionId)
	if err != nil || !aws.ToBool(out.DeleteMarker) || dm == "" || dm == v1 || dm == v2 {
		t.Fatalf("DeleteObject: %+v, %v; want a new delete marker", out, err)
	}
	vrWant(t, e, b, []vrEntry{{"k", v2, false}, {"k", v1, false}}, []vrEntry{{"k", dm, true}})
	// S3 API Reference, GetObject: "If the current version of the object is a
	// delete marker, Amazon S3 behaves as if the object was deleted and
	// includes x-amz-delete-marker: true in the response"; observed (a.md §6):
	// 404 NoSuchKey with the marker's x-amz-version-id, HEAD alike.
	_, _, err = vrGet(e, b, "k", "")
	wantErr(t, err, 404, "NoSuchKey", "The specified key does not exist.")
	for name, err := range map[string]error{"GET": err, "HEAD": vrHead(e, b, "k", "")} {
		if got := [3]any{obStatus(err), obErrHeader(err, "X-Amz-Delete-Marker"), obErrHeader(err, "X-Amz-Version-Id")}; got != [3]any{404, "true", dm} {
			t.Errorf("%s of a deleted key: status, x-amz-delete-marker, x-amz-version-id %v, want 404 true %s", name, got, dm)
		}
	}
	// "If the specified version in the request is a delete marker, the
	// response returns a 405 Method Not Allowed error and the Last-Modified:
	// timestamp response header." Observed code: MethodNotAllowed.
	_, _, err = vrGet(e, b, "k", dm)
	wantErr(t, err, 405, "MethodNotAllowed", "")
	for name, err := range map[string]error{"GET": err, "HEAD": vrHead(e, b, "k", dm)} {
		if obStatus(err) != 405 || obErrHeader(err, "Last-Modified") == "" {
			t.Errorf("%s ?versionId=<delete marker>: %v, Last-Modified %q; want 405 with it", name, err, obErrHeader(err, "Last-Modified"))
		}
	}
	vrWantBody(t, e, b, "k", v1, "one", v1)
	// DeleteObject: "If the object deleted is a delete marker, Amazon S3 sets
	// the response header x-amz-delete-marker to true"; v2 is current again.
	out, err = vrDelete(e, b, "k", dm)
	if err != nil || !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) != dm {
		t.Errorf("DeleteObject ?versionId=<delete marker>: %+v, %v; want DeleteMarker true, version %s", out, err, dm)
	}
	vrWantBody(t, e, b, "k", "", "two", v2)
	vrWant(t, e, b, []vrEntry{{"k", v2, true}, {"k", v1, false}}, nil)
}

func TestVersioningSuspended(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "suspended")
	e.put(t, b, "k", "pre")
	vrSet(t, e, b, s3types.BucketVersioningStatusEnabled)
	v1, vj := e.put(t, b, "k", "enabled"), e.put(t, b, "j", "enabled")
	vrSet(t, e, b, s3types.BucketVersioningStatusSuspended)
	// User Guide, "Adding objects to versioning-suspended buckets": "If a null
	// version is already in the bucket and you add another object with the
	// same key, the added object overwrites the original null version";
	// other versions are kept. Observed (a.md §8): no x-amz-version-id in the
	// PUT answer, version null on GET.
	for _, body := range []string{"s1", "s2"} {
		if vid := e.put(t, b, "k", body); vid != "" {
			t.Errorf("PutObject in a Suspended bucket: version ID %q, want none", vid)
		}
		vrWantBody(t, e, b, "k", "", body, "null")
		vrWant(t, e, b, []vrEntry{{"j", vj, true}, {"k", "null", true}, {"k", v1, false}}, nil)
	}
	// User Guide, "Deleting objects from versioning-suspended buckets": "A
	// simple DELETE removes a null version. Amazon S3 inserts a delete marker
	// in its place with a version ID of null."
	out, err := vrDelete(e, b, "k", "")
	if err != nil || !aws.ToBool(out.DeleteMarker) || aws.ToString(out.VersionId) != "null" {
		t.Errorf("DeleteObject in a Suspended bucket: %+v, %v; want a null delete marker", out, err)
	}
	vrWant(t, e, b, []vrEntry{{"j", vj, true}, {"k", v1, false}}, []vrEntry{{"k", "null", true}})
	_, _, err = vrGet(e, b, "k", "")
	wantErr(t, err, 404, "NoSuchKey", "")
	// A PUT replaces the null delete marker as it would the null version.
	// S3 API Reference, DeleteObject: "If there isn't an object with a null
	// versionId ... Amazon S3 does not remove the object and only inserts a
	// delete marker."
	e.put(t, b, "k", "s3")
	_, err = vrDelete(e, b, "j", "")
	obMust(t, err)
	vrWantBody(t, e, b, "k", "", "s3", "null")
	vrWant(t, e, b, []vrEntry{{"j", vj, false}, {"k", "null", true}, {"k", v1, false}}, []vrEntry{{"j", "null", true}})
	vrWantBody(t, e, b, "k", v1, "enabled", v1)
	vrWantBody(t, e, b, "j", vj, "enabled", vj)
}

func TestVersioningIDValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "vids")
	gone, v2 := e.put(t, b, "k", "one"), e.put(t, b, "k", "two")
	_, err := vrDelete(e, b, "k", gone)
	obMust(t, err)
	// Observed on S3 (a.md §7, raw traces): an empty versionId is 400
	// InvalidArgument "Version id cannot be the empty string", a malformed one
	// 400 InvalidArgument "Invalid version id specified", on GET and DELETE; a
	// well-formed ID naming no version (one deleted for good) is 404
	// NoSuchVersion on GET (S3 API Reference, Error responses) and 204 on
	// DELETE, echoing x-amz-version-id.
	cases := []struct {
		vid, code, msg string
		get, del       int
	}{
		{"-", "InvalidArgument", "Version id cannot be the empty string", 400, 400},
		{"nonexistent-version-id-12345", "InvalidArgument", "Invalid version id specified", 400, 400},
		{"9999999999999999", "InvalidArgument", "Invalid version id specified", 400, 400},
		{gone, "NoSuchVersion", "The specified version does not exist.", 404, 204},
	}
	for _, tc := range cases {
		_, _, err := vrGet(e, b, "k", tc.vid)
		wantErr(t, err, tc.get, tc.code, tc.msg)
		if err := vrHead(e, b, "k", tc.vid); obStatus(err) != tc.get {
			t.Errorf("HEAD ?versionId=%q: %v, want %d", tc.vid, err, tc.get)
		}
		out, err := vrDelete(e, b, "k", tc.vid)
		if tc.del != 204 {
			wantErr(t, err, tc.del, tc.code, tc.msg)
		} else if err != nil || aws.ToString(out.VersionId) != tc.vid || obHTTPStatus(out.ResultMetadata) != 204 {
			t.Errorf("DELETE ?versionId=%q: %+v, %v; want 204 echoing the version ID", tc.vid, out, err)
		}
	}
	vrWantBody(t, e, b, "k", "", "two", v2)
}

func TestVersioningDeleteObjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "multidelete")
	va, vb := e.put(t, b, "a", "x"), e.put(t, b, "b", "x")
	// S3 API Reference, DeleteObjects: DeleteMarker, "In a simple DELETE, ...
	// whether (true) or not (false) the current version of the object is a
	// delete marker"; DeleteMarkerVersionId, "The version ID of the delete
	// marker created as a result of the DELETE operation"; "if the object
	// specified in the request is not found, Amazon S3 returns the result as
	// deleted".
	out, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: aws.String(b), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{
		{Key: aws.String("a")}, {Key: aws.String("b"), VersionId: aws.String(vb)}, {Key: aws.String("c")}}}})
	if err != nil || len(out.Errors) != 0 {
		t.Fatalf("DeleteObjects: %+v, %v", out, err)
	}
	type deleted struct {
		Key, VersionID, MarkerID string
		Marker                   bool
	}
	var got []deleted
	markers := map[string]string{}
	for _, d := range out.Deleted {
		got = append(got, deleted{aws.ToString(d.Key), aws.ToString(d.VersionId), aws.ToString(d.DeleteMarkerVersionId), aws.ToBool(d.DeleteMarker)})
		markers[aws.ToString(d.Key)] = aws.ToString(d.DeleteMarkerVersionId)
	}
	slices.SortFunc(got, func(x, y deleted) int { return strings.Compare(x.Key, y.Key) })
	want := []deleted{{"a", "", markers["a"], true}, {"b", vb, "", false}, {"c", "", markers["c"], true}}
	if d := cmp.Diff(want, got); d != "" || markers["a"] == "" || markers["c"] == "" {
		t.Errorf("Deleted (-want +got):\n%s (marker IDs %v)", d, markers)
	}
	vrWant(t, e, b, []vrEntry{{"a", va, false}}, []vrEntry{{"a", markers["a"], true}, {"c", markers["c"], true}})
}

func TestVersioningListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.versioned(t, "paging")
	ids := map[string][]string{}
	for _, k := range []string{"a", "c", "a", "b", "c", "a"} {
		ids[k] = append(ids[k], e.put(t, b, k, "x"))
	}
	// S3 API Reference, ListObjectVersions: max-keys bounds each answer, each
	// version counting; a truncated answer gives NextKeyMarker and
	// NextVersionIdMarker for key-marker and version-id-marker. User Guide,
	// "Listing objects in a versioning-enabled bucket": keys in order, each
	// key's versions "with the most recently stored returned first". Observed
	// (versitygw#2178): no NextKeyMarker on the last page.
	want := [][]vrEntry{{{"a", ids["a"][2], true}, {"a", ids["a"][1], false}}, {{"a", ids["a"][0], false}, {"b", ids["b"][0], true}},
		{{"c", ids["c"][1], true}, {"c", ids["c"][0], false}}}
	var got [][]vrEntry
	in := &s3.ListObjectVersionsInput{Bucket: aws.String(b), MaxKeys: aws.Int32(2)}
	for page := 0; page < 10; page++ {
		vs, _, out := vrList(t, e, in)
		got = append(got, vs)
		if !aws.ToBool(out.IsTruncated) {
			if out.NextKeyMarker != nil || out.NextVersionIdMarker != nil {
				t.Errorf("last page has NextKeyMarker %q, NextVersionIdMarker %q", aws.ToString(out.NextKeyMarker), aws.ToString(out.NextVersionIdMarker))
			}
			break
		}
		if out.NextKeyMarker == nil || out.NextVersionIdMarker == nil {
			t.Fatalf("truncated page %d without NextKeyMarker and NextVersionIdMarker", page)
		}
		in.KeyMarker, in.VersionIdMarker = out.NextKeyMarker, out.NextVersionIdMarker
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pages of 2 (-want +got):\n%s", d)
	}
}

func TestVersioningSequences(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	// Each step as the pages cited above say: a GET or HEAD of a deleted key
	// is 404, a DELETE 204 whether the key exists or not, a PUT 200 and the
	// key readable again; never a 5xx.
	type step struct {
		op, body string
		want     int
	}
	seqs := map[s3types.BucketVersioningStatus][]step{
		s3types.BucketVersioningStatusEnabled: {{"put", "1", 200}, {"delete", "", 204}, {"get", "", 404}, {"head", "", 404},
			{"delete", "", 204}, {"get", "", 404}, {"put", "2", 200}, {"get", "2", 200}, {"delete", "", 204}, {"put", "3", 200}, {"get", "3", 200}},
		s3types.BucketVersioningStatusSuspended: {{"put", "1", 200}, {"delete", "", 204}, {"get", "", 404}, {"put", "2", 200}, {"get", "2", 200},
			{"delete", "", 204}, {"delete", "", 204}, {"head", "", 404}, {"put", "3", 200}, {"get", "3", 200}, {"put", "4", 200}, {"get", "4", 200}},
	}
	for st, steps := range seqs {
		b := e.versioned(t, "seq-"+strings.ToLower(string(st)))
		e.put(t, b, "k", "old") // a version left from Enabled
		vrSet(t, e, b, st)
		for i, s := range steps {
			var err error
			got := 0
			switch s.op {
			case "put":
				var out *s3.PutObjectOutput
				if out, err = e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: aws.String(b), Key: aws.String("k"), Body: strings.NewReader(s.body)}); err == nil {
					got = obHTTPStatus(out.ResultMetadata)
				}
			case "delete":
				var out *s3.DeleteObjectOutput
				if out, err = vrDelete(e, b, "k", ""); err == nil {
					got = obHTTPStatus(out.ResultMetadata)
				}
			case "head":
				err = vrHead(e, b, "k", "")
			case "get":
				var body string
				if body, _, err = vrGet(e, b, "k", ""); err == nil && body != s.body {
					t.Errorf("%s step %d: GET %q, want %q", st, i, body, s.body)
				}
			}
			if err != nil || got == 0 {
				got = obStatus(err)
			}
			if got != s.want {
				t.Errorf("%s step %d %s: status %d (%v), want %d", st, i, s.op, got, err, s.want)
			}
		}
		// S3 API Reference, DeleteBucket: "All objects (including all object
		// versions and delete markers) in the bucket must be deleted before
		// the bucket itself can be deleted" (409 BucketNotEmpty).
		_, err := e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)})
		wantErr(t, err, 409, "BucketNotEmpty", "")
		vs, ms, _ := vrList(t, e, &s3.ListObjectVersionsInput{Bucket: aws.String(b)})
		for _, v := range append(vs, ms...) {
			if _, err := vrDelete(e, b, v.Key, v.VersionID); err != nil {
				t.Errorf("%s: DeleteObject %s?versionId=%s: %v", st, v.Key, v.VersionID, err)
			}
		}
		if _, err := e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Errorf("%s: DeleteBucket once every version is deleted: %v", st, err)
		}
	}
}
