package fakeserver

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

// DefaultLeaseTime is the lease time when Config.LeaseTime is zero.
const DefaultLeaseTime = 10 * time.Minute

// Config describes a Server.
type Config struct {
	// Interface names the link in log lines (as ISC dhcpd's "via IF").
	Interface string
	// ServerID is the server's address: option 54 and the reply source.
	ServerID netip.Addr
	// Subnet is the clients' subnet; option 1 is derived from it.
	Subnet netip.Prefix
	// RangeStart and RangeEnd bound the addresses handed out (inclusive).
	RangeStart, RangeEnd netip.Addr
	// LeaseTime is option 51; zero means DefaultLeaseTime.
	LeaseTime time.Duration
	// T1 and T2, when non-zero, are sent as options 58 and 59.
	T1, T2 time.Duration
	// Options are added to every OFFER and ACK after the options above
	// (routers, DNS servers, MTU, classless routes …), in this order.
	Options dhcp4.Options
	// ReconfigureKey, when set, goes in option 90 of every ACK to a
	// client that sent option 145 (RFC 6704 §3.1): the key that
	// authenticates ForceRenew's messages.
	ReconfigureKey []byte
	// Script makes the server misbehave; nil answers everything normally.
	Script Script
	// Log receives one line per message, in ISC dhcpd's phrasing; nil
	// discards them.
	Log io.Writer
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Reply is one datagram the server sends in answer to a message.
type Reply struct {
	// Msg is the reply; nil for a Malformed step.
	Msg *dhcp4.Message
	// Wire is the encoded datagram.
	Wire []byte
	// To is the destination (RFC 2131 §4.1).
	To netip.AddrPort
	// Delay is how long to wait before sending.
	Delay time.Duration
}

// Server is a scriptable DHCPv4 server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg Config

	mu       sync.Mutex
	pool     *pool
	script   scriptState
	ids      []netip.Addr // every server identifier advertised so far
	received []*dhcp4.Message
	notify   chan struct{} // closed and replaced on every received message
	replay   uint64        // RFC 3118 replay detection counter of option 90
}

// New checks cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if !cfg.ServerID.Is4() {
		return nil, errors.New("fakeserver: server id must be an IPv4 address")
	}
	if !cfg.Subnet.IsValid() || !cfg.Subnet.Contains(cfg.RangeStart) || !cfg.Subnet.Contains(cfg.RangeEnd) {
		return nil, fmt.Errorf("fakeserver: range %v-%v outside subnet %v", cfg.RangeStart, cfg.RangeEnd, cfg.Subnet)
	}
	if cfg.RangeEnd.Less(cfg.RangeStart) {
		return nil, fmt.Errorf("fakeserver: empty range %v-%v", cfg.RangeStart, cfg.RangeEnd)
	}
	if cfg.LeaseTime == 0 {
		cfg.LeaseTime = DefaultLeaseTime
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	return &Server{
		cfg:    cfg,
		pool:   newPool(cfg.RangeStart, cfg.RangeEnd),
		script: newScriptState(cfg.Script),
		ids:    []netip.Addr{cfg.ServerID},
		notify: make(chan struct{}),
	}, nil
}

// SetScript replaces the script; counts start again from zero.
func (s *Server) SetScript(sc Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = newScriptState(sc)
}

// Received returns every message received so far, in order.
func (s *Server) Received() []*dhcp4.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.received)
}

// Binding returns the address committed to the client with key clientKey
// (see ClientKey), if any.
func (s *Server) Binding(clientKey string) (netip.Addr, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pool.lookup(clientKey)
}

// ClientKey is the key Binding takes for msg's sender: option 61 when
// present, else the hardware address (RFC 2131 §4.2).
func ClientKey(msg *dhcp4.Message) string {
	if id, ok := msg.Options.Get(dhcp4.OptClientID); ok && len(id) > 0 {
		return fmt.Sprintf("id:%x", id)
	}
	return "hw:" + msg.HardwareAddr().String()
}

// Handle records req and returns the datagrams to send in answer, in
// order; none when the message is dropped or needs no answer.
func (s *Server) Handle(req *dhcp4.Message) []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, req)
	close(s.notify)
	s.notify = make(chan struct{})
	if req.Op != dhcp4.BootRequest {
		return nil
	}
	step, scripted := s.script.next(req.Type())
	if scripted && step.Drop {
		s.logf("script: drop %v from %v", req.Type(), req.HardwareAddr())
		return nil
	}
	var reply *dhcp4.Message
	if scripted && step.NAK {
		reply = s.nak(req, "scripted")
	} else {
		reply = s.answer(req)
	}
	if reply == nil {
		return nil
	}
	return []Reply{s.finish(req, reply, step)}
}

// finish applies a step's edits to reply and encodes it.
func (s *Server) finish(req, reply *dhcp4.Message, st Step) Reply {
	if st.ServerID.IsValid() {
		reply.Options.SetAddr(dhcp4.OptServerID, st.ServerID)
		if !slices.Contains(s.ids, st.ServerID) {
			s.ids = append(s.ids, st.ServerID)
		}
	}
	if st.LeaseTime != 0 && reply.Options.Has(dhcp4.OptLeaseTime) {
		reply.Options.SetUint32(dhcp4.OptLeaseTime, seconds(st.LeaseTime))
	}
	if st.Edit != nil {
		st.Edit(reply)
	}
	wire, err := reply.AppendBinary(nil)
	if err != nil {
		// An Edit made the message unencodable: send what a broken
		// server would, the header alone.
		wire = wire[:0]
	}
	r := Reply{Msg: reply, Wire: wire, To: destination(req, reply), Delay: st.Delay}
	if st.Malformed {
		r.Msg, r.Wire = nil, r.Wire[:min(len(r.Wire), 120)]
	}
	return r
}

// Wait returns a channel closed when the next message is received.
func (s *Server) Wait() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notify
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.cfg.Log, format+"\n", args...)
}

// seconds converts d to a 32-bit option value, rounding down.
func seconds(d time.Duration) uint32 {
	return uint32(min(d/time.Second, dhcp4.InfiniteLease))
}
