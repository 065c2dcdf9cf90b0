package presign

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// finish checks the final chunk's signature, the trailers and the
// decoded length; it returns io.EOF when all is well.
func (c *chunkedReader) finish(sig []byte) error {
	if c.signer != nil {
		if err := c.signer.verify(false, nil, sig); err != nil {
			return err
		}
	}
	if c.trailer {
		if err := c.readTrailers(); err != nil {
			return err
		}
	} else if err := c.readEnd(); err != nil {
		return err
	}
	if c.want >= 0 && c.decoded != c.want {
		return errIncompleteBody("")
	}
	if c.sum != nil && !c.trailer {
		if err := c.sum.check(); err != nil {
			return err
		}
	}
	return io.EOF
}

// readEnd reads the CRLF that closes a body without trailers, and checks
// nothing follows it.
func (c *chunkedReader) readEnd() error {
	line, err := c.readLine()
	switch {
	case err == io.EOF:
		return nil // a missing final CRLF is tolerated
	case err != nil:
		return err
	case len(line) != 0:
		return errIncompleteBody("Data follows the final aws-chunked chunk.")
	}
	if _, err := c.src.ReadByte(); err != io.EOF {
		return errIncompleteBody("Data follows the final aws-chunked chunk.")
	}
	return nil
}

// readTrailers reads the trailer lines, checks the trailer signature
// (signed payloads) and the checksum trailer.
func (c *chunkedReader) readTrailers() error {
	var canonical []byte
	var sig []byte
	var found bool
	for n := 0; ; n++ {
		line, err := c.readLine()
		if n == 0 && err == nil && len(line) == 0 {
			// The final chunk's own (empty) data line, which some
			// clients send before the trailers: skip it once.
			line, err = c.readLine()
		}
		if err == io.EOF || err == nil && len(line) == 0 {
			break
		}
		if err != nil {
			return err
		}
		if n == maxTrailers || sig != nil {
			return errMalformedTrailer()
		}
		name, value, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return errMalformedTrailer()
		}
		lname := strings.ToLower(string(bytes.Trim(name, " \t")))
		value = bytes.Trim(value, " \t")
		if lname == "x-amz-trailer-signature" {
			sig = bytes.Clone(value)
			continue
		}
		if !c.declared(lname) || found {
			return errMalformedTrailer()
		}
		found = true
		canonical = append(append(append(append(canonical, lname...), ':'), value...), '\n')
		if c.sum != nil {
			c.sum.want = string(value)
		}
	}
	if c.signer != nil {
		if sig == nil {
			return errIncompleteBody("The signed trailer has no x-amz-trailer-signature.")
		}
		if err := c.signer.verify(true, canonical, sig); err != nil {
			return err
		}
	} else if sig != nil {
		return errMalformedTrailer()
	}
	if len(c.trailerNames) > 0 && !found {
		return errMalformedTrailer()
	}
	if c.sum != nil {
		return c.sum.check()
	}
	return nil
}

func (c *chunkedReader) declared(name string) bool {
	for _, n := range c.trailerNames {
		if n == name {
			return true
		}
	}
	return false
}

// parseTrailerHeader parses x-amz-trailer: the checksum trailers the
// body ends with. Only one x-amz-checksum-* trailer is supported, as in S3.
func parseTrailerHeader(h http.Header) ([]string, *checksum, *Error) {
	v := strings.TrimSpace(strings.Join(h.Values("X-Amz-Trailer"), ","))
	if v == "" {
		return nil, nil, errInvalidRequest("A trailer payload requires the x-amz-trailer header.")
	}
	var names []string
	var sum *checksum
	for n := range strings.SplitSeq(v, ",") {
		alg, ok := checksumByHeader(n)
		if !ok || sum != nil {
			return nil, nil, errInvalidRequest("The value specified in the x-amz-trailer header is not supported")
		}
		sum = newChecksum(alg, "")
		names = append(names, alg.header)
	}
	return names, sum, nil
}

func errMalformedTrailer() *Error {
	return newError(ErrIncompleteBody, http.StatusBadRequest, "MalformedTrailerError",
		"The request contained trailing data that was not well-formed or did not conform to our published schema.")
}
