//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestHookEnvMatchesISC runs the golden capture's setup in a lab: dnsmasq
// with harness/dnsmasq.conf and dhclient with harness/dhclient.conf and
// the same -e variables. The BOUND environment must hold the same names
// and values as ISC dhclient's (env/1-dnsmasq-bound-renew-release/
// 01-BOUND.sorted) once the golden 10.77.0.0/24 is moved to the lab's
// subnet; the values that differ from run to run are checked on their own.
func TestHookEnvMatchesISC(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	srv := l.StartDnsmasq(t, hookISCServerOpts(t, l))
	conf := lab.ReadFile(t, filepath.Join(hookTestdata, "hooks-isc", "dhclient.conf"))
	c := newHookClient(t, l, conf)
	p := c.start(t, "", "-e", "FOO=bar")
	got := c.waitDump(t, "BOUND", 1, 30*time.Second)
	expiryAt := time.Now()
	relocate := hookRelocator(l)

	// Values of one run: checked here, then masked in both lists.
	addr := hookAddr(t, got, "new_ip_address")
	if addr.Less(l.Host(100)) || l.Host(199).Less(addr) {
		t.Errorf("new_ip_address=%v outside the server's range", addr)
	}
	if !l.HasAddr(t, l.ClientIf(), addr) {
		t.Errorf("new_ip_address=%v is not configured on %s", addr, l.ClientIf())
	}
	lab.WaitLog(t, srv.Log(), fmt.Sprintf("DHCPACK(%s) %v ", l.ServerIf(), addr), 5*time.Second)
	if want := strconv.Itoa(p.Pid()); got.vars["pid"] != want {
		t.Errorf("pid=%s, want the daemon's %s", got.vars["pid"], want)
	}
	if got.vars["interface"] != l.ClientIf() {
		t.Errorf("interface=%s, want %s", got.vars["interface"], l.ClientIf())
	}
	if got.vars["DUMPDIR"] != c.dumps {
		t.Errorf("DUMPDIR=%s, want %s", got.vars["DUMPDIR"], c.dumps)
	}
	exp, err := strconv.ParseInt(got.vars["new_expiry"], 10, 64)
	if d := time.Unix(exp, 0).Sub(expiryAt.Add(120 * time.Second)); err != nil || d < -10*time.Second || d > 2*time.Second {
		t.Errorf("new_expiry=%s, want about now + 120 s (%d)", got.vars["new_expiry"], expiryAt.Add(120*time.Second).Unix())
	}
	if x := got.vars["new_xgrid_controller"]; x != l.Host(9).String() {
		t.Errorf("new_xgrid_controller=%q, want %v (option 250 named in dhclient.conf)", x, l.Host(9))
	}

	masked := []string{"DUMPDIR", "interface", "pid", "new_expiry", "new_ip_address"}
	mask := func(lines []string) []string {
		var out []string
		for _, kv := range lines {
			k, _, _ := strings.Cut(kv, "=")
			if slices.Contains(masked, k) {
				kv = k + "=<varies>"
			}
			out = append(out, kv)
		}
		slices.Sort(out)
		return out
	}
	var want []string
	for line := range strings.SplitSeq(strings.TrimSuffix(lab.ReadFile(t, filepath.Join(hookTestdata, "hooks-isc", "01-BOUND.sorted")), "\n"), "\n") {
		want = append(want, relocate(line))
	}
	w, g := mask(want), mask(got.lines)
	if d := hookSetDiff(w, g); d != "" {
		t.Errorf("BOUND environment differs from ISC's (-golden +leased):\n%s", d)
	}
	// The PRL of dhclient.conf as requested_* (a sorted dump keeps no order).
	if d := hookSetDiff(hookWithPrefix(w, "requested_"), hookWithPrefix(g, "requested_")); d != "" {
		t.Errorf("requested_* differ (-golden +leased):\n%s", d)
	}
}

// hookISCServerOpts turns the golden dnsmasq.conf into lab options: the
// lines the lab writes itself are dropped (port, interface, range,
// router and DNS servers, which go through opts), the rest is passed as
// Extra with the addresses moved to the lab's subnet.
func hookISCServerOpts(t *testing.T, l *lab.Lab) lab.ServerOpts {
	relocate := hookRelocator(l)
	addrs := func(list string) []netip.Addr {
		var out []netip.Addr
		for f := range strings.SplitSeq(list, ",") {
			out = append(out, netip.MustParseAddr(relocate(f)))
		}
		return out
	}
	var o lab.ServerOpts
	for line := range strings.SplitSeq(lab.ReadFile(t, filepath.Join(hookTestdata, "hooks-isc", "dnsmasq.conf")), "\n") {
		key, val, _ := strings.Cut(line, "=")
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case key == "port" || key == "interface" || key == "bind-interfaces" || key == "dhcp-authoritative":
		case key == "dhcp-range":
			f := strings.Split(val, ",")
			secs, err := strconv.Atoi(f[len(f)-1])
			if err != nil {
				t.Fatalf("dnsmasq.conf: %s: %v", line, err)
			}
			o.LeaseTime = time.Duration(secs) * time.Second
		case strings.HasPrefix(val, "option:router,"):
			o.Routers = addrs(strings.TrimPrefix(val, "option:router,"))
		case strings.HasPrefix(val, "option:dns-server,"):
			o.DNS = addrs(strings.TrimPrefix(val, "option:dns-server,"))
		default:
			o.Extra = append(o.Extra, relocate(line))
		}
	}
	return o
}

// hookRelocator moves the golden run's 10.77.0.N to the lab's subnet:
// dotted, as the bytes of option 121 ("10 77 0 N") and in the hex of the
// raw option 254 ("0a:4d:00:N").
func hookRelocator(l *lab.Lab) func(string) string {
	b := l.Subnet().Addr().As4()
	r := strings.NewReplacer(
		"10.77.0.", fmt.Sprintf("%d.%d.%d.", b[0], b[1], b[2]),
		" 10 77 0 ", fmt.Sprintf(" %d %d %d ", b[0], b[1], b[2]),
		":0a:4d:00:", fmt.Sprintf(":%02x:%02x:%02x:", b[0], b[1], b[2]))
	return r.Replace
}

func hookWithPrefix(lines []string, p string) []string {
	var out []string
	for _, kv := range lines {
		if strings.HasPrefix(kv, p) {
			out = append(out, kv)
		}
	}
	return out
}

// hookSetDiff lists the lines only in want (-) or only in got (+); both
// are sorted.
func hookSetDiff(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			b.WriteString("-" + w + "\n")
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			b.WriteString("+" + g + "\n")
		}
	}
	return b.String()
}
