package platform

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// Receiver reads the packet sockets of every interface of a daemon on
// one goroutine, through one frame buffer (issue 14): a thousand
// interfaces need no thousand goroutines parked in a read, each with its
// stack and its buffer. Its epoll instance holds the sockets, and is
// itself waited on in the runtime's poller, so an idle Receiver holds no
// thread and never wakes.
//
// Deliveries run on the Receiver's goroutine, one at a time: a slow one
// delays every interface, so a deliver function must not block.
type Receiver struct {
	ep *os.File // the epoll instance
	rc syscall.RawConn

	mu   sync.Mutex // guards subs and next
	subs map[int32]*subscription
	next int32

	// The receiving goroutine's own state, with the functions given to
	// the descriptors' Read and Control made once: a closure per read
	// would be an allocation per packet.
	rd     *frameReader
	readFn func(fd uintptr)
	read   bool // what the last readFn's recvmsg returned
	events []unix.EpollEvent
	ready  int   // events filled by the last epoll_wait
	werr   error // its error
	done   chan struct{}
}

// subscription is one RawConn given to the Receiver and where its
// datagrams go.
type subscription struct {
	conn    *RawConn
	deliver func(payload []byte, from netip.AddrPort)
	// mu is held while the conn is read; stop takes it, so that no
	// delivery runs once stop has returned.
	mu      sync.Mutex
	stopped bool
}

// receiverBurst is how many frames one socket may hand over before the
// others that are ready get their turn: a flood on one link then delays
// the other links' replies by at most that many reads.
const receiverBurst = 8

// NewReceiver starts a Receiver; Close stops it.
func NewReceiver() (*Receiver, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	ep := os.NewFile(uintptr(fd), "epoll")
	rc, err := ep.SyscallConn()
	if err != nil {
		ep.Close()
		return nil, err
	}
	r := &Receiver{
		ep: ep, rc: rc, subs: make(map[int32]*subscription),
		rd: newFrameReader(0), events: make([]unix.EpollEvent, 16), done: make(chan struct{}),
	}
	r.readFn = func(fd uintptr) { r.read = r.rd.recvmsg(fd, unix.MSG_DONTWAIT) }
	go r.run()
	return r, nil
}

// Close stops the Receiver and waits for its goroutine; subscriptions
// still open get nothing more.
func (r *Receiver) Close() error {
	err := r.ep.Close()
	<-r.done
	return err
}

// Add has the Receiver read c and call deliver with each datagram that
// passes c's checks (those of ReadFrom; what fails them is counted in
// Dropped): its UDP payload, valid only during the call, and its
// sender. stop ends the deliveries, waiting for one under way; call it
// before closing c. c must not be read with ReadFrom meanwhile.
func (r *Receiver) Add(c *RawConn, deliver func(payload []byte, from netip.AddrPort)) (stop func(), err error) {
	sub := &subscription{conn: c, deliver: deliver}
	r.mu.Lock()
	r.next++
	id := r.next
	r.subs[id] = sub
	r.mu.Unlock()
	err = r.control(c, unix.EPOLL_CTL_ADD, id)
	if err != nil {
		r.remove(id)
		return nil, fmt.Errorf("receive on raw socket: %w", err)
	}
	return func() {
		sub.mu.Lock()
		sub.stopped = true
		sub.mu.Unlock()
		// An error means the conn is closed already, which took it out
		// of the epoll set.
		_ = r.control(c, unix.EPOLL_CTL_DEL, id)
		r.remove(id)
	}, nil
}

// control adds c's socket to the epoll set, or deletes it, with id as
// its event's data. It runs while c's descriptor is held open.
func (r *Receiver) control(c *RawConn, op int, id int32) error {
	var cerr error
	err := c.rc.Control(func(fd uintptr) {
		cerr = r.rc.Control(func(ep uintptr) {
			ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: id}
			if err := unix.EpollCtl(int(ep), op, int(fd), &ev); err != nil {
				cerr = os.NewSyscallError("epoll_ctl", err)
			}
		})
	})
	return errors.Join(err, cerr)
}

func (r *Receiver) remove(id int32) {
	r.mu.Lock()
	delete(r.subs, id)
	r.mu.Unlock()
}

// run waits for ready sockets and serves them until Close.
func (r *Receiver) run() {
	defer close(r.done)
	wait := func(fd uintptr) bool {
		r.ready, r.werr = unix.EpollWait(int(fd), r.events, 0)
		if r.werr == unix.EINTR {
			r.ready, r.werr = 0, nil
		}
		return r.ready > 0 || r.werr != nil
	}
	for {
		if err := r.rc.Read(wait); err != nil || r.werr != nil {
			return // closed
		}
		for _, ev := range r.events[:r.ready] {
			r.mu.Lock()
			sub := r.subs[ev.Fd]
			r.mu.Unlock()
			if sub != nil {
				r.serve(sub)
			}
		}
	}
}

// serve reads up to receiverBurst frames from sub's socket without
// waiting and delivers those that pass its checks. A read error other
// than an empty socket (ENETDOWN once when the link goes down) is passed
// over: the socket goes on receiving, as ReadFrom's callers do.
func (r *Receiver) serve(sub *subscription) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	if sub.stopped {
		return
	}
	c := sub.conn
	r.rd.grow(c.frameSize)
	for range receiverBurst {
		if err := c.rc.Control(r.readFn); err != nil {
			return // closed
		}
		switch {
		case !r.read: // nothing left, or interrupted: epoll tells again
			return
		case r.rd.errno != 0:
			continue
		}
		if payload, src, ok := c.accept(r.rd); ok {
			sub.deliver(payload, src)
		}
	}
}
