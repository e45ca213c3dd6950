package client

import (
	"context"
	"math/rand/v2"
	"net/netip"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/statemachine/linklocal"
)

// ARPConn is an ARP socket on one interface, for IPv4 link-local
// addressing (RFC 3927).
type ARPConn interface {
	// ReadARP returns the next ARP request or reply seen on the link.
	ReadARP() (linklocal.Packet, error)
	SendProbe(addr netip.Addr) error
	SendAnnounce(addr netip.Addr) error
	Close() error
}

// LinkLocalLink is what the link-local claim needs from an interface
// besides Link. In script mode Add and Remove do nothing: the script
// configures the address on the IPV4LL hook.
type LinkLocalLink interface {
	OpenARP() (ARPConn, error)
	AddLinkLocal(addr netip.Addr) error
	RemoveLinkLocal(addr netip.Addr) error
}

// linkLocal is the runner's link-local claim: the pure claimer, the ARP
// socket while it runs, and the claimer's own timer. Its channels are nil
// while it does not run, so the runner's select never picks them.
type linkLocal struct {
	claimer *linklocal.Claimer
	conn    ARPConn
	rx      chan *linklocal.Packet
	quit    chan struct{}
	timer   *time.Timer
	timerC  <-chan time.Time
}

// linkLocalAction carries out the machine's LinkLocal action.
func (r *Runner) linkLocalAction(a statemachine.LinkLocal) {
	if a.On {
		r.startLinkLocal()
	} else {
		r.stopLinkLocal()
	}
}

// startLinkLocal opens the ARP socket and starts claiming.
func (r *Runner) startLinkLocal() {
	ll := &r.ll
	if ll.conn != nil {
		return
	}
	if r.cfg.LinkLocal == nil {
		r.log.Warn("ipv4ll: this interface has no ARP; no link-local address")
		return
	}
	conn, err := r.cfg.LinkLocal.OpenARP()
	if err != nil {
		r.log.Error("ipv4ll: open arp socket", "err", err)
		return
	}
	if ll.claimer == nil { // kept across runs: it remembers the last address
		ll.claimer = linklocal.New(r.cfg.Machine.HWAddr, rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())))
	}
	ll.conn, ll.rx, ll.quit = conn, make(chan *linklocal.Packet, 16), make(chan struct{})
	rx, quit := ll.rx, ll.quit
	r.wg.Go(func() {
		for {
			p, err := conn.ReadARP()
			if err != nil {
				return // closed by stopLinkLocal or at the end of Run
			}
			select {
			case rx <- &p:
			case <-quit:
				return
			case <-r.done:
				return
			}
		}
	})
	r.log.Log(context.Background(), LevelNotice, "ipv4ll: claiming a link-local address")
	r.linkLocalDo(ll.claimer.Start(time.Now()))
}

// stopLinkLocal gives the address up and closes the ARP socket.
func (r *Runner) stopLinkLocal() {
	ll := &r.ll
	if ll.conn == nil {
		return
	}
	r.linkLocalDo(ll.claimer.Stop())
	close(ll.quit)
	if err := ll.conn.Close(); err != nil {
		r.log.Warn("ipv4ll: close arp socket", "err", err)
	}
	ll.conn, ll.rx, ll.quit = nil, nil, nil
	r.linkLocalArm()
}

// linkLocalTimeout and linkLocalARP feed the claimer from the runner's
// loop.
func (r *Runner) linkLocalTimeout() {
	r.ll.timerC = nil
	r.linkLocalDo(r.ll.claimer.Timeout(time.Now()))
}

func (r *Runner) linkLocalARP(p *linklocal.Packet) {
	r.linkLocalDo(r.ll.claimer.Received(time.Now(), *p))
}

// linkLocalDo carries out the claimer's actions and re-arms its timer.
func (r *Runner) linkLocalDo(acts []linklocal.Action) {
	for _, a := range acts {
		r.log.Debug("ipv4ll", "action", a)
		switch a.Kind {
		case linklocal.SendProbe:
			r.logARPError(r.ll.conn.SendProbe(a.Addr))
		case linklocal.SendAnnounce:
			r.logARPError(r.ll.conn.SendAnnounce(a.Addr))
		case linklocal.Claim:
			if err := r.cfg.LinkLocal.AddLinkLocal(a.Addr); err != nil {
				r.log.Error("ipv4ll: add address", "addr", a.Addr, "err", err)
			}
			r.log.Info("IPv4 link-local address " + a.Addr.String() + " on " + r.cfg.Link.Name())
			r.setStatus(func(s *Status) { s.LinkLocal = a.Addr })
			r.linkLocalHook(&statemachine.RunHook{Reason: statemachine.ReasonIPv4LL, New: linkLocalLease(a.Addr)})
		case linklocal.Release:
			if err := r.cfg.LinkLocal.RemoveLinkLocal(a.Addr); err != nil {
				r.log.Error("ipv4ll: remove address", "addr", a.Addr, "err", err)
			}
			r.log.Log(context.Background(), LevelNotice, "ipv4ll: link-local address removed", "addr", a.Addr)
			r.setStatus(func(s *Status) { s.LinkLocal = netip.Addr{} })
			r.linkLocalHook(&statemachine.RunHook{Reason: statemachine.ReasonIPv4LL, Old: linkLocalLease(a.Addr)})
		}
	}
	r.linkLocalArm()
}

func (r *Runner) logARPError(err error) {
	if err != nil {
		r.log.Warn("ipv4ll", "err", err)
	}
}

// linkLocalArm sets the claimer's timer to its deadline.
func (r *Runner) linkLocalArm() {
	ll := &r.ll
	if ll.timer != nil {
		ll.timer.Stop()
	}
	ll.timerC = nil
	at := time.Time{}
	if ll.claimer != nil && ll.conn != nil {
		at = ll.claimer.Deadline()
	}
	if at.IsZero() {
		return
	}
	if ll.timer == nil {
		ll.timer = time.NewTimer(max(time.Until(at), 0))
	} else {
		ll.timer.Reset(max(time.Until(at), 0))
	}
	ll.timerC = ll.timer.C
}

// linkLocalHook runs the IPV4LL hook. Its exit status decides nothing:
// the address is the link's, not a server's lease to decline.
func (r *Runner) linkLocalHook(a *statemachine.RunHook) {
	if r.cfg.Hooks == nil {
		return
	}
	r.releasePreinit()
	r.cfg.Hooks.Run(HookCall{Interface: r.cfg.Link.Name(), Reason: a.Reason, New: a.New, Old: a.Old}, nil)
}

// linkLocalLease is how the hooks see a link-local address: a lease of
// 169.254.0.0/16 without an end, router or server.
func linkLocalLease(a netip.Addr) *statemachine.Lease {
	var opts dhcp4.Options
	opts.Set(dhcp4.OptSubnetMask, []byte{255, 255, 0, 0})
	opts.Set(dhcp4.OptBroadcast, linklocal.Broadcast.AsSlice())
	return &statemachine.Lease{Addr: a, Options: opts}
}

// closeLinkLocal closes the ARP socket when the runner ends, leaving the
// address as it is (SIGTERM leaves the interface alone, SPEC §13).
func (r *Runner) closeLinkLocal() {
	if ll := &r.ll; ll.conn != nil {
		close(ll.quit)
		_ = ll.conn.Close() // ending: nothing more to do with an error
		ll.conn = nil
	}
	if r.ll.timer != nil {
		r.ll.timer.Stop()
	}
}
