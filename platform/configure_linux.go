package platform

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// Up sets ifname administratively up (ISC's PREINIT, SPEC §5).
func (c *Configurator) Up(ifname string) error {
	h, err := openLink(ifname)
	if err != nil {
		return err
	}
	defer h.close()
	// Most links are up already (the init system, ifupdown or
	// NetworkManager raised them), and each request is a round trip on
	// the way to the first DISCOVER.
	if h.link.Flags&unix.IFF_UP == 0 {
		if err := h.setUp(); err != nil {
			return fmt.Errorf("set %s up: %w", ifname, err)
		}
	}
	h.waitOperational()
	return nil
}

// operWait bounds how long Up waits for a link it brought up to become
// operational: a link without carrier stays down, and the client then
// sends into it as ISC does.
const operWait = 2 * time.Second

// waitOperational waits until the kernel has activated the link. A link
// just set up passes packets only once the kernel's link watch has run
// (up to a second later); a DISCOVER sent before that is dropped without
// an error. A link that was not yet operational gets carrierSettle more
// once it is.
func (h *linkHandle) waitOperational() {
	if operational(h.link) {
		return
	}
	pollUntil(operWait, func() bool {
		l, err := h.r.getLink(h.link.Name)
		if err != nil {
			return true
		}
		h.link = l
		return operational(l)
	})
	if operational(h.link) {
		time.Sleep(carrierSettle)
	}
}

// carrierSettle is how long a link that has just become operational is
// given before the first DISCOVER: what is on its other end may lag
// behind. A veth pair's peer in a bridge (a container's link, the test
// lab's) forwards only once the kernel has handled the peer's carrier
// too: 0.05 to 1.9 ms after the link was up in 40 flaps measured, and a
// DISCOVER sent earlier is dropped at the bridge port
// (BRIDGE_INGRESS_STP_STATE) and sent again only seconds later. Sent
// 0.5 to 4 ms after the link was up, 1 in 8 first DISCOVERs was lost
// there; 10 ms on leaves room for a busy machine.
const carrierSettle = 10 * time.Millisecond

// Apply puts b on ifname: the address with its broadcast and lifetimes,
// the MTU, then the routes in order. It is idempotent: applying the
// same Binding again, as on a RENEW with the same address, only updates
// the lifetimes, without taking the address or a route away. When the
// address (or its prefix or broadcast) changed, the old address and its
// routes go first; routes of an earlier Apply missing from b are
// removed. A route whose slot (table, destination, metric) holds a route
// leased did not add is left alone and reported, after everything else
// is done, as an error wrapping ErrRouteConflict; an MTU the link refuses
// is reported the same way.
func (c *Configurator) Apply(ifname string, b Binding) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, err := openLink(ifname)
	if err != nil {
		return err
	}
	defer h.close()
	st := c.state(ifname)
	if st.addr.IsValid() && (st.addr != b.Addr || st.broadcast != b.Broadcast) {
		// The kernel keeps the old broadcast on a replace, and a new
		// prefix length would add a second address.
		if err := h.removeAll(st, Binding{}); err != nil {
			return err
		}
	}
	if err := h.r.exchange(replaceAddrRequest(h.link.Index, b), nil); err != nil {
		return fmt.Errorf("add address %v to %s: %w", b.Addr, ifname, err)
	}
	st.addr, st.broadcast = b.Addr, b.Broadcast
	// After the address, as Debian's dhclient-script sets it, and not in
	// its way: a link that cannot take the server's MTU (above its
	// maximum, as a VLAN over a 1500-byte link given 9000) keeps the
	// address and gets the routes, and the error is reported with theirs.
	mtuErr := h.setMTU(st, b.MTU)
	return errors.Join(mtuErr, h.applyRoutes(st, b.Routes))
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
	r, err := openRTNL(0)
	if err != nil {
		return fmt.Errorf("interface %s: %w", ifname, err)
	}
	defer r.Close()
	if link, err := readLink(r, ifname); err == nil {
		awaitResolution(r, link.Index, resolveGrace) // outside the lock: other links go on
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := c.state(ifname)
	defer delete(c.links, ifname)
	link, err := readLink(r, ifname)
	if errors.Is(err, ErrLinkGone) {
		return nil
	}
	if err != nil {
		return err
	}
	h := &linkHandle{r: r, link: link}
	return errors.Join(h.removeAll(st, b), h.setMTU(st, 0))
}

// removeAll deletes the routes and address st records and b names, and
// clears them from st; the MTU is left to the caller.
func (h *linkHandle) removeAll(st *applied, b Binding) error {
	routes := append(append([]Route(nil), st.routes...), b.Routes...)
	var errs []error
	for i := len(routes) - 1; i >= 0; i-- { // users of a gateway before its host route
		errs = append(errs, h.delRoute(routes[i]))
	}
	st.routes = nil
	for _, a := range []netip.Prefix{st.addr, b.Addr} {
		if a.IsValid() {
			errs = append(errs, h.delAddr(a))
		}
	}
	st.addr, st.broadcast = netip.Prefix{}, netip.Addr{}
	return errors.Join(errs...)
}

func (h *linkHandle) delAddr(a netip.Prefix) error {
	err := h.r.exchange(addrRequest(unix.RTM_DELADDR, unix.NLM_F_ACK, h.link.Index, a), nil)
	if err == nil || errors.Is(err, unix.EADDRNOTAVAIL) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return fmt.Errorf("delete address %v from %s: %w", a, h.link.Name, err)
}

// setMTU sets the MTU to want, remembering the original the first time;
// want 0 restores the original if leased changed it.
func (h *linkHandle) setMTU(st *applied, want int) error {
	cur := h.link.MTU
	if want == 0 {
		if st.origMTU == 0 {
			return nil
		}
		want = st.origMTU
	}
	if cur != want {
		if err := h.r.exchange(mtuRequest(h.link.Index, want), nil); err != nil {
			return fmt.Errorf("set mtu %d on %s: %w", want, h.link.Name, err)
		}
		h.link.MTU = want
	}
	switch {
	case want == st.origMTU:
		st.origMTU = 0 // back to the original: nothing left to restore
	case st.origMTU == 0 && cur != want:
		st.origMTU = cur
	}
	return nil
}
