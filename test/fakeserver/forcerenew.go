package fakeserver

import (
	"bytes"
	"context"
	"net"
	"net/netip"

	"github.com/leased/leased/statemachine/dhcp4"
)

// reconfigureKey is option 90 of an ACK to a client that sent option
// 145 with HMAC-MD5 (RFC 6704 §3.3), when the server has a key; nil
// otherwise.
func (s *Server) reconfigureKey(req *dhcp4.Message) []byte {
	algs, ok := req.Options.Get(dhcp4.OptForceRenewNonce)
	if s.cfg.ReconfigureKey == nil || !ok || !bytes.Contains(algs, []byte{dhcp4.AuthAlgorithmHMACMD5}) {
		return nil
	}
	s.replay++
	return dhcp4.KeyAuth(s.cfg.ReconfigureKey, s.replay)
}

// ForceRenew builds a DHCPFORCERENEW (RFC 3203) for the client with
// hardware address hw that holds addr, unicast to it. With key it
// carries option 90 signed under key (RFC 6704 §3.2) and a replay value
// above every one sent before; without, no option 90. The key need not
// be Config.ReconfigureKey: a test sends a wrongly keyed one that way.
func (s *Server) ForceRenew(hw net.HardwareAddr, addr netip.Addr, key []byte) (Reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := &dhcp4.Message{Op: dhcp4.BootReply, HType: 1, HLen: uint8(len(hw)), XID: uint32(s.replay) + 0x5eed}
	m.SetHardwareAddr(hw)
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(dhcp4.ForceRenew)})
	m.Options.SetAddr(dhcp4.OptServerID, s.cfg.ServerID)
	if key != nil {
		s.replay++
		m.Options.Set(dhcp4.OptAuthentication, dhcp4.HMACAuth(s.replay))
	}
	wire, err := m.MarshalBinary()
	if err != nil {
		return Reply{}, err
	}
	if key != nil {
		if err := dhcp4.SignForceRenew(wire, key); err != nil {
			return Reply{}, err
		}
	}
	s.logf("DHCPFORCERENEW to %v (%v) via %s (authenticated: %v)", addr, hw, s.cfg.Interface, key != nil)
	return Reply{Msg: m, Wire: wire, To: netip.AddrPortFrom(addr, dhcp4.ClientPort)}, nil
}

// Send writes r on conn, the socket Serve reads, from ServerID: a
// message the server sends unasked, such as ForceRenew's.
func (s *Server) Send(ctx context.Context, conn net.PacketConn, r Reply) {
	s.send(ctx, conn, r)
}
