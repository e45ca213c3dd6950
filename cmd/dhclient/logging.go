package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// lineHandler writes one plain line per record: the message, then any
// attributes as key=value. ISC's log phrases (reference §8) have no
// attributes and come out exactly as ISC prints them, so scripts that grep
// dhclient's output keep working.
type lineHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	attrs []slog.Attr
}

func newLineHandler(w io.Writer, level slog.Leveler) *lineHandler {
	return &lineHandler{mu: new(sync.Mutex), w: w, level: level}
}

func (h *lineHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *lineHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool {
		if a.Key != "iface" { // ISC phrases already name the interface
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		}
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *lineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup is not used by leased; groups are flattened.
func (h *lineHandler) WithGroup(string) slog.Handler { return h }

// newLogger logs ISC's phrases to stderr with -v or -d (errors always), and to
// syslog (facility daemon) when a syslog daemon listens (reference §8).
func newLogger(f *Flags, stderr io.Writer) *slog.Logger {
	// Quiet (the default) still shows errors, such as an unknown
	// interface, until the daemon detaches from the terminal.
	level := slog.LevelError
	if f.Verbose {
		level = slog.LevelInfo
	}
	hs := []slog.Handler{newLineHandler(stderr, level)}
	if w, err := syslog.New(syslog.LOG_DAEMON|syslog.LOG_INFO, filepath.Base(os.Args[0])); err == nil {
		hs = append(hs, newLineHandler(w, slog.LevelInfo))
	}
	return slog.New(fanout(hs))
}

// fanout sends each record to every handler.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}
