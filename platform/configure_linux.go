package platform

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Up sets ifname administratively up (ISC's PREINIT, SPEC §5).
func (c *Configurator) Up(ifname string) error {
	link, err := c.link(ifname)
	if err != nil {
		return err
	}
	if err := c.h.LinkSetUp(link); err != nil {
		return fmt.Errorf("set %s up: %w", ifname, err)
	}
	c.waitOperational(ifname, link)
	return nil
}

// operWait bounds how long Up waits for a link it brought up to become
// operational: a link without carrier stays down, and the client then
// sends into it as ISC does.
const operWait = 2 * time.Second

// waitOperational waits until the kernel has activated the link. A link
// just set up passes packets only once the kernel's link watch has run
// (up to a second later); a DISCOVER sent before that is dropped without
// an error. This runs once per start, so re-reading the link every 10 ms
// for at most operWait is cheaper than a subscription.
func (c *Configurator) waitOperational(ifname string, link netlink.Link) {
	for end := time.Now().Add(operWait); ; time.Sleep(10 * time.Millisecond) {
		if operational(link.Attrs()) || time.Now().After(end) {
			return
		}
		l, err := c.h.LinkByName(ifname)
		if err != nil {
			return
		}
		link = l
	}
}

// operational reports whether a link passes packets: RFC 2863 "up", or
// "unknown" (drivers that do not report it) with carrier.
func operational(a *netlink.LinkAttrs) bool {
	switch a.OperState {
	case netlink.OperUp:
		return true
	case netlink.OperUnknown:
		return a.RawFlags&unix.IFF_LOWER_UP != 0
	}
	return false
}

// Apply puts b on ifname: the MTU, the address with its broadcast and
// lifetimes, then the routes in order. It is idempotent: applying the
// same Binding again, as on a RENEW with the same address, only updates
// the lifetimes, without taking the address or a route away. When the
// address (or its prefix or broadcast) changed, the old address and its
// routes go first; routes of an earlier Apply missing from b are
// removed. A route whose slot (table, destination, metric) holds a route
// leased did not add is left alone and reported, after everything else
// is done, as an error wrapping ErrRouteConflict.
func (c *Configurator) Apply(ifname string, b Binding) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	link, err := c.link(ifname)
	if err != nil {
		return err
	}
	st := c.state(ifname)
	if st.addr.IsValid() && (st.addr != b.Addr || st.broadcast != b.Broadcast) {
		// The kernel keeps the old broadcast on a replace, and a new
		// prefix length would add a second address.
		if err := c.removeAll(link, st, Binding{}); err != nil {
			return err
		}
	}
	if err := c.setMTU(link, st, b.MTU); err != nil {
		return err
	}
	if err := c.h.AddrReplace(link, toAddr(b)); err != nil {
		return fmt.Errorf("add address %v to %s: %w", b.Addr, ifname, err)
	}
	st.addr, st.broadcast = b.Addr, b.Broadcast
	return c.applyRoutes(link, st, b.Routes)
}

// Remove takes off ifname the routes and address of b and of earlier
// Apply calls, and restores the MTU an earlier Apply changed. Routes are
// deleted only when they carry leased's protocol tag (RTPROT_DHCP) and
// match exactly, so a route leased did not add is never touched, even
// after a restart that lost the Configurator's memory. A vanished
// interface is not an error: the kernel already removed everything.
// Datagrams still waiting for ARP on the interface, such as a
// DHCPRELEASE, get up to resolveGrace to leave first (awaitResolution).
func (c *Configurator) Remove(ifname string, b Binding) error {
	if link, err := c.link(ifname); err == nil {
		c.awaitResolution(link, resolveGrace) // outside the lock: other links go on
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.state(ifname)
	defer delete(c.links, ifname)
	link, err := c.link(ifname)
	if errors.Is(err, ErrLinkGone) {
		return nil
	}
	if err != nil {
		return err
	}
	return errors.Join(c.removeAll(link, st, b), c.setMTU(link, st, 0))
}

// removeAll deletes the routes and address st records and b names, and
// clears them from st; the MTU is left to the caller.
func (c *Configurator) removeAll(link netlink.Link, st *applied, b Binding) error {
	routes := append(append([]Route(nil), st.routes...), b.Routes...)
	var errs []error
	for i := len(routes) - 1; i >= 0; i-- { // users of a gateway before its host route
		errs = append(errs, c.delRoute(link, routes[i]))
	}
	st.routes = nil
	for _, a := range []netip.Prefix{st.addr, b.Addr} {
		if a.IsValid() {
			errs = append(errs, c.delAddr(link, a))
		}
	}
	st.addr, st.broadcast = netip.Prefix{}, netip.Addr{}
	return errors.Join(errs...)
}

func (c *Configurator) delAddr(link netlink.Link, a netip.Prefix) error {
	err := c.h.AddrDel(link, &netlink.Addr{IPNet: ipNet(a)})
	if err == nil || errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return fmt.Errorf("delete address %v from %s: %w", a, link.Attrs().Name, err)
}

// setMTU sets the MTU to want, remembering the original the first time;
// want 0 restores the original if leased changed it.
func (c *Configurator) setMTU(link netlink.Link, st *applied, want int) error {
	cur := link.Attrs().MTU
	if want == 0 {
		if st.origMTU == 0 {
			return nil
		}
		want = st.origMTU
	}
	if cur != want {
		if err := c.h.LinkSetMTU(link, want); err != nil {
			return fmt.Errorf("set mtu %d on %s: %w", want, link.Attrs().Name, err)
		}
		link.Attrs().MTU = want
	}
	switch {
	case want == st.origMTU:
		st.origMTU = 0 // back to the original: nothing left to restore
	case st.origMTU == 0 && cur != want:
		st.origMTU = cur
	}
	return nil
}

func (c *Configurator) link(ifname string) (netlink.Link, error) {
	link, err := c.h.LinkByName(ifname)
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
		return nil, fmt.Errorf("interface %s: %w", ifname, ErrLinkGone)
	}
	if err != nil {
		return nil, fmt.Errorf("look up interface %s: %w", ifname, err)
	}
	return link, nil
}

// toAddr builds the netlink address of b. Lifetimes are whole seconds,
// rounded up so that a lease is never cut short; the kernel's largest
// finite lifetime is 0xfffffffe, and 0 sends none, which the kernel
// takes as forever.
func toAddr(b Binding) *netlink.Addr {
	a := &netlink.Addr{IPNet: ipNet(b.Addr)}
	if b.Broadcast.IsValid() {
		a.Broadcast = b.Broadcast.AsSlice()
	} else {
		a.Broadcast = net.IPv4zero // tells netlink not to compute one
	}
	if b.Lifetime > 0 {
		secs := min(int64((b.Lifetime+time.Second-1)/time.Second), math.MaxUint32-1)
		a.ValidLft, a.PreferedLft = int(secs), int(secs)
	}
	return a
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}
