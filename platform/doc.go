// Package platform holds leased's Linux side effects: the AF_PACKET
// transport with its IPv4/UDP framing (RawConn), the device-bound UDP
// socket for unicast renewals (UDPConn; SendUDP's only sends), the
// netlink configurator that applies and removes a lease (SPEC §5), the
// link watcher and link lookups (all through rtnl: platform's own route
// netlink socket, requests and parsers, read off the caller's stack),
// the ARP probe for arp-check, sd_notify, syslog, the sleep
// watcher (logind over internal/dbus), the boot-clock check for
// suspend, and the release of the executable's code pages from the
// daemon's resident set (ReleaseCode).
//
// Only this package touches the kernel. The framing, the BPF filter, the
// ARP codec and BindingFor are pure and build on every OS; everything
// else lives in *_linux.go files, with *_other.go stubs whose errors wrap
// ErrUnsupported. Errors from system calls keep their errno, so that
// errors.Is(err, os.ErrPermission) tells a caller that it lacks
// CAP_NET_ADMIN or CAP_NET_RAW.
package platform
