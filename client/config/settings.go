package config

import (
	"net"
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// ARPCheck is the arp-check extension: how an offered address is probed
// before use (SPEC §3).
type ARPCheck string

// ARP check modes.
const (
	ARPOff     ARPCheck = "off"     // no probe, as ISC and systemd-networkd
	ARPFast    ARPCheck = "fast"    // one probe and a 200 ms wait, as NetworkManager
	ARPRFC5227 ARPCheck = "rfc5227" // the full RFC 5227 §2.1.1 sequence, as dhcpcd
)

// Configure is the configure-interface extension: who changes the
// interface (SPEC §5.0).
type Configure string

// Interface configuration modes.
const (
	// ConfigureAuto follows the script: native when the script that runs
	// is leased's own native-mode script or no script runs, otherwise the
	// script alone, as ISC.
	ConfigureAuto   Configure = "auto"
	ConfigureNative Configure = "native" // leased through netlink (SPEC §5)
	ConfigureScript Configure = "script" // the script alone, as ISC
)

// ClientID is the client-id extension: what option 61 carries.
type ClientID string

// Client identifier modes.
const (
	ClientIDNone ClientID = "none" // no option 61 unless sent explicitly, as ISC
	ClientIDMAC  ClientID = "mac"  // hardware type and address (RFC 2132 §9.14)
	ClientIDDUID ClientID = "duid" // RFC 4361 IAID and DUID, as ISC -i
)

// Expr is a value that the daemon computes when it sends an option.
type Expr uint8

// Expressions of send statements.
const (
	ExprNone     Expr = iota // Data holds the value
	ExprHostname             // gethostname(): the machine's host name
	ExprHardware             // hardware: hardware type byte then the address
	ExprData                 // Eval: a data expression over the two above
)

// SendOption is one send statement: the option and its value, or an
// expression the daemon evaluates for each interface, and again when
// the host name changes (Value). With ExprHostname,
// Data is what goes out when the host has no name (pick-first-value's
// next value), empty for nothing.
type SendOption struct {
	Code uint8
	Data []byte
	Expr Expr
	Eval *DataExpr // with ExprData
}

// Value is what the statement sends from an interface with hardware
// address hw on a host named hostname, false for nothing: a data
// expression a part of which has no value. gethostname() on a host
// without a name gives pick-first-value's next value, empty for nothing.
func (so SendOption) Value(hw net.HardwareAddr, hostname string) ([]byte, bool) {
	switch so.Expr {
	case ExprHostname:
		if statemachine.HasHostname(hostname) {
			return []byte(hostname), true
		}
	case ExprHardware:
		return statemachine.HardwareClientID(hw), true
	case ExprData:
		return so.Eval.Eval(hw, hostname)
	}
	return so.Data, true
}

// Present is Value for a sub-option or a modifier: an expression whose
// value is empty (gethostname() on a host without a name and no fallback)
// gives nothing either, as ISC stores no option for it.
func (so SendOption) Present(hw net.HardwareAddr, hostname string) ([]byte, bool) {
	data, ok := so.Value(hw, hostname)
	return data, ok && (so.Expr == ExprNone || len(data) > 0)
}

// Modifier is a default, supersede, prepend or append statement: the
// option and its value or expression, as a SendOption holds them,
// evaluated for each interface and host name (client.MachineConfig):
// `supersede host-name = gethostname();` keeps the host's own name.
type Modifier struct {
	Kind statemachine.ModifierKind
	SendOption
}

// SubSend is a send statement for an option of another space (send
// fqdn.fqdn "host.example.";): the sub-option, and its value or
// expression as a SendOption holds them (its Code unused: Def's).
type SubSend struct {
	Def dhcp4.SubDef
	SendOption
}

// Settings holds every statement that may appear globally or per
// interface. The fields with one value per scope are the rows of the
// table of settings (table.go), which declares their statements,
// defaults and scope rules; send statements merge option by option, and
// the modifiers (default, supersede, prepend, append) and reject lists
// add up, the interface's after the top level's. A scope's
// set mask records which rows its file set, so that an interface scope
// overrides only those (Config.For).
type Settings struct {
	Timeout         time.Duration // give up DISCOVER after this
	Retry           time.Duration // pause after FAIL
	SelectTimeout   time.Duration // collect offers this long
	Reboot          time.Duration // give up INIT-REBOOT after this
	BackoffCutoff   time.Duration // longest retransmission interval
	InitialInterval time.Duration // first retransmission interval
	InitialDelay    time.Duration // random delay before the first DISCOVER
	DeclineWait     time.Duration // wait after DHCPDECLINE (a flag only)

	// Request is the parameter request list (option 55) in order:
	// ISC's built-in list unless a request statement was seen.
	Request []uint8
	Require []uint8 // offers lacking one of these are ignored

	Send []SendOption // options sent in every message
	// SendSub holds the send statements for options of other spaces
	// (send fqdn.fqdn "host.example.";), merged option by option across
	// scopes. Config.ForHost evaluates them and encodes them into their
	// DHCP option (81 for fqdn), which it adds to Send unless Send has a
	// value for it.
	SendSub []SubSend
	// Modifiers are the default, supersede, prepend and append
	// statements in file order; an interface's follow the top level's,
	// as ISC runs them (statemachine.Modifier).
	Modifiers []Modifier
	Reject    []netip.Prefix

	Script       string           // script path; "" means the command line's
	HardwareAddr net.HardwareAddr // hardware ethernet: chaddr override

	ARPCheck    ARPCheck
	RouteMetric int // route metric (also -e IF_METRIC)
	// RouteTable is the routing table for the lease's routes (0: main).
	// A separate table with a policy rule limits what option 121 can
	// steer (TunnelVision, CVE-2024-3661; SPEC §10).
	RouteTable         int
	ConfigureInterface Configure
	SetMTU             bool // apply option 26 (≥ 576)
	ClasslessRoutes    bool // use options 121/249
	ClientID           ClientID
	// IPv4LLRetry is the wait between DISCOVER rounds while a
	// link-local address is in use (ipv4ll-retry).
	IPv4LLRetry time.Duration
	// IPv4LLRoute adds a default route through the interface (on-link)
	// with the link-local address (ipv4ll-route; default off).
	IPv4LLRoute bool
	// ForceRenew accepts a DHCPFORCERENEW authenticated with the RFC 6704
	// reconfigure key (forcerenew).
	ForceRenew    bool
	ControlSocket string // control socket path; "" for the default
	// ControlSocketPublic opens the control socket's read-only verbs
	// (status, getoption, getpacket, watch) to every local user (SPEC §8).
	ControlSocketPublic bool
	ReleaseOnStop       bool          // DHCPRELEASE when the daemon stops
	LinkWatch           bool          // follow carrier changes
	SleepWatch          bool          // pause around suspend
	IPv4LL              bool          // RFC 3927 fallback
	HookTimeout         time.Duration // kill a hook running longer
	RapidCommit         bool          // option 80 in DISCOVER (RFC 4039)
	IPv6OnlyPreferred   bool          // request option 108 (RFC 8925)
	CaptivePortal       bool          // request option 114 (RFC 8910)
	Anonymity           bool          // the anonymity profile (RFC 7844)
	Inform              netip.Addr    // an address set by hand: DHCPINFORM only (RFC 2131 §3.4)

	set mask
}
