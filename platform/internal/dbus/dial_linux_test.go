package dbus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leased/leased/platform/platformtest"
)

// TestDialFirst checks that the sockets are tried in order, that a name
// starting with '@' reaches the abstract namespace, and that an ended
// ctx stops the attempts.
func TestDialFirst(t *testing.T) {
	abstract := fmt.Sprintf("@leased-dbus-test-%d", os.Getpid())
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: abstract, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	missing := filepath.Join(t.TempDir(), "none")

	t.Run("the first that accepts", func(t *testing.T) {
		c, err := dialFirst(t.Context(), []string{missing, abstract})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
	})
	t.Run("every failure reported", func(t *testing.T) {
		_, err := dialFirst(t.Context(), []string{missing, missing + "2"})
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("got %v, want an error wrapping %v", err, os.ErrNotExist)
		}
		for _, s := range []string{missing, missing + "2"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q does not name %s", err, s)
			}
		}
	})
	t.Run("ended context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if c, err := dialFirst(ctx, []string{abstract}); !errors.Is(err, context.Canceled) {
			if c != nil {
				c.Close()
			}
			t.Fatalf("got %v, want %v", err, context.Canceled)
		}
	})
}

// TestDialBus connects to a real dbus-daemon (Debian package
// dbus-daemon) and asks it who owns its own name.
func TestDialBus(t *testing.T) {
	bin, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skipf("dbus-daemon not installed (Debian package dbus-daemon): %v", err)
	}
	addr, _ := platformtest.StartBus(t, bin)
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit) // a failure bound only
	defer cancel()
	c, err := Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	owner, err := c.NameOwner(ctx, busName)
	if err != nil {
		t.Fatal(err)
	}
	if owner != busName {
		t.Errorf("got owner %q, want %q", owner, busName)
	}
}
