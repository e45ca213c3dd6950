package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
)

// memFiles is an include resolver over a map: name -> text, the name
// being the file's identity.
func memFiles(files map[string]string) func(string, bool) ([]byte, string, error) {
	return func(name string, _ bool) ([]byte, string, error) {
		text, ok := files[name]
		if !ok {
			return nil, "", fs.ErrNotExist
		}
		if len(text) > MaxFileSize {
			return nil, "", errTooLarge
		}
		return []byte(text), name, nil
	}
}

// parseMem parses files["main.conf"] with includes resolved in files.
func parseMem(files map[string]string) (*Config, []Diagnostic, *parser) {
	src := files["main.conf"]
	p := &parser{cfg: New(), read: memFiles(files), total: len(src)}
	p.file([]byte(src), "main.conf", "main.conf", 0)
	return p.cfg, p.diags, p
}

// lineNumbers matches the line of a diagnostic.
var lineNumbers = regexp.MustCompile(`line [0-9]+:`)

func messages(ds []Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Error())
	}
	return strings.Join(out, "\n")
}

func TestIncludeLimits(t *testing.T) {
	eight := strings.Repeat(`include "main.conf";`+"\n", 8)
	tests := []struct {
		name  string
		files map[string]string
		want  string // the diagnostics, one per line
	}{
		{"self include is a cycle at its line",
			map[string]string{"main.conf": "timeout 3;\ninclude \"main.conf\";\n"},
			"main.conf line 2: main.conf: include cycle, the file is already being read."},
		{"eight self includes stay eight errors",
			map[string]string{"main.conf": eight},
			strings.TrimSpace(strings.Repeat("main.conf line N: main.conf: include cycle, the file is already being read.\n", 8))},
		{"indirect cycle names the file that closes it",
			map[string]string{"main.conf": `include "a";`, "a": "\n" + `include "b";`, "b": `include "a";`},
			"b line 1: a: include cycle, the file is already being read."},
		{"a diamond is no cycle",
			map[string]string{"main.conf": `include "a"; include "b";`, "a": `include "c";`, "b": `include "c";`, "c": "retry 4;"},
			""},
		{"missing file is ISC's bad parse",
			map[string]string{"main.conf": `include "nope";`},
			"main.conf line 1: nope: bad parse."},
		{"too large an included file",
			map[string]string{"main.conf": `include "big";`, "big": strings.Repeat("#", MaxFileSize+1)},
			"main.conf line 1: big: larger than 4 MiB, not read."},
		{"all files together over the total",
			map[string]string{"main.conf": `include "a"; include "b"; include "c";`,
				"a": strings.Repeat("#", 3<<20), "b": strings.Repeat("#", 3<<20), "c": strings.Repeat("#", 3<<20)},
			"main.conf line 1: c: configuration over 8 MiB in all, not read."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds, _ := parseMem(tt.files)
			got := messages(ds)
			if strings.Contains(tt.want, "line N") {
				got = lineNumbers.ReplaceAllString(got, "line N:")
			}
			if got != tt.want {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestIncludeCountLimit(t *testing.T) {
	// A tree of includes without a cycle: each file includes the next
	// one 4 times, so depth alone would allow 4^6 reads.
	files := map[string]string{}
	for i := range 5 {
		files[fmt.Sprintf("f%d", i)] = strings.Repeat(fmt.Sprintf("include \"f%d\";\n", i+1), 4)
	}
	files["main.conf"] = `include "f0";`
	files["f5"] = "retry 5;"
	c, ds, p := parseMem(files)
	if p.includes <= MaxIncludes {
		t.Fatalf("only %d include statements met", p.includes)
	}
	limit := 0
	for _, d := range ds {
		if strings.Contains(d.Message, fmt.Sprintf("more than %d includes, not read.", MaxIncludes)) {
			limit++
		}
	}
	if limit == 0 || c.Global.Retry != 5*time.Second {
		t.Errorf("got %d limit errors and retry %v; want some and the deepest file read", limit, c.Global.Retry)
	}
	if n := len(ds); n > 1000 {
		t.Errorf("%d diagnostics for one tree", n)
	}
}

func TestLoadRefusesOversizedFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dhclient.conf")
	if err := os.WriteFile(p, []byte("timeout 3;"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(p, MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	_, _, err := Load(p)
	if !errors.Is(err, errTooLarge) || !strings.Contains(err.Error(), p+" is larger than 4 MiB") {
		t.Errorf("got %v, want an error naming %s and the limit", err, p)
	}
	c, ds := Parse(strings.NewReader(strings.Repeat(" ", MaxFileSize+1)), "r.conf")
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "r.conf is larger than 4 MiB") || c.Global.Timeout != New().Global.Timeout {
		t.Errorf("Parse: %v", ds)
	}
}

func TestLoadSelfIncludeThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.conf")
	link := filepath.Join(dir, "b.conf")
	os.WriteFile(p, []byte("include \""+link+"\";\n"), 0o644)
	if err := os.Symlink(p, link); err != nil {
		t.Skip(err)
	}
	_, ds, err := Load(p)
	if err != nil || len(ds) != 1 || ds[0].File != p || ds[0].Line != 1 || !strings.Contains(ds[0].Message, "include cycle") {
		t.Errorf("got %v %v, want one cycle error at %s line 1", ds, err, p)
	}
}

func TestLoadDevNull(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skip(err)
	}
	c, ds, err := Load(os.DevNull)
	if err != nil || len(ds) != 0 || c.Global.Timeout != New().Global.Timeout {
		t.Errorf("-cf %s: %v %v", os.DevNull, ds, err)
	}
}

func TestGarbageConfKeepsFewDiagnostics(t *testing.T) {
	_, ds := Parse(strings.NewReader(strings.Repeat("x;", 1<<20)), "g.conf")
	if len(ds) != 101 || !strings.HasSuffix(ds[100].Message, "more not shown.") {
		t.Errorf("got %d diagnostics, want 100 and a summary", len(ds))
	}
}

// A file included inside an interface declaration is read in its scope,
// as ISC reads it: its settings are that interface's, and what only an
// interface may hold is allowed there.
func TestIncludeInInterfaceScope(t *testing.T) {
	c, ds, _ := parseMem(map[string]string{
		"main.conf": "timeout 30;\ninterface \"wlan0\" {\n  include \"wlan0.conf\";\n}\n",
		"wlan0.conf": "timeout 7;\nsupersede domain-name \"wlan.example\";\n" +
			"hardware ethernet 02:00:00:00:00:09;\n",
	})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %s", messages(ds))
	}
	wlan, eth := c.For("wlan0"), c.For("eth0")
	if wlan.Timeout != 7*time.Second || len(wlan.Modifiers) != 1 || len(wlan.HardwareAddr) == 0 {
		t.Errorf("wlan0: timeout %v, modifiers %v, hardware %v; want the included file's", wlan.Timeout, wlan.Modifiers, wlan.HardwareAddr)
	}
	if eth.Timeout != 30*time.Second || len(eth.Modifiers) != 0 {
		t.Errorf("eth0: timeout %v, modifiers %v; want the top level's alone", eth.Timeout, eth.Modifiers)
	}
}

// An interface's modifiers come after the top level's, as ISC runs an
// interface's statements after the outer scope's: its supersede
// replaces what a global prepend put in.
func TestModifiersInterfaceAfterGlobal(t *testing.T) {
	c, ds, _ := parseMem(map[string]string{
		"main.conf": "interface \"eth0\" {\n  supersede domain-name-servers 8.8.8.8;\n}\n" +
			"prepend domain-name-servers 127.0.0.1;\n",
	})
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %s", messages(ds))
	}
	got := c.For("eth0").Modifiers
	if len(got) != 2 || got[0].Kind != statemachine.Prepend || got[1].Kind != statemachine.Supersede {
		t.Errorf("eth0's modifiers %+v, want the global prepend, then eth0's supersede", got)
	}
}
