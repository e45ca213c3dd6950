package dhcp4

import "math"

// Received returns an option's data as ISC keeps it when a packet brings
// it (common/options.c parse_option_buffer and prepare_option_buffer),
// which is what ISC exports and writes: trailing NULs of a text option are
// cut off (RFC 2132 §2 says options are not NUL-terminated; some servers
// terminate them anyway), and an empty host-name is dropped altogether
// (ok false).
func (c *Catalogue) Received(code uint8, data []byte) (out []byte, ok bool) {
	if code == OptHostName && len(data) == 0 {
		return nil, false
	}
	return c.ByCode(code).Type.trimNULs(data), true
}

// trimNULs cuts the trailing NULs of a type with text in it, but not into
// its fixed-size fields (ISC format_has_text, format_min_length).
func (t Type) trimNULs(d []byte) []byte {
	f := t.Format()
	if !formatHasText(f) {
		return d
	}
	for n := formatMinLength(f); len(d) > n && d[len(d)-1] == 0; {
		d = d[:len(d)-1]
	}
	return d
}

// formatHasText reports whether format holds text ('t') before any
// array, string or domain field, as ISC's format_has_text does.
func formatHasText(format string) bool {
	for i := 0; i < len(format); i++ {
		switch format[i] {
		case 't', 'k':
			return true
		case 'A', 'a', 'X', 'x', 'D', 'd':
			return false
		case 'E', 'N':
			for i < len(format) && format[i] != '.' {
				i++
			}
		}
	}
	return false
}

// formatMinLength returns the size of the fixed fields before the first
// variable one (ISC format_min_length); an optional field ('o') does not
// count, and a format ISC cannot size gives MaxInt, so nothing is cut.
func formatMinLength(format string) int {
	n, last := 0, 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch size := (atom{c: c}).fixedSize(); {
		case c == 'F':
			n, last = n+1, 1
		case size > 0:
			n, last = n+size, size
		case c == 'o':
			return n - last
		case c == 'c' || c == 'N' || !isFormatLetter(c):
			return math.MaxInt
		default: // variable-length and zero-length fields, arrays
			return n
		}
	}
	return n
}

// isFormatLetter reports whether c is a letter of ISC's format strings
// that formatMinLength knows.
func isFormatLetter(c byte) bool {
	switch c {
	case 'e', 'E', 'd', 'D', 't', 'X', 'x', 'A', 'a', 'Z', 'k':
		return true
	}
	return false
}
