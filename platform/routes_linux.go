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
	had := slices.Clone(st.routes)
	st.routes = st.routes[:0]
	for _, r := range want {
		owned, err := c.addRoute(link, r, slices.Contains(had, r))
		if owned {
			st.routes = append(st.routes, r)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// addRoute installs r unless its slot (table, destination, metric) holds
// a route leased did not add. It tries an exclusive add first so that
// such a route is never replaced. When the slot is taken, had says
// whether r is leased's from the last Apply on this link: then it is the
// same route, kept as it is (a renewal changes no route). Otherwise the
// slot may hold leased's route on this link from a daemon that ran
// before, with any gateway: a delete that names leased's protocol and
// this link removes exactly that and nothing else, and r goes in its
// place; when the delete finds nothing, the slot is someone else's. No
// route table is listed: with a thousand interfaces whose default routes
// all want one slot, a dump per conflict made binding quadratic.
func (c *Configurator) addRoute(link netlink.Link, r Route, had bool) (owned bool, err error) {
	nr := toRoute(link, r)
	err = c.h.RouteAdd(nr)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, unix.EEXIST) {
		return false, fmt.Errorf("add route %v on %s: %w", r, link.Attrs().Name, err)
	}
	if had {
		return true, nil
	}
	earlier := *nr
	earlier.Gw = nil // any gateway of leased's on this link
	if err := c.h.RouteDel(&earlier); err != nil {
		if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
			return false, fmt.Errorf("route %v on %s: %w", r, link.Attrs().Name, ErrRouteConflict)
		}
		return false, fmt.Errorf("take over route %v on %s: %w", r, link.Attrs().Name, err)
	}
	if err := c.h.RouteAdd(nr); err != nil {
		return false, fmt.Errorf("add route %v on %s: %w", r, link.Attrs().Name, err)
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
