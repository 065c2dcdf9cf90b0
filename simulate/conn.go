package simulate

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

// A Server's connections (S3 API Reference, "Error responses":
// RequestTimeout, "Your socket connection to the server was not read from
// or written to within the timeout period"): a connection silent for the
// timeout, while a request body is read or an answer written, fails the
// request; at most MaxConns are open at once.

// The defaults of Server.Timeout and Server.MaxConns.
const (
	defaultTimeout  = 20 * time.Second
	defaultMaxConns = 1024
)

// errRequestTimeout is S3's answer to a body that stalls.
var errRequestTimeout = errorf(http.StatusBadRequest, "RequestTimeout",
	"Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.")

// idleTimeouts gives every read of a request's body, and every write of
// its answer, timeout from the moment it starts: a transfer of any length
// goes on while bytes move, and fails once they stop.
func idleTimeouts(h http.Handler, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = &idleBody{ReadCloser: r.Body, rc: rc, timeout: timeout}
		}
		h.ServeHTTP(&idleWriter{ResponseWriter: w, rc: rc, timeout: timeout}, r)
	})
}

// idleBody is a request body whose every Read must make progress within
// timeout.
type idleBody struct {
	io.ReadCloser
	rc      *http.ResponseController
	timeout time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.rc.SetReadDeadline(time.Now().Add(b.timeout))
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		// The body is read: no deadline for the server's own read that
		// waits for the next request, or it would end this one.
		b.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		return n, errRequestTimeout
	}
	return n, err
}

// idleWriter is an answer whose every Write must be taken within timeout.
type idleWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (w *idleWriter) Write(p []byte) (int, error) {
	w.rc.SetWriteDeadline(time.Now().Add(w.timeout))
	return w.ResponseWriter.Write(p)
}

func (w *idleWriter) Flush() {
	w.rc.Flush()
}

// Unwrap gives http.ResponseController the connection's writer.
func (w *idleWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// limitListener accepts at most max connections open at once.
type limitListener struct {
	net.Listener
	sem  chan struct{}
	done chan struct{}
	once sync.Once
}

func newLimitListener(l net.Listener, max int) *limitListener {
	return &limitListener{Listener: l, sem: make(chan struct{}, max), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.sem <- struct{}{}:
	case <-l.done:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.sem
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}

// limitConn gives its place back when closed.
type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
