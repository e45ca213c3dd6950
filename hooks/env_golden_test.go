package hooks

import (
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine"
)

// goldenCall is one captured script run: the inputs ISC had (process id,
// interface, -e variables, leases) and the capture to compare with.
type goldenCall struct {
	dump   string // testdata/golden/env/<scenario>/<NN-REASON>
	reason string
	pid    int
	iface  string
	extra  []string
	conf   conf
	newL   *statemachine.Lease
	oldL   *statemachine.Lease
	alias  bool
	medium string
	warns  []string
}

func golden(name string) string { return filepath.Join("testdata", "golden", name) }

func withNext(l *statemachine.Lease, next string) *statemachine.Lease {
	c := l.Clone()
	c.NextServer = netip.MustParseAddr(next)
	return c
}

// withExpiry sets the expiry of a lease the golden run renewed after the
// lease file was captured; everything else is as in the file.
func withExpiry(l *statemachine.Lease, unix int64) *statemachine.Lease {
	c := l.Clone()
	c.Expire = time.Unix(unix, 0).UTC()
	return c
}

func goldenCalls(t *testing.T) []goldenCall {
	std := readConf(t, golden("harness/dhclient.conf"))
	omapi := readConf(t, golden("harness/dhclient-omapi.conf"))
	alias := readConf(t, golden("harness/dhclient-alias.conf"))
	l1a := readLeases(t, golden("leases/1a-after-bound-and-renew.leases"), std.cat)
	l1b := readLeases(t, golden("leases/1b-after-dhclient-r.leases"), std.cat)
	l2a := readLeases(t, golden("leases/2a-daemon-bound.leases"), std.cat)
	l2b := readLeases(t, golden("leases/2b-after-dhclient-x.leases"), std.cat)
	l9 := readLeases(t, golden("leases/9-from-isc-dhcpd.leases"), std.cat)
	l10 := readLeases(t, golden("leases/10-omapi-after-state-2.leases"), omapi.cat)
	// Scenario 2's lease, renewed by the REBOOT and then used by
	// scenarios 3 and 4b from the lease file (no next_server).
	rebooted := withExpiry(l2b[0], 1795372073)

	const veth, xveth = "isc-veth-c", "isc-xveth-c"
	run := func(n string) []string { return []string{"DUMPDIR=$T/" + n} }
	suspects := []string{
		"suspect value in boot;file.bin option - discarded",
		"suspect value in bad$server option - discarded",
		"suspect value in root_path option - discarded",
		"suspect value in host_name option - discarded",
		"suspect value in netbios_scope option - discarded",
	}
	return []goldenCall{
		{dump: "1-dnsmasq-bound-renew-release/00-PREINIT", reason: "PREINIT", pid: 9422, iface: veth,
			extra: []string{"DUMPDIR=$T/run1/dumps", "FOO=bar"}, conf: std},
		{dump: "1-dnsmasq-bound-renew-release/01-BOUND", reason: "BOUND", pid: 9422, iface: veth,
			extra: []string{"DUMPDIR=$T/run1/dumps", "FOO=bar"}, conf: std,
			newL: withNext(l1a[0], "10.77.0.1")},
		{dump: "1-dnsmasq-bound-renew-release/02-RENEW", reason: "RENEW", pid: 9422, iface: veth,
			extra: []string{"DUMPDIR=$T/run1/dumps", "FOO=bar"}, conf: std,
			newL: withNext(l1a[1], "10.77.0.1"), oldL: withNext(l1a[0], "10.77.0.1")},
		{dump: "1-dnsmasq-bound-renew-release/03-RELEASE", reason: "RELEASE", pid: 12315, iface: veth,
			extra: run("run1/dumps"), conf: std, oldL: l1b[1]},

		{dump: "2-daemon-stop-reboot/00-PREINIT", reason: "PREINIT", pid: 12449, iface: veth, extra: run("run2/dumps"), conf: std},
		{dump: "2-daemon-stop-reboot/01-BOUND", reason: "BOUND", pid: 12449, iface: veth, extra: run("run2/dumps"), conf: std,
			newL: withNext(l2a[1], "10.77.0.1"), oldL: l2a[0]},
		{dump: "2-daemon-stop-reboot/02-STOP", reason: "STOP", pid: 12539, iface: veth, extra: run("run2/dumps"), conf: std,
			oldL: l2b[0]},
		{dump: "2-daemon-stop-reboot/03-PREINIT", reason: "PREINIT", pid: 12705, iface: veth, extra: run("run2/dumps"), conf: std},
		{dump: "2-daemon-stop-reboot/04-REBOOT", reason: "REBOOT", pid: 12705, iface: veth, extra: run("run2/dumps"), conf: std,
			newL: withNext(rebooted, "10.77.0.1")},

		{dump: "3-timeout-expire-fail/00-PREINIT", reason: "PREINIT", pid: 12778, iface: veth, extra: run("run3/dumps"), conf: std},
		{dump: "3-timeout-expire-fail/01-TIMEOUT", reason: "TIMEOUT", pid: 12778, iface: veth, extra: run("run3/dumps"), conf: std,
			newL: rebooted},
		{dump: "3-timeout-expire-fail/02-EXPIRE", reason: "EXPIRE", pid: 12778, iface: veth, extra: run("run3/dumps"), conf: std,
			oldL: rebooted},
		{dump: "3-timeout-expire-fail/03-PREINIT", reason: "PREINIT", pid: 12778, iface: veth, extra: run("run3/dumps"), conf: std},
		{dump: "3-timeout-expire-fail/04-FAIL", reason: "FAIL", pid: 12778, iface: veth, extra: run("run3/dumps"), conf: std},

		{dump: "4a-onetry-no-server/00-PREINIT", reason: "PREINIT", pid: 12984, iface: xveth, extra: run("run4/dumps-onetry"), conf: std},
		{dump: "4a-onetry-no-server/01-FAIL", reason: "FAIL", pid: 12984, iface: xveth, extra: run("run4/dumps-onetry"), conf: std},
		{dump: "4b-onetry-timeout-script-fails/00-PREINIT", reason: "PREINIT", pid: 13037, iface: xveth,
			extra: run("run4/dumps-timeout-fail"), conf: std},
		{dump: "4b-onetry-timeout-script-fails/01-TIMEOUT", reason: "TIMEOUT", pid: 13037, iface: xveth,
			extra: run("run4/dumps-timeout-fail"), conf: std, newL: rebooted},
		{dump: "4b-onetry-timeout-script-fails/02-FAIL", reason: "FAIL", pid: 13037, iface: xveth,
			extra: run("run4/dumps-timeout-fail"), conf: std},

		{dump: "5-nbi/00-NBI", reason: "NBI", pid: 13150, extra: run("run5/dumps"), conf: std},
		{dump: "5-nbi/01-PREINIT-for-missing-interface", reason: "PREINIT", pid: 13157, iface: "isc-nothere",
			extra: run("run5/dumps"), conf: std},

		{dump: "9-isc-dhcpd-bound/00-PREINIT", reason: "PREINIT", pid: 15883, iface: veth, extra: run("run9/dumps"), conf: std},
		{dump: "9-isc-dhcpd-bound/01-BOUND", reason: "BOUND", pid: 15883, iface: veth, extra: run("run9/dumps"), conf: std,
			newL: withNext(l9[0], "0.0.0.0")},

		{dump: "10-omapi-control/00-PREINIT", reason: "PREINIT", pid: 16880, iface: xveth, extra: run("run10/dumps"), conf: omapi},
		{dump: "10-omapi-control/01-BOUND", reason: "BOUND", pid: 16880, iface: xveth, extra: run("run10/dumps"), conf: omapi,
			newL: withNext(l10[0], "10.88.0.3"), warns: suspects},
		{dump: "10-omapi-control/02-STOP", reason: "STOP", pid: 16880, iface: xveth, extra: run("run10/dumps"), conf: omapi,
			oldL: withNext(l10[0], "10.88.0.3"), warns: suspects},
		{dump: "10-omapi-control/03-REBOOT", reason: "REBOOT", pid: 16880, iface: xveth, extra: run("run10/dumps"), conf: omapi,
			newL: withNext(withExpiry(l10[0], 1795375741), "10.88.0.3"), warns: suspects},
		{dump: "10-omapi-control/04-RELEASE", reason: "RELEASE", pid: 16880, iface: xveth, extra: run("run10/dumps"), conf: omapi,
			oldL: withNext(l10[1], "10.88.0.3"), warns: suspects},

		{dump: "11-alias-media-fallback-lease/00-PREINIT", reason: "PREINIT", pid: 17762, iface: xveth,
			extra: run("run11/dumps"), conf: alias, alias: true},
		{dump: "11-alias-media-fallback-lease/01-MEDIUM", reason: "MEDIUM", pid: 17762, iface: xveth,
			extra: run("run11/dumps"), conf: alias, medium: "media-one"},
		{dump: "11-alias-media-fallback-lease/02-TIMEOUT", reason: "TIMEOUT", pid: 17762, iface: xveth,
			extra: run("run11/dumps"), conf: alias, newL: alias.leases[0], alias: true},

		{dump: "12-timing-no-server/00-PREINIT", reason: "PREINIT", pid: 9085, iface: "isc-tveth-c", extra: run("timing/dumps"), conf: std},
		{dump: "12-timing-no-server/01-FAIL", reason: "FAIL", pid: 9085, iface: "isc-tveth-c", extra: run("timing/dumps"), conf: std},
	}
}

func (g goldenCall) env(warn func(string)) []string {
	c := Call{
		Reason: g.reason, Interface: g.iface, PID: g.pid, Extra: g.extra,
		New: g.newL, Old: g.oldL, PRL: g.conf.prl, Medium: g.medium,
	}
	if g.alias {
		c.Alias = g.conf.alias
	}
	return Env(c, g.conf.cat, warn)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

// TestEnvMatchesGoldenSorted compares every captured environment byte for
// byte, sorted as the capture was (C locale).
func TestEnvMatchesGoldenSorted(t *testing.T) {
	for _, g := range goldenCalls(t) {
		t.Run(g.dump, func(t *testing.T) {
			var warns []string
			got := g.env(func(m string) { warns = append(warns, m) })
			slices.Sort(got)
			want := readLines(t, golden("env/"+g.dump+".sorted"))
			if d := lineDiff(want, got); d != "" {
				t.Errorf("environment differs (-want +got):\n%s", d)
			}
			if !slices.Equal(warns, g.warns) {
				t.Errorf("warnings:\ngot  %q\nwant %q", warns, g.warns)
			}
		})
	}
}

// skeleton keeps the variables whose position ISC fixes: everything but
// option variables, which ISC emits in hash order (reference §3.1).
func skeleton(env []string) []string {
	var out []string
	for _, kv := range env {
		if !leaseVar.MatchString(kv) || fixedLeaseVar.MatchString(kv) {
			out = append(out, kv)
		}
	}
	return out
}

var (
	leaseVar      = regexp.MustCompile(`^(new|old|alias)_`)
	fixedLeaseVar = regexp.MustCompile(`^(new|old|alias)_(ip_address|next_server|network_number|filename|server_name|expiry)=`)
)

// TestEnvFollowsGoldenExecveOrder checks ISC's execve order: -e variables
// reversed, dhclient's in reverse creation order, PATH last.
func TestEnvFollowsGoldenExecveOrder(t *testing.T) {
	for _, g := range goldenCalls(t) {
		t.Run(g.dump, func(t *testing.T) {
			got := skeleton(g.env(nil))
			want := skeleton(readLines(t, golden("env/"+g.dump+".environ")))
			if !slices.Equal(got, want) {
				t.Errorf("order differs (-want +got):\n%s", lineDiff(want, got))
			}
		})
	}
}

// lineDiff lists lines only in want (-) or only in got (+), or a
// position-by-position diff when both hold the same lines.
func lineDiff(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	var b strings.Builder
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			b.WriteString("-" + w + "\n+" + g + "\n")
		}
	}
	return b.String()
}
