package config

import (
	"errors"
	"path/filepath"
	"slices"

	"github.com/leased/leased/client/internal/isctext"
)

// Limits on reading a configuration. ISC dhclient has none: a file that
// includes itself recurses until it runs out of file descriptors, and
// one that includes itself 8 times took leased to 7.3 GB in 60 s before
// these limits (issue 12). Real configurations are a few KiB in one or
// two files.
const (
	// MaxFileSize bounds one file, the main one or an included one.
	MaxFileSize = 4 << 20
	// MaxTotalSize bounds all the files of a configuration together.
	MaxTotalSize = 8 << 20
	// MaxIncludes bounds the include statements of a configuration, all
	// files together, read or not: every one after it is an error.
	MaxIncludes = 64
	// MaxIncludeDepth bounds nested include statements.
	MaxIncludeDepth = 8
)

// include reads the file named by an include statement at token at into
// sc, the scope of interface iface ("" for the top level). A file that is
// already being read (an include cycle), one over the limits, or one that
// cannot be read is an error at the statement, and the parse goes on
// after it.
func (fp *fileParser) include(at isctext.Token, name string, sc *Settings, iface string) {
	p := fp.p
	if p.includes++; p.includes > MaxIncludes {
		fp.s.Errorf(at, "%s: more than %d includes, not read.", name, MaxIncludes)
		return
	}
	if fp.depth >= MaxIncludeDepth {
		fp.s.Errorf(at, "%s: includes nested too deeply.", name)
		return
	}
	b, key, name, err := fp.open(name)
	switch {
	case errors.Is(err, errTooLarge):
		fp.s.Errorf(at, "%s", tooLarge(name))
		return
	case err != nil:
		fp.s.Errorf(at, "%s: bad parse.", name) // ISC's message
		return
	case slices.Contains(p.reading, key):
		fp.s.Errorf(at, "%s: include cycle, the file is already being read.", name)
		return
	case p.total+len(b) > MaxTotalSize:
		fp.s.Errorf(at, "%s: configuration over %d MiB in all, not read.", name, MaxTotalSize>>20)
		return
	}
	p.total += len(b)
	// Diagnostics of the included file come before the rest of this one.
	for _, e := range fp.s.Errors() {
		p.diags = append(p.diags, fromError(e))
	}
	fp.s.ClearErrors()
	p.fileInto(sc, iface, b, name, key, fp.depth+1)
}

// open reads name relative to the working directory, as ISC does, or
// else relative to the including file's directory, and returns the name
// it was found under.
func (fp *fileParser) open(name string) ([]byte, string, string, error) {
	b, key, err := fp.p.read(name, true)
	if err != nil && !filepath.IsAbs(name) {
		alt := filepath.Join(fp.dir, name)
		if b2, k2, err2 := fp.p.read(alt, true); err2 == nil {
			return b2, k2, alt, nil
		}
	}
	return b, key, name, err
}
