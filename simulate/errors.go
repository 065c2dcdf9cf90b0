package simulate

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
)

// s3Error is an error S3 answers with: an HTTP status, a code and a
// message, written as S3's error XML.
type s3Error struct {
	status   int
	code     string
	message  string
	resource string
	// extra are elements S3 adds for some codes (BucketName, Key,
	// StringToSign, ...), in order.
	extra []xmlElem
	// header is set on the response, such as x-amz-delete-marker.
	header map[string]string
}

type xmlElem struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func (e *s3Error) Error() string { return e.code + ": " + e.message }

func errorf(status int, code, message string) *s3Error {
	return &s3Error{status: status, code: code, message: message}
}

// with returns e with an extra element.
func (e *s3Error) with(name, value string) *s3Error {
	c := *e
	c.extra = append(c.extra[:len(c.extra):len(c.extra)], xmlElem{xml.Name{Local: name}, value})
	return &c
}

// S3's errors, from the S3 API Reference, "Error responses".
func accessDenied(msg string) *s3Error { return errorf(http.StatusForbidden, "AccessDenied", msg) }

func noSuchBucket(bucket string) *s3Error {
	return errorf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist").with("BucketName", bucket)
}

func noSuchKey(key string) *s3Error {
	return errorf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.").with("Key", key)
}

func malformedXML() *s3Error {
	return errorf(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema")
}

func invalidArgument(msg string) *s3Error {
	return errorf(http.StatusBadRequest, "InvalidArgument", msg)
}

func invalidRequest(msg string) *s3Error {
	return errorf(http.StatusBadRequest, "InvalidRequest", msg)
}

func notImplemented(what string) *s3Error {
	return errorf(http.StatusNotImplemented, "NotImplemented",
		"A header or query you provided implies functionality that is not implemented: "+what)
}

func aclNotSupported() *s3Error {
	return errorf(http.StatusBadRequest, "AccessControlListNotSupported", "The bucket does not allow ACLs")
}

var errInternal = errorf(http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")

// asS3Error returns err as an S3 error: itself, or InternalError.
func asS3Error(err error) *s3Error {
	var e *s3Error
	if errors.As(err, &e) {
		return e
	}
	return errInternal
}

// writeError writes err as S3's error XML. A HEAD response has no body.
func writeError(w http.ResponseWriter, r *http.Request, e *s3Error, requestID, hostID string) {
	type errorXML struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string
		Message   string
		Extra     []xmlElem
		Resource  string `xml:",omitempty"`
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
	}
	body, err := xml.Marshal(errorXML{Code: e.code, Message: e.message, Extra: e.extra, Resource: e.resource, RequestID: requestID, HostID: hostID})
	if err != nil {
		body = nil
	}
	body = append([]byte(xml.Header), body...)
	h := w.Header()
	for k, v := range e.header {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		h.Del("Content-Length")
	}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}
