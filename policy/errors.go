package policy

import (
	"errors"
	"fmt"
	"strconv"
)

// A SyntaxError reports a malformed policy. It names the policy, the
// statement (by index and Sid) and the element at fault.
type SyntaxError struct {
	Policy    string // the name given to Parse
	Statement int    // index in Statement, or -1 for the policy as a whole
	Sid       string // the statement's Sid, if it has one
	Element   string // "Effect", "Condition", "Principal", ...
	Err       error  // what is wrong
}

func (e *SyntaxError) Error() string {
	s := "policy"
	if e.Policy != "" {
		s += " " + strconv.Quote(e.Policy)
	}
	if e.Statement >= 0 {
		s += ": statement " + strconv.Itoa(e.Statement)
		if e.Sid != "" {
			s += " (Sid " + strconv.Quote(e.Sid) + ")"
		}
	}
	if e.Element != "" {
		s += ": " + e.Element
	}
	return s + ": " + e.Err.Error()
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Is reports whether target is ErrMalformed.
func (e *SyntaxError) Is(target error) bool { return target == ErrMalformed }

// ErrMalformed is wrapped by every SyntaxError, so that callers can test
// errors.Is(err, policy.ErrMalformed) without caring for the details.
var ErrMalformed = errors.New("malformed policy")

func errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}
