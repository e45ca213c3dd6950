//go:build linux

package e2e

import (
	"cmp"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/fakeserver"
	"github.com/leased/leased/test/lab"
)

// The golden captures were made with the server at 10.77.0.1, a second DNS
// server at 10.77.0.2 and xgrid-controller 10.77.0.9; the tests map them
// onto the lab's addresses.
const confGoldenServer, confGoldenDNS2, confGoldenXgrid = "10.77.0.1", "10.77.0.2", "10.77.0.9"

// TestRequireDropsOffer: an offer without a required option is not taken
// (reference §2.2, dhclient.c dhcpoffer) and the log says why in ISC's
// words; after the timeout the client gives up with FAIL.
func TestRequireDropsOffer(t *testing.T) {
	t.Parallel()
	confCheckRequire(t, "dhclient.conf", "request subnet-mask, routers;\nrequire ntp-servers;\ntimeout 5;\n")
}

// confCheckRequire runs the require case with one configuration file.
func confCheckRequire(t *testing.T, name, conf string) {
	l := lab.New(t)
	opts := l.DefaultOpts()
	opts.NTP = nil
	l.StartDnsmasq(t, opts)
	c := startConfClient(t, l, name, conf)

	line := regexp.MustCompile(`DHCPOFFER of (\S+) from (\S+): no ntp-servers option\.\n`)
	lab.WaitLog(t, c.log, ": no ntp-servers option.", 15*time.Second)
	m := line.FindStringSubmatch(c.readLog(t))
	if m == nil {
		t.Fatalf("log has no line matching %v:\n%s", line, c.readLog(t))
	}
	if m[2] != l.ServerAddr().String() || !confInRange(l, m[1], 100, 199) {
		t.Errorf("dropped offer of %s from %s, want an address of the pool from %v", m[1], m[2], l.ServerAddr())
	}
	c.waitHook(t, "FAIL", 20*time.Second)
	if rs := c.reasons(t); slices.Contains(rs, "BOUND") {
		t.Errorf("hooks ran %v: a lease was taken", rs)
	}
	if as := l.Addrs(t, l.ClientIf()); len(as) != 0 {
		t.Errorf("interface has %v after the timeout, want no address", as)
	}
	if b, _ := os.ReadFile(c.leases); strings.Contains(string(b), "fixed-address") {
		t.Errorf("lease file has a lease:\n%s", b)
	}
}

// TestRejectPicksOtherServer: with two servers on the link, the one named
// by `reject` (an address, or a prefix as ISC also takes) answers first and
// is ignored; the other one's offer is taken.
func TestRejectPicksOtherServer(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, rule, mask string }{
		{"address", "", "255.255.255.255"},
		{"prefix", "/31", "255.255.255.254"}, // .0 and .1, not .2
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			confCheckReject(t, tc.rule, tc.mask)
		})
	}
}

// confCheckReject runs two servers, the first at ServerAddr rejected by
// ServerAddr followed by suffix, whose rule's mask the log shows.
func confCheckReject(t *testing.T, suffix, mask string) {
	l := lab.New(t)
	second := l.Host(2)
	confAddServerAddr(t, l, second)
	first := l.FakeConfig(lab.ServerOpts{RangeStart: l.Host(100), RangeEnd: l.Host(149)})
	other := l.FakeConfig(lab.ServerOpts{RangeStart: l.Host(150), RangeEnd: l.Host(199)})
	other.ServerID = second
	// Without the reject rule the first server's offer, sent at once,
	// would win.
	other.Script = fakeserver.Script{{On: dhcp4.Discover, Delay: 500 * time.Millisecond}}
	l.StartFake(t, first)
	l.StartFake(t, other)

	rule := netip.MustParsePrefix(l.ServerAddr().String() + cmp.Or(suffix, "/32")).Masked()
	c := startConfClient(t, l, "dhclient.conf", fmt.Sprintf("reject %v%s;\ntimeout 10;\n", l.ServerAddr(), suffix))
	env := c.waitHook(t, "BOUND", 20*time.Second)
	if !confInRange(l, env["new_ip_address"], 150, 199) || env["new_dhcp_server_identifier"] != second.String() {
		t.Errorf("bound to %s from %s, want an address of %v's pool", env["new_ip_address"], env["new_dhcp_server_identifier"], second)
	}
	want := fmt.Sprintf("DHCPOFFER from %v rejected by rule %v mask %s.", l.ServerAddr(), rule.Addr(), mask)
	if log := c.readLog(t); !strings.Contains(log, want) {
		t.Errorf("log lacks %q:\n%s", want, log)
	}
	got := netip.MustParseAddr(env["new_ip_address"])
	lab.PollUntil(t, 10*time.Second, func() bool { return l.HasAddr(t, l.ClientIf(), got) },
		func() string { return fmt.Sprintf("%s on the client link (it has %v)", got, l.Addrs(t, l.ClientIf())) })
	c.waitLease(t, "  option dhcp-server-identifier "+second.String()+";")
}

// TestSupersedeAndPrependReachHooksAndLeaseFile: supersede and prepend
// change the lease before the hooks and the lease file see it, in the
// form of golden env 1 and lease 1a.
func TestSupersedeAndPrependReachHooksAndLeaseFile(t *testing.T) {
	t.Parallel()
	confCheckSupersede(t, "dhclient.conf",
		"supersede domain-name \"superseded.test\";\nprepend domain-name-servers 127.0.0.53;\ntimeout 10;\n")
}

// confCheckSupersede runs the supersede case with one configuration file.
func confCheckSupersede(t *testing.T, name, conf string) {
	l := lab.New(t)
	opts := l.DefaultOpts()
	opts.DNS = []netip.Addr{l.ServerAddr(), l.Host(2)}
	l.StartDnsmasq(t, opts)
	c := startConfClient(t, l, name, conf)

	env := c.waitHook(t, "BOUND", 20*time.Second)
	confCheckEnv(t, env, confGoldenLines(t, "config-golden-1-bound.env", l, "new_domain_name=", "new_domain_name_servers="))
	for _, g := range confGoldenLines(t, "config-golden-1a.leases", l, "  option domain-name ", "  option domain-name-servers ") {
		c.waitLease(t, g)
	}
}

// TestCustomOptionFromDhcpd: an option defined in dhclient.conf and served
// by ISC dhcpd reaches the hooks under its name (golden env 9).
func TestCustomOptionFromDhcpd(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	opts := l.DefaultOpts()
	xgrid := l.Host(9)
	opts.Extra = []string{"option xgrid code 250 = ip-address;", fmt.Sprintf("option xgrid %v;", xgrid)}
	l.StartDhcpd(t, opts)
	conf := "option xgrid-controller code 250 = ip-address;\nalso request xgrid-controller;\ntimeout 10;\n"
	c := startConfClient(t, l, "dhclient.conf", conf)

	env := c.waitHook(t, "BOUND", 20*time.Second)
	confCheckEnv(t, env, confGoldenLines(t, "config-golden-9-bound.env", l, "new_xgrid_controller=", "requested_xgrid_controller="))
	if _, ok := env["new_unknown_250"]; ok {
		t.Errorf("option 250 also reached the hooks unnamed: %q", env["new_unknown_250"])
	}
	// Golden lease 9 names the option as defined, not unknown-250.
	for _, g := range confGoldenLines(t, "config-golden-9.leases", l, "  option xgrid-controller ") {
		c.waitLease(t, g)
	}
}

// TestYAMLConfig: a YAML file with the same settings as the dhclient.conf
// of the supersede and require cases behaves the same.
func TestYAMLConfig(t *testing.T) {
	t.Parallel()
	t.Run("supersede", func(t *testing.T) {
		t.Parallel()
		confCheckSupersede(t, "leased.yaml", "supersede:\n  domain-name: superseded.test\n"+
			"prepend:\n  domain-name-servers: [127.0.0.53]\ntimeout: 10\n")
	})
	t.Run("require", func(t *testing.T) {
		t.Parallel()
		confCheckRequire(t, "leased.yml", "request: [subnet-mask, routers]\nrequire: [ntp-servers]\ntimeout: 5\n")
	})
}

// TestCheckConfigMode: dhclient -t exits 0 for the golden harness
// dhclient.conf and its YAML form, and 1 for harness bad.conf, printing
// ISC's errors with file, line and caret exactly as golden log 12 has them
// (and for a YAML file with an unknown key, its line).
func TestCheckConfigMode(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for file, testdata := range map[string]string{"good.conf": "config-golden-harness.conf",
		"good.yaml": "config-harness.yaml", "bad.conf": "config-bad.conf"} {
		lab.WriteFile(t, filepath.Join(dir, file), confTestdata(t, testdata), 0o644)
	}
	lab.WriteFile(t, filepath.Join(dir, "bad.yaml"), "timeout: 5\nno-such-key: 1\n", 0o644)
	golden := confTestdata(t, "config-golden-12-parse-error.log")
	// The errors are the lines from the first "bad.conf line" up to ISC's
	// exit for want of interfaces, which -t does not reach.
	wantBad := golden[strings.Index(golden, "bad.conf line"):strings.Index(golden, "No broadcast interfaces")]
	for _, tc := range []struct {
		file   string
		rc     int
		output func(string) bool
	}{
		{"good.conf", 0, func(out string) bool { return !strings.Contains(out, "line") }},
		{"good.yaml", 0, func(out string) bool { return !strings.Contains(out, "line") }},
		{"bad.conf", 1, func(out string) bool { return out == wantBad }},
		{"bad.yaml", 1, func(out string) bool { return strings.Contains(out, "line 2") && strings.Contains(out, "no-such-key") }},
	} {
		cmd := exec.Command(dhclientBin, "-t", "-cf", tc.file)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		rc := -1 // did not start
		if cmd.ProcessState != nil {
			rc = cmd.ProcessState.ExitCode()
		}
		if rc != tc.rc || !tc.output(string(out)) {
			t.Errorf("dhclient -t -cf %s: rc %d (%v), want %d; output:\n%s", tc.file, rc, err, tc.rc, out)
		}
	}
	if t.Failed() {
		t.Logf("want for bad.conf:\n%s", wantBad)
	}
}
