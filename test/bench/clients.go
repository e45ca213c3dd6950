//go:build linux

package bench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// errNotInstalled marks a peer client missing from this machine: its row
// says so and the benchmark goes on.
var errNotInstalled = errors.New("not installed")

// client is one DHCP client the bind benchmark measures.
type client struct {
	// name heads the client's row.
	name string
	// find returns the program to run and its version, or an error
	// wrapping errNotInstalled.
	find func(leased string) (bin, version string, err error)
	// argv writes what one run needs into the empty directory dir and
	// returns the command line that binds ifname with settings as
	// near the client's defaults as its command line allows.
	argv func(bin, dir, ifname string) ([]string, error)
	// cleanup removes what a run left outside dir, if anything.
	cleanup func(ifname string)
	// down starts the client on a link set administratively down, as a
	// boot script or cloud-init's ephemeral DHCP does: the time then
	// includes raising the link and waiting until it passes packets.
	down bool
	// collects is set for a Go program, whose runtime collects by
	// itself when nothing did for two minutes: the idle benchmark also
	// measures it after that collection (lastingAfter).
	collects bool
}

// clients lists leased first, the baseline of every ratio, then the
// peers SPEC §11 names.
func clients() []client {
	return []client{
		{name: "leased", find: findLeased, argv: leasedArgv("")},
		{name: "leased arp-check fast", find: findLeased, argv: leasedArgv("arp-check fast;\n")},
		{name: "leased link down", find: findLeased, argv: leasedArgv(""), down: true},
		{name: "ISC dhclient", find: findISC, argv: iscArgv},
		{name: "dhcpcd", find: findDhcpcd, argv: dhcpcdArgv(""), cleanup: dhcpcdCleanup},
		{name: "dhcpcd nodelay noarp", find: findDhcpcd, argv: dhcpcdArgv("nodelay\nnoarp\n"), cleanup: dhcpcdCleanup},
		{name: "busybox udhcpc", find: findUdhcpc, argv: udhcpcArgv("-q")},
	}
}

// idleClients are the clients the idle benchmark keeps running once
// bound: each peer at its quickest settings, udhcpc without -q (exit
// after binding).
func idleClients() []client {
	return []client{
		{name: "leased", find: findLeased, argv: leasedArgv(""), collects: true},
		{name: "ISC dhclient", find: findISC, argv: iscArgv},
		{name: "dhcpcd nodelay noarp", find: findDhcpcd, argv: dhcpcdArgv("nodelay\nnoarp\n"), cleanup: dhcpcdCleanup},
		{name: "busybox udhcpc", find: findUdhcpc, argv: udhcpcArgv()},
	}
}

// findLeased is the dhclient under test, built by the benchmark or
// named by LEASED_BENCH_DHCLIENT.
func findLeased(leased string) (string, string, error) {
	return leased, firstWords(programVersion(leased, "--version"), 2), nil
}

// leasedArgv runs leased in the foreground with conf as its
// dhclient.conf. Its script does nothing: leased configures the address
// itself, which with a script that is not its own it does only when told
// (configure-interface native, SPEC §5.0).
func leasedArgv(conf string) func(bin, dir, ifname string) ([]string, error) {
	return func(bin, dir, ifname string) ([]string, error) {
		cf := filepath.Join(dir, "dhclient.conf")
		if err := os.WriteFile(cf, []byte("configure-interface native;\n"+conf), 0o644); err != nil {
			return nil, err
		}
		return []string{bin, "-d", "-cf", cf, "-lf", filepath.Join(dir, "dhclient.leases"),
			"-pf", filepath.Join(dir, "dhclient.pid"), "-sf", "/bin/true", ifname}, nil
	}
}

// findISC is ISC dhclient at /sbin/dhclient, if that is ISC's and not
// leased installed in its place.
func findISC(string) (string, string, error) {
	bin := "/sbin/dhclient"
	// ISC prints "isc-dhclient-4.4.3-P1"; leased "leased-dhclient 0.1
	// (isc-dhclient-4.4.3-P1 compatible)".
	v := programVersion(bin, "--version")
	if !strings.HasPrefix(v, "isc-dhclient-") {
		return "", "", fmt.Errorf("ISC dhclient at %s: %w (Debian package isc-dhcp-client)", bin, errNotInstalled)
	}
	return bin, v, nil
}

// iscArgv runs ISC dhclient in the foreground with an empty
// dhclient.conf. ISC leaves configuring the interface to its script; the
// one given adds the address and nothing else, so that the time measured
// is not Debian's dhclient-script rewriting /etc/resolv.conf.
func iscArgv(bin, dir, ifname string) ([]string, error) {
	cf := filepath.Join(dir, "dhclient.conf")
	if err := os.WriteFile(cf, nil, 0o644); err != nil {
		return nil, err
	}
	sf, err := writeScript(dir, "isc-script", `case "$reason" in
BOUND|RENEW|REBIND|REBOOT) exec IP -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
esac
`)
	if err != nil {
		return nil, err
	}
	return []string{bin, "-d", "-cf", cf, "-lf", filepath.Join(dir, "dhclient.leases"),
		"-pf", filepath.Join(dir, "dhclient.pid"), "-sf", sf, ifname}, nil
}

// findDhcpcd is dhcpcd from dhcpcd-base (or dhcpcd).
func findDhcpcd(string) (string, string, error) {
	bin, err := lookSbin("dhcpcd")
	if err != nil {
		return "", "", fmt.Errorf("dhcpcd: %w (Debian package dhcpcd-base)", err)
	}
	return bin, programVersion(bin, "--version"), nil
}

// dhcpcdArgv runs dhcpcd in the foreground, IPv4 only and without IPv4LL,
// with conf as its dhcpcd.conf (empty: its defaults, which include a
// random delay of up to a second and an RFC 5227 ARP probe). dhcpcd
// configures the address itself; its hook script does nothing.
// dhcpcd has no option to move its lease and pid files, kept in
// /var/lib/dhcpcd and /run/dhcpcd under the interface's name, which is
// the lab's and unique: cleanup removes them.
func dhcpcdArgv(conf string) func(bin, dir, ifname string) ([]string, error) {
	return func(bin, dir, ifname string) ([]string, error) {
		cf := filepath.Join(dir, "dhcpcd.conf")
		if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
			return nil, err
		}
		return []string{bin, "-4", "-B", "-q", "-f", cf, "--noipv4ll", "-c", "/bin/true", ifname}, nil
	}
}

// dhcpcdCleanup removes the lease, pid and socket files dhcpcd kept for
// ifname, so that the next run starts from no lease.
func dhcpcdCleanup(ifname string) { removeIfFiles(ifname, "/var/lib/dhcpcd", "/run/dhcpcd") }

// removeIfFiles removes the files of dirs named after ifname: IF.lease,
// IF-4.pid and the like, not those of another interface whose name
// starts with ifname.
func removeIfFiles(ifname string, dirs ...string) {
	for _, dir := range dirs {
		for _, sep := range []string{".", "-"} { // IF.lease, IF-4.pid
			files, _ := filepath.Glob(filepath.Join(dir, ifname+sep+"*"))
			for _, f := range files {
				os.Remove(f)
			}
		}
	}
}

// findUdhcpc is busybox with its udhcpc applet.
func findUdhcpc(string) (string, string, error) {
	bin, err := exec.LookPath("busybox")
	if err == nil {
		err = exec.Command(bin, "udhcpc", "--help").Run()
	}
	if err != nil {
		return "", "", fmt.Errorf("busybox udhcpc: %w (Debian package busybox)", errNotInstalled)
	}
	return bin, firstWords(programVersion(bin), 2), nil
}

// udhcpcArgv runs udhcpc in the foreground with flags (-q: until it has
// a lease) and a script that adds the address: udhcpc, like ISC,
// configures nothing itself.
func udhcpcArgv(flags ...string) func(bin, dir, ifname string) ([]string, error) {
	return func(bin, dir, ifname string) ([]string, error) {
		sf, err := writeScript(dir, "udhcpc-script", `case "$1" in
bound|renew) exec IP -4 addr replace "$ip/$subnet" dev "$interface" ;;
esac
`)
		if err != nil {
			return nil, err
		}
		argv := append([]string{bin, "udhcpc", "-f"}, flags...)
		return append(argv, "-i", ifname, "-s", sf), nil
	}
}

// writeScript writes an executable sh script into dir, with IP replaced
// by the path of ip(8): clients start scripts with a PATH of their own.
func writeScript(dir, name, body string) (string, error) {
	ip, err := lookSbin("ip")
	if err != nil {
		return "", fmt.Errorf("ip(8): %w", err)
	}
	path := filepath.Join(dir, name)
	text := "#!/bin/sh\n" + strings.ReplaceAll(body, "IP ", ip+" ")
	return path, os.WriteFile(path, []byte(text), 0o755)
}

// lookSbin finds name in PATH or the sbin directories, which a non-login
// root shell may lack in its PATH.
func lookSbin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin"} {
		if p := filepath.Join(dir, name); isExec(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w", name, errNotInstalled)
}

func isExec(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}
