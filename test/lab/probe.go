//go:build linux

package lab

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// ProbePRL is the parameter request list a Probe sends.
var probePRL = []byte{
	dhcp4.OptSubnetMask, dhcp4.OptRouter, dhcp4.OptDNS, dhcp4.OptDomainName,
	dhcp4.OptInterfaceMTU, dhcp4.OptBroadcast, dhcp4.OptNTPServers,
	dhcp4.OptLeaseTime, dhcp4.OptServerID, dhcp4.OptRenewalTime,
	dhcp4.OptRebindingTime, dhcp4.OptClasslessRoutes,
}

// Probe is a minimal DHCP client on one client interface, to check a
// server without leased: a UDP socket on port 68 bound to the interface.
// It sets the broadcast flag, so that servers broadcast their replies to
// a client that has no address yet (RFC 2131 §4.1), and configures
// nothing.
type Probe struct {
	conn *net.UDPConn
	hw   net.HardwareAddr
}

// NewProbe opens a Probe on the client interface ifname. It turns off
// reverse-path filtering in the client namespace, which would drop
// replies from a server the unconfigured interface has no route to; the
// lab closes the Probe.
func (l *Lab) NewProbe(t testing.TB, ifname string) *Probe {
	t.Helper()
	link, err := l.cli.LinkByName(ifname)
	if err != nil {
		t.Fatalf("find %s: %v", ifname, err)
	}
	var conn *net.UDPConn
	err = Do(l.clientNS, func() error {
		for _, name := range []string{"all", ifname} {
			if err := os.WriteFile("/proc/sys/net/ipv4/conf/"+name+"/rp_filter", []byte("0"), 0o644); err != nil {
				return fmt.Errorf("turn off rp_filter: %w", err)
			}
		}
		c, err := listenUDP68(ifname)
		conn = c
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &Probe{conn: conn, hw: link.Attrs().HardwareAddr}
}

// listenUDP68 opens UDP port 68 bound to ifname, allowed to broadcast.
func listenUDP68(ifname string) (*net.UDPConn, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("udp socket: %w", err)
	}
	f := os.NewFile(uintptr(fd), "udp68")
	defer f.Close()
	for _, err := range []error{
		syscall.BindToDevice(fd, ifname),
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1),
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1),
		syscall.Bind(fd, &syscall.SockaddrInet4{Port: dhcp4.ClientPort}),
	} {
		if err != nil {
			return nil, fmt.Errorf("udp port 68 on %s: %w", ifname, err)
		}
	}
	c, err := net.FileConn(f)
	if err != nil {
		return nil, fmt.Errorf("udp port 68 on %s: %w", ifname, err)
	}
	return c.(*net.UDPConn), nil
}

// HardwareAddr is the probe interface's MAC address.
func (p *Probe) HardwareAddr() net.HardwareAddr { return p.hw }

// NewMessage returns a client message of type mt with a random xid, the
// probe's hardware address, the broadcast flag and a parameter request
// list asking for every option the lab's servers are configured with.
func (p *Probe) NewMessage(mt dhcp4.MessageType) *dhcp4.Message {
	var x [4]byte
	rand.Read(x[:])
	m := &dhcp4.Message{Op: dhcp4.BootRequest, XID: binary.BigEndian.Uint32(x[:]), Flags: dhcp4.FlagBroadcast}
	m.SetHardwareAddr(p.hw)
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(mt)})
	m.Options.Set(dhcp4.OptParamRequest, probePRL)
	return m
}

// Exchange broadcasts req every second until a reply with its xid and one
// of the types in want arrives, and returns it; it fails t after timeout.
func (p *Probe) Exchange(t testing.TB, req *dhcp4.Message, timeout time.Duration, want ...dhcp4.MessageType) *dhcp4.Message {
	t.Helper()
	m, err := p.exchange(req, timeout, want)
	if err != nil {
		t.Fatalf("%v exchange: %v", req.Type(), err)
	}
	return m
}

func (p *Probe) exchange(req *dhcp4.Message, timeout time.Duration, want []dhcp4.MessageType) (*dhcp4.Message, error) {
	wire, err := req.AppendBinary(nil)
	if err != nil {
		return nil, err
	}
	to := &net.UDPAddr{IP: net.IPv4bcast, Port: dhcp4.ServerPort}
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 65536)
	for time.Now().Before(deadline) {
		if _, err := p.conn.WriteTo(wire, to); err != nil {
			return nil, fmt.Errorf("send: %w", err)
		}
		wait := time.Now().Add(time.Second)
		if wait.After(deadline) {
			wait = deadline
		}
		p.conn.SetReadDeadline(wait)
		for {
			n, _, err := p.conn.ReadFrom(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break // retransmit
			}
			if err != nil {
				return nil, fmt.Errorf("receive: %w", err)
			}
			if m, ok := matchReply(buf[:n], req.XID, want); ok {
				return m, nil
			}
		}
	}
	return nil, fmt.Errorf("no reply of type %v within %v", want, timeout)
}

// matchReply parses b and reports whether it answers xid with a wanted type.
func matchReply(b []byte, xid uint32, want []dhcp4.MessageType) (*dhcp4.Message, bool) {
	m, err := dhcp4.Parse(b)
	if err != nil || m.Op != dhcp4.BootReply || m.XID != xid {
		return nil, false
	}
	for _, w := range want {
		if m.Type() == w {
			return m, true
		}
	}
	return nil, false
}

// Discover sends a DISCOVER and returns the first OFFER.
func (p *Probe) Discover(t testing.TB, timeout time.Duration) *dhcp4.Message {
	t.Helper()
	return p.Exchange(t, p.NewMessage(dhcp4.Discover), timeout, dhcp4.Offer)
}

// Request selects offer (RFC 2131 §4.3.2, SELECTING) and returns the
// server's ACK or NAK.
func (p *Probe) Request(t testing.TB, offer *dhcp4.Message, timeout time.Duration) *dhcp4.Message {
	t.Helper()
	req := p.NewMessage(dhcp4.Request)
	req.XID = offer.XID
	req.Options.SetAddr(dhcp4.OptRequestedIP, offer.YIAddr)
	if id, ok := offer.ServerID(); ok {
		req.Options.SetAddr(dhcp4.OptServerID, id)
	}
	return p.Exchange(t, req, timeout, dhcp4.Ack, dhcp4.Nak)
}

// Release broadcasts a DHCPRELEASE of addr to server (ISC dhclient
// unicasts it; the probe has no address to send from).
func (p *Probe) Release(t testing.TB, addr, server netip.Addr) {
	t.Helper()
	m := p.NewMessage(dhcp4.Release)
	m.Flags = 0
	m.CIAddr = addr
	m.Options.SetAddr(dhcp4.OptServerID, server)
	wire, err := m.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.conn.WriteTo(wire, &net.UDPAddr{IP: net.IPv4bcast, Port: dhcp4.ServerPort}); err != nil {
		t.Fatalf("send DHCPRELEASE: %v", err)
	}
}
