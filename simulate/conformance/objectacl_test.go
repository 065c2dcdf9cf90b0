package conformance_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"
)

const allUsersURI = "http://acs.amazonaws.com/groups/global/AllUsers"

// TestObjectACLWriteKeepsKeyServable follows the S3 User Guide, "Access
// control list (ACL) overview": WRITE may be granted on an object, where it
// is "Not applicable", and the canned ACL public-read-write applies to
// objects ("The AllUsers group gets READ and WRITE access"); it is kept
// with no effect (aws/aws-sdk-java issue 780), whether written through
// x-amz-acl, x-amz-grant-write or an ACL document (S3 API Reference,
// PutObject, PutObjectAcl, CopyObject, CreateMultipartUpload). Every way
// of writing such an ACL that is accepted must leave the key servable:
// HEAD (S3 API Reference, HeadObject), GetObjectAcl showing the grant,
// DeleteObject and DeleteObjects (S3 API Reference, DeleteObject,
// DeleteObjects), and then DeleteBucket (S3 API Reference, DeleteBucket).
func TestObjectACLWriteKeepsKeyServable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := acACLBucket(t, e, "acl-write", nil)
	lb, err := e.c.ListBuckets(e.ctx, &s3.ListBucketsInput{})
	lkOK(t, err, "ListBuckets")
	owner := aws.ToString(lb.Owner.ID)
	bk := aws.String(b)
	writeGrant := fmt.Sprintf("uri=%q", allUsersURI)
	aclBody := func() *s3types.AccessControlPolicy {
		return &s3types.AccessControlPolicy{Owner: &s3types.Owner{ID: aws.String(owner)}, Grants: []s3types.Grant{
			{Grantee: &s3types.Grantee{Type: s3types.TypeCanonicalUser, ID: aws.String(owner)}, Permission: s3types.PermissionFullControl},
			{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String(allUsersURI)}, Permission: s3types.PermissionWrite}}}
	}
	// The SDK models no GrantWrite for PutObject and
	// CreateMultipartUpload (their API Reference pages list READ, READ_ACP,
	// WRITE_ACP and FULL_CONTROL); the User Guide's ACL overview maps WRITE
	// to x-amz-grant-write, and WRITE on an object is kept with no effect,
	// the reading the simulator takes (aws/aws-sdk-java issue 780). The
	// header is added to the request before it is signed.
	grantWriteHeader := s3.WithAPIOptions(smithyhttp.AddHeaderValue("X-Amz-Grant-Write", writeGrant))
	fullControl := acGrant{"CanonicalUser", owner, "", "FULL_CONTROL"}
	read, write := acGrant{"Group", "", allUsersURI, "READ"}, acGrant{"Group", "", allUsersURI, "WRITE"}
	// Each write, and the grants S3 keeps for it.
	writes := []struct {
		name  string
		write func(key string) error
		want  []acGrant
	}{
		{"PutObject ACL=public-read-write", func(k string) error {
			_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: bk, Key: aws.String(k), Body: strings.NewReader("x"),
				ACL: s3types.ObjectCannedACLPublicReadWrite})
			return err
		}, []acGrant{fullControl, read, write}},
		{"PutObject x-amz-grant-write", func(k string) error {
			_, err := e.c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: bk, Key: aws.String(k), Body: strings.NewReader("x")}, grantWriteHeader)
			return err
		}, []acGrant{fullControl, write}},
		{"PutObjectAcl ACL=public-read-write", func(k string) error {
			e.put(t, b, k, "x")
			_, err := e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: bk, Key: aws.String(k), ACL: s3types.ObjectCannedACLPublicReadWrite})
			return err
		}, []acGrant{fullControl, read, write}},
		{"PutObjectAcl x-amz-grant-write", func(k string) error {
			e.put(t, b, k, "x")
			_, err := e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: bk, Key: aws.String(k), GrantWrite: aws.String(writeGrant)})
			return err
		}, []acGrant{fullControl, write}},
		{"PutObjectAcl document granting WRITE", func(k string) error {
			e.put(t, b, k, "x")
			_, err := e.c.PutObjectAcl(e.ctx, &s3.PutObjectAclInput{Bucket: bk, Key: aws.String(k), AccessControlPolicy: aclBody()})
			return err
		}, []acGrant{fullControl, write}},
		{"CopyObject ACL=public-read-write", func(k string) error {
			e.put(t, b, "source", "x")
			_, err := e.c.CopyObject(e.ctx, &s3.CopyObjectInput{Bucket: bk, Key: aws.String(k), CopySource: aws.String(b + "/source"),
				ACL: s3types.ObjectCannedACLPublicReadWrite})
			return err
		}, []acGrant{fullControl, read, write}},
		{"multipart upload x-amz-grant-write", func(k string) error {
			up, err := e.c.CreateMultipartUpload(e.ctx, &s3.CreateMultipartUploadInput{Bucket: bk, Key: aws.String(k)}, grantWriteHeader)
			if err != nil {
				return err
			}
			part, err := e.c.UploadPart(e.ctx, &s3.UploadPartInput{Bucket: bk, Key: aws.String(k), UploadId: up.UploadId,
				PartNumber: aws.Int32(1), Body: strings.NewReader("x")})
			if err != nil {
				return err
			}
			_, err = e.c.CompleteMultipartUpload(e.ctx, &s3.CompleteMultipartUploadInput{Bucket: bk, Key: aws.String(k), UploadId: up.UploadId,
				MultipartUpload: &s3types.CompletedMultipartUpload{Parts: []s3types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}}})
			return err
		}, []acGrant{fullControl, write}},
	}
	// Each write makes two keys: one for DeleteObject, one for
	// DeleteObjects.
	var batch []s3types.ObjectIdentifier
	for i, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			for _, k := range []string{fmt.Sprintf("one/%d", i), fmt.Sprintf("batch/%d", i)} {
				lkOK(t, w.write(k), w.name)
				_, err := e.c.HeadObject(e.ctx, &s3.HeadObjectInput{Bucket: bk, Key: aws.String(k)})
				lkOK(t, err, "HeadObject "+k)
				if got, _ := e.get(t, b, k); got != "x" {
					t.Errorf("GetObject %s: %q, want %q", k, got, "x")
				}
				acl, err := e.c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: bk, Key: aws.String(k)})
				lkOK(t, err, "GetObjectAcl "+k)
				want := append([]acGrant(nil), w.want...)
				sort.Slice(want, func(i, j int) bool { return fmt.Sprint(want[i]) < fmt.Sprint(want[j]) })
				if d := cmp.Diff(want, acGrants(acl.Grants)); d != "" {
					t.Errorf("GetObjectAcl %s (-want +got):\n%s", k, d)
				}
			}
			_, err := e.c.DeleteObject(e.ctx, &s3.DeleteObjectInput{Bucket: bk, Key: aws.String(fmt.Sprintf("one/%d", i))})
			lkOK(t, err, "DeleteObject")
			batch = append(batch, s3types.ObjectIdentifier{Key: aws.String(fmt.Sprintf("batch/%d", i))})
		})
	}
	batch = append(batch, s3types.ObjectIdentifier{Key: aws.String("source")})
	out, err := e.c.DeleteObjects(e.ctx, &s3.DeleteObjectsInput{Bucket: bk, Delete: &s3types.Delete{Objects: batch}})
	lkOK(t, err, "DeleteObjects")
	var deleted, wantDeleted []string
	for _, d := range out.Deleted {
		deleted = append(deleted, aws.ToString(d.Key))
	}
	for _, o := range batch {
		wantDeleted = append(wantDeleted, aws.ToString(o.Key))
	}
	sort.Strings(deleted)
	sort.Strings(wantDeleted)
	if d := cmp.Diff(wantDeleted, deleted); d != "" || len(out.Errors) != 0 {
		t.Errorf("DeleteObjects Deleted (-want +got):\n%s\nErrors: %+v", d, out.Errors)
	}
	list, err := e.c.ListObjectsV2(e.ctx, &s3.ListObjectsV2Input{Bucket: bk})
	lkOK(t, err, "ListObjectsV2")
	if len(list.Contents) != 0 {
		t.Errorf("ListObjectsV2 after the deletes: %d keys left", len(list.Contents))
	}
	_, err = e.c.DeleteBucket(e.ctx, &s3.DeleteBucketInput{Bucket: bk})
	lkOK(t, err, "DeleteBucket")
}

// TestObjectOwnerAndACLPerVersion follows the S3 User Guide, "Retaining
// multiple versions of objects with S3 Versioning" and "Access control
// list (ACL) overview": each version is an object of its own, with its own
// owner and ACL. GetObjectAcl and GetObject name a version with versionId
// (S3 API Reference, GetObjectAcl, GetObject: s3:GetObjectVersion, which
// READ grants); ListObjectVersions gives the Owner of each version (S3 API
// Reference, ListObjectVersions; no DisplayName since 2025). Under
// ObjectWriter the account that writes a version owns it (S3 User Guide,
// "Controlling ownership of objects and disabling ACLs").
func TestObjectOwnerAndACLPerVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t, false)
	b := acACLBucket(t, e, "acl-versions", nil)
	bk := aws.String(b)
	_, err := e.c.PutBucketVersioning(e.ctx, &s3.PutBucketVersioningInput{Bucket: bk,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	lkOK(t, err, "PutBucketVersioning")
	// The stranger's account may write into the bucket, with an ACL
	// (S3 API Reference, PutObject: x-amz-acl needs s3:PutObjectAcl).
	_, err = e.c.PutBucketPolicy(e.ctx, &s3.PutBucketPolicyInput{Bucket: bk, Policy: aws.String(fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},"Action":["s3:PutObject","s3:PutObjectAcl"],"Resource":"arn:aws:s3:::%s/*"}]}`, otherAccount, b))})
	lkOK(t, err, "PutBucketPolicy")
	other := e.srv.Client(stranger)
	canonical := func(c *s3.Client) string {
		lb, err := c.ListBuckets(e.ctx, &s3.ListBucketsInput{})
		lkOK(t, err, "ListBuckets")
		return aws.ToString(lb.Owner.ID)
	}
	ownerID, otherID := canonical(e.c), canonical(other)
	put := func(c *s3.Client, key, body string, acl s3types.ObjectCannedACL) string {
		t.Helper()
		out, err := c.PutObject(e.ctx, &s3.PutObjectInput{Bucket: bk, Key: aws.String(key), Body: strings.NewReader(body), ACL: acl})
		lkOK(t, err, "PutObject "+key)
		return aws.ToString(out.VersionId)
	}
	// "older-public": the admin's public-read version under the
	// stranger's private one; "newer-public": the admin's private version
	// under the stranger's public-read one.
	op := put(e.c, "older-public", "old public", s3types.ObjectCannedACLPublicRead)
	np := put(other, "older-public", "new private", s3types.ObjectCannedACLPrivate)
	oq := put(e.c, "newer-public", "old private", s3types.ObjectCannedACLPrivate)
	nq := put(other, "newer-public", "new public", s3types.ObjectCannedACLPublicRead)

	anon := e.srv.Client(anonymous)
	type read struct {
		Key, Version, Body string
		Status             int
		Code               string
	}
	anonRead := func(key, vid string) read {
		in := &s3.GetObjectInput{Bucket: bk, Key: aws.String(key)}
		if vid != "" {
			in.VersionId = aws.String(vid)
		}
		r := read{Key: key, Version: vid}
		out, err := anon.GetObject(e.ctx, in)
		if err != nil {
			ae := asAPIErr(err)
			r.Status, r.Code = ae.Status, ae.Code
			return r
		}
		r.Status, r.Body = 200, readAll(t, out.Body)
		return r
	}
	gotReads := []read{anonRead("older-public", ""), anonRead("older-public", op), anonRead("older-public", np),
		anonRead("newer-public", ""), anonRead("newer-public", nq), anonRead("newer-public", oq)}
	wantReads := []read{
		{"older-public", "", "", 403, "AccessDenied"},
		{"older-public", op, "old public", 200, ""},
		{"older-public", np, "", 403, "AccessDenied"},
		{"newer-public", "", "new public", 200, ""},
		{"newer-public", nq, "new public", 200, ""},
		{"newer-public", oq, "", 403, "AccessDenied"},
	}
	if d := cmp.Diff(wantReads, gotReads); d != "" {
		t.Errorf("anonymous GetObject by version (-want +got):\n%s", d)
	}

	// The owner and grants of each version, as GetObjectAcl shows them to
	// the version's owner.
	type versionACL struct {
		Key, Version, Owner string
		Grants              []acGrant
	}
	aclOf := func(c *s3.Client, key, vid string) versionACL {
		t.Helper()
		out, err := c.GetObjectAcl(e.ctx, &s3.GetObjectAclInput{Bucket: bk, Key: aws.String(key), VersionId: aws.String(vid)})
		lkOK(t, err, "GetObjectAcl "+key+" "+vid)
		return versionACL{key, vid, aws.ToString(out.Owner.ID), acGrants(out.Grants)}
	}
	publicRead := acGrant{"Group", "", allUsersURI, "READ"}
	gotACLs := []versionACL{aclOf(e.c, "older-public", op), aclOf(other, "older-public", np), aclOf(e.c, "newer-public", oq), aclOf(other, "newer-public", nq)}
	wantACLs := []versionACL{
		{"older-public", op, ownerID, sortedGrants(acGrant{"CanonicalUser", ownerID, "", "FULL_CONTROL"}, publicRead)},
		{"older-public", np, otherID, sortedGrants(acGrant{"CanonicalUser", otherID, "", "FULL_CONTROL"})},
		{"newer-public", oq, ownerID, sortedGrants(acGrant{"CanonicalUser", ownerID, "", "FULL_CONTROL"})},
		{"newer-public", nq, otherID, sortedGrants(acGrant{"CanonicalUser", otherID, "", "FULL_CONTROL"}, publicRead)},
	}
	if d := cmp.Diff(wantACLs, gotACLs); d != "" {
		t.Errorf("GetObjectAcl by version (-want +got):\n%s", d)
	}

	// ListObjectVersions, newest first, gives each version's owner.
	lv, err := e.c.ListObjectVersions(e.ctx, &s3.ListObjectVersionsInput{Bucket: bk})
	lkOK(t, err, "ListObjectVersions")
	type listed struct{ Key, Version, Owner string }
	var gotList []listed
	for _, v := range lv.Versions {
		var o string
		if v.Owner != nil {
			o = aws.ToString(v.Owner.ID)
		}
		gotList = append(gotList, listed{aws.ToString(v.Key), aws.ToString(v.VersionId), o})
	}
	wantList := []listed{{"newer-public", nq, otherID}, {"newer-public", oq, ownerID}, {"older-public", np, otherID}, {"older-public", op, ownerID}}
	if d := cmp.Diff(wantList, gotList); d != "" {
		t.Errorf("ListObjectVersions owners (-want +got):\n%s", d)
	}
}

// sortedGrants returns gs in acGrants' order.
func sortedGrants(gs ...acGrant) []acGrant {
	sort.Slice(gs, func(i, j int) bool { return fmt.Sprint(gs[i]) < fmt.Sprint(gs[j]) })
	return gs
}
