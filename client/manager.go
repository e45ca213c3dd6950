package client

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/leased/leased/statemachine"
)

// Manager runs one Runner per interface in one daemon.
type Manager struct {
	runners map[string]*Runner
	names   []string

	obsMu     sync.Mutex
	observers []func(Status)

	ready   *countdown // of interfaces not yet ready
	sent    *countdown // of interfaces that have not sent yet
	started *countdown // of the first interface to take its first step
}

// NewManager builds runners for cfgs. Each config's OnReady is wrapped so
// that Ready closes once every interface is ready.
func NewManager(cfgs []RunnerConfig) *Manager {
	m := &Manager{runners: make(map[string]*Runner), ready: newCountdown(len(cfgs)),
		sent: newCountdown(len(cfgs)), started: newCountdown(min(len(cfgs), 1))}
	for _, c := range cfgs {
		ownSent := c.OnSent
		c.OnSent = func() {
			if ownSent != nil {
				ownSent()
			}
			m.sent.Count()
		}
		ownStarted := c.OnStarted
		c.OnStarted = func() {
			if ownStarted != nil {
				ownStarted()
			}
			m.started.Count()
		}
		own := c.OnReady
		ownChange := c.OnChange
		c.OnChange = func(s Status) {
			if ownChange != nil {
				ownChange(s)
			}
			m.notify(s)
		}
		c.OnReady = func() {
			if own != nil {
				own()
			}
			m.ready.Count()
		}
		name := c.Link.Name()
		m.runners[name] = NewRunner(c)
		m.names = append(m.names, name)
	}
	slices.Sort(m.names)
	return m
}

// Sent is closed when every interface has sent its first message, or
// ended without: where dhclient -nw detaches.
func (m *Manager) Sent() <-chan struct{} { return m.sent.Done() }

// Started is closed once the first interface has taken its first step
// (RunnerConfig.OnStarted) or ended: what else the daemon starts waits
// for it, so that its first message leaves as early as it can.
func (m *Manager) Started() <-chan struct{} { return m.started.Done() }

// Ready is closed when every interface has bound or timed out once: the
// moment the dhclient parent returns and systemd gets READY=1 (SPEC §9).
func (m *Manager) Ready() <-chan struct{} { return m.ready.Done() }

// Run runs every runner until ctx ends or all have stopped. It returns
// ErrGaveUp if any runner gave up under -1, and other errors joined. A
// runner that gives up under -1 stops the others, as they stop at
// SIGTERM: ISC's state_panic ends the whole process then (finish(2)),
// whatever its other interfaces are doing.
func (m *Manager) Run(ctx context.Context) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	ctx, giveUp := context.WithCancel(ctx)
	defer giveUp()
	for _, name := range m.names {
		r := m.runners[name]
		wg.Go(func() {
			err := r.Run(ctx)
			m.started.Count() // ended, perhaps before its first step
			if !r.sent {
				m.sent.Count() // ended without sending: not to be waited for
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				if errors.Is(err, ErrGaveUp) {
					giveUp()
				} else if !r.ready {
					// A runner that cannot start must not hold back the
					// parent process forever.
					m.ready.Count()
				}
			} else if !r.ready && ctx.Err() == nil {
				// Stopped (dhclient -x IFACE, dhclientctl stop) before it
				// was ready: it never will be, and must not hold back
				// readiness, which the other interfaces may still give.
				m.ready.Count()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Names returns the managed interface names, sorted.
func (m *Manager) Names() []string { return slices.Clone(m.names) }

// Send delivers ev to the named interface's runner, or to all when name
// is empty. It reports whether any runner took it.
func (m *Manager) Send(name string, ev statemachine.Event) bool {
	return m.each(name, func(r *Runner) bool { return r.Send(ev) })
}

// each applies f to the named runner, or to all when name is empty, and
// reports whether f returned true for any.
func (m *Manager) each(name string, f func(*Runner) bool) bool {
	if name != "" {
		r, ok := m.runners[name]
		return ok && f(r)
	}
	any := false
	for _, n := range m.names {
		any = f(m.runners[n]) || any
	}
	return any
}

// Reconfigure hands the named interface's runner a new machine
// configuration; false when there is no such running interface.
func (m *Manager) Reconfigure(name string, build func(hostname string) statemachine.Config) bool {
	r, ok := m.runners[name]
	return ok && r.Reconfigure(build)
}

// Ping reports whether every runner's loop answers within ctx (Runner.Ping).
func (m *Manager) Ping(ctx context.Context) bool {
	for _, n := range m.names {
		if !m.runners[n].Ping(ctx) {
			return false
		}
	}
	return true
}

// SendWait delivers ev like Send and returns once every addressed runner
// has stepped it.
func (m *Manager) SendWait(name string, ev statemachine.Event) bool {
	return m.each(name, func(r *Runner) bool { return r.SendWait(ev) })
}

// Status returns a snapshot of every interface, sorted by name.
func (m *Manager) Status() []Status {
	out := make([]Status, 0, len(m.names))
	for _, n := range m.names {
		out = append(out, m.runners[n].Status())
	}
	return out
}

// observe registers f to be called with every runner's status snapshot
// after each step. f must not block.
func (m *Manager) observe(f func(Status)) {
	m.obsMu.Lock()
	m.observers = append(m.observers, f)
	m.obsMu.Unlock()
}

func (m *Manager) notify(s Status) {
	m.obsMu.Lock()
	obs := m.observers
	m.obsMu.Unlock()
	for _, f := range obs {
		f(s)
	}
}
