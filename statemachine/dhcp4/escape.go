package dhcp4

import (
	"strings"
)

// isPrint reports whether c is printable ASCII (C isascii && isprint).
func isPrint(c byte) bool { return c >= 0x20 && c < 0x7f }

// shellSpecial are the characters ISC escapes with a backslash in text
// values so that they are harmless in a shell (reference §3.4).
const shellSpecial = "\"'$`\\|&"

// prettyEscape writes d as ISC prints text (common/options.c
// pretty_escape, reference §3.4): non-printable bytes as a backslash and
// three octal digits, a backslash before the characters of shellSpecial,
// everything else as is. A NUL that is the last byte of d is left out, as
// ISC leaves it out: a server's C-string terminator is not part of the
// text.
func prettyEscape(b *strings.Builder, d []byte) {
	if len(d) > 0 && d[len(d)-1] == 0 {
		d = d[:len(d)-1]
	}
	for _, c := range d {
		switch {
		case !isPrint(c):
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + c>>3&7)
			b.WriteByte('0' + c&7)
		case strings.IndexByte(shellSpecial, c) >= 0:
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// isTextLike reports whether ISC prints string data d as text: every
// byte printable, except possibly one trailing NUL (pretty_print_option,
// format 'X').
func isTextLike(d []byte) bool {
	if len(d) > 0 && d[len(d)-1] == 0 {
		d = d[:len(d)-1]
	}
	for _, c := range d {
		if !isPrint(c) {
			return false
		}
	}
	return true
}

// unescapeText decodes the inside of a quoted lease-file string: "\ooo"
// (one to three octal digits) is a byte, "\t" "\n" "\r" "\b" are control
// characters as in ISC's lexer, and a backslash before anything else
// stands for that character.
func unescapeText(s string) ([]byte, bool) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i++; i == len(s) {
			return nil, false
		}
		c, n := unescapeOne(s[i:])
		out = append(out, c)
		i += n - 1
	}
	return out, true
}

// unescapeOne decodes the escape that starts s (after the backslash) and
// returns the byte and the number of characters used. An octal escape
// starts with 0 to 3, as ISC's lexer reads it (common/conflex.c
// read_string): \4 to \7 are the digits themselves.
func unescapeOne(s string) (byte, int) {
	if s[0] >= '0' && s[0] <= '3' {
		v, n := 0, 0
		for n < 3 && n < len(s) && s[n] >= '0' && s[n] <= '7' {
			v = v*8 + int(s[n]-'0')
			n++
		}
		return byte(v), n
	}
	switch s[0] {
	case 't':
		return '\t', 1
	case 'n':
		return '\n', 1
	case 'r':
		return '\r', 1
	case 'b':
		return '\b', 1
	}
	return s[0], 1
}
