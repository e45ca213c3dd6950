package platform

import (
	"errors"
	"fmt"
	"slices"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// applyRoutes removes the routes of an earlier Apply that want no longer
// has, then installs want in order, recording those it owns in st.
func (c *Configurator) applyRoutes(link netlink.Link, st *applied, want []Route) error {
	var errs []error
	for i := len(st.routes) - 1; i >= 0; i-- {
		if !slices.Contains(want, st.routes[i]) {
			errs = append(errs, c.delRoute(link, st.routes[i]))
		}
	}
	st.routes = st.routes[:0]
	for _, r := range want {
		owned, err := c.addRoute(link, r)
		if owned {
			st.routes = append(st.routes, r)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// addRoute installs r unless its slot holds a route leased did not add.
// It tries an exclusive add first so that such a route is never
// replaced; when the slot holds leased's own route on this link (an
// earlier Apply, or a daemon that ran before), it replaces that one,
// which changes nothing if they are equal.
func (c *Configurator) addRoute(link netlink.Link, r Route) (owned bool, err error) {
	nr := toRoute(link, r)
	err = c.h.RouteAdd(nr)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, unix.EEXIST) {
		return false, fmt.Errorf("add route %v on %s: %w", r, link.Attrs().Name, err)
	}
	holders, err := c.h.RouteListFiltered(netlink.FAMILY_V4,
		&netlink.Route{Table: nr.Table, Dst: nr.Dst}, netlink.RT_FILTER_TABLE|netlink.RT_FILTER_DST)
	if err != nil {
		return false, fmt.Errorf("list routes to %v: %w", r.Dst, err)
	}
	for _, h := range holders {
		if h.Priority != nr.Priority || h.Tos != 0 {
			continue
		}
		if h.Protocol != unix.RTPROT_DHCP || h.LinkIndex != nr.LinkIndex {
			return false, fmt.Errorf("route %v on %s: %w (%v)", r, link.Attrs().Name, ErrRouteConflict, h)
		}
	}
	if err := c.h.RouteReplace(nr); err != nil {
		return false, fmt.Errorf("replace route %v on %s: %w", r, link.Attrs().Name, err)
	}
	return true, nil
}

// delRoute deletes r if a route with leased's protocol tag matches it;
// the kernel compares the protocol, link, gateway and metric given.
func (c *Configurator) delRoute(link netlink.Link, r Route) error {
	err := c.h.RouteDel(toRoute(link, r))
	if err == nil || errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return fmt.Errorf("delete route %v on %s: %w", r, link.Attrs().Name, err)
}

// toRoute builds the netlink route for r, tagged RTPROT_DHCP so that it
// is recognisably leased's (ip route shows "proto dhcp").
func toRoute(link netlink.Link, r Route) *netlink.Route {
	nr := &netlink.Route{
		LinkIndex: link.Attrs().Index,
		Dst:       ipNet(r.Dst),
		Priority:  r.Metric,
		Protocol:  unix.RTPROT_DHCP,
		Table:     r.Table,
		Scope:     netlink.SCOPE_UNIVERSE,
	}
	if nr.Table == 0 {
		nr.Table = unix.RT_TABLE_MAIN
	}
	if r.OnLink {
		nr.Scope = netlink.SCOPE_LINK
	} else {
		nr.Gw = r.Gateway.AsSlice()
	}
	return nr
}
