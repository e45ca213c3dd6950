//go:build linux

package e2e

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdlayher/packet"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// debEtherAll is ETH_P_ALL: a bridge port hands frames to the bridge before
// per-protocol packet sockets on the port would see them.
const debEtherAll = 0x0003

// debWire records, on the server end of one client link, every DHCP
// datagram in either direction with its IP source and destination: the
// servers' logs do not say whether a DHCPREQUEST or DHCPRELEASE came
// unicast from the leased address or broadcast from 0.0.0.0 (SPEC §4,
// §5.0). Each packet is also written to a text log for failure reports.
type debWire struct {
	log     string
	conn    *packet.Conn
	done    chan struct{}
	closing atomic.Bool

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
// ifname; the test's cleanup stops it.
func debWatchWire(t *testing.T, l *lab.Lab, ifname string) *debWire {
	t.Helper()
	w := &debWire{log: filepath.Join(t.TempDir(), "wire.log"), done: make(chan struct{})}
	peer := l.ServerPeer(ifname)
	err := lab.Do(l.ServerNS(), func() error {
		ifi, err := net.InterfaceByName(peer)
		if err != nil {
			return err
		}
		w.conn, err = packet.Listen(ifi, packet.Datagram, debEtherAll, nil)
		return err
	})
	if err != nil {
		t.Fatalf("watch DHCP packets on %s: %v", peer, err)
	}
	f, err := os.Create(w.log)
	if err != nil {
		t.Fatal(err)
	}
	go w.read(f)
	t.Cleanup(func() {
		w.closing.Store(true)
		w.conn.Close()
		<-w.done
	})
	return w
}

func (w *debWire) read(f *os.File) {
	defer close(w.done)
	defer f.Close()
	buf := make([]byte, 65536)
	for {
		n, _, err := w.conn.ReadFrom(buf)
		if err != nil {
			if w.closing.Load() {
				return
			}
			fmt.Fprintf(f, "read: %v\n", err)
			time.Sleep(10 * time.Millisecond) // no busy loop on a persistent error
			continue
		}
		p, ok := debParseDatagram(buf[:n])
		if !ok {
			continue
		}
		w.mu.Lock()
		w.pkts = append(w.pkts, p)
		w.mu.Unlock()
		fmt.Fprintf(f, "%s %v\n", time.Now().Format("15:04:05.000"), p)
	}
}

// debParseDatagram decodes an IPv4 packet carrying UDP to or from the
// DHCP ports.
func debParseDatagram(b []byte) (debPacket, bool) {
	if len(b) < 20 || b[0]>>4 != 4 || b[9] != 17 {
		return debPacket{}, false
	}
	ihl := int(b[0]&0x0f) * 4
	if len(b) < ihl+8 {
		return debPacket{}, false
	}
	src := netip.AddrFrom4([4]byte(b[12:16]))
	dst := netip.AddrFrom4([4]byte(b[16:20]))
	udp := b[ihl:]
	sport, dport := binary.BigEndian.Uint16(udp[0:2]), binary.BigEndian.Uint16(udp[2:4])
	if dport != dhcp4.ServerPort && dport != dhcp4.ClientPort {
		return debPacket{}, false
	}
	m, err := dhcp4.Parse(udp[8:])
	if err != nil {
		return debPacket{}, false
	}
	return debPacket{src: netip.AddrPortFrom(src, sport), dst: netip.AddrPortFrom(dst, dport), msg: m}, true
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
