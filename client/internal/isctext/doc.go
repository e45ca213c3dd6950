// Package isctext is the lexer shared by the dhclient.conf and
// dhclient.leases parsers. ISC dhclient reads both files with one scanner
// (common/conflex.c), and a `lease { }` block may appear in either, so both
// packages tokenise alike: `#` comments to end of line, double-quoted strings
// with ISC's escapes, names and numbers as runs of letters, digits, `-` and
// `_`, and every other byte as a one-character punctuation token (so an
// address is NUMBER DOT NUMBER ..., colon-hex is NAME COLON NAME ...).
//
// Positions reproduce ISC's error display (reference/isc-golden/logs/
// 12-config-parse-error.log): "FILE line N: message", the line as the
// scanner had read it, and a caret under ISC's column. ISC's column is one
// past the real one when the token's first character had been read ahead
// and pushed back (after a name, a number or white space); Token.Caret keeps
// that quirk so that messages match byte for byte, and Token.Col is the true
// column.
package isctext
