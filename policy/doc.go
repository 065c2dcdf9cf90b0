// Package policy is the IAM policy language and AWS's policy evaluation
// logic, in pure Go: no SDK, no I/O.
//
// # Parse once, evaluate many times
//
// [Parse] reads a policy document of a given [Type] (identity-based,
// resource-based, permissions boundary, session policy, SCP, RCP, role
// trust policy) and compiles it: wildcard patterns, policy variables,
// CIDR blocks, dates and numbers are parsed once. Every form the grammar
// allows is accepted (IAM User Guide, "Grammar of the IAM JSON policy
// language",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html);
// what AWS would refuse is a [*SyntaxError] naming the policy, the
// statement and the element.
//
// A [Set] holds every policy AWS evaluates for a request. [Set.Evaluate]
// answers a [Request] with a [Result] and allocates nothing;
// [Set.Explain] also lists every statement that applied. Both are safe
// for concurrent use.
//
// # The evaluation logic
//
// The rules are those of the IAM User Guide, "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
//
//   - an explicit Deny in any policy wins;
//   - every level of the caller's SCP chain must allow; RCPs can only deny
//     (RCPFullAWSAccess is attached at every level); SCPs do not apply to
//     anonymous callers or service principals;
//   - within one account, an identity-based or a resource-based policy may
//     allow; across accounts, both must;
//   - a resource-based policy that names an account delegates to that
//     account's identity-based policies; one that names a user, a role
//     session or everyone is limited by no implicit deny; one that names a
//     role is limited by the permissions boundary and the session policy;
//   - permissions boundaries and session policies limit, never grant.
//
// Condition operators, set qualifiers, missing keys and policy variables
// follow "IAM JSON policy elements: Condition operators" and "Variables and
// tags". Keys that AWS derives from the caller (aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:username, aws:userid,
// aws:PrincipalIsAWSService) and aws:ResourceAccount are derived from the
// request unless its Context sets them.
//
// # Explanations
//
// A Result names the policy type that decided in the words of S3's
// AccessDenied messages ("because no identity-based policy allows the
// s3:GetObject action", "with an explicit deny in a resource-based
// policy"); [Result.Message] is the whole message.
//
// S3's own rules on top of this (ACLs, Object Ownership, Block Public
// Access) are in package [github.com/s3vet/s3vet/policy/access].
package policy
