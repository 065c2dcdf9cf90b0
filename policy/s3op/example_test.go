package s3op_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/s3op"
)

// A copy that sets a canned ACL needs three permissions: s3:PutObject on
// the target, s3:GetObject on the source and s3:PutObjectAcl on the target.
// Each comes with the condition keys its action takes, ready for the policy
// engine.
func Example() {
	header := http.Header{
		"X-Amz-Copy-Source": {"/uploads/report.pdf"},
		"X-Amz-Acl":         {"bucket-owner-full-control"},
	}
	op, err := s3op.Classify("PUT", "archive", "2025/report.pdf", url.Values{}, header)
	if err != nil {
		panic(err)
	}
	needs, err := s3op.Needs(&s3op.Request{
		Operation: op, Bucket: "archive", Key: "2025/report.pdf", Header: header,
		Conn: s3op.Conn{TLSVersion: "1.3"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(op)
	for _, n := range needs {
		var keys []string
		for k := range n.Context {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fmt.Println(n.Action, n.Resource, keys)
	}

	// A bucket policy that lets the uploader copy into the archive only if
	// the bucket owner gets full control.
	bucket := policy.MustParse("archive", policy.ResourceBased, `{
	  "Version": "2012-10-17",
	  "Statement": [{
	    "Effect": "Allow",
	    "Principal": {"AWS": "arn:aws:iam::111122223333:role/uploader"},
	    "Action": ["s3:PutObject", "s3:PutObjectAcl"],
	    "Resource": "arn:aws:s3:::archive/*",
	    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}
	  }]
	}`)
	req, err := policy.NewRequest("arn:aws:sts::111122223333:assumed-role/uploader/ci", needs[0].Action, needs[0].Resource,
		"111122223333", policy.NewContext(needs[0].Context))
	if err != nil {
		panic(err)
	}
	fmt.Println(needs[0].Action, (&policy.Set{Resource: bucket}).Evaluate(req).Decision)
	// Output:
	// CopyObject
	// s3:PutObject arn:aws:s3:::archive/2025/report.pdf [aws:SecureTransport s3:TlsVersion s3:x-amz-acl s3:x-amz-copy-source]
	// s3:GetObject arn:aws:s3:::uploads/report.pdf [aws:SecureTransport s3:TlsVersion]
	// s3:PutObjectAcl arn:aws:s3:::archive/2025/report.pdf [aws:SecureTransport s3:TlsVersion s3:x-amz-acl]
	// s3:PutObject Allowed
}
