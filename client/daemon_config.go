package client

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leased/leased/client/config"
)

// LoadConfig reads the configuration file, ConfPath, into Config: the
// first load, which reload repeats at each SIGHUP. Problems inside the
// file are written to report as ISC prints them (nil: nowhere) and are
// never fatal; the error is for a file that exists but cannot be read.
func (d *Daemon) LoadConfig(report io.Writer) ([]config.Diagnostic, error) {
	cfg, diags, err := loadConfig(d.ConfPath, func(diag config.Diagnostic) {
		if report != nil {
			fmt.Fprint(report, diag.Render())
		}
	})
	if err != nil {
		return nil, err
	}
	d.Config = cfg
	return diags, nil
}

// loadConfig is the one loader of start and reload: it reads path and
// hands each problem in it to report.
func loadConfig(path string, report func(config.Diagnostic)) (*config.Config, []config.Diagnostic, error) {
	cfg, diags, err := config.Load(path)
	if err != nil {
		return nil, nil, err
	}
	for _, diag := range diags {
		report(diag)
	}
	return cfg, diags, nil
}

// CheckConfig is dhclient -t: it reads the configuration file at path,
// writes every problem and the verdict to out, and returns the exit
// status: 1 when the file is missing, cannot be read or has an error
// (warnings pass), else 0.
func CheckConfig(path string, out io.Writer) int {
	// Unlike a start, which takes ISC's defaults, a check needs the file.
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(out, "%v\n", err)
		return 1
	}
	d := &Daemon{Options: Options{ConfPath: path}}
	diags, err := d.LoadConfig(out)
	if err != nil {
		fmt.Fprintf(out, "%v\n", err)
		return 1
	}
	if config.HasErrors(diags) {
		return 1
	}
	fmt.Fprintf(out, "%s: configuration OK\n", path)
	return 0
}

// logDiagnostic reports a problem of a reloaded file in the log, where a
// daemon's stderr no longer goes.
func (d *Daemon) logDiagnostic(diag config.Diagnostic) {
	d.log.Warn(strings.TrimSpace(diag.Render()))
}
