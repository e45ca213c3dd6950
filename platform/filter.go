package platform

import (
	"fmt"

	"golang.org/x/net/bpf"
)

// udpPortFilter assembles udpPortProgram for packet.Config.Filter.
func udpPortFilter(port uint16) ([]bpf.RawInstruction, error) {
	raw, err := bpf.Assemble(udpPortProgram(port))
	if err != nil {
		return nil, fmt.Errorf("assemble udp port filter: %w", err)
	}
	return raw, nil
}

// udpPortProgram returns a classic BPF program for an AF_PACKET datagram
// socket (which hands the filter the packet from its IPv4 header on) that
// accepts only unfragmented IPv4 UDP packets to port, so that the daemon
// is not woken for the rest of the host's traffic. Unframe checks the
// rest.
func udpPortProgram(port uint16) []bpf.Instruction {
	return []bpf.Instruction{
		// IPv4 protocol field must be UDP.
		bpf.LoadAbsolute{Off: 9, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: protoUDP, SkipTrue: 6}, // to drop
		// No more-fragments flag and no fragment offset.
		bpf.LoadAbsolute{Off: 6, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x3fff, SkipTrue: 4}, // to drop
		// X = IHL*4, then the UDP destination port.
		bpf.LoadMemShift{Off: 0},
		bpf.LoadIndirect{Off: 2, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(port), SkipFalse: 1},
		bpf.RetConstant{Val: 0x40000}, // accept: the whole packet, more than any MTU
		bpf.RetConstant{Val: 0},       // drop
	}
}
