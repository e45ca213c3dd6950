package dhcp4

import (
	"errors"
	"fmt"
)

// Sentinel errors wrapped by *ParseError.
var (
	ErrTruncated = errors.New("truncated")
	ErrBadCookie = errors.New("bad magic cookie")
	ErrTooLong   = errors.New("too long")
	ErrBadValue  = errors.New("bad value")
)

// ErrCut is wrapped by the error of a value formatter that cut its text
// to stay within ISC's 32 KiB limit on one value (MAX_OUTPUT_SIZE); the
// text it returns with the error is usable.
var ErrCut = errors.New("cut to fit")

// ParseError reports where in the input decoding stopped.
type ParseError struct {
	Offset int    // byte offset in the input
	Field  string // the field or option being decoded
	Err    error  // one of the sentinels above, or a more specific error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("dhcp4: parse %s at offset %d: %v", e.Field, e.Offset, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }
