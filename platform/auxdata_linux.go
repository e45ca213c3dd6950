package platform

import (
	"encoding/binary"

	"golang.org/x/sys/unix"
)

// csumNotReady reports whether the PACKET_AUXDATA control message in oob
// marks the packet TP_STATUS_CSUMNOTREADY: its UDP checksum was left for
// hardware that never ran (packet(7), as busybox udhcpc handles it).
func csumNotReady(oob []byte) bool {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_PACKET && m.Header.Type == unix.PACKET_AUXDATA && len(m.Data) >= 4 {
			// tp_status is the first field of struct tpacket_auxdata.
			return binary.NativeEndian.Uint32(m.Data)&unix.TP_STATUS_CSUMNOTREADY != 0
		}
	}
	return false
}
