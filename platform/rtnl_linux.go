package platform

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// rtnl is a NETLINK_ROUTE socket whose messages are read into a buffer on
// the heap, grown to the largest datagram yet (a lookup's one link, a
// dump's page). The netlink module's own receive
// (nl.NetlinkSocket.Receive) keeps a 64 KiB array on the stack, so each
// goroutine that calls it holds a 128 KiB stack until the collector has
// halved it four times, and one blocked in it for a subscription holds
// it for good. The link lookups on every interface's goroutine and the
// link watch go through this instead.
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

// request sends a request of type typ with the payload data (such as
// an ifinfomsg and its attributes) and returns its sequence number.
func (r *rtnl) request(typ uint16, flags int, data ...nl.NetlinkRequestData) (uint32, error) {
	r.seq++
	req := nl.NewNetlinkRequest(int(typ), flags)
	req.Seq = r.seq
	for _, d := range data {
		req.AddData(d)
	}
	var err error
	werr := r.rc.Write(func(fd uintptr) bool {
		err = unix.Sendto(int(fd), req.Serialize(), 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		return err != unix.EAGAIN
	})
	if err = errors.Join(werr, err); err != nil {
		return 0, fmt.Errorf("netlink send: %w", err)
	}
	return req.Seq, nil
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

// errorOf returns the error an NLMSG_ERROR message carries, nil for an
// acknowledgement.
func errorOf(m syscall.NetlinkMessage) error {
	if len(m.Data) < 4 {
		return fmt.Errorf("netlink: short error message")
	}
	if errno := -int32(nl.NativeEndian().Uint32(m.Data[:4])); errno != 0 {
		return unix.Errno(errno)
	}
	return nil
}
