package platform

import (
	"net/netip"
	"sync"
)

// Configurator applies Bindings to interfaces through netlink and
// remembers what it added, so that it removes only that (SPEC §5,
// ARCHITECTURE "I/O"). It is safe for concurrent use by the runners of
// several interfaces. Each call works in the network namespace of its
// calling thread, through a route netlink socket of its own that it
// closes before it returns: a socket stays in the namespace it was
// opened in, so one kept by the Configurator would go on changing the
// namespace of its first call (tests run calls on threads that joined
// namespaces of their own), and the daemon would hold a descriptor and
// the kernel's socket buffers per interface between renewals that come
// hours apart.
type Configurator struct {
	mu    sync.Mutex
	links map[string]*applied // by interface name
}

// applied is what the Configurator put on one interface.
type applied struct {
	addr      netip.Prefix // zero when no address was added
	broadcast netip.Addr
	routes    []Route // the routes it installed, in install order
	origMTU   int     // the MTU before leased changed it; 0 = unchanged
}

// NewConfigurator returns a Configurator that has applied nothing yet.
func NewConfigurator() *Configurator {
	return &Configurator{links: make(map[string]*applied)}
}

// state returns the record for ifname, creating it.
func (c *Configurator) state(ifname string) *applied {
	st := c.links[ifname]
	if st == nil {
		st = &applied{}
		c.links[ifname] = st
	}
	return st
}
