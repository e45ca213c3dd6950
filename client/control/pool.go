package control

import (
	"sync"
	"time"
)

// Connection limits beyond DefaultMaxConns (SPEC §8, §10). Before them 32
// connections that sent a blank line now and then held every slot, and
// root could not connect (issue 12).
const (
	// DefaultMaxConnsPerPeer is how many connections one unprivileged
	// uid may hold, watchers included.
	DefaultMaxConnsPerPeer = 4
	// DefaultPrivilegedReserve is how many of the DefaultMaxConns slots
	// only uid 0 and the daemon's uid may take.
	DefaultPrivilegedReserve = 4
	// DefaultEvictAfter is how long a connection must have waited for
	// a request before a privileged peer may take its slot. A client
	// sends its request as soon as it connects; one that has sent
	// nothing for a second is holding the slot, and taking a younger
	// one could cut a request on its way.
	DefaultEvictAfter = time.Second
)

// peer is who is at the other end of a connection, from SO_PEERCRED.
type peer struct {
	uid        int // -1 when the credentials could not be read
	privileged bool
}

// pool tracks the live connections and decides who gets a slot: an
// unprivileged uid at most perPeer and all of them together at most
// max-reserve, so that root and the daemon's uid always find a slot
// free of them; when every slot is taken, a privileged peer takes the
// slot of the connection that has waited longest for a request, if that
// is evictAfter or more.
// A connection that is being answered or watching is never taken over.
type pool struct {
	max, perPeer, reserve int
	evictAfter            time.Duration

	mu     sync.Mutex
	conns  map[*conn]peer
	byUID  map[int]int // unprivileged connections per uid
	others int         // unprivileged connections in all
}

func newPool(max, perPeer, reserve int, evictAfter time.Duration) *pool {
	return &pool{max: max, perPeer: perPeer, reserve: min(reserve, max), evictAfter: evictAfter,
		conns: map[*conn]peer{}, byUID: map[int]int{}}
}

// admit adds c from p when a slot is free, or frees one for a privileged
// peer by shutting down the longest idle connection. It returns the
// reason when c is refused.
func (pl *pool) admit(c *conn, p peer) (refused string) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	switch {
	case !p.privileged && pl.byUID[p.uid] >= pl.perPeer:
		return "too many connections from this user"
	case !p.privileged && pl.others >= pl.max-pl.reserve:
		return "too many connections"
	case len(pl.conns) >= pl.max:
		if !p.privileged || !pl.evictIdle() {
			return "too many connections"
		}
	}
	pl.conns[c] = p
	if !p.privileged {
		pl.byUID[p.uid]++
		pl.others++
	}
	return ""
}

// evictIdle evicts the connection idle longest, if for evictAfter at
// least, and forgets it; its goroutine then tells the client and ends. It
// reports whether there was one.
func (pl *pool) evictIdle() bool {
	tried := map[*conn]bool{}
	for {
		var victim *conn
		since := time.Now().Add(-pl.evictAfter)
		for c := range pl.conns {
			if t, idle := c.idleSince(); idle && !t.After(since) && !tried[c] {
				victim, since = c, t
			}
		}
		switch {
		case victim == nil:
			return false
		case victim.evict(since):
			pl.forget(victim)
			return true
		}
		tried[victim] = true // busy since we looked
	}
}

// release forgets c once its goroutine is done; c may be gone already.
func (pl *pool) release(c *conn) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.forget(c)
}

func (pl *pool) forget(c *conn) {
	p, ok := pl.conns[c]
	if !ok {
		return
	}
	delete(pl.conns, c)
	if !p.privileged {
		if pl.byUID[p.uid]--; pl.byUID[p.uid] == 0 {
			delete(pl.byUID, p.uid)
		}
		pl.others--
	}
}

// shutdownAll interrupts every connection (Serve returning).
func (pl *pool) shutdownAll() {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	for c := range pl.conns {
		c.shutdown()
	}
}
