// Command uploadform serves a page with a browser upload form: the browser
// POSTs the file straight to S3, and the form's signed policy says what it
// may upload (where, how large, for how long), so the server never handles
// the bytes and hands out no credentials.
//
//	uploadform -bucket photos -addr localhost:8080
//	uploadform -bucket photos -endpoint http://127.0.0.1:9000 -allow-http   # s3vet serve
//
// It signs with the default AWS credentials. The form carries a signature:
// serve it over HTTPS, and only to users who may upload. After an upload,
// S3 sends the browser back to the page's /done, which says what was
// stored (success_action_redirect).
package main

import (
	"context"
	"flag"
	"fmt"
	"html"
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
// that uploads one file of at most maxUpload bytes under uploads/USER/,
// and at /done the page S3 sends the browser back to.
func newHandler(p *presign.Presigner, bucket string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		user := "guest" // in an application, the signed-in user
		done := "http://" + r.Host + "/done"
		if r.TLS != nil {
			done = "https://" + r.Host + "/done"
		}
		form, err := p.PostObject(r.Context(), bucket, presign.NewPostPolicy().
			KeyPrefix("uploads/"+user+"/").
			ContentLengthRange(1, maxUpload).
			SuccessActionRedirect(done).
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
	// S3 adds the bucket, key and ETag of the object to the redirect.
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html>\n<title>Uploaded</title>\n<p>Uploaded %s to %s (ETag %s). <a href=\"/\">Another</a></p>\n",
			html.EscapeString(q.Get("key")), html.EscapeString(q.Get("bucket")), html.EscapeString(q.Get("etag")))
	})
	return mux
}

func main() {
	bucket := flag.String("bucket", "", "the bucket to upload to")
	addr := flag.String("addr", "localhost:8080", "where to serve the page")
	endpoint := flag.String("endpoint", "", "an S3 endpoint other than AWS's, such as s3vet serve's (path-style)")
	allowHTTP := flag.Bool("allow-http", false, "sign forms for a plain-HTTP -endpoint (a local simulator only)")
	flag.Parse()
	if *bucket == "" {
		log.Fatal("usage: uploadform -bucket NAME [-addr HOST:PORT] [-endpoint URL [-allow-http]]")
	}
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	p := presign.New(s3.NewFromConfig(cfg, func(o *s3.Options) {
		if *endpoint != "" {
			o.BaseEndpoint, o.UsePathStyle = endpoint, true
		}
	}))
	p.AllowHTTP = *allowHTTP
	log.Printf("serving http://%s/", *addr)
	log.Fatal(http.ListenAndServe(*addr, newHandler(p, *bucket)))
}
