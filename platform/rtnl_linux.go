package platform

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

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
