package dbus

import (
	"context"
	"fmt"
	"os"
	"slices"
)

// busError is an ERROR reply: the D-Bus error name and its message.
type busError struct {
	Name, Message string
}

func (e *busError) Error() string {
	if e.Message == "" {
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// Method names a method: the bus name of the peer that owns the object
// (Dest), the object's path, and the interface and member.
type Method struct {
	Dest, Path, Interface, Member string
}

// busDaemon names a method of the bus itself.
func busDaemon(member string) Method {
	return Method{Dest: busName, Path: busPath, Interface: busInterface, Member: member}
}

// call calls method with args of signature sig, and waits under ctx for
// the reply. An ERROR reply is returned as a *busError. The caller owns
// the reply's descriptors.
func (c *Conn) call(ctx context.Context, method Method, sig string, args ...any) (*message, error) {
	member := method.Member
	m := &message{Type: msgMethodCall, Path: method.Path, Interface: method.Interface, Member: member,
		Destination: method.Dest, Signature: sig}
	m.Serial = c.nextSerial()
	reply := make(chan *message, 1)
	c.mu.Lock()
	c.pending[m.Serial] = reply
	c.mu.Unlock()
	if err := c.write(m, args...); err != nil {
		c.forget(m.Serial)
		return nil, fmt.Errorf("call %s: %w", member, err)
	}
	select {
	case r := <-reply:
		return replyOf(r, member)
	case <-ctx.Done():
		c.abandon(m.Serial, reply)
		return nil, fmt.Errorf("call %s: %w", member, ctx.Err())
	case <-c.done:
		select {
		case r := <-reply: // it came before the end
			return replyOf(r, member)
		default:
			c.forget(m.Serial)
			return nil, fmt.Errorf("call %s: %w", member, c.err)
		}
	}
}

// replyOf turns an ERROR reply into a *busError.
func replyOf(r *message, member string) (*message, error) {
	if r.Type != msgError {
		return r, nil
	}
	closeFDs(r.fds)
	return nil, fmt.Errorf("call %s: %w", member, &busError{Name: r.ErrorName, Message: r.errorText()})
}

// deliverReply passes a reply to the call waiting for it. The entry is
// removed before the send, so a call that gives up can tell whether a
// reply is on its way (see abandon). Unmatched replies are dropped.
func (c *Conn) deliverReply(r *message) {
	c.mu.Lock()
	ch, ok := c.pending[r.ReplySerial]
	delete(c.pending, r.ReplySerial)
	c.mu.Unlock()
	if !ok {
		closeFDs(r.fds)
		return
	}
	ch <- r // buffered for the one reply
}

// forget removes a call's entry and reports whether it was still there.
func (c *Conn) forget(serial uint32) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.pending[serial]
	delete(c.pending, serial)
	return ok
}

// abandon gives up on a call; a reply already taken by the reader is
// received, so that its descriptors are closed rather than leaked.
func (c *Conn) abandon(serial uint32, reply chan *message) {
	if !c.forget(serial) {
		closeFDs((<-reply).fds)
	}
}

// write is send with the serial already set, for calls, whose entry must
// exist before the reply can arrive.
func (c *Conn) write(m *message, args ...any) error {
	b, err := appendMessage(nil, m, args...)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.nc.Write(b); err != nil {
		c.closeSocket() // a partial write leaves the stream out of step
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return nil
}

// replyArgs decodes a reply that must have signature sig; the caller
// still owns its descriptors.
func replyArgs(r *message, member, sig string) ([]any, error) {
	if r.Signature != sig {
		return nil, fmt.Errorf("call %s: reply of signature %q, want %q", member, r.Signature, sig)
	}
	args, err := r.args()
	if err != nil {
		return nil, fmt.Errorf("call %s: %w", member, err)
	}
	return args, nil
}

// NameOwner returns the unique name of the connection that owns the bus
// name name, which is what the Sender of a signal from it holds.
func (c *Conn) NameOwner(ctx context.Context, name string) (string, error) {
	r, err := c.call(ctx, busDaemon("GetNameOwner"), "s", name)
	if err != nil {
		return "", err
	}
	closeFDs(r.fds)
	args, err := replyArgs(r, "GetNameOwner", "s")
	if err != nil {
		return "", err
	}
	return args[0].(string), nil
}

// Subscribe asks the bus for the signals s selects and queues them for
// NextSignal. The connection keeps one subscription: a later call
// replaces the filter on what is queued (the bus keeps both rules).
func (c *Conn) Subscribe(ctx context.Context, s Match) error {
	c.mu.Lock()
	c.match = &s
	c.mu.Unlock()
	r, err := c.call(ctx, busDaemon("AddMatch"), "s", s.rule())
	if err != nil {
		return err
	}
	closeFDs(r.fds)
	return nil
}

// NextSignal waits for the next subscribed signal, in the order they
// arrived. It fails with ctx's error, or one wrapping ErrClosed once the
// connection has ended and every signal received before has been taken.
// Each sender has a share of 8 signals waiting (maxQueuedPerSender);
// those that arrive while its share is full are dropped.
func (c *Conn) NextSignal(ctx context.Context) (*Signal, error) {
	for {
		if m, ok := c.signals.pop(); ok {
			return newSignal(m), nil
		}
		select {
		case <-c.signals.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.done:
			if m, ok := c.signals.pop(); ok {
				return newSignal(m), nil
			}
			return nil, c.err
		}
	}
}

// CallFD calls method with args of signature sig and returns the one
// descriptor its reply, of signature h, passes; any other descriptor the
// reply came with is closed. The arguments can be of basic types only:
// byte for y, bool for b, uint32 for u, and string for s, o and g. ctx
// bounds the wait for the reply. An ERROR reply is an error, as is a
// reply of another signature.
func (c *Conn) CallFD(ctx context.Context, method Method, sig string, args ...any) (*os.File, error) {
	r, err := c.call(ctx, method, sig, args...)
	if err != nil {
		return nil, err
	}
	return takeFD(r, method.Member, method.Interface+"."+method.Member)
}

// takeFD returns the one descriptor a reply of signature h passes, as a
// file named name, and closes any other the reply came with.
func takeFD(r *message, member, name string) (*os.File, error) {
	args, err := replyArgs(r, member, "h")
	if err != nil {
		closeFDs(r.fds)
		return nil, err
	}
	i := int(args[0].(unixFDIndex)) // less than UnixFDs == len(fds)
	fd := r.fds[i]
	closeFDs(slices.Delete(slices.Clone(r.fds), i, i+1))
	return os.NewFile(uintptr(fd), name), nil
}
