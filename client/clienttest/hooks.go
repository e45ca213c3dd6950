package clienttest

import (
	"sync"

	"github.com/leased/leased/client"
	"github.com/leased/leased/statemachine"
)

// Hooks records hook calls and answers at once with the exit code set
// for the reason (0 by default).
type Hooks struct {
	mu    sync.Mutex
	calls []client.HookCall
	Exit  map[statemachine.Reason]int
}

var _ client.Hooks = (*Hooks)(nil)

// Run implements client.Hooks.
func (h *Hooks) Run(c client.HookCall, done func(int)) {
	h.mu.Lock()
	h.calls = append(h.calls, c)
	code := h.Exit[c.Reason]
	h.mu.Unlock()
	if done != nil {
		go done(code)
	}
}

// DropPending implements client.Hooks; the fake runs every call at once.
func (h *Hooks) DropPending() int { return 0 }

// Reasons returns the reasons of the calls so far, in order.
func (h *Hooks) Reasons() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, len(h.calls))
	for i, c := range h.calls {
		out[i] = c.Reason.String()
	}
	return out
}

// Store records persisted leases, and the leases forgotten again.
type Store struct {
	mu        sync.Mutex
	Leases    []*statemachine.Lease
	Forgotten []*statemachine.Lease
}

// Forget implements client.LeaseStore.
func (s *Store) Forget(_ string, l *statemachine.Lease) error {
	s.mu.Lock()
	s.Forgotten = append(s.Forgotten, l.Clone())
	s.mu.Unlock()
	return nil
}

// Persist implements client.LeaseStore.
func (s *Store) Persist(_ string, l *statemachine.Lease) error {
	s.mu.Lock()
	s.Leases = append(s.Leases, l.Clone())
	s.mu.Unlock()
	return nil
}

// Calls returns the calls so far, in order.
func (h *Hooks) Calls() []client.HookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]client.HookCall(nil), h.calls...)
}
