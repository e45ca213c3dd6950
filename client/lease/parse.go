package lease

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/statemachine/dhcp4"
)

// MaxFileSize bounds a lease file: a longer one is not read at all, with
// an error naming it, and the daemon starts as with no file. ISC's own
// files stay far below it (about 2 KiB a block, rewritten after 20
// appends), and leased rewrites the file whole, duplicates collapsed.
// Reading only the first 16 MiB instead would keep the oldest blocks and
// lose the newest, which ISC appends at the end. Memory while reading
// stays within a small multiple of the size (issue 12).
const MaxFileSize = 16 << 20

// errTooLarge is wrapped by the error for a file over MaxFileSize.
var errTooLarge = errors.New("file too large")

// corrupt is ISC's message for anything unexpected at the top level of a
// lease file (client/clparse.c read_client_leases).
const corrupt = "Corrupt lease file - possible data loss!"

// Parse reads a lease database named name (for messages) with option names
// and types from cat. It never fails as a whole: problems come back as
// errors (each an *isctext.Error with file, line and column, or an I/O
// error), the blocks concerned are dropped, and the rest is returned. A
// file over MaxFileSize gives an empty File and an error that says so. At
// most isctext.MaxErrors problems are listed, then their count.
func Parse(r io.Reader, name string, cat *dhcp4.Catalogue) (*File, []error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return &File{}, []error{fmt.Errorf("read lease file %s: %w", name, err)}
	}
	if len(src) > MaxFileSize {
		return &File{}, []error{tooLarge(name)}
	}
	return parseText(src, name, cat)
}

// tooLarge is the error for a lease file over MaxFileSize.
func tooLarge(name string) error {
	return fmt.Errorf("lease file %s is larger than %d MiB, not read: %w", name, MaxFileSize>>20, errTooLarge)
}

func parseText(src []byte, name string, cat *dhcp4.Catalogue) (*File, []error) {
	s := isctext.NewScanner(name, src)
	f := &File{}
	for !s.AtEOF() {
		t := s.Next()
		switch kw := strings.ToLower(t.Text); {
		case t.Kind == isctext.Name && kw == "lease":
			if e, ok := ParseBlock(s, cat); ok {
				f.Leases = append(f.Leases, e)
			}
		case t.Kind == isctext.Name && kw == "default-duid":
			if d, ok := parseDUID(s); ok {
				f.DefaultDUID = d
			}
		case t.Kind == isctext.Name && kw == "lease6":
			s.Warnf(t, "DHCPv6 lease ignored.")
			s.SkipToSemi()
		default:
			s.Errorf(t, corrupt)
			resync(s, t)
		}
	}
	var errs []error
	for _, e := range s.Errors() {
		errs = append(errs, e)
	}
	return f, errs
}

// resync skips what follows a corrupt top-level token t: up to and
// including a ';' or '}' outside braces, or up to the next top-level
// keyword. ISC skips to the ';' only; stopping at "lease" as well keeps a
// stray '}' from swallowing the good block after it.
func resync(s *isctext.Scanner, t isctext.Token) {
	depth := 0
	if t.Is(';') || t.Is('}') {
		return
	}
	if t.Is('{') {
		depth++
	}
	for {
		p := s.Peek()
		if depth == 0 && p.Kind == isctext.Name && topKeywords[strings.ToLower(p.Text)] {
			return
		}
		s.Next()
		switch {
		case p.Kind == isctext.EOF:
			return
		case p.Is('{'):
			depth++
		case p.Is('}'):
			if depth--; depth <= 0 {
				return
			}
		case p.Is(';') && depth == 0:
			return
		}
	}
}

var topKeywords = map[string]bool{"lease": true, "lease6": true, "default-duid": true}

// parseDUID reads the value of default-duid: a quoted string or colon-hex
// (ISC parse_X), longer than two bytes (ISC "Invalid DUID contents.").
func parseDUID(s *isctext.Scanner) ([]byte, bool) {
	first := s.Peek()
	d, ok := ParseHexOrString(s)
	if !ok {
		return nil, false
	}
	if len(d) <= 2 {
		s.Errorf(first, "Invalid DUID contents.")
		s.SkipToSemi()
		return nil, false
	}
	return d, s.ExpectSemi()
}

// ParseHexOrString reads a quoted string or colon-separated hexadecimal
// bytes ("00:01:0a"), as ISC's parse_X does for DUIDs and hardware-like
// values. The terminating ';' is left for the caller.
func ParseHexOrString(s *isctext.Scanner) ([]byte, bool) {
	t := s.Next()
	if t.Kind == isctext.String {
		return []byte(t.Text), true
	}
	var out []byte
	for {
		if !t.IsHex() || len(t.Text) > 2 {
			s.Errorf(t, "expecting hexadecimal constant.")
			skipUnlessSemi(s, t)
			return nil, false
		}
		v, _ := hexByte(t.Text)
		out = append(out, v)
		if !s.Peek().Is(':') {
			return out, true
		}
		s.Next()
		t = s.Next()
	}
}

func hexByte(h string) (byte, bool) {
	var v byte
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | (c - '0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | (c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | (c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return v, true
}
