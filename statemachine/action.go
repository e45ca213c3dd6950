package statemachine

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// Action is something the caller of Step must do, in the order given. The
// set is closed: only the types in this file implement it. Leases in
// actions are shared with the machine and must not be modified.
type Action interface {
	isAction()
	String() string
}

// Send transmits Msg to To. A broadcast destination (or the configured -s
// server while no address is held) goes out on the raw socket from
// 0.0.0.0; a unicast one (renewal, release) on a UDP socket bound to the
// leased address.
type Send struct {
	Msg *dhcp4.Message
	To  netip.AddrPort
}

// Arm sets the one timer to At, replacing any earlier Arm; a zero At turns
// the timer off. In is At minus the now of the Step, for logs and tests.
type Arm struct {
	At time.Time
	In time.Duration
}

// Configure puts Lease on the interface, replacing Old (nil when nothing
// leased added is configured).
type Configure struct{ Lease, Old *Lease }

// Deconfigure removes what Configure added for Lease.
type Deconfigure struct{ Lease *Lease }

// RunHook calls the hook script with Reason and the new_* and old_* leases
// (either may be nil). The runner reports the exit status as a HookResult.
type RunHook struct {
	Reason   Reason
	New, Old *Lease
	// V6OnlyWait is V6ONLY_WAIT in seconds for ReasonV6Only (RFC 8925
	// §3.2), exported as ISC does: v6-only-preferred=N.
	V6OnlyWait uint32
	// GivingUp marks the FAIL of a -1 run, which GiveUp follows. ISC
	// exports no alias_* to it (dhclient.c CALL_SCRIPT_ON_ONETRY_FAIL),
	// so that Debian's script does not add the alias address as the
	// process ends without a lease.
	GivingUp bool
}

// Persist records Lease in the lease file. A released lease has Renew,
// Rebind and Expire set to the release time (reference §5.2).
type Persist struct{ Lease *Lease }

// Forget removes Lease from the lease file: it was recorded when it bound
// and then declined by the hook's exit status.
type Forget struct{ Lease *Lease }

// Probe asks for an ARP check of Addr (SPEC §3 arp-check); the answer
// comes back as a ProbeResult.
type Probe struct{ Addr netip.Addr }

// GiveUp ends a -1 run without a lease: the process exits with status 2
// after the hooks already queued (reference §1.4).
type GiveUp struct{}

// Ready is emitted once, at the moment ISC's parent process returns: the
// first lease bound (its hook succeeded) or accepted after TIMEOUT, or the
// first FAIL (reference §1.3).
type Ready struct{}

// Log is one of ISC's info-level log lines (reference §8), ready to print.
type Log struct{ Msg string }

// Dropped reports a received message the machine ignored, with its class
// and a short reason, so that the runner can count and debug-log it.
type Dropped struct {
	Class  DropClass
	Reason string
}

func (Send) isAction()        {}
func (Arm) isAction()         {}
func (Configure) isAction()   {}
func (Deconfigure) isAction() {}
func (RunHook) isAction()     {}
func (Persist) isAction()     {}
func (Forget) isAction()      {}
func (Probe) isAction()       {}
func (GiveUp) isAction()      {}
func (Ready) isAction()       {}
func (Log) isAction()         {}
func (Dropped) isAction()     {}

// String renders "send TYPE xid=0x.. to=A:P" followed by the fields that
// are set (secs, ciaddr, requested address, server identifier).
func (a Send) String() string {
	if a.Msg == nil {
		return "send <nil> to=" + a.To.String()
	}
	return fmt.Sprintf("send %s xid=%#x to=%s%s", a.Msg.Type(), a.Msg.XID, a.To, fields(a.Msg))
}

// String renders "arm +4.5s", or "arm off".
func (a Arm) String() string {
	if a.At.IsZero() {
		return "arm off"
	}
	return "arm +" + a.In.String()
}

// String renders "configure A/N" and the replaced lease if any.
func (a Configure) String() string {
	s := "configure " + leaseString(a.Lease)
	if a.Old != nil {
		s += " old=" + leaseString(a.Old)
	}
	return s
}

// String renders "deconfigure A/N".
func (a Deconfigure) String() string { return "deconfigure " + leaseString(a.Lease) }

// String renders "hook REASON" with the new and old addresses, and
// "giving up" for the FAIL of a -1 run.
func (a RunHook) String() string {
	s := "hook " + a.Reason.String()
	if a.New != nil {
		s += " new=" + a.New.Addr.String()
	}
	if a.Old != nil {
		s += " old=" + a.Old.Addr.String()
	}
	if a.V6OnlyWait != 0 {
		s += fmt.Sprintf(" wait=%d", a.V6OnlyWait)
	}
	if a.GivingUp {
		s += " giving up"
	}
	return s
}

// String renders "persist A", with "released" for a released lease.
func (a Persist) String() string {
	s := "persist " + leaseString(a.Lease)
	if l := a.Lease; l != nil && !l.Expire.IsZero() && l.Renew.Equal(l.Expire) && l.Rebind.Equal(l.Expire) {
		s += " released"
	}
	return s
}

// String renders "forget A".
func (a Forget) String() string { return "forget " + leaseString(a.Lease) }

// String renders "probe A".
func (a Probe) String() string { return "probe " + a.Addr.String() }

// String renders "give up".
func (GiveUp) String() string { return "give up" }

// String renders "ready".
func (Ready) String() string { return "ready" }

// String renders "log " and the message.
func (a Log) String() string { return "log " + a.Msg }

// String renders "drop " and the reason.
func (a Dropped) String() string { return "drop " + a.Reason }

func leaseString(l *Lease) string {
	if l == nil {
		return "<nil>"
	}
	return l.Prefix().String()
}

// summary renders a message in one line for event transcripts.
func summary(m *dhcp4.Message) string {
	s := fmt.Sprintf("%s xid=%#x", m.Type(), m.XID)
	if m.YIAddr.IsValid() && !m.YIAddr.IsUnspecified() {
		s += " yiaddr=" + m.YIAddr.String()
	}
	return s + fields(m)
}

// fields renders the set fields that transcripts check, and options 80
// and 108, which change what the machine does.
func fields(m *dhcp4.Message) string {
	var b strings.Builder
	if m.Secs != 0 {
		fmt.Fprintf(&b, " secs=%d", m.Secs)
	}
	if m.CIAddr.IsValid() && !m.CIAddr.IsUnspecified() {
		b.WriteString(" ciaddr=" + m.CIAddr.String())
	}
	if a, ok := m.Options.Addr(dhcp4.OptRequestedIP); ok {
		b.WriteString(" requested=" + a.String())
	}
	if a, ok := m.Options.Addr(dhcp4.OptServerID); ok {
		b.WriteString(" server=" + a.String())
	}
	if m.Options.Has(dhcp4.OptRapidCommit) {
		b.WriteString(" rapid-commit")
	}
	if v, ok := m.Options.Uint32(dhcp4.OptV6OnlyPreferred); ok {
		fmt.Fprintf(&b, " v6-only=%d", v)
	}
	return b.String()
}
