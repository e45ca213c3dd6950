package dhcp4

import (
	"fmt"
	"strings"
)

type tokKind uint8

const (
	tokWord   tokKind = iota // a bare word: number, address, hex
	tokString                // a quoted string; text is the raw inside
	tokComma
)

type token struct {
	kind tokKind
	text string
}

// lexValue splits option value text into words, quoted strings and
// commas. Inside quotes a backslash protects the next character; the raw
// text is kept so that domain names can tell an escaped dot from a label
// separator.
func lexValue(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == ',':
			toks = append(toks, token{kind: tokComma, text: ","})
			i++
		case c == '"':
			end := quoteEnd(s, i+1)
			if end < 0 {
				return nil, fmt.Errorf("unterminated string: %w", ErrBadValue)
			}
			toks = append(toks, token{kind: tokString, text: s[i+1 : end]})
			i = end + 1
		default:
			end := i + strings.IndexAny(s[i:]+" ", " \t\n\r,\"")
			toks = append(toks, token{kind: tokWord, text: s[i:end]})
			i = end
		}
	}
	return toks, nil
}

// quoteEnd returns the index of the closing quote at or after i, or -1.
func quoteEnd(s string, i int) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}
