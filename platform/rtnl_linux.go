package platform

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rtnl is a NETLINK_ROUTE socket whose messages are read into a buffer on
// the heap, grown to the largest datagram yet (a lookup's one link, a
// dump's page). Every route netlink exchange of the daemon goes through
// one: link lookups and the link watch, addresses, routes, neighbours.
// The requests are built by nlRequest and the replies decoded by
// platform's own parsers, so the daemon links no netlink library (each
// kilobyte of code costs resident memory, README "Performance"), and a
// receive keeps no buffer on the calling goroutine's stack.
type rtnl struct {
	f   *os.File
	rc  syscall.RawConn
	seq uint32
	buf []byte // nil until the first datagram
}

// openRTNL opens a route netlink socket in the calling thread's network
// namespace, subscribed to the multicast groups (RTMGRP_*; 0 for none).
func openRTNL(groups uint32) (*rtnl, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("netlink socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: groups}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind netlink socket: %w", err)
	}
	if groups != 0 {
		setReceiveBuffer(fd, subscriptionBuffer)
	}
	// A non-blocking descriptor is read through the runtime's poller,
	// so deadlines interrupt a read.
	f := os.NewFile(uintptr(fd), "rtnetlink")
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &rtnl{f: f, rc: rc}, nil
}

func (r *rtnl) Close() error { return r.f.Close() }

// subscriptionBuffer is the receive buffer a subscription asks for. It
// must hold a burst: a thousand links coming up together, a switch
// restarting, notify about three thousand times before the daemon
// reads, and overran the default (net.core.rmem_default, 208 KiB). The
// kernel takes memory for notifications queued, not for the limit.
// systemd-networkd asks 128 MiB.
var subscriptionBuffer = 16 << 20

// setReceiveBuffer raises the socket's receive buffer to size: past
// net.core.rmem_max where the daemon may (CAP_NET_ADMIN), up to it
// otherwise.
func setReceiveBuffer(fd, size int) {
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size) != nil {
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, size)
	}
}

// strictCheck asks the kernel to apply a dump request's header as a
// filter (NETLINK_GET_STRICT_CHK, Linux 4.20). An older kernel refuses
// the option and dumps everything; callers filter the replies anyway.
func (r *rtnl) strictCheck() {
	r.rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.SOL_NETLINK, unix.NETLINK_GET_STRICT_CHK, 1)
	})
}

// interrupt ends a blocked read, and every later one, with
// os.ErrDeadlineExceeded.
func (r *rtnl) interrupt() { r.f.SetReadDeadline(time.Unix(1, 0)) }

// send sends the request q with the next sequence number and returns
// that number.
func (r *rtnl) send(q *nlRequest) (uint32, error) {
	r.seq++
	msg := q.message(r.seq)
	var err error
	werr := r.rc.Write(func(fd uintptr) bool {
		err = unix.Sendto(int(fd), msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		return err != unix.EAGAIN
	})
	if err = errors.Join(werr, err); err != nil {
		return 0, fmt.Errorf("netlink send: %w", err)
	}
	return r.seq, nil
}

// exchange sends q and passes each message of its reply to fn until the
// kernel acknowledges q or reports an error for it, a dump ends, or fn
// returns false (a lookup has its one answer). A nil fn waits for the
// acknowledgement of a change, which q must ask for (NLM_F_ACK). A dump
// the kernel marks as interrupted (NLM_F_DUMP_INTR) is passed on as it
// is: platform's dumps are polled or filtered by one link, and a
// message missed is seen by the next look.
func (r *rtnl) exchange(q *nlRequest, fn func(syscall.NetlinkMessage) bool) error {
	seq, err := r.send(q)
	if err != nil {
		return err
	}
	for {
		msgs, err := r.receive()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.Header.Seq != seq {
				continue // a late answer to an earlier request
			}
			switch m.Header.Type {
			case unix.NLMSG_ERROR, unix.NLMSG_DONE:
				return errorOf(m)
			}
			if fn != nil && !fn(m) {
				return nil
			}
		}
	}
}

// receive returns the messages of the next datagram from the kernel.
// The slices alias the socket's buffer and are valid until the next
// receive. A lost notification (the socket's buffer overran) is the
// error ENOBUFS.
func (r *rtnl) receive() ([]syscall.NetlinkMessage, error) {
	for {
		n, from, err := r.recv()
		if err != nil {
			return nil, fmt.Errorf("netlink receive: %w", err)
		}
		if sa, ok := from.(*unix.SockaddrNetlink); !ok || sa.Pid != 0 {
			continue // not from the kernel
		}
		msgs, err := syscall.ParseNetlinkMessage(r.buf[:n])
		if err != nil {
			return nil, fmt.Errorf("netlink message: %w", err)
		}
		return msgs, nil
	}
}

// recv reads one datagram, first growing the buffer to its size.
func (r *rtnl) recv() (n int, from unix.Sockaddr, err error) {
	rerr := r.rc.Read(func(fd uintptr) bool {
		n, _, err = unix.Recvfrom(int(fd), nil, unix.MSG_PEEK|unix.MSG_TRUNC)
		if err == nil && n > len(r.buf) {
			r.buf = make([]byte, n)
		}
		if err == nil {
			n, from, err = unix.Recvfrom(int(fd), r.buf, 0)
		}
		return err != unix.EAGAIN
	})
	return n, from, errors.Join(rerr, err)
}

// drops returns how many datagrams the kernel has dropped for the socket
// since it opened, its buffer full (SO_MEMINFO's SK_MEMINFO_DROPS, Linux
// 4.12). A subscription learns of the first loss by ENOBUFS, but the
// kernel drops the later ones silently until the socket's queue is
// empty again (netlink_overrun); the count shows them all.
func (r *rtnl) drops() (uint32, error) {
	var info [16]uint32 // room for more than SK_MEMINFO_VARS
	size := uint32(unsafe.Sizeof(info))
	var errno syscall.Errno
	err := r.rc.Control(func(fd uintptr) {
		_, _, errno = unix.Syscall6(unix.SYS_GETSOCKOPT, fd, unix.SOL_SOCKET, unix.SO_MEMINFO,
			uintptr(unsafe.Pointer(&info[0])), uintptr(unsafe.Pointer(&size)), 0)
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		return 0, fmt.Errorf("SO_MEMINFO: %w", errno)
	case size < 4*(skMeminfoDrops+1):
		return 0, fmt.Errorf("SO_MEMINFO: %d bytes, no drop count", size)
	}
	return info[skMeminfoDrops], nil
}

// skMeminfoDrops is SK_MEMINFO_DROPS of linux/sock_diag.h, which x/sys/unix
// does not define.
const skMeminfoDrops = 8

// errorOf returns the error an NLMSG_ERROR message carries, nil for an
// acknowledgement; and for NLMSG_DONE, the error that ended a dump
// early, nil for a complete one (the kernel sends the error code as the
// payload of both).
func errorOf(m syscall.NetlinkMessage) error {
	if len(m.Data) < 4 {
		if m.Header.Type == unix.NLMSG_DONE {
			return nil // no code: nothing went wrong
		}
		return fmt.Errorf("netlink: short error message")
	}
	if errno := -int32(binary.NativeEndian.Uint32(m.Data[:4])); errno != 0 {
		return unix.Errno(errno)
	}
	return nil
}
