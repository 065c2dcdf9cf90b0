package simulate_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3vet/s3vet/simulate"
)

func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// With checksums on, the SDK sends PutObject over TLS as aws-chunked with
// a CRC32 trailer: the simulator decodes it, and the object round-trips
// byte for byte with its checksum (gofakes3 alone stores the framing).
func TestChunkedChecksumOverTLS(t *testing.T) {
	srv := simulate.NewTestTLSServer(t, testWorld(t))
	ctx := context.Background()
	c := srv.Client(root1, func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenSupported
	})
	for _, size := range []int{0, 19, 64 << 10, 1<<20 + 3} {
		body := randomBytes(size, uint64(size))
		key := fmt.Sprintf("chunked/%d", size)
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String(key), Body: bytes.NewReader(body),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32})
		if err != nil {
			t.Fatalf("%d bytes: %v", size, err)
		}
		want := base64.StdEncoding.EncodeToString(binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(body)))
		if aws.ToString(out.ChecksumCRC32) != want {
			t.Errorf("%d bytes: PutObject CRC32 %q, want %q", size, aws.ToString(out.ChecksumCRC32), want)
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String(key), ChecksumMode: types.ChecksumModeEnabled})
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(got.Body)
		got.Body.Close()
		if err != nil || !bytes.Equal(data, body) {
			t.Fatalf("%d bytes: got %d bytes (%v)", size, len(data), err)
		}
		if aws.ToString(got.ChecksumCRC32) != want {
			t.Errorf("%d bytes: GetObject CRC32 %q, want %q", size, aws.ToString(got.ChecksumCRC32), want)
		}
		if len(got.Metadata) != 0 || got.ContentEncoding != nil {
			t.Errorf("%d bytes: metadata %v, content encoding %q", size, got.Metadata, aws.ToString(got.ContentEncoding))
		}
	}
	var chunked bool
	for _, r := range srv.Requests() {
		chunked = chunked || r.Operation == "PutObject"
	}
	if !chunked {
		t.Fatal("no PutObject recorded")
	}
}

// A wrong checksum is refused with BadDigest, and nothing is stored.
func TestBadChecksum(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	ctx := context.Background()
	c := srv.Client(root1)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("bad"), Body: strings.NewReader("hello"),
		ChecksumCRC32: aws.String("AAAAAA==")})
	wantError(t, err, "BadDigest", "")
	_, err = get(ctx, c, "reports", "bad")
	wantError(t, err, "NoSuchKey", "")
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("bad"), Body: strings.NewReader("hello"),
		ContentMD5: aws.String("1B2M2Y8AsgTpgAmY7PhCfg==")})
	wantError(t, err, "BadDigest", "")
}

// Multipart uploads, UploadPartCopy and CopyObject, as the SDK sends them.
func TestMultipartAndCopy(t *testing.T) {
	servers(t, testWorld, func(t *testing.T, srv *simulate.Server) {
		ctx := context.Background()
		c := srv.Client(root1)
		b, k := aws.String("reports"), aws.String("big.bin")
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: k, Metadata: map[string]string{"part": "yes"},
			Tagging: aws.String("kind=multipart")})
		if err != nil {
			t.Fatal(err)
		}
		part1 := randomBytes(5<<20, 1)
		part2 := []byte("the end")
		var parts []types.CompletedPart
		for i, p := range [][]byte{part1, part2} {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: k, UploadId: up.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: bytes.NewReader(p)})
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
		}
		if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: k, UploadId: up.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts}}); err != nil {
			t.Fatal(err)
		}
		body, err := get(ctx, c, "reports", "big.bin")
		if err != nil || body != string(part1)+string(part2) {
			t.Fatalf("multipart object: %d bytes, %v", len(body), err)
		}
		tags, err := c.GetObjectTagging(ctx, &s3.GetObjectTaggingInput{Bucket: b, Key: k})
		if err != nil || len(tags.TagSet) != 1 {
			t.Fatalf("tags of the multipart object: %v", err)
		}

		// CopyObject keeps metadata and tags by default.
		if _, err := c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("site"), Key: aws.String("copy.bin"), CopySource: aws.String("reports/big.bin")}); err != nil {
			t.Fatal(err)
		}
		head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("site"), Key: aws.String("copy.bin")})
		if err != nil || head.Metadata["part"] != "yes" || aws.ToInt64(head.ContentLength) != int64(len(part1)+len(part2)) || aws.ToInt32(head.TagCount) != 1 {
			t.Fatalf("copy: %v %+v", err, head)
		}
		_, err = c.CopyObject(ctx, &s3.CopyObjectInput{Bucket: b, Key: k, CopySource: aws.String("reports/big.bin")})
		wantError(t, err, "InvalidRequest", "copy an object to itself")

		// UploadPartCopy with a range.
		up2, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("slice.bin")})
		if err != nil {
			t.Fatal(err)
		}
		cp, err := c.UploadPartCopy(ctx, &s3.UploadPartCopyInput{Bucket: b, Key: aws.String("slice.bin"), UploadId: up2.UploadId, PartNumber: aws.Int32(1),
			CopySource: aws.String("reports/big.bin"), CopySourceRange: aws.String("bytes=10-19")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("slice.bin"), UploadId: up2.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: cp.CopyPartResult.ETag, PartNumber: aws.Int32(1)}}}}); err != nil {
			t.Fatal(err)
		}
		if got, err := get(ctx, c, "reports", "slice.bin"); err != nil || got != string(part1[10:20]) {
			t.Fatalf("UploadPartCopy: %q %v", got, err)
		}

		// Parts but the last are 5 MiB at least.
		up4, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("small.bin")})
		if err != nil {
			t.Fatal(err)
		}
		var small []types.CompletedPart
		for i := range 2 {
			out, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("small.bin"), UploadId: up4.UploadId, PartNumber: aws.Int32(int32(i + 1)), Body: strings.NewReader("tiny")})
			if err != nil {
				t.Fatal(err)
			}
			small = append(small, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(int32(i + 1))})
		}
		_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: b, Key: aws.String("small.bin"), UploadId: up4.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: small}})
		wantError(t, err, "EntityTooSmall", "")

		// Abort, and the upload is gone.
		up3, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: b, Key: aws.String("gone.bin")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: b, Key: aws.String("gone.bin"), UploadId: up3.UploadId}); err != nil {
			t.Fatal(err)
		}
		_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: b, Key: aws.String("gone.bin"), UploadId: up3.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader("x")})
		wantError(t, err, "NoSuchUpload", "")
	})
}

// DeleteObjects decides each key: the ones the caller may not delete are
// errors in the result.
func TestDeleteObjectsPerKey(t *testing.T) {
	w := func(testing.TB) *simulate.World {
		w := &simulate.World{}
		a := w.AddAccount("444444444444")
		a.AddUser("cleaner", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::junk/tmp/*"}]}`)
		a.AddBucket("junk").AddObject("tmp/1", "1").AddObject("tmp/2", "2").AddObject("keep/3", "3")
		return w
	}
	srv := simulate.NewTestServer(t, w(t))
	ctx := context.Background()
	out, err := srv.Client("arn:aws:iam::444444444444:user/cleaner").DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("junk"),
		Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("tmp/1")}, {Key: aws.String("keep/3")}, {Key: aws.String("tmp/2")}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Deleted) != 2 || len(out.Errors) != 1 || aws.ToString(out.Errors[0].Key) != "keep/3" || aws.ToString(out.Errors[0].Code) != "AccessDenied" {
		t.Fatalf("deleted %d, errors %+v", len(out.Deleted), out.Errors)
	}
	list, err := srv.Client("arn:aws:iam::444444444444:root").ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("junk")})
	if err != nil || len(list.Contents) != 1 || aws.ToString(list.Contents[0].Key) != "keep/3" {
		t.Fatalf("left: %v %+v", err, list)
	}
}

// CreateBucket makes the caller's account the owner, with S3's defaults;
// the bucket is listed, refused to others, and deleted only when empty.
func TestBucketLifecycle(t *testing.T) {
	servers(t, testWorld, func(t *testing.T, srv *simulate.Server) {
		ctx := context.Background()
		c := srv.Client(root1)
		_, err := srv.Client(alice).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("alice-bucket")})
		wantError(t, err, "AccessDenied", "because no identity-based policy allows the s3:CreateBucket action")
		if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fresh")}); err != nil {
			t.Fatal(err)
		}
		_, err = srv.Client(carol).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("fresh")})
		wantError(t, err, "BucketAlreadyExists", "")
		_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("Bad_Name")})
		wantError(t, err, "InvalidBucketName", "")
		_, err = c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-one"), ObjectOwnership: types.ObjectOwnershipObjectWriter, ACL: types.BucketCannedACLPublicRead})
		wantError(t, err, "InvalidBucketAclWithBlockPublicAccessError", "")
		pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("fresh")})
		if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
			t.Fatalf("new bucket's Block Public Access: %v", err)
		}
		list, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, b := range list.Buckets {
			names = append(names, aws.ToString(b.Name))
		}
		if strings.Join(names, ",") != "fresh,locked-site,reports,site" {
			t.Errorf("ListBuckets: %v", names)
		}
		carolList, err := srv.Client(carol).ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil || len(carolList.Buckets) != 0 {
			t.Errorf("carol's buckets: %v %d", err, len(carolList.Buckets))
		}
		// SCP: even the root user may not delete buckets.
		_, err = c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("locked-site")})
		wantError(t, err, "AccessDenied", "with an explicit deny in a service control policy")
	})
}

// DeleteBucket refuses a bucket with objects, and the bucket is gone from
// the simulator and gofakes3 alike once deleted.
func TestDeleteBucket(t *testing.T) {
	w := &simulate.World{}
	a := w.AddAccount("555555555555")
	a.AddBucket("full").AddObject("k", "v")
	srv := simulate.NewTestServer(t, w)
	ctx := context.Background()
	c := srv.Client(a.ARN())
	_, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("full")})
	wantError(t, err, "BucketNotEmpty", "")
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("full"), Key: aws.String("k")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("full")})
	wantError(t, err, "NoSuchBucket", "")
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("full")}); err != nil {
		t.Fatalf("re-create: %v", err)
	}
	if _, err := get(ctx, c, "full", "k"); err == nil {
		t.Fatal("an object survived its bucket")
	}
}

// Versioning through the simulator reaches gofakes3: versions are kept,
// and a bucket never versioned shows no version IDs.
func TestVersioning(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	ctx := context.Background()
	c := srv.Client(root1)
	b := aws.String("site")
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: b, VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	v1, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("v"), Body: strings.NewReader("one")})
	if err != nil || v1.VersionId == nil {
		t.Fatalf("version: %v", err)
	}
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: b, Key: aws.String("v"), Body: strings.NewReader("two")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: b, Key: aws.String("v"), VersionId: v1.VersionId})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := io.ReadAll(out.Body)
	out.Body.Close()
	if string(old) != "one" {
		t.Fatalf("version 1: %q", old)
	}
	vs, err := c.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: b, Prefix: aws.String("v")})
	if err != nil || len(vs.Versions) != 2 {
		t.Fatalf("versions: %v %d", err, len(vs.Versions))
	}
}

// The initiator of a multipart upload may abort it and list its parts
// without the bucket policy granting it: "By default, the bucket owner and
// the initiator of the multipart upload are allowed to perform this
// action. If the initiator is an IAM user, that user's AWS account is
// also allowed" (S3 User Guide, "Multipart upload API and permissions").
func TestCrossAccountInitiatorAborts(t *testing.T) {
	srv := simulate.NewTestServer(t, testWorld(t))
	ctx := context.Background()
	owner, c := srv.Client(root1), srv.Client(carol)
	const onlyPut = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}]}`
	if _, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("reports"), Policy: aws.String(onlyPut)}); err != nil {
		t.Fatal(err)
	}
	upload := func() *string {
		up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("reports"), Key: aws.String("carol.bin")})
		if err != nil {
			t.Fatal(err)
		}
		return up.UploadId
	}
	id := upload()
	if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("reports"), Key: aws.String("carol.bin"), UploadId: id,
		PartNumber: aws.Int32(1), Body: strings.NewReader("part")}); err != nil {
		t.Fatal(err)
	}
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("reports"), Key: aws.String("carol.bin"), UploadId: id})
	if err != nil || len(parts.Parts) != 1 {
		t.Fatalf("the initiator lists its parts: %v", err)
	}
	// An identity of the bucket owner's account without the permission
	// may not abort it; the initiator may.
	_, err = srv.Client(alice).AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("reports"), Key: aws.String("carol.bin"), UploadId: id})
	wantError(t, err, "AccessDenied", "s3:AbortMultipartUpload")
	if _, err := c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("reports"), Key: aws.String("carol.bin"), UploadId: id}); err != nil {
		t.Fatalf("the initiator aborts: %v", err)
	}
	// The bucket owner may abort anyone's upload.
	if _, err := owner.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: aws.String("reports"), Key: aws.String("carol.bin"), UploadId: upload()}); err != nil {
		t.Fatalf("the bucket owner aborts: %v", err)
	}
}

// User metadata names are stored lower-cased and sent that way, for a
// multipart upload as for a PUT (S3 User Guide, "Working with object
// metadata": "Amazon S3 stores user-defined metadata keys in lowercase").
// The SDK lower-cases names itself, so the answer is read as written.
func TestMultipartMetadataLowerCased(t *testing.T) {
	sim, err := simulate.New(fuzzWorld())
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, target, body string, header http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "http://127.0.0.1:9000"+target, strings.NewReader(body))
		for k, v := range header {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		sim.ServeHTTP(w, r)
		if w.Code >= 300 {
			t.Fatalf("%s %s: %d %s", method, target, w.Code, w.Body)
		}
		return w
	}
	w := do("POST", "/fzz/mp?uploads", "", http.Header{"X-Amz-Meta-Foo-Bar": {"v"}})
	var up struct {
		UploadID string `xml:"UploadId"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &up); err != nil {
		t.Fatal(err)
	}
	w = do("PUT", "/fzz/mp?partNumber=1&uploadId="+up.UploadID, "x", nil)
	etag := w.Header().Get("ETag")
	do("POST", "/fzz/mp?uploadId="+up.UploadID, `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>`+etag+`</ETag></Part></CompleteMultipartUpload>`, nil)
	got := do("HEAD", "/fzz/mp", "", nil).Header()
	//lint:ignore SA1008 the simulator writes metadata names as S3 does, lower-case: the test reads the map as written
	if v, ok := got["x-amz-meta-foo-bar"]; !ok || v[0] != "v" {
		t.Fatalf("metadata headers %v, want x-amz-meta-foo-bar: v", got)
	}
}
