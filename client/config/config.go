package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leased/leased/client/internal/isctext"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Config is a whole configuration.
type Config struct {
	// Global holds the top-level statements over the defaults.
	Global Settings
	// Interfaces holds the statements of each interface "x" { } block (or
	// YAML interfaces: key), only what they set. Naming an interface there
	// also adds it to the set to configure, as in ISC.
	Interfaces map[string]*Settings
	// inherited holds, for each interface "x" { } block, the top-level
	// settings as they stood where the interface's first block began:
	// ISC's make_client_config copies them there, so a top-level
	// statement further down the file does not reach the interface. The
	// send, default, supersede, prepend and append statements do, as the
	// interface's statement groups chain to the top level's (ISC
	// clone_group), which Config.ForHost takes whole (outer).
	inherited map[string]*Settings
	// Catalogue holds the built-in options and the option definitions.
	Catalogue *dhcp4.Catalogue
	// Fallback holds the lease { } blocks, tried after timeout like a
	// recorded lease and never written to the lease file, in the order
	// they are tried (addFallback).
	Fallback []lease.Entry
	// Aliases holds the alias { } blocks (exported to hooks as alias_*).
	Aliases []lease.Entry
	// DBTimeFormat and LeaseIDFormat are db-time-format and
	// lease-id-format, for the lease file. LeaseIDFormatStated says the
	// statement was there: ISC's parser logs its value then, octal too.
	DBTimeFormat        lease.TimeFormat
	LeaseIDFormat       lease.IDFormat
	LeaseIDFormatStated bool
}

// New returns the configuration of an empty file: ISC's defaults.
func New() *Config {
	return &Config{
		Global:     Defaults(),
		Interfaces: map[string]*Settings{},
		inherited:  map[string]*Settings{},
		Catalogue:  dhcp4.NewCatalogue(),
	}
}

// For returns the settings of iface for a host without a name or
// hardware address (ForHost): what does not depend on them.
func (c *Config) For(iface string) Settings { return c.ForHost(iface, Host{}) }

// Host is what the expressions of the send statements for options of
// other spaces are evaluated with for one interface; the daemon evaluates
// them again when the host name changes (client.RunnerConfig.Rebuild).
type Host struct {
	HWAddr net.HardwareAddr // the interface's, unless hardware ethernet sets one
	Name   string           // the host name
}

// ForHost returns the settings of iface: the global ones with what the
// interface's scope set laid over them, and the options of other spaces
// (SendSub) evaluated for h and encoded into Send.
func (c *Config) ForHost(iface string, h Host) Settings {
	var s Settings
	if in, ok := c.Interfaces[iface]; ok {
		s = overlay(c.outer(iface), *in)
	} else {
		s = overlay(c.Global, Settings{})
	}
	if len(s.HardwareAddr) > 0 {
		h.HWAddr = s.HardwareAddr
	}
	return c.encapsulate(s, h)
}

// outer returns the settings an interface's block lays its own over: the
// top level as it stood where the block began (inherited), with the top
// level's statement groups of the whole file; the whole top level for an
// interface without a block, or one named in YAML, whose scopes have no
// order.
func (c *Config) outer(iface string) Settings {
	at, ok := c.inherited[iface]
	if !ok {
		return c.Global
	}
	o := *at
	o.Send, o.SendSub, o.Modifiers = c.Global.Send, c.Global.SendSub, c.Global.Modifiers
	return o
}

// encapsulate adds to s.Send the DHCP options that carry s.SendSub, as
// ISC's client builds them when it sends (dhcp4 Catalogue.Encapsulate): a
// send statement for the whole option wins over its sub-options (ISC
// store_options). A sub-option whose expression has no value for h, or
// an empty one, is left out, as ISC stores no option for it. The options
// go after the other send options, where ISC puts option 81 too: after
// host-name.
func (c *Config) encapsulate(s Settings, h Host) Settings {
	var subs []dhcp4.Suboption
	for _, x := range s.SendSub {
		if data, ok := x.Present(h.HWAddr, h.Name); ok {
			subs = append(subs, dhcp4.Suboption{Def: x.Def, Data: data})
		}
	}
	for _, o := range c.Catalogue.Encapsulate(subs) {
		if !slices.ContainsFunc(s.Send, func(x SendOption) bool { return x.Code == o.Code }) {
			s.Send = append(s.Send, SendOption{Code: o.Code, Data: o.Data})
		}
	}
	return s
}

// LeaseFormat returns the lease-file format the configuration asks for.
func (c *Config) LeaseFormat() lease.Format {
	return lease.Format{Time: c.DBTimeFormat, ID: c.LeaseIDFormat}
}

// Diagnostic is a problem found in a configuration file.
type Diagnostic struct {
	File    string
	Line    int
	Column  int // true column, 1-based
	Caret   int // the column ISC dhclient shows (see Render)
	Message string
	Source  string // the line as ISC shows it
	Warning bool   // ignored statement; not an error
}

// Error returns "FILE line N: MESSAGE", ISC's first line.
func (d Diagnostic) Error() string {
	return fmt.Sprintf("%s line %d: %s", d.File, d.Line, d.Message)
}

// Render returns the diagnostic as ISC prints a parse warning: the message
// line, the source line, and a caret line, each ending in a newline.
func (d Diagnostic) Render() string {
	e := isctext.Error{File: d.File, Line: d.Line, Col: d.Column, Caret: d.Caret, Msg: d.Message, Source: d.Source}
	return e.Display()
}

func fromError(e *isctext.Error) Diagnostic {
	return Diagnostic{File: e.File, Line: e.Line, Column: e.Col, Caret: e.Caret,
		Message: e.Msg, Source: e.Source, Warning: e.Warning}
}

// HasErrors reports whether any diagnostic is an error.
func HasErrors(ds []Diagnostic) bool {
	for _, d := range ds {
		if !d.Warning {
			return true
		}
	}
	return false
}

// IsYAML reports whether path names a YAML file (.yaml or .yml).
func IsYAML(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".yaml" || ext == ".yml"
}

// Load reads the configuration file at path: YAML for a .yaml or .yml
// name, dhclient.conf syntax otherwise. A missing file gives the defaults
// and no error, as in ISC (reference §1.2). The error is for a file that
// exists but cannot be read, or is over MaxFileSize; problems inside it
// are diagnostics.
func Load(path string) (*Config, []Diagnostic, error) {
	b, key, err := readFile(path, false)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read configuration: %w", err)
	}
	if IsYAML(path) {
		c, ds := parseYAML(b, path)
		return c, ds, nil
	}
	c, ds := parseConf(b, path, key)
	return c, ds, nil
}
