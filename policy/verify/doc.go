// Package verify proves properties of policies before they are deployed,
// offline: the questions of IAM Access Analyzer's custom policy checks.
//
//   - [NoNewAccess]: does the new policy allow any request that the old
//     one does not (CheckNoNewAccess)?
//   - [AccessNotGranted]: does the policy allow any of these actions on
//     these resources (CheckAccessNotGranted)?
//   - [NoPublicAccess]: is the bucket policy public, as S3 Block Public
//     Access defines it (CheckNoPublicAccess)?
//
// Each answers PASS, FAIL or UNKNOWN. A FAIL comes with a witness: a
// concrete request (principal, action, resource, condition keys) that
// package policy's Set.Evaluate allows under the new policy and denies
// under the old one, evaluated before it is returned. A PASS means that
// no such request exists.
//
// # How it decides
//
// A statement applies to a request when its action, resource, principal
// and every condition match ("Policy evaluation logic", IAM User Guide),
// and each of these reads one part of the request. So the check cuts each
// part into the finitely many classes the policies can tell apart, and a
// statement becomes a box: per part, the classes it matches.
//
//   - Strings (actions, resources, principal ARNs, string and ARN keys)
//     are cut by automata over the characters the patterns name, with *
//     and ?, case-insensitive operators and the rule that a * in a
//     resource ARN stays within its colon-delimited segment.
//   - Numbers, dates and IP addresses are cut at the values and CIDR
//     blocks the policies name; Bool and Null read true, false and
//     absence.
//   - A multivalued key (ForAnyValue, ForAllValues, a key the Service
//     Authorization Reference types as an array, or, the stricter reading,
//     a key of a service outside the catalog) takes every set of classes.
//   - An action pairs only with the resource types the Service
//     Authorization Reference lists for it, and actions that take none
//     pair with "*"; actions outside the catalog pair with any resource.
//   - The principal carries the keys AWS derives from it
//     (aws:PrincipalArn, with the path of a user or role; aws:PrincipalAccount,
//     aws:PrincipalType, aws:username, aws:userid for the root user and
//     ACCOUNT:NAME for a federated user); aws:userid of users and role
//     sessions, and every other key, is free. A role named in a Principal
//     is the one role of that name in its account, whatever path other
//     roles' ARNs take (when the policies name it with two paths, it was
//     recreated between them, and its sessions match by name, as package
//     policy matches them).
//
// Whether a statement matches a class is asked of package policy itself,
// so the check and the engine cannot disagree on a match. The allowed
// requests are then a union of boxes less a union of boxes, and the
// search splits boxes until it finds a request or has covered them all:
// it is exact for the language it accepts.
//
// # Policy variables
//
// A policy variable (${aws:username} in a pattern) ties one part of a
// request to another, which boxes cannot hold. Statements with variables
// that both policies hold word for word are set aside (they allow the same
// requests in both, for every value); the others are widened where they
// must allow and narrowed where they are subtracted, so that a PASS on the
// approximation is a PASS. A witness the policies themselves do not
// confirm is sought again with every variable given one value
// ("s3vet-var": a user of that name for aws:username, the key in the
// context otherwise). See vars.go for the argument.
//
// # Where it answers UNKNOWN
//
// When policy variables keep it from proving either answer, and for
// CanonicalUser and Federated (web identity and SAML) principals, role
// sessions and IAM unique IDs named in a Principal, a key read both as a string and as a number
// (or date, address), a multivalued key with more classes than
// Options.MaxSetClasses, and any problem larger than Options.MaxStates or
// Options.MaxWork. UNKNOWN names the construct; it is never a guessed
// PASS.
//
// # What the requests are
//
// The requests are AWS's: an action in service:name form on an ARN (or
// "*"), from an IAM user, a role session, a federated user (a
// GetFederationToken session, whose session policy is taken to allow
// everything), a root user, a service or an anonymous caller, with single
// values for single-valued keys. Callers are of the partition "aws" and of
// every other partition the policies' ARNs name. The requests are decided
// as cross-account ones, so that a policy's grants are compared whatever
// account the caller is in; aws:ResourceAccount is a key of its own, and
// S3's requests alone carry s3:ResourceAccount beside it. For identity
// policies the caller is a user, a role session or a federated user, for
// resource-based policies anyone.
//
// # Cost
//
// Cutting a dimension explores an automaton whose states are sets of
// pattern positions: linear in the patterns in practice, exponential in
// the worst case, and bounded by Options.MaxStates. The search splits a
// box along each dimension of each Deny (and old Allow) statement that
// cuts it: exponential in the number of statements in the worst case,
// bounded by Options.MaxWork. BenchmarkNoNewAccess measures realistic
// pairs (tens of milliseconds a check); a problem that exhausts the default
// MaxWork takes some 10 to 15 seconds of one core before it answers
// UNKNOWN, and a set of 250 Deny statements with three conditions each,
// about 8 seconds to PASS. Pass a context with a deadline to bound it in
// time.
package verify
