package checks

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
)

const fixTLS = `Add this statement to the bucket policy (PutBucketPolicy): {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",` +
	`"Resource":["arn:{partition}:s3:::{bucket}","arn:{partition}:s3:::{bucket}/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`

const fixTLSMin = `Add this statement to the bucket policy (PutBucketPolicy): {"Sid":"DenyOldTLS","Effect":"Deny","Principal":"*","Action":"s3:*",` +
	`"Resource":["arn:{partition}:s3:::{bucket}","arn:{partition}:s3:::{bucket}/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"%s"}}}`

func tlsChecks() []Check {
	return []Check{
		{
			ID: "S3.5", Title: "S3 general purpose buckets should require requests to use SSL",
			Severity: Medium, Doc: sh("S3.5"),
			Controls: Controls{SecurityHub: "S3.5", CIS: []string{"v1.4.0/2.1.2", "v3.0.0/2.1.1", "v5.0.0/2.1.1"}, ConfigRule: "s3-bucket-ssl-requests-only"},
			Why: "Without a Deny of requests that do not use TLS, a client can send credentials-signed requests " +
				"and data over plain HTTP, readable and alterable on the way.",
			Fix:    fixTLS,
			Bucket: tlsOnly,
		},
		{
			ID: "tls-minimum", Title: "Bucket policy should refuse TLS versions below the minimum",
			Severity: Low, Doc: s3TLS,
			Why: "A Deny on s3:TlsVersion keeps clients from reaching the bucket with an older TLS version than the one required. " +
				"(AWS endpoints refuse TLS below 1.2 on their own; the check matters for a higher minimum.)",
			Fix:    fmt.Sprintf(fixTLSMin, "1.2"),
			Bucket: tlsMinimum,
		},
	}
}

func tlsMinimum(t *Target) []Issue {
	want, ok := parseTLSVersion(t.Params.minTLS())
	if !ok {
		return nil
	}
	match := func(c policy.Condition) bool {
		op := strings.TrimSuffix(strings.ToLower(c.Operator), "ifexists")
		if !strings.EqualFold(c.Key, "s3:TlsVersion") || len(c.Values) == 0 {
			return false
		}
		for _, v := range c.Values {
			n, ok := parseTLSVersion(v)
			switch {
			case !ok:
				return false
			case op == "numericlessthan" && n >= want:
			case op == "numericlessthanequals" && n+1 >= want: // <= 1.1 refuses all below 1.2
			default:
				return false
			}
		}
		return true
	}
	issues := denyIssues(t, match, "s3:TlsVersion")
	for i := range issues {
		issues[i].Fix = fmt.Sprintf(fixTLSMin, t.Params.minTLS())
		issues[i].Evidence = "minimum TLS version " + t.Params.minTLS() + ": " + issues[i].Evidence
	}
	return issues
}

// parseTLSVersion reads a TLS version such as "1.2" as 10*major+minor.
func parseTLSVersion(v string) (int, bool) {
	maj, minor, ok := strings.Cut(strings.TrimSpace(v), ".")
	if !ok {
		minor = "0"
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(minor)
	if err1 != nil || err2 != nil || a < 0 || b < 0 || b > 9 || a > 9 {
		return 0, false
	}
	return 10*a + b, true
}

func tlsOnly(t *Target) []Issue {
	issues := denyIssues(t, deniesHTTP, "aws:SecureTransport")
	if len(issues) == 0 || t.Policy == nil {
		return issues
	}
	for _, st := range t.Policy.Statements {
		for _, c := range st.Conditions {
			if st.Effect == policy.Deny && strings.EqualFold(c.Key, "s3:TlsVersion") && !strings.HasSuffix(strings.ToLower(c.Operator), "ifexists") {
				issues[0].Evidence += "; a Deny on s3:TlsVersion without IfExists does not refuse plain HTTP, which carries no TLS version"
				return issues
			}
		}
	}
	return issues
}

// deniesHTTP reports whether c, in a Deny, refuses requests over plain
// HTTP: Bool aws:SecureTransport false, with the value written as a string
// or a JSON boolean (both read as "false"), with or without IfExists
// (every request has the key); or NumericLessThanIfExists (or
// NumericLessThanEqualsIfExists) on s3:TlsVersion, which a request over
// HTTP lacks, so that IfExists makes the condition true.
func deniesHTTP(c policy.Condition) bool {
	op := strings.ToLower(c.Operator)
	if (op == "numericlessthanifexists" || op == "numericlessthanequalsifexists") && strings.EqualFold(c.Key, "s3:TlsVersion") {
		return true
	}
	if op != "bool" && op != "boolifexists" || !strings.EqualFold(c.Key, "aws:SecureTransport") || len(c.Values) == 0 {
		return false
	}
	for _, v := range c.Values {
		if !strings.EqualFold(v, "false") {
			return false
		}
	}
	return true
}

// denyIssues looks for a Deny statement that refuses every S3 action on
// the bucket and its objects to every principal under exactly the
// condition match recognises, wherever it sits among the statements. It
// returns nothing when one does; otherwise one issue that says what is
// missing, quoting the statements that come close.
func denyIssues(t *Target, match func(policy.Condition) bool, key string) []Issue {
	if t.Unread("GetBucketPolicy") {
		return nil
	}
	if t.PolicyErr != nil {
		// The stricter reading: what cannot be read cannot be shown to
		// deny.
		return []Issue{{Evidence: "s3vet cannot parse the bucket policy, so it cannot find a Deny of requests by " + key + ": " + t.PolicyErr.Error()}}
	}
	if t.Policy == nil {
		return []Issue{{Evidence: "the bucket has no policy, so nothing denies requests by " + key}}
	}
	var near []string
	for i := range t.Policy.Statements {
		st := &t.Policy.Statements[i]
		if st.Effect != policy.Deny {
			continue
		}
		hit, other := false, []string{}
		for _, c := range st.Conditions {
			if match(c) {
				hit = true
			} else {
				other = append(other, c.Operator+" "+c.Key)
			}
		}
		if !hit {
			continue
		}
		why := denyGap(t, st)
		if why == "" && len(other) > 0 {
			why = "it also requires " + strings.Join(other, ", ") + ", so it denies only some requests"
		}
		if why == "" {
			return nil
		}
		near = append(near, t.Statement(i)+" does not count: "+why)
	}
	if len(near) == 0 {
		return []Issue{{Evidence: "no statement of the bucket policy denies requests by " + key}}
	}
	return []Issue{{Evidence: strings.Join(near, "; ")}}
}

// denyGap says why the Deny statement st does not refuse every S3 action
// on the bucket and all its objects to everyone; empty when it does.
func denyGap(t *Target, st *policy.Statement) string {
	if p := st.Principal; p == nil || !p.Any || p.Not {
		return `its Principal is not "*"`
	}
	if missing := uncoveredS3Actions(st); len(missing) > 0 {
		return fmt.Sprintf("it leaves out %d S3 actions, such as %s", len(missing), missing[0])
	}
	bucket := t.ARN
	var onBucket, onObjects bool
	if st.NotResource {
		onBucket, onObjects = true, true
		for _, r := range st.Resource {
			onBucket = onBucket && !globMatch(r, bucket)
			onObjects = onObjects && !globMeetsPrefix(r, bucket+"/")
		}
	} else {
		for _, r := range st.Resource {
			onBucket = onBucket || globMatch(r, bucket)
			onObjects = onObjects || globCoversPrefix(r, bucket+"/")
		}
	}
	switch {
	case !onBucket && !onObjects:
		return "its Resource is neither " + bucket + " nor " + bucket + "/*"
	case !onBucket:
		return "its Resource does not include the bucket, " + bucket
	case !onObjects:
		return "its Resource does not include every object, " + bucket + "/*"
	}
	return ""
}

var (
	s3ActionsOnce sync.Once
	s3Actions     []string
)

// uncoveredS3Actions returns the S3 actions of the catalog that st's
// Action (or NotAction) leaves out.
func uncoveredS3Actions(st *policy.Statement) []string {
	if !st.NotAction {
		for _, a := range st.Action {
			if a == "*" || strings.EqualFold(a, "s3:*") {
				return nil
			}
		}
	}
	s3ActionsOnce.Do(func() {
		for _, a := range catalog.Actions("s3") {
			s3Actions = append(s3Actions, a.String())
		}
	})
	var out []string
	for _, a := range s3Actions {
		if !st.MatchesAction(a) {
			out = append(out, a)
		}
	}
	return out
}
