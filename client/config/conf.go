package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leased/leased/client/internal/isctext"
)

// MaxIncludeDepth bounds nested include statements, so that a file that
// includes itself ends.
const MaxIncludeDepth = 8

// maxFileSize bounds a configuration file; real ones are a few KiB.
const maxFileSize = 4 << 20

// Parse reads dhclient.conf text named name (for messages). Problems are
// returned as diagnostics and never stop the parse (reference §1.4).
// include statements read files relative to the working directory, as
// ISC does, or else relative to the including file.
func Parse(r io.Reader, name string) (*Config, []Diagnostic) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize))
	if err != nil {
		return New(), []Diagnostic{{File: name, Message: fmt.Sprintf("read: %v", err)}}
	}
	return parseConf(b, name)
}

func parseConf(src []byte, name string) (*Config, []Diagnostic) {
	p := &parser{cfg: New()}
	p.file(src, name, 0)
	return p.cfg, p.diags
}

// parser carries the configuration being built across included files.
type parser struct {
	cfg   *Config
	diags []Diagnostic
}

// file parses one file's statements into the global scope.
func (p *parser) file(src []byte, name string, depth int) {
	fp := &fileParser{p: p, s: isctext.NewScanner(name, src), depth: depth, dir: filepath.Dir(name)}
	for !fp.s.AtEOF() {
		fp.statement(&p.cfg.Global, "")
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
}

// include reads the file named by an include statement.
func (fp *fileParser) include(at isctext.Token, name string) {
	if fp.depth >= MaxIncludeDepth {
		fp.s.Errorf(at, "%s: includes nested too deeply.", name)
		return
	}
	b, err := os.ReadFile(name)
	if err != nil && !filepath.IsAbs(name) {
		if b2, err2 := os.ReadFile(filepath.Join(fp.dir, name)); err2 == nil {
			b, err, name = b2, nil, filepath.Join(fp.dir, name)
		}
	}
	if err != nil {
		fp.s.Errorf(at, "%s: bad parse.", name)
		return
	}
	if len(b) > maxFileSize {
		b = b[:maxFileSize]
	}
	// Diagnostics of the included file come before the rest of this one.
	for _, e := range fp.s.Errors() {
		fp.p.diags = append(fp.p.diags, fromError(e))
	}
	fp.s.ClearErrors()
	fp.p.file(b, name, fp.depth+1)
}

// keyword returns t's text in lower case when t is a name, else "".
func keyword(t isctext.Token) string {
	if t.Kind != isctext.Name {
		return ""
	}
	return strings.ToLower(t.Text)
}
