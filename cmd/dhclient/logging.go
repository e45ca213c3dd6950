package main

import (
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"path/filepath"

	"github.com/leased/leased/client"
)

// newLogger is client.NewLogger with syslog (facility daemon) when a
// syslog daemon listens, and LEASED_LOG from the environment.
func newLogger(f *Flags, stderr io.Writer) *slog.Logger {
	var sys io.Writer
	if w, err := syslog.New(syslog.LOG_DAEMON|syslog.LOG_INFO, filepath.Base(os.Args[0])); err == nil {
		sys = w
	}
	return client.NewLogger(stderr, sys, f.Verbose, os.Getenv("LEASED_LOG"))
}
