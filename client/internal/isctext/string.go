package isctext

// readString decodes a double-quoted string starting at the opening quote,
// with ISC's escapes (common/conflex.c read_string): \t \r \n \b, \NNN octal
// (first digit 0-3), \xHH hexadecimal, and a backslash before any other
// byte standing for that byte.
func (lx *lexer) readString() string {
	lx.advance() // opening quote
	var b []byte
	cut := false
	for {
		if lx.pos >= len(lx.src) {
			lx.errorf("eof in string constant")
			break
		}
		c := lx.src[lx.pos]
		lx.advance()
		if c == '"' {
			break
		}
		if c == '\\' {
			c = lx.escape()
		}
		if len(b) < MaxTokenLen-1 {
			b = append(b, c)
		} else if !cut {
			lx.errorf("string constant larger than internal buffer")
			cut = true
		}
	}
	return string(b)
}

// escape decodes the escape after a backslash.
func (lx *lexer) escape() byte {
	if lx.pos >= len(lx.src) {
		return '\\'
	}
	c := lx.src[lx.pos]
	lx.advance()
	switch c {
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'n':
		return '\n'
	case 'b':
		return '\b'
	case '0', '1', '2', '3':
		return lx.digits(c-'0', 8, 2)
	case 'x':
		return lx.digits(0, 16, 2)
	}
	return c
}

// digits reads up to n more digits in base and folds them into v. A byte
// that is not a digit ends the escape early with an error and is left for
// the string.
func (lx *lexer) digits(v byte, base byte, n int) byte {
	for ; n > 0; n-- {
		if lx.pos >= len(lx.src) {
			return v
		}
		c := lx.src[lx.pos]
		d, ok := digitValue(c, base)
		if !ok {
			if base == 16 {
				lx.errorf("invalid hex digit: %x", c)
			} else {
				lx.errorf("invalid octal digit %x", c)
			}
			return v
		}
		v = v*base + d
		lx.advance()
	}
	return v
}

func digitValue(c, base byte) (byte, bool) {
	var d byte
	switch {
	case c >= '0' && c <= '9':
		d = c - '0'
	case c >= 'a' && c <= 'f':
		d = c - 'a' + 10
	case c >= 'A' && c <= 'F':
		d = c - 'A' + 10
	default:
		return 0, false
	}
	return d, d < base
}
