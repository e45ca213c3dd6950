//go:build linux

package lab

import (
	"fmt"
	"slices"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// linkUpTimeout bounds the wait for a new link to come up.
const linkUpTimeout = 10 * time.Second

// waitOperUp waits, through netlink link events, until every link in
// names in namespace ns is operationally up. A bridge reports up only
// once a port has carrier, a moment after the veth is set up, and a
// broadcast sent before that is lost.
func waitOperUp(ns string, names ...string) error {
	nsh, err := netns.GetFromName(ns)
	if err != nil {
		return fmt.Errorf("open namespace %s: %w", ns, err)
	}
	defer nsh.Close()
	updates := make(chan netlink.LinkUpdate, 64)
	done := make(chan struct{})
	defer close(done)
	errc := make(chan error, 1)
	opts := netlink.LinkSubscribeOptions{
		Namespace:    &nsh,
		ListExisting: true,
		ErrorCallback: func(err error) {
			select {
			case errc <- err:
			default:
			}
		},
	}
	if err := netlink.LinkSubscribeWithOptions(updates, done, opts); err != nil {
		return fmt.Errorf("watch links in %s: %w", ns, err)
	}
	pending := slices.Clone(names)
	timeout := time.NewTimer(linkUpTimeout)
	defer timeout.Stop()
	for len(pending) > 0 {
		select {
		case u := <-updates:
			if u.Attrs().OperState == netlink.OperUp {
				pending = slices.DeleteFunc(pending, func(n string) bool { return n == u.Attrs().Name })
			}
		case err := <-errc:
			return fmt.Errorf("watch links in %s: %w", ns, err)
		case <-timeout.C:
			return fmt.Errorf("links %v in %s not up after %v", pending, ns, linkUpTimeout)
		}
	}
	return nil
}
