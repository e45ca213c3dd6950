package platform

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"

	"golang.org/x/sys/unix"
)

// applyRoutes removes the routes of an earlier Apply that want no longer
// has, then installs want in order, recording those it owns in st.
func (h *linkHandle) applyRoutes(st *applied, want []Route) error {
	var errs []error
	for i := len(st.routes) - 1; i >= 0; i-- {
		if !slices.Contains(want, st.routes[i]) {
			errs = append(errs, h.delRoute(st.routes[i]))
		}
	}
	had := slices.Clone(st.routes)
	st.routes = st.routes[:0]
	for _, r := range want {
		owned, err := h.addRoute(r, slices.Contains(had, r), canTakeOver(r, want, had))
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
// all want one slot, a dump per conflict made binding quadratic. Without
// takeOver (canTakeOver) a taken slot is a conflict.
func (h *linkHandle) addRoute(r Route, had, takeOver bool) (owned bool, err error) {
	add := routeRequest(unix.RTM_NEWROUTE, unix.NLM_F_CREATE|unix.NLM_F_EXCL|unix.NLM_F_ACK, h.link.Index, r)
	err = h.r.exchange(add, nil)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, unix.EEXIST) {
		return false, fmt.Errorf("add route %v on %s: %w", r, h.link.Name, err)
	}
	if had {
		return true, nil
	}
	if !takeOver {
		return false, fmt.Errorf("route %v on %s: %w", r, h.link.Name, ErrRouteConflict)
	}
	earlier := r
	earlier.Gateway = netip.Addr{} // any gateway of leased's on this link
	if err := h.r.exchange(routeRequest(unix.RTM_DELROUTE, unix.NLM_F_ACK, h.link.Index, earlier), nil); err != nil {
		if errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
			return false, fmt.Errorf("route %v on %s: %w", r, h.link.Name, ErrRouteConflict)
		}
		return false, fmt.Errorf("take over route %v on %s: %w", r, h.link.Name, err)
	}
	if err := h.r.exchange(add, nil); err != nil {
		return false, fmt.Errorf("add route %v on %s: %w", r, h.link.Name, err)
	}
	return true, nil
}

// canTakeOver reports whether the delete that takes over r's slot
// (addRoute) can only hit a route in that slot. The kernel reads metric 0
// in a delete as any metric (fib_nh_match): for a route of metric 0 it
// would take leased's own route of the same destination and table at
// another metric on this link, as the second router's default route at
// metric 1, which the next Apply puts back: a flap at every renewal.
func canTakeOver(r Route, lists ...[]Route) bool {
	if r.Metric != 0 {
		return true
	}
	for _, list := range lists {
		for _, o := range list {
			if o != r && o.Dst == r.Dst && o.Table == r.Table {
				return false
			}
		}
	}
	return true
}

// delRoute deletes r if a route with leased's protocol tag matches it;
// the kernel compares the protocol, link, gateway and metric given.
func (h *linkHandle) delRoute(r Route) error {
	err := h.r.exchange(routeRequest(unix.RTM_DELROUTE, unix.NLM_F_ACK, h.link.Index, r), nil)
	if err == nil || errors.Is(err, unix.ESRCH) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return fmt.Errorf("delete route %v on %s: %w", r, h.link.Name, err)
}
