package platform

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// awaitAnyPath returns at once for a path that exists or for none, and
// follows the creation of the missing directories down to the path.
func TestAwaitAnyPath(t *testing.T) {
	dir := t.TempDir()
	if err := awaitAnyPath(t.Context(), nil); err != nil {
		t.Fatalf("no paths: %v", err)
	}
	if err := awaitAnyPath(t.Context(), []string{filepath.Join(dir, "none"), dir}); err != nil {
		t.Fatalf("one path exists: %v", err)
	}

	want := filepath.Join(dir, "run", "dbus", "socket")
	done := make(chan error, 1)
	go func() { done <- awaitAnyPath(t.Context(), []string{filepath.Join(dir, "other"), want}) }()
	for _, step := range []func() error{
		func() error { return os.Mkdir(filepath.Join(dir, "run"), 0o755) },
		func() error { return os.Mkdir(filepath.Join(dir, "run", "dbus"), 0o755) },
		func() error { return os.WriteFile(filepath.Join(dir, "run", "dbus", "other"), nil, 0o600) },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("returned %v before the path existed", err)
		default:
		}
	}
	if err := os.WriteFile(want, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after the path appeared: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("still waiting %v after %s appeared", waitLimit, want)
	}
}

func TestAwaitAnyPathEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- awaitAnyPath(ctx, []string{filepath.Join(t.TempDir(), "none")}) }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("after cancel: %v, want %v", err, context.Canceled)
		}
	case <-time.After(waitLimit):
		t.Fatal("still waiting after cancel")
	}
}
