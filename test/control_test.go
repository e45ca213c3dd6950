//go:build linux

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/test/lab"
)

// TestPauseResume pauses a bound interface as before a suspend and
// resumes it. The server's T1 of 8 s makes the check of silence real: a
// client whose timers were still on would renew within the 10 s watched.
func TestPauseResume(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	opts := ctlOpts(l)
	opts.LeaseTime, opts.T1, opts.T2 = 120*time.Second, 8*time.Second, 0
	srv := l.StartDnsmasq(t, opts)
	d := startCtlDaemon(t, l, t.TempDir(), ifname)
	addr := d.waitBound(t)[ifname]
	if st := d.status(t, ifname); time.Until(st.T1) > 8*time.Second {
		t.Fatalf("T1 %v is not within 8 s: the silence check would prove nothing", st.T1)
	}

	hooks := ctlMark(d.hooks)
	ctlOK(t, "-s", d.sock, "pause", ifname)
	hooks.wait(t, fmt.Sprintf("STOP %s new= old=%v\n", ifname, addr.Addr()), ctlStepTimeout)
	ctlWaitAddr(t, l, ifname, addr, false)
	if st := d.status(t, ifname); st.State != "PAUSED" || st.Address.IsValid() {
		t.Errorf("status after pause: %+v, want PAUSED without address", st)
	}
	// dnsmasq --log-dhcp logs every packet it gets; this lab has no
	// other client.
	quiet, dlog := ctlMark(srv.Log()), ctlMark(d.Log())
	time.Sleep(10 * time.Second)
	if s := quiet.since(); s != "" {
		t.Errorf("server heard from the paused client:\n%s", s)
	}
	if s := dlog.lines("DHCP"); len(s) > 0 {
		t.Errorf("paused client logged:\n%s", strings.Join(s, "\n"))
	}

	hooks, srvLog, dlog := ctlMark(d.hooks), ctlMark(srv.Log()), ctlMark(d.Log())
	ctlOK(t, "-s", d.sock, "resume", ifname)
	hooks.wait(t, fmt.Sprintf("REBOOT %s new=%v old=\n", ifname, addr.Addr()), ctlStepTimeout)
	ctlWaitAddr(t, l, ifname, addr, true)
	if st := d.status(t, ifname); st.State != "BOUND" || st.Address != addr {
		t.Errorf("status after resume: %+v, want BOUND with %v", st, addr)
	}
	// INIT-REBOOT: one broadcast REQUEST for the kept address, no
	// DISCOVER (RFC 2131 §3.2).
	want := fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", addr.Addr(), ifname)
	if got := dlog.lines("DHCP"); len(got) != 2 || !strings.Contains(got[0], want) ||
		!strings.Contains(got[1], "DHCPACK of "+addr.Addr().String()) {
		t.Errorf("client after resume logged:\n%s\nwant %q and its DHCPACK", strings.Join(got, "\n"), want)
	}
	if got := srvLog.lines("DHCPREQUEST("); len(got) != 1 || !strings.Contains(got[0], addr.Addr().String()) {
		t.Errorf("server after resume got requests:\n%s\nwant one for %v", strings.Join(got, "\n"), addr.Addr())
	}
	if got := srvLog.lines("DHCPDISCOVER("); len(got) != 0 {
		t.Errorf("server after resume got discovers:\n%s", strings.Join(got, "\n"))
	}
}

// TestRenewReleaseShutdown renews and releases one daemon's interface
// and shuts down another daemon that runs two.
func TestRenewReleaseShutdown(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	if1, if2, if3 := l.ClientIf(), l.AddClientLink(t), l.AddClientLink(t)
	srv := l.StartDnsmasq(t, ctlOpts(l))
	dir := t.TempDir()
	a, b := startCtlDaemon(t, l, dir, if1), startCtlDaemon(t, l, dir, if2, if3)
	addrs := a.waitBound(t)
	for k, v := range b.waitBound(t) {
		addrs[k] = v
	}
	server := l.ServerAddr()

	// renew: at once a unicast REQUEST to the server (RFC 2131 §4.4.5),
	// acknowledged, and the lease starts again.
	// The lease times are whole seconds: let the clock pass the second
	// of the bind so that the renewed lease ends later.
	before := a.status(t, if1)
	for time.Now().Unix() <= before.Expiry.Unix()-600 {
		time.Sleep(50 * time.Millisecond)
	}
	dlog, srvLog, hooks := ctlMark(a.Log()), ctlMark(srv.Log()), ctlMark(a.hooks)
	ctlOK(t, "-s", a.sock, "renew", if1)
	dlog.wait(t, fmt.Sprintf("DHCPREQUEST for %v on %s to %v port 67", addrs[if1].Addr(), if1, server), ctlStepTimeout)
	// The command, not the T1 timer, started the renewal: the unicast
	// REQUEST was seen before T1 came (T1 is minutes away; the wait
	// above is only a polling limit).
	if seen := time.Now(); !seen.Before(before.T1) {
		t.Errorf("renew: DHCPREQUEST seen at %v, not before T1 %v", seen, before.T1)
	}
	srvLog.wait(t, fmt.Sprintf("DHCPACK(%s) %v ", l.ServerIf(), addrs[if1].Addr()), ctlStepTimeout)
	if got := srvLog.lines("DHCPREQUEST("); len(got) != 1 || !strings.Contains(got[0], addrs[if1].Addr().String()) {
		t.Errorf("server after renew got requests:\n%s", strings.Join(got, "\n"))
	}
	hooks.wait(t, fmt.Sprintf("RENEW %s new=%v old=%v\n", if1, addrs[if1].Addr(), addrs[if1].Addr()), ctlStepTimeout)
	after := a.status(t, if1)
	if after.State != "BOUND" || after.Address != addrs[if1] || !after.Expiry.After(before.Expiry) {
		t.Errorf("status after renew %+v, before %+v: want BOUND, same address, later expiry", after, before)
	}

	// release: DHCPRELEASE at the server, RELEASE hook, address gone.
	srvLog, hooks = ctlMark(srv.Log()), ctlMark(a.hooks)
	ctlOK(t, "-s", a.sock, "release", if1)
	srvLog.wait(t, fmt.Sprintf("DHCPRELEASE(%s) %v ", l.ServerIf(), addrs[if1].Addr()), ctlStepTimeout)
	hooks.wait(t, fmt.Sprintf("RELEASE %s new= old=%v\n", if1, addrs[if1].Addr()), ctlStepTimeout)
	ctlWaitAddr(t, l, if1, addrs[if1], false)
	// The released interface was a's only one: a's runner has stopped
	// and the daemon may end; if it did, it ended well.
	select {
	case <-a.proc.Done():
		if err := a.proc.Err(); err != nil {
			t.Errorf("daemon of %s after release: %v", if1, err)
		}
	default:
		if st := a.status(t, if1); st.Address.IsValid() {
			t.Errorf("status after release: %+v, want no address", st)
		}
	}

	// shutdown: every interface of b released, then b exits 0.
	srvLog, hooks = ctlMark(srv.Log()), ctlMark(b.hooks)
	ctlOK(t, "-s", b.sock, "shutdown")
	select {
	case <-b.proc.Done():
	case <-time.After(ctlStepTimeout):
		t.Fatalf("daemon of %s %s still running %v after shutdown", if2, if3, ctlStepTimeout)
	}
	if err := b.proc.Err(); err != nil {
		t.Errorf("daemon after shutdown: %v", err)
	}
	for _, ifname := range []string{if2, if3} {
		srvLog.wait(t, fmt.Sprintf("DHCPRELEASE(%s) %v ", l.ServerIf(), addrs[ifname].Addr()), ctlStepTimeout)
		hooks.wait(t, fmt.Sprintf("RELEASE %s new= old=%v\n", ifname, addrs[ifname].Addr()), ctlStepTimeout)
		ctlWaitAddr(t, l, ifname, addrs[ifname], false)
	}
}
