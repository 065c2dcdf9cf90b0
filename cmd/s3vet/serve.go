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

// serveCmd runs the simulator on an address, with the world of a file
// (docs/serve-config.md), for tools and languages other than Go:
//
//	s3vet serve --config world.json [--addr 127.0.0.1:9000] [--tls [--cert-out FILE] | --cert FILE --key FILE] [--domain D]...
//
// It prints one line per request it refuses (a denial or an error; not
// the answers that say a thing is absent, such as NoSuchKey or
// NoSuchTagSet), with the principal, the operation and the reason, and on
// SIGINT or SIGTERM finishes the requests in flight and exits 0. It exits 1 when the world cannot be loaded or the
// address not listened on, and 2 on bad usage.
func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "the world: accounts, identities and buckets (JSON or YAML)")
	addr := fs.String("addr", "127.0.0.1:9000", "address to listen on")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate for 127.0.0.1, ::1 and localhost")
	certFile := fs.String("cert", "", "serve HTTPS with this certificate (PEM); needs --key")
	keyFile := fs.String("key", "", "the private key of --cert (PEM)")
	certOut := fs.String("cert-out", "", "with --tls, write the self-signed certificate (PEM) to this file, for clients to trust")
	var domains []string
	fs.Func("domain", "a domain of virtual-hosted style: BUCKET.DOMAIN names BUCKET (repeatable)", func(d string) error {
		domains = append(domains, d)
		return nil
	})
	if status, ok := parseFlags(fs, args); !ok {
		return status
	}
	if *config == "" || fs.NArg() > 0 || (*certFile == "") != (*keyFile == "") || *certOut != "" && !*useTLS {
		fmt.Fprintln(stderr, "usage: s3vet serve --config FILE [--addr HOST:PORT] [--tls [--cert-out FILE] | --cert FILE --key FILE] [--domain D]...")
		return 2
	}
	f, err := os.Open(*config)
	if err != nil {
		fmt.Fprintf(stderr, "s3vet serve: %v\n", err)
		return 1
	}
	w, err := simulate.LoadWorld(f)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "s3vet serve: %s: %v\n", *config, err)
		return 1
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
		fmt.Fprintf(stderr, "s3vet serve: %v\n", err)
		return 1
	}
	srv.Listener.Close()
	if srv.Listener, err = net.Listen("tcp", *addr); err != nil {
		fmt.Fprintf(stderr, "s3vet serve: %v\n", err)
		return 1
	}
	switch {
	case *certFile != "":
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			srv.Listener.Close()
			fmt.Fprintf(stderr, "s3vet serve: %v\n", err)
			return 1
		}
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		srv.StartTLS()
	case *useTLS:
		srv.StartTLS()
		if *certOut != "" {
			der := srv.TLS.Certificates[0].Certificate[0]
			if err := os.WriteFile(*certOut, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
				srv.Close()
				fmt.Fprintf(stderr, "s3vet serve: %v\n", err)
				return 1
			}
		}
	default:
		srv.Start()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	mu.Lock()
	fmt.Fprintf(stdout, "s3vet serve: %s, the world of %s; Ctrl-C stops\n", srv.URL, *config)
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
