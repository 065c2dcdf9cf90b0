package presign

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// sigV4Algorithm is the only signing algorithm the verifier accepts.
const sigV4Algorithm = "AWS4-HMAC-SHA256"

// The query parameters of SigV4 query-string authentication.
const (
	qAlgorithm     = "X-Amz-Algorithm"
	qCredential    = "X-Amz-Credential"
	qDate          = "X-Amz-Date"
	qExpires       = "X-Amz-Expires"
	qSignedHeaders = "X-Amz-SignedHeaders"
	qSignature     = "X-Amz-Signature"
	qSecurityToken = "X-Amz-Security-Token"
	qContentSHA256 = "X-Amz-Content-Sha256"
)

// maxExpires is the longest X-Amz-Expires S3 accepts: seven days.
const maxExpires = 604800

// sigV4Auth is the authentication information of a signed request, from
// its Authorization header or its query string.
type sigV4Auth struct {
	query         bool // presigned URL
	post          bool // POST form
	accessKey     string
	scope         credScope
	signedHeaders []string  // as given, lower case
	signature     string    // hex, as given
	amzDate       string    // X-Amz-Date as given ("" if only Date was sent)
	date          time.Time // amzDate parsed, query only
	expires       int64     // X-Amz-Expires, query only; -1 if left out (not S3)
}

// parseAuthorization parses a SigV4 Authorization header:
//
//	AWS4-HMAC-SHA256 Credential=AKID/20130524/us-east-1/s3/aws4_request,
//	SignedHeaders=host;x-amz-date, Signature=fe5f80f7...
func parseAuthorization(h string) (*sigV4Auth, *Error) {
	alg, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	switch {
	case alg == "AWS" || strings.HasPrefix(alg, "AWS4-") && alg != sigV4Algorithm:
		return nil, errUnsupportedMechanism()
	case alg != sigV4Algorithm:
		return nil, errInvalidArgument("Unsupported Authorization Type", "Authorization", h)
	}
	a := &sigV4Auth{}
	var credential string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || seen[k] {
			return nil, errHeaderMalformed("the authorization header components are malformed: " + strconv.Quote(part) + ".")
		}
		seen[k] = true
		switch k {
		case "Credential":
			credential = v
		case "SignedHeaders":
			a.signedHeaders = parseSignedHeaders(v)
		case "Signature":
			a.signature = v
		default:
			return nil, errHeaderMalformed("unknown authorization header component " + strconv.Quote(k) + ".")
		}
	}
	var missing []string
	for _, k := range []string{"Credential", "Signature", "SignedHeaders"} {
		if !seen[k] {
			missing = append(missing, "Authorization header requires '"+k+"' parameter.")
		}
	}
	if len(missing) > 0 {
		return nil, errHeaderMalformed(strings.Join(missing, " "))
	}
	var ok bool
	if a.accessKey, a.scope, ok = parseCredential(credential); !ok {
		return nil, errHeaderMalformed("the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	if len(a.signedHeaders) == 0 {
		return nil, errHeaderMalformed("the SignedHeaders component is empty.")
	}
	return a, nil
}

// parseCredential splits AKID/date/region/service/aws4_request. The
// terminal is checked later, against the service, as S3 reports it.
func parseCredential(c string) (string, credScope, bool) {
	var parts [4]string
	rest := c
	for i := range parts {
		var ok bool
		if parts[i], rest, ok = strings.Cut(rest, "/"); !ok || parts[i] == "" {
			return "", credScope{}, false
		}
	}
	if strings.IndexByte(rest, '/') >= 0 {
		return "", credScope{}, false
	}
	return parts[0], credScope{date: parts[1], region: parts[2], service: parts[3]}, rest == scopeTerminal
}

func parseSignedHeaders(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(strings.ToLower(v), ";")
}

func errUnsupportedMechanism() *Error {
	return errInvalidRequest("The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
}

// queryAuthPresent reports whether the query string attempts SigV4 query
// authentication, and whether it attempts SigV2 (which is refused).
func queryAuthPresent(params []queryParam) (v4, v2 bool) {
	var v2key, v2sig bool
	for _, p := range params {
		switch p.key {
		case qAlgorithm, qCredential, qSignature:
			v4 = true
		case "AWSAccessKeyId":
			v2key = true
		case "Signature":
			v2sig = true
		}
	}
	return v4, v2key && v2sig
}

// parseQueryAuth parses the X-Amz-* parameters of a presigned URL.
//
// X-Amz-Expires is required by S3; for other services (s3 false) it may
// be left out, and the request then lives as long as the clock skew
// allows.
func parseQueryAuth(params []queryParam, s3 bool) (*sigV4Auth, *Error) {
	var vals [6]string
	var seen [6]bool
	names := [6]string{qAlgorithm, qCredential, qDate, qExpires, qSignedHeaders, qSignature}
	for _, p := range params {
		for i, n := range names {
			if p.key == n {
				if seen[i] {
					return nil, errQueryMalformed("X-Amz-* query parameters must not repeat: " + n + ".")
				}
				seen[i], vals[i] = true, p.value
			}
		}
	}
	if !s3 && !seen[3] {
		seen[3], vals[3] = true, "-1"
	}
	for _, s := range seen {
		if !s {
			return nil, errQueryMalformed("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
		}
	}
	alg, credential, date, expires, signed, signature := vals[0], vals[1], vals[2], vals[3], vals[4], vals[5]
	if alg != sigV4Algorithm {
		return nil, errQueryMalformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	a := &sigV4Auth{query: true, amzDate: date, signature: signature, signedHeaders: parseSignedHeaders(signed)}
	var ok bool
	if a.accessKey, a.scope, ok = parseCredential(credential); !ok {
		return nil, errQueryMalformed("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	var err error
	if a.date, err = parseAmzDate(date); err != nil {
		return nil, errQueryMalformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	n, err := strconv.ParseInt(expires, 10, 64)
	switch {
	case err != nil && isInteger(expires):
		// A number too large for int64 is still too large.
		return nil, errQueryMalformed("X-Amz-Expires must be less than a week (in seconds) that is 604800")
	case err != nil:
		return nil, errQueryMalformed("X-Amz-Expires should be a number")
	case n < 0 && !(n == -1 && !s3):
		return nil, errQueryMalformed("X-Amz-Expires must be non-negative")
	case n > maxExpires:
		return nil, errQueryMalformed("X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	a.expires = n
	if len(a.signedHeaders) == 0 {
		return nil, errQueryMalformed("X-Amz-SignedHeaders must not be empty")
	}
	return a, nil
}

// requestTime returns the time a header-signed request was signed at,
// from X-Amz-Date or else Date.
func requestTime(r *http.Request) (time.Time, string, bool) {
	if d := r.Header.Get("X-Amz-Date"); d != "" {
		t, err := parseAmzDate(d)
		return t, d, err == nil
	}
	if d := r.Header.Get("Date"); d != "" {
		t, err := http.ParseTime(d)
		return t, d, err == nil
	}
	return time.Time{}, "", false
}

// amzDate is an X-Amz-Date and the time it names.
type amzDate struct {
	text string
	t    time.Time
}

// lastAmzDate is the last X-Amz-Date parseAmzDate parsed: the requests of
// a second share it.
var lastAmzDate atomic.Pointer[amzDate]

// parseAmzDate parses an X-Amz-Date (amzDateFormat), as time.Parse does.
func parseAmzDate(s string) (time.Time, error) {
	if d := lastAmzDate.Load(); d != nil && d.text == s {
		return d.t, nil
	}
	t, err := time.Parse(amzDateFormat, s)
	if err == nil {
		lastAmzDate.Store(&amzDate{strings.Clone(s), t})
	}
	return t, err
}

// isInteger reports whether s is an optional minus sign and digits.
func isInteger(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && strings.Trim(s, "0123456789") == ""
}
