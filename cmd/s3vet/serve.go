package main

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/s3vet/s3vet/simulate"
)

const serveUsage = `usage: s3vet serve --config FILE [--addr HOST:PORT] [--tls [--cert-out FILE] | --cert FILE --key FILE] [--domain D]...

Runs the S3 simulator on an address, with the accounts, identities and
buckets of the world in FILE (JSON or YAML, in the format of
docs/serve-config.md), for tools and languages other than Go. It prints
the URL it serves, and one URL for each VPC endpoint of the world (a
request sent there comes from inside that endpoint's VPC, through it);
then one line for each request it refuses (a denial or an error, with the
principal, the operation and the reason; not the answers that say a thing
is absent, such as NoSuchKey or NoSuchTagSet).
On SIGINT (Ctrl-C) or SIGTERM it finishes the requests in flight and
stops.

Exits 0 when stopped by SIGINT or SIGTERM, and 2 on a usage error, a world
that cannot be read or does not load, an address it cannot listen on, or a
certificate it cannot load or write. It never exits 1.

flags:
  --config FILE      the world: accounts, identities and buckets (JSON or YAML)
  --addr HOST:PORT   the address to listen on (default 127.0.0.1:9000)
  --tls              serve HTTPS with a self-signed certificate for 127.0.0.1,
                     ::1 and localhost
  --cert-out FILE    with --tls, write that certificate (PEM) to FILE, for
                     clients to trust
  --cert FILE        serve HTTPS with this certificate (PEM); needs --key
  --key FILE         the private key of --cert (PEM)
  --domain D         a name the server is reached at: D is path-style and
                     BUCKET.D names BUCKET (repeatable); without it, a Host
                     under D names the bucket of that whole name, as S3
                     reads a Host that is none of its endpoints
`

// serveCmd runs the simulator on an address, with the world of a file,
// until SIGINT or SIGTERM.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	config := fs.String("config", "", "")
	addr := fs.String("addr", "127.0.0.1:9000", "")
	useTLS := fs.Bool("tls", false, "")
	certFile := fs.String("cert", "", "")
	keyFile := fs.String("key", "", "")
	certOut := fs.String("cert-out", "", "")
	var domains []string
	fs.Func("domain", "", func(d string) error {
		domains = append(domains, d)
		return nil
	})
	if status, ok := parseFlags(fs, args, serveUsage, stdout, stderr); !ok {
		return status
	}
	switch {
	case fs.NArg() > 0:
		return usageError(stderr, "serve", "unexpected argument %q", fs.Arg(0))
	case *config == "":
		return usageError(stderr, "serve", "--config FILE is required")
	case (*certFile == "") != (*keyFile == ""):
		return usageError(stderr, "serve", "--cert and --key go together")
	case *certFile != "" && *useTLS:
		return usageError(stderr, "serve", "--tls and --cert cannot go together")
	case *certOut != "" && !*useTLS:
		return usageError(stderr, "serve", "--cert-out needs --tls")
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "s3vet serve: %v\n", err)
		return 2
	}
	f, err := os.Open(*config)
	if err != nil {
		return fail(err)
	}
	w, err := simulate.LoadWorld(f)
	f.Close()
	if err != nil {
		return fail(fmt.Errorf("%s: %s", *config, inWords(err, nil)))
	}
	var mu sync.Mutex
	logRefusal := func(r simulate.Record) {
		if !refusal(r.Status) {
			return
		}
		who := r.Principal
		if who == "" {
			who = "(unauthenticated)"
		}
		what := r.Bucket
		if r.Key != "" {
			what += "/" + r.Key
		}
		if r.AccessPoint != "" {
			what += " through " + r.AccessPoint
		}
		if r.VPCEndpoint != "" {
			what += " from " + r.VPCEndpoint
		}
		why := r.Explanation
		if why == "" {
			why = r.Code
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stdout, "%d %s %s %s %s: %s\n", r.Status, r.Code, who, r.Operation, what, why)
	}
	srv, err := simulate.NewUnstartedServer(w, simulate.WithRequestLog(logRefusal), simulate.WithRecordLimit(0), simulate.WithDomains(domains...))
	if err != nil {
		return fail(err)
	}
	srv.Listener.Close()
	if srv.Listener, err = net.Listen("tcp", *addr); err != nil {
		return fail(err)
	}
	switch {
	case *certFile != "":
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			srv.Listener.Close()
			return fail(err)
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		srv.StartTLS()
	case *useTLS:
		srv.StartTLS()
		if *certOut != "" {
			der := srv.TLS.Certificates[0].Certificate[0]
			if err := os.WriteFile(*certOut, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
				srv.Close()
				return fail(err)
			}
		}
	default:
		srv.Start()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	mu.Lock()
	fmt.Fprintf(stdout, "s3vet serve: %s, the world of %s; Ctrl-C stops\n", srv.URL, *config)
	for _, a := range w.Accounts {
		for _, e := range a.VPCEndpoints {
			if es, err := srv.VPCEndpoint(e.ID); err == nil {
				fmt.Fprintf(stdout, "s3vet serve: %s, from inside VPC endpoint %s (%s)\n", es.URL, e.ID, e.VPCID)
			}
		}
	}
	mu.Unlock()
	<-ctx.Done()
	srv.Close()
	return 0
}

// refusal reports whether an answer of this status is one serve prints: a
// denial or an error, not an answer that a thing is absent (404), nor one
// to a condition or range the request set (304, 412, 416).
func refusal(status int) bool {
	switch status {
	case http.StatusNotFound, http.StatusNotModified, http.StatusPreconditionFailed, http.StatusRequestedRangeNotSatisfiable:
		return false
	}
	return status >= 400
}
