//go:build linux

package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/test/lab"
)

// TestLinkFlapReboots takes the client's link down and up again (ip link
// set down/up, through netlink): while down the lease is kept and nothing
// is sent (LINK-DOWN); once up the daemon confirms the lease with one
// INIT-REBOOT REQUEST and is bound again, without a DISCOVER (SPEC §4).
// A watch on the control socket sees it happen.
func TestLinkFlapReboots(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	ifname := l.ClientIf()
	srv := l.StartDnsmasq(t, ctlOpts(l))
	d := startCtlDaemon(t, l, t.TempDir(), ifname)
	addr := d.waitBound(t)[ifname]
	events := ctlWatchStates(t, d, ifname)

	h := l.ClientHandle()
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	dlog, srvLog, hooks := ctlMark(d.Log()), ctlMark(srv.Log()), ctlMark(d.hooks)
	if err := h.LinkSetDown(link); err != nil {
		t.Fatalf("set %s down: %v", ifname, err)
	}
	lab.PollUntil(t, ctlStepTimeout, func() bool {
		return d.status(t, ifname).State == "LINK-DOWN"
	}, func() string { return ifname + " LINK-DOWN" })

	// The lease is kept: the address stays on the (down) link.
	if !l.HasPrefix(t, ifname, addr) {
		t.Errorf("%s lost %v when its link went down", ifname, addr)
	}
	if err := h.LinkSetUp(link); err != nil {
		t.Fatalf("set %s up: %v", ifname, err)
	}
	hooks.wait(t, fmt.Sprintf("REBOOT %s new=%v old=\n", ifname, addr.Addr()), ctlStepTimeout)
	ctlWaitAddr(t, l, ifname, addr, true)
	if st := d.status(t, ifname); st.State != "BOUND" || st.Address != addr {
		t.Errorf("status after link up: %+v, want BOUND with %v", st, addr)
	}
	want := fmt.Sprintf("DHCPREQUEST for %v on %s to 255.255.255.255 port 67", addr.Addr(), ifname)
	if got := dlog.lines("DHCP"); len(got) != 2 || !strings.Contains(got[0], want) ||
		!strings.Contains(got[1], "DHCPACK of "+addr.Addr().String()) {
		t.Errorf("client after the flap logged:\n%s\nwant %q and its DHCPACK", strings.Join(got, "\n"), want)
	}
	if got := srvLog.lines("DHCPREQUEST("); len(got) != 1 || !strings.Contains(got[0], addr.Addr().String()) {
		t.Errorf("server after the flap got requests:\n%s\nwant one for %v", strings.Join(got, "\n"), addr.Addr())
	}
	if got := srvLog.lines("DHCPDISCOVER("); len(got) != 0 {
		t.Errorf("server after the flap got discovers:\n%s", strings.Join(got, "\n"))
	}
	// The watch saw the link go, the reboot and the bind, in order.
	lab.PollUntil(t, ctlStepTimeout, func() bool {
		s := events()
		return len(s) > 0 && s[len(s)-1] == "BOUND "+addr.String()
	}, func() string { return "watch sees BOUND again" })

	// LINK-DOWN keeps the address on the link, and says so; REBOOTING
	// has it remembered, not configured.
	if s := events(); !slices.Equal(s, []string{"LINK-DOWN " + addr.String(), "REBOOTING ", "BOUND " + addr.String()}) {
		t.Errorf("watch events %q, want LINK-DOWN, REBOOTING, BOUND %v", s, addr)
	}
}

// ctlWatchStates sends a watch request for ifname to d's socket for the
// rest of the test and returns a function listing the "STATE ADDRESS" of
// every state event so far. It talks to the socket itself rather than
// through dhclientctl to know when the daemon has taken the request:
// events before that are not sent.
func ctlWatchStates(t *testing.T, d *ctlDaemon, ifname string) func() []string {
	t.Helper()
	c, err := net.Dial("unix", d.sock)
	if err != nil {
		t.Fatalf("dial %s: %v", d.sock, err)
	}
	enc, _ := json.Marshal(control.Request{Verb: control.VerbWatch, Interface: ifname})
	if _, err := c.Write(append(enc, '\n')); err != nil {
		t.Fatalf("send watch: %v", err)
	}
	sc := bufio.NewScanner(c)
	var rep control.Reply
	if !sc.Scan() || json.Unmarshal(sc.Bytes(), &rep) != nil || !rep.OK {
		t.Fatalf("watch reply %q: %v", sc.Bytes(), sc.Err())
	}
	var (
		mu     sync.Mutex
		states []string
		done   = make(chan struct{})
	)
	go func() {
		defer close(done)
		for sc.Scan() {
			var ev control.Event
			if json.Unmarshal(sc.Bytes(), &ev) != nil || ev.Kind != control.EventState {
				continue
			}
			a := ""
			if ev.Address.IsValid() {
				a = ev.Address.String()
			}
			mu.Lock()
			states = append(states, ev.State+" "+a)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		c.Close()
		<-done
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(states)
	}
}
