package platform

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// csumNotReady reports whether the PACKET_AUXDATA control message in oob
// marks the packet TP_STATUS_CSUMNOTREADY: its UDP checksum was left for
// hardware that never ran (packet(7), as busybox udhcpc handles it).
func csumNotReady(oob []byte) bool {
	// One message at a time, each a subslice of oob: no allocation per
	// packet (issue 12).
	for len(oob) >= unix.SizeofCmsghdr {
		h, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			return false
		}
		if h.Level == unix.SOL_PACKET && h.Type == unix.PACKET_AUXDATA && len(data) >= 4 {
			// tp_status is the first field of struct tpacket_auxdata.
			return binary.NativeEndian.Uint32(data)&unix.TP_STATUS_CSUMNOTREADY != 0
		}
		oob = rest
	}
	return false
}
