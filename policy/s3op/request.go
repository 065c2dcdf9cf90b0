package s3op

import (
	"cmp"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// builder collects the needs of one request.
type builder struct {
	r    *Request
	part string              // ARN partition
	h    map[string][]string // the request's headers, names lower-cased
	vid  string              // the query's versionId
	keys []keyValues         // the request's condition keys, for every action
	vals []string            // the values of keys of one value (set1)
	out  []Need
}

type keyValues struct {
	name, lower string // the key, and asciiLower of it
	values      []string
}

// builders are the builders Needs reuses: nothing of a builder outlives
// its call but the needs, which share no memory with it.
var builders = sync.Pool{New: func() any { return new(builder) }}

// newBuilder validates the request and gathers its condition keys, in a
// builder to release once its needs are made.
func newBuilder(r *Request, rw *row) (*builder, error) {
	b := builders.Get().(*builder)
	if err := b.init(r, rw); err != nil {
		b.release()
		return nil, err
	}
	return b, nil
}

// release returns the builder to the pool, holding nothing of the request
// (its needs are the caller's).
func (b *builder) release() {
	// Most requests keep no more than the 8 headers of a small map, and
	// 16 keys; a larger request's are dropped.
	h, keys, vals := b.h, b.keys, b.vals
	if len(h) > 8 {
		h = nil
	}
	clear(h)
	if cap(keys) > 16 {
		keys = nil
	}
	clear(keys)
	if cap(vals) > 8 {
		vals = nil
	}
	clear(vals)
	*b = builder{h: h, keys: keys[:0], vals: vals[:0]}
	builders.Put(b)
}

// init sets up b, a released builder, for r.
func (b *builder) init(r *Request, rw *row) error {
	b.r, b.part = r, r.Partition
	if b.part == "" {
		b.part = "aws"
	} else if !validPartition(b.part) {
		return fmt.Errorf("partition %q is not an ARN partition such as aws or aws-cn", b.part)
	}
	switch rw.on {
	case onBucket:
		if err := checkBucket(r.Bucket); err != nil {
			return err
		}
		if r.Key != "" {
			return errors.New("a bucket operation names no object key")
		}
	case onObject:
		if err := checkBucket(r.Bucket); err != nil {
			return err
		}
		if rw.adds&perKey == 0 {
			if err := checkKey(r.Key); err != nil {
				return err
			}
		}
	}
	if b.h == nil {
		b.h = make(map[string][]string, 8)
	}
	if b.keys == nil {
		b.keys = make([]keyValues, 0, 16)
	}
	if b.vals == nil {
		b.vals = make([]string, 0, 8)
	}
	known := knownNames().header
	for name, vs := range r.Header {
		lower, ok := known[name]
		if !ok {
			// Only these headers are read, or give keys (headerKeys).
			if !hasLowerPrefix(name, "x-amz-") && !equalLower(name, "authorization") && !equalLower(name, "if-match") && !equalLower(name, "if-none-match") {
				continue
			}
			lower = asciiLower(name)
		}
		// The values are shared with r.Header, and never written: a name
		// seen twice (X-Amz-Acl, x-amz-acl) gets a copy of both.
		if prev, ok := b.h[lower]; ok {
			vs = append(slices.Clip(prev), vs...)
		}
		b.h[lower] = vs
	}
	if vs, ok := r.Query["versionId"]; ok && rw.on == onObject && rw.adds&perKey == 0 {
		if len(vs) != 1 || vs[0] == "" {
			return errors.New("versionId must have one non-empty value")
		}
		b.vid = vs[0]
	}
	if err := b.connKeys(); err != nil {
		return err
	}
	b.headerKeys()
	for _, q := range queryKeys {
		if vs, ok := r.Query[q.param]; ok && len(vs) > 0 {
			b.set(q.key, vs...) // cloned by add, as every value
		}
	}
	if err := b.lockKeys(); err != nil {
		return err
	}
	if err := b.tagKeys(); err != nil {
		return err
	}
	if r.Operation == "CreateBucket" && r.Body.LocationConstraint != "" {
		b.set("s3:locationconstraint", r.Body.LocationConstraint)
	}
	// A stable order, whatever the order of the header map.
	slices.SortStableFunc(b.keys, func(x, y keyValues) int { return strings.Compare(x.name, y.name) })
	return nil
}

// queryKeys are the query parameters that give condition keys, with
// their keys.
var queryKeys = [...]struct{ param, key string }{
	{"prefix", "s3:prefix"},
	{"delimiter", "s3:delimiter"},
	{"max-keys", "s3:max-keys"},
	{"annotation-prefix", "s3:annotation-prefix"},
	{"max-annotation-results", "s3:max-annotation-results"},
}

// set adds a key. Its values may be shared with the request: add copies
// them into each need.
func (b *builder) set(name string, values ...string) {
	b.keys = append(b.keys, keyValues{name, lowerKey(name), values})
}

// set1 adds a key of one value, held in b.vals rather than a slice of its
// own.
func (b *builder) set1(k connKey, value string) {
	b.vals = append(b.vals, value)
	b.keys = append(b.keys, keyValues{k.name, k.lower, b.vals[len(b.vals)-1 : len(b.vals) : len(b.vals)]})
}

// A connKey is a key of the connection or the signature, with its lower
// case (asciiLower of the name).
type connKey struct{ name, lower string }

var (
	keySecureTransport = connKey{"aws:SecureTransport", "aws:securetransport"}
	keyTLSVersion      = connKey{"s3:TlsVersion", "s3:tlsversion"}
	keySourceIP        = connKey{"aws:SourceIp", "aws:sourceip"}
	keyCurrentTime     = connKey{"aws:CurrentTime", "aws:currenttime"}
	keyEpochTime       = connKey{"aws:EpochTime", "aws:epochtime"}
	keyAuthType        = connKey{"s3:authType", "s3:authtype"}
	keySigVersion      = connKey{"s3:signatureversion", "s3:signatureversion"}
	keySigAge          = connKey{"s3:signatureAge", "s3:signatureage"}
	keySourceVpce      = connKey{"aws:SourceVpce", "aws:sourcevpce"}
	keySourceVpc       = connKey{"aws:SourceVpc", "aws:sourcevpc"}
	keyVpceAccount     = connKey{"aws:VpceAccount", "aws:vpceaccount"}
	keyVpcSourceIP     = connKey{"aws:VpcSourceIp", "aws:vpcsourceip"}
)

// connKeyList lists the keys of the connection, for tests.
var connKeyList = []connKey{keySecureTransport, keyTLSVersion, keySourceIP, keyCurrentTime, keyEpochTime,
	keyAuthType, keySigVersion, keySigAge, keySourceVpce, keySourceVpc, keyVpceAccount, keyVpcSourceIP}

// requestTime is aws:CurrentTime and aws:EpochTime of a second.
type requestTime struct {
	unix           int64
	current, epoch string
}

// lastTime is the requestTime of the last request, which most requests
// share.
var lastTime atomic.Pointer[requestTime]

// timeKeys returns aws:CurrentTime and aws:EpochTime of t.
func timeKeys(t time.Time) (current, epoch string) {
	sec := t.Unix()
	if rt := lastTime.Load(); rt != nil && rt.unix == sec {
		return rt.current, rt.epoch
	}
	rt := &requestTime{sec, t.UTC().Format(time.RFC3339), strconv.FormatInt(sec, 10)}
	lastTime.Store(rt)
	return rt.current, rt.epoch
}

// equalLower reports whether s is lower, a lower-case string, ASCII
// letters of s folded.
func equalLower(s, lower string) bool {
	return len(s) == len(lower) && hasLowerPrefix(s, lower)
}

// header returns the single value of a header, or "" if the request has
// none or several.
func (b *builder) header(name string) string {
	if vs := b.h[name]; len(vs) == 1 {
		return vs[0]
	}
	return ""
}

// headerKeys adds s3:<name> for every x-amz-* header, If-Match and
// If-None-Match; the catalog decides which actions see them.
func (b *builder) headerKeys() {
	s3keys := knownNames().s3key
	for name, vs := range b.h {
		if len(vs) > 0 && (strings.HasPrefix(name, "x-amz-") || name == "if-match" || name == "if-none-match") {
			key, ok := s3keys[name]
			if !ok {
				key = "s3:" + name
			}
			b.set(key, vs...)
		}
	}
}

// connKeys adds the keys of the connection and the signature.
func (b *builder) connKeys() error {
	c := &b.r.Conn
	if c.TLSVersion == "" {
		b.set1(keySecureTransport, "false")
	} else {
		v, ok := tlsVersion(c.TLSVersion)
		if !ok {
			return fmt.Errorf("TLS version %q is not of the form 1.2 or TLSv1.2", c.TLSVersion)
		}
		b.set1(keySecureTransport, "true")
		b.set1(keyTLSVersion, v)
	}
	if c.SourceIP != "" {
		ip, err := netip.ParseAddr(c.SourceIP)
		if err != nil || ip.Zone() != "" {
			return fmt.Errorf("source IP %q is not an IP address", c.SourceIP)
		}
		key := keySourceIP
		if c.VPCEndpoint != nil {
			key = keyVpcSourceIP
		}
		if ip.Is4() {
			// ParseAddr takes only the dotted decimal String gives.
			b.set1(key, c.SourceIP)
		} else {
			b.set1(key, ip.Unmap().String())
		}
	}
	if e := c.VPCEndpoint; e != nil {
		if e.ID == "" || e.VPC == "" {
			return fmt.Errorf("VPC endpoint %q of VPC %q: both IDs are needed", e.ID, e.VPC)
		}
		b.set1(keySourceVpce, e.ID)
		b.set1(keySourceVpc, e.VPC)
		if e.Account != "" {
			b.set1(keyVpceAccount, e.Account)
		}
	}
	if !c.Time.IsZero() {
		current, epoch := timeKeys(c.Time)
		b.set1(keyCurrentTime, current)
		b.set1(keyEpochTime, epoch)
	}
	auth, sig := c.AuthType, c.SignatureVersion
	switch auth {
	case "", "REST-HEADER", "REST-QUERY-STRING", "POST":
	default:
		return fmt.Errorf("auth type %q is not REST-HEADER, REST-QUERY-STRING or POST", auth)
	}
	q := b.r.Query
	if a := b.header("authorization"); a != "" {
		scheme, _, _ := strings.Cut(a, " ")
		auth = cmp.Or(auth, "REST-HEADER")
		sig = cmp.Or(sig, scheme)
	} else if alg := q.Get("X-Amz-Algorithm"); alg != "" {
		auth = cmp.Or(auth, "REST-QUERY-STRING")
		sig = cmp.Or(sig, alg)
	} else if q.Get("Signature") != "" && q.Get("AWSAccessKeyId") != "" {
		auth = cmp.Or(auth, "REST-QUERY-STRING")
		sig = cmp.Or(sig, "AWS")
	}
	if auth != "" {
		b.set1(keyAuthType, auth)
	}
	if sig != "" {
		b.set1(keySigVersion, sig)
	}
	age := c.SignatureAge
	if age <= 0 && !c.Time.IsZero() {
		date := b.header("x-amz-date")
		if date == "" {
			date = q.Get("X-Amz-Date")
		}
		if t, err := time.Parse("20060102T150405Z", date); err == nil && !c.Time.Before(t) {
			age = c.Time.Sub(t)
		}
	}
	if age > 0 {
		b.set1(keySigAge, strconv.FormatInt(age.Milliseconds(), 10))
	}
	return nil
}

// lockKeys adds the Object Lock keys, from the x-amz-object-lock-* headers
// or from the body of PutObjectRetention and PutObjectLegalHold.
func (b *builder) lockKeys() error {
	r := b.r
	mode := b.header("x-amz-object-lock-mode")
	if mode == "" && r.Operation == "PutObjectRetention" {
		mode = r.Body.RetentionMode
	}
	if mode != "" {
		if mode != "GOVERNANCE" && mode != "COMPLIANCE" {
			return fmt.Errorf("object lock mode %q is not GOVERNANCE or COMPLIANCE", mode)
		}
		b.set("s3:object-lock-mode", mode)
	}
	var until time.Time
	if s := b.header("x-amz-object-lock-retain-until-date"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return fmt.Errorf("x-amz-object-lock-retain-until-date %q is not an ISO 8601 date-time", s)
		}
		until = t
	} else if r.Operation == "PutObjectRetention" {
		until = r.Body.RetainUntil
	}
	if !until.IsZero() {
		b.set("s3:object-lock-retain-until-date", until.UTC().Format(time.RFC3339Nano))
		if !r.Conn.Time.IsZero() {
			// Whole days left, rounded up: a retention set for 30 days is
			// 30 days, however late in its first second S3 sees it.
			const day = 24 * time.Hour
			d := until.Sub(r.Conn.Time)
			days := int64(d / day)
			if d%day > 0 {
				days++
			}
			b.set("s3:object-lock-remaining-retention-days", strconv.FormatInt(days, 10))
		}
	}
	hold := b.header("x-amz-object-lock-legal-hold")
	if hold == "" && r.Operation == "PutObjectLegalHold" {
		hold = r.Body.LegalHold
	}
	if hold != "" {
		if hold != "ON" && hold != "OFF" {
			return fmt.Errorf("legal hold %q is not ON or OFF", hold)
		}
		b.set("s3:object-lock-legal-hold", hold)
	}
	return nil
}

// requestTags returns the tag set the request writes: x-amz-tagging, else
// the body's tags for the operations that carry them there.
func (b *builder) requestTags() (map[string]string, error) {
	vs, ok := b.h["x-amz-tagging"]
	if !ok {
		switch b.r.Operation {
		case "PutObjectTagging", "CreateBucket", "PostObject":
			return b.r.Body.Tags, nil
		}
		return nil, nil
	}
	if len(vs) != 1 {
		return nil, errors.New("x-amz-tagging must have one value")
	}
	q, err := url.ParseQuery(vs[0])
	if err != nil {
		return nil, fmt.Errorf("x-amz-tagging %q is not URL query parameters: %w", vs[0], err)
	}
	tags := make(map[string]string, len(q))
	for k, v := range q {
		if k == "" || len(v) != 1 {
			return nil, fmt.Errorf("x-amz-tagging %q has an empty or repeated tag key", vs[0])
		}
		tags[k] = v[0]
	}
	return tags, nil
}

// tagKeys adds the keys of the tag set the request writes. Object actions
// list s3:RequestObjectTag, bucket actions aws:RequestTag.
func (b *builder) tagKeys() error {
	tags, err := b.requestTags()
	if err != nil || len(tags) == 0 {
		return err
	}
	names := make([]string, 0, len(tags))
	for k := range tags {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		b.set("s3:RequestObjectTag/"+k, tags[k])
		b.set("aws:RequestTag/"+k, tags[k])
	}
	b.set("s3:RequestObjectTagKeys", names...)
	b.set("aws:TagKeys", slices.Clone(names)...)
	return nil
}

// A CopySource is the object a copy reads, as x-amz-copy-source names it.
type CopySource struct {
	Bucket, Key string
	// VersionID is the version read; "" for the current version.
	VersionID string
}

// ParseCopySource parses the value of x-amz-copy-source: "bucket/key" or
// "/bucket/key", URL-encoded, optionally followed by "?versionId=ID"
// ([CopyObject] in the S3 API Reference). Needs reads the header with it,
// so that a server that executes the copy with the same function reads the
// very object that was authorized.
//
// [CopyObject]: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
func ParseCopySource(v string) (CopySource, error) {
	if v == "" {
		return CopySource{}, errors.New("x-amz-copy-source is empty")
	}
	path, query, hasQuery := strings.Cut(v, "?")
	var src CopySource
	if hasQuery {
		q, err := url.ParseQuery(query)
		if err != nil {
			return CopySource{}, fmt.Errorf("x-amz-copy-source %q: %w", v, err)
		}
		for name, vs := range q {
			if name != "versionId" {
				return CopySource{}, fmt.Errorf("x-amz-copy-source %q: %q is not versionId", v, name)
			}
			if len(vs) != 1 || vs[0] == "" {
				return CopySource{}, fmt.Errorf("x-amz-copy-source %q: versionId must have one non-empty value", v)
			}
			src.VersionID = vs[0]
		}
	}
	path, err := url.PathUnescape(strings.TrimPrefix(path, "/"))
	if err != nil {
		return CopySource{}, fmt.Errorf("x-amz-copy-source %q: %w", v, err)
	}
	var ok bool
	if src.Bucket, src.Key, ok = strings.Cut(path, "/"); !ok {
		return CopySource{}, fmt.Errorf("x-amz-copy-source %q names no object key", v)
	}
	if err := checkBucket(src.Bucket); err != nil {
		return CopySource{}, fmt.Errorf("x-amz-copy-source: %w", err)
	}
	if err := checkKey(src.Key); err != nil {
		return CopySource{}, fmt.Errorf("x-amz-copy-source: %w", err)
	}
	return src, nil
}

// copySource parses the request's one x-amz-copy-source.
func (b *builder) copySource() (CopySource, error) {
	vs := b.h["x-amz-copy-source"]
	if len(vs) != 1 {
		return CopySource{}, errors.New("x-amz-copy-source must have one value, the source object")
	}
	return ParseCopySource(vs[0])
}

func checkBucket(s string) error {
	switch {
	case s == "":
		return errors.New("no bucket")
	case strings.HasPrefix(s, "arn:"):
		return fmt.Errorf("bucket %q is an ARN: access points are not supported, name the bucket", s)
	case len(s) > 255 || !utf8.ValidString(s) || strings.ContainsFunc(s, func(c rune) bool { return c < 0x20 || c == 0x7f || c == '/' }):
		return fmt.Errorf("bucket %q is not a bucket name", s)
	}
	return nil
}

func checkKey(s string) error {
	switch {
	case s == "":
		return errors.New("no object key")
	case len(s) > 1024:
		return fmt.Errorf("object key of %d bytes is longer than 1024", len(s))
	case !utf8.ValidString(s):
		return fmt.Errorf("object key %q is not UTF-8", s)
	}
	return nil
}

func validPartition(p string) bool {
	if len(p) > 32 {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// tlsVersion returns the version number of "1.2", "TLSv1.2" or "TLS 1.2".
func tlsVersion(s string) (string, bool) {
	v := strings.TrimSpace(s)
	for _, p := range []string{"TLSv", "TLS ", "TLS"} {
		if len(v) > len(p) && strings.EqualFold(v[:len(p)], p) {
			v = v[len(p):]
			break
		}
	}
	major, minor, ok := strings.Cut(v, ".")
	if !ok || !digits(major) || !digits(minor) {
		return "", false
	}
	return v, true
}

func digits(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
