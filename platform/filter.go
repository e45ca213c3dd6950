package platform

import (
	"encoding/binary"
	"fmt"
	"net"

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

// udpPortProgram returns a classic BPF program for an AF_PACKET datagram
// socket (which hands the filter the packet from its IPv4 header on) that
// accepts only unfragmented IPv4 UDP packets to port, so that the daemon
// is not woken for the rest of the host's traffic. Unframe checks the
// rest.
func udpPortProgram(port uint16) []bpf.Instruction { return dhcpReplyProgram(port, nil) }

// dhcpReplyProgram is udpPortProgram that, for a 6-byte chaddr, also
// requires the UDP payload to be a BOOTREPLY (op 2) for chaddr: what a
// server sends to this client and to no other (RFC 2131 §4.1).
func dhcpReplyProgram(port uint16, chaddr net.HardwareAddr) []bpf.Instruction {
	// Each test is a load and a comparison that jumps to the final drop
	// when the packet fails it.
	type test struct {
		load bpf.Instruction
		cond bpf.JumpTest
		val  uint32
	}
	tests := []test{
		{bpf.LoadAbsolute{Off: 9, Size: 1}, bpf.JumpNotEqual, protoUDP}, // IPv4 protocol
		{bpf.LoadAbsolute{Off: 6, Size: 2}, bpf.JumpBitsSet, 0x3fff},    // more fragments, offset
	}
	// Then X = IHL*4 (LoadMemShift) makes the UDP header addressable.
	tail := []test{{bpf.LoadIndirect{Off: 2, Size: 2}, bpf.JumpNotEqual, uint32(port)}}
	if len(chaddr) == 6 {
		const bootp = udpHeaderLen // BOOTP starts after the UDP header
		tail = append(tail,
			test{bpf.LoadIndirect{Off: bootp, Size: 1}, bpf.JumpNotEqual, 2}, // op: BOOTREPLY
			test{bpf.LoadIndirect{Off: bootp + 28, Size: 4}, bpf.JumpNotEqual, binary.BigEndian.Uint32(chaddr[0:4])},
			test{bpf.LoadIndirect{Off: bootp + 32, Size: 2}, bpf.JumpNotEqual, uint32(binary.BigEndian.Uint16(chaddr[4:6]))},
		)
	}
	var prog []bpf.Instruction
	emit := func(ts []test, after int) {
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
