package platform

import (
	"net/netip"
	"sync"

	"github.com/vishvananda/netlink"
)

// Configurator applies Bindings to interfaces through netlink and
// remembers what it added, so that it removes only that (SPEC §5,
// ARCHITECTURE "I/O"). It is safe for concurrent use by the runners of
// several interfaces. Each call keeps a 64 KiB buffer on the caller's
// stack (the netlink module's receive), so a goroutine that lives long
// makes it from a short one (cmd/dhclient link.go offStack).
type Configurator struct {
	h     *netlink.Handle
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

// NewConfigurator returns a Configurator working through h; a nil h
// means the network namespace of the calling thread at each call.
func NewConfigurator(h *netlink.Handle) *Configurator {
	if h == nil {
		h = &netlink.Handle{} // netlink's own default: a socket per call
	}
	return &Configurator{h: h, links: make(map[string]*applied)}
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
