package config

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/leased/leased/client/internal/isctext"
)

// Parse reads dhclient.conf text named name (for messages). Problems are
// returned as diagnostics and never stop the parse (reference §1.4).
// include statements read files relative to the working directory, as
// ISC does, or else relative to the including file. Text over
// MaxFileSize is not parsed: the result is the defaults and one error.
func Parse(r io.Reader, name string) (*Config, []Diagnostic) {
	b, err := readLimited(r, name)
	if err != nil {
		return New(), []Diagnostic{{File: name, Message: err.Error()}}
	}
	return parseConf(b, name, "")
}

// parseConf parses src, the text of the file name whose identity (see
// fileKey) is key, "" when unknown.
func parseConf(src []byte, name, key string) (*Config, []Diagnostic) {
	p := &parser{cfg: New(), read: readFile, total: len(src)}
	p.file(src, name, key, 0)
	return p.cfg, p.diags
}

// parser carries the configuration being built across included files.
type parser struct {
	cfg   *Config
	diags []Diagnostic

	// read reads a file for an include statement (readFile; a map in
	// the fuzz test).
	read     func(name string, regularOnly bool) (src []byte, key string, err error)
	reading  []string // keys of the files being read, outermost first
	includes int      // include statements met so far
	total    int      // bytes read so far, all files together
}

// file parses one file's statements into the global scope.
func (p *parser) file(src []byte, name, key string, depth int) {
	p.fileInto(&p.cfg.Global, "", src, name, key, depth)
}

// fileInto parses one file's statements into sc, the scope of interface
// iface ("" for the top level): a file included inside an interface
// declaration is read in that declaration's scope, as ISC reads it
// (client/clparse.c read_client_conf_file with the interface).
func (p *parser) fileInto(sc *Settings, iface string, src []byte, name, key string, depth int) {
	if key != "" {
		p.reading = append(p.reading, key)
		defer func() { p.reading = p.reading[:len(p.reading)-1] }()
	}
	fp := &fileParser{p: p, s: isctext.NewScanner(name, src), depth: depth, dir: filepath.Dir(name)}
	for !fp.s.AtEOF() {
		fp.statement(sc, iface)
	}
	for _, e := range fp.s.Errors() {
		p.diags = append(p.diags, fromError(e))
	}
}

// fileParser parses the statements of one file.
type fileParser struct {
	p     *parser
	s     *isctext.Scanner
	depth int
	dir   string
	stmt  isctext.Token // the name of the statement being read
}

// keyword returns t's text in lower case when t is a name, else "".
func keyword(t isctext.Token) string {
	if t.Kind != isctext.Name {
		return ""
	}
	return strings.ToLower(t.Text)
}

// tooLarge is the message for a file over MaxFileSize.
func tooLarge(name string) string {
	return fmt.Sprintf("%s: larger than %d MiB, not read.", name, MaxFileSize>>20)
}
