package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/s3vet/s3vet/policy"
	"github.com/s3vet/s3vet/policy/public"
)

const publicUsage = `usage: s3vet public -f FILE [--access-point ORIGIN] [--json]

Says whether the bucket policy in FILE ("-" for standard input) is public
as S3 Block Public Access defines it (S3 User Guide, "The meaning of
'public'"), and why: public read, public write or both, then each public
statement, with what makes it public and the actions it grants:

	policy.json: public read
	  statement 2 (Sid "PublicRead"): Principal "*" with no condition that fixes the caller; grants s3:GetObject

With --access-point, FILE is an access point policy (of an access point
or a Multi-Region Access Point) and ORIGIN its network origin, Internet or
VPC. The User Guide judges it by the same rules with two exceptions: an
access point of network origin VPC is never public, and a grant to a set of
access points through s3:DataAccessPointArn (such as
arn:aws:s3:us-west-2:123456789012:accesspoint/*) is public, where in a
bucket policy it is not.

Statements are numbered from 0, as in lint. --json prints the same answer
as one JSON object:

	{"public":true,"read":true,"write":false,"reasons":[{"statement":2,"sid":"PublicRead","why":"...","actions":["s3:GetObject"],"read":true,"write":false}]}

Exits 0 when the policy is not public, 1 when it is public, and 2 on a
usage error, a file that cannot be read, a policy that is malformed, or
output that cannot be written.

flags:
  -f FILE                the bucket policy (JSON)
  --access-point ORIGIN  FILE is an access point policy; ORIGIN is the access
                         point's network origin, Internet or VPC
  --json                 print the answer as one JSON object
`

// publicCmd reads one bucket policy and says whether it is public, and
// why.
func publicCmd(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("public", flag.ContinueOnError)
	file := fs.String("f", "", "")
	asJSON := fs.Bool("json", false, "")
	origin := fs.String("access-point", "", "")
	if status, ok := parseFlags(fs, args, publicUsage, stdout, stderr); !ok {
		return status
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, "public", "unexpected argument %q", fs.Arg(0))
	case *file == "":
		return usageError(stderr, "public", "-f FILE is required")
	}
	accessPoint, vpc := false, false
	fs.Visit(func(f *flag.Flag) { accessPoint = accessPoint || f.Name == "access-point" })
	if accessPoint {
		switch {
		case strings.EqualFold(*origin, "Internet"):
		case strings.EqualFold(*origin, "VPC"):
			vpc = true
		default:
			return usageError(stderr, "public", "--access-point %q: the network origin is Internet or VPC", *origin)
		}
	}
	doc, err := readDoc(*file, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet public: %v\n", err)
		return 2
	}
	name := displayName(*file)
	p, err := policy.Parse(name, policy.ResourceBased, doc)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet public: %s\n", inWords(err, doc))
		return 2
	}
	r := public.Analyze(p)
	if accessPoint {
		r = public.AnalyzeAccessPoint(p, vpc)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		err = enc.Encode(r)
	} else {
		err = writePublic(stdout, name, r, vpc)
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet public: writing the answer: %v\n", err)
		return 2
	}
	if r.Public {
		return 1
	}
	return 0
}

// writePublic writes the answer for people: whether the policy is public
// and for what, then one line for each public statement.
// vpc says that the policy is that of an access point of network origin
// VPC.
func writePublic(w io.Writer, name string, r public.Result, vpc bool) error {
	var b strings.Builder
	switch {
	case vpc:
		fmt.Fprintf(&b, "%s: not public (an access point of network origin VPC is never public)\n", name)
	case !r.Public:
		fmt.Fprintf(&b, "%s: not public\n", name)
	case r.Read && r.Write:
		fmt.Fprintf(&b, "%s: public read and write\n", name)
	case r.Read:
		fmt.Fprintf(&b, "%s: public read\n", name)
	case r.Write:
		fmt.Fprintf(&b, "%s: public write\n", name)
	default:
		fmt.Fprintf(&b, "%s: public\n", name)
	}
	for _, why := range r.Reasons {
		fmt.Fprintf(&b, "  statement %d", why.Statement)
		if why.Sid != "" {
			fmt.Fprintf(&b, " (Sid %q)", why.Sid)
		}
		fmt.Fprintf(&b, ": %s", why.Why)
		if len(why.Actions) > 0 {
			fmt.Fprintf(&b, "; grants %s", strings.Join(why.Actions, ", "))
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
