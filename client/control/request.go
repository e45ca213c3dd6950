package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Limits on request fields. IFNAMSIZ is 16 with the NUL (linux/if.h);
// ISC option names are far shorter than 64.
const (
	maxIfaceLen  = 15
	maxOptionLen = 64
)

// ErrBadRequest is wrapped by every DecodeRequest error.
var ErrBadRequest = errors.New("bad request")

// DecodeRequest parses and validates one request line (without or with
// its trailing newline). It never panics; errors wrap ErrBadRequest and
// say what is wrong.
func DecodeRequest(line []byte) (Request, error) {
	var req Request
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		// The decoder quotes unknown field names: clip them.
		return Request{}, fmt.Errorf("%w: %s", ErrBadRequest, clip(err.Error(), 120))
	}
	if dec.More() {
		return Request{}, fmt.Errorf("%w: more than one JSON value on the line", ErrBadRequest)
	}
	if err := req.Validate(); err != nil {
		return Request{}, err
	}
	return req, nil
}

// Validate checks that the verb is known and that it has the arguments it
// needs and no others. Errors wrap ErrBadRequest.
func (r Request) Validate() error {
	if r.Verb == "" {
		return fmt.Errorf("%w: missing verb", ErrBadRequest)
	}
	if !slices.Contains(Verbs(), r.Verb) {
		return fmt.Errorf("%w: unknown verb %q", ErrBadRequest, clip(string(r.Verb), 40))
	}
	if r.Interface != "" {
		if err := checkIface(r.Interface); err != nil {
			return err
		}
	}
	switch {
	case (r.Verb == VerbGetPacket || r.Verb == VerbGetOption) && r.Interface == "":
		return fmt.Errorf("%w: %s needs an interface", ErrBadRequest, r.Verb)
	case r.Verb == VerbShutdown && r.Interface != "":
		return fmt.Errorf("%w: shutdown takes no interface", ErrBadRequest)
	case r.Verb == VerbGetOption && r.Option == "":
		return fmt.Errorf("%w: getoption needs an option name", ErrBadRequest)
	case r.Verb != VerbGetOption && r.Option != "":
		return fmt.Errorf("%w: %s takes no option", ErrBadRequest, r.Verb)
	}
	if r.Option != "" {
		return checkOption(r.Option)
	}
	return nil
}

// checkIface accepts what the kernel accepts as a link name
// (dev_valid_name in net/core/dev.c): 1 to 15 bytes, not "." or "..",
// no '/', ':' or white space.
func checkIface(name string) error {
	if len(name) > maxIfaceLen || name == "." || name == ".." {
		return fmt.Errorf("%w: invalid interface name %q", ErrBadRequest, clip(name, 40))
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c == '/' || c == ':' || c >= 0x7f {
			return fmt.Errorf("%w: invalid interface name %q", ErrBadRequest, clip(name, 40))
		}
	}
	return nil
}

// checkOption accepts ISC option names: letters, digits, '-', and '.'
// between an option space and a name ("agent.circuit-id").
func checkOption(name string) error {
	if len(name) > maxOptionLen {
		return fmt.Errorf("%w: option name too long", ErrBadRequest)
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
		if !ok {
			return fmt.Errorf("%w: invalid option name %q", ErrBadRequest, clip(name, 40))
		}
	}
	return nil
}

// clip shortens client-supplied text quoted in an error reply, so a large
// request cannot make a large reply.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
