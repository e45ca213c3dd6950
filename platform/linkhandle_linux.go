package platform

import "fmt"

// linkHandle is an interface as one Configurator call changes it: the
// link as last read, and the route netlink socket the call's requests
// go through.
type linkHandle struct {
	r    *rtnl
	link *linkInfo
}

// openLink opens the socket of one Configurator call, in the calling
// thread's network namespace, and reads ifname's link through it; a
// missing interface is an error wrapping ErrLinkGone.
func openLink(ifname string) (*linkHandle, error) {
	r, err := openRTNL(0)
	if err != nil {
		return nil, fmt.Errorf("interface %s: %w", ifname, err)
	}
	link, err := readLink(r, ifname)
	if err != nil {
		r.Close()
		return nil, err
	}
	return &linkHandle{r: r, link: link}, nil
}

func (h *linkHandle) close() { h.r.Close() }

// setUp sets the link administratively up.
func (h *linkHandle) setUp() error { return h.r.exchange(upRequest(h.link.Index), nil) }
