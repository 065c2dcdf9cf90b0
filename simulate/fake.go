package simulate

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// This file is the boundary with gofakes3: the requests it is given carry
// only what it handles correctly, and its answers are checked and
// rewritten before they reach the client.

// fakeRequest builds the request gofakes3 sees: path-style, with the
// given headers and body.
func (c *call) fakeRequest(method, bucket, key string, query url.Values, header http.Header, body []byte) *http.Request {
	u := &url.URL{RawQuery: query.Encode()}
	if key != "" {
		u.Path = "/" + bucket + "/" + key
	} else {
		u.Path = "/" + bucket
	}
	header.Set("Content-Length", strconv.Itoa(len(body)))
	fr := &http.Request{Method: method, URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: header, Host: c.r.Host,
		ContentLength: int64(len(body)), Body: io.NopCloser(bytes.NewReader(body)), TLS: c.r.TLS, RemoteAddr: c.r.RemoteAddr}
	return fr.WithContext(c.r.Context())
}

// dataQuery keeps the query parameters gofakes3 acts on, dropping those
// of the signature; nil if none.
func dataQuery(q url.Values) url.Values {
	var out url.Values
	for k, vs := range q {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-") || k == "x-id" {
			continue
		}
		if out == nil {
			out = url.Values{}
		}
		out[k] = slices.Clone(vs)
	}
	return out
}

// dataHeaders keeps the headers gofakes3 handles correctly: user metadata,
// the content headers it stores, ranges and conditions. Everything else
// (credentials, SSE-C keys, checksums, ACLs, tags) it would store as
// metadata and echo back.
func dataHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		switch ck {
		case "Content-Type", "Content-Disposition", "Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since":
		case "Content-Encoding":
			var keep []string
			for _, v := range vs {
				for _, e := range strings.Split(v, ",") {
					if e = strings.TrimSpace(e); e != "" && !strings.EqualFold(e, "aws-chunked") {
						keep = append(keep, e)
					}
				}
			}
			if len(keep) > 0 {
				out.Set(ck, strings.Join(keep, ","))
			}
			continue
		default:
			if !strings.HasPrefix(ck, "X-Amz-Meta-") {
				continue
			}
		}
		out[ck] = slices.Clone(vs)
	}
	return out
}

// storedKeys lists the metadata headers of a write, as gofakes3 stores
// them.
func storedKeys(h http.Header) []string {
	var keys []string
	for k := range h {
		if strings.HasPrefix(k, "X-Amz-Meta-") || k == "Content-Type" || k == "Content-Disposition" || k == "Content-Encoding" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// fakeResponse is gofakes3's answer.
type fakeResponse struct {
	status   int
	header   http.Header
	body     []byte
	streamed bool // already written to the client
}

// forward passes a request to gofakes3. With stream set, a success is
// written to the client as it comes, its headers first passed to fix; an
// error, or any answer without stream, is captured. An error answer is
// returned as S3's error.
func (c *call) forward(fr *http.Request, stream bool, fix func(http.Header)) (*fakeResponse, error) {
	fw := &fakeWriter{h: c.fakeHeader(), fix: fix}
	if stream {
		fw.out = c.w
	}
	c.s.fake.ServeHTTP(fw, fr)
	if fw.status == 0 {
		fw.WriteHeader(http.StatusOK)
	}
	if fw.streaming {
		return &fakeResponse{status: fw.status, header: fw.h, streamed: true}, nil
	}
	if fw.status == http.StatusNotModified {
		h := c.w.Header()
		for _, k := range []string{"Etag", "Last-Modified"} {
			if v := fw.h.Get(k); v != "" {
				h.Set(k, v)
			}
		}
		c.w.WriteHeader(http.StatusNotModified)
		return &fakeResponse{status: fw.status, header: fw.h, streamed: true}, nil
	}
	if fw.status >= 300 {
		return nil, c.fakeError(fw.status, fw.buf.Bytes())
	}
	return &fakeResponse{status: fw.status, header: fw.h, body: fw.buf.Bytes()}, nil
}

// fakeHeaders are maps for gofakes3's answer headers, reused: gofakes3
// sets about a dozen for an object it sends, which take a map of more
// than one group.
var fakeHeaders = sync.Pool{New: func() any { return make(http.Header, 12) }}

// fakeHeader returns an empty map for the headers of gofakes3's answer,
// the call's until it ends (releaseFakeHeaders).
func (c *call) fakeHeader() http.Header {
	h := fakeHeaders.Get().(http.Header)
	if c.fakeHeaders == nil {
		c.fakeHeaders = c.fakeHeaderBuf[:0]
	}
	c.fakeHeaders = append(c.fakeHeaders, h)
	return h
}

// releaseFakeHeaders returns the call's maps of gofakes3's answer headers
// to the pool, when nothing of the call reads them any more. The values,
// which the client's headers may share, are not reused.
func (c *call) releaseFakeHeaders() {
	for i, h := range c.fakeHeaders {
		if len(h) <= 32 {
			clear(h)
			fakeHeaders.Put(h)
		}
		c.fakeHeaders[i] = nil
	}
	c.fakeHeaders = nil
}

// fakeError turns gofakes3's error answer into S3's.
func (c *call) fakeError(status int, body []byte) *s3Error {
	var v struct {
		Code    string
		Message string
	}
	xml.Unmarshal(body, &v)
	if v.Code == "" {
		switch status {
		case http.StatusNotFound:
			v.Code = "NoSuchKey"
		case http.StatusPreconditionFailed:
			v.Code = "PreconditionFailed"
		case http.StatusRequestedRangeNotSatisfiable:
			v.Code = "InvalidRange"
		case http.StatusLengthRequired:
			v.Code = "MissingContentLength"
		default:
			v.Code = "InternalError"
		}
	}
	switch v.Code {
	case "NoSuchKey":
		return noSuchKey(c.key)
	case "NoSuchBucket":
		return noSuchBucket(c.bucket)
	case "NoSuchUpload":
		return errorf(http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
	case "NoSuchVersion":
		return errorf(http.StatusNotFound, "NoSuchVersion", "The specified version does not exist.")
	case "PreconditionFailed":
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
	case "InvalidRange":
		return errorf(http.StatusRequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable")
	case "InternalError":
		c.explain = "gofakes3 answered " + strconv.Itoa(status) + ": " + v.Message
		return errInternal
	}
	if status >= 500 && status != http.StatusNotImplemented {
		c.explain = "gofakes3 answered " + strconv.Itoa(status) + " " + v.Code + ": " + v.Message
		return errInternal
	}
	if v.Message == "" || v.Message == v.Code {
		v.Message = v.Code
	}
	return errorf(status, v.Code, v.Message)
}

// fakeWriter receives gofakes3's answer.
type fakeWriter struct {
	out       http.ResponseWriter // the client, when streaming successes
	h         http.Header
	fix       func(http.Header)
	status    int
	streaming bool
	buf       bytes.Buffer
}

func (f *fakeWriter) Header() http.Header { return f.h }

func (f *fakeWriter) WriteHeader(code int) {
	if f.status != 0 {
		return
	}
	f.status = code
	if f.out == nil || code >= 300 {
		return
	}
	h := f.out.Header()
	for k, vs := range f.h {
		switch k {
		case "X-Amz-Request-Id", "X-Amz-Id-2", "Server":
			continue
		}
		h[k] = vs
	}
	if f.fix != nil {
		f.fix(h)
	}
	f.streaming = true
	f.out.WriteHeader(code)
}

// copyBufs are the buffers of fakeWriter.ReadFrom: without it, io.Copy
// in gofakes3 allocates 32 KB for every object it sends.
var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// ReadFrom copies r through Write with a pooled buffer.
func (f *fakeWriter) ReadFrom(r io.Reader) (int64, error) {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	return io.CopyBuffer(writerOnly{f}, r, *bp)
}

// writerOnly hides ReadFrom from io.CopyBuffer.
type writerOnly struct{ io.Writer }

func (f *fakeWriter) Write(p []byte) (int, error) {
	if f.status == 0 {
		f.WriteHeader(http.StatusOK)
	}
	if f.streaming {
		return f.out.Write(p)
	}
	return f.buf.Write(p)
}
