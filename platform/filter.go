package platform

import (
	"encoding/binary"
	"fmt"
	"net"
	"slices"

	"golang.org/x/net/bpf"
)

// assembleFilter assembles a program for packet.Config.Filter.
func assembleFilter(prog []bpf.Instruction) ([]bpf.RawInstruction, error) {
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("assemble socket filter: %w", err)
	}
	return raw, nil
}

// xidFilter is a socket filter with an xid test, assembled once: each
// exchange patches its xid into the comparison instead of assembling
// the program again, which cost every send a few dozen allocations.
type xidFilter struct {
	raw []bpf.RawInstruction
	at  int // the comparison with the xid
}

// newXIDFilter assembles dhcpReplyProgram for m with an xid test.
func newXIDFilter(m replyMatch) (xidFilter, error) {
	m.hasXID = true
	prog := dhcpReplyProgram(m)
	at := slices.Index(prog, bpf.Instruction(xidLoad)) + 1
	if at == 0 {
		return xidFilter{}, fmt.Errorf("assemble socket filter: no xid test")
	}
	raw, err := assembleFilter(prog)
	if err != nil {
		return xidFilter{}, err
	}
	return xidFilter{raw: raw, at: at}, nil
}

// with returns the filter matching xid. The program returned is the
// filter's own, changed by the next call.
func (f xidFilter) with(xid uint32) []bpf.RawInstruction {
	f.raw[f.at].K = xid
	return f.raw
}

// replyMatch is what a socket filter requires of a received packet: UDP
// to port and, for a 6-byte chaddr, a BOOTREPLY for chaddr; with hasXID,
// also the xid of the exchange open (RFC 2131 §4.1: a reply carries the
// xid of the request it answers).
type replyMatch struct {
	port   uint16
	chaddr net.HardwareAddr
	xid    uint32
	hasXID bool
}

// udpPortProgram returns a classic BPF program for an AF_PACKET datagram
// socket (which hands the filter the packet from its IPv4 header on) that
// accepts only unfragmented IPv4 UDP packets to port, so that the daemon
// is not woken for the rest of the host's traffic. Unframe checks the
// rest.
func udpPortProgram(port uint16) []bpf.Instruction { return dhcpReplyProgram(replyMatch{port: port}) }

// filterTest is a load and a comparison that jumps to the final drop
// when the packet fails it.
type filterTest struct {
	load bpf.Instruction
	cond bpf.JumpTest
	val  uint32
}

// dhcpReplyProgram is udpPortProgram that, for a 6-byte chaddr, also
// requires the UDP payload to be a BOOTREPLY (op 2) for chaddr: what a
// server sends to this client and to no other (RFC 2131 §4.1); and with
// an xid, a reply in the open exchange, as systemd-networkd's filter
// does. A reply to another client or to an older exchange of this one,
// and most of a flood of forged packets, then never leave the kernel.
func dhcpReplyProgram(m replyMatch) []bpf.Instruction {
	tests := []filterTest{
		{bpf.LoadAbsolute{Off: 9, Size: 1}, bpf.JumpNotEqual, protoUDP}, // IPv4 protocol
		{bpf.LoadAbsolute{Off: 6, Size: 2}, bpf.JumpBitsSet, 0x3fff},    // more fragments, offset
	}
	// Then X = IHL*4 (LoadMemShift) makes the UDP header addressable.
	tail := append([]filterTest{{bpf.LoadIndirect{Off: 2, Size: 2}, bpf.JumpNotEqual, uint32(m.port)}}, bootpTests(m)...)
	var prog []bpf.Instruction
	emit := func(ts []filterTest, after int) {
		for i, t := range ts {
			// Instructions between this jump and the drop: the rest of
			// these tests, the after instructions, and the accept.
			skip := 2*(len(ts)-i-1) + after + 1
			prog = append(prog, t.load, bpf.JumpIf{Cond: t.cond, Val: t.val, SkipTrue: uint8(skip)})
		}
	}
	emit(tests, 1+2*len(tail))
	prog = append(prog, bpf.LoadMemShift{Off: 0})
	emit(tail, 0)
	return append(prog,
		bpf.RetConstant{Val: 0x40000}, // accept: the whole packet, more than any MTU
		bpf.RetConstant{Val: 0},       // drop
	)
}

// xidLoad loads the BOOTP xid, after the UDP header (RFC 2131 §2).
var xidLoad = bpf.LoadIndirect{Off: udpHeaderLen + 4, Size: 4}

// bootpTests are the tests of the BOOTP header (RFC 951, RFC 2131 §2)
// that follows the UDP header: op, xid and chaddr. A load past the end
// of the packet ends the program with a drop, so a message too short to
// hold chaddr is dropped.
func bootpTests(m replyMatch) []filterTest {
	const bootp = udpHeaderLen // BOOTP starts after the UDP header
	chaddr := len(m.chaddr) == 6
	if !chaddr && !m.hasXID {
		return nil
	}
	ts := []filterTest{{bpf.LoadIndirect{Off: bootp, Size: 1}, bpf.JumpNotEqual, 2}} // op: BOOTREPLY
	if m.hasXID {
		ts = append(ts, filterTest{xidLoad, bpf.JumpNotEqual, m.xid})
	}
	if chaddr {
		ts = append(ts,
			filterTest{bpf.LoadIndirect{Off: bootp + 28, Size: 4}, bpf.JumpNotEqual, binary.BigEndian.Uint32(m.chaddr[0:4])},
			filterTest{bpf.LoadIndirect{Off: bootp + 32, Size: 2}, bpf.JumpNotEqual, uint32(binary.BigEndian.Uint16(m.chaddr[4:6]))},
		)
	}
	return ts
}
