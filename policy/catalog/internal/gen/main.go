// Command gen writes catalog_gen.go, the tables of package
// github.com/s3vet/s3vet/policy/catalog, from the AWS Service Authorization
// Reference data in testdata/iam-reference. It is run by go generate in the
// catalog's directory:
//
//	go generate ./policy/catalog
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/s3vet/s3vet/policy/catalog/internal/catgen"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	dir := flag.String("data", catgen.DataDir, "directory holding the reference `data`")
	out := flag.String("o", "catalog_gen.go", "output `file`")
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}

	src, err := catgen.Generate(os.DirFS(*dir))
	if err != nil {
		log.Fatal(err)
	}
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, src) {
		fmt.Fprintf(os.Stderr, "gen: %s is up to date\n", *out)
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s\n", *out)
}
