package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"

	"github.com/leased/leased/hooks"
)

// LevelNotice is leased's own diagnostics that are not ISC's phrases: the
// configuration mode at start, state changes, a hook's exit status.
// Between Debug and Info, so that the -v/-d stream shows ISC's lines
// only, as ISC prints them (issue 11), while syslog and the journal, and
// stderr with LEASED_LOG=notice, have them too. Declared by hooks, the
// lowest package that logs at it.
const LevelNotice = hooks.LevelNotice

// LineHandler writes one plain line per record: the message, then any
// attributes as key=value. ISC's log phrases (reference §8) have no
// attributes and come out exactly as ISC prints them, so scripts that grep
// dhclient's output keep working.
type LineHandler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	attrs []slog.Attr
}

// NewLineHandler returns a handler writing the records of level and
// above to w; it is safe for concurrent use.
func NewLineHandler(w io.Writer, level slog.Leveler) *LineHandler {
	return &LineHandler{mu: new(sync.Mutex), w: w, level: level}
}

// Enabled implements slog.Handler.
func (h *LineHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// Handle implements slog.Handler.
func (h *LineHandler) Handle(_ context.Context, r slog.Record) error {
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

// WithAttrs implements slog.Handler.
func (h *LineHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return &c
}

// WithGroup is not used by leased; groups are flattened.
func (h *LineHandler) WithGroup(string) slog.Handler { return h }

// Fanout sends each record to every handler that takes its level.
type Fanout []slog.Handler

// Enabled implements slog.Handler.
func (f Fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

// Handle implements slog.Handler.
func (f Fanout) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

// WithAttrs implements slog.Handler.
func (f Fanout) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(Fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(as)
	}
	return out
}

// WithGroup implements slog.Handler.
func (f Fanout) WithGroup(name string) slog.Handler {
	out := make(Fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}

// orDiscard is log, or a logger that discards when log is nil.
func orDiscard(log *slog.Logger) *slog.Logger {
	if log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return log
}

// NewLogger is the daemon's logger (reference §8): ISC's phrases to
// stderr with verbose (-v, -d; errors always, until the daemon detaches
// from the terminal) and to sys (syslog; nil when none listens) with
// leased's own notices (LevelNotice) too. leasedLog is LEASED_LOG:
// "notice" adds those notices to stderr, "debug" every event and dropped
// packet as well.
func NewLogger(stderr, sys io.Writer, verbose bool, leasedLog string) *slog.Logger {
	level := slog.LevelError
	if verbose {
		level = slog.LevelInfo
	}
	switch leasedLog {
	case "notice":
		level = min(level, LevelNotice)
	case "debug":
		level = slog.LevelDebug
	}
	hs := []slog.Handler{NewLineHandler(stderr, level)}
	if sys != nil {
		hs = append(hs, NewLineHandler(sys, LevelNotice))
	}
	return slog.New(Fanout(hs))
}
