package platform

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"slices"

	"golang.org/x/sys/unix"
)

// linkInfo is what platform reads of a link: the fixed header (struct
// ifinfomsg) and the attributes it uses of RTM_NEWLINK and RTM_DELLINK.
type linkInfo struct {
	Index        int
	Name         string
	MTU          int
	Flags        uint32           // ifi_flags: IFF_UP, IFF_LOWER_UP, ...
	OperState    uint8            // RFC 2863 (IF_OPER_* of linux/if.h)
	HardwareAddr net.HardwareAddr // nil for none; aliases the message it was read from
	// CarrierUps counts the times the carrier came up
	// (IFLA_CARRIER_UP_COUNT, Linux 4.19); 0 where the kernel does not
	// count.
	CarrierUps uint32
}

// Operational states of RFC 2863 as linux/if.h numbers them; x/sys/unix
// does not define them.
const (
	ifOperUnknown = 0
	ifOperUp      = 6
)

// errLinkMessage reports a link message too short for its header or
// with an attribute of the wrong size.
var errLinkMessage = errors.New("netlink: malformed link message")

// parseLink decodes the payload of RTM_NEWLINK or RTM_DELLINK. The
// attributes it does not use are skipped.
func parseLink(b []byte) (linkInfo, error) {
	if len(b) < unix.SizeofIfInfomsg {
		return linkInfo{}, errLinkMessage
	}
	l := linkInfo{
		Index: int(int32(binary.NativeEndian.Uint32(b[4:]))), // ifi_index
		Flags: binary.NativeEndian.Uint32(b[8:]),             // ifi_flags
	}
	err := eachAttr(b[unix.SizeofIfInfomsg:], func(typ uint16, v []byte) error {
		switch typ {
		case unix.IFLA_IFNAME:
			l.Name = cString(v)
		case unix.IFLA_MTU:
			if len(v) != 4 {
				return errLinkMessage
			}
			l.MTU = int(binary.NativeEndian.Uint32(v))
		case unix.IFLA_OPERSTATE:
			if len(v) != 1 {
				return errLinkMessage
			}
			l.OperState = v[0]
		case unix.IFLA_CARRIER_UP_COUNT:
			if len(v) != 4 {
				return errLinkMessage
			}
			l.CarrierUps = binary.NativeEndian.Uint32(v)
		case unix.IFLA_ADDRESS:
			// All zeros, as on lo, is no address, as for the net
			// package: such a link has no link-layer address to use.
			if slices.ContainsFunc(v, func(b byte) bool { return b != 0 }) {
				l.HardwareAddr = v
			}
		}
		return nil
	})
	return l, err
}

// cString is the string in b up to its first NUL, or all of b.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// operational reports whether a link passes packets: RFC 2863 "up", or
// "unknown" (drivers that do not report it) with carrier.
func operational(l *linkInfo) bool {
	switch l.OperState {
	case ifOperUp:
		return true
	case ifOperUnknown:
		return l.Flags&unix.IFF_LOWER_UP != 0
	}
	return false
}

// netFlags translates ifi_flags into the net package's flags.
func netFlags(raw uint32) net.Flags {
	var f net.Flags
	for _, m := range [...]struct {
		raw uint32
		f   net.Flags
	}{
		{unix.IFF_UP, net.FlagUp},
		{unix.IFF_BROADCAST, net.FlagBroadcast},
		{unix.IFF_LOOPBACK, net.FlagLoopback},
		{unix.IFF_POINTOPOINT, net.FlagPointToPoint},
		{unix.IFF_MULTICAST, net.FlagMulticast},
		{unix.IFF_RUNNING, net.FlagRunning},
	} {
		if raw&m.raw != 0 {
			f |= m.f
		}
	}
	return f
}
