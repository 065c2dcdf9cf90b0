package presign

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPostedFields bounds the form fields before the file, as S3 does
// (MaxPostPreDataLengthExceededError).
const maxPostedFields = 20 << 10

// PostResult is a verified browser POST upload (S3's PostObject, signed
// with a SigV4 POST policy): the form's fields and a reader for its file.
type PostResult struct {
	Result
	// Bucket is the bucket the form was posted to, as given to
	// VerifyPost.
	Bucket string
	// Key is the key field, with ${filename} replaced by the file's name.
	Key string
	// Fields are the form fields before the file, names lower case.
	// Fields after the file are ignored, as S3 ignores them.
	Fields map[string]string
	// FileName and FileContentType are the file part's filename and
	// Content-Type.
	FileName, FileContentType string
	// File streams the file's bytes. Its Read answers an [*Error]
	// (EntityTooLarge, EntityTooSmall) when the file breaks the policy's
	// content-length-range: no byte beyond the maximum is returned.
	File io.Reader
}

// VerifyPost authenticates a browser-based upload: a multipart/form-data
// POST of S3's PostObject, signed with a SigV4 POST policy (fields
// policy, x-amz-algorithm, x-amz-credential, x-amz-date,
// x-amz-signature). bucket is the bucket the form is posted to (the
// caller routed the request, by path or host).
//
// VerifyPost reads the fields up to the file part and checks, as S3
// does: the signature over the base64 policy, the policy's expiration,
// every condition against the fields and the bucket, and that every field
// but x-amz-signature, file, policy and x-ignore-* is named by a
// condition. The file is not read: the result's File streams it and
// enforces content-length-range. A form without policy and signature is
// anonymous: VerifyPost reports that rather than failing.
//
// Failures are [*Error] values as S3 answers them: AccessDenied "Invalid
// according to Policy: ..." ([ErrPolicy], or [ErrExpired] for an expired
// policy), SignatureDoesNotMatch, InvalidArgument, InvalidPolicyDocument,
// InvalidAccessKeyId, ExpiredToken, InvalidToken.
func (v *Verifier) VerifyPost(ctx context.Context, r *http.Request, bucket string) (*PostResult, error) {
	now := v.now()
	form, err := readPostedForm(r)
	if err != nil {
		return nil, err
	}
	f := form.fields
	key, ok := f["key"]
	if !ok {
		return nil, errMissingPostField("key")
	}
	res := &PostResult{
		Bucket:          bucket,
		Key:             strings.ReplaceAll(key, "${filename}", form.file.FileName()),
		Fields:          f,
		FileName:        form.file.FileName(),
		FileContentType: form.file.Header.Get("Content-Type"),
	}
	_, hasPolicy := f["policy"]
	_, hasSignature := f["x-amz-signature"]
	_, v2 := f["awsaccesskeyid"]
	switch {
	case v2 && !hasSignature:
		return nil, errUnsupportedMechanism()
	case !hasPolicy && !hasSignature:
		res.Anonymous = true
		res.File = form.file
		return res, nil
	}
	policy, auth, verr := v.verifyPostSignature(ctx, f, now)
	if verr != nil {
		return nil, verr
	}
	if now.After(policy.expiration) {
		return nil, newError(ErrExpired, http.StatusForbidden, "AccessDenied", "Invalid according to Policy: Policy expired.")
	}
	if err := policy.check(bucket, f, form.order); err != nil {
		return nil, err
	}
	res.Result = *auth
	res.Expires = policy.expiration
	pf := &postedFile{part: form.file}
	pf.min, pf.max, pf.limited = policy.lengthRange()
	res.File = pf
	return res, nil
}

// verifyPostSignature checks the form's credential, token and signature,
// and parses its policy.
func (v *Verifier) verifyPostSignature(ctx context.Context, f map[string]string, now time.Time) (*policyDoc, *Result, error) {
	for _, name := range []string{"policy", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature"} {
		if _, ok := f[strings.ToLower(name)]; !ok {
			return nil, nil, errMissingPostField(name)
		}
	}
	if alg := f["x-amz-algorithm"]; alg != sigV4Algorithm {
		return nil, nil, errInvalidArgument("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"", "X-Amz-Algorithm", alg)
	}
	a := &sigV4Auth{post: true, signature: f["x-amz-signature"], amzDate: f["x-amz-date"]}
	var ok bool
	if a.accessKey, a.scope, ok = parseCredential(f["x-amz-credential"]); !ok {
		return nil, nil, errInvalidArgument("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
			"X-Amz-Credential", f["x-amz-credential"])
	}
	t, err := parseAmzDate(a.amzDate)
	if err != nil {
		return nil, nil, errInvalidArgument("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"", "X-Amz-Date", a.amzDate)
	}
	if err := v.checkScope(a, t); err != nil {
		return nil, nil, err
	}
	creds, err := v.lookup(ctx, a.accessKey, now)
	if err != nil {
		return nil, nil, err
	}
	if err := checkToken(creds, f["x-amz-security-token"]); err != nil {
		return nil, nil, err
	}
	b64 := f["policy"]
	if !signatureMatches(v.keys.get(creds.SecretAccessKey, a.scope), b64, a.signature) {
		return nil, nil, errSignatureMismatch(a.accessKey, a.signature, b64, "")
	}
	doc, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, nil, errInvalidPolicy("Policy is not valid base64.")
	}
	policy, perr := parsePolicyDoc(doc)
	if perr != nil {
		return nil, nil, perr
	}
	age := max(now.Sub(t), 0)
	return policy, &Result{
		AuthType:     AuthTypePost,
		Credentials:  creds.redacted(),
		Region:       a.scope.region,
		Service:      a.scope.service,
		SignedAt:     t,
		SignatureAge: age,
		Keys:         conditionKeys(AuthTypePost, age, ""),
	}, nil
}

func errMissingPostField(name string) *Error {
	return errInvalidArgument("Bucket POST must contain a field named '"+name+"'.  If it is specified, please check the order of the fields.", name, "")
}

func errMalformedPost() *Error {
	return newError(ErrMalformed, http.StatusBadRequest, "MalformedPOSTRequest",
		"The body of your POST request is not well-formed multipart/form-data.")
}

// postedForm is a POST form read up to its file.
type postedForm struct {
	fields map[string]string // lower-case names
	order  []string          // names as sent, in order
	file   *multipart.Part
}

// readPostedForm reads the fields of a multipart/form-data POST up to the
// file part, at most maxPostedFields bytes of them.
func readPostedForm(r *http.Request) (*postedForm, *Error) {
	if r.Method != http.MethodPost {
		return nil, errMalformedPost()
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errMalformedPost()
	}
	form := &postedForm{fields: map[string]string{}}
	budget := int64(maxPostedFields)
	for {
		part, err := mr.NextPart()
		switch {
		case err == io.EOF:
			return nil, errInvalidArgument("POST requires exactly one file upload per request.", "file", "0")
		case err != nil:
			return nil, errMalformedPost()
		}
		name := part.FormName()
		lname := strings.ToLower(name)
		if lname == "file" {
			form.file = part
			return form, nil
		}
		if name == "" {
			return nil, errMalformedPost()
		}
		value, err := io.ReadAll(io.LimitReader(part, budget+1))
		budget -= int64(len(value))
		switch {
		case budget < 0:
			return nil, newError(ErrMalformed, http.StatusBadRequest, "MaxPostPreDataLengthExceededError",
				"Your POST request fields preceding the upload file were too large.")
		case err != nil:
			return nil, errMalformedPost()
		}
		if _, dup := form.fields[lname]; dup {
			return nil, errInvalidArgument("POST form fields must not repeat.", name, string(value))
		}
		form.fields[lname] = string(value)
		form.order = append(form.order, name)
	}
}

// postedFile streams the file of a POST form, enforcing the policy's
// content-length-range.
type postedFile struct {
	part     io.Reader
	min, max int64
	limited  bool
	n        int64
	err      error
}

func (f *postedFile) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	if room := f.max - f.n; f.limited && room < int64(len(p)) {
		p = p[:room+1] // one byte more than allowed tells a file too large
	}
	n, err := f.part.Read(p)
	f.n += int64(n)
	if f.limited && f.n > f.max {
		f.err = newError(ErrPolicy, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
			Detail{"MaxSizeAllowed", strconv.FormatInt(f.max, 10)})
		return n - int(f.n-f.max), f.err
	}
	if errors.Is(err, io.EOF) {
		if f.limited && f.n < f.min {
			f.err = newError(ErrPolicy, http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size",
				Detail{"ProposedSize", strconv.FormatInt(f.n, 10)}, Detail{"MinSizeAllowed", strconv.FormatInt(f.min, 10)})
			return n, f.err
		}
		f.err = io.EOF
	} else if err != nil {
		f.err = err
	}
	return n, err
}
