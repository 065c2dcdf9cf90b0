package checks

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// A Report is the findings of a run with what they were found in: the
// document WriteJSON writes.
type Report struct {
	Account string    `json:"account"`
	Taken   time.Time `json:"taken,omitzero"`
	Buckets int       `json:"buckets"`
	// Counts is the number of findings of each severity.
	Counts   map[Severity]int `json:"counts"`
	Findings []Finding        `json:"findings"`
}

// NewReport sums up the findings of a run over s.
func NewReport(s *Snapshot, fs []Finding) Report {
	r := Report{Counts: map[Severity]int{}, Findings: fs}
	if s != nil {
		r.Account, r.Taken, r.Buckets = s.Account.ID, s.Taken, len(s.Buckets)
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for _, f := range fs {
		r.Counts[f.Severity]++
	}
	return r
}

// WriteJSON writes the report as one indented JSON document.
func WriteJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteTable writes the findings as a table for people, most severe
// first, one line each, and a summary line.
func WriteTable(w io.Writer, r Report) error {
	fs := slices.Clone(r.Findings)
	slices.SortStableFunc(fs, func(a, b Finding) int { return cmp.Compare(b.Severity.Rank(), a.Severity.Rank()) })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(fs) > 0 {
		fmt.Fprintln(tw, "SEVERITY\tCHECK\tRESOURCE\tFINDING\tEVIDENCE")
	}
	for _, f := range fs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Check, tableResource(&f), f.Title, clip(f.Evidence, 100))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, s := range []Severity{Critical, High, Medium, Low, Informational} {
		if n := r.Counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, strings.ToLower(string(s))))
		}
	}
	summary := "no findings"
	if len(parts) > 0 {
		summary = fmt.Sprintf("%d findings: %s", len(fs), strings.Join(parts, ", "))
	}
	buckets := "buckets"
	if r.Buckets == 1 {
		buckets = "bucket"
	}
	_, err := fmt.Fprintf(w, "%s in %d %s of account %s\n", summary, r.Buckets, buckets, r.Account)
	return err
}

// tableResource names the finding's resource: its bucket, or resource
// ARN, after the address that declares it when the findings were judged
// from infrastructure as code ("aws_s3_bucket.logs (acme-logs)"; a
// bucket named by a placeholder, "<aws_s3_bucket.site>", is its address).
func tableResource(f *Finding) string {
	res := f.Bucket
	if res == "" {
		res = f.Resource
	}
	switch {
	case f.Location == "":
		return res
	case res == "<"+f.Location+">":
		return f.Location
	}
	return f.Location + " (" + res + ")"
}

// clip shortens s to n runes on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
