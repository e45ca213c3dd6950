package config

import (
	"testing"
	"time"
)

// AddSecondsRow adds to the table, until t ends, a setting of seconds
// named name with default def that fills field: all that declaring a
// setting takes. It changes the package's table, so the test calling it
// must not run in parallel with others.
func AddSecondsRow(t testing.TB, name string, def time.Duration, field func(*Settings) *time.Duration) {
	n := len(settings)
	settings = append(settings[:n:n], row(name, anywhere, seconds, def, field))
	t.Cleanup(func() { settings = settings[:n] })
}
