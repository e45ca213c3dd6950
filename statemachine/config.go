package statemachine

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Config is what the machine needs from the configuration of one
// interface. Durations are used in whole seconds, as ISC does (reference
// §2.1), except DeclineWait and InitialDelay's sub-second draw. The
// machine declares no defaults: the daemon builds a Config from the
// table of settings of client/config (client.MachineConfig).
type Config struct {
	Interface string           // interface name, for log texts only
	HWAddr    net.HardwareAddr // chaddr; replies for another chaddr are dropped
	ClientID  []byte           // option 61 value; nil sends none and accepts no 61 in replies
	PRL       []uint8          // option 55; nil or empty sends none
	Require   []uint8          // offers lacking any of these options are dropped
	Reject    []netip.Prefix   // messages whose server identifier is inside are dropped
	Send      dhcp4.Options    // sent in every DISCOVER, REQUEST and RELEASE

	// Modifiers are the default, supersede, prepend and append
	// statements (reference §2.2) in the order ISC runs them, applied
	// when an OFFER or ACK becomes a Lease.
	Modifiers []Modifier

	Timeout         time.Duration // from the first DISCOVER to TIMEOUT/FAIL
	Retry           time.Duration // base of the wait after FAIL: (retry+1)/2 + rand%retry
	SelectTimeout   time.Duration // time to collect offers; 0 takes the first
	Reboot          time.Duration // give up INIT-REBOOT and REQUESTING after this
	BackoffCutoff   time.Duration // an interval above it is re-drawn as cutoff/2 + rand%cutoff
	InitialInterval time.Duration // base of the first retransmission interval
	InitialDelay    time.Duration // random delay before the first packet, 0 for none
	DeclineWait     time.Duration // wait after DHCPDECLINE before INIT

	// IPv4LL claims a link-local address after FAIL (RFC 3927) and
	// DISCOVERs again every IPv4LLRetry (0: DefaultIPv4LLRetry).
	IPv4LL      bool
	IPv4LLRetry time.Duration
	// ForceRenew accepts a DHCPFORCERENEW authenticated with the RFC
	// 6704 reconfigure key (forcerenew); off, every one is dropped.
	ForceRenew bool
	OneTry     bool       // -1: give up (GiveUp) instead of retrying after FAIL
	ARPCheck   bool       // Probe a new address after an ACK in REQUESTING/REBOOTING
	Server     netip.Addr // -s: destination of broadcasts; invalid means 255.255.255.255
	// RapidCommit sends option 80 in DISCOVER and binds a DHCPACK that
	// carries it while SELECTING: one round trip (RFC 4039 §4).
	RapidCommit bool
	// Anonymity follows the anonymity profile of RFC 7844 §3 (anonymize).
	Anonymity bool
	// Inform is the address configured by hand on the interface: valid,
	// the machine only asks for parameters with DHCPINFORM (RFC 2131
	// §3.4) and never takes a lease.
	Inform netip.Addr
	// A parameter request list holding option 108 asks for IPv6-only
	// mode (RFC 8925 §3.2), as ISC's check_v6only tests it.

	// ServerPort is the servers' port: 67, or one below -p's client port
	// (reference §1.2); zero means 67.
	ServerPort uint16

	// Rand supplies the xid, the jitter and the T1 randomisation. Nil
	// means the runtime's generator (runtimeRand).
	Rand *rand.Rand
}

// runtimeRand draws from the runtime's generator, the one math/rand/v2's
// functions use: ChaCha8 for each thread, seeded from the kernel at
// start (AT_RANDOM, getrandom). It keeps no state of its own, so every
// machine shares it; a ChaCha8 of each machine's own took 300 bytes an
// interface (issue 14). crypto/rand, which reads the kernel directly,
// would link Go's FIPS 140 module, 190 KB of code the daemon maps into
// its RSS (md5.go).
var runtimeRand = rand.New(runtimeSource{})

// runtimeSource is a rand.Source over the runtime's generator; like it,
// safe for concurrent use.
type runtimeSource struct{}

func (runtimeSource) Uint64() uint64 { return rand.Uint64() }

// seconds returns d in whole seconds, at least lo.
func seconds(d time.Duration, lo int64) int64 {
	return max(int64(d/time.Second), lo)
}

// broadcastTo is where broadcast messages go: the -s server or
// 255.255.255.255, at the server port.
func (c *Config) broadcastTo() netip.AddrPort {
	a := c.Server
	if !a.IsValid() {
		a = netip.AddrFrom4([4]byte{255, 255, 255, 255})
	}
	return c.serverAt(a)
}

// serverAt is a's DHCP server port.
func (c *Config) serverAt(a netip.Addr) netip.AddrPort {
	port := c.ServerPort
	if port == 0 {
		port = dhcp4.ServerPort
	}
	return netip.AddrPortFrom(a, port)
}
