package client

import (
	"context"
	"net/netip"

	"github.com/leased/leased/statemachine"
)

// Conn is a datagram transport carrying DHCP payloads (the UDP payload
// only; framing is the transport's business).
type Conn interface {
	// Receive waits for the next datagram and calls fn with it and its
	// sender; the datagram is valid only during the call, in a buffer
	// the Conn takes once it has one (platform.RawConn.Receive).
	Receive(fn func(b []byte, from netip.AddrPort)) error
	WriteTo(b []byte, to netip.AddrPort) error
	Close() error
}

// Sender is a socket the runner only sends through: the one bound to the
// leased address. What answers it arrives on the broadcast socket, which
// receives every DHCP reply on the link.
type Sender interface {
	WriteTo(b []byte, to netip.AddrPort) error
	Close() error
}

// SourceConn is a Conn that can set the IP source address of what it
// sends: the broadcast socket, whose frames it builds itself.
type SourceConn interface {
	WriteFrom(b []byte, src netip.Addr, to netip.AddrPort) error
}

// Link is everything a runner needs from the operating system for one
// interface. The real implementation lives in cmd (wrapping platform);
// tests use clienttest fakes.
type Link interface {
	// Name returns the interface name.
	Name() string
	// OpenBroadcast opens the socket used before an address is bound
	// (AF_PACKET on Linux): it receives every DHCP reply on the link.
	OpenBroadcast() (Conn, error)
	// OpenUnicast opens a socket bound to the leased address, used for
	// unicast renewal and release (RFC 2131 §4.4.5). It receives nothing.
	OpenUnicast(local netip.Addr) (Sender, error)
	// Up brings the interface up (PREINIT).
	Up() error
	// Configure applies the lease; old is the previous lease, if any.
	Configure(l, old *statemachine.Lease) error
	// Deconfigure removes what Configure added.
	Deconfigure(l *statemachine.Lease) error
	// Probe checks whether addr is in use on the link (SPEC §3 arp-check).
	Probe(ctx context.Context, addr netip.Addr) (conflict bool, err error)
}
