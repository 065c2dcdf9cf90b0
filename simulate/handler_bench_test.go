package simulate_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/s3vet/s3vet/simulate"
)

// captured is a request as the SDK sent it.
type captured struct {
	method, url string
	header      http.Header
	body        []byte
}

// capture records the requests it carries.
type capture struct {
	rt   http.RoundTripper
	reqs []captured
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	c.reqs = append(c.reqs, captured{r.Method, r.URL.String(), r.Header.Clone(), body})
	return c.rt.RoundTrip(r)
}

// BenchmarkServeHTTP measures the server's side alone: the simulator's
// ServeHTTP and bare gofakes3's, on the small PUT and GET the SDK sends in
// BenchmarkSimulator, replayed without a network into a ResponseRecorder
// (which makes gofakes3's GET allocate a 32 KB copy buffer that a real
// server's ResponseWriter spares it).
func BenchmarkServeHTTP(b *testing.B) {
	at := time.Now()
	w := &simulate.World{}
	a := w.AddAccount("999999999999")
	u := a.AddUser("bench", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bench/*"}]}`)
	a.AddBucket("bench").AddObject("small", "0123456789abcdef")
	srv := simulate.NewTestServer(b, w, simulate.WithClock(func() time.Time { return at }), simulate.WithRecordLimit(1000))
	cfg := srv.Config(u.ARN())
	cp := &capture{rt: cfg.HTTPClient.(*http.Client).Transport}
	cfg.HTTPClient = &http.Client{Transport: cp}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	ctx := context.Background()
	if err := put(ctx, client, "bench", "small", "0123456789abcdef"); err != nil {
		b.Fatal(err)
	}
	if _, err := get(ctx, client, "bench", "small"); err != nil {
		b.Fatal(err)
	}
	fake := gofakes3.New(s3mem.New()).Server()
	rec := httptest.NewRecorder()
	fake.ServeHTTP(rec, httptest.NewRequest("PUT", "/bench", nil))
	for _, h := range []struct {
		name    string
		handler http.Handler
	}{{"gofakes3", fake}, {"simulator", srv}} {
		for i, op := range []string{"PUT", "GET"} {
			c := cp.reqs[i]
			b.Run(op+"/"+h.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r := httptest.NewRequest(c.method, c.url, bytes.NewReader(c.body))
					for k, vs := range c.header {
						r.Header[k] = vs
					}
					if len(c.body) > 0 {
						r.Header.Set("Content-Length", strconv.Itoa(len(c.body)))
					}
					r.Host = strings.TrimPrefix(srv.URL, "http://")
					w := httptest.NewRecorder()
					h.handler.ServeHTTP(w, r)
					if w.Code != http.StatusOK {
						b.Fatal(w.Code, w.Body.String())
					}
				}
			})
		}
	}
}
