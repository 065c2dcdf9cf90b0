package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/iac"
)

// paramFlag collects --parameter NAME=VALUE.
type paramFlag map[string]string

func (p paramFlag) String() string { return "" }

func (p paramFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("%q is not NAME=VALUE", s)
	}
	p[strings.TrimSpace(k)] = v
	return nil
}

// countSet counts the non-empty values.
func countSet(vals ...string) int {
	n := 0
	for _, v := range vals {
		if v != "" {
			n++
		}
	}
	return n
}

// readIaC reads the Terraform plan or the CloudFormation template a
// command's --terraform or --cloudformation names.
func readIaC(terraform, cfn string, params map[string]string) (*iac.Source, error) {
	name := terraform + cfn
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var src *iac.Source
	if terraform != "" {
		src, err = iac.Terraform(data)
	} else {
		src, err = iac.CloudFormation(data, params)
	}
	if err != nil {
		// The user knows the file, not the package.
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "iac: "))
	}
	return src, nil
}

// writeUnresolved prints what a plan or template leaves unresolved, as
// notes: they are no failure.
func writeUnresolved(stderr io.Writer, cmd string, us []iac.Unresolved) {
	for _, u := range us {
		fmt.Fprintf(stderr, "s3vet %s: note: unresolved: %s\n", cmd, u)
	}
}

// unresolvedList is us, never null in JSON.
func unresolvedList(us []iac.Unresolved) []iac.Unresolved {
	if us == nil {
		return []iac.Unresolved{}
	}
	return us
}

// iacReport is the JSON of scan over a plan or template: the report, and
// what could not be resolved.
type iacReport struct {
	checks.Report
	Unresolved []iac.Unresolved `json:"unresolved"`
}

// writeIndented writes v as indented JSON, as the other JSON outputs are.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
