//go:build linux

package platform

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/mdlayher/packet"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// framedSender sends IPv4 UDP datagrams framed by leased through a packet
// socket, from a source address the link does not have: the unicast of a
// lease whose address the script has not added (UDPConn). It receives
// nothing: its filter drops every packet.
type framedSender struct {
	c     *packet.Conn
	bcast net.HardwareAddr
}

// dropAll is a filter that passes no packet to the socket: return 0.
var dropAll = []bpf.RawInstruction{{Op: unix.BPF_RET | unix.BPF_K, K: 0}}

func openFramedSender(ifname string) (*framedSender, error) {
	ifi, err := interfaceByName(ifname)
	if err != nil {
		return nil, err
	}
	c, err := packet.Listen(ifi, packet.Datagram, unix.ETH_P_IP, &packet.Config{Filter: dropAll})
	if err != nil {
		return nil, fmt.Errorf("open packet socket on %s: %w", ifname, err)
	}
	return &framedSender{c: c, bcast: broadcastHW(max(len(ifi.HardwareAddr), 6))}, nil
}

// send frames payload from src to dst. Without the address the kernel
// resolves no neighbour for dst either, so the frame goes to the
// link-layer broadcast address; the server's kernel accepts a unicast IP
// datagram in a broadcast frame (Linux drops it only with
// drop_unicast_in_l2_multicast set).
func (s *framedSender) send(payload []byte, src, dst netip.AddrPort) error {
	pkt := Frame(make([]byte, 0, ipHeaderLen+udpHeaderLen+len(payload)), payload, src, dst)
	if _, err := s.c.WriteTo(pkt, &packet.Addr{HardwareAddr: s.bcast}); err != nil {
		return fmt.Errorf("send framed to %v: %w", dst, err)
	}
	return nil
}

func (s *framedSender) close() { s.c.Close() }
