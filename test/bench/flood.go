package bench

import (
	"encoding/binary"
	"math/rand/v2"
	"net"
	"net/netip"

	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/dhcp4"
)

// floodKinds are the hostile packets of the flood benchmark (issue 12),
// sent in turn: each names what it is and builds the IPv4 packet (from
// the server to the client's port 68) for a client with chaddr whose
// exchange has xid.
var floodKinds = []struct {
	name  string
	build func(r *rand.Rand, chaddr net.HardwareAddr, xid uint32) []byte
}{
	{"truncated IPv4 header", func(r *rand.Rand, _ net.HardwareAddr, _ uint32) []byte {
		return garbage(r, 12)
	}},
	{"truncated BOOTP header", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		return frame(bootReply(ch, xid)[:100])
	}},
	{"bad cookie", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		b := bootReply(ch, xid)
		copy(b[236:], garbage(r, 4))
		return frame(b)
	}},
	{"option overrunning the message", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		return frame(append(bootReply(ch, xid), dhcp4.OptMessageType, 1, byte(dhcp4.Ack), dhcp4.OptDomainName, 200, 'x'))
	}},
	{"wrong xid, garbage options", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		return frame(append(bootReply(ch, xid+1+r.Uint32N(1<<20)), garbage(r, 300)...))
	}},
	{"right xid, garbage options", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		return frame(append(bootReply(ch, xid), garbage(r, 300)...))
	}},
	{"forged NAK, wrong xid", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		return frame(append(bootReply(ch, ^xid), dhcp4.OptMessageType, 1, byte(dhcp4.Nak), dhcp4.OptEnd))
	}},
	{"forged NAK, right xid", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		return frame(append(bootReply(ch, xid), dhcp4.OptMessageType, 1, byte(dhcp4.Nak), dhcp4.OptEnd))
	}},
	{"reply for another chaddr", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		other := append(net.HardwareAddr(nil), ch...)
		other[5]++
		return frame(append(bootReply(other, xid), dhcp4.OptMessageType, 1, byte(dhcp4.Ack), dhcp4.OptEnd))
	}},
	{"IPv4 header claiming 64 KiB", func(r *rand.Rand, ch net.HardwareAddr, xid uint32) []byte {
		p := frame(append(bootReply(ch, xid), garbage(r, 1000)...))
		binary.BigEndian.PutUint16(p[2:], 0xffff)
		return p
	}},
}

// floodFrom and floodTo address the flood: a server's port 67 to the
// broadcast address's port 68, as a server's broadcast reply.
var (
	floodFrom = netip.MustParseAddrPort("10.99.0.1:67")
	floodTo   = netip.MustParseAddrPort("255.255.255.255:68")
)

func frame(payload []byte) []byte { return platform.Frame(nil, payload, floodFrom, floodTo) }

// bootReply is a BOOTREPLY header for chaddr with xid and the DHCP
// cookie, no options.
func bootReply(chaddr net.HardwareAddr, xid uint32) []byte {
	b := make([]byte, 240)
	b[0], b[1], b[2] = 2, 1, 6
	binary.BigEndian.PutUint32(b[4:], xid)
	copy(b[28:], chaddr)
	copy(b[236:], dhcp4.MagicCookie[:])
	return b
}

func garbage(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
