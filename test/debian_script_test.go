//go:build linux

package e2e

import (
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestDebianScript runs Debian's /sbin/dhclient-script with the exit
// hooks Debian ships (rfc3442-classless-routes from isc-dhcp-client,
// systemd-timesyncd's, ntpsec's and chrony's) in a jail (debJail: private
// /etc, /run, resolv.conf bind mount, stubbed service managers), against
// ISC dhcpd with a 30 s lease, option 121, MTU 1400, DNS and NTP:
//
//   - isc: ISC dhclient with Debian's script, the reference (when
//     /usr/sbin/dhclient is ISC's);
//   - auto: leased with -sf /sbin/dhclient-script: the script configures
//     everything, leased nothing (SPEC §5.0);
//   - native: leased with its own contrib/dhclient-script: leased
//     configures, the script runs the same hooks (SPEC §6.4).
//
// Each goes through BOUND, RENEW at T1 (unicast from the leased address,
// seen on the wire and in dhcpd's log) and `dhclient -r` (DHCPRELEASE
// likewise), with `-e IF_METRIC=100` as ifupdown passes it. Then auto and
// native are compared with isc, or with the values ISC was seen to
// produce when it is not installed: addresses, routes (no classless route
// twice), MTU, resolv.conf (written through its bind mount), the NTP
// files the hooks write, the hooks' service restarts and the script's
// reasons.
//
// The x-at-address subtests run `dhclient -x` the moment the address
// appears: the lease must be in the lease file, and ISC dhclient (else
// leased) must INIT-REBOOT from it: a DHCPREQUEST for that address and no
// DHCPDISCOVER at the server.
func TestDebianScript(t *testing.T) {
	d := debRequire(t)
	if d.isc == "" {
		t.Logf("NOTE: ISC dhclient is not installed (isc-dhcp-client's /usr/sbin/dhclient): leased is compared with the values ISC was seen to produce")
	}
	var mu sync.Mutex
	records := map[string]*debRecord{}
	t.Run("run", func(t *testing.T) {
		for _, v := range d.variants() {
			t.Run(v.name, func(t *testing.T) {
				t.Parallel()
				rec := debCycle(t, d, v)
				mu.Lock()
				records[v.name] = rec
				mu.Unlock()
			})
		}
		for _, v := range d.variants() {
			if !v.leased {
				continue
			}
			t.Run("x-at-address-"+v.name, func(t *testing.T) {
				t.Parallel()
				debStopAtAddress(t, d, v)
			})
		}
	})
	ref, refName := records["isc"], "ISC dhclient"
	if d.isc == "" {
		ref, refName = debExpected(), "the values ISC dhclient produces"
	} else if ref != nil {
		debCheckExpected(t, ref)
	}
	for _, name := range []string{"auto", "native"} {
		t.Run("compare-"+name, func(t *testing.T) {
			got := records[name]
			if got == nil || !got.complete || ref == nil || !ref.complete {
				t.Skipf("the %s run or the reference run did not complete; see its failure above", name)
			}
			debCompare(t, ref, got, refName, name == "native")
		})
	}
}

// debDeps are the programs and hooks TestDebianScript uses.
type debDeps struct {
	script string            // Debian's /sbin/dhclient-script
	hooks  map[string]string // exit hook name → file to copy
	isc    string            // ISC dhclient, "" when not installed
}

// debRequire finds Debian's script and hooks, stopping t (see
// lab.Unavailable) when one is missing.
func debRequire(t *testing.T) debDeps {
	t.Helper()
	lab.Require(t)
	d := debDeps{script: "/sbin/dhclient-script", hooks: map[string]string{}, isc: debISCDhclient()}
	if _, err := os.Stat(d.script); err != nil {
		lab.Unavailable(t, "Debian's dhclient-script not installed (Debian package isc-dhcp-client)")
	}
	cache := os.Getenv("LEASED_HOOKS_CACHE")
	if cache == "" {
		cache = "/var/cache/leased-test/hooks"
	}
	for _, h := range []struct{ name, file, from string }{
		{"rfc3442-classless-routes", "/etc/dhcp/dhclient-exit-hooks.d/rfc3442-classless-routes", "Debian package isc-dhcp-client"},
		{"timesyncd", "/etc/dhcp/dhclient-exit-hooks.d/timesyncd", "Debian package systemd-timesyncd"},
		{"ntpsec", filepath.Join(cache, "ntpsec"), "unpacked from Debian package ntpsec by test/install-servers.sh"},
		{"chrony", filepath.Join(cache, "chrony"), "unpacked from Debian package chrony by test/install-servers.sh"},
	} {
		if _, err := os.Stat(h.file); err != nil {
			lab.Unavailable(t, "dhclient exit hook %s missing (%s)", h.file, h.from)
		}
		d.hooks[h.name] = h.file
	}
	lab.RequireBinary(t, "dhcpd", "isc-dhcp-server")
	return d
}

// debISCDhclient returns the path of ISC's dhclient when it is installed
// (and not replaced by leased), else "".
func debISCDhclient() string {
	const p = "/usr/sbin/dhclient"
	out, err := exec.Command(p, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(strings.TrimSpace(string(out)), "isc-dhclient-") {
		return ""
	}
	return p
}

// debVariant is one way of running dhclient with a script.
type debVariant struct {
	name   string
	bin    string
	script string
	leased bool
	native bool // the script is leased's own: leased configures
}

// variants lists isc (when installed), auto and native.
func (d debDeps) variants() []debVariant {
	var vs []debVariant
	if d.isc != "" {
		vs = append(vs, debVariant{name: "isc", bin: d.isc, script: d.script})
	}
	return append(vs,
		debVariant{name: "auto", bin: dhclientBin, script: d.script, leased: true},
		debVariant{name: "native", bin: dhclientBin, script: filepath.Join(contribDir, "dhclient-script"), leased: true, native: true})
}

// Paths inside the jail that the hooks write.
const (
	debResolv    = "/etc/resolv.conf"
	debNtpsec    = "/run/ntpsec/ntp.conf.dhcp"
	debTimesyncd = "/run/systemd/timesyncd.conf.d/01-dhclient.conf"
	debChronyDir = "/run/chrony-dhcp/" // + IF.sources
)

// debResolvBefore is resolv.conf before any lease.
const debResolvBefore = "# leased test: resolv.conf before DHCP\nnameserver 192.0.2.53\n"

// debDhclientConf is the active part of Debian's stock
// /etc/dhcp/dhclient.conf (reference §2.5), which both clients read.
const debDhclientConf = `option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;
send host-name = gethostname();
request subnet-mask, broadcast-address, time-offset, routers,
	domain-name, domain-name-servers, domain-search, host-name,
	dhcp6.name-servers, dhcp6.domain-search, dhcp6.fqdn, dhcp6.sntp-servers,
	netbios-name-servers, netbios-scope, interface-mtu,
	rfc3442-classless-static-routes, ntp-servers;
`

// debNtpsecConf is the /etc/ntpsec/ntp.conf that ntpsec's hook copies
// into its DHCP configuration.
const debNtpsecConf = "driftfile /var/lib/ntpsec/ntp.drift\npool 0.debian.pool.ntp.org iburst\nrestrict default kod nomodify nopeer noquery limited\n"

// jailSpec is the jail of every TestDebianScript run.
func (d debDeps) jailSpec() debJailSpec {
	return debJailSpec{
		ExitHooks: d.hooks,
		Files:     map[string]string{"dhcp/dhclient.conf": debDhclientConf, "ntpsec/ntp.conf": debNtpsecConf},
		Resolv:    debResolvBefore,
	}
}

// debServerOpts is dhcpd's configuration: the lab's defaults (router,
// DNS, domain lab.test, NTP, MTU 1400, option 121 with 192.0.2.0/24 and
// the default route, all via the server) with the lease time given, and
// the fixed address a for the client's MAC, so that runs in different
// labs get the same host part.
func debServerOpts(l *lab.Lab, mac net.HardwareAddr, a netip.Addr, lease time.Duration) lab.ServerOpts {
	o := l.DefaultOpts()
	o.LeaseTime = lease
	o.Extra = []string{"host leased-test-client { hardware ethernet " + mac.String() + "; fixed-address " + a.String() + "; }"}
	return o
}

// debMAC is the hardware address of the client interface ifname.
func debMAC(t *testing.T, l *lab.Lab, ifname string) net.HardwareAddr {
	t.Helper()
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	return link.Attrs().HardwareAddr
}
