package conformance_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"hash/crc64"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

// mpMin is the smallest part but for the last (User Guide, "Amazon S3
// multipart upload limits": "Part size 5 MiB to 5 GiB. There is no minimum
// size limit on the last part").
const mpMin = 5 << 20

// mpBig is a part of mpMin bytes, made once.
var mpBig = sync.OnceValue(func() []byte {
	b := make([]byte, mpMin)
	for i := range b {
		b[i] = byte(i*7 + i>>13)
	}
	return b
})

func mpCreate(t *testing.T, e *env, bucket, key string, fns ...func(*s3.CreateMultipartUploadInput)) string {
	t.Helper()
	in := &s3.CreateMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	for _, f := range fns {
		f(in)
	}
	out, err := e.c.CreateMultipartUpload(e.ctx, in)
	if err != nil {
		t.Fatalf("CreateMultipartUpload %s: %v", key, err)
	}
	return aws.ToString(out.UploadId)
}

func mpUpload(e *env, bucket, key, id string, n int32, data []byte, alg s3types.ChecksumAlgorithm) (*s3.UploadPartOutput, error) {
	return e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: aws.String(bucket), Key: aws.String(key), UploadId: aws.String(id),
		PartNumber: aws.Int32(n), Body: bytes.NewReader(data), ChecksumAlgorithm: alg})
}

// mpPart uploads part n and returns it as Complete names it.
func mpPart(t *testing.T, e *env, bucket, key, id string, n int32, data []byte) s3types.CompletedPart {
	t.Helper()
	out, err := mpUpload(e, bucket, key, id, n, data, "")
	if err != nil {
		t.Fatalf("UploadPart %s #%d: %v", key, n, err)
	}
	// The ETag of a part is the MD5 of its bytes (User Guide, "Checking
	// object integrity": "Amazon S3 calculates the MD5 digest of each
	// individual part").
	if got, want := aws.ToString(out.ETag), mpMD5(data); got != want {
		t.Errorf("UploadPart %s #%d: ETag %s, want %s", key, n, got, want)
	}
	return s3types.CompletedPart{PartNumber: aws.Int32(n), ETag: out.ETag}
}

func mpComplete(e *env, bucket, key, id string, parts ...s3types.CompletedPart) (*s3.CompleteMultipartUploadOutput, error) {
	return e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String(bucket), Key: aws.String(key),
		UploadId: aws.String(id), MultipartUpload: &s3types.CompletedMultipartUpload{Parts: parts}})
}

// mpMD5 is the quoted hex MD5 of data.
func mpMD5(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// mpETag is the ETag of a multipart object (User Guide, "Checking object
// integrity"): the MD5 of the concatenated MD5s of its parts, a dash and
// the number of parts.
func mpETag(parts ...[]byte) string {
	var md5s []byte
	for _, p := range parts {
		sum := md5.Sum(p)
		md5s = append(md5s, sum[:]...)
	}
	sum := md5.Sum(md5s)
	return fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sum[:]), len(parts))
}

// mpPartOf is a part as ListParts shows it.
type mpPartOf struct {
	N    int32
	ETag string
	Size int64
}

func mpListParts(t *testing.T, e *env, in *s3.ListPartsInput) (*s3.ListPartsOutput, []mpPartOf) {
	t.Helper()
	out, err := e.c.ListParts(e.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var parts []mpPartOf
	for _, p := range out.Parts {
		parts = append(parts, mpPartOf{aws.ToInt32(p.PartNumber), aws.ToString(p.ETag), aws.ToInt64(p.Size)})
	}
	return out, parts
}

// mpStatus is the HTTP status of an answer.
func mpStatus(md middleware.Metadata) int {
	if r, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response); ok {
		return r.StatusCode
	}
	return 0
}

func TestMultipartUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "mpu")
	id := mpCreate(t, e, b, "obj")
	big, old, tail := mpBig(), []byte("the old last part"), []byte("the last part")
	stale := mpPart(t, e, b, "obj", id, 2, old)
	p1 := mpPart(t, e, b, "obj", id, 1, big)
	// User Guide, "Uploading and copying objects using multipart upload":
	// "If you upload a new part using the same part number as a previously
	// uploaded part, the previously uploaded part is overwritten."
	p2 := mpPart(t, e, b, "obj", id, 2, tail)
	// A part not listed in Complete is not part of the object, nor of its
	// ETag's count (User Guide, "Checking object integrity").
	unlisted := []byte("never listed")
	mpPart(t, e, b, "obj", id, 3, unlisted)
	_, parts := mpListParts(t, e, &s3.ListPartsInput{Bucket: &b, Key: aws.String("obj"), UploadId: &id})
	if d := cmp.Diff([]mpPartOf{{1, mpMD5(big), mpMin}, {2, mpMD5(tail), int64(len(tail))}, {3, mpMD5(unlisted), int64(len(unlisted))}}, parts); d != "" {
		t.Errorf("ListParts (-want +got):\n%s", d)
	}
	// S3 API Reference, CompleteMultipartUpload: InvalidPart, "the specified
	// ETag might not have matched the uploaded part's ETag".
	_, err := mpComplete(e, b, "obj", id, p1, stale)
	wantErr(t, err, 400, "InvalidPart", "One or more of the specified parts could not be found.")

	out, err := mpComplete(e, b, "obj", id, p1, p2)
	if err != nil {
		t.Fatal(err)
	}
	whole := append(slices.Clone(big), tail...)
	body, get := e.get(t, b, "obj")
	// S3 API Reference, GetObject: PartsCount "is only returned if you
	// specify partNumber in your request".
	got := []any{aws.ToString(out.ETag), aws.ToString(get.ETag), body == string(whole), get.PartsCount}
	if d := cmp.Diff([]any{mpETag(big, tail), mpETag(big, tail), true, (*int32)(nil)}, got); d != "" {
		t.Errorf("Complete ETag, GetObject ETag, same bytes, PartsCount (-want +got):\n%s", d)
	}

	// GetObject / HeadObject partNumber: "Effectively performs a 'ranged'
	// GET request for the part specified"; observed (ceph/ceph#66764): 206,
	// Content-Range, and the whole object's ETag.
	type ranged struct {
		Status        int
		ContentRange  string
		ContentLength int64
		PartsCount    int32
		ETag          string
	}
	size := len(whole)
	body, get = e.get(t, b, "obj", func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(2) })
	gotGet := ranged{mpStatus(get.ResultMetadata), aws.ToString(get.ContentRange), aws.ToInt64(get.ContentLength), aws.ToInt32(get.PartsCount), aws.ToString(get.ETag)}
	wantGet := ranged{206, fmt.Sprintf("bytes %d-%d/%d", mpMin, size-1, size), int64(len(tail)), 2, mpETag(big, tail)}
	if d := cmp.Diff(wantGet, gotGet); d != "" || body != string(tail) {
		t.Errorf("GetObject partNumber 2: body %q; (-want +got):\n%s", body, d)
	}
	head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: &b, Key: aws.String("obj"), PartNumber: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	gotHead := ranged{mpStatus(head.ResultMetadata), aws.ToString(head.ContentRange), aws.ToInt64(head.ContentLength), aws.ToInt32(head.PartsCount), aws.ToString(head.ETag)}
	if d := cmp.Diff(ranged{206, fmt.Sprintf("bytes 0-%d/%d", mpMin-1, size), mpMin, 2, mpETag(big, tail)}, gotHead); d != "" {
		t.Errorf("HeadObject partNumber 1 (-want +got):\n%s", d)
	}
	// User Guide, multipart upload: "After a successful complete request,
	// the parts no longer exist."
	_, err = e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: &b, Key: aws.String("obj"), UploadId: &id})
	wantErr(t, err, 404, "NoSuchUpload", "upload does not exist")
}

func TestMultipartCompleteErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "mpu-errors")
	small := func(s string) []byte { return []byte(s) }
	for _, tc := range []struct {
		name   string
		parts  func(t *testing.T, id string) []s3types.CompletedPart
		status int
		code   string
		msg    string
	}{
		// S3 API Reference, CompleteMultipartUpload, special errors:
		// EntityTooSmall, "Each part must be at least 5 MB in size, except
		// the last part" (checked at Complete, not UploadPart: minio#1536).
		{"small part not last", func(t *testing.T, id string) []s3types.CompletedPart {
			return []s3types.CompletedPart{mpPart(t, e, b, "k", id, 1, small("a")), mpPart(t, e, b, "k", id, 2, small("b"))}
		}, 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed"},
		// InvalidPart: "The part might not have been uploaded, or the
		// specified ETag might not have matched".
		{"missing part", func(t *testing.T, id string) []s3types.CompletedPart {
			mpPart(t, e, b, "k", id, 1, small("a"))
			return []s3types.CompletedPart{{PartNumber: aws.Int32(2), ETag: aws.String(mpMD5(small("a")))}}
		}, 400, "InvalidPart", "One or more of the specified parts could not be found."},
		{"wrong ETag", func(t *testing.T, id string) []s3types.CompletedPart {
			mpPart(t, e, b, "k", id, 1, small("a"))
			return []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: aws.String(mpMD5(small("b")))}}
		}, 400, "InvalidPart", "One or more of the specified parts could not be found."},
		// InvalidPartOrder: "The list of parts was not in ascending order."
		// (Part 2, listed first, is 5 MiB, so that only the order is wrong.)
		{"parts out of order", func(t *testing.T, id string) []s3types.CompletedPart {
			p1 := mpPart(t, e, b, "k", id, 1, small("a"))
			return []s3types.CompletedPart{mpPart(t, e, b, "k", id, 2, mpBig()), p1}
		}, 400, "InvalidPartOrder", "The list of parts was not in ascending order."},
		// Observed (ceph/s3-tests test_multipart_upload_empty; versitygw#152):
		// an empty part list is MalformedXML.
		{"no parts", func(t *testing.T, id string) []s3types.CompletedPart {
			mpPart(t, e, b, "k", id, 1, small("a"))
			return nil
		}, 400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := mpCreate(t, e, b, "k")
			_, err := mpComplete(e, b, "k", id, tc.parts(t, id)...)
			wantErr(t, err, tc.status, tc.code, tc.msg)
		})
	}
	// CompleteMultipartUpload special errors: NoSuchUpload, 404.
	_, err := mpComplete(e, b, "k", "no-such-upload", s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: aws.String(mpMD5(nil))})
	wantErr(t, err, 404, "NoSuchUpload", "upload does not exist")
}

func TestMultipartPartNumbersAndAbort(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "mpu-abort")
	id := mpCreate(t, e, b, "k")
	// User Guide, "Amazon S3 multipart upload limits": "Part numbers 1 to
	// 10,000 (inclusive)"; observed (jubos/fake-s3#238, riak_cs#945, S3
	// bodies): others are InvalidArgument.
	for _, n := range []int32{0, 1, 10000, 10001, -1} {
		_, err := mpUpload(e, b, "k", id, n, []byte("data"), "")
		if n >= 1 && n <= 10000 {
			if err != nil {
				t.Errorf("part %d: %v", n, err)
			}
			continue
		}
		t.Run(fmt.Sprint("part ", n), func(t *testing.T) {
			wantErr(t, err, 400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
		})
	}
	// S3 API Reference, AbortMultipartUpload: 204 No Content; User Guide:
	// "After stopping a multipart upload, you cannot upload any part using
	// that upload ID again" (404 NoSuchUpload).
	out, err := e.c.AbortMultipartUpload(e.ctx, &s3.AbortMultipartUploadInput{Bucket: &b, Key: aws.String("k"), UploadId: &id})
	if err != nil || mpStatus(out.ResultMetadata) != 204 {
		t.Fatalf("AbortMultipartUpload: %v, status %d, want 204", err, mpStatus(out.ResultMetadata))
	}
	_, err = mpUpload(e, b, "k", id, 1, []byte("data"), "")
	wantErr(t, err, 404, "NoSuchUpload", "upload does not exist")
	_, err = e.c.ListParts(e.ctx, &s3.ListPartsInput{Bucket: &b, Key: aws.String("k"), UploadId: &id})
	wantErr(t, err, 404, "NoSuchUpload", "upload does not exist")
	_, err = e.c.AbortMultipartUpload(e.ctx, &s3.AbortMultipartUploadInput{Bucket: &b, Key: aws.String("k"), UploadId: &id})
	wantErr(t, err, 404, "NoSuchUpload", "upload does not exist")
	ups, err := e.c.ListMultipartUploads(e.ctx, &s3.ListMultipartUploadsInput{Bucket: &b})
	if err != nil || len(ups.Uploads) != 0 {
		t.Errorf("ListMultipartUploads after abort: %v, %d uploads", err, len(ups.Uploads))
	}
}

func TestListParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "mpu-parts")
	id := mpCreate(t, e, b, "k")
	var want []mpPartOf
	for _, n := range []int32{7, 1, 10000, 2, 5} {
		data := bytes.Repeat([]byte{byte(n)}, int(n%100)+1)
		mpPart(t, e, b, "k", id, n, data)
		want = append(want, mpPartOf{n, mpMD5(data), int64(len(data))})
	}
	slices.SortFunc(want, func(a, b mpPartOf) int { return int(a.N - b.N) })
	// S3 API Reference, ListParts: parts by number, at most max-parts
	// (default 1,000) of them after part-number-marker ("Only parts with
	// higher part numbers will be listed"); a truncated list has IsTruncated
	// and NextPartNumberMarker, "the last part in the list", to continue.
	for _, max := range []int{0, 1, 2, 3, 5} {
		t.Run(fmt.Sprint("max-parts ", max), func(t *testing.T) {
			in := &s3.ListPartsInput{Bucket: &b, Key: aws.String("k"), UploadId: &id}
			per := 1000
			if max > 0 {
				in.MaxParts, per = aws.Int32(int32(max)), max
			}
			for start := 0; start <= len(want); start += per {
				out, page := mpListParts(t, e, in)
				end := min(start+per, len(want))
				trunc, next, marker := end < len(want), "", ""
				if trunc {
					next = fmt.Sprint(want[end-1].N)
				}
				if start > 0 {
					marker = fmt.Sprint(want[start-1].N)
				}
				// PartNumberMarker echoes the marker sent ("" or "0" for none:
				// AWS is silent); NextPartNumberMarker is compared when truncated.
				got := []any{page, aws.ToBool(out.IsTruncated), int(aws.ToInt32(out.MaxParts)), strings.TrimPrefix(aws.ToString(out.PartNumberMarker), "0"), ""}
				if trunc {
					got[4] = aws.ToString(out.NextPartNumberMarker)
				}
				if d := cmp.Diff([]any{want[start:end], trunc, per, marker, next}, got); d != "" {
					t.Fatalf("page at %d: parts, truncated, MaxParts, PartNumberMarker, NextPartNumberMarker (-want +got):\n%s", start, d)
				}
				if !trunc {
					break
				}
				in.PartNumberMarker = out.NextPartNumberMarker
			}
		})
	}
}

func TestListMultipartUploads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "mpu-list")
	type upload struct{ Key, ID string }
	var all []upload
	for _, k := range []string{"b", "d/e", "a/2", "b", "c", "a/1", "b"} {
		all = append(all, upload{k, mpCreate(t, e, b, k)})
	}
	// S3 API Reference, ListMultipartUploads: "uploads are sorted by key ...
	// in ascending order within each key by the upload initiation time".
	slices.SortStableFunc(all, func(x, y upload) int { return strings.Compare(x.Key, y.Key) })
	list := func(t *testing.T, in s3.ListMultipartUploadsInput) (*s3.ListMultipartUploadsOutput, []upload, []string) {
		in.Bucket = &b
		out, err := e.c.ListMultipartUploads(e.ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		var ups []upload
		var ps []string
		for _, u := range out.Uploads {
			ups = append(ups, upload{aws.ToString(u.Key), aws.ToString(u.UploadId)})
		}
		for _, p := range out.CommonPrefixes {
			ps = append(ps, aws.ToString(p.Prefix))
		}
		return out, ups, ps
	}
	// all is a/1, a/2, b, b, b, c, d/e.
	for _, tc := range []struct {
		name     string
		in       s3.ListMultipartUploadsInput
		want     []upload
		prefixes []string
	}{
		{"all", s3.ListMultipartUploadsInput{}, all, nil},
		// prefix: "Lists in-progress uploads only for those keys that begin
		// with the specified prefix."
		{"prefix", s3.ListMultipartUploadsInput{Prefix: aws.String("a/")}, all[:2], nil},
		// delimiter: keys up to the delimiter "are grouped under a single
		// result element, CommonPrefixes ... not returned elsewhere".
		{"delimiter", s3.ListMultipartUploadsInput{Delimiter: aws.String("/")}, all[2:6], []string{"a/", "d/"}},
		// key-marker without upload-id-marker: "only the keys
		// lexicographically greater than the specified key-marker".
		{"key-marker", s3.ListMultipartUploadsInput{KeyMarker: aws.String("b")}, all[5:], nil},
		// upload-id-marker: "If key-marker is not specified, the
		// upload-id-marker parameter is ignored."
		{"upload-id-marker alone", s3.ListMultipartUploadsInput{UploadIdMarker: aws.String(all[3].ID)}, all, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, ups, ps := list(t, tc.in)
			// max-uploads: 1,000 "is also the default value".
			if d := cmp.Diff([]any{tc.want, tc.prefixes, false, int32(1000)}, []any{ups, ps, aws.ToBool(out.IsTruncated), aws.ToInt32(out.MaxUploads)}); d != "" {
				t.Errorf("uploads, prefixes, truncated, MaxUploads (-want +got):\n%s", d)
			}
		})
	}
	// max-uploads pages, continued with NextKeyMarker and
	// NextUploadIdMarker ("the value that should be used for the
	// key-marker / upload-id-marker request parameter in a subsequent
	// request"); a common prefix counts as one.
	for _, delim := range []string{"", "/"} {
		want, wantPs := all, []string(nil)
		if delim != "" {
			want, wantPs = all[2:6], []string{"a/", "d/"}
		}
		for _, max := range []int32{1, 2, 3} {
			t.Run(fmt.Sprintf("paging delimiter=%q max-uploads=%d", delim, max), func(t *testing.T) {
				var ups []upload
				var ps []string
				in := s3.ListMultipartUploadsInput{MaxUploads: aws.Int32(max), Delimiter: lsOpt(delim)}
				for pages := 0; pages <= len(all); pages++ {
					out, u, p := list(t, in)
					if n := len(u) + len(p); n > int(max) || aws.ToBool(out.IsTruncated) && n != int(max) || aws.ToInt32(out.MaxUploads) != max {
						t.Fatalf("%d entries, MaxUploads %d, with max-uploads %d, truncated %v", n, aws.ToInt32(out.MaxUploads), max, aws.ToBool(out.IsTruncated))
					}
					ups, ps = append(ups, u...), append(ps, p...)
					if !aws.ToBool(out.IsTruncated) {
						break
					}
					in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
				}
				if d := cmp.Diff([]any{want, wantPs}, []any{ups, ps}); d != "" {
					t.Errorf("uploads, prefixes (-want +got):\n%s", d)
				}
			})
		}
	}
}

func TestUploadPartCopy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "mpu-copy")
	src := "0123456789abcdefghijklmnopqrstuvwxyz"
	e.put(t, b, "src", src)
	id := mpCreate(t, e, b, "dst")
	copyPart := func(n int32, rng string) (*s3.UploadPartCopyOutput, error) {
		return e.c.UploadPartCopy(e.ctx, &s3.UploadPartCopyInput{Bucket: &b, Key: aws.String("dst"), UploadId: &id,
			PartNumber: aws.Int32(n), CopySource: aws.String(b + "/src"), CopySourceRange: lsOpt(rng)})
	}
	// S3 API Reference, UploadPartCopy: x-amz-copy-source-range "bytes=first-last,
	// where the first and last are the zero-based byte offsets to copy";
	// without it the whole source is copied (ceph/s3-tests
	// test_multipart_copy_without_range).
	whole, err := copyPart(1, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := copyPart(1, "bytes=10-19")
	if err != nil {
		t.Fatal(err)
	}
	part := []byte(src[10:20])
	got := []string{aws.ToString(whole.CopyPartResult.ETag), aws.ToString(out.CopyPartResult.ETag)}
	if d := cmp.Diff([]string{mpMD5([]byte(src)), mpMD5(part)}, got); d != "" {
		t.Errorf("CopyPartResult ETags (-want +got):\n%s", d)
	}
	done, err := mpComplete(e, b, "dst", id, s3types.CompletedPart{PartNumber: aws.Int32(1), ETag: out.CopyPartResult.ETag})
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := e.get(t, b, "dst"); body != string(part) || aws.ToString(done.ETag) != mpETag(part) {
		t.Errorf("object %q ETag %s, want %q %s", body, aws.ToString(done.ETag), part, mpETag(part))
	}
	// Observed (gaul/s3proxy#304 quoting S3; ceph/s3-tests
	// test_multipart_copy_improper_range): a malformed range is
	// InvalidArgument.
	id = mpCreate(t, e, b, "dst")
	for _, rng := range []string{"0-2", "bytes=0", "bytes=hello-world", "bytes=0-bar", "bytes=hello-", "bytes=0-2,3-5"} {
		t.Run(rng, func(t *testing.T) {
			_, err := copyPart(1, rng)
			wantErr(t, err, 400, "InvalidArgument", "The x-amz-copy-source-range value must be of the form bytes=first-last")
		})
	}
}

// mpCRC64NVME is CRC-64/NVME (reflected polynomial of 0xAD93D23594C93659).
var mpCRC64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5)

func TestMultipartChecksums(t *testing.T) {
	t.Parallel()
	// The CRC catalogue's check value of CRC-64/NVME, for "123456789".
	if got := crc64.Checksum([]byte("123456789"), mpCRC64NVME); got != 0xae8b14860a799888 {
		t.Fatalf("CRC-64/NVME check %#x", got)
	}
	e := newEnv(t, false)
	b := e.bucket(t, "mpu-checksums")
	big, tail := mpBig(), []byte("last part")
	crc32Of := func(d []byte) []byte { return binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(d)) }
	crc64Of := func(d []byte) []byte { return binary.BigEndian.AppendUint64(nil, crc64.Checksum(d, mpCRC64NVME)) }
	b64 := base64.StdEncoding.EncodeToString
	// User Guide, "Checking object integrity": a COMPOSITE checksum is the
	// checksum of the parts' binary checksums, "-N" appended; CRC32 uploads
	// are composite unless FULL_OBJECT is asked for. CRC64NVME is
	// FULL_OBJECT only: the checksum of the whole object.
	for _, tc := range []struct {
		alg      s3types.ChecksumAlgorithm
		typ      s3types.ChecksumType
		part     func([]byte) []byte
		checksum string
	}{
		{s3types.ChecksumAlgorithmCrc32, s3types.ChecksumTypeComposite, crc32Of, b64(crc32Of(append(crc32Of(big), crc32Of(tail)...))) + "-2"},
		{s3types.ChecksumAlgorithmCrc64nvme, s3types.ChecksumTypeFullObject, crc64Of, b64(crc64Of(append(slices.Clone(big), tail...)))},
	} {
		t.Run(string(tc.alg), func(t *testing.T) {
			key := "obj-" + string(tc.alg)
			id := mpCreate(t, e, b, key, func(in *s3.CreateMultipartUploadInput) { in.ChecksumAlgorithm = tc.alg })
			var parts []s3types.CompletedPart
			var sums []string
			for i, data := range [][]byte{big, tail} {
				out, err := mpUpload(e, b, key, id, int32(i+1), data, tc.alg)
				if err != nil {
					t.Fatal(err)
				}
				p := s3types.CompletedPart{PartNumber: aws.Int32(int32(i + 1)), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32, ChecksumCRC64NVME: out.ChecksumCRC64NVME}
				parts = append(parts, p)
				sums = append(sums, aws.ToString(p.ChecksumCRC32)+aws.ToString(p.ChecksumCRC64NVME))
			}
			if d := cmp.Diff([]string{b64(tc.part(big)), b64(tc.part(tail))}, sums); d != "" {
				t.Errorf("part checksums (-want +got):\n%s", d)
			}
			out, err := mpComplete(e, b, key, id, parts...)
			if err != nil {
				t.Fatal(err)
			}
			head, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: &b, Key: &key, ChecksumMode: s3types.ChecksumModeEnabled})
			if err != nil {
				t.Fatal(err)
			}
			got := []any{aws.ToString(out.ChecksumCRC32) + aws.ToString(out.ChecksumCRC64NVME), out.ChecksumType,
				aws.ToString(head.ChecksumCRC32) + aws.ToString(head.ChecksumCRC64NVME), head.ChecksumType}
			if d := cmp.Diff([]any{tc.checksum, tc.typ, tc.checksum, tc.typ}, got); d != "" {
				t.Errorf("Complete checksum and type, HeadObject checksum and type (-want +got):\n%s", d)
			}
		})
	}
}

func TestDeleteObjects(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := e.bucket(t, "delete-objects")
	type result struct {
		Deleted []string
		Errors  []string // key: code
		Status  int
	}
	del := func(t *testing.T, c *s3.Client, quiet bool, keys ...string) result {
		var ids []s3types.ObjectIdentifier
		for _, k := range keys {
			ids = append(ids, s3types.ObjectIdentifier{Key: aws.String(k)})
		}
		out, err := c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: &b, Delete: &s3types.Delete{Objects: ids, Quiet: aws.Bool(quiet)}})
		if err != nil {
			t.Fatal(err)
		}
		r := result{Status: mpStatus(out.ResultMetadata)}
		for _, d := range out.Deleted {
			r.Deleted = append(r.Deleted, aws.ToString(d.Key))
		}
		for _, er := range out.Errors {
			r.Errors = append(r.Errors, aws.ToString(er.Key)+": "+aws.ToString(er.Code))
		}
		slices.Sort(r.Deleted)
		slices.Sort(r.Errors)
		return r
	}
	other := e.srv.Client(stranger)
	for _, k := range []string{"a", "b", "c", "d"} {
		e.put(t, b, k, k)
	}
	for _, tc := range []struct {
		name   string
		c      *s3.Client
		quiet  bool
		keys   []string
		want   result
		remain []string
	}{
		// S3 API Reference, DeleteObjects: a key the caller may not delete
		// is an error of that key, in a 200 answer ("returns the result of
		// that delete, success, or failure"); quiet mode still reports
		// errors ("the response includes only keys where the delete
		// operation encountered an error").
		{"denied", other, false, []string{"a", "b"}, result{Errors: []string{"a: AccessDenied", "b: AccessDenied"}, Status: 200}, []string{"a", "b", "c", "d"}},
		{"denied quiet", other, true, []string{"a", "nope"}, result{Errors: []string{"a: AccessDenied", "nope: AccessDenied"}, Status: 200}, []string{"a", "b", "c", "d"}},
		// "if the object specified in the request is not found, Amazon S3
		// returns the result as deleted."
		{"verbose", e.c, false, []string{"a", "nope", "b"}, result{Deleted: []string{"a", "b", "nope"}, Status: 200}, []string{"c", "d"}},
		// "For a successful deletion, the operation does not return any
		// information about the delete in the response body."
		{"quiet", e.c, true, []string{"c", "nope"}, result{Status: 200}, []string{"d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := del(t, tc.c, tc.quiet, tc.keys...)
			left, _ := lsList(t, e, b, true, lsQuery{})
			if d := cmp.Diff([]any{tc.want, tc.remain}, []any{got, left.Keys}); d != "" {
				t.Errorf("result, keys left (-want +got):\n%s", d)
			}
		})
	}
}
