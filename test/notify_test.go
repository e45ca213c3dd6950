//go:build linux

package e2e

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestNotifyReadyOnlyAfterBind reads the sd_notify messages of a
// `dhclient -d` run from a NOTIFY_SOCKET the test owns (SPEC §9): READY=1
// comes once the address is on the interface, STATUS= names the state,
// WATCHDOG=1 keeps coming when systemd asks for a watchdog, STOPPING=1 on
// SIGTERM.
func TestNotifyReadyOnlyAfterBind(t *testing.T) {
	lab.Require(t)
	t.Parallel()
	l := lab.New(t)
	opts := l.DefaultOpts()
	opts.Routers = []netip.Addr{l.ServerAddr()}
	l.StartDnsmasq(t, opts)

	dir := t.TempDir()
	sockPath := filepath.Join(dir, "notify.sock")
	sock, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sockPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer sock.Close()
	conf := filepath.Join(dir, "dhclient.conf")
	// /bin/true configures nothing: leased must (SPEC §5.0).
	if err := os.WriteFile(conf, []byte("configure-interface native;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := lab.Command(l.ClientNS(), dhclientBin, "-d", "-v", "-cf", conf,
		"-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "dhclient.pid"),
		"-sf", "/bin/true", l.ClientIf())
	// A 400 ms watchdog: keep-alives every 200 ms while the runners answer.
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sockPath, "WATCHDOG_USEC=400000")
	p := lab.StartCmd(t, cmd, filepath.Join(dir, "dhclient.log"))

	var readyAt time.Time
	var status []string
	buf := make([]byte, 4096)
	for deadline := time.Now().Add(20 * time.Second); readyAt.IsZero() && time.Now().Before(deadline); {
		sock.SetReadDeadline(deadline)
		n, err := sock.Read(buf)
		if err != nil {
			t.Fatalf("no READY=1 from the daemon: %v", err)
		}
		for _, line := range strings.Split(string(buf[:n]), "\n") {
			switch {
			case line == "READY=1":
				readyAt = time.Now()
				if addrs := l.Addrs(t, l.ClientIf()); len(addrs) == 0 {
					t.Errorf("READY=1 before any address was on %s", l.ClientIf())
				}
			case strings.HasPrefix(line, "STATUS="):
				status = append(status, line)
			}
		}
	}
	if readyAt.IsZero() {
		t.Fatal("no READY=1 within 20s")
	}
	// STATUS= follows state changes; the bound one names the address.
	for deadline := time.Now().Add(5 * time.Second); !notifyStatusBound(status) && time.Now().Before(deadline); {
		sock.SetReadDeadline(deadline)
		n, err := sock.Read(buf)
		if err != nil {
			break
		}
		status = append(status, strings.Split(string(buf[:n]), "\n")...)
	}
	if !notifyStatusBound(status) {
		t.Errorf("no STATUS= with BOUND; got %q", status)
	}
	watchdog := false
	for deadline := time.Now().Add(3 * time.Second); !watchdog && time.Now().Before(deadline); {
		sock.SetReadDeadline(deadline)
		n, err := sock.Read(buf)
		if err != nil {
			break
		}
		watchdog = strings.Contains(string(buf[:n]), "WATCHDOG=1")
	}
	if !watchdog {
		t.Error("no WATCHDOG=1 within 3s with WATCHDOG_USEC=400000")
	}
	p.Signal(15)
	sock.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		n, err := sock.Read(buf)
		if err != nil {
			t.Fatalf("no STOPPING=1 after SIGTERM: %v", err)
		}
		if strings.Contains(string(buf[:n]), "STOPPING=1") {
			break
		}
	}
}

func notifyStatusBound(lines []string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, "STATUS=") && strings.Contains(l, "BOUND") {
			return true
		}
	}
	return false
}
