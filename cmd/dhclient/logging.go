package main

import (
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"path/filepath"

	"github.com/leased/leased/client"
)

// newLogger logs ISC's phrases to stderr with -v or -d (errors always), and to
// syslog (facility daemon) when a syslog daemon listens (reference §8),
// with leased's own notices (client.LevelNotice) in syslog only, unless
// LEASED_LOG=notice (or debug, for every event and dropped packet too)
// asks for them on stderr.
func newLogger(f *Flags, stderr io.Writer) *slog.Logger {
	// Quiet (the default) still shows errors, such as an unknown
	// interface, until the daemon detaches from the terminal.
	level := slog.LevelError
	if f.Verbose {
		level = slog.LevelInfo
	}
	switch os.Getenv("LEASED_LOG") {
	case "notice":
		level = min(level, client.LevelNotice)
	case "debug":
		level = slog.LevelDebug
	}
	hs := []slog.Handler{client.NewLineHandler(stderr, level)}
	if w, err := syslog.New(syslog.LOG_DAEMON|syslog.LOG_INFO, filepath.Base(os.Args[0])); err == nil {
		hs = append(hs, client.NewLineHandler(w, client.LevelNotice))
	}
	return slog.New(client.Fanout(hs))
}
