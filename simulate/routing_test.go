package simulate_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3vet/s3vet/policy/catalog"
	"github.com/s3vet/s3vet/simulate"
)

// routingSecret is the body of the object the routing test protects.
const routingSecret = "s3vet-routing-secret-6f1d0c9e2b7a4835"

// routingWorld has a versioned bucket rtb holding the secret object, and
// for every S3 action a user allowed that action alone, on every resource
// (user a<N>, the N-th action of the catalog), and a user allowed nothing.
func routingWorld(actions []catalog.Action) *simulate.World {
	w := &simulate.World{}
	a := w.AddAccount("555555555555")
	for i, act := range actions {
		u := a.AddUser(fmt.Sprintf("a%d", i), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:`+act.Name+`","Resource":"*"}]}`)
		u.AccessKeys = []simulate.AccessKey{{ID: fmt.Sprintf("AKIAROUTE%011d", i), Secret: "s"}}
	}
	a.AddUser("nobody").AccessKeys = []simulate.AccessKey{{ID: "AKIAROUTENOBODY00000", Secret: "s"}}
	b := a.AddBucket("rtb")
	b.Versioning = "Enabled"
	b.AddObject("secret", routingSecret)
	return w
}

// routingParams are the query parameters S3 or gofakes3 act on: every
// subresource (as package s3op lists them), the parameters of operations,
// and those an SDK adds; with a value that reaches the code past parsing.
var routingParams = map[string]string{
	"abac": "", "accelerate": "", "acl": "", "analytics": "", "annotation": "", "attributes": "", "cors": "", "delete": "",
	"encryption": "", "intelligent-tiering": "", "inventory": "", "legal-hold": "", "lifecycle": "", "list-type": "2",
	"location": "", "logging": "", "metadataAnnotationTable": "", "metadataConfiguration": "", "metadataInventoryTable": "",
	"metadataJournalTable": "", "metadataTable": "", "metrics": "", "notification": "", "object-lock": "",
	"ownershipControls": "", "policy": "", "policyStatus": "", "publicAccessBlock": "", "renameObject": "", "replication": "",
	"requestPayment": "", "restore": "", "retention": "", "select": "", "session": "", "tagging": "", "torrent": "",
	"uploadId": "x", "uploads": "", "versioning": "", "versions": "", "website": "",
	"versionId": "null", "partNumber": "1", "prefix": "s", "delimiter": "/", "marker": "a", "max-keys": "1",
	"continuation-token": "YQ", "start-after": "a", "fetch-owner": "true", "encoding-type": "url", "key-marker": "a",
	"version-id-marker": "null", "upload-id-marker": "x", "max-uploads": "1", "max-parts": "1", "part-number-marker": "1",
	"response-content-type": "text/plain", "x-id": "GetObject", "id": "1", "annotationName": "a", "select-type": "2",
}

// routingPairs are the parameters that select or steer an operation,
// tried two at a time.
var routingPairs = []string{"uploadId", "uploads", "versionId", "versions", "partNumber", "acl", "tagging", "delete", "list-type",
	"location", "versioning", "retention", "legal-hold", "attributes", "policy", "torrent", "restore", "select", "x-id"}

// A routingShape is a request shape.
type routingShape struct {
	method, query string
	object        bool // on the object rtb/secret, else on the bucket
	virtual       bool // virtual-hosted style
	// copySource is how many x-amz-copy-source headers the request has
	// (two name different objects).
	copySource int
}

func (s routingShape) String() string {
	target := "bucket"
	if s.object {
		target = "object"
	}
	if s.virtual {
		target += " (virtual host)"
	}
	if s.copySource > 0 {
		target += fmt.Sprintf(" with %d x-amz-copy-source", s.copySource)
	}
	return s.method + " " + target + " ?" + s.query
}

// routingShapes enumerates the shapes: each parameter bare, empty, with a
// value and repeated, on the bucket and the object, path and virtual-host
// style, for every method (PUT with no, one and two x-amz-copy-source); and
// the steering parameters in pairs, bare or with a value.
func routingShapes() []routingShape {
	methods := []string{"GET", "HEAD", "PUT", "POST", "DELETE"}
	var queries []string
	for _, p := range slices.Sorted(func(yield func(string) bool) {
		for k := range routingParams {
			if !yield(k) {
				return
			}
		}
	}) {
		v := routingParams[p]
		queries = append(queries, p, p+"=", p+"="+cmpOr(v, "1"), p+"="+cmpOr(v, "1")+"&"+p+"=2")
	}
	var out []routingShape
	for _, m := range methods {
		for _, q := range append([]string{""}, queries...) {
			for _, object := range []bool{false, true} {
				for _, virtual := range []bool{false, true} {
					out = append(out, routingShape{method: m, query: q, object: object, virtual: virtual})
					if m == "PUT" {
						for n := 1; n <= 2; n++ {
							out = append(out, routingShape{method: m, query: q, object: object, virtual: virtual, copySource: n})
						}
					}
				}
			}
		}
	}
	for i, p := range routingPairs {
		for _, q := range routingPairs[i+1:] {
			for _, pv := range []string{p, p + "=" + cmpOr(routingParams[p], "1")} {
				for _, qv := range []string{q, q + "=" + cmpOr(routingParams[q], "1")} {
					for _, m := range methods {
						for _, object := range []bool{false, true} {
							out = append(out, routingShape{method: m, query: pv + "&" + qv, object: object})
						}
					}
				}
			}
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// send sends a shape to the simulator, signed by access key id.
func (s routingShape) send(t *testing.T, sim *simulate.Simulator, id string) *httptest.ResponseRecorder {
	t.Helper()
	path, host := "/rtb", "127.0.0.1:9000"
	if s.object {
		path += "/secret"
	}
	if s.virtual {
		path, host = strings.TrimPrefix(path, "/rtb"), "rtb.127.0.0.1:9000"
		if path == "" {
			path = "/"
		}
	}
	r := httptest.NewRequest(s.method, "http://"+host+path, nil)
	r.URL.RawQuery = s.query
	r.RemoteAddr = "127.0.0.1:1234"
	for i := range s.copySource {
		r.Header.Add("X-Amz-Copy-Source", []string{"rtb/secret", "rtb/other"}[i])
	}
	const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	r.Header.Set("X-Amz-Content-Sha256", empty)
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: "s"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, empty, "s3", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	sim.ServeHTTP(w, r)
	return w
}

// answers says what a successful answer to each operation looks like: the
// root element of its XML body, "" for no body, "object" for the bytes of
// the object, "json" for a JSON document.
var answers = map[string]string{
	"ListBuckets": "ListAllMyBucketsResult", "CreateBucket": "", "DeleteBucket": "", "HeadBucket": "",
	"GetBucketLocation": "LocationConstraint", "GetBucketPolicy": "json", "PutBucketPolicy": "", "DeleteBucketPolicy": "",
	"GetBucketPolicyStatus": "PolicyStatus", "GetBucketAcl": "AccessControlPolicy", "PutBucketAcl": "",
	"GetObjectAcl": "AccessControlPolicy", "PutObjectAcl": "", "GetPublicAccessBlock": "PublicAccessBlockConfiguration",
	"PutPublicAccessBlock": "", "DeletePublicAccessBlock": "", "GetBucketOwnershipControls": "OwnershipControls",
	"PutBucketOwnershipControls": "", "DeleteBucketOwnershipControls": "", "GetBucketEncryption": "ServerSideEncryptionConfiguration",
	"PutBucketEncryption": "", "DeleteBucketEncryption": "", "GetBucketVersioning": "VersioningConfiguration",
	"PutBucketVersioning": "", "GetBucketLogging": "BucketLoggingStatus", "PutBucketLogging": "", "GetBucketTagging": "Tagging",
	"PutBucketTagging": "", "DeleteBucketTagging": "", "GetObjectTagging": "Tagging", "PutObjectTagging": "",
	"DeleteObjectTagging": "", "GetBucketLifecycleConfiguration": "LifecycleConfiguration", "PutBucketLifecycleConfiguration": "",
	"DeleteBucketLifecycle": "", "GetBucketCors": "CORSConfiguration", "PutBucketCors": "", "DeleteBucketCors": "",
	"GetBucketWebsite": "WebsiteConfiguration", "PutBucketWebsite": "", "DeleteBucketWebsite": "",
	"GetBucketReplication": "ReplicationConfiguration", "PutBucketReplication": "", "DeleteBucketReplication": "",
	"GetBucketNotificationConfiguration": "NotificationConfiguration", "PutBucketNotificationConfiguration": "",
	"GetObjectLockConfiguration": "ObjectLockConfiguration", "PutObjectLockConfiguration": "", "GetObjectRetention": "Retention",
	"PutObjectRetention": "", "GetObjectLegalHold": "LegalHold", "PutObjectLegalHold": "",
	"GetObject": "object", "HeadObject": "", "PutObject": "", "PostObject": "", "CopyObject": "CopyObjectResult",
	"DeleteObject": "", "DeleteObjects": "DeleteResult", "ListObjects": "ListBucketResult", "ListObjectsV2": "ListBucketResult",
	"ListObjectVersions": "ListVersionsResult", "CreateMultipartUpload": "InitiateMultipartUploadResult", "UploadPart": "",
	"UploadPartCopy": "CopyPartResult", "CompleteMultipartUpload": "CompleteMultipartUploadResult", "AbortMultipartUpload": "",
	"ListMultipartUploads": "ListMultipartUploadsResult", "ListParts": "ListPartsResult",
}

// checkAnswer reports how a successful answer fails to be op's.
func checkAnswer(op string, w *httptest.ResponseRecorder) error {
	want, ok := answers[op]
	body := w.Body.Bytes()
	switch {
	case !ok:
		return fmt.Errorf("no answer is known for %s", op)
	case want == "object":
		if len(body) == 0 || !strings.Contains(routingSecret, string(body)) {
			return fmt.Errorf("%s answered %q, not the object's bytes", op, body)
		}
	case want == "json":
		if !bytes.HasPrefix(body, []byte("{")) {
			return fmt.Errorf("%s answered %q, not a JSON document", op, body)
		}
	case want == "":
		if len(body) != 0 {
			return fmt.Errorf("%s answered a body: %q", op, body)
		}
	default:
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			tok, err := d.Token()
			if err != nil {
				return fmt.Errorf("%s answered %q, not a %s document", op, body, want)
			}
			if se, ok := tok.(xml.StartElement); ok {
				if se.Name.Local != want {
					return fmt.Errorf("%s answered a %s document, not a %s", op, se.Name.Local, want)
				}
				return nil
			}
		}
	}
	return nil
}

// stillSecret reports whether the object holds the secret still, for
// the principal allowed s3:GetObject alone.
func stillSecret(t *testing.T, sim *simulate.Simulator) bool {
	i := slices.IndexFunc(catalog.Actions("s3"), func(a catalog.Action) bool { return a.Name == "GetObject" })
	w := routingShape{method: "GET", object: true}.send(t, sim, fmt.Sprintf("AKIAROUTE%011d", i))
	return w.Code == http.StatusOK && w.Body.String() == routingSecret
}

// The operation authorized is the operation executed, by construction
// (one router: the operation is decided once, and its handler is chosen
// by that decision), and this test checks it from outside, for every
// request shape it can make: each shape is sent first by a principal
// allowed nothing, which tells the operation it is classified as and the
// action it needs first, then by a principal allowed that action alone.
// Whenever the second succeeds, its answer must be that operation's (an
// XML document of its root element, no body, or the object's bytes), and
// no answer but GetObject's to a principal allowed s3:GetObject or
// s3:GetObjectVersion may hold the object's bytes. No shape may be
// answered with a 5xx other than 501.
func TestRoutingAuthorizedIsExecuted(t *testing.T) {
	actions := catalog.Actions("s3")
	user := map[string]int{}
	for i, a := range actions {
		user["s3:"+a.Name] = i
	}
	fresh := func() *simulate.Simulator {
		sim, err := simulate.New(routingWorld(actions), simulate.WithRecordLimit(1))
		if err != nil {
			t.Fatal(err)
		}
		return sim
	}
	probe, sim := fresh(), fresh()
	shapes := routingShapes()
	if testing.Short() {
		shapes = shapes[:len(shapes)/8]
	}
	checked := map[string]int{}
	for _, s := range shapes {
		w := s.send(t, probe, "AKIAROUTENOBODY00000")
		if strings.Contains(w.Body.String(), routingSecret) {
			t.Fatalf("%v: a principal allowed nothing got the secret: %d %s", s, w.Code, w.Body)
		}
		if w.Code >= 500 && w.Code != http.StatusNotImplemented {
			t.Fatalf("%v: %d %s", s, w.Code, w.Body)
		}
		recs := probe.Requests()
		rec := recs[len(recs)-1]
		if rec.Decision == nil || rec.Decision.Allowed {
			// Refused before authorization (malformed), or needing no
			// permission.
			continue
		}
		action := rec.Decision.Need.Action
		i, ok := user[action]
		if !ok {
			continue // a KMS action, or another service's
		}
		w = s.send(t, sim, fmt.Sprintf("AKIAROUTE%011d", i))
		recs = sim.Requests()
		got := recs[len(recs)-1]
		if w.Code >= 500 && w.Code != http.StatusNotImplemented {
			t.Fatalf("%v as %s: %d %s\n%s", s, action, w.Code, w.Body, got.Explanation)
		}
		readsAllowed := action == "s3:GetObject" || action == "s3:GetObjectVersion"
		if strings.Contains(w.Body.String(), routingSecret) && !(readsAllowed && got.Operation == "GetObject") {
			t.Fatalf("%v as a principal allowed only %s: the secret in a %s answer: %d %s", s, action, got.Operation, w.Code, w.Body)
		}
		if got.Operation != rec.Operation {
			t.Fatalf("%v: classified %s, then %s", s, rec.Operation, got.Operation)
		}
		if w.Code >= 300 && w.Code != http.StatusNotModified {
			continue
		}
		if err := checkAnswer(got.Operation, w); err != nil {
			t.Fatalf("%v as a principal allowed only %s (%d): %v", s, action, w.Code, err)
		}
		checked[got.Operation]++
		if s.method != "GET" && s.method != "HEAD" && !stillSecret(t, sim) {
			sim = fresh() // the secret was changed: start again
		}
	}
	// The shapes reach the operations that read, list and write: a check
	// that the enumeration still means something.
	for _, op := range []string{"GetObject", "HeadObject", "ListObjects", "ListObjectsV2", "ListObjectVersions", "GetObjectAcl",
		"GetObjectTagging", "GetBucketAcl", "PutObject", "DeleteObject", "CreateMultipartUpload"} {
		if checked[op] == 0 && !testing.Short() {
			t.Errorf("no shape succeeded as %s", op)
		}
	}
	t.Logf("%d shapes; successes checked: %v", len(shapes), checked)
}
