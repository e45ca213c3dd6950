package client

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Backend serves the control socket (SPEC §8) from a Manager.
type Backend struct {
	m   *Manager
	cat *dhcp4.Catalogue
	// FlushLeases, when set, runs before a verb is answered, and writes
	// the leases recorded before the request (FileStore.Flush, its error
	// logged: the verb was delivered all the same). A lease is recorded
	// before its address is configured, so `dhclient -x` or `-r` sent the
	// moment the address appears returns with the lease in the file
	// (SPEC §7), whether or not it finds the daemon's pid to wait for.
	FlushLeases func()
	// FlushHooks, when set, waits until the hooks queued so far have run.
	FlushHooks func()

	mu   sync.Mutex
	subs map[chan control.Event]struct{}
	last map[string]published // interface -> what its watchers were told
	// unsubs ends each watcher's subscription when its context ends.
	unsubs sync.WaitGroup
}

var _ control.Backend = (*Backend)(nil)

// NewBackend returns the control backend of m; cat names options.
func NewBackend(m *Manager, cat *dhcp4.Catalogue) *Backend {
	b := &Backend{m: m, cat: cat, subs: make(map[chan control.Event]struct{}), last: make(map[string]published)}
	m.observe(b.publish)
	return b
}

// Status implements control.Backend.
func (b *Backend) Status() []control.InterfaceStatus {
	var out []control.InterfaceStatus
	for _, s := range b.m.Status() {
		out = append(out, interfaceStatus(s))
	}
	return out
}

func interfaceStatus(s Status) control.InterfaceStatus {
	is := control.InterfaceStatus{Name: s.Interface, State: s.StateName(), ConfigureError: s.ConfigureErr}
	for class, n := range s.Dropped {
		if n > 0 {
			if is.Dropped == nil {
				is.Dropped = make(map[string]uint64)
			}
			is.Dropped[statemachine.DropClass(class).String()] = n
		}
	}
	is.LinkLocal = s.LinkLocal
	l := s.Lease
	if l == nil || !s.State.Configured() {
		return is
	}
	is.Address = l.Prefix()
	is.Server, _ = l.ServerID()
	is.Routers = l.Options.Addrs(dhcp4.OptRouter)
	is.DNS = l.Options.Addrs(dhcp4.OptDNS)
	is.LeaseTime, _ = l.Options.Uint32(dhcp4.OptLeaseTime)
	is.T1, is.T2, is.Expiry = l.Renew, l.Rebind, l.Expire
	return is
}

// Packet implements control.Backend.
func (b *Backend) Packet(iface string) (*dhcp4.Message, error) {
	r, err := b.runner(iface)
	if err != nil {
		return nil, err
	}
	if p := r.Status().LastAck; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("%s: no DHCPACK received yet", iface)
}

// Option implements control.Backend.
func (b *Backend) Option(iface, name string) (string, error) {
	r, err := b.runner(iface)
	if err != nil {
		return "", err
	}
	l := r.Status().Lease
	if l == nil {
		return "", fmt.Errorf("%s: no lease", iface)
	}
	if strings.Contains(name, ".") {
		return b.suboption(iface, l, name)
	}
	def, ok := b.cat.ByName(name)
	if !ok {
		return "", fmt.Errorf("unknown option %q", name)
	}
	data, ok := l.Options.Get(def.Code)
	if !ok {
		return "", fmt.Errorf("%s: lease has no %s option", iface, def.Name)
	}
	v, err := b.cat.FormatEnv(def.Code, data)
	if err == nil && !dhcp4.CheckValue(def.Code, v) {
		// The hook never sees it either (a host name with ";", a captive
		// portal that is no https URI).
		return "", fmt.Errorf("%s: suspect value in %s option - discarded", iface, def.Name)
	}
	return v, err
}

// suboption answers getoption for SPACE.NAME (fqdn.fqdn, a vendor
// space's option): decoded from the lease's options as the hooks see it.
func (b *Backend) suboption(iface string, l *statemachine.Lease, name string) (string, error) {
	for _, s := range b.cat.Suboptions(l.Options) {
		if s.Def.FullName() == name {
			return s.FormatEnv()
		}
	}
	return "", fmt.Errorf("%s: lease has no %s option", iface, name)
}

// Act implements control.Backend.
func (b *Backend) Act(verb, iface string) error {
	ev, ok := verbEvents[verb]
	if !ok {
		return fmt.Errorf("unknown verb %q", verb)
	}
	if iface != "" {
		if _, err := b.runner(iface); err != nil {
			return err
		}
	}
	send, wait := b.m.Send, waitVerbs[verb]
	if wait {
		send = b.m.SendWait
	}
	if !send(iface, ev) {
		return fmt.Errorf("%s: not running", iface)
	}
	if wait && b.FlushHooks != nil {
		b.FlushHooks()
	}
	b.flushLeases()
	return nil
}

// waitVerbs are answered once their step is taken and the hooks it
// queued have run: dhclient -r and -x return after RELEASE or STOP, as
// ISC's, which run the script themselves, and a daemon that runs on with
// other interfaces gives them nothing else to wait for.
var waitVerbs = map[string]bool{"release": true, "stop": true, "pause": true}

func (b *Backend) flushLeases() {
	if b.FlushLeases != nil {
		b.FlushLeases()
	}
}

var verbEvents = map[string]statemachine.Event{
	"renew": statemachine.Renew{}, "rebind": statemachine.Rebind{},
	"release": statemachine.Release{}, "stop": statemachine.Stop{},
	"pause": statemachine.Pause{}, "resume": statemachine.Resume{},
}

// Shutdown implements control.Backend: every interface releases its
// lease; the daemon exits when all runners have stopped.
func (b *Backend) Shutdown() error {
	b.m.Send("", statemachine.Release{})
	// An interface without a lease does not stop on Release.
	b.m.Send("", statemachine.Stop{})
	b.flushLeases()
	return nil
}

// Watch implements control.Backend.
func (b *Backend) Watch(ctx context.Context) <-chan control.Event {
	ch := make(chan control.Event, 64)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	b.unsubs.Go(func() {
		<-ctx.Done()
		b.mu.Lock()
		delete(b.subs, ch)
		close(ch)
		b.mu.Unlock()
	})
	return ch
}

// wait returns once every Watch subscription has ended: after the
// server has returned, whose return ended every watcher's context.
func (b *Backend) wait() { b.unsubs.Wait() }

func (b *Backend) runner(iface string) (*Runner, error) {
	r, ok := b.m.runners[iface]
	if !ok {
		return nil, fmt.Errorf("%w %s", control.ErrUnknownInterface, iface)
	}
	return r, nil
}

// published is what the watchers were last told of an interface.
type published struct {
	state   string // state and address
	carrier string
	lease   string // address and expiry of the lease held
}

// publish sends the watchers the events of an interface's status (PROTOCOL.md
// "Watch"): a state event when its state or address changed, a link event
// when its carrier did, a lease event for a new or changed lease (a
// renewal extends it). A watcher that does not keep up loses events.
func (b *Backend) publish(s Status) {
	now := time.Now()
	state := control.Event{Kind: control.EventState, Interface: s.Interface, State: s.StateName(), Reason: s.Reason, Time: now}
	if s.Lease != nil && s.State.Configured() {
		state.Address = s.Lease.Prefix()
	}
	next := published{state: state.State + " " + state.Address.String(), carrier: s.Carrier}
	if s.Lease != nil {
		next.lease = s.Lease.Prefix().String() + " " + strconv.FormatInt(s.Lease.Expire.Unix(), 10)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	last := b.last[s.Interface]
	b.last[s.Interface] = next
	if next.state != last.state {
		b.send(state)
	}
	if next.carrier != last.carrier && next.carrier != "" {
		b.send(control.Event{Kind: control.EventLink, Interface: s.Interface, Link: next.carrier, Time: now})
	}
	if next.lease != last.lease && next.lease != "" {
		b.send(control.Event{Kind: control.EventLease, Interface: s.Interface, Address: s.Lease.Prefix(), Reason: s.Reason, Time: now})
	}
}

// send hands ev to every watcher that has room for it; b.mu is held.
func (b *Backend) send(ev control.Event) {
	for ch := range b.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}
