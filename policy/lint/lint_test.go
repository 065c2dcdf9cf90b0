package lint_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/lint"
)

// A fixture is one case of testdata/*.json.
type fixture struct {
	Name string `json:"name"`
	// Doc is the AWS page the case follows.
	Doc string `json:"doc"`
	// Type is the policy type: identity, resource, boundary, session,
	// scp, rcp or vpc-endpoint.
	Type    string `json:"type"`
	Account string `json:"account"`
	// Policy is the document; PolicyText, for documents that are not
	// JSON, replaces it.
	Policy     json.RawMessage `json:"policy"`
	PolicyText *string         `json:"policyText"`
	// Want are the findings, in any order: "SEVERITY CODE statement" or
	// "SEVERITY CODE statement element".
	Want []string `json:"want"`
	// Contains are texts the messages must hold, in any finding.
	Contains []string `json:"contains"`
}

var types = map[string]policy.Type{
	"identity":     policy.IdentityBased,
	"resource":     policy.ResourceBased,
	"boundary":     policy.PermissionsBoundary,
	"session":      policy.SessionPolicy,
	"scp":          policy.ServiceControlPolicy,
	"rcp":          policy.ResourceControlPolicy,
	"vpc-endpoint": policy.VPCEndpointPolicy,
}

func loadFixtures(t *testing.T) map[string][]fixture {
	t.Helper()
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	out := map[string][]fixture{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var fs []fixture
		d := json.NewDecoder(strings.NewReader(string(b)))
		d.DisallowUnknownFields()
		if err := d.Decode(&fs); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out[filepath.Base(file)] = fs
	}
	return out
}

func (fx *fixture) doc() []byte {
	if fx.PolicyText != nil {
		return []byte(*fx.PolicyText)
	}
	return fx.Policy
}

// key formats a finding as the fixtures do.
func key(f lint.Finding, withElement bool) string {
	s := fmt.Sprintf("%s %s %d", f.Severity, f.Code, f.Statement)
	if withElement {
		s += " " + f.Element
	}
	return s
}

func TestFixtures(t *testing.T) {
	for file, fs := range loadFixtures(t) {
		for _, fx := range fs {
			t.Run(strings.TrimSuffix(file, ".json")+"/"+fx.Name, func(t *testing.T) {
				if !strings.HasPrefix(fx.Doc, "https://docs.aws.amazon.com/") {
					t.Fatalf("fixture names no AWS page: %q", fx.Doc)
				}
				typ, ok := types[fx.Type]
				if !ok {
					t.Fatalf("unknown type %q", fx.Type)
				}
				got, err := lint.Check(typ, fx.doc(), lint.Options{Account: fx.Account})
				if err != nil {
					t.Fatal(err)
				}
				var have []string
				want := append([]string(nil), fx.Want...)
				for _, f := range got {
					// Compare with the element only where the fixture
					// gives one for the same finding.
					withEl := slices.ContainsFunc(fx.Want, func(w string) bool {
						return strings.Count(w, " ") > 2 && strings.HasPrefix(w, key(f, false)+" ")
					})
					have = append(have, key(f, withEl))
				}
				slices.Sort(have)
				slices.Sort(want)
				if !slices.Equal(have, want) {
					t.Errorf("findings:\n  got  %q\n  want %q\nall:\n%s", have, want, dump(got))
				}
				for _, c := range fx.Contains {
					if !slices.ContainsFunc(got, func(f lint.Finding) bool { return strings.Contains(f.Message, c) }) {
						t.Errorf("no message contains %q:\n%s", c, dump(got))
					}
				}
				checkWellFormed(t, got)
			})
		}
	}
}

func dump(fs []lint.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("    ")
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// checkWellFormed checks what every list of findings must satisfy.
func checkWellFormed(t *testing.T, fs []lint.Finding) {
	t.Helper()
	for i, f := range fs {
		switch f.Severity {
		case lint.Error, lint.SecurityWarning, lint.Warning, lint.Suggestion:
		default:
			t.Errorf("finding %d: severity %q", i, f.Severity)
		}
		if f.Code == "" || f.Message == "" || !strings.HasPrefix(f.Learn, "https://docs.aws.amazon.com/") {
			t.Errorf("finding %d incomplete: %+v", i, f)
		}
		if f.Statement < -1 {
			t.Errorf("finding %d: statement %d", i, f.Statement)
		}
		if i > 0 && fs[i-1].Statement > f.Statement {
			t.Errorf("findings not ordered by statement: %d after %d", f.Statement, fs[i-1].Statement)
		}
	}
}

// The engine's refusals are always errors: a document policy.Parse refuses
// gets at least one ERROR finding.
func TestRefusedIsError(t *testing.T) {
	for file, fs := range loadFixtures(t) {
		for _, fx := range fs {
			typ := types[fx.Type]
			if _, err := policy.Parse("p", typ, fx.doc()); err == nil {
				continue
			}
			got, _ := lint.Check(typ, fx.doc(), lint.Options{})
			if !lint.HasErrors(got) {
				t.Errorf("%s/%s: refused by policy.Parse, but no ERROR:\n%s", file, fx.Name, dump(got))
			}
		}
	}
}

// Policy makes Check's checks on a parsed policy, but those that need the
// text as written.
func TestPolicyMatchesCheck(t *testing.T) {
	rawOnly := []string{"EMPTY_SID_VALUE", "EMPTY_OBJECT_CONDITION", "POLICY_SIZE_EXCEEDS_BUCKET_POLICY_QUOTA",
		"POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", "POLICY_SIZE_EXCEEDS_SCP_QUOTA", "POLICY_SIZE_EXCEEDS_RCP_QUOTA"}
	n := 0
	for file, fs := range loadFixtures(t) {
		for _, fx := range fs {
			typ := types[fx.Type]
			p, err := policy.Parse("p", typ, fx.doc())
			if err != nil {
				continue
			}
			n++
			opts := lint.Options{Account: fx.Account}
			checked, _ := lint.Check(typ, fx.doc(), opts)
			checked = slices.DeleteFunc(checked, func(f lint.Finding) bool { return slices.Contains(rawOnly, f.Code) })
			parsed := lint.Policy(p, opts)
			if !slices.Equal(checked, parsed) {
				t.Errorf("%s/%s: Check and Policy differ:\nCheck:\n%sPolicy:\n%s", file, fx.Name, dump(checked), dump(parsed))
			}
		}
	}
	if n < 20 {
		t.Errorf("only %d fixtures parse", n)
	}
}

// S3 User Guide, "Bucket policies and user policies"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html):
// "Bucket policies are limited to 20 KB in size."
func TestBucketPolicySize(t *testing.T) {
	build := func(n int) []byte {
		var stmts []string
		for i := range n {
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r%d"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::media/p%d/*"}`, i, i, i))
		}
		return []byte(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
	}
	small, big := build(10), build(200)
	if len(small) > 20480 || len(big) <= 20480 {
		t.Fatalf("sizes %d and %d do not straddle 20480", len(small), len(big))
	}
	for _, tc := range []struct {
		doc  []byte
		want bool
	}{{small, false}, {big, true}} {
		fs, err := lint.Check(policy.ResourceBased, tc.doc, lint.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := slices.ContainsFunc(fs, func(f lint.Finding) bool {
			return f.Code == "POLICY_SIZE_EXCEEDS_BUCKET_POLICY_QUOTA" && f.Severity == lint.Error && f.Statement == -1
		})
		if got != tc.want {
			t.Errorf("%d bytes: quota finding %v, want %v:\n%s", len(tc.doc), got, tc.want, dump(fs))
		}
	}
	// AWS Organizations quotas
	// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html):
	// an SCP or an RCP is at most 5,120 characters.
	for typ, code := range map[policy.Type]string{
		policy.ServiceControlPolicy:  "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
		policy.ResourceControlPolicy: "POLICY_SIZE_EXCEEDS_RCP_QUOTA",
	} {
		fs, _ := lint.Check(typ, big, lint.Options{})
		if !slices.ContainsFunc(fs, func(f lint.Finding) bool { return f.Code == code && f.Severity == lint.Error }) {
			t.Errorf("%s: no %s:\n%s", typ, code, dump(fs))
		}
	}
	// A VPC endpoint policy is at most 20,480 characters, white space
	// included (AWS PrivateLink quotas,
	// https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html).
	for _, tc := range []struct {
		doc  []byte
		want bool
	}{{small, false}, {big, true}} {
		fs, _ := lint.Check(policy.VPCEndpointPolicy, tc.doc, lint.Options{})
		got := slices.ContainsFunc(fs, func(f lint.Finding) bool {
			return f.Code == "POLICY_SIZE_EXCEEDS_VPC_ENDPOINT_POLICY_QUOTA" && f.Severity == lint.Error
		})
		if got != tc.want {
			t.Errorf("VPC endpoint policy of %d bytes: quota finding %v, want %v:\n%s", len(tc.doc), got, tc.want, dump(fs))
		}
	}
	// The same document as an identity policy is over IAM's 6,144
	// characters (IAM User Guide, "IAM and AWS STS quotas"), a warning.
	fs, _ := lint.Check(policy.IdentityBased, big, lint.Options{})
	if !slices.ContainsFunc(fs, func(f lint.Finding) bool {
		return f.Code == "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA" && f.Severity == lint.Warning
	}) {
		t.Errorf("no identity quota finding:\n%s", dump(fs))
	}
}

func TestCheckUnknownType(t *testing.T) {
	for _, typ := range []policy.Type{0, policy.AccessControlList, 200} {
		if _, err := lint.Check(typ, []byte(`{}`), lint.Options{}); err == nil {
			t.Errorf("type %d: no error", typ)
		}
	}
}

func TestFindingString(t *testing.T) {
	for _, tc := range []struct {
		f    lint.Finding
		want string
	}{
		{lint.Finding{Severity: lint.Error, Code: "INVALID_ACTION", Statement: 2, Sid: "Read", Element: "Action", Message: "m."},
			"ERROR INVALID_ACTION statement 2 (Read): Action: m."},
		{lint.Finding{Severity: lint.Warning, Code: "MISSING_VERSION", Statement: -1, Element: "Version", Message: "m."},
			"WARNING MISSING_VERSION policy: Version: m."},
		{lint.Finding{Severity: lint.Suggestion, Code: "REDUNDANT_STATEMENT", Statement: 0, Message: "m."},
			"SUGGESTION REDUNDANT_STATEMENT statement 0: m."},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestUncheckedServices(t *testing.T) {
	p := policy.MustParse("p", policy.IdentityBased, `{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":["s3:GetObject","EC2:RunInstances","ec2:Describe*","*","dynamodb:GetItem","s*:Get*"],"Resource":"*"}]}`)
	if got, want := lint.UncheckedServices(p), []string{"dynamodb", "ec2"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The findings of a valid, careful bucket policy: none.
func TestCleanPolicy(t *testing.T) {
	doc := `{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/reader"},
	     "Action": ["s3:GetObject", "s3:ListBucket"],
	     "Resource": ["arn:aws:s3:::media", "arn:aws:s3:::media/*"]},
	    {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	     "Resource": ["arn:aws:s3:::media", "arn:aws:s3:::media/*"],
	     "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
	  ]
	}`
	fs, err := lint.Check(policy.ResourceBased, []byte(doc), lint.Options{Account: "111122223333"})
	if err != nil || len(fs) != 0 {
		t.Errorf("err %v, findings:\n%s", err, dump(fs))
	}
}
