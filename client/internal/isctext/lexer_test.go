package isctext

import (
	"fmt"
	"strings"
	"testing"
)

// tokenize splits src into tokens, the last one EOF, and the lexical
// errors found in each token, by token index.
func tokenize(src []byte) ([]Token, map[int][]string) {
	lx := newLexer(src)
	errs := map[int][]string{}
	var toks []Token
	for {
		t, e := lx.token()
		if len(e) > 0 {
			errs[len(toks)] = e
		}
		toks = append(toks, t)
		if t.Kind == EOF {
			return toks, errs
		}
	}
}

// render shows each token as kind:text@line:col^caret.
func render(toks []Token) string {
	var parts []string
	for _, t := range toks {
		parts = append(parts, fmt.Sprintf("%c:%s@%d:%d^%d", "ENSP"[t.Kind], t.Text, t.Line, t.Col, t.Caret))
	}
	return strings.Join(parts, " ")
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"statement", "timeout 5;", "N:timeout@1:1^1 N:5@1:9^10 P:;@1:10^11 E:@1:10^11"},
		{"string then punct", `script "/x";`, `N:script@1:1^1 S:/x@1:8^9 P:;@1:12^12 E:@1:12^12`},
		{"comment resets read-ahead", "# c\nfoo;", "N:foo@2:1^1 P:;@2:4^5 E:@2:4^5"},
		{"address", "1.2.3.4", "N:1@1:1^1 P:.@1:2^3 N:2@1:3^3 P:.@1:4^5 N:3@1:5^5 P:.@1:6^7 N:4@1:7^7 E:@1:7^7"},
		{"colon hex", "de:ad:0", "N:de@1:1^1 P::@1:3^4 N:ad@1:4^4 P::@1:6^7 N:0@1:7^7 E:@1:7^7"},
		{"names keep dashes", "also request rfc3442-classless-static-routes;", "N:also@1:1^1 N:request@1:6^7 N:rfc3442-classless-static-routes@1:14^15 P:;@1:45^46 E:@1:45^46"},
		{"negative number", "-3600,", "N:-3600@1:1^1 P:,@1:6^7 E:@1:6^7"},
		{"underscore starts punct", "_a", "P:_@1:1^1 N:a@1:2^2 E:@1:2^2"},
		{"empty", "", "E:@1:1^1"},
		{"leading space", "  x", "N:x@1:3^4 E:@1:3^4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks, errs := tokenize([]byte(tt.src))
			if len(errs) != 0 {
				t.Errorf("errors %v", errs)
			}
			if got := render(toks); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestStringEscapes(t *testing.T) {
	tests := []struct {
		src, want, err string
	}{
		{`"plain"`, "plain", ""},
		{`"a\"b\\c"`, `a"b\c`, ""},
		{`"\t\r\n\b"`, "\t\r\n\b", ""},
		{`"A\000B\012C\377"`, "A\x00B\nC\xff", ""},
		{`"\x41\x4a"`, "AJ", ""},
		{`"\$\q"`, "$q", ""},
		{`"\xg"`, "\x00g", "invalid hex digit: 67"},
		{`"\09"`, "\x009", "invalid octal digit 39"},
		{`"open`, "open", "eof in string constant"},
		{`"` + strings.Repeat("a", 2000) + `"`, strings.Repeat("a", MaxTokenLen-1), "string constant larger than internal buffer"},
	}
	for _, tt := range tests {
		t.Run(tt.src[:min(len(tt.src), 20)], func(t *testing.T) {
			s := NewScanner("f", []byte(tt.src))
			tok := s.Next()
			if tok.Kind != String || tok.Text != tt.want {
				t.Errorf("got %v %q, want string %q", tok.Kind, tok.Text, tt.want)
			}
			var msgs []string
			for _, e := range s.Errors() {
				msgs = append(msgs, e.Msg)
			}
			if got := strings.Join(msgs, "; "); got != tt.err {
				t.Errorf("errors %q, want %q", got, tt.err)
			}
		})
	}
}

func TestLongNameIsCut(t *testing.T) {
	s := NewScanner("f", []byte(strings.Repeat("a", 3000)+";"))
	if tok := s.Next(); len(tok.Text) != MaxTokenLen-1 {
		t.Errorf("name length %d, want %d", len(tok.Text), MaxTokenLen-1)
	}
	if len(s.Errors()) != 1 || s.Errors()[0].Msg != "token larger than internal buffer" {
		t.Errorf("errors %v", s.Errors())
	}
}
