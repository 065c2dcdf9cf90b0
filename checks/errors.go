package checks

import (
	"errors"
	"strconv"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// errKind is what a failed call means for the scan.
type errKind uint8

const (
	kindOther errKind = iota
	kindDenied
	kindRedirect
	kindThrottled
)

// classify reads an S3 error code (or an HTTP status, for responses
// without a body, such as HEAD's).
func classify(code string) errKind {
	switch code {
	case "AccessDenied", "AllAccessDisabled", "403":
		return kindDenied
	case "PermanentRedirect", "TemporaryRedirect", "MovedPermanently", "AuthorizationHeaderMalformed",
		"IllegalLocationConstraintException", "301", "307":
		return kindRedirect
	case "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
		"RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded",
		"ProvisionedThroughputExceededException", "BandwidthLimitExceeded", "PriorRequestNotComplete",
		"ServiceUnavailable", "503", "429":
		return kindThrottled
	}
	return kindOther
}

// errorCode returns S3's error code for err, or the HTTP status when the
// response carried no code, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" && !isNumeric(ae.ErrorCode()) {
		return ae.ErrorCode()
	}
	var st interface{ HTTPStatusCode() int }
	if errors.As(err, &st) && st.HTTPStatusCode() != 0 {
		return strconv.Itoa(st.HTTPStatusCode())
	}
	if ae != nil {
		return ae.ErrorCode()
	}
	return ""
}

func isNumeric(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// errorMessage returns S3's message for err, or err's text.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "" {
		return ae.ErrorMessage()
	}
	return err.Error()
}

// regionHint returns the Region S3 named in a response's
// x-amz-bucket-region header, which it sends with redirects.
func regionHint(err error) string {
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}
