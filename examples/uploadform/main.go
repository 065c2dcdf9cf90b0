// Command uploadform serves a page with a browser upload form: the browser
// POSTs the file straight to S3, and the form's signed policy says what it
// may upload (where, how large, for how long), so the server never handles
// the bytes and hands out no credentials.
//
//	uploadform -bucket photos -addr localhost:8080
//
// It signs with the default AWS credentials. The form carries a signature:
// serve it over HTTPS, and only to users who may upload.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3vet/s3vet/presign"
)

// maxUpload is the largest file the form accepts.
const maxUpload = 1 << 20

// newHandler serves a fresh form for each visit, good for ten minutes,
// that uploads one file of at most maxUpload bytes under uploads/USER/.
func newHandler(p *presign.Presigner, bucket string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user := "guest" // in an application, the signed-in user
		form, err := p.PostObject(r.Context(), bucket, presign.NewPostPolicy().
			KeyPrefix("uploads/"+user+"/").
			ContentLengthRange(1, maxUpload).
			Expires(10*time.Minute))
		if err != nil {
			log.Printf("signing the form: %v", err)
			http.Error(w, "cannot sign the upload form", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store") // the form is a credential
		fmt.Fprintf(w, "<!doctype html>\n<title>Upload</title>\n<h1>Upload a file (up to %d KiB)</h1>\n", maxUpload>>10)
		if err := form.HTML(w); err != nil {
			log.Printf("writing the form: %v", err)
		}
	})
}

func main() {
	bucket := flag.String("bucket", "", "the bucket to upload to")
	addr := flag.String("addr", "localhost:8080", "where to serve the page")
	flag.Parse()
	if *bucket == "" {
		log.Fatal("usage: uploadform -bucket NAME [-addr HOST:PORT]")
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	p := presign.New(s3.NewFromConfig(cfg))
	log.Printf("serving http://%s/", *addr)
	log.Fatal(http.ListenAndServe(*addr, newHandler(p, *bucket)))
}
