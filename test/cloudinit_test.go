//go:build linux

package e2e

import (
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// ciPhaseLimit bounds one step of the driver: a dhclient run against a
// lab server and the ip commands around it.
const ciPhaseLimit = 60 * time.Second

// ciStates are the moments the interface is read at: as found, after
// maybe_perform_dhcp_discovery, inside EphemeralDHCPv4 and after it.
var ciStates = []string{"start", "discovered", "ephemeral", "cleaned"}

// TestCloudInit runs cloud-init's own ephemeral DHCP
// (cloudinit.net.dhcp.maybe_perform_dhcp_discovery, then
// cloudinit.net.ephemeral.EphemeralDHCPv4; Debian's cloud-init 22.4.2)
// with leased's dhclient first on PATH, as pid 1 of private pid and mount
// namespaces in the lab's client namespace (see ciRun). cloud-init runs
// `dhclient -1 -v -lf /run/dhclient.lease -pf /run/dhclient.pid IF -sf
// /bin/true`, SIGKILLs the daemon, parses the lease file itself and adds
// the address with ip(8).
//
//   - dhcpd: ISC dhcpd with a fixed address, MTU 1400, option 121, DNS
//     and NTP. The lease cloud-init parses must equal ISC dhclient's
//     (renew, rebind and expire aside), the interface must be exactly as
//     found after the discovery (leased adds nothing under -sf /bin/true,
//     SPEC §5.0), EphemeralDHCPv4 must bring the address and routes up
//     and take them away again.
//   - fake: the fakeserver adds a zero-length option 248 and a domain
//     name with a trailing NUL; cloud-init's parser must take the lease
//     file (SPEC §7: `option unknown-248 "";`, not `option unknown-248;`,
//     which makes it raise ValueError).
//
// Each runs with leased and, when installed, with ISC dhclient, each in
// a lab of its own, in parallel; then the two are compared.
func TestCloudInit(t *testing.T) {
	ciRequire(t)
	isc := debISCDhclient()
	if isc == "" {
		t.Logf("NOTE: ISC dhclient is not installed (isc-dhcp-client's /usr/sbin/dhclient): leased's leases are checked against the values ISC was seen to write")
	}
	var mu sync.Mutex
	runs := map[string]*ciResult{}
	t.Run("run", func(t *testing.T) {
		for _, server := range []string{"dhcpd", "fake"} {
			for _, client := range []string{"leased", "isc"} {
				bin := dhclientBin
				if client == "isc" {
					if bin = isc; bin == "" {
						continue
					}
				}
				t.Run(server+"-"+client, func(t *testing.T) {
					t.Parallel()
					r := ciCycle(t, server, bin)
					mu.Lock()
					runs[server+"-"+client] = r
					mu.Unlock()
				})
			}
		}
	})
	for _, server := range []string{"dhcpd", "fake"} {
		t.Run("compare-"+server, func(t *testing.T) {
			got, ref, refName := runs[server+"-leased"], runs[server+"-isc"], "ISC dhclient"
			if isc == "" {
				ref, refName = ciExpected(server), "the values ISC dhclient writes"
			} else if ref != nil {
				ciCheckExpected(t, ref, ciExpected(server))
			}
			if got == nil || ref == nil || !got.complete || !ref.complete {
				t.Skipf("the leased or the reference run did not complete; see its failure above")
			}
			ciCompare(t, ref, got, refName)
		})
	}
}

// ciRequire stops t (see lab.Unavailable) unless cloud-init's Python
// package and a lab are available.
func ciRequire(t *testing.T) {
	t.Helper()
	lab.Require(t)
	lab.RequireBinary(t, "unshare", "util-linux")
	if _, err := os.Stat(ciPython); err != nil {
		lab.Unavailable(t, "%s not installed (Debian package python3, needed by cloud-init)", ciPython)
	}
	if out, err := exec.Command(ciPython, "-c", "import cloudinit.net.dhcp, cloudinit.net.ephemeral").CombinedOutput(); err != nil {
		lab.Unavailable(t, "cloud-init not installed (Debian package cloud-init): %v: %s", err, out)
	}
}

// ciResult is what one run recorded, normalised (debNorm).
type ciResult struct {
	complete bool
	lease    map[string]string   // the last lease maybe_perform_dhcp_discovery returned
	file     []string            // the statements of the lease file's last lease block, sorted
	states   map[string]debState // ciStates → the interface
}

// ciCycle runs the driver with dhclient bin against a server of kind
// "dhcpd" or "fake" in a lab of its own.
func ciCycle(t *testing.T, server, bin string) *ciResult {
	l := lab.New(t)
	ifname := l.ClientIf()
	s := l.ServerAddr()
	a := l.Host(50)
	var serverLog string
	switch server {
	case "dhcpd":
		serverLog = l.StartDhcpd(t, debServerOpts(l, debMAC(t, l, ifname), a, 10*time.Minute)).Log()
	case "fake":
		a = l.Host(100) // the first of the range
		cfg := l.FakeConfig(l.DefaultOpts())
		cfg.Options.Set(dhcp4.OptDomainName, []byte("lab.test\x00"))
		cfg.Options.Set(248, []byte{})
		serverLog = l.StartFake(t, cfg).Log()
	}
	r := ciStart(t, l, ifname, bin)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(serverLog)
			t.Logf("%s\n--- server log ---\n%s\n--- kernel state of %s now ---\n%v", r.diagnostics(), debTail(string(b), 60), ifname, debSnapshot(t, l, ifname))
		}
	})
	n := debNorm(l, ifname)
	res := &ciResult{states: map[string]debState{}}
	var raw = map[string]debState{}
	var discovered ciPhase
	for _, name := range ciStates {
		p := r.next(t, name, ciPhaseLimit)
		raw[name] = debSnapshot(t, l, ifname)
		res.states[name] = raw[name].norm(n)
		switch name {
		case "start":
			if p.PID != 1 || p.Which != r.dhclient {
				t.Errorf("driver runs as pid %d with dhclient %q, want pid 1 and %s (-> %s)", p.PID, p.Which, r.dhclient, bin)
			}
			t.Logf("cloud-init %s", p.Version)
		case "discovered":
			discovered = p
			ciCheckDiscovery(t, p, raw, a, r)
		case "ephemeral":
			if p.Lease["fixed-address"] != a.String() {
				t.Errorf("EphemeralDHCPv4 got lease %v, want fixed-address %v", p.Lease, a)
			}
		}
		r.resume(t)
	}
	if err := r.wait(30 * time.Second); err != nil {
		t.Errorf("cloud-init driver: %v\n%s", err, r.diagnostics())
	}

	if st := raw["ephemeral"]; !st.has(a) || !slices.Contains(st.destinations(), "192.0.2.0/24 via "+s.String()) ||
		!slices.Contains(st.destinations(), "default via "+s.String()) {
		t.Errorf("inside EphemeralDHCPv4, want %v and the option 121 routes via %v on %s:\n%v", a, s, ifname, st)
	}
	if st := raw["cleaned"]; len(st.Addrs) > 0 || len(st.Routes) > 0 {
		t.Errorf("after EphemeralDHCPv4, %s still has:\n%v", ifname, st)
	}
	if len(discovered.Leases) > 0 {
		res.lease = ciNormLease(t, discovered.Leases[len(discovered.Leases)-1], n)
	}
	res.file = ciLeaseStatements(discovered.LeaseFile, n)
	if server == "fake" && res.lease != nil {
		if v, ok := res.lease["unknown-248"]; !ok || v != "" {
			t.Errorf("zero-length option 248 reads %q (present %v) in cloud-init's lease, want \"\"", v, ok)
		}
		if v := res.lease["domain-name"]; v != "lab.test" {
			t.Errorf("NUL-terminated domain name reads %q in cloud-init's lease, want \"lab.test\"", v)
		}
	}
	res.complete = !t.Failed()
	return res
}

// ciCheckDiscovery checks what maybe_perform_dhcp_discovery returned and
// left: a lease for a, the daemon SIGKILLed, and the interface exactly as
// found, although the server sent MTU 1400 and routes (SPEC §5.0).
func ciCheckDiscovery(t *testing.T, p ciPhase, raw map[string]debState, a netip.Addr, r *ciRun) {
	t.Helper()
	if len(p.Leases) == 0 {
		t.Errorf("maybe_perform_dhcp_discovery returned no lease; lease file:\n%s\n%s", p.LeaseFile, ciDhclientOutput(p))
	} else if got := p.Leases[len(p.Leases)-1]["fixed-address"]; got != a.String() {
		t.Errorf("cloud-init's lease has fixed-address %q, want %v", got, a)
	}
	if p.Daemon.Error != "" || (p.Daemon.State != "Z" && p.Daemon.State != "gone") {
		t.Errorf("dhclient daemon after cloud-init's SIGKILL: pid %d state %q %s", p.Daemon.PID, p.Daemon.State, p.Daemon.Error)
	}
	if before, after := raw["start"], raw["discovered"]; !after.equal(before) {
		t.Errorf("maybe_perform_dhcp_discovery (dhclient -sf /bin/true) changed the interface\nbefore:\n%v\nafter:\n%v", before, after)
	}
	log, _ := os.ReadFile(r.log)
	for _, bad := range []string{"failed to daemonize", "did not produce expected files"} {
		if strings.Contains(string(log), bad) {
			t.Errorf("cloud-init logged %q", bad)
		}
	}
}

// ciTimeRE is the value of renew, rebind and expire in ISC's lease file
// (reference §5.1), as cloud-init reads it.
var ciTimeRE = regexp.MustCompile(`^[0-6] \d{4}/\d\d/\d\d \d\d:\d\d:\d\d$`)

// ciNormLease normalises a lease as cloud-init parsed it: lab names
// replaced, the times checked for ISC's format and dropped.
func ciNormLease(t *testing.T, lease map[string]string, n *strings.Replacer) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range lease {
		switch k {
		case "renew", "rebind", "expire":
			if !ciTimeRE.MatchString(v) {
				t.Errorf("lease %s is %q, want ISC's \"W YYYY/MM/DD HH:MM:SS\"", k, v)
			}
			continue
		}
		out[k] = n.Replace(v)
	}
	return out
}

// ciLeaseStatements returns the statements of the last lease block of a
// lease file, normalised and sorted, without the times.
func ciLeaseStatements(file string, n *strings.Replacer) []string {
	i := strings.LastIndex(file, "lease {")
	if i < 0 {
		return nil
	}
	block, _, _ := strings.Cut(file[i+len("lease {"):], "\n}")
	var out []string
	for _, l := range strings.Split(block, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "renew ") || strings.HasPrefix(l, "rebind ") || strings.HasPrefix(l, "expire ") {
			continue
		}
		out = append(out, n.Replace(l))
	}
	slices.Sort(out)
	return out
}

// ciCompare checks a leased run against the reference.
func ciCompare(t *testing.T, ref, got *ciResult, refName string) {
	t.Helper()
	if !maps.Equal(got.lease, ref.lease) {
		t.Errorf("cloud-init's lease with leased differs from %s's (renew/rebind/expire aside)\ngot:  %v\nwant: %v", refName, got.lease, ref.lease)
	}
	if !slices.Equal(got.file, ref.file) {
		t.Errorf("lease file statements differ from %s's (SPEC §7)\ngot:\n%s\nwant:\n%s", refName,
			debIndent(strings.Join(got.file, "\n")), debIndent(strings.Join(ref.file, "\n")))
	}
	for _, st := range ciStates {
		if ref.states[st].Link == "" {
			continue // not recorded in the expected values
		}
		if !got.states[st].equal(ref.states[st]) {
			t.Errorf("%s: interface with leased\n%v\nwant as with %s\n%v", st, got.states[st], refName, ref.states[st])
		}
	}
}
