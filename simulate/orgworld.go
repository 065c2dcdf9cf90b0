package simulate

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/s3vet/s3vet/internal/strictjson"
	"github.com/s3vet/s3vet/policy"
)

// orgModel is the world's organization as the Organizations API shows it.
type orgModel struct {
	id, mgmt, rootID string
	ous              []OrganizationalUnit // IDs and names filled in
	// scps and rcps are the policies of each level, as written, without
	// FullAWSAccess.
	scps, rcps [][]*orgPolicy
	// fullAWSAccess says whether FullAWSAccess is attached at the levels
	// of scps besides the SCPs given.
	fullAWSAccess bool
}

// orgPolicy is an SCP or RCP of the world.
type orgPolicy struct {
	id, name string
	doc      json.RawMessage
}

// The IDs and names the Organizations API Reference gives: "Root", "OU"
// and "Policy" (ID patterns), and AWS's default policies.
var (
	rootIDRE   = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	ouIDRE     = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	policyIDRE = regexp.MustCompile(`^p-[0-9a-zA-Z_]{8,128}$`)
)

const (
	fullAWSAccessID    = "p-FullAWSAccess"
	rcpFullAWSAccessID = "p-RCPFullAWSAccess"
	fullAWSAccessDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

// derivedID is n lower-case letters and digits derived from parts, for
// the IDs a world leaves out.
func derivedID(n int, parts ...string) string {
	h := sha256.Sum256([]byte("s3vet organization id\x00" + strings.Join(parts, "\x00")))
	return strings.ToLower(base32.StdEncoding.EncodeToString(h[:]))[:n]
}

// compileOrg compiles the organization: its members, its tree and its
// SCPs and RCPs, level by level.
func (m *model) compileOrg(o *Organization) error {
	if o == nil {
		return nil
	}
	m.orgID = o.ID
	for _, a := range o.Accounts {
		m.org[a] = true
	}
	om := &orgModel{id: o.ID, mgmt: o.ManagementAccount, rootID: o.RootID, fullAWSAccess: o.FullAWSAccess == nil || *o.FullAWSAccess}
	if om.mgmt != "" && !policy.IsAccountID(om.mgmt) {
		return fmt.Errorf("world: organization managementAccount %q is not 12 digits", om.mgmt)
	}
	if om.rootID == "" {
		om.rootID = "r-" + derivedID(4, o.ID, "root")
	} else if !rootIDRE.MatchString(om.rootID) {
		return fmt.Errorf("world: organization rootId %q is not r- and 4 to 32 lower-case letters and digits", om.rootID)
	}
	levels := max(len(o.SCPs), len(o.RCPs))
	switch {
	case o.OUs == nil:
		for i := range max(levels-2, 0) {
			om.ous = append(om.ous, OrganizationalUnit{Name: "ou-" + strconv.Itoa(i+1)})
		}
	case levels > len(o.OUs)+2:
		return fmt.Errorf("world: organization has %d levels of policies but a path of %d targets (the root, %d OUs, the account)",
			levels, len(o.OUs)+2, len(o.OUs))
	default:
		om.ous = append(om.ous, o.OUs...)
	}
	for i := range om.ous {
		ou := &om.ous[i]
		if ou.ID == "" {
			ou.ID = "ou-" + strings.TrimPrefix(om.rootID, "r-") + "-" + derivedID(8, o.ID, "ou", strconv.Itoa(i))
		} else if !ouIDRE.MatchString(ou.ID) {
			return fmt.Errorf("world: organization ous[%d]: id %q is not ou-, 4 to 32 and 8 to 32 lower-case letters and digits", i, ou.ID)
		}
		if len(ou.Name) > 128 {
			return fmt.Errorf("world: organization ous[%d]: name is longer than 128 characters", i)
		}
	}
	ids := map[string]bool{}
	read := func(kind string, typ policy.Type, levels [][]json.RawMessage) ([][]*orgPolicy, [][]*policy.Policy, error) {
		var entries [][]*orgPolicy
		var compiled [][]*policy.Policy
		for l, level := range levels {
			var es []*orgPolicy
			var ps []*policy.Policy
			for i, raw := range level {
				where := fmt.Sprintf("organization %s[%d][%d]", kind, l, i)
				e := &orgPolicy{name: fmt.Sprintf("%s[%d][%d]", kind, l, i), doc: raw}
				pname := where
				if isNamed(raw) {
					var oe orgEntry
					if err := strictjson.Unmarshal(raw, &oe); err != nil {
						return nil, nil, fmt.Errorf("world: %s: %w", where, err)
					}
					if oe.Name == "" || len(oe.Name) > 128 {
						return nil, nil, fmt.Errorf("world: %s: name must be 1 to 128 characters", where)
					}
					if oe.ID != "" && !policyIDRE.MatchString(oe.ID) {
						return nil, nil, fmt.Errorf("world: %s: id %q is not p- and 8 to 128 letters, digits and underscores", where, oe.ID)
					}
					e.name, e.id, e.doc, pname = oe.Name, oe.ID, oe.Document, oe.Name
				}
				if e.id == "" {
					e.id = "p-" + derivedID(8, o.ID, kind, strconv.Itoa(l), strconv.Itoa(i))
				}
				p, err := parsePolicy(pname, typ, e.doc)
				if err != nil {
					return nil, nil, err
				}
				if p == nil {
					continue
				}
				// A policy may be attached at several levels: the same ID
				// is the same policy, and its document must be too.
				if ids[e.id] {
					for _, prev := range entries {
						for _, pe := range prev {
							if pe.id == e.id && string(pe.doc) != string(e.doc) {
								return nil, nil, fmt.Errorf("world: %s: id %s names another policy too", where, e.id)
							}
						}
					}
				}
				ids[e.id] = true
				es, ps = append(es, e), append(ps, p)
			}
			entries, compiled = append(entries, es), append(compiled, ps)
		}
		return entries, compiled, nil
	}
	var err error
	if om.scps, m.scps, err = read("scps", policy.ServiceControlPolicy, o.SCPs); err != nil {
		return err
	}
	if om.fullAWSAccess {
		for i := range m.scps {
			m.scps[i] = append(m.scps[i], fullAWSAccess)
		}
	}
	if om.rcps, m.rcps, err = read("rcps", policy.ResourceControlPolicy, o.RCPs); err != nil {
		return err
	}
	m.orgTree = om
	return nil
}

// scpsOf returns the SCPs that apply to the principals of an account:
// none outside the organization, and none in its management account, as
// "SCPs don't affect users or roles in the management account" (AWS
// Organizations User Guide, "Service control policies (SCPs)").
func (m *model) scpsOf(account string) [][]*policy.Policy {
	if !m.org[account] || m.orgTree != nil && m.orgTree.mgmt == account {
		return nil
	}
	return m.scps
}

// rcpsOf returns the RCPs that apply to the resources of an account: none
// outside the organization, and none in its management account, as "RCPs
// don't affect resources in the management account" (AWS Organizations
// User Guide, "Resource control policies (RCPs)").
func (m *model) rcpsOf(account string) [][]*policy.Policy {
	if !m.org[account] || m.orgTree != nil && m.orgTree.mgmt == account {
		return nil
	}
	return m.rcps
}
