package public_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/catalog"
	"github.com/s3vet/s3vet/policy/public"
)

// The documents the cases follow.
const (
	// meaning is the definition this package implements.
	meaning = `S3 User Guide, Blocking public access to your Amazon S3 storage > The meaning of "public" > Bucket policies, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status`
	// mixed is the worked example of a policy with public and non-public grants.
	mixed = `S3 User Guide, Blocking public access to your Amazon S3 storage > How Amazon S3 evaluates a bucket policy that contains both public and non-public access grants, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-example`
	// future is the User Guide's remark that Block Public Access looks at
	// actions AWS may add.
	future = `S3 User Guide, Blocking public access to your Amazon S3 storage > Using IAM Access Analyzer for S3 to review public buckets ("reviews policies for current actions and any potential actions that might be added in the future"), https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-analyzer-public-info`
	// bad is the list of bad actions.
	bad = `S3 API Reference, PublicAccessBlockConfiguration ("Bad actions" are s3:Get*, s3:List*, s3:AbortMultipartUpload, s3:Delete*, s3:Put*, and s3:RestoreObject), https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html`
	// levels are the access levels that tell read from write.
	levels = `Service Authorization Reference, Actions, resources, and condition keys for Amazon S3 (access levels), https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html`
	// operators, ifExists and sets describe when a condition requires its key.
	operators = `IAM User Guide, IAM JSON policy elements: Condition operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html`
	ifExists  = `IAM User Guide, Condition operators > ...IfExists condition operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists`
	sets      = `IAM User Guide, Set operators for multivalued context keys (ForAllValues matches a request without the key; ForAnyValue does not), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html`
	caseKeys  = `IAM User Guide, IAM JSON policy elements: Condition ("Condition key names are not case-sensitive"), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html`
	variables = `IAM User Guide, IAM policy elements: Variables and tags (variables need Version 2012-10-17), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html`
	userid    = `IAM User Guide, AWS global condition context keys > aws:userid (a role session's is role-id:caller-specified-role-name), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-userid`
	orgID     = `IAM User Guide, AWS global condition context keys > aws:PrincipalOrgID (example bucket policy), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid`
	anonRead  = `S3 User Guide, Examples of Amazon S3 bucket policies > Granting read-only permission to a public anonymous user, https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html#example-bucket-policies-anonymous-user`
	ipMix     = `S3 User Guide, Examples of Amazon S3 bucket policies > Allowing IPv4 and IPv6 addresses, https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html#example-bucket-policies-IPv6`
	vpce      = `S3 User Guide, Controlling access from VPC endpoints with bucket policies > Restricting access to a specific VPC endpoint, https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies-vpc-endpoint.html#example-bucket-policies-restrict-accesss-vpc-endpoint`
	delegate  = `S3 User Guide, Configuring IAM policies for using access points > Delegating access control to access points, https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-policies.html#access-points-delegating-control`
	oac       = `CloudFront Developer Guide, Restricting access to an Amazon S3 origin > Give the origin access control permission to access the S3 bucket, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html`
	notPrin   = `IAM User Guide, AWS JSON policy elements: NotPrincipal (with Allow it grants everyone but the listed principals), https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html`
	boolOp    = `IAM User Guide, Condition operators > Boolean condition operators, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean`
)

// star wraps one statement granting s3:GetObject to "*" under cond (a
// Condition element, or "" for none) in a policy.
func star(cond string) string {
	return stmt(`"Principal": "*", "Action": "s3:GetObject"`, cond)
}

// stmt wraps one Allow statement made of fields and cond in a policy of
// Version 2012-10-17.
func stmt(fields, cond string) string {
	s := `{"Effect": "Allow", ` + fields + `, "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"`
	if cond != "" {
		s += `, "Condition": ` + cond
	}
	return `{"Version": "2012-10-17", "Statement": [` + s + `}]}`
}

type testCase struct {
	name   string
	source string // the AWS document and section the case follows
	doc    string // the policy, or
	file   string // a file of testdata holding it

	public      bool
	read, write bool
	// stmts are the public statements; nil means {0} when public.
	stmts []int
	// actions, when not nil, are the first reason's Actions.
	actions []string
	// why must occur in the Why of the first public statement, or of
	// statement 0 when the policy is not public.
	why string
}

var cases = []testCase{
	// The principal.
	{name: "Principal * with no condition", source: meaning, doc: star(""),
		public: true, read: true, actions: []string{"s3:GetObject"},
		why: `Principal "*" with no condition that fixes the caller`},
	{name: "Principal AWS * is *", source: meaning,
		doc:    stmt(`"Principal": {"AWS": "*"}, "Action": "s3:GetObject"`, ""),
		public: true, read: true, why: `Principal "*"`},
	{name: "Principal AWS * among accounts is *", source: meaning,
		doc:    stmt(`"Principal": {"AWS": ["111122223333", "*"]}, "Action": "s3:GetObject"`, ""),
		public: true, read: true, why: `Principal "*"`},
	{name: "fixed account", source: meaning,
		doc: stmt(`"Principal": {"AWS": "111122223333"}, "Action": "s3:*"`, ""),
		why: `Principal AWS "111122223333" is a fixed principal`},
	{name: "fixed role ARN and account root", source: meaning,
		doc: stmt(`"Principal": {"AWS": ["arn:aws:iam::111122223333:role/JohnDoe", "arn:aws:iam::444455556666:root"]}, "Action": "s3:GetObject"`, ""),
		why: "is a fixed principal"},
	{name: "fixed service principal", source: meaning,
		doc: stmt(`"Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject"`, ""),
		why: `Service "logging.s3.amazonaws.com"`},
	{name: "fixed canonical user (CloudFront origin access identity)", source: meaning,
		doc: stmt(`"Principal": {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "Action": "s3:GetObject"`, ""),
		why: "is a fixed principal"},
	{name: "User Guide example 1: Federated graph.facebook.com is public", source: meaning,
		file: "s3ug-public-federated.json", public: true, write: true, actions: []string{"s3:PutObject"},
		why: `Principal Federated "graph.facebook.com"`},
	{name: "a Federated provider beside a fixed account is still public", source: meaning,
		doc:    stmt(`"Principal": {"AWS": "111122223333", "Federated": "cognito-identity.amazonaws.com"}, "Action": "s3:GetObject"`, ""),
		public: true, read: true, why: `Federated "cognito-identity.amazonaws.com"`},

	// The User Guide's other examples.
	{name: `User Guide example 2: "Principal": "*" PutObject`, source: meaning,
		file: "s3ug-public-anyone.json", public: true, write: true, actions: []string{"s3:PutObject"}},
	{name: "User Guide example 3: StringLike aws:SourceVpc vpc-* is public", source: meaning,
		file: "s3ug-public-sourcevpc-wildcard.json", public: true, write: true,
		why: `aws:SourceVpc "vpc-*" is a wildcard pattern`},
	{name: "User Guide: StringEquals aws:SourceVpc vpc-91237329 is not public", source: meaning,
		file: "s3ug-nonpublic-sourcevpc-fixed.json",
		why:  `StringEquals on aws:SourceVpc "vpc-91237329" fixes the caller`},
	{name: "User Guide: CloudTrail, Account-2 and the public: only the third statement is public", source: mixed + " (built from its description)",
		file: "s3ug-mixed-grants.json", public: true, read: true, stmts: []int{2}, actions: []string{"s3:GetObject"}},
	{name: "anonymous read-only example is public read", source: anonRead,
		file: "s3ug-anonymous-read.json", public: true, read: true,
		actions: []string{"s3:GetObject", "s3:GetObjectVersion"}},

	// Conditions that fix the caller: the false positives other tools are
	// known for.
	{name: "* limited by aws:SourceVpce is not public", source: meaning,
		doc: star(`{"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}`),
		why: `Principal "*", but StringEquals on aws:SourceVpce "vpce-1a2b3c4d" fixes the caller`},
	{name: "* limited by aws:PrincipalOrgID is not public (IAM example)", source: meaning + "; " + orgID,
		file: "iam-principalorgid.json", why: "aws:PrincipalOrgID"},
	{name: "* limited by s3:DataAccessPointAccount is not public (delegating to access points)", source: meaning + "; " + delegate,
		file: "s3ug-delegate-to-access-points.json", why: "s3:DataAccessPointAccount"},
	{name: "s3:DataAccessPointArn with a wildcard access point name is not public", source: meaning,
		file: "s3ug-access-point-arn-wildcard.json", why: "s3:DataAccessPointArn"},
	{name: "s3:DataAccessPointArn with a wildcard Region is public", source: meaning,
		doc:    star(`{"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:*:123456789012:accesspoint/*"}}`),
		public: true, read: true, why: "outside the access point name"},
	{name: "s3:DataAccessPointArn with a wildcard account is public", source: meaning,
		doc:    star(`{"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:*:accesspoint/*"}}`),
		public: true, read: true, why: "outside the access point name"},
	{name: "s3:DataAccessPointArn fixed is not public", source: meaning,
		doc: star(`{"ArnEquals": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/reports"}}`)},
	{name: "s3:DataAccessPointArn with a variable name is public", source: meaning + "; " + variables,
		doc:    star(`{"StringLike": {"s3:DataAccessPointArn": "arn:aws:s3:us-west-2:123456789012:accesspoint/${aws:username}"}}`),
		public: true, read: true, why: "uses a policy variable"},
	{name: "aws:SourceAccount fixed", source: meaning, doc: star(`{"StringEquals": {"aws:SourceAccount": "111122223333"}}`)},
	{name: "aws:SourceOwner fixed", source: meaning, doc: star(`{"StringEquals": {"aws:SourceOwner": "111122223333"}}`)},
	{name: "aws:PrincipalAccount fixed", source: meaning, doc: star(`{"StringEquals": {"aws:PrincipalAccount": "111122223333"}}`)},
	{name: "aws:PrincipalAccount anonymous is public", source: meaning + "; IAM User Guide, AWS global condition context keys: aws:PrincipalAccount (anonymous requests)",
		doc:    star(`{"StringEquals": {"aws:PrincipalAccount": ["111122223333", "anonymous"]}}`),
		public: true, read: true, why: "is what an anonymous request carries"},
	{name: "aws:userid anonymous is public", source: meaning + "; IAM User Guide, Policy variables: Principal key values (anonymous)",
		doc:    star(`{"StringEqualsIgnoreCase": {"aws:userid": "Anonymous"}}`),
		public: true, read: true, why: "is what an anonymous request carries"},
	{name: "s3:x-amz-server-side-encryption-aws-kms-key-id fixed", source: meaning,
		doc: star(`{"StringEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}`)},
	{name: "s3:x-amz-server-side-encryption-aws-kms-key-id wildcard", source: meaning,
		doc:    star(`{"StringLike": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:*"}}`),
		public: true, read: true, why: "is a wildcard pattern"},
	{name: "aws:PrincipalArn is not one of the keys", source: meaning,
		doc:    star(`{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/reader"}}`),
		public: true, read: true, why: `Principal "*" with no condition that fixes the caller`},
	{name: "a condition on another key leaves * public", source: meaning,
		doc:    star(`{"StringEquals": {"s3:prefix": "home/"}}`),
		public: true, read: true},

	// aws:SourceIp.
	{name: "aws:SourceIp 10.0.0.0/8 is not public", source: meaning,
		doc: star(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}`), why: "aws:SourceIp"},
	{name: "aws:SourceIp 10.0.0.0/7 is public", source: meaning,
		doc:    star(`{"IpAddress": {"aws:SourceIp": "10.0.0.0/7"}}`),
		public: true, read: true, why: "aws:SourceIp 10.0.0.0/7 is broader than /8"},
	{name: "aws:SourceIp 0.0.0.0/1, the User Guide's example, is public", source: meaning,
		doc:    star(`{"IpAddress": {"aws:SourceIp": "0.0.0.0/1"}}`),
		public: true, read: true, why: "aws:SourceIp 0.0.0.0/1 is broader than /8"},
	{name: "aws:SourceIp one address", source: meaning,
		doc: star(`{"IpAddress": {"aws:SourceIp": "203.0.113.7"}}`)},
	{name: "aws:SourceIp IPv6 /32 is not public", source: meaning,
		doc: star(`{"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}`)},
	{name: "aws:SourceIp IPv6 /31 is public", source: meaning,
		doc:    star(`{"IpAddress": {"aws:SourceIp": "2001:db8::/31"}}`),
		public: true, read: true, why: "aws:SourceIp 2001:db8::/31 is broader than /32"},
	{name: "aws:SourceIp with one broad block among narrow ones is public", source: meaning,
		doc:    star(`{"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "0.0.0.0/0"]}}`),
		public: true, read: true, why: "aws:SourceIp 0.0.0.0/0 is broader than /8"},
	{name: "aws:SourceIp IPv4-mapped ::ffff:0.0.0.0/96 is all of IPv4", source: meaning,
		doc:    star(`{"IpAddress": {"aws:SourceIp": "::ffff:0.0.0.0/96"}}`),
		public: true, read: true, why: "(IPv4 /0) is broader than /8"},
	{name: "aws:SourceIp IPv4-mapped ::ffff:10.0.0.0/104 is IPv4 /8", source: meaning,
		doc: star(`{"IpAddress": {"aws:SourceIp": "::ffff:10.0.0.0/104"}}`)},
	{name: "aws:SourceIp under NotIpAddress is public", source: meaning + "; " + operators,
		doc:    star(`{"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}`),
		public: true, read: true, why: "aws:SourceIp is under NotIpAddress, a negated operator"},
	{name: "IPv4 and IPv6 example is not public", source: meaning + "; " + ipMix,
		file: "s3ug-ip-mix.json", why: `IpAddress on aws:SourceIp ("192.0.2.0/24", "2001:DB8:1234:5678::/64") fixes the caller`},

	// Wildcards and variables in values.
	{name: "wildcard in aws:SourceArn is public", source: meaning,
		doc:    star(`{"StringLike": {"aws:SourceArn": "arn:aws:iam::*:role/x"}}`),
		public: true, read: true, why: `aws:SourceArn "arn:aws:iam::*:role/x" is a wildcard pattern`},
	{name: "ArnLike aws:SourceArn with ? is public", source: meaning,
		doc:    star(`{"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:11112222333?:topic"}}`),
		public: true, read: true, why: "is a wildcard pattern"},
	{name: "ArnEquals aws:SourceArn literal is not public", source: meaning,
		doc: star(`{"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}}`)},
	{name: "a * under StringEquals still counts as a wildcard", source: meaning + ` ("values that don't contain a wildcard")`,
		doc:    star(`{"StringEquals": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic"}}`),
		public: true, read: true, why: "is a wildcard pattern"},
	{name: "a policy variable is not a fixed value", source: meaning + "; " + variables,
		doc:    star(`{"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}`),
		public: true, read: true, why: "uses a policy variable"},
	{name: "${...} in a 2008-10-17 policy is literal text", source: variables,
		doc: `{"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
			"Condition": {"StringEquals": {"aws:SourceAccount": "${aws:PrincipalAccount}"}}}]}`},
	{name: "${*} is a literal star, not a wildcard", source: variables,
		doc: star(`{"StringEquals": {"aws:SourceVpc": "vpc-${*}"}}`)},

	// Operators.
	{name: "StringNotEquals on aws:PrincipalOrgID is public", source: meaning + "; " + operators,
		doc:    star(`{"StringNotEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxxx"}}`),
		public: true, read: true, why: "aws:PrincipalOrgID is under StringNotEquals, a negated operator"},
	{name: "StringEqualsIfExists is public", source: meaning + "; " + ifExists,
		doc:    star(`{"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}`),
		public: true, read: true, why: "aws:SourceVpce is under StringEqualsIfExists, which matches a request without the key"},
	{name: "ForAllValues matches a request without the key: public", source: meaning + "; " + sets,
		doc:    star(`{"ForAllValues:StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}`),
		public: true, read: true, why: "ForAllValues:StringEquals, which matches a request without the key"},
	{name: "ForAnyValue requires the key: not public", source: meaning + "; " + sets,
		doc: star(`{"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxxx"}}`)},
	{name: "ForAnyValue:StringLikeIfExists is public", source: meaning + "; " + sets + "; " + ifExists,
		doc:    star(`{"ForAnyValue:StringLikeIfExists": {"aws:PrincipalOrgID": "o-xxxxxxxxxxx"}}`),
		public: true, read: true},
	{name: "ForAnyValue:StringNotEquals is public", source: meaning + "; " + sets,
		doc:    star(`{"ForAnyValue:StringNotEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxxx"}}`),
		public: true, read: true, why: "negated operator"},
	{name: "Null fixes no value", source: meaning + "; " + operators,
		doc:    star(`{"Null": {"aws:SourceVpce": "false"}}`),
		public: true, read: true, why: "aws:SourceVpce is under Null, which fixes no value"},
	{name: "condition key names are case-insensitive", source: meaning + "; " + caseKeys,
		doc: star(`{"StringEquals": {"AWS:SOURCEVPCE": "vpce-1a2b3c4d"}}`), why: "aws:SourceVpce"},
	{name: "StringEqualsIgnoreCase fixes the value", source: meaning + "; " + operators,
		doc: star(`{"StringEqualsIgnoreCase": {"aws:SourceVpc": "vpc-91237329"}}`)},
	{name: "one fixing condition is enough beside others that are not", source: meaning + "; " + operators,
		doc: star(`{"StringLike": {"aws:SourceArn": "arn:aws:s3:::*"}, "StringEquals": {"aws:SourceAccount": "111122223333"}}`)},
	{name: "CloudFront origin access control (AWS:SourceArn, Service principal) is not public", source: oac,
		file: "cloudfront-oac.json", why: `Service "cloudfront.amazonaws.com" is a fixed principal`},

	// Bool written as a JSON boolean.
	{name: "Bool JSON true beside a fixed aws:SourceVpce; Bool JSON false alone is public", source: meaning + "; " + boolOp,
		file: "bool-json-false.json", public: true, read: true, stmts: []int{1}, actions: []string{"s3:GetObject"},
		why: `Principal "*" with no condition that fixes the caller`},

	// aws:userid.
	{name: "aws:userid fixed user ID", source: meaning + "; " + userid,
		doc: star(`{"StringEquals": {"aws:userid": "AIDACKCEVSQ6C2EXAMPLE"}}`)},
	{name: "aws:userid AROLEID:* (every session of one role) is not public", source: meaning + "; " + userid,
		doc: star(`{"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}}`)},
	{name: "aws:userid fixed role session", source: meaning + "; " + userid,
		doc: star(`{"StringEquals": {"aws:userid": "AROAEXAMPLEID:alice"}}`)},
	{name: "aws:userid *:alice is public", source: meaning + "; " + userid,
		doc:    star(`{"StringLike": {"aws:userid": "*:alice"}}`),
		public: true, read: true, why: `aws:userid "*:alice" is a wildcard pattern`},
	{name: "aws:userid AROA* is public", source: meaning + "; " + userid,
		doc:    star(`{"StringLike": {"aws:userid": "AROA*"}}`),
		public: true, read: true},
	{name: "aws:userid of a user ID with :* is not the role pattern", source: meaning + "; " + userid,
		doc:    star(`{"StringLike": {"aws:userid": "AIDACKCEVSQ6C2EXAMPLE:*"}}`),
		public: true, read: true},

	// Effect and NotPrincipal.
	{name: "Deny is never public", source: meaning,
		doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}`,
		why: "a Deny statement grants nothing"},
	{name: "Deny with NotPrincipal is never public", source: meaning + "; " + notPrin,
		doc: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}]}`},
	{name: "VPC endpoint deny example is not public", source: vpce, file: "s3ug-vpce-deny.json"},
	{name: "restricted to a VPC endpoint and delegating to access points: still not public", source: meaning + "; " + vpce + "; " + delegate,
		doc: `{"Version": "2012-10-17", "Statement": [
			{"Sid": "FromTheEndpoint", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
			 "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
			{"Sid": "DelegateToAccessPoints", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*",
			 "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
			 "Condition": {"StringEquals": {"s3:DataAccessPointAccount": "111122223333", "aws:SourceVpce": "vpce-1a2b3c4d"}}}]}`,
		why: "aws:SourceVpce"},
	{name: "Allow * beside a Deny outside the organization: the Allow is public on its own", source: meaning + "; " + mixed,
		file: "allow-all-deny-outside-org.json", public: true, read: true, stmts: []int{0}},

	// Bad actions.
	{name: "s3:GetBucketLocation matches s3:Get*: a bad action", source: bad,
		doc:    stmt(`"Principal": "*", "Action": "s3:GetBucketLocation"`, ""),
		public: true, read: true, actions: []string{"s3:GetBucketLocation"}},
	{name: "s3:ReplicateObject is not a bad action", source: bad,
		doc: stmt(`"Principal": "*", "Action": ["s3:ReplicateObject", "s3:ReplicateDelete"]`, ""),
		why: "grants none of the bad actions"},
	{name: "s3:CreateBucket and s3:Replicate* are not bad actions", source: bad,
		doc: stmt(`"Principal": "*", "Action": ["s3:CreateBucket", "s3:Replicate*"]`, "")},
	{name: "actions of other services are not bad actions", source: bad,
		doc: stmt(`"Principal": "*", "Action": "kms:Decrypt"`, "")},
	{name: `"*" grants every bad action`, source: bad,
		doc:    stmt(`"Principal": "*", "Action": "*"`, ""),
		public: true, read: true, write: true,
		actions: []string{"s3:AbortMultipartUpload", "s3:Delete*", "s3:Get*", "s3:List*", "s3:Put*", "s3:RestoreObject"}},
	{name: `"s3:*" grants every bad action`, source: bad,
		doc:    stmt(`"Principal": "*", "Action": "s3:*"`, ""),
		public: true, read: true, write: true,
		actions: []string{"s3:AbortMultipartUpload", "s3:Delete*", "s3:Get*", "s3:List*", "s3:Put*", "s3:RestoreObject"}},
	{name: "a service wildcard s?:Get* matches s3:Get*", source: bad,
		doc:    stmt(`"Principal": "*", "Action": "s?:Get*"`, ""),
		public: true, read: true, actions: []string{"s3:Get*"}},
	{name: "an action name is case-insensitive", source: bad,
		doc:    stmt(`"Principal": "*", "Action": ["S3:GETOBJECT", "s3:getobject"]`, ""),
		public: true, read: true, actions: []string{"s3:GetObject"}},
	{name: "an action covered by a granted pattern is listed once", source: bad,
		doc:    stmt(`"Principal": "*", "Action": ["s3:GetObject", "s3:Get*"]`, ""),
		public: true, read: true, actions: []string{"s3:Get*"}},
	{name: "s3:*Object reads and writes", source: bad + "; " + levels,
		doc:    stmt(`"Principal": "*", "Action": "s3:*Object"`, ""),
		public: true, read: true, write: true,
		actions: []string{"s3:DeleteObject", "s3:GetObject", "s3:PutObject", "s3:RestoreObject"}},
	{name: "a pattern that names only future actions is bad", source: bad + "; " + future,
		doc:    stmt(`"Principal": "*", "Action": "s3:Get*Foo"`, ""),
		public: true, read: true, actions: []string{"s3:Get*Foo"}},
	{name: "NotAction s3:* grants no bad action", source: bad,
		doc: stmt(`"Principal": "*", "NotAction": "s3:*"`, ""), why: "grants none of the bad actions"},
	{name: "NotAction leaving out every bad action", source: bad,
		doc: stmt(`"Principal": "*", "NotAction": ["s3:Get*", "s3:List*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload", "s3:RestoreObject"]`, "")},
	{name: "NotAction listing every current s3:List* action still grants future ones", source: bad + "; " + future,
		doc: stmt(`"Principal": "*", "NotAction": ["s3:Get*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload", "s3:RestoreObject", `+
			everyAction("s3:List*")+`]`, ""),
		public: true, read: true, actions: []string{"s3:List*"}},
	{name: "NotAction s3:GetObject grants the other bad actions", source: bad,
		doc:    stmt(`"Principal": "*", "NotAction": "s3:GetObject"`, ""),
		public: true, read: true, write: true},
	{name: "s3:PutObjectTagging is public write only", source: bad + "; " + levels,
		doc:    stmt(`"Principal": "*", "Action": "s3:PutObjectTagging"`, ""),
		public: true, write: true, actions: []string{"s3:PutObjectTagging"}},
	{name: "s3:ListBucket is public read only", source: bad + "; " + levels,
		doc:    stmt(`"Principal": "*", "Action": "s3:ListBucket"`, ""),
		public: true, read: true, actions: []string{"s3:ListBucket"}},
	{name: "s3:PutBucketPolicy (Permissions management) is public write", source: bad + "; " + levels,
		doc:    stmt(`"Principal": "*", "Action": "s3:PutBucketPolicy"`, ""),
		public: true, write: true},
}

// everyAction lists, as JSON strings separated by commas, the name of every
// action of the catalog that pattern matches.
func everyAction(pattern string) string {
	var q []string
	for _, a := range catalog.Expand(pattern) {
		q = append(q, strconv.Quote(a.String()))
	}
	return strings.Join(q, ", ")
}

// load parses a case's policy as a bucket policy.
func load(t testing.TB, c testCase) *policy.Policy {
	t.Helper()
	doc := []byte(c.doc)
	name := c.name
	if c.file != "" {
		var err error
		if doc, err = os.ReadFile(filepath.Join("testdata", c.file)); err != nil {
			t.Fatal(err)
		}
		name = c.file
	}
	p, err := policy.Parse(name, policy.ResourceBased, doc)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return p
}

func TestAnalyze(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.source == "" {
				t.Fatal("case cites no document")
			}
			p := load(t, c)
			res := public.Analyze(p)
			if res.Public != c.public || res.Read != c.read || res.Write != c.write {
				t.Fatalf("public, read, write = %v, %v, %v; want %v, %v, %v\n%+v",
					res.Public, res.Read, res.Write, c.public, c.read, c.write, res)
			}
			if got := public.IsPublic(p); got != res.Public {
				t.Errorf("IsPublic = %v, Analyze says %v", got, res.Public)
			}
			want := c.stmts
			if want == nil && c.public {
				want = []int{0}
			}
			var got []int
			for _, r := range res.Reasons {
				got = append(got, r.Statement)
				if r.Why == "" || len(r.Actions) == 0 || !r.Read && !r.Write {
					t.Errorf("reason %d incomplete: %+v", r.Statement, r)
				}
				if !slices.IsSorted(r.Actions) || len(slices.Compact(slices.Clone(r.Actions))) != len(r.Actions) {
					t.Errorf("actions not sorted and unique: %q", r.Actions)
				}
				if r.Sid != p.Statements[r.Statement].Sid {
					t.Errorf("reason %d: Sid %q, want %q", r.Statement, r.Sid, p.Statements[r.Statement].Sid)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("public statements %v, want %v", got, want)
			}
			if c.actions != nil && !slices.Equal(res.Reasons[0].Actions, c.actions) {
				t.Errorf("actions %q, want %q", res.Reasons[0].Actions, c.actions)
			}
			// Statement agrees with Analyze, statement by statement.
			for i := range p.Statements {
				r, pub := public.Statement(p, i)
				if pub != slices.Contains(got, i) {
					t.Errorf("Statement(%d) public = %v, Analyze disagrees", i, pub)
				}
				if r.Statement != i || r.Why == "" {
					t.Errorf("Statement(%d) = %+v", i, r)
				}
				if !pub && (r.Actions != nil || r.Read || r.Write) {
					t.Errorf("Statement(%d) not public but carries actions: %+v", i, r)
				}
			}
			if c.why != "" {
				i := 0
				if c.public {
					i = want[0]
				}
				r, _ := public.Statement(p, i)
				if !strings.Contains(r.Why, c.why) {
					t.Errorf("why %q lacks %q", r.Why, c.why)
				}
			}
		})
	}
}

// TestNotPrincipalAllow builds the statement by hand: package policy
// refuses NotPrincipal with Allow, which AWS no longer accepts, but a
// policy written before that grants everyone the list leaves out.
func TestNotPrincipalAllow(t *testing.T) {
	t.Log(notPrin)
	p := &policy.Policy{Type: policy.ResourceBased, Version: policy.Version2012, Statements: []policy.Statement{{
		Effect:    policy.Allow,
		Principal: &policy.Principals{Not: true, AWS: []string{"111122223333"}},
		Action:    []string{"s3:GetObject"},
		Resource:  []string{"arn:aws:s3:::amzn-s3-demo-bucket/*"},
	}}}
	res := public.Analyze(p)
	if !res.Public || !res.Read || res.Write || len(res.Reasons) != 1 {
		t.Fatalf("got %+v", res)
	}
	if !strings.Contains(res.Reasons[0].Why, "NotPrincipal") {
		t.Errorf("why %q does not name NotPrincipal", res.Reasons[0].Why)
	}
	if !public.IsPublic(p) {
		t.Error("IsPublic = false")
	}
}

func TestNoPolicyAndOutOfRange(t *testing.T) {
	res := public.Analyze(nil)
	if res.Public || res.Reasons == nil || len(res.Reasons) != 0 {
		t.Errorf("Analyze(nil) = %+v", res)
	}
	if public.IsPublic(nil) {
		t.Error("IsPublic(nil) = true")
	}
	p := policy.MustParse("p", policy.ResourceBased, star(""))
	for _, i := range []int{-1, 1, 99} {
		if r, pub := public.Statement(p, i); pub || r.Why == "" {
			t.Errorf("Statement(%d) = %+v, %v", i, r, pub)
		}
	}
	if _, pub := public.Statement(nil, 0); pub {
		t.Error("Statement(nil, 0) is public")
	}
	// A statement without Principal (an identity-based policy) grants
	// nothing to the public.
	id := policy.MustParse("id", policy.IdentityBased, `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}`)
	if public.Analyze(id).Public || public.IsPublic(id) {
		t.Error("identity-based policy is public")
	}
}

// TestJSON checks the shape s3vet public prints.
func TestJSON(t *testing.T) {
	b, err := json.Marshal(public.Analyze(policy.MustParse("p", policy.ResourceBased,
		stmt(`"Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject"`, ""))))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"public":false,"read":false,"write":false,"reasons":[]}`; string(b) != want {
		t.Errorf("got %s, want %s", b, want)
	}
	b, err = json.Marshal(public.Analyze(policy.MustParse("p", policy.ResourceBased, star(""))))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"public":true,"read":true,"write":false,"reasons":[{"statement":0,"why":"Principal \"*\" with no condition that fixes the caller","actions":["s3:GetObject"],"read":true,"write":false}]}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}
