package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/s3vet/s3vet/checks"
	"github.com/s3vet/s3vet/simulate"
	"github.com/s3vet/s3vet/twin"
)

const whoCanUsage = `usage: s3vet who-can --world FILE... [--bucket B] [--key K] [--action A,...] [--json]

Answers who may do each S3 action on a bucket of a world (the format of
docs/serve-config.md, as s3vet serve reads it), and through which
statement, as the simulator decides each request: every user and role of
the world (a role for all its sessions), every account root, each account
outside the world that the bucket's policies name (any principal of it
that its own policies allow), "*" for any principal of any other account,
and anonymous. The answers are grouped as read, write, delete,
permissions and configuration:

	acme-records: delete
	  s3:DeleteObject arn:aws:s3:::acme-records/* except legal/*
	    role arn:aws:iam::111122223333:role/Admin  statement 0 (Sid "All") of identity-based policy ...

Without --key, object actions are decided for each key pattern the world's
policies name for the bucket (such as reports/*), each object with an ACL,
tags or an owner of its own, and the other keys; an answer on
arn:aws:s3:::B/* holds for every key but those it excepts. The requests
are the plainest the action allows: over HTTPS, signed with SigV4, now,
from an internet address, without MFA or optional headers. Without
--bucket, every bucket of the world is answered.

An organization of many accounts is answered from one collection per
account (s3vet collect, run for each account in parallel by your own
scheduler): give each file with its own --world, and they are merged into
one world, so that a bucket's grants to another account meet that
account's own policies. Worlds merge when they agree on their Region and
organization (its SCPs, RCPs and OUs: a world holds one path of them);
accounts elsewhere in the organization are answered apart.

Exits 0 when answered, and 2 on a usage error or a world that cannot be
read or does not load.

flags:
  --world FILE         the world (JSON or YAML), or a snapshot of s3vet scan
                       --save; repeated, they are merged
  --bucket B           the bucket (default: every bucket of the world)
  --key K              decide object actions on this key only
  --action A,...       only these S3 actions, or patterns such as s3:Delete*
  --vpc-endpoint ID    decide requests as coming through this VPC endpoint of the world
  --json               print the accesses as a JSON array
`

// whoCanCmd answers who may do what on the buckets of a world.
func whoCanCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("who-can", flag.ContinueOnError)
	var worlds fileList
	fs.Var(&worlds, "world", "")
	bucket := fs.String("bucket", "", "")
	key := fs.String("key", "", "")
	actions := fs.String("action", "", "")
	vpce := fs.String("vpc-endpoint", "", "")
	asJSON := fs.Bool("json", false, "")
	if status, ok := parseFlags(fs, args, whoCanUsage, stdout, stderr); !ok {
		return status
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, "who-can", "unexpected argument %q", fs.Arg(0))
	case len(worlds) == 0:
		return usageError(stderr, "who-can", "--world FILE is required")
	case *key != "" && *bucket == "":
		return usageError(stderr, "who-can", "--key needs --bucket")
	}
	w, sim, err := loadSimulator(worlds...)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet who-can: %v\n", err)
		return 2
	}
	buckets := worldBuckets(w)
	if *bucket != "" {
		if !slices.Contains(buckets, *bucket) {
			fmt.Fprintf(stderr, "s3vet who-can: the world has no bucket %q\n", *bucket)
			return 2
		}
		buckets = []string{*bucket}
	}
	q := simulate.WhoCanQuery{Key: *key, VPCEndpoint: *vpce}
	if *actions != "" {
		q.Actions = strings.Split(*actions, ",")
	}
	var all []simulate.Access
	for _, b := range buckets {
		q.Bucket = b
		got, err := sim.WhoCan(q)
		if err != nil {
			fmt.Fprintf(stderr, "s3vet who-can: %v\n", err)
			return 2
		}
		all = append(all, got...)
	}
	if *asJSON {
		err = writeJSON(stdout, nonNil(all))
	} else {
		err = writeAccess(stdout, all, "")
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet who-can: writing the answer: %v\n", err)
		return 2
	}
	return 0
}

const accessDiffUsage = `usage: s3vet access-diff [--bucket B] [--fail-on-new] [--json] OLD NEW

Compares who may do what in two worlds (the format of
docs/serve-config.md: a world collected last week and one collected today,
or a world before and after a policy change) or two snapshots of s3vet
scan --save (which hold S3 alone: the buckets' own grants to the account,
other accounts, anyone and anonymous) and prints each access that
NEW grants and OLD does not (+) and each that OLD granted and NEW does not
(-), bucket by bucket, as s3vet who-can answers them. An access is a
principal, an action and the keys it reaches; a grant moved from one
statement to another is no change.

Exits 0 when compared (with --fail-on-new: and nothing is gained), 1 with
--fail-on-new when NEW grants an access that OLD does not, and 2 on a usage
error or a world that cannot be read or does not load.

flags:
  --bucket B       compare this bucket only (default: every bucket of either world)
  --fail-on-new    exit 1 when an access is gained, for CI
  --json           print {"gained": [...], "lost": [...]}
`

// accessDiffCmd compares the accesses of two worlds.
func accessDiffCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("access-diff", flag.ContinueOnError)
	bucket := fs.String("bucket", "", "")
	failOnNew := fs.Bool("fail-on-new", false, "")
	asJSON := fs.Bool("json", false, "")
	if status, ok := parseFlags(fs, args, accessDiffUsage, stdout, stderr); !ok {
		return status
	}
	if fs.NArg() != 2 {
		return usageError(stderr, "access-diff", "want two worlds, OLD and NEW; got %d arguments", fs.NArg())
	}
	var matrices [2]map[string][]simulate.Access
	var names []string
	for i, file := range fs.Args() {
		w, sim, err := loadSimulator(file)
		if err != nil {
			fmt.Fprintf(stderr, "s3vet access-diff: %v\n", err)
			return 2
		}
		matrices[i] = map[string][]simulate.Access{}
		for _, b := range worldBuckets(w) {
			if *bucket != "" && b != *bucket {
				continue
			}
			got, err := sim.WhoCan(simulate.WhoCanQuery{Bucket: b})
			if err != nil {
				fmt.Fprintf(stderr, "s3vet access-diff: %s: %v\n", file, err)
				return 2
			}
			matrices[i][b] = got
			if !slices.Contains(names, b) {
				names = append(names, b)
			}
		}
	}
	slices.Sort(names)
	var gained, lost []simulate.Access
	for _, b := range names {
		g, l := simulate.DiffAccess(matrices[0][b], matrices[1][b])
		gained, lost = append(gained, g...), append(lost, l...)
	}
	var err error
	if *asJSON {
		err = writeJSON(stdout, struct {
			Gained []simulate.Access `json:"gained"`
			Lost   []simulate.Access `json:"lost"`
		}{nonNil(gained), nonNil(lost)})
	} else {
		if err = writeAccess(stdout, gained, "+ "); err == nil {
			err = writeAccess(stdout, lost, "- ")
		}
		if err == nil && len(gained)+len(lost) == 0 {
			_, err = fmt.Fprintln(stdout, "no access gained or lost")
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3vet access-diff: writing the answer: %v\n", err)
		return 2
	}
	if *failOnNew && len(gained) > 0 {
		return 1
	}
	return 0
}

// loadSimulator loads world files (or snapshots of s3vet scan --save),
// merged, into a simulator.
func loadSimulator(files ...string) (*simulate.World, *simulate.Simulator, error) {
	var ws []*simulate.World
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, nil, err
		}
		var w *simulate.World
		if isSnapshot(data) {
			s, err := checks.ReadSnapshot(bytes.NewReader(data))
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", file, err)
			}
			w, _ = twin.FromSnapshot(s)
		} else if w, err = simulate.LoadWorld(bytes.NewReader(data)); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		ws = append(ws, w)
	}
	w := ws[0]
	if len(ws) > 1 {
		var err error
		if w, err = simulate.MergeWorlds(ws...); err != nil {
			return nil, nil, err
		}
	}
	sim, err := simulate.New(w)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", strings.Join(files, ", "), err)
	}
	return w, sim, nil
}

// isSnapshot reports whether a JSON document is a snapshot of s3vet scan
// --save: an object with "version" and "account", which a world lacks.
func isSnapshot(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	_, v := top["version"]
	_, a := top["account"]
	return v && a
}

// fileList is a flag that may be given more than once.
type fileList []string

func (l *fileList) String() string { return strings.Join(*l, ",") }

func (l *fileList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// worldBuckets returns the names of the world's buckets, sorted.
func worldBuckets(w *simulate.World) []string {
	var out []string
	for _, a := range w.Accounts {
		for _, b := range a.Buckets {
			out = append(out, b.Name)
		}
	}
	slices.Sort(out)
	return out
}

// writeAccess writes accesses for people, each line prefixed with mark:
// a heading for each bucket and level, a line for each action and
// resource, and one for each principal with what allows it.
func writeAccess(w io.Writer, as []simulate.Access, mark string) error {
	var b strings.Builder
	var bucket string
	var level simulate.Level
	var action, resource string
	for _, a := range as {
		name, _, _ := strings.Cut(strings.TrimPrefix(a.Resource, "arn:aws:s3:::"), "/")
		if name != bucket || a.Level != level {
			bucket, level, action, resource = name, a.Level, "", ""
			fmt.Fprintf(&b, "%s%s: %s\n", mark, bucket, level)
		}
		if a.Action != action || a.Resource != resource || len(a.Except) > 0 {
			action, resource = a.Action, a.Resource
			fmt.Fprintf(&b, "%s  %s %s", mark, a.Action, a.Resource)
			if len(a.Except) > 0 {
				fmt.Fprintf(&b, " except %s", strings.Join(a.Except, ", "))
				resource = "" // a new line for the next principal: it may except others
			}
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s    %s %s  %s\n", mark, a.Kind, a.Principal, a.Via)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// nonNil makes a nil slice an empty one, which JSON writes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
