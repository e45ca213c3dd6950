package fakeserver

import (
	"net/netip"
	"time"
)

// binding is one client's address.
type binding struct {
	addr      netip.Addr
	expires   time.Time // zero while only offered
	committed bool      // ACKed at least once
}

// pool hands out the addresses of [first, last]. Clients are keyed by
// client identifier (option 61) or, without one, by hardware address
// (RFC 2131 §4.2).
type pool struct {
	first, last netip.Addr
	byClient    map[string]*binding
	declined    map[netip.Addr]bool
}

func newPool(first, last netip.Addr) *pool {
	return &pool{first: first, last: last, byClient: map[string]*binding{}, declined: map[netip.Addr]bool{}}
}

// inRange reports whether a belongs to the pool.
func (p *pool) inRange(a netip.Addr) bool {
	return a.Is4() && p.first.Compare(a) <= 0 && a.Compare(p.last) <= 0
}

// holder returns the client key holding a at now, or "".
func (p *pool) holder(a netip.Addr, now time.Time) string {
	for k, b := range p.byClient {
		if b.addr == a && (!b.committed || now.Before(b.expires)) {
			return k
		}
	}
	return ""
}

// free reports whether client may have a at now.
func (p *pool) free(client string, a netip.Addr, now time.Time) bool {
	if !p.inRange(a) || p.declined[a] {
		return false
	}
	h := p.holder(a, now)
	return h == "" || h == client
}

// offer picks an address for client: its current one, else want when
// free, else the lowest free address (RFC 2131 §4.3.1). It returns false
// when the pool is exhausted.
func (p *pool) offer(client string, want netip.Addr, now time.Time) (netip.Addr, bool) {
	if b, ok := p.byClient[client]; ok && !p.declined[b.addr] {
		return b.addr, true
	}
	if p.free(client, want, now) {
		p.byClient[client] = &binding{addr: want}
		return want, true
	}
	for a := p.first; p.inRange(a); a = a.Next() {
		if p.free(client, a, now) {
			p.byClient[client] = &binding{addr: a}
			return a, true
		}
	}
	return netip.Addr{}, false
}

// commit binds a to client until now+d. It fails when a is not free for
// client.
func (p *pool) commit(client string, a netip.Addr, now time.Time, d time.Duration) bool {
	if !p.free(client, a, now) {
		return false
	}
	p.byClient[client] = &binding{addr: a, expires: now.Add(d), committed: true}
	return true
}

// release frees client's binding if it holds a.
func (p *pool) release(client string, a netip.Addr) bool {
	b, ok := p.byClient[client]
	if !ok || b.addr != a {
		return false
	}
	delete(p.byClient, client)
	return true
}

// decline marks a as in use by someone else (RFC 2131 §4.3.3).
func (p *pool) decline(client string, a netip.Addr) {
	p.declined[a] = true
	if b, ok := p.byClient[client]; ok && b.addr == a {
		delete(p.byClient, client)
	}
}

// lookup returns client's bound address, if any.
func (p *pool) lookup(client string) (netip.Addr, bool) {
	b, ok := p.byClient[client]
	if !ok || !b.committed {
		return netip.Addr{}, false
	}
	return b.addr, true
}
