package platform

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// UDPConn is the UDP socket of a bound client (ARCHITECTURE "I/O"): bound
// to the leased address and, with SO_BINDTODEVICE, to the interface, so
// that unicast renewals and releases leave from the lease's own address
// on the right link even when other interfaces share a subnet. Its
// kernel defaults (TTL 64, DF) match ISC's renewals (reference §6).
//
// Unicast must not depend on who put the address on the link, or when
// (SPEC §4, §5.0): under configure-interface script the script adds it,
// after the lease and perhaps never. The socket is therefore bound with
// IP_FREEBIND, which needs no local address, and while the kernel refuses
// to send from an address the link does not have, WriteTo frames the
// datagram itself and sends it through a packet socket (see unbound.go),
// from the leased address all the same.
type UDPConn struct {
	c      *net.UDPConn
	ifname string
	local  netip.AddrPort

	mu  sync.Mutex
	raw *framedSender // opened at the first send the kernel refuses
}

// ListenUDP opens a UDPConn on ifname bound to local (the leased address
// and port 68). SO_REUSEADDR lets the daemons of several interfaces share
// the port, and SO_BROADCAST permits a broadcast rebind through it.
func ListenUDP(ifname string, local netip.AddrPort) (*UDPConn, error) {
	return listenUDP(ifname, local, false)
}

// SendUDP opens a UDPConn like ListenUDP that receives nothing: a kernel
// filter, attached before the bind, drops every datagram for it. The
// client's renewal socket is one. Its replies reach the packet socket,
// which sees every reply on the link, as ISC's LPF socket does; a reader
// here would get each of them a second time. Bound, the socket still
// holds the port, so the kernel answers a server's unicast reply with no
// ICMP port unreachable, and nothing queues on it.
func SendUDP(ifname string, local netip.AddrPort) (*UDPConn, error) {
	return listenUDP(ifname, local, true)
}

func listenUDP(ifname string, local netip.AddrPort, sendOnly bool) (*UDPConn, error) {
	c, err := listenUDP4(ifname, local, sendOnly)
	if err != nil {
		return nil, fmt.Errorf("open udp socket on %s: %w", ifname, err)
	}
	return &UDPConn{c: c, ifname: ifname, local: local}, nil
}

// listenUDP4 makes the socket itself rather than through
// net.ListenConfig, whose address lookup would link the DNS resolver
// into the daemon (about 100 KB of its resident binary) for an address
// that is never a name.
func listenUDP4(ifname string, local netip.AddrPort, sendOnly bool) (*net.UDPConn, error) {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, unix.IPPROTO_UDP)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	f := os.NewFile(uintptr(fd), "udp4 "+local.String())
	defer f.Close() // the conn has a copy of the descriptor
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	if err := bindToDevice(rc, ifname); err != nil {
		return nil, err
	}
	if sendOnly {
		if err := attachDropAll(fd); err != nil {
			return nil, err
		}
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Port: int(local.Port()), Addr: local.Addr().As4()}); err != nil {
		return nil, os.NewSyscallError("bind "+local.String(), err)
	}
	pc, err := net.FilePacketConn(f)
	if err != nil {
		return nil, err
	}
	return pc.(*net.UDPConn), nil
}

// attachDropAll gives the socket fd the filter dropAll.
func attachDropAll(fd int) error {
	filter := make([]unix.SockFilter, len(dropAll))
	for i, in := range dropAll {
		filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	return os.NewSyscallError("setsockopt SO_ATTACH_FILTER", unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &prog))
}

func bindToDevice(rc syscall.RawConn, ifname string) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		s := int(fd)
		if serr = unix.SetsockoptString(s, unix.SOL_SOCKET, unix.SO_BINDTODEVICE, ifname); serr != nil {
			serr = os.NewSyscallError("setsockopt SO_BINDTODEVICE", serr)
			return
		}
		if serr = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); serr != nil {
			serr = os.NewSyscallError("setsockopt SO_REUSEADDR", serr)
			return
		}
		if serr = unix.SetsockoptInt(s, unix.SOL_SOCKET, unix.SO_BROADCAST, 1); serr != nil {
			serr = os.NewSyscallError("setsockopt SO_BROADCAST", serr)
			return
		}
		if serr = unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_FREEBIND, 1); serr != nil {
			serr = os.NewSyscallError("setsockopt IP_FREEBIND", serr)
		}
	})
	if err != nil {
		return err
	}
	return serr
}

// ReadFrom reads one datagram into b (truncated to len(b)) and returns
// its length and sender.
func (c *UDPConn) ReadFrom(b []byte) (int, netip.AddrPort, error) {
	n, from, err := c.c.ReadFromUDPAddrPort(b)
	if err != nil {
		return 0, netip.AddrPort{}, fmt.Errorf("read udp socket: %w", err)
	}
	return n, netip.AddrPortFrom(from.Addr().Unmap(), from.Port()), nil
}

// WriteTo sends payload to to, from the bound address whether or not the
// link has it yet.
func (c *UDPConn) WriteTo(payload []byte, to netip.AddrPort) error {
	var err error
	if c.framing() {
		err = c.writeFramed(payload, to)
	} else if _, err = c.c.WriteToUDPAddrPort(payload, to); err != nil && addressMissing(err) {
		err = c.writeFramed(payload, to) // the address went between the check and the send
	}
	if err != nil {
		return fmt.Errorf("send to %v: %w", to, err)
	}
	return nil
}

// framing reports whether sends must be framed by leased: the socket is
// bound to an address that the link does not have. The kernel would send
// such a datagram all the same (a device-bound socket treats every
// destination as on-link), but it cannot resolve the server's link-layer
// address without an address of its own, so the datagram never leaves.
func (c *UDPConn) framing() bool {
	a := c.local.Addr()
	if !a.IsValid() || a.IsUnspecified() {
		return false
	}
	has, err := linkHasAddr(c.ifname, a)
	return err == nil && !has
}

// addressMissing tells the errors with which the kernel refuses a send
// from an address that is not (or no longer) on the link: EINVAL from the
// route lookup for a non-local source, and no route to a server whose
// subnet's route came with the address.
func addressMissing(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EADDRNOTAVAIL) ||
		errors.Is(err, unix.ENETUNREACH) || errors.Is(err, unix.EHOSTUNREACH)
}

// writeFramed sends through the packet socket, opening it the first time.
func (c *UDPConn) writeFramed(payload []byte, to netip.AddrPort) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.raw == nil {
		raw, err := openFramedSender(c.ifname)
		if err != nil {
			return err
		}
		c.raw = raw
	}
	return c.raw.send(payload, c.local, to)
}

// Close closes the socket; a blocked ReadFrom returns an error.
func (c *UDPConn) Close() error {
	c.mu.Lock()
	if c.raw != nil {
		c.raw.close()
		c.raw = nil
	}
	c.mu.Unlock()
	return c.c.Close()
}

// SetReadDeadline sets the deadline for ReadFrom; past it, ReadFrom
// returns an error for which errors.Is(err, os.ErrDeadlineExceeded).
func (c *UDPConn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }
