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
	b, err := readBounded(name)
	if err != nil && !filepath.IsAbs(name) {
		if b2, err2 := readBounded(filepath.Join(fp.dir, name)); err2 == nil {
			b, err, name = b2, nil, filepath.Join(fp.dir, name)
		}
	}
	if err != nil {
		fp.s.Errorf(at, "%s: bad parse.", name)
		return
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

// readBounded reads a regular file of at most maxFileSize bytes, so that
// an include of a device or a huge file cannot hang the parse.
func readBounded(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	return io.ReadAll(io.LimitReader(f, maxFileSize))
}
