package config

import (
	"slices"
	"strconv"
	"time"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
)

// ignored lists statements leased parses but does not act on, with the
// warning given (SPEC §3).
var ignored = map[string]string{
	"media":                  "media ignored: leased does not cycle media.",
	"anycast-mac":            "anycast-mac ignored.",
	"omapi":                  "omapi ignored: use the control socket.",
	"do-forward-updates":     "do-forward-updates ignored: leased does no DDNS.",
	"bootp-broadcast-always": "bootp-broadcast-always ignored.",
	"lease-time-ipv6":        "lease-time-ipv6 ignored: leased does no DHCPv6.",
	"ignore":                 "bootp/authentication policy ignored.",
	"accept":                 "bootp/authentication policy ignored.",
	"prefer":                 "bootp/authentication policy ignored.",
	"dont":                   "bootp/authentication policy ignored.",
	"don":                    "bootp/authentication policy ignored.",
}

// blocks lists ignored statements that end with a { } block.
var blocks = map[string]string{
	"pseudo": "pseudo interface ignored.",
	"key":    "key ignored: leased does no DDNS or OMAPI.",
	"zone":   "zone ignored: leased does no DDNS.",
	"if":     "if statement ignored: leased evaluates no expressions.",
	"on":     "on statement ignored: leased evaluates no expressions.",
	"elsif":  "elsif statement ignored.",
	"else":   "else statement ignored.",
}

// statement parses one statement into sc, the scope of interface iface
// ("" for the top level) (ISC parse_client_statement).
func (fp *fileParser) statement(sc *Settings, iface string) {
	s := fp.s
	t := s.Peek()
	kw := keyword(t)
	if i, ok := lookup(kw); ok {
		fp.stmt = s.Next()
		fp.setting(sc, iface, i)
		return
	}
	if msg, ok := ignored[kw]; ok {
		s.Next()
		s.Warnf(t, "%s", msg)
		s.SkipToSemi()
		return
	}
	if msg, ok := blocks[kw]; ok {
		s.Next()
		s.Warnf(t, "%s", msg)
		skipBlock(s)
		for kw == "if" && (keyword(s.Peek()) == "elsif" || keyword(s.Peek()) == "else") {
			s.Next()
			skipBlock(s)
		}
		return
	}
	if fp.optionStatement(sc, iface, kw) || fp.structure(sc, iface, kw) {
		return
	}
	fp.unknown()
}

// setting reads the statement of row i of the table, its name fp.stmt
// being read, into sc, the scope of interface iface ("" for the top
// level), unless the row's scope rule forbids it there.
func (fp *fileParser) setting(sc *Settings, iface string, i int) {
	s, r := fp.s, settings[i]
	switch {
	case r.scope == interfaceOnly && iface == "":
		s.Errorf(fp.stmt, "%s not allowed here.", r.what())
		s.SkipToSemi()
	case r.scope == global && iface != "":
		s.Warnf(fp.stmt, "%s ignored in an interface declaration: it applies to every interface.", r.name)
		s.SkipToSemi()
	case r.conf(fp, sc):
		sc.set.add(i)
	}
}

// structure handles the statements about scopes, files and leases.
func (fp *fileParser) structure(sc *Settings, iface, kw string) bool {
	s := fp.s
	switch kw {
	case "interface":
		t := s.Next()
		if iface != "" {
			s.Errorf(t, "nested interface declaration.")
		}
		fp.interfaceBlock()
	case "lease", "alias":
		s.Next()
		e, ok := lease.ParseBlock(s, fp.p.cfg.Catalogue)
		if !ok {
			return true
		}
		if kw == "alias" {
			fp.p.cfg.Aliases = append(fp.p.cfg.Aliases, e)
			return true
		}
		e.Lease.Fallback = true
		fp.p.cfg.Fallback = addFallback(fp.p.cfg.Fallback, e)
	case "include":
		s.Next()
		t := s.Next()
		if t.Kind != isctext.String {
			s.Errorf(t, "filename string expected.")
			s.SkipToSemi()
			return true
		}
		fp.include(t, t.Text, sc, iface)
		s.ExpectSemi()
	case "db-time-format":
		fp.dbTimeFormat()
	case "lease-id-format":
		fp.leaseIDFormat()
	default:
		return false
	}
	return true
}

// interfaceBlock parses `"name" { statements }` (ISC
// parse_interface_declaration).
func (fp *fileParser) interfaceBlock() {
	s := fp.s
	t := s.Next()
	if t.Kind != isctext.String {
		s.Errorf(t, "expecting interface name (in quotes).")
		s.SkipToSemi()
		return
	}
	cfg := fp.p.cfg
	sc, ok := cfg.Interfaces[t.Text]
	if !ok {
		sc = &Settings{}
		cfg.Interfaces[t.Text] = sc
		cfg.inherited[t.Text] = cfg.Global.clone()
	}
	if b := s.Next(); !b.Is('{') {
		s.Errorf(b, "expecting left brace.")
		s.SkipToSemi()
		return
	}
	for {
		p := s.Peek()
		if p.Kind == isctext.EOF {
			s.Errorf(p, "unterminated interface declaration.")
			return
		}
		if p.Is('}') {
			s.Next()
			return
		}
		fp.statement(sc, t.Text)
	}
}

// unknown handles a statement ISC would read as an executable statement
// (parse_executable_statement): a name, optionally with arguments in
// parentheses, and a ';'. ISC accepts and ignores it; leased warns. A
// missing ';' gives ISC's two errors: one from the statement, and one
// from parse_client_statement's own parse_semi on the next token, which
// it swallows (reference logs/12-config-parse-error.log).
func (fp *fileParser) unknown() {
	s := fp.s
	t := s.Next()
	if !t.IsWord() {
		s.Errorf(t, "expecting a statement.")
		skipRest(s, t)
		return
	}
	if s.Peek().Is('(') {
		skipParens(s)
	}
	if s.Peek().Is(';') {
		s.Next()
		s.Warnf(t, "unknown statement %s ignored.", t.Text)
		return
	}
	if s.Peek().Is('{') {
		// A block ISC does not know here (lease6 { }, which some tools
		// append to dhclient.conf): ISC's skip_to_semi skips it whole,
		// and its parse_semi then swallows the next statement. Skipping
		// only to its first ';' read the rest of the block as statements
		// of the file.
		s.Errorf(t, "expecting a statement.")
		s.SkipToSemi()
		s.ExpectSemi()
		return
	}
	s.ExpectSemi()
	s.ExpectSemi()
}

// addFallback adds the lease { } block e to list in ISC's order
// (clparse.c parse_client_lease_statement): the last declared first, to
// be tried first, and an earlier block of the same interface and address
// discarded (discard_duplicate).
func addFallback(list []lease.Entry, e lease.Entry) []lease.Entry {
	list = slices.DeleteFunc(slices.Clone(list), func(o lease.Entry) bool {
		return o.Interface == e.Interface && o.Lease.Addr == e.Lease.Addr
	})
	return append([]lease.Entry{e}, list...)
}

// skipRest skips what follows the bad token t up to the next ';'.
func skipRest(s *isctext.Scanner, t isctext.Token) {
	if !t.Is(';') && !t.Is('}') {
		s.SkipToSemi()
	}
}

// skipParens skips a balanced ( ... ) group.
func skipParens(s *isctext.Scanner) {
	depth := 0
	for {
		t := s.Next()
		switch {
		case t.Kind == isctext.EOF:
			return
		case t.Is('('):
			depth++
		case t.Is(')'):
			if depth--; depth <= 0 {
				return
			}
		}
	}
}

// skipBlock skips an ignored statement: up to and including its { }
// block and a ';' right after it, or to its ';' when it has none.
func skipBlock(s *isctext.Scanner) {
	if s.SkipToSemi(); s.Peek().Is(';') {
		s.Next()
	}
}

// seconds reads `N;` for a timing statement (ISC parse_lease_time).
func (fp *fileParser) seconds() (time.Duration, bool) {
	s := fp.s
	t := s.Next()
	n, err := strconv.ParseUint(t.Text, 10, 32)
	if !t.IsNumber() || err != nil {
		s.Errorf(t, "Expecting numeric lease time")
		skipRest(s, t)
		return 0, false
	}
	return time.Duration(n) * time.Second, s.ExpectSemi()
}

// str reads `"text";`.
func (fp *fileParser) str() (string, bool) {
	s := fp.s
	t := s.Next()
	if t.Kind != isctext.String {
		s.Errorf(t, "expecting string.")
		skipRest(s, t)
		return "", false
	}
	return t.Text, s.ExpectSemi()
}

// word reads one of the allowed keywords and its ';'.
func (fp *fileParser) word(allowed ...string) (string, bool) {
	s := fp.s
	t := s.Next()
	k := keyword(t)
	for _, a := range allowed {
		if k == a {
			return k, s.ExpectSemi()
		}
	}
	s.Errorf(t, "expecting one of %v.", allowed)
	skipRest(s, t)
	return "", false
}
