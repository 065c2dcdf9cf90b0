package simulate

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
)

// AddAccount adds an account with one root access key and returns it, for
// building a world in Go rather than loading it from a file.
func (w *World) AddAccount(id string) *Account {
	a := &Account{ID: id, RootAccessKeys: []AccessKey{derivedKey(id, "root")}}
	w.Accounts = append(w.Accounts, a)
	return a
}

// AddUser adds an IAM user with the given identity-based policies (JSON
// documents) and one access key, derived from the account and the name so
// that tests are repeatable.
func (a *Account) AddUser(name string, policies ...string) *User {
	u := &User{Name: name, AccessKeys: []AccessKey{derivedKey(a.ID, "user/"+name)}, Policies: raws(policies), account: a.ID}
	a.Users = append(a.Users, u)
	return u
}

// AddRole adds an IAM role with a trust policy and identity-based
// policies (JSON documents).
func (a *Account) AddRole(name, trustPolicy string, policies ...string) *Role {
	r := &Role{Name: name, Policies: raws(policies), account: a.ID}
	if trustPolicy != "" {
		r.TrustPolicy = json.RawMessage(trustPolicy)
	}
	a.Roles = append(a.Roles, r)
	return r
}

// AddBucket adds a bucket with S3's defaults for a new bucket and, if
// given, a bucket policy (a JSON document).
func (a *Account) AddBucket(name string, policy ...string) *Bucket {
	b := &Bucket{Name: name}
	if len(policy) > 0 && policy[0] != "" {
		b.Policy = json.RawMessage(policy[0])
	}
	a.Buckets = append(a.Buckets, b)
	return b
}

// AddObject adds an object, owned by the bucket owner, and returns the
// bucket.
func (b *Bucket) AddObject(key, body string) *Bucket {
	b.Objects = append(b.Objects, Object{Key: key, Body: body})
	return b
}

// ARN returns the root user's ARN, arn:aws:iam::ACCOUNT:root.
func (a *Account) ARN() string { return "arn:aws:iam::" + a.ID + ":root" }

// ARN returns the user's ARN. It is known for users added with
// Account.AddUser or loaded with LoadWorld, and empty otherwise.
func (u *User) ARN() string {
	if u.account == "" {
		return ""
	}
	return "arn:aws:iam::" + u.account + ":user" + cleanPath(u.Path) + u.Name
}

// ARN returns the role's ARN. It is known for roles added with
// Account.AddRole or loaded with LoadWorld, and empty otherwise.
func (r *Role) ARN() string {
	if r.account == "" {
		return ""
	}
	return "arn:aws:iam::" + r.account + ":role" + cleanPath(r.Path) + r.Name
}

func raws(docs []string) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(docs))
	for _, d := range docs {
		out = append(out, json.RawMessage(d))
	}
	return out
}

// derivedKey returns an access key in AWS's shape (AKIA and 16 upper-case
// letters and digits, a 40-character secret) derived from its owner's name.
func derivedKey(account, who string) AccessKey {
	h := sha256.Sum256([]byte("s3vet access key\x00" + account + "\x00" + who))
	id := "AKIA" + base32.StdEncoding.EncodeToString(h[:10])[:16]
	s := sha256.Sum256(h[:])
	return AccessKey{ID: id, Secret: base64.StdEncoding.EncodeToString(s[:])[:40]}
}
