//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// Where Debian's network-manager 1.42 looks for its helpers. NM runs
// DHCLIENT_PATH, built as /sbin/dhclient (a symlink into /usr/sbin on
// merged-/usr systems), with -sf nm-dhcp-helper.
const (
	nmHelperPath   = "/usr/lib/NetworkManager/nm-dhcp-helper"
	nmDhclientPath = "/sbin/dhclient"
)

// nmWait bounds NetworkManager's start and each nmcli call; activation
// itself is bounded by nmcli -w.
const nmWait = 60 * time.Second

// nmDhclient is the dhclient NetworkManager runs in one scenario.
type nmDhclient struct {
	name string
	// bin is the program run in place of /sbin/dhclient; empty means the
	// installed one (ISC's).
	bin string
}

// nmRig is a NetworkManager running in a lab's client namespace on a
// private bus, its state on tmpfs in a private mount namespace, with the
// dhclient under test mounted over the one it runs.
type nmRig struct {
	l        *lab.Lab
	dhclient nmDhclient
	ifname   string
	dir      string
	bus      string // DBUS_SYSTEM_BUS_ADDRESS
	nmcli    string
	nm       *lab.Proc
	// dhclientLog collects the output of every dhclient NM starts (NM
	// itself sends it to /dev/null).
	dhclientLog string
}

// nmTools are the programs a NetworkManager rig needs.
type nmTools struct{ nm, nmcli, dbus, unshare string }

// nmRequire stops t (see lab.Unavailable) unless NetworkManager, nmcli,
// nm-dhcp-helper, dbus-daemon, unshare and bash are installed.
func nmRequire(t *testing.T) nmTools {
	t.Helper()
	lab.Require(t)
	tools := nmTools{
		nm:      lab.RequireBinary(t, "NetworkManager", "network-manager"),
		nmcli:   lab.RequireBinary(t, "nmcli", "network-manager"),
		dbus:    lab.RequireBinary(t, "dbus-daemon", "dbus-daemon"),
		unshare: lab.RequireBinary(t, "unshare", "util-linux"),
	}
	lab.RequireBinary(t, "bash", "bash") // the dhclient wrapper
	if _, err := os.Stat(nmHelperPath); err != nil {
		lab.Unavailable(t, "%s missing (Debian package network-manager): %v", nmHelperPath, err)
	}
	return tools
}

// nmISCDhclient returns the installed dhclient when it is ISC's, or "".
// Tests must not depend on it: only the comparison with ISC needs it.
func nmISCDhclient() string {
	p, err := filepath.EvalSymlinks(nmDhclientPath)
	if err != nil {
		return ""
	}
	// ISC prints "isc-dhclient-4.4.3-P1"; leased names ISC after its own
	// name, so only the start of the line tells them apart.
	out, _ := exec.Command(p, "--version").CombinedOutput()
	if !strings.HasPrefix(strings.TrimSpace(string(out)), "isc-dhclient-") {
		return ""
	}
	return p
}

// nmStart starts a private dbus-daemon and NetworkManager managing only
// the lab's first client interface, with dhclient in place of
// /sbin/dhclient, and waits until NM sees the interface as disconnected.
// dir must outlive every process started here (make it before the lab).
func nmStart(t *testing.T, l *lab.Lab, tools nmTools, dir string, dhclient nmDhclient) *nmRig {
	t.Helper()
	r := &nmRig{l: l, dhclient: dhclient, ifname: l.ClientIf(), dir: dir, nmcli: tools.nmcli, dhclientLog: filepath.Join(dir, "dhclient.log")}
	r.startBus(t, tools.dbus)
	script := filepath.Join(dir, "nm.sh")
	nmWriteFile(t, script, r.mountScript(t, tools.nm, dhclient))
	cmd := lab.Command(l.ClientNS(), tools.unshare, "-m", "--propagation", "private", "sh", "-e", script)
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+r.bus, "LC_ALL=C")
	r.nm = lab.StartCmd(t, cmd, filepath.Join(dir, "NetworkManager.log"))
	// Registered after the processes, so it runs while they still do.
	t.Cleanup(func() {
		if t.Failed() {
			r.dumpDiagnostics(t)
		}
	})
	r.waitDeviceState(t, "30 (disconnected)")
	return r
}

// startBus starts a dbus-daemon of type system whose socket is in r.dir
// and whose policy allows everything (NetworkManager and nmcli run as
// root; polkit is off).
func (r *nmRig) startBus(t *testing.T, dbusDaemon string) {
	t.Helper()
	sock := filepath.Join(r.dir, "system_bus_socket")
	conf := filepath.Join(r.dir, "bus.conf")
	nmWriteFile(t, conf, `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=`+sock+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow eavesdrop="true"/>
  </policy>
</busconfig>
`)
	p := lab.Start(t, r.l.ClientNS(), filepath.Join(r.dir, "dbus.log"), dbusDaemon, "--config-file="+conf, "--nofork", "--nopidfile")
	r.bus = "unix:path=" + sock
	lab.PollUntil(t, 20*time.Second, func() bool {
		_, err := os.Stat(sock)
		return err == nil
	}, func() string { return "the private bus socket " + sock + "\n" + nmTail(p.Log(), 20) })

}

// mountScript is the shell script run as the only process of a new mount
// namespace (inside the client network namespace): tmpfs over NM's state
// and configuration (and /etc/dhcp, so that the machine's dhclient.conf
// is not merged), /sys read-only (so NM does not wait for udev), the
// dhclient wrapper over /sbin/dhclient, then exec NetworkManager.
func (r *nmRig) mountScript(t *testing.T, nm string, dhclient nmDhclient) string {
	t.Helper()
	conf := filepath.Join(r.dir, "NetworkManager.conf")
	nmWriteFile(t, conf, nmConfig(r.ifname))
	confDir := filepath.Join(r.dir, "conf.d")
	if err := os.Mkdir(confDir, 0o755); err != nil {
		t.Fatal(err)
	}
	target, err := filepath.EvalSymlinks(filepath.Dir(nmDhclientPath))
	if err != nil {
		t.Fatalf("resolve %s: %v", filepath.Dir(nmDhclientPath), err)
	}
	target = filepath.Join(target, filepath.Base(nmDhclientPath))
	const priv = "/run/leased-e2e"
	prog := dhclient.bin
	if prog == "" {
		prog = priv + "/dhclient.installed"
	}
	wrapper := filepath.Join(r.dir, "dhclient-wrapper")
	// exec -a keeps argv[0] as NM wrote it (NM finds a stale dhclient
	// through its pid file and command line).
	nmWriteFile(t, wrapper, "#!/bin/bash\n# NetworkManager sends dhclient's output to /dev/null: keep it for the test.\n"+
		"exec -a \"$0\" "+nmQuote(prog)+" \"$@\" >>"+nmQuote(r.dhclientLog)+" 2>&1\n")
	if err := os.Chmod(wrapper, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("# Runs in a private mount namespace: nothing here is seen outside.")
	for _, d := range []string{"/run", "/var/lib/NetworkManager", "/etc/NetworkManager"} {
		line("mount -t tmpfs -o mode=0755 tmpfs %s", d)
	}
	line("if [ -d /etc/dhcp ]; then mount -t tmpfs -o mode=0755 tmpfs /etc/dhcp; fi")
	line("mount -o bind,ro /sys /sys")
	line("mkdir -p /run/NetworkManager /etc/NetworkManager/system-connections %s", priv)
	if dhclient.bin == "" {
		line("touch %s", prog)
		line("mount --bind %s %s", nmQuote(target), prog)
	}
	if _, err := os.Stat(target); err == nil {
		line("mount --bind %s %s", nmQuote(wrapper), nmQuote(target))
	} else {
		// No dhclient installed: nothing to bind over, so lay the
		// wrapper over the directory NM looks in.
		line("mkdir %s/upper %s/work", priv, priv)
		line("cp %s %s/upper/%s", nmQuote(wrapper), priv, filepath.Base(target))
		line("mount -t overlay overlay -o lowerdir=%s,upperdir=%s/upper,workdir=%s/work %s",
			filepath.Dir(target), priv, priv, filepath.Dir(target))
	}
	line("exec %s --no-daemon --debug --config=%s --config-dir=%s --state-file=%s/NetworkManager.state",
		nmQuote(nm), nmQuote(conf), nmQuote(confDir), priv)
	return b.String()
}

// nmConfig is NetworkManager.conf: dhclient as DHCP client, keyfile
// connections only, no polkit, no resolv.conf or hostname changes, and
// only ifname managed.
func nmConfig(ifname string) string {
	return `[main]
plugins=keyfile
dhcp=dhclient
auth-polkit=false
rc-manager=unmanaged
hostname-mode=none
no-auto-default=*

[keyfile]
unmanaged-devices=except:interface-name:` + ifname + `

[logging]
level=DEBUG
domains=ALL
`
}
