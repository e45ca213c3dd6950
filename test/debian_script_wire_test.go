//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// debWire records, on the server end of one client link, every DHCP
// datagram in either direction with its IP source and destination: the
// servers' logs do not say whether a DHCPREQUEST or DHCPRELEASE came
// unicast from the leased address or broadcast from 0.0.0.0 (SPEC §4,
// §5.0). Each packet is also written to a text log for failure reports.
type debWire struct {
	log string

	mu   sync.Mutex
	pkts []debPacket
}

// debPacket is one DHCP datagram seen on the wire.
type debPacket struct {
	src, dst netip.AddrPort
	msg      *dhcp4.Message
}

func (p debPacket) String() string {
	return fmt.Sprintf("%v %v -> %v ciaddr %v yiaddr %v xid %#x", p.msg.Type(), p.src, p.dst, p.msg.CIAddr, p.msg.YIAddr, p.msg.XID)
}

// debWatchWire starts a debWire on the server end of the client link
// ifname (lab.WatchDHCP); the test's cleanup stops it.
func debWatchWire(t *testing.T, l *lab.Lab, ifname string) *debWire {
	t.Helper()
	w := &debWire{log: filepath.Join(t.TempDir(), "wire.log")}
	f, err := os.Create(w.log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() }) // after the watch's cleanup, which runs first
	lab.WatchDHCP(t, l.ServerNS(), l.ServerPeer(ifname), func(d lab.Datagram) {
		p := debPacket{src: d.Src, dst: d.Dst, msg: d.Msg}
		w.mu.Lock()
		w.pkts = append(w.pkts, p)
		w.mu.Unlock()
		fmt.Fprintf(f, "%s %v\n", time.Now().Format("15:04:05.000"), p)
	})
	return w
}

// mark returns a position to look for packets after.
func (w *debWire) mark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pkts)
}

// since returns the packets seen after mark.
func (w *debWire) since(mark int) []debPacket {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]debPacket(nil), w.pkts[mark:]...)
}

// waitUnicast waits until a message of type mt has gone after mark from
// from:port to to:port, ciaddr from when the client sends it, and returns
// the position after it. It reports an error (and returns -1) after
// timeout.
func (w *debWire) waitUnicast(t *testing.T, mark int, mt dhcp4.MessageType, from, to netip.AddrPort, timeout time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ps := w.since(mark)
		for i, p := range ps {
			if p.msg.Type() == mt && p.src == from && p.dst == to && (p.msg.Op == dhcp4.BootReply || p.msg.CIAddr == from.Addr()) {
				return mark + i + 1
			}
		}
		if time.Now().After(deadline) {
			t.Errorf("no %v %v -> %v (ciaddr %v) on the wire within %v; seen since:\n%s", mt, from, to, from.Addr(), timeout, debPacketsText(ps))
			return -1
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func debPacketsText(ps []debPacket) string {
	if len(ps) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %v\n", p)
	}
	return b.String()
}
