package hooks

import (
	"context"
	"slices"
	"sync"
	"time"
)

// DefaultTurnHold is how long a script holds the other interfaces'
// scripts back (Turn).
const DefaultTurnHold = 5 * time.Second

// Turn lets one script run at a time across the Runners that share it,
// as ISC's single process runs its script and waits for it before it
// does anything else (client/dhclient.c script_go): hooks written for
// that read and rewrite files every interface shares (samba's enter hook
// merges the interfaces' WINS servers into /var/lib/samba/dhcp.conf, a
// site's exit hook rewrites ntp.conf), and two interfaces' hooks at once
// lost one's servers. Scripts take turns in the order they asked. A
// script still running after Hold loses its turn to the next one, so
// that a slow or hung hook holds the other interfaces back for Hold at
// most, not for its timeout (SPEC §6.5). A nil *Turn does not serialise.
type Turn struct {
	Hold time.Duration // zero means DefaultTurnHold

	mu      sync.Mutex
	held    bool
	gen     uint64        // of the current turn
	revoke  *time.Timer   // ends the current turn after Hold
	waiting []chan uint64 // the turns asked for, first first
}

// NewTurn returns a Turn that no script holds.
func NewTurn() *Turn { return &Turn{} }

// take waits for a turn and returns it; it reports false, without one,
// once ctx is done first.
func (t *Turn) take(ctx context.Context) (uint64, bool) {
	if t == nil {
		return 0, true
	}
	t.mu.Lock()
	if !t.held {
		g := t.grant()
		t.mu.Unlock()
		return g, true
	}
	w := make(chan uint64, 1)
	t.waiting = append(t.waiting, w)
	t.mu.Unlock()
	select {
	case g := <-w:
		return g, true
	case <-ctx.Done():
	}
	t.mu.Lock()
	if i := slices.Index(t.waiting, w); i >= 0 {
		t.waiting = slices.Delete(t.waiting, i, i+1)
		t.mu.Unlock()
		return 0, false
	}
	t.mu.Unlock()
	t.give(<-w) // granted meanwhile: pass it on
	return 0, false
}

// give ends turn g, unless Hold ended it already, and grants the next.
func (t *Turn) give(g uint64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.held || t.gen != g {
		return
	}
	t.revoke.Stop()
	t.held = false
	if len(t.waiting) > 0 {
		w := t.waiting[0]
		t.waiting = t.waiting[1:]
		w <- t.grant()
	}
}

// grant starts a turn; t.mu is held.
func (t *Turn) grant() uint64 {
	t.held = true
	t.gen++
	g := t.gen
	hold := t.Hold
	if hold <= 0 {
		hold = DefaultTurnHold
	}
	t.revoke = time.AfterFunc(hold, func() { t.give(g) })
	return g
}
