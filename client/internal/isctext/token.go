package isctext

import "fmt"

// Kind classifies a token.
type Kind uint8

// Token kinds.
const (
	EOF    Kind = iota // end of input
	Name               // a run of [A-Za-z0-9_-] starting with a letter, digit or '-'
	String             // a double-quoted string, Text holds the decoded bytes
	Punct              // any other single byte: ; { } , . : / = ( ) and so on
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case EOF:
		return "end of file"
	case Name:
		return "name"
	case String:
		return "string"
	case Punct:
		return "punctuation"
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Token is one lexical element.
type Token struct {
	Kind Kind
	// Text is the name or number as written, the decoded string, or the
	// punctuation byte.
	Text string
	Line int // 1-based line of the first byte
	Col  int // 1-based byte column of the first byte
	// Caret is the column ISC dhclient reports for this token: Col, or
	// Col+1 when its first byte had been read ahead and pushed back.
	Caret int
	Off   int // byte offset of the first byte
	End   int // byte offset just past the token
	// SpaceBefore reports white space or a comment between the previous
	// token and this one.
	SpaceBefore bool
	lineOff     int // byte offset of the start of Line
}

// Is reports whether t is the punctuation byte c.
func (t Token) Is(c byte) bool { return t.Kind == Punct && len(t.Text) == 1 && t.Text[0] == c }

// IsNumber reports whether t is a decimal number, optionally negative (ISC
// NUMBER).
func (t Token) IsNumber() bool {
	if t.Kind != Name {
		return false
	}
	s := t.Text
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsHex reports whether t consists of hexadecimal digits only (ISC
// NUMBER_OR_NAME, or NUMBER), as each part of colon-hex must.
func (t Token) IsHex() bool {
	if t.Kind != Name || t.Text == "" {
		return false
	}
	for i := 0; i < len(t.Text); i++ {
		if !isHexDigit(t.Text[i]) {
			return false
		}
	}
	return true
}

// IsWord reports whether t is an identifier: a Name that is not a
// number (ISC is_identifier also accepts keywords, which are names here).
func (t Token) IsWord() bool { return t.Kind == Name && !t.IsNumber() }

// Describe renders t for messages: the name, the quoted string, or the
// punctuation byte.
func (t Token) Describe() string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case String:
		return fmt.Sprintf("%q", t.Text)
	}
	return t.Text
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

// isSpace matches C isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
