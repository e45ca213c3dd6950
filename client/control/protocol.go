package control

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"time"
)

// Verb names one request of the control protocol (SPEC §8).
type Verb string

// The verbs of SPEC §8.
const (
	VerbStatus    Verb = "status"    // every interface's state and lease
	VerbGetPacket Verb = "getpacket" // the last DHCPACK of an interface, decoded
	VerbGetOption Verb = "getoption" // one option of an interface's lease
	VerbRenew     Verb = "renew"     // unicast REQUEST now (RENEWING)
	VerbRebind    Verb = "rebind"    // broadcast REQUEST now (REBINDING)
	VerbRelease   Verb = "release"   // DHCPRELEASE, RELEASE hooks
	VerbStop      Verb = "stop"      // STOP hooks, keep the lease
	VerbPause     Verb = "pause"     // STOP hooks, deconfigure, timers off, keep the lease
	VerbResume    Verb = "resume"    // INIT-REBOOT with the kept lease
	VerbShutdown  Verb = "shutdown"  // release every interface and exit
	VerbWatch     Verb = "watch"     // stream of Events
)

// Verbs lists every verb in the order dhclientctl documents them.
func Verbs() []Verb {
	return []Verb{VerbStatus, VerbGetPacket, VerbGetOption, VerbRenew, VerbRebind,
		VerbRelease, VerbStop, VerbPause, VerbResume, VerbShutdown, VerbWatch}
}

// ReadOnly reports whether v only reads state. Read-only verbs may be
// opened to every local user (Server.PublicRead); the others need uid 0 or
// the daemon's uid (SPEC §8, §10).
func (v Verb) ReadOnly() bool {
	switch v {
	case VerbStatus, VerbGetPacket, VerbGetOption, VerbWatch:
		return true
	}
	return false
}

// Request is one line sent by a client.
type Request struct {
	Verb      Verb   `json:"verb"`
	Interface string `json:"interface,omitempty"` // empty: every interface, where the verb allows it
	Option    string `json:"option,omitempty"`    // getoption only: an ISC option name
}

// Reply is the server's answer to one Request. Exactly one Reply follows
// each request line, in order; after a successful watch Reply the server
// sends Event lines until the connection ends.
type Reply struct {
	OK         bool              `json:"ok"`
	Error      string            `json:"error,omitempty"`      // what went wrong when OK is false
	Interfaces []InterfaceStatus `json:"interfaces,omitempty"` // status
	Packet     *Packet           `json:"packet,omitempty"`     // getpacket
	Value      string            `json:"value,omitempty"`      // getoption, in hook-environment text
}

// InterfaceStatus is one interface as status reports it. Addresses and
// times are absent (zero) when the interface holds no lease.
type InterfaceStatus struct {
	Name string `json:"name"`
	// State is the state machine's state, such as "BOUND", or
	// "CONFIGURE-FAILED" while the lease held in use could not be put on
	// the interface (ConfigureError says why).
	State   string       `json:"state"`
	Address netip.Prefix `json:"address,omitzero"`
	Server  netip.Addr   `json:"server,omitzero"` // option 54
	Routers []netip.Addr `json:"routers,omitempty"`
	DNS     []netip.Addr `json:"dns,omitempty"`
	// LeaseTime is option 51 in seconds; 4294967295 means infinite
	// (RFC 2131 §3.3), with no Expiry.
	LeaseTime uint32    `json:"lease_time,omitempty"`
	T1        time.Time `json:"t1,omitzero"`     // renewal, RFC 3339
	T2        time.Time `json:"t2,omitzero"`     // rebinding, RFC 3339
	Expiry    time.Time `json:"expiry,omitzero"` // end of the lease, RFC 3339
	// SecondsLeft is filled by the server from Expiry at the moment of the
	// reply: whole seconds until expiry, 0 when expired or without expiry.
	SecondsLeft int64 `json:"seconds_left"`
	// Dropped counts the received packets dropped, by class (malformed,
	// not-ours, unexpected, rejected, unusable, unauthenticated); classes never seen are
	// left out.
	Dropped map[string]uint64 `json:"dropped,omitempty"`
	// ConfigureError is why the lease could not be configured on the
	// interface at its last attempt (such as "operation not permitted"),
	// absent when it could.
	ConfigureError string `json:"configure_error,omitempty"`
	// LinkLocal is the IPv4 link-local address (RFC 3927) claimed while
	// no lease is bound (ipv4ll); its prefix is 169.254.0.0/16.
	LinkLocal netip.Addr `json:"link_local,omitzero"`
}

// Packet is a DHCP message decoded for people: the BOOTP fixed fields
// (RFC 2131 §2) and every option once, in wire order, its pieces joined
// (RFC 3396).
type Packet struct {
	Op      string         `json:"op"` // "BOOTREQUEST" or "BOOTREPLY"
	HType   uint8          `json:"htype"`
	HLen    uint8          `json:"hlen"`
	Hops    uint8          `json:"hops"`
	XID     string         `json:"xid"` // "0x" and eight hex digits
	Secs    uint16         `json:"secs"`
	Flags   uint16         `json:"flags"`
	CIAddr  netip.Addr     `json:"ciaddr"`
	YIAddr  netip.Addr     `json:"yiaddr"`
	SIAddr  netip.Addr     `json:"siaddr"`
	GIAddr  netip.Addr     `json:"giaddr"`
	CHAddr  string         `json:"chaddr"` // the first hlen bytes, colon-separated hex
	SName   string         `json:"sname,omitempty"`
	File    string         `json:"file,omitempty"`
	Type    string         `json:"type,omitempty"` // option 53 as ISC logs it, "DHCPACK"
	Options []PacketOption `json:"options"`
}

// PacketOption is one option of a Packet.
type PacketOption struct {
	Code  uint8  `json:"code"`
	Name  string `json:"name"`  // ISC name, "unknown-NNN" when undefined
	Value string `json:"value"` // as a hook would see it in $new_NAME (SPEC §6)
}

// EventKind says what an Event reports.
type EventKind string

// Event kinds.
const (
	EventState EventKind = "state" // the state machine changed state
	EventLink  EventKind = "link"  // carrier went up or down
	EventLease EventKind = "lease" // a new or changed lease
)

// Event is one line of a watch stream.
type Event struct {
	Kind      EventKind    `json:"event"`
	Interface string       `json:"interface"`
	State     string       `json:"state,omitempty"`
	Address   netip.Prefix `json:"address,omitzero"`
	Reason    string       `json:"reason,omitempty"` // hook reason, such as "BOUND"
	Link      string       `json:"link,omitempty"`   // "up" or "down" for EventLink
	Time      time.Time    `json:"time"`
}

// encodeLine frames v as one protocol line: compact JSON and a newline.
// encoding/json escapes nothing into a raw newline, so the line cannot
// split.
func encodeLine(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	return append(b, '\n'), nil
}
