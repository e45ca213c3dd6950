package platform

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/mdlayher/packet"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// RawConn sends and receives DHCP messages on an interface that has no
// address yet (ARCHITECTURE "I/O"): an AF_PACKET datagram socket for
// IPv4 whose BPF filter passes only UDP to one port, with leased's own
// IPv4/UDP framing. ReadFrom and WriteTo may run concurrently with each
// other; one reader at a time.
//
// github.com/mdlayher/packet opens and binds the socket but reads with
// recvfrom, which drops control messages; ReadFrom therefore calls
// recvmsg through the socket's syscall.RawConn, which keeps deadlines
// working, to get the PACKET_AUXDATA status that tells a packet with a
// partial checksum (TP_STATUS_CSUMNOTREADY) from a corrupt one.
type RawConn struct {
	c      *packet.Conn
	rc     syscall.RawConn
	ifname string
	index  int // of the interface the socket is bound to
	port   uint16
	chaddr net.HardwareAddr // matched by the filter, with MatchXID's xid
	bcast  net.HardwareAddr
	// The filters MatchXID and MatchAnyXID set: the one the socket was
	// opened with, and one with an xid test, assembled on first use.
	anyXID  []bpf.RawInstruction
	withXID xidFilter
	// The xid the attached filter matches, if narrowed: each attach
	// compiles the program in the kernel, tens of microseconds, and a
	// DHCPREQUEST or a retransmission keeps the xid in force.
	xidInForce uint32
	narrowed   bool
	muted      bool       // Mute's filter is attached
	rmu        sync.Mutex // guards the read state below
	oob        []byte
	// The read state: the msghdr pointing at the caller's buffer and at
	// oob, the function
	// given to rc.Read (made once: a closure per read would be an
	// allocation per packet), and what the last recvmsg returned.
	// Receive's buffer is pooled: taken when a packet is there, nil
	// while the conn waits.
	msg        unix.Msghdr
	iov        unix.Iovec
	pooled     *packetBuf
	readFn     func(fd uintptr) bool
	rn, rflags int
	roobn      int
	rerrno     unix.Errno
	dropped    atomic.Uint64
	partial    atomic.Uint64 // packets accepted with a partial checksum
}

// ListenRaw opens a RawConn on ifname for UDP packets to port (68 for a
// DHCP client). It needs CAP_NET_RAW: errors.Is(err, os.ErrPermission)
// tells when it is missing; ErrLinkGone when ifname does not exist.
func ListenRaw(ifname string, port int) (*RawConn, error) {
	return listenRaw(ifname, port, nil)
}

// ListenDHCP is ListenRaw for a DHCP client whose messages carry chaddr:
// the kernel passes it only BOOTREPLYs for chaddr (SPEC §10, §11), so the
// replies to other clients on the segment — the other interfaces of the
// same daemon, a flood of forged packets — cost it nothing. A chaddr
// other than 6 bytes long is not matched.
func ListenDHCP(ifname string, port int, chaddr net.HardwareAddr) (*RawConn, error) {
	return listenRaw(ifname, port, chaddr)
}

func listenRaw(ifname string, port int, chaddr net.HardwareAddr) (*RawConn, error) {
	if port <= 0 || port > 0xffff {
		return nil, fmt.Errorf("open raw socket on %s: port %d out of range", ifname, port)
	}
	ifi, err := interfaceByName(ifname)
	if err != nil {
		return nil, err
	}
	filter, err := assembleFilter(dhcpReplyProgram(replyMatch{port: uint16(port), chaddr: chaddr}))
	if err != nil {
		return nil, err
	}
	c, err := packet.Listen(ifi, packet.Datagram, unix.ETH_P_IP, &packet.Config{Filter: filter})
	if err != nil {
		return nil, fmt.Errorf("open raw socket on %s: %w", ifname, err)
	}
	rc, err := c.SyscallConn()
	if err == nil {
		err = setAuxData(rc)
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("open raw socket on %s: %w", ifname, err)
	}
	r := &RawConn{
		c: c, rc: rc, ifname: ifi.Name, index: ifi.Index, port: uint16(port), chaddr: chaddr, bcast: broadcastHW(max(len(ifi.HardwareAddr), 6)), anyXID: filter,
		oob: make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.TpacketAuxdata{})))),
	}
	r.msg.Iov = &r.iov
	r.msg.Iovlen = 1
	r.msg.Control = &r.oob[0]
	r.readFn = r.recvmsgOnce
	return r, nil
}

func setAuxData(rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_PACKET, unix.PACKET_AUXDATA, 1)
	})
	if serr != nil {
		return os.NewSyscallError("setsockopt PACKET_AUXDATA", serr)
	}
	return err
}

// packetBufSize is the size of the buffer Receive reads a packet into:
// 1500 bytes hold every packet on an Ethernet link, far more than the
// 576-byte message a DHCP server sends unless the client asks for more
// (RFC 2131 §2, option 57). A longer packet is dropped and counted.
const packetBufSize = 1500

type packetBuf [packetBufSize]byte

// packetBufs lends Receive its buffers.
var packetBufs = sync.Pool{New: func() any { return new(packetBuf) }}

// ReadFrom waits for a UDP datagram to the conn's port and returns its
// payload, moved to the start of b, and the sender. The whole IPv4
// packet is read into b. A packet longer than b (the kernel cuts it
// short, MSG_TRUNC), and one that fails Unframe's checks, is dropped
// and counted (Dropped).
func (c *RawConn) ReadFrom(b []byte) (int, netip.AddrPort, error) {
	if len(b) == 0 {
		return 0, netip.AddrPort{}, fmt.Errorf("read raw socket: empty buffer")
	}
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		n, err := c.recvmsg(b)
		if err != nil {
			return 0, netip.AddrPort{}, err
		}
		if payload, src, ok := c.unframe(b[:n]); ok {
			return copy(b, payload), src, nil
		}
	}
}

// Receive waits for a UDP datagram to the conn's port and calls fn with
// its payload and sender, dropping and counting what ReadFrom drops.
// The packet is read into a buffer taken from a pool once the socket
// has one and given back when fn returns, so a conn waiting holds none:
// a daemon's readers wait most of the time, and a thousand interfaces'
// would hold a thousand buffers of an MTU each (issue 14). fn must not
// keep the payload.
func (c *RawConn) Receive(fn func(payload []byte, from netip.AddrPort)) error {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		n, err := c.recvmsg(nil)
		if err != nil {
			return err
		}
		payload, src, ok := c.unframe(c.pooled[:n])
		if ok {
			fn(payload, src)
		}
		c.releasePooled()
		if ok {
			return nil
		}
	}
}

// unframe returns the UDP payload of the frame b that the last recvmsg
// read, and its sender; false for a frame cut short or one that fails
// Unframe's checks, which is counted as dropped.
func (c *RawConn) unframe(b []byte) ([]byte, netip.AddrPort, bool) {
	partial := csumNotReady(c.oob[:c.roobn])
	payload, src, _, err := Unframe(b, partial)
	if err != nil || c.rflags&unix.MSG_TRUNC != 0 {
		c.dropped.Add(1)
		return nil, netip.AddrPort{}, false
	}
	if partial {
		c.partial.Add(1)
	}
	return payload, src, true
}

// recvmsg reads one frame into b, or with a nil b into a pooled buffer
// left in c.pooled, and its control messages into c.oob, waiting in the
// runtime's poller. It allocates nothing but the error of a failed read.
// Called with c.rmu held.
func (c *RawConn) recvmsg(b []byte) (int, error) {
	if b != nil {
		c.iov.Base = &b[0]
		c.iov.SetLen(len(b))
	}
	c.rerrno = 0
	err := c.rc.Read(c.readFn)
	c.iov.Base = nil // the conn keeps no reference to the caller's buffer
	if err == nil && c.rerrno != 0 {
		err = os.NewSyscallError("recvmsg", c.rerrno)
	}
	if err != nil {
		c.releasePooled()
		return 0, fmt.Errorf("read raw socket: %w", err)
	}
	return c.rn, nil
}

// recvmsgOnce is one recvmsg(2) on fd with c.msg, for rc.Read: false
// to wait for the socket to be readable again (EAGAIN) or to retry
// (EINTR). With no buffer set, it takes a pooled one for the call and
// gives it back while it waits. The sender's address is not asked for:
// Unframe reads it from the IPv4 header.
func (c *RawConn) recvmsgOnce(fd uintptr) bool {
	pool := c.iov.Base == nil
	if pool {
		c.pooled = packetBufs.Get().(*packetBuf)
		c.iov.Base = &c.pooled[0]
		c.iov.SetLen(len(c.pooled))
	}
	c.msg.SetControllen(len(c.oob))
	c.msg.Flags = 0
	n, _, errno := unix.Syscall(unix.SYS_RECVMSG, fd, uintptr(unsafe.Pointer(&c.msg)), 0)
	if errno == unix.EAGAIN || errno == unix.EINTR {
		if pool {
			c.iov.Base = nil
			c.releasePooled()
		}
		return false
	}
	c.rn, c.roobn, c.rflags, c.rerrno = int(n), int(c.msg.Controllen), int(c.msg.Flags), errno
	return true
}

// releasePooled gives back the pooled buffer, if one is held.
func (c *RawConn) releasePooled() {
	if c.pooled != nil {
		packetBufs.Put(c.pooled)
		c.pooled = nil
	}
}

// WriteTo frames payload as a UDP datagram from 0.0.0.0 and the conn's
// port to to, and sends it to the link-layer broadcast address.
func (c *RawConn) WriteTo(payload []byte, to netip.AddrPort) error {
	return c.WriteFrom(payload, netip.IPv4Unspecified(), to)
}

// WriteFrom is WriteTo with src as the IP source address: a client that
// holds an address broadcasts from it (RFC 2131 §4.1 allows 0.0.0.0 only
// before the client has one), as ISC's REBINDING requests do.
func (c *RawConn) WriteFrom(payload []byte, src netip.Addr, to netip.AddrPort) error {
	from := netip.AddrPortFrom(src, c.port)
	pkt := Frame(make([]byte, 0, ipHeaderLen+udpHeaderLen+len(payload)), payload, from, to)
	if _, err := c.c.WriteTo(pkt, &packet.Addr{HardwareAddr: c.bcast}); err != nil {
		return fmt.Errorf("send to %v: %w", to, err)
	}
	return nil
}

// MatchXID narrows the socket's filter to BOOTREPLYs carrying xid, the
// transaction ID of the exchange the client has just opened (RFC 2131
// §4.1), on top of what it matched when opened: replies to older
// exchanges and forged packets with other xids stay in the kernel. Each
// call replaces the xid of the last; the xid in force already is kept
// without a new attach. Packets already queued are not filtered again;
// the state machine checks the xid of what it receives anyway. MatchXID
// and MatchAnyXID are not safe to call concurrently.
func (c *RawConn) MatchXID(xid uint32) error {
	if c.narrowed && !c.muted && c.xidInForce == xid {
		return nil
	}
	if c.withXID.raw == nil {
		f, err := newXIDFilter(replyMatch{port: c.port, chaddr: c.chaddr})
		if err != nil {
			return err
		}
		c.withXID = f
	}
	if err := c.c.SetBPF(c.withXID.with(xid)); err != nil {
		return fmt.Errorf("set socket filter for xid %#x: %w", xid, err)
	}
	wasMuted := c.muted
	c.xidInForce, c.narrowed, c.muted = xid, true, false
	if wasMuted {
		return c.clearError()
	}
	return nil
}

// MatchAnyXID lifts MatchXID's xid match once no exchange is open: a
// bound client's DHCPFORCERENEW (RFC 3203) carries the server's xid.
// It also undoes Mute.
func (c *RawConn) MatchAnyXID() error {
	if !c.narrowed && !c.muted {
		return nil
	}
	if err := c.c.SetBPF(c.anyXID); err != nil {
		return fmt.Errorf("set socket filter without xid: %w", err)
	}
	wasMuted := c.muted
	c.narrowed, c.muted = false, false
	if wasMuted {
		return c.clearError()
	}
	return nil
}

// Mute attaches a filter that passes nothing, while the client wants no
// message (a bound client, RFC 2131 figure 5); MatchAnyXID and MatchXID
// attach theirs again, and clear an error left pending meanwhile (a
// link that went down and up while nobody read the socket: its ENETDOWN
// would fail the next send). Packets already queued stay. It is the
// cheap way to stop listening for a while: the close of a packet socket
// waits in the kernel for an RCU grace period (packet_release, 16 ms
// here), and the runtime starts a thread for the other goroutines
// meanwhile. It must not run concurrently with MatchXID or MatchAnyXID.
func (c *RawConn) Mute() error {
	if c.muted {
		return nil
	}
	if err := c.c.SetBPF(dropAll); err != nil {
		return fmt.Errorf("mute socket: %w", err)
	}
	c.narrowed, c.muted = false, true
	return nil
}

// Relink readies the socket for its link's return after a loss of
// carrier. It reports false when the interface the socket is bound to
// is gone, or its name now names another (a new index): the socket
// receives nothing more, and a link removed and created again needs a
// new one. Otherwise it clears the ENETDOWN that the link going down
// left pending on the socket (SO_ERROR), which the next send would fail
// with. A link whose carrier came back keeps its socket, whose close
// would wait in the kernel for an RCU grace period (Mute).
func (c *RawConn) Relink() (bool, error) {
	ifi, err := interfaceByName(c.ifname)
	switch {
	case errors.Is(err, ErrLinkGone):
		return false, nil
	case err != nil:
		return false, err
	case ifi.Index != c.index:
		return false, nil
	}
	if err := c.clearError(); err != nil {
		return false, err
	}
	return true, nil
}

// clearError reads, and so clears, the error pending on the socket
// (SO_ERROR): the ENETDOWN that a link going down leaves, which the next
// send or read would otherwise fail with.
func (c *RawConn) clearError() error {
	var serr error
	err := c.rc.Control(func(fd uintptr) {
		_, serr = unix.GetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_ERROR)
	})
	if serr != nil {
		return os.NewSyscallError("getsockopt SO_ERROR", serr)
	}
	return err
}

// Dropped returns how many received packets were dropped as malformed.
func (c *RawConn) Dropped() uint64 { return c.dropped.Load() }

// Close closes the socket; a blocked ReadFrom returns an error.
func (c *RawConn) Close() error { return c.c.Close() }

// SetReadDeadline sets the deadline for ReadFrom; past it, ReadFrom
// returns an error for which errors.Is(err, os.ErrDeadlineExceeded).
func (c *RawConn) SetReadDeadline(t time.Time) error { return c.c.SetReadDeadline(t) }
