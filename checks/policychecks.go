package checks

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/lint"
)

func policyChecks() []Check {
	return slices.Concat(tlsChecks(), []Check{
		{
			ID: "S3.6", Title: "S3 general purpose bucket policies should restrict access to other AWS accounts",
			Severity: High, Doc: sh("S3.6"),
			Controls: Controls{SecurityHub: "S3.6", ConfigRule: "s3-bucket-blacklisted-actions-prohibited"},
			Why: "Another account that may change the bucket's policy, ACLs or encryption can take the bucket over " +
				"or open it to anyone. (As Security Hub does, only the Principal element counts, not the conditions.)",
			Fix:    "Remove the actions from the statement, or the other account from its Principal (PutBucketPolicy).",
			Bucket: otherAccountActions,
		},
		{
			ID: "least-privilege", Title: "Bucket grants administrative actions beyond the owner account",
			Severity: High, Doc: s3Perms,
			Why: "Whoever may call these actions can rewrite who may access the bucket, or everything (s3:*): " +
				"only the owner account should hold them.",
			Fix:    "Grant the principal only the object and list actions it needs (PutBucketPolicy); never s3:*, s3:PutBucketPolicy, s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl or s3:PutBucketPublicAccessBlock.",
			Bucket: leastPrivilege,
		},
		{
			ID: "allow-not-principal-or-action", Title: "Bucket policy allows with NotPrincipal or NotAction",
			Severity: High, Doc: iamNotPrinc,
			Why: "Allow with NotPrincipal grants every principal but the ones listed, anonymous callers included; " +
				"Allow with NotAction grants every action but the ones listed, present and future.",
			Fix:    "Rewrite the statement with Principal and Action naming what is granted (PutBucketPolicy).",
			Bucket: allowNot,
		},
		{
			ID: "policy-lint", Title: "Bucket policy fails validation",
			Severity: Medium, Doc: iamValidate,
			Why:    "IAM Access Analyzer's policy validation finds parts of the policy that cannot work or grant more than intended.",
			Fix:    "Edit the statement named in the evidence (PutBucketPolicy).",
			Bucket: policyLint,
		},
		{
			ID: "presign-lifetime", Title: "Bucket policy should limit presigned URL lifetime with s3:signatureAge",
			Severity: Low, Doc: s3SigAge,
			Why: "A presigned URL works until it expires, for whoever holds it: a Deny on s3:signatureAge caps how long " +
				"any URL signed for the bucket can be used, whatever expiry its signer chose.",
			Fix: `Add a statement such as {"Sid":"DenyOldSignatures","Effect":"Deny","Principal":"*","Action":"s3:*",` +
				`"Resource":["arn:{partition}:s3:::{bucket}","arn:{partition}:s3:::{bucket}/*"],"Condition":{"NumericGreaterThan":{"s3:signatureAge":"600000"}}} ` +
				`to the bucket policy (PutBucketPolicy), with the longest lifetime allowed in milliseconds.`,
			Bucket: presignLifetime,
		},
	})
}

// otherAccountPrincipals returns the principals of st's Principal element
// that belong to no account of the zone (the owner and the trusted
// accounts), ignoring its conditions as Security Hub's S3.6 does.
func otherAccountPrincipals(t *Target, st *policy.Statement) []string {
	ps := st.Principal
	if ps == nil || ps.Not {
		return nil
	}
	if ps.Any {
		return []string{"*"}
	}
	trusted := t.Zone().Accounts
	var out []string
	for _, a := range ps.AWS {
		if acct := accountOf(a); acct == "" || !slices.Contains(trusted, acct) {
			out = append(out, a)
		}
	}
	for _, c := range ps.CanonicalUser {
		out = append(out, "canonical user "+c)
	}
	for _, f := range ps.Federated {
		out = append(out, "federated "+f)
	}
	return out
}

// accountOf returns the account of an account ID or principal ARN.
func accountOf(v string) string {
	if policy.IsAccountID(v) {
		return v
	}
	if parts := strings.SplitN(v, ":", 6); len(parts) == 6 && parts[0] == "arn" && policy.IsAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

func otherAccountActions(t *Target) []Issue {
	if t.Unread("GetBucketPolicy") {
		return nil
	}
	if t.PolicyErr != nil {
		// The stricter reading: what cannot be read cannot be shown to
		// keep the actions from other accounts.
		return []Issue{{Evidence: "s3vet cannot parse the bucket policy, so it cannot show that no other account is granted " +
			strings.Join(t.Params.blacklistedActions(), ", ") + ": " + t.PolicyErr.Error()}}
	}
	if t.Policy == nil {
		return nil
	}
	var out []Issue
	for i := range t.Policy.Statements {
		st := &t.Policy.Statements[i]
		if st.Effect != policy.Allow {
			continue
		}
		who := otherAccountPrincipals(t, st)
		if len(who) == 0 {
			continue
		}
		var acts []string
		for _, a := range t.Params.blacklistedExpanded() {
			if st.MatchesAction(a) {
				acts = append(acts, a)
			}
		}
		if len(acts) > 0 {
			out = append(out, Issue{Evidence: fmt.Sprintf("%s grants %s to %s", t.Statement(i), strings.Join(acts, ", "), strings.Join(who, ", "))})
		}
	}
	return out
}

// adminActions are the actions least-privilege keeps to the owner.
var adminActions = []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutObjectAcl", "s3:PutBucketPublicAccessBlock"}

func leastPrivilege(t *Target) []Issue {
	if t.Unread("GetBucketPolicy", "GetBucketAcl", "GetBucketOwnershipControls") {
		return nil
	}
	var out []Issue
	for _, f := range t.externalFindings() {
		var granted []string
		if st := statementOf(t, f.Statement); f.Source == "POLICY" && st != nil {
			if uncovered := uncoveredS3Actions(st); len(uncovered) == 0 {
				granted = []string{"s3:*"}
			} else {
				for _, a := range adminActions {
					if st.MatchesAction(a) {
						granted = append(granted, a)
					}
				}
			}
		} else if f.Source == "BUCKET_ACL" && slices.Contains(f.Actions, "s3:PutBucketAcl") {
			granted = []string{"s3:PutBucketAcl (WRITE_ACP)"}
		}
		if len(granted) > 0 {
			is := externalIssue(t, f, "; administrative: "+strings.Join(granted, ", "))
			is.Severity = "" // the check's: granting these is as bad to anyone outside
			out = append(out, is)
		}
	}
	return out
}

// allowNot reads the policy as written, so that it finds Allow with
// NotPrincipal even though the policy engine refuses to parse it.
func allowNot(t *Target) []Issue {
	if t.Bucket.Policy == "" || t.Unread("GetBucketPolicy") {
		return nil
	}
	var out []Issue
	for i, raw := range t.rawStatements() {
		var st map[string]json.RawMessage
		if json.Unmarshal([]byte(raw), &st) != nil {
			continue
		}
		var effect string
		if json.Unmarshal(st["Effect"], &effect) != nil || effect != "Allow" {
			continue
		}
		var els []string
		for _, el := range []string{"NotPrincipal", "NotAction"} {
			if _, ok := st[el]; ok {
				els = append(els, el)
			}
		}
		if len(els) > 0 {
			out = append(out, Issue{Evidence: t.Statement(i) + ": Allow with " + strings.Join(els, " and ")})
		}
	}
	return out
}

// lintSeverity maps Access Analyzer's finding types to severities.
var lintSeverity = map[lint.Severity]Severity{
	lint.Error:           High,
	lint.SecurityWarning: Medium,
	lint.Warning:         Low,
	lint.Suggestion:      Informational,
}

func policyLint(t *Target) []Issue {
	if t.Bucket.Policy == "" || t.Unread("GetBucketPolicy") {
		return nil
	}
	fs, err := lint.Check(policy.ResourceBased, []byte(t.Bucket.Policy), lint.Options{Account: t.Owner()})
	if err != nil {
		return nil
	}
	out := make([]Issue, 0, len(fs))
	for _, f := range fs {
		is := Issue{Evidence: f.String(), Severity: lintSeverity[f.Severity]}
		if f.Learn != "" {
			is.Fix = "Edit the statement named in the evidence (PutBucketPolicy); see " + f.Learn
		}
		out = append(out, is)
	}
	return out
}

// probe asks the policy engine whether the bucket policy explicitly denies
// action on resource to a user of the owner account under the condition
// keys kv (besides those every request over TLS from the zone carries).
func (t *Target) probe(action, resource string, kv map[string][]string) bool {
	ctx := map[string][]string{
		"aws:SecureTransport":  {"true"},
		"s3:TlsVersion":        {"1.3"},
		"aws:PrincipalAccount": {t.Owner()},
		"aws:PrincipalType":    {"User"},
	}
	if t.Params.OrgID != "" {
		ctx["aws:PrincipalOrgID"] = []string{t.Params.OrgID}
	}
	for k, v := range kv {
		ctx[k] = v
	}
	owner := t.Owner()
	if !policy.IsAccountID(owner) {
		owner = "111111111111"
	}
	req, err := policy.NewRequest("arn:"+t.Snapshot.partition()+":iam::"+owner+":user/s3vet-probe", action, resource, owner, policy.NewContext(ctx))
	if err != nil {
		return false
	}
	set := &policy.Set{Resource: t.Policy}
	return set.Evaluate(req).Decision == policy.ExplicitDeny
}

func presignLifetime(t *Target) []Issue {
	limit := t.Params.MaxSignatureAge
	if limit <= 0 || t.Unread("GetBucketPolicy") || t.PolicyErr != nil {
		return nil
	}
	ms := limit.Milliseconds()
	fix := fmt.Sprintf(`Add this statement to the bucket policy (PutBucketPolicy): {"Sid":"DenyOldSignatures","Effect":"Deny","Principal":"*","Action":"s3:*",`+
		`"Resource":["arn:{partition}:s3:::{bucket}","arn:{partition}:s3:::{bucket}/*"],"Condition":{"NumericGreaterThan":{"s3:signatureAge":"%d"}}}`, ms)
	if t.Policy == nil {
		return []Issue{{Evidence: "the bucket has no policy, so nothing limits s3:signatureAge", Fix: fix}}
	}
	// presigned is the context of a presigned URL (SigV4 in the query
	// string) used age milliseconds after it was signed.
	presigned := func(age int64) map[string][]string {
		return map[string][]string{"s3:signatureAge": {strconv.FormatInt(age, 10)}, "s3:authType": {"REST-QUERY-STRING"}, "s3:signatureversion": {"AWS4-HMAC-SHA256"}}
	}
	old, fresh := presigned(ms+1), presigned(1000)
	obj := t.ARN + "/s3vet-probe"
	var open []string
	for _, a := range []string{"s3:GetObject", "s3:PutObject"} {
		if !t.probe(a, obj, old) || t.probe(a, obj, fresh) {
			open = append(open, a)
		}
	}
	if len(open) == 0 {
		return nil
	}
	return []Issue{{
		Evidence: fmt.Sprintf("no statement denies %s with a signature older than %s (s3:signatureAge > %d ms)", strings.Join(open, " or "), limit, ms),
		Fix:      fix,
	}}
}
