package simulate

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/s3vet/s3vet/policy/access"
	"github.com/s3vet/s3vet/policy/s3op"
)

// maxConfigBody is the largest body the simulator reads for a request
// that is not an upload.
const maxConfigBody = 1 << 20

// maxObjectSize is S3's limit on a single PUT: 5 GiB.
const maxObjectSize = 5 << 30

// call is one request on its way through the simulator.
type call struct {
	s         *Simulator
	w         *statusWriter
	r         *http.Request
	query     url.Values // r.URL.Query(), parsed once
	id, host  string     // x-amz-request-id, x-amz-id-2
	now       time.Time
	sig       signature
	principal string // ARN, or "anonymous"
	caller    *caller
	bucket    string
	key       string
	op        string
	body      []byte
	req       *s3op.Request
	decision  *Decision
	// form is the form of a browser upload (PostObject).
	form *postForm
	// deniedKeys are the keys of DeleteObjects the caller may not delete,
	// with the message of each refusal.
	deniedKeys map[s3op.ObjectID]string
	// parsed is the body as s3Request parsed it for authorization, which
	// the handler takes rather than parse it again: the *deleteXML of
	// DeleteObjects, the *policy.Policy of PutBucketPolicy, the
	// []access.Grant of a PutBucketAcl or PutObjectAcl body. It is nil
	// when the body did not parse: the handler parses it again to say why.
	parsed any
	// control, sts, kmsAPI, iam and orgAPI are set for the S3 Control
	// API, STS, the KMS API, IAM and Organizations, whose errors are
	// written differently.
	control, sts, kmsAPI, iam, orgAPI bool
	// virtual is set when the Host names the bucket (target), cname when
	// it does as a whole, being none of the simulator's endpoints.
	virtual, cname bool
	// session is the role session that signed the request, if one did.
	session *session
	// explain is what the record says beyond the error: why the request
	// was refused, in more detail than the client is told.
	explain string
	// pins are the object versions the request was authorized on, which
	// its handler acts on (look).
	pins map[objectRef]*objectVersion
	// ap is the access point the request is made through, nil for none;
	// bucket is then the access point's bucket.
	ap *accessPointModel
	// vpce is the VPC endpoint the request came through, from the
	// connection; nil for none.
	vpce *endpointModel
	// sw is w's, in the same allocation.
	sw statusWriter
}

// ServeHTTP answers an S3 request as S3 would.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{s: s, r: r, now: s.now()}
	c.vpce, _ = r.Context().Value(endpointKey{}).(*endpointModel)
	c.sw.ResponseWriter = w
	c.w = &c.sw
	c.id, c.host = newRequestID()
	h := w.Header()
	// As h.Set, with the names in canonical form already, the values in
	// one array.
	v := &[4]string{c.id, c.host, "AmazonS3", formatHTTPTime(c.now)}
	h["X-Amz-Request-Id"] = v[0:1:1]
	h["X-Amz-Id-2"] = v[1:2:2]
	h["Server"] = v[2:3:3]
	h["Date"] = v[3:4:4]
	defer func() {
		if v := recover(); v != nil {
			c.explain = fmt.Sprint("panic: ", v)
			if !c.w.wrote {
				c.fail(errInternal)
			}
		}
		s.record(c)
	}()
	if err := c.serve(); err != nil {
		c.fail(err)
	}
}

// fail answers the request with an error.
func (c *call) fail(err error) {
	e := asS3Error(err)
	if e == errInternal && c.explain == "" {
		c.explain = err.Error()
	}
	if e.code == "SignatureDoesNotMatch" && c.explain == "" {
		// Whose fault it is: what the server signed, never a secret.
		c.explain = e.message
		for _, x := range e.extra {
			if x.XMLName.Local == "CanonicalRequest" || x.XMLName.Local == "StringToSign" {
				c.explain += "\n" + x.XMLName.Local + ":\n" + x.Value
			}
		}
	}
	if c.cname && e.code == "NoSuchBucket" && c.explain == "" {
		c.explain = "Host " + c.r.Host + " is none of the simulator's endpoints (localhost, an IP address, S3's, WithDomains or --domain): " +
			"as S3 does, the whole Host names the bucket; to reach the simulator at this name, give it as a domain"
	}
	if e.resource == "" {
		e2 := *e
		e2.resource = c.r.URL.EscapedPath()
		e = &e2
	}
	c.w.code, c.w.message = e.code, e.message
	if c.w.wrote {
		return
	}
	if e == errRequestTimeout {
		// The rest of the body is not waited for.
		c.w.Header().Set("Connection", "close")
	}
	if c.control {
		writeControlError(c.w, c.r, e, c.id, c.host)
		return
	}
	if c.sts || c.iam {
		ns := stsNS
		if c.iam {
			ns = iamNS
		}
		writeQueryError(c.w, e, c.id, ns)
		return
	}
	if c.kmsAPI || c.orgAPI {
		writeKMSError(c.w, e, c.id)
		return
	}
	writeError(c.w, c.r, e, c.id, c.host)
}

func (c *call) serve() error {
	r := c.r
	var err error
	if c.query, err = parseQuery(r.URL.RawQuery); err != nil {
		return err
	}
	if err := canonicalHeaders(r.Header); err != nil {
		return err
	}
	if n := headerSize(r); n > maxHeaderSize {
		return errorf(http.StatusBadRequest, "RequestHeaderSectionTooLarge", "Your request header section exceeds the maximum allowed size.").
			with("MaxSizeAllowed", strconv.Itoa(maxHeaderSize))
	}
	if strings.HasPrefix(r.URL.Path, controlPrefix) {
		return c.serveControl()
	}
	if isIAM(r) {
		return c.serveIAM()
	}
	if isOrganizations(r) {
		return c.serveOrganizations()
	}
	if isSTS(r, c.query) {
		return c.serveSTS()
	}
	if isKMS(r) {
		return c.serveKMS()
	}
	if r.Method == http.MethodOptions {
		// A CORS preflight, which S3 neither authenticates nor authorizes.
		c.bucket, c.key = c.target(r)
		return c.preflight()
	}
	sig, err := c.s.auth.authenticate(r)
	if err != nil {
		return err
	}
	c.sig = sig
	if err := c.identify(); err != nil {
		return err
	}
	c.bucket, c.key = c.target(r)
	if err := c.throughAccessPoint(); err != nil {
		return err
	}
	c.corsHeaders()
	if len(c.key) > maxKeyLength {
		return errorf(http.StatusBadRequest, "KeyTooLongError", "Your key is too long.").
			with("Size", strconv.Itoa(len(c.key))).with("MaxSizeAllowed", strconv.Itoa(maxKeyLength))
	}
	if c.op, err = s3op.Classify(r.Method, c.bucket, c.key, c.query, r.Header); err != nil {
		return classifyError(r.Method, err)
	}
	if vs, ok := c.query["versionId"]; ok && c.key != "" {
		if err := checkVersionID(vs[0]); err != nil {
			return err
		}
	}
	h := handlers[c.op]
	if h == nil {
		return notImplemented("operation " + c.op + " is not simulated")
	}
	if c.op == "PostObject" {
		if err := c.authenticatePost(); err != nil {
			return err
		}
	}
	if !uploads[c.op] {
		if c.body, err = readBodySize(r.Body, r.ContentLength, maxConfigBody); err != nil {
			return err
		}
		if _, _, err := verifyIntegrity(r.Header, c.body, c.sig.bodySHA256); err != nil {
			return err
		}
	}
	if err := c.authorize(); err != nil {
		return err
	}
	return h(c)
}

// identify finds the principal behind the request's signature.
func (c *call) identify() error {
	c.principal = "anonymous"
	if c.sig.accessKey != "" {
		c.principal = c.sig.principal
	}
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	caller, err := c.s.m.resolve(c.principal)
	if err != nil {
		return errorf(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	}
	if sess := c.s.sessions[c.sig.accessKey]; sess != nil {
		c.session = sess
		sess.apply(caller)
	}
	c.caller = caller
	return nil
}

// authorize decides the request, and refuses it if S3 would.
func (c *call) authorize() error {
	r := c.r
	req, wr, err := c.s3Request()
	if err != nil {
		return err
	}
	c.req = req
	c.s.mu.RLock()
	b := c.s.m.buckets[c.bucket]
	if c.op != "CreateBucket" && c.op != "ListBuckets" && b == nil {
		c.s.mu.RUnlock()
		return noSuchBucket(c.bucket)
	}
	if exp := r.Header.Get("X-Amz-Expected-Bucket-Owner"); exp != "" && b != nil && exp != b.owner {
		c.s.mu.RUnlock()
		c.explain = "x-amz-expected-bucket-owner " + exp + " is not the bucket owner"
		return accessDenied("Access Denied")
	}
	if b != nil && b.ownership == access.BucketOwnerEnforced && aclWrites[c.op] {
		// A bucket whose ACLs are disabled refuses an ACL before the
		// request is authorized: "PUT requests that contain other ACLs
		// ... fail and return a 400 error with the error code
		// AccessControlListNotSupported" (S3 API Reference, PutObject),
		// Block Public Access or not (observed: jakejarvis/s3-sync-action
		// issue 85).
		grants, _, err := c.requestACL(b.owner, b.owner)
		if err == nil && othersGranted(grants, b.owner) {
			c.s.mu.RUnlock()
			return aclNotSupported()
		}
	}
	var d Decision
	if c.op == "DeleteObjects" {
		d, err = c.authorizeKeys(req)
	} else {
		d, err = c.s.m.authorize(c.caller, req, wr, c.look)
	}
	c.s.mu.RUnlock()
	if errors.Is(err, ErrNoSuchBucket) {
		// The source of a copy.
		return noSuchBucket(c.bucket)
	}
	if errors.Is(err, errNotThroughAccessPoint) {
		return notThroughAccessPoint(c.op)
	}
	if errors.Is(err, errBadOwnership) {
		return invalidArgument("Invalid x-amz-object-ownership header: " + c.r.Header.Get("X-Amz-Object-Ownership"))
	}
	if errors.As(err, new(stateError)) {
		c.explain = "the simulator's state could not be decided on: " + err.Error()
		return errInternal
	}
	if err != nil {
		return invalidRequest(strings.TrimPrefix(err.Error(), "s3op: "))
	}
	c.decision = &d
	if !d.Allowed {
		c.explain = d.Explained
		// "Anonymous requests are never allowed to create buckets" (S3
		// API Reference, CreateBucket): their public ACL is not what
		// refuses them.
		if c.op == "CreateBucket" && d.Setting == "BlockPublicAcls" && c.caller.principal.Account != "" {
			return errorf(http.StatusBadRequest, "InvalidBucketAclWithBlockPublicAccessError",
				"Bucket cannot have public ACLs set with BlockPublicAccess enabled")
		}
		return accessDenied(d.Message)
	}
	return nil
}

// aclWrites are the operations that may set an ACL on an existing
// bucket or an object.
var aclWrites = map[string]bool{"PutObject": true, "CopyObject": true, "CreateMultipartUpload": true, "PostObject": true,
	"PutObjectAcl": true, "PutBucketAcl": true}

// s3Request describes the request for package s3op, with what it would
// write that Block Public Access inspects.
func (c *call) s3Request() (*s3op.Request, writes, error) {
	r := c.r
	req := &s3op.Request{Operation: c.op, Bucket: c.bucket, Key: c.key, Query: c.query, Header: r.Header}
	if c.ap != nil {
		req.Bucket = c.ap.arn
	}
	req.Conn = s3op.Conn{SourceIP: sourceIP(r), Time: c.now, AuthType: c.sig.authType, SignatureVersion: c.sig.version}
	if e := c.vpce; e != nil {
		req.Conn.VPCEndpoint = &s3op.VPCEndpoint{ID: e.id, VPC: e.vpc, Account: e.account}
	}
	if r.TLS != nil {
		req.Conn.TLSVersion = tls.VersionName(r.TLS.Version)
		if !strings.HasPrefix(req.Conn.TLSVersion, "TLS ") {
			req.Conn.TLSVersion = ""
		}
	}
	req.Conn.SignatureAge = c.sig.age
	var wr writes
	switch c.op {
	case "PutObjectTagging":
		req.Body.Tags, _ = parseTagging(c.body)
	case "CreateBucket":
		req.Body.LocationConstraint, _ = parseLocation(c.body)
	case "DeleteObjects":
		doc, err := parseDeleteDoc(c.body)
		if err != nil {
			return nil, wr, err
		}
		c.parsed = doc
		req.Keys = doc.keys()
	case "PutObjectRetention":
		req.Body.RetentionMode, req.Body.RetainUntil, _ = parseRetention(c.body)
	case "PutObjectLegalHold":
		req.Body.LegalHold, _ = parseLegalHold(c.body)
	case "PutBucketPolicy":
		if p, err := parseBucketPolicy(c.bucket, c.body); err == nil {
			wr.policy, c.parsed = p, p
		}
	case "AbortMultipartUpload", "ListParts":
		c.s.mu.RLock()
		if u := c.s.uploads[c.query.Get("uploadId")]; u != nil && u.bucket == c.bucket && u.key == c.key &&
			u.initiatorAccount != "" && u.initiatorAccount == c.caller.principal.Account {
			wr.initiator = u.initiatorAccount
		}
		c.s.mu.RUnlock()
	case "PutBucketAcl", "PutObjectAcl":
		if len(c.body) > 0 {
			if grants, err := c.s.parseACL(c.body); err == nil {
				wr.acl, c.parsed = grants, grants
			}
		}
	}
	return req, wr, nil
}

// target returns the bucket and key a request names: from a virtual
// host (hostBucket) or else from the path.
func (c *call) target(r *http.Request) (bucket, key string) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b, cname := c.s.hostBucket(r.Host); b != "" {
		c.virtual, c.cname = true, cname
		return b, path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

// hostBucket returns the bucket a virtual-hosted style request names in
// its Host, or "" for a path-style request, by the rule of the S3 User
// Guide ("Virtual hosting of general purpose buckets", "HTTP Host header
// bucket specification"), with the simulator's endpoints in place of
// S3's alone. The endpoints are:
//
//   - localhost and the names under it (RFC 6761), s3.localhost among them;
//   - an IP address literal, as 127.0.0.1;
//   - S3's own: s3.amazonaws.com, s3.REGION.amazonaws.com,
//     s3-REGION.amazonaws.com, s3.dualstack.REGION.amazonaws.com...;
//   - a domain given with WithDomains;
//   - a name of one label (a container's or a machine's, "s3vet"), which
//     cannot be a bucket's name hosted elsewhere.
//
// A Host that is an endpoint is path-style; BUCKET. followed by an
// endpoint names BUCKET (the longest endpoint the Host ends with: a
// bucket's name may hold dots). Any other Host names a bucket by itself,
// as S3 reads a Host that is none of its endpoints: "the bucket for the
// request is the lowercase value of the Host header, and the key for the
// request is the Request-URI" (a CNAME to the bucket); cname is then true.
func (s *Simulator) hostBucket(host string) (bucket string, cname bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" || !strings.Contains(host, ".") || host == "s3.localhost" {
		return "", false
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return "", false
	}
	for _, d := range s.domains {
		if host == d {
			return "", false
		}
		if b, ok := strings.CutSuffix(host, "."+d); ok && b != "" {
			return b, false
		}
	}
	if rest, ok := strings.CutSuffix(host, ".localhost"); ok {
		if b, ok := strings.CutSuffix(rest, ".s3"); ok && b != "" {
			return b, false
		}
		return rest, false
	}
	// BUCKET.<IP>, BUCKET holding dots or not: the SDK sends a name with
	// dots so, at an IP address over HTTP.
	for i := strings.IndexByte(host, '.'); i > 0; {
		if _, err := netip.ParseAddr(host[i+1:]); err == nil {
			return host[:i], false
		}
		j := strings.IndexByte(host[i+1:], '.')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	// s3.amazonaws.com, s3.REGION.amazonaws.com, s3-REGION.amazonaws.com
	// are endpoints; BUCKET. before them: the first ".s3." or ".s3-" label.
	if strings.HasSuffix(host, ".amazonaws.com") {
		if strings.HasPrefix(host, "s3.") || strings.HasPrefix(host, "s3-") {
			return "", false
		}
		for _, sep := range []string{".s3.", ".s3-"} {
			if i := strings.Index(host, sep); i > 0 {
				return host[:i], false
			}
		}
	}
	return host, true
}

func sourceIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Zone() == "" {
		if a.Is4() {
			return host // ParseAddr takes only the dotted decimal String gives
		}
		return a.Unmap().String()
	}
	return ""
}

// classifyError is S3's answer to a request that names no operation.
func classifyError(method string, err error) *s3Error {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete:
		return invalidRequest(strings.TrimPrefix(err.Error(), "s3op: "))
	}
	return errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
}

// readBody reads a request body of at most limit bytes.
func readBody(body io.Reader, limit int64) ([]byte, error) {
	return readBodySize(body, -1, limit)
}

// readBodySize is readBody for a body of size bytes if known (the
// request's ContentLength), else -1. The body is read to its end even
// when empty, as the verifier checks its hash there.
func readBodySize(body io.Reader, size, limit int64) ([]byte, error) {
	if body == nil {
		return nil, nil
	}
	data, err := readAll(io.LimitReader(body, limit+1), size)
	if err != nil {
		var se *s3Error
		if errors.As(err, &se) {
			return nil, se // RequestTimeout
		}
		if e := fromPresign(err); e != err {
			return nil, e
		}
		return nil, errorf(http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
	}
	if int64(len(data)) > limit {
		return nil, errorf(http.StatusBadRequest, "MaxMessageLengthExceeded", "Your request was too big.")
	}
	return data, nil
}

// readAll is io.ReadAll, with a buffer of the expected size to begin with
// (io.ReadAll starts with 512 bytes, then grows): nothing more for an
// empty body, no copies for a long one.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size < 0 || size > 64<<20 {
		size = 512
	}
	b := make([]byte, 0, size+1) // +1: io.EOF is seen without growing
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// lastID is the number of the last request ID, from a random start.
var lastID = func() *atomic.Uint64 {
	var n atomic.Uint64
	n.Store(rand.Uint64())
	return &n
}()

// newRequestID returns a request ID as S3's, 16 upper-case hex digits,
// and the x-amz-id-2 of the request: the ID three times, in base64. The
// ID is the next number through a bijection of 64-bit integers (the
// finalizer of SplitMix64), so that IDs look random but no two requests
// of the process share one before 2^64 of them.
func newRequestID() (id, host string) {
	z := mix64(lastID.Add(1))
	const digits = "0123456789ABCDEF"
	var raw [48]byte
	for i := range 16 {
		raw[i] = digits[z>>(60-4*i)&15]
	}
	copy(raw[16:], raw[:16])
	copy(raw[32:], raw[:16])
	// One string holds both.
	var buf [16 + 64]byte
	copy(buf[:], raw[:16])
	base64.StdEncoding.Encode(buf[16:], raw[:])
	both := string(buf[:])
	return both[:16], both[16:]
}

// statusWriter remembers the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
	code   string // S3 error code
	// message is the error's message.
	message string
}

func (w *statusWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.status, w.wrote = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
