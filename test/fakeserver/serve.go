package fakeserver

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"golang.org/x/net/ipv4"
)

// Serve answers the messages read from conn until ctx is done or conn
// fails, then waits for delayed replies to be sent or abandoned. It closes
// conn when ctx is done. It returns nil after ctx is done.
func (s *Server) Serve(ctx context.Context, conn net.PacketConn) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	buf := make([]byte, 65536)
	for {
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			continue // transient, such as ECONNREFUSED from an earlier send
		}
		req, err := dhcp4.Parse(buf[:n])
		if err != nil {
			s.logf("malformed message ignored: %v", err)
			continue
		}
		for _, r := range s.Handle(req) {
			if r.Delay > 0 {
				wg.Go(func() { s.send(ctx, conn, r) })
				continue
			}
			s.send(ctx, conn, r) // in order, as a real server answers
		}
	}
}

// send writes r after its delay, unless ctx ends first.
func (s *Server) send(ctx context.Context, conn net.PacketConn, r Reply) {
	if r.Delay > 0 {
		t := time.NewTimer(r.Delay)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
	to := net.UDPAddrFromAddrPort(r.To)
	if _, err := writeFrom(conn, r.Wire, s.cfg.ServerID, to); err != nil {
		s.logf("send to %v: %v", r.To, err)
	}
}

// writeFrom sends b to to with src as the IP source when conn is a UDP
// socket (IP_PKTINFO), so that the reply comes from ServerID even when the
// socket listens on 0.0.0.0 and the link has other addresses: clients
// such as ISC dhclient match reject rules against the source.
func writeFrom(conn net.PacketConn, b []byte, src netip.Addr, to net.Addr) (int, error) {
	if _, ok := conn.(*net.UDPConn); !ok || !src.Is4() {
		return conn.WriteTo(b, to)
	}
	return ipv4.NewPacketConn(conn).WriteTo(b, &ipv4.ControlMessage{Src: src.AsSlice()}, to)
}
