package simulate

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// MergeWorlds joins worlds collected one account at a time (as s3vet
// collect writes them, run for each account of an organization by the
// caller's own scheduler) into one world, whose accounts then see each
// other's grants: who-can across accounts needs them together. The result
// shares the accounts of its inputs.
//
// It refuses what one world cannot hold, rather than guess: worlds of
// different Regions; the same account twice; an AWS managed policy with
// two different documents; and organizations that differ in anything but
// their member accounts. A world holds one path of SCPs and RCPs from the
// root down, the same for every member (docs/serve-config.md), so accounts
// under different OUs, or with SCPs attached to the account itself that
// differ, cannot be merged; answer them one account at a time.
func MergeWorlds(ws ...*World) (*World, error) {
	out := &World{}
	seen := map[string]bool{}
	managed := map[string]json.RawMessage{}
	for i, w := range ws {
		if w == nil {
			return nil, fmt.Errorf("simulate: merge: world %d is nil", i)
		}
		region := cmp.Or(w.Region, "us-east-1")
		if i == 0 {
			out.Region = region
		} else if region != out.Region {
			return nil, fmt.Errorf("simulate: merge: world %d is of Region %s, world 0 of %s", i, region, out.Region)
		}
		if w.Organization != nil {
			if out.Organization == nil {
				o := *w.Organization
				o.Accounts = slices.Clone(o.Accounts)
				out.Organization = &o
			} else {
				if err := sameOrganization(out.Organization, w.Organization); err != nil {
					return nil, fmt.Errorf("simulate: merge: world %d: %w", i, err)
				}
				for _, a := range w.Organization.Accounts {
					if !slices.Contains(out.Organization.Accounts, a) {
						out.Organization.Accounts = append(out.Organization.Accounts, a)
					}
				}
			}
		}
		for _, p := range w.AWSManagedPolicies {
			key := cmp.Or(p.Path, "/") + p.Name
			if doc, dup := managed[key]; dup {
				if !sameJSON(doc, p.Document) {
					return nil, fmt.Errorf("simulate: merge: world %d: AWS managed policy %s differs from an earlier world's", i, key)
				}
				continue
			}
			managed[key] = p.Document
			out.AWSManagedPolicies = append(out.AWSManagedPolicies, p)
		}
		for _, a := range w.Accounts {
			if a == nil {
				continue
			}
			if seen[a.ID] {
				return nil, fmt.Errorf("simulate: merge: world %d: account %s is in an earlier world too", i, a.ID)
			}
			seen[a.ID] = true
			out.Accounts = append(out.Accounts, a)
		}
	}
	return out, nil
}

// errOrganizationsDiffer is wrapped by sameOrganization's errors.
var errOrganizationsDiffer = errors.New("the organizations differ")

// sameOrganization reports, as an error, how two organizations differ in
// anything but their member accounts.
func sameOrganization(a, b *Organization) error {
	x, y := *a, *b
	x.Accounts, y.Accounts = nil, nil
	ja, err := json.Marshal(x)
	if err != nil {
		return err
	}
	jb, err := json.Marshal(y)
	if err != nil {
		return err
	}
	if !sameJSON(ja, jb) {
		return fmt.Errorf("%w: %s and %s differ in their SCPs, RCPs, OUs or management account, and a world holds one path of them", errOrganizationsDiffer, a.ID, b.ID)
	}
	return nil
}

// sameJSON reports whether two JSON documents are the same value.
func sameJSON(a, b []byte) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return bytes.Equal(a, b)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return bytes.Equal(ja, jb)
}
