package platform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/mdlayher/packet"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// lab is a client namespace and a server namespace joined by a veth
// pair; the server end has 10.77.0.1/24.
type lab struct {
	client, server         *testNS
	hc, hs                 *netlink.Handle
	clientLink, serverLink string
}

func newLab(t *testing.T) *lab {
	t.Helper()
	l := &lab{client: newNS(t), server: newNS(t)}
	l.hc, l.hs = l.client.handle(t), l.server.handle(t)
	l.clientLink, l.serverLink = vethPair(t, l.hc, l.server)
	setUp(t, l.hs, l.serverLink)
	if err := l.hs.AddrAdd(linkByName(t, l.hs, l.serverLink), &netlink.Addr{IPNet: mustCIDR("10.77.0.1/24")}); err != nil {
		t.Fatal(err)
	}
	return l
}

// serverUDP opens the server's port 67 socket, bound to its veth end.
func (l *lab) serverUDP(t *testing.T) *UDPConn {
	t.Helper()
	var c *UDPConn
	l.server.do(t, func() (err error) {
		c, err = ListenUDP(l.serverLink, netip.MustParseAddrPort("0.0.0.0:67"))
		return err
	})
	t.Cleanup(func() { c.Close() })
	return c
}

type conn interface {
	ReadFrom([]byte) (int, netip.AddrPort, error)
	SetReadDeadline(time.Time) error
}

// recv reads one datagram with a generous deadline and checks it.
func recv(t *testing.T, c conn, want string, wantFrom string) {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1500)
	n, from, err := c.ReadFrom(b)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if string(b[:n]) != want || from.String() != wantFrom {
		t.Errorf("read: got %q from %v, want %q from %s", b[:n], from, want, wantFrom)
	}
}

func TestRawConnRoundTrip(t *testing.T) {
	l := newLab(t)
	srv := l.serverUDP(t)
	var rc *RawConn
	l.client.do(t, func() (err error) { rc, err = ListenRaw(l.clientLink, 68); return err })
	defer rc.Close()

	if err := rc.WriteTo([]byte("discover"), netip.MustParseAddrPort("255.255.255.255:67")); err != nil {
		t.Fatal(err)
	}
	recv(t, srv, "discover", "0.0.0.0:68")
	// The server's kernel builds this one; veth passes it on with the
	// UDP checksum left partial (TP_STATUS_CSUMNOTREADY).
	if err := srv.WriteTo([]byte("offer"), netip.MustParseAddrPort("255.255.255.255:68")); err != nil {
		t.Fatal(err)
	}
	recv(t, rc, "offer", "10.77.0.1:67")
	if rc.partial.Load() != 1 {
		t.Errorf("packets with partial checksum: got %d, want 1 (veth offload)", rc.partial.Load())
	}
}

// rawWithInjector opens a RawConn for port 68 on a lab's client link
// (ListenDHCP: matching chaddr, or, nil, ListenRaw's filter) and returns
// it with a function that broadcasts a whole IPv4 packet from the
// server's end, as a raw sender of forged frames does.
func rawWithInjector(t *testing.T, chaddr net.HardwareAddr) (*RawConn, func(pkt []byte)) {
	t.Helper()
	l := newLab(t)
	var rc *RawConn
	l.client.do(t, func() (err error) { rc, err = ListenDHCP(l.clientLink, 68, chaddr); return err })
	t.Cleanup(func() { rc.Close() })
	var c *packet.Conn
	l.server.do(t, func() error {
		ifi, err := net.InterfaceByName(l.serverLink)
		if err == nil {
			c, err = packet.Listen(ifi, packet.Datagram, unix.ETH_P_IP, nil)
		}
		return err
	})
	t.Cleanup(func() { c.Close() })
	return rc, func(pkt []byte) {
		t.Helper()
		if _, err := c.WriteTo(pkt, &packet.Addr{HardwareAddr: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}); err != nil {
			t.Fatal(err)
		}
	}
}

// Corrupt packets are counted and skipped; other ports never arrive.
func TestRawConnDropsBadPackets(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	from, to := netip.MustParseAddrPort("10.77.0.1:67"), netip.MustParseAddrPort("255.255.255.255:68")
	badUDP := Frame(nil, []byte("corrupt"), from, to)
	badUDP[len(badUDP)-1] ^= 0xff
	badIP := Frame(nil, []byte("corrupt"), from, to)
	badIP[8]-- // TTL, under the header checksum
	for _, p := range [][]byte{
		badUDP, badIP,
		Frame(nil, []byte("not for us"), from, netip.MustParseAddrPort("255.255.255.255:67")),
		Frame(nil, []byte("good"), from, to),
	} {
		inject(p)
	}
	recv(t, rc, "good", "10.77.0.1:67")
	if got := rc.Dropped(); got != 2 {
		t.Errorf("dropped: got %d, want 2", got)
	}
	if got := rc.partial.Load(); got != 0 {
		t.Errorf("partial checksums: got %d, want 0 for packets injected whole", got)
	}
}

// A packet is read whole into the caller's buffer and its payload moved
// to the start; one longer than the buffer is dropped and counted, not
// cut short.
func TestRawConnReadsIntoTheCallersBuffer(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	from, to := netip.MustParseAddrPort("10.77.0.1:67"), netip.MustParseAddrPort("255.255.255.255:68")
	inject(Frame(nil, bytes.Repeat([]byte("x"), 100), from, to)) // 128 bytes with headers
	inject(Frame(nil, []byte("fits"), from, to))
	if err := rc.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 64)
	n, _, err := rc.ReadFrom(b)
	if err != nil || string(b[:n]) != "fits" {
		t.Errorf("read %q, %v; want fits", b[:n], err)
	}
	if got := rc.Dropped(); got != 1 {
		t.Errorf("dropped %d, want the packet longer than the buffer", got)
	}
	if _, _, err := rc.ReadFrom(nil); err == nil {
		t.Error("ReadFrom(nil) returned no error")
	}
}

// Reading allocates nothing, for the frames it drops and for the one it
// returns, into the caller's buffer or a pooled one: a flood costs the
// daemon reads, not garbage (issue 12).
func TestRawConnReadsWithoutAllocating(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	from, to := netip.MustParseAddrPort("10.77.0.1:67"), netip.MustParseAddrPort("255.255.255.255:68")
	bad := Frame(nil, []byte("corrupt"), from, to)
	bad[len(bad)-1] ^= 0xff
	good := Frame(nil, []byte("good"), from, to)
	const runs = 20
	for range 2 * (runs + 1) { // AllocsPerRun calls once more to warm up
		inject(bad)
		inject(good)
	}
	if err := rc.SetReadDeadline(time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1500)
	allocs := testing.AllocsPerRun(runs, func() {
		if n, _, err := rc.ReadFrom(b); err != nil || string(b[:n]) != "good" {
			t.Fatalf("read %q, %v; want good", b[:n], err)
		}
	})
	if allocs != 0 {
		t.Errorf("ReadFrom allocates %v times a call, want none", allocs)
	}
	var got string
	keep := func(payload []byte, _ netip.AddrPort) { got = string(payload) } // one allocation, the test's
	allocs = testing.AllocsPerRun(runs, func() {
		if err := rc.Receive(keep); err != nil || got != "good" {
			t.Fatalf("received %q, %v; want good", got, err)
		}
	})
	if allocs > 1 {
		t.Errorf("Receive allocates %v times a call besides the test's copy, want none", allocs-1)
	}
	if got := rc.Dropped(); got != 2*(runs+1) {
		t.Errorf("dropped %d, want %d", got, 2*(runs+1))
	}
}

// Receive reads into a pooled buffer only once a packet is there: a conn
// that waits, here until its deadline, holds none.
func TestRawConnReceiveHoldsNoBufferWaiting(t *testing.T) {
	rc, inject := rawWithInjector(t, nil)
	from, to := netip.MustParseAddrPort("10.77.0.1:67"), netip.MustParseAddrPort("255.255.255.255:68")
	inject(Frame(nil, []byte("first"), from, to))
	if err := rc.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	var got []string
	record := func(payload []byte, src netip.AddrPort) { got = append(got, string(payload)+" from "+src.String()) }
	if err := rc.Receive(record); err != nil {
		t.Fatal(err)
	}
	if err := rc.SetReadDeadline(time.Now().Add(50 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if err := rc.Receive(record); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Receive with nothing to read: %v, want the deadline", err)
	}
	if rc.pooled != nil {
		t.Error("a Receive that waited and ended keeps a pooled buffer")
	}
	if want := []string{"first from 10.77.0.1:67"}; !slices.Equal(got, want) {
		t.Errorf("received %q, want %q", got, want)
	}
}

// MatchXID replaces the socket's filter: only replies with the xid get
// through, and a later call moves it to the next exchange.
func TestRawConnMatchXID(t *testing.T) {
	ours := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	rc, inject := rawWithInjector(t, ours)
	from, to := netip.MustParseAddrPort("10.77.0.1:67"), netip.MustParseAddrPort("255.255.255.255:68")
	send := func(xid uint32) {
		t.Helper()
		inject(Frame(nil, bootpMessage(2, xid, ours), from, to))
	}
	expect := func(xid uint32) {
		t.Helper()
		got, err := readXID(t, rc, 5*time.Second)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if got != xid {
			t.Errorf("read the reply with xid %#x, want %#x", got, xid)
		}
	}
	if err := rc.MatchXID(1); err != nil {
		t.Fatal(err)
	}
	send(2)
	send(1)
	expect(1)
	if err := rc.MatchXID(3); err != nil {
		t.Fatal(err)
	}
	send(1)
	send(2)
	send(3)
	expect(3)
	if got := rc.Dropped(); got != 0 {
		t.Errorf("dropped in user space: %d, want 0 (the kernel keeps other xids)", got)
	}
}

// readXID reads one BOOTP message from rc within wait and returns its
// xid.
func readXID(t *testing.T, rc *RawConn, wait time.Duration) (uint32, error) {
	t.Helper()
	if err := rc.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1500)
	n, _, err := rc.ReadFrom(b)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[4:n]), nil
}

// Mute passes nothing until MatchXID or MatchAnyXID attaches a filter
// again: a reply injected while muted never reaches the socket.
func TestRawConnMute(t *testing.T) {
	ours := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	rc, inject := rawWithInjector(t, ours)
	from, to := netip.MustParseAddrPort("10.77.0.1:67"), netip.MustParseAddrPort("255.255.255.255:68")
	for _, unmute := range []struct {
		name string
		f    func() error
	}{
		{"MatchAnyXID", rc.MatchAnyXID},
		{"MatchXID", func() error { return rc.MatchXID(2) }},
	} {
		if err := rc.Mute(); err != nil {
			t.Fatal(err)
		}
		inject(Frame(nil, bootpMessage(2, 1, ours), from, to))
		if xid, err := readXID(t, rc, 200*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("muted: read xid %#x, %v; want nothing", xid, err)
		}
		if err := unmute.f(); err != nil {
			t.Fatal(err)
		}
		inject(Frame(nil, bootpMessage(2, 2, ours), from, to))
		if xid, err := readXID(t, rc, 5*time.Second); err != nil || xid != 2 {
			t.Errorf("after %s: read xid %#x, %v; want 0x2", unmute.name, xid, err)
		}
	}
}

// A socket outlives a loss of carrier: the link going down leaves
// ENETDOWN pending, which Relink clears so that the next send goes out.
// It does not outlive its interface: gone, or replaced by a new one of
// the same name, Relink says so.
func TestRawConnRelink(t *testing.T) {
	l := newLab(t)
	var rc *RawConn
	l.client.do(t, func() (err error) { rc, err = ListenDHCP(l.clientLink, 68, nil); return err })
	defer rc.Close()
	relink := func() bool {
		t.Helper()
		var ok bool
		l.client.do(t, func() (err error) { ok, err = rc.Relink(); return err })
		return ok
	}
	send := func() error {
		return rc.WriteTo([]byte("request"), netip.MustParseAddrPort("255.255.255.255:67"))
	}
	link := linkByName(t, l.hc, l.clientLink)
	flap := func() {
		t.Helper()
		if err := l.hc.LinkSetDown(link); err != nil {
			t.Fatal(err)
		}
		setUp(t, l.hc, l.clientLink)
	}
	flap()
	if err := send(); !errors.Is(err, unix.ENETDOWN) {
		t.Fatalf("first send after the link went down and up: %v, want the ENETDOWN left pending", err)
	}
	flap()
	if !relink() {
		t.Fatal("Relink after the link went down and up: false, want the socket kept")
	}
	if err := send(); err != nil {
		t.Errorf("first send after Relink: %v", err)
	}
	// Muted, the socket takes the ENETDOWN of a flap nobody saw; the
	// match that undoes Mute clears it.
	if err := rc.Mute(); err != nil {
		t.Fatal(err)
	}
	flap()
	if err := rc.MatchAnyXID(); err != nil {
		t.Fatal(err)
	}
	if err := send(); err != nil {
		t.Errorf("first send after a flap while muted: %v", err)
	}
	if err := l.hc.LinkDel(link); err != nil {
		t.Fatal(err)
	}
	if relink() {
		t.Error("Relink true once the link is gone")
	}
	if err := l.hc.LinkAdd(vethLink(l.clientLink, l.clientLink+"p")); err != nil {
		t.Fatal(err)
	}
	if relink() {
		t.Error("Relink true on a new link of the same name")
	}
}

// A filter already in force is not attached again: a DHCPREQUEST and
// each retransmission keep the xid of their exchange. The kernel shows
// every attach once the filter is locked (SO_LOCK_FILTER): it refuses
// them.
func TestRawConnAttachesOnlyANewFilter(t *testing.T) {
	rc, _ := rawWithInjector(t, net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55})
	if err := rc.MatchAnyXID(); err != nil {
		t.Fatalf("MatchAnyXID on the filter the conn opened with: %v", err)
	}
	if err := rc.MatchXID(7); err != nil {
		t.Fatal(err)
	}
	var serr error
	if err := rc.rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_LOCK_FILTER, 1)
	}); err != nil || serr != nil {
		t.Fatalf("lock the filter: %v %v", err, serr)
	}
	if err := rc.MatchXID(7); err != nil {
		t.Errorf("MatchXID with the xid in force attached a filter: %v", err)
	}
	if err := rc.MatchXID(8); !errors.Is(err, unix.EPERM) {
		t.Errorf("MatchXID with a new xid: %v, want the locked filter's EPERM", err)
	}
	if err := rc.MatchAnyXID(); !errors.Is(err, unix.EPERM) {
		t.Errorf("MatchAnyXID after a match: %v, want the locked filter's EPERM", err)
	}
	if err := rc.MatchXID(7); err != nil {
		t.Errorf("MatchXID with the xid still in force after refused attaches: %v", err)
	}
}

func TestUDPConnUnicast(t *testing.T) {
	l := newLab(t)
	srv := l.serverUDP(t)
	if err := l.hc.AddrAdd(linkByName(t, l.hc, l.clientLink), &netlink.Addr{IPNet: mustCIDR("10.77.0.23/24")}); err != nil {
		t.Fatal(err)
	}
	var uc *UDPConn
	l.client.do(t, func() (err error) {
		uc, err = ListenUDP(l.clientLink, netip.MustParseAddrPort("10.77.0.23:68"))
		return err
	})
	defer uc.Close()
	if err := uc.WriteTo([]byte("renew"), netip.MustParseAddrPort("10.77.0.1:67")); err != nil {
		t.Fatal(err)
	}
	recv(t, srv, "renew", "10.77.0.23:68")
	if err := srv.WriteTo([]byte("ack"), netip.MustParseAddrPort("10.77.0.23:68")); err != nil {
		t.Fatal(err)
	}
	recv(t, uc, "ack", "10.77.0.1:67")
}

// SendUDP's socket sends from the leased address and keeps nothing it
// is sent: the reply reaches the packet socket, once.
func TestSendUDPReceivesNothing(t *testing.T) {
	l := newLab(t)
	srv := l.serverUDP(t)
	if err := l.hc.AddrAdd(linkByName(t, l.hc, l.clientLink), &netlink.Addr{IPNet: mustCIDR("10.77.0.23/24")}); err != nil {
		t.Fatal(err)
	}
	var uc *UDPConn
	var rc *RawConn
	l.client.do(t, func() (err error) {
		if rc, err = ListenRaw(l.clientLink, 68); err != nil {
			return err
		}
		uc, err = SendUDP(l.clientLink, netip.MustParseAddrPort("10.77.0.23:68"))
		return err
	})
	defer rc.Close()
	defer uc.Close()
	if err := uc.WriteTo([]byte("renew"), netip.MustParseAddrPort("10.77.0.1:67")); err != nil {
		t.Fatal(err)
	}
	recv(t, srv, "renew", "10.77.0.23:68")
	if err := srv.WriteTo([]byte("ack"), netip.MustParseAddrPort("10.77.0.23:68")); err != nil {
		t.Fatal(err)
	}
	recv(t, rc, "ack", "10.77.0.1:67")
	// The packet socket has the reply, so the kernel has delivered it;
	// the UDP socket's filter dropped its copy.
	rawUC, err := uc.c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	var rerr error
	rawUC.Read(func(fd uintptr) bool {
		n, _, rerr = unix.Recvfrom(int(fd), make([]byte, 100), unix.MSG_DONTWAIT)
		return true
	})
	if !errors.Is(rerr, unix.EAGAIN) {
		t.Errorf("the send-only socket had a datagram: %d bytes (err %v)", n, rerr)
	}
}

func TestConnDeadlines(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	var rc *RawConn
	var uc *UDPConn
	ns.do(t, func() (err error) {
		if rc, err = ListenRaw(ifname, 68); err != nil {
			return err
		}
		uc, err = ListenUDP(ifname, netip.MustParseAddrPort("0.0.0.0:68"))
		return err
	})
	defer rc.Close()
	defer uc.Close()
	for name, c := range map[string]conn{"raw": rc, "udp": uc} {
		if err := c.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.ReadFrom(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("%s: got %v, want os.ErrDeadlineExceeded", name, err)
		}
	}
}

func TestListenRawNoSuchLink(t *testing.T) {
	ns := newNS(t)
	ns.do(t, func() error {
		if _, err := ListenRaw("nosuchlink0", 68); !errors.Is(err, ErrLinkGone) {
			t.Errorf("ListenRaw: got %v, want ErrLinkGone", err)
		}
		if _, _, err := HardwareAddr("nosuchlink0"); !errors.Is(err, ErrLinkGone) {
			t.Errorf("HardwareAddr: got %v, want ErrLinkGone", err)
		}
		return nil
	})
}

// Under configure-interface script the address reaches the link when the
// script adds it, or never: the socket opens before, and unicast leaves
// from the leased address either way (SPEC §5.0).
func TestUDPConnUnicastBeforeAddress(t *testing.T) {
	l := newLab(t)
	srv := l.serverUDP(t)
	var uc *UDPConn
	l.client.do(t, func() (err error) {
		uc, err = ListenUDP(l.clientLink, netip.MustParseAddrPort("10.77.0.23:68"))
		return err
	})
	defer uc.Close()
	// WriteTo looks at the link's addresses: it runs where the daemon
	// would, in the client's namespace.
	write := func(msg string) {
		t.Helper()
		l.client.do(t, func() error { return uc.WriteTo([]byte(msg), netip.MustParseAddrPort("10.77.0.1:67")) })
	}
	write("renew without address")
	recv(t, srv, "renew without address", "10.77.0.23:68")

	if err := l.hc.AddrAdd(linkByName(t, l.hc, l.clientLink), &netlink.Addr{IPNet: mustCIDR("10.77.0.23/24")}); err != nil {
		t.Fatal(err)
	}
	write("renew with address")
	recv(t, srv, "renew with address", "10.77.0.23:68")
	if err := srv.WriteTo([]byte("ack"), netip.MustParseAddrPort("10.77.0.23:68")); err != nil {
		t.Fatal(err)
	}
	recv(t, uc, "ack", "10.77.0.1:67")
}
