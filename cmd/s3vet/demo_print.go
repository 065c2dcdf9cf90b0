package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/checks"
)

// demoFull is how many findings the text output shows in full, the most
// severe; the others get one line each (--json has them all in full).
const demoFull = 6

// demoPrinter writes the demo for people, in color on a terminal.
type demoPrinter struct {
	w     io.Writer
	color bool
	err   error
}

const (
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
	ansiReset  = "\x1b[0m"
)

// paint wraps s in an ANSI style when coloring.
func (p *demoPrinter) paint(style, s string) string {
	if !p.color {
		return s
	}
	return style + s + ansiReset
}

func (p *demoPrinter) printf(format string, a ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, a...)
	}
}

// printDemo writes the report for people.
func printDemo(w io.Writer, r *demoReport, color bool) error {
	p := &demoPrinter{w: w, color: color}
	p.printf("%s\n", p.paint(ansiBold, "s3vet demo"))
	p.printf("An in-process S3 (package simulate) serves two accounts: acme (111122223333),\n")
	p.printf("whose buckets range from well configured to carelessly public, and a partner\n")
	p.printf("(444455556666). Every call below goes through aws-sdk-go-v2 or plain HTTP.\n")
	p.scan(&r.Scan)
	p.questions(r.Questions)
	p.whoCan(&r.WhoCan)
	p.gate(&r.Gate)
	p.encryption(&r.Encryption)
	p.presign(&r.Presign)
	p.printf("\nNext: s3vet scan --endpoint URL, s3vet serve, s3vet eval -f FILE; s3vet demo --json.\n")
	return p.err
}

func (p *demoPrinter) section(n int, title string) {
	p.printf("\n%s\n", p.paint(ansiBold, fmt.Sprintf("%d. %s", n, title)))
}

func (p *demoPrinter) severity(s checks.Severity) string {
	label := fmt.Sprintf("%-8s", s)
	switch s {
	case checks.Critical, checks.High:
		return p.paint(ansiRed, label)
	case checks.Medium:
		return p.paint(ansiYellow, label)
	}
	return p.paint(ansiDim, label)
}

func (p *demoPrinter) scan(s *demoScan) {
	p.section(1, "Posture scan: what is wrong with acme's buckets?")
	p.printf("   checks.Collect read %d buckets of account %s through the SDK as the read-only\n", s.Buckets, s.Account)
	p.printf("   role session %s; checks.Run judged them.\n", s.Principal)
	var counts []string
	for _, sev := range []checks.Severity{checks.Critical, checks.High, checks.Medium, checks.Low, checks.Informational} {
		if n := s.Counts[sev]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, strings.ToLower(string(sev))))
		}
	}
	p.printf("   %d findings: %s. Per bucket:", len(s.Findings), strings.Join(counts, ", "))
	perBucket := map[string]int{}
	var names []string
	for _, f := range s.Findings {
		if f.Bucket != "" && perBucket[f.Bucket] == 0 {
			names = append(names, f.Bucket)
		}
		perBucket[f.Bucket]++
	}
	slices.Sort(names)
	for i, n := range names {
		sep := ","
		if i == 0 {
			sep = ""
		}
		p.printf("%s %s %d", sep, n, perBucket[n])
	}
	p.printf(".\n   The %d most severe, in full:\n", min(demoFull, len(s.Findings)))
	for _, f := range s.Findings[:min(demoFull, len(s.Findings))] {
		where := f.Bucket
		if where == "" {
			where = "account " + s.Account
		}
		p.printf("\n   %s %s %s: %s\n", p.severity(f.Severity), f.Check, p.paint(ansiBold, where), f.Title)
		p.printf("     saw: %s\n", f.Evidence)
		p.printf("     why: %s\n", f.Why)
		p.printf("     fix: %s\n", indent(f.Fix, "          "))
	}
	if len(s.Findings) <= demoFull {
		return
	}
	// The others, one line per check, with the buckets it found.
	type group struct {
		f       checks.Finding
		buckets []string
	}
	var groups []*group
	byCheck := map[string]*group{}
	for _, f := range s.Findings[demoFull:] {
		g := byCheck[f.Check]
		if g == nil {
			g = &group{f: f}
			byCheck[f.Check] = g
			groups = append(groups, g)
		}
		where := f.Bucket
		if where == "" {
			where = "the account"
		}
		if !slices.Contains(g.buckets, where) {
			g.buckets = append(g.buckets, where)
		}
	}
	p.printf("\n   The others, by check (s3vet demo --json has every finding in full):\n")
	for _, g := range groups {
		p.printf("   %s %-17s %s: %s\n", p.severity(g.f.Severity), g.f.Check, g.f.Title, strings.Join(g.buckets, ", "))
	}
}

func (p *demoPrinter) questions(qs []demoQuestion) {
	p.section(2, "Can this principal do this? Why, or why not?")
	p.printf("   Answered by the simulator's authorizer (AWS's policy evaluation logic and S3's\n")
	p.printf("   own rules); a denied request is then sent through the SDK, as an application would.\n")
	for _, q := range qs {
		p.printf("\n   %s\n   wants %s on %s over %s\n", p.paint(ansiBold, q.Principal), q.Action, q.Resource, q.Over)
		verdict := p.paint(ansiGreen, "ALLOWED")
		if !q.Allowed {
			verdict = p.paint(ansiRed, "DENIED ("+q.Decision+")")
		}
		p.printf("   => %s by the %s", verdict, q.DecidedBy)
		if q.Policy != "" {
			p.printf(": %s, %s", q.Policy, q.Statement)
		}
		p.printf("\n")
		if !q.Allowed {
			p.printf("      %s\n", q.Explanation)
		}
		if q.SDK != nil {
			p.printf("      the SDK gets: %s\n", p.call(q.SDK))
			if q.SDK.Message == "Access Denied" {
				p.printf("      (S3 explains a denial only to callers of the bucket owner's account)\n")
			}
		}
	}
}

// call describes an SDK or HTTP call's outcome on one line.
func (p *demoPrinter) call(c *demoCall) string {
	if c.OK {
		return p.paint(ansiGreen, fmt.Sprintf("%s %d OK", c.Call, c.Status)) + fmt.Sprintf(" %q", c.Body)
	}
	return p.paint(ansiRed, fmt.Sprintf("%s %d %s", c.Call, c.Status, c.Code)) + ": " + c.Message
}

func (p *demoPrinter) whoCan(w *demoWhoCan) {
	p.section(3, "Who can delete "+w.Bucket+"?")
	p.printf("   Every user, role and root of both accounts, the partner's and anyone's, decided\n")
	p.printf("   by the simulator for each action and each key the policies tell apart (s3vet who-can):\n")
	for _, action := range w.Actions {
		p.printf("\n   %s\n", p.paint(ansiBold, action))
		n := 0
		for _, a := range w.Accesses {
			if a.Action != action {
				continue
			}
			n++
			res := a.Resource
			if len(a.Except) > 0 {
				res += " except " + strings.Join(a.Except, ", ")
			}
			p.printf("     %s %s on %s\n       through %s\n", a.Kind, p.paint(ansiGreen, a.Principal), res, a.Via)
		}
		if n == 0 {
			p.printf("     %s\n", p.paint(ansiRed, "no one"))
		}
	}
}

func (p *demoPrinter) encryption(e *demoEncryption) {
	p.section(5, "Encryption")
	cs := &e.ClientSide
	p.printf("   Client-side (package encrypt, the S3 Encryption Client's format): alice puts\n")
	p.printf("   s3://%s/%s encrypted before it leaves the process.\n", cs.Bucket, cs.Key)
	alg := "content suite " + cs.ContentAlg
	if cs.ContentAlg == "115" {
		alg = "AES-256-GCM with key commitment, suite 115 in x-amz-c"
	}
	p.printf("     S3 stores %d bytes (%s); plaintext visible to S3: %t\n", cs.StoredBytes, alg, cs.PlaintextStored)
	p.printf("     decrypted on the way back: %q\n", cs.Decrypted)
	k := &e.SSEKMS
	p.printf("   SSE-KMS (encrypt.SSEKMS, the simulator's fake KMS): alice puts s3://%s/%s\n", k.Bucket, k.Key)
	p.printf("     stored with %s under %s\n", k.Algorithm, k.KMSKey)
	for _, r := range k.Reads {
		p.printf("     %s reads it: %s\n", r.Principal, p.call(&r.Result))
	}
}

func (p *demoPrinter) presign(r *demoPresign) {
	p.section(6, "A presigned URL, and the same URL after it expires")
	p.printf("   %s presigns (package presign, 1 minute):\n", r.Principal)
	p.printf("     %s\n", r.URL)
	p.printf("   %-25s %s\n", "a plain HTTP GET now:", p.call(&r.Before))
	p.printf("   %-25s %s\n", "the same GET "+r.Advance+" later:", p.call(&r.After))
}

// indent indents the lines of s after the first.
func indent(s, prefix string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
