package client

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// ErrGaveUp is returned by Runner.Run when the machine gave up under -1.
var ErrGaveUp = errors.New("unable to obtain a lease on first try")

// RunnerConfig configures one interface's runner.
type RunnerConfig struct {
	Machine  statemachine.Config
	Recorded []*statemachine.Lease // unexpired stored and fallback leases
	Link     Link
	Hooks    Hooks
	Store    LeaseStore
	Log      *slog.Logger // nil: discard
	// ScriptMode is configure-interface script: each hook call completes
	// before the machine goes on, since the script configures the
	// interface (SPEC §6.5).
	ScriptMode bool
	// ReleaseOnStop sends DHCPRELEASE when ctx ends (release-on-stop);
	// by default a stopped daemon leaves the lease alone (SPEC §13).
	ReleaseOnStop bool
	// LinkLocal claims an IPv4 link-local address when the machine asks
	// (ipv4ll); nil: the interface has no ARP, and none is claimed.
	LinkLocal LinkLocalLink
	// OnReady is called once, when the interface first bound or first
	// timed out (the moment ISC's parent process returns).
	OnReady func()
	// OnSent is called once, after the interface's first message went
	// out (or once it waits without sending: link down, paused,
	// stopped): its state machine has started as ISC's had when
	// dhclient -nw detached.
	OnSent func()
	// OnStarted is called once the machine has taken its first step (its
	// first message is out, or it waits for the link), or earlier while
	// that step waits for PREINIT in script mode. Not called when Run
	// ends before.
	OnStarted func()
	// OnChange is called after every step that changed the state or the
	// lease, with a snapshot; it must not block.
	OnChange func(Status)
	// Pacer spaces the starts of the daemon's interfaces, and the
	// LinkUps that restart them (StartPacer); nil starts at once.
	Pacer *StartPacer
	// Hostname returns the host's name now, read before every step: ISC
	// evaluates gethostname() for every message, and a BOUND hook commonly
	// sets the name, which the renewals and the release after it carry.
	// When it differs from the name Machine was built for (BuiltFor), the
	// machine takes Rebuild's configuration for the new one. nil, or a nil
	// Rebuild, keeps Machine as it is.
	Hostname func() string
	// Rebuild returns the machine's configuration for a host so named:
	// the send statements, modifiers and their expressions evaluated with
	// it (and for the configuration a reload hands over, Reconfigure).
	Rebuild  func(hostname string) statemachine.Config
	BuiltFor string // the host name Machine was built for
}

// Status is a snapshot of one interface, safe to share.
type Status struct {
	Interface string
	State     statemachine.State
	Lease     *statemachine.Lease
	LastAck   *dhcp4.Message
	// Dropped counts the received packets dropped, by class: those that
	// did not decode and those the machine ignored.
	Dropped [statemachine.NumDropClasses]uint64
	// ConfigureErr is the error of the last attempt to put the lease on
	// the interface, empty once one succeeded or the lease was taken
	// off (StateName).
	ConfigureErr string
	// LinkLocal is the IPv4 link-local address claimed (RFC 3927), if any.
	LinkLocal netip.Addr
	// Reason is the hook reason of the step that made this status (BOUND,
	// RENEW, EXPIRE), empty for a step that ran no hook.
	Reason string
	// Carrier is "up" or "down" once the link watch has told either, ""
	// before.
	Carrier string
}

// Runner owns one interface's Machine: a single goroutine feeds it
// packets, the timer, link changes, control requests and hook results,
// and carries out its actions (STYLE §3).
type Runner struct {
	cfg    RunnerConfig
	m      *statemachine.Machine
	log    *slog.Logger
	rx     chan statemachine.Event // the readers' Received events
	events chan statemachine.Event
	ctl    chan func() // run on the runner goroutine
	done   chan struct{}
	timer  *time.Timer
	bcast  *socket
	// quieted is the packet socket while it passes nothing: bound, with
	// forcerenew off (socket.go). At most one of bcast and quieted is set.
	quieted *socket
	ucast   Sender
	ucastA  netip.Addr
	pre     prefilter       // what the readers drop before copying
	ctx     context.Context // of Run, for steps requested through ctl
	ll      linkLocal       // the link-local claim (ipv4ll)
	// stopped is set by a Stop event that left the machine STOPPED: the
	// runner ends. A release also stops the machine, but the runner stays,
	// so that a later renew or resume starts it again.
	stopped bool
	ready   bool
	sent    bool // the first message went out (OnSent)
	started bool // the first step was taken (OnStarted)
	gaveUp  bool
	// inScript is set while the loop waits for its script's exit, in
	// script mode (runHook): busy, not stuck (Ping).
	inScript atomic.Bool
	// raised says that Run has just set the link up: the PREINIT of the
	// first step need not ask again, unless the start was paced.
	raised bool
	// heldPreinit is a PREINIT of native mode waiting until the machine
	// no longer awaits an answer (preinit.go), nil when none waits.
	heldPreinit *HookCall
	// heldUp is a LinkUp waiting for its turn (runner_linkup.go), and
	// heldUpC its channel, nil when none waits.
	heldUp  *time.Timer
	heldUpC <-chan time.Time
	// hostname is the host name the machine's configuration was built
	// for (RunnerConfig.BuiltFor, then Rebuild's).
	hostname string
	// pending holds events that must be stepped before anything else is
	// read: hook results in script mode, and posted ones being worked off.
	pending []statemachine.Event
	wg      sync.WaitGroup

	// inbox holds events posted by any goroutine (post); inboxWake, of
	// capacity one, tells the loop there are some.
	inboxMu   sync.Mutex
	inbox     []statemachine.Event
	inboxWake chan struct{}

	mu     sync.Mutex
	status Status
}

// NewRunner returns a runner for cfg; Run starts it.
func NewRunner(cfg RunnerConfig) *Runner {
	log := orDiscard(cfg.Log)
	return &Runner{
		cfg: cfg,
		m:   statemachine.New(cfg.Machine, cfg.Recorded),
		log: log,
		// The reader waits while the runner is busy and the datagrams
		// behind it in the socket: a longer queue would only hold
		// decoded messages longer.
		rx:     make(chan statemachine.Event, 1),
		events: make(chan statemachine.Event, 16),
		ctl:    make(chan func()),
		done:   make(chan struct{}),

		inboxWake: make(chan struct{}, 1),
		status:    Status{Interface: cfg.Link.Name()},
		hostname:  cfg.BuiltFor,
	}
}

// Send delivers a control event (Renew, Release, Pause, LinkUp, ...) to
// the runner. It returns false when the runner has stopped.
func (r *Runner) Send(ev statemachine.Event) bool {
	select {
	case <-r.done: // the buffered channel would take it all the same
		return false
	default:
	}
	select {
	case r.events <- ev:
		return true
	case <-r.done:
		return false
	}
}

// Status returns the latest snapshot.
func (r *Runner) Status() Status {
	r.mu.Lock()
	s := r.status
	r.mu.Unlock()
	s.Dropped[statemachine.DropMalformed] += r.pre.framesDropped()
	return s
}

// Run drives the machine until ctx ends (SIGTERM: leave the interface as
// it is, run no script, SPEC §13), the machine stops, or it gives up
// under -1 (ErrGaveUp).
func (r *Runner) Run(ctx context.Context) error {
	// Shutdown order: close the sockets and done, then join the readers,
	// probes and hook callbacks that may be blocked on either.
	defer r.wg.Wait()
	defer close(r.done)
	r.ctx = ctx
	r.raised = r.up()
	if err := r.open(); err != nil {
		return err
	}
	defer r.closeAll()

	if !r.awaitStart(ctx) {
		return nil // stopped before it started: nothing to leave
	}
	r.step(ctx, statemachine.Start{})
	r.markStarted()
	for !r.gaveUp && !r.stopped {
		ev, ok := r.next(ctx)
		if !ok {
			r.stopping(ctx)
			return nil
		}
		if ev != nil {
			r.step(ctx, ev)
		}
	}
	if r.gaveUp {
		return ErrGaveUp
	}
	return nil
}

// awaitStart waits for the interface's turn to start (StartPacer);
// false when ctx ended first. Events sent meanwhile wait in their
// channel, and are stepped after Start.
func (r *Runner) awaitStart(ctx context.Context) bool {
	if r.cfg.Pacer == nil {
		return true
	}
	d := r.cfg.Pacer.Reserve(time.Now())
	if d <= 0 {
		return true
	}
	r.log.Debug("start paced", "interface", r.cfg.Link.Name(), "after", d)
	r.raised = false // the link may have gone down meanwhile
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// next waits for the runner's next input and returns the event it makes
// for the machine: nil for the inputs the runner handles itself (control
// calls, the link-local claim), ok false once ctx has ended. The select
// has a function of its own so that the frame a waiting runner keeps on
// its stack stays small: a goroutine's stack is halved by the collector
// only when less than a quarter of it is in use, and an idle runner then
// holds 4 KiB instead of 8 (issue 14).
func (r *Runner) next(ctx context.Context) (ev statemachine.Event, ok bool) {
	select {
	case <-ctx.Done():
		return nil, false
	case ev = <-r.rx:
		return ev, true
	case <-r.timer.C:
		return statemachine.Timeout{}, true
	case ev = <-r.events:
		return r.linkEvent(ev), true
	case <-r.heldUpC:
		return r.heldLinkUpDue(), true
	case f := <-r.ctl:
		f()
	case p := <-r.ll.rx:
		r.linkLocalARP(p)
	case <-r.ll.timerC:
		r.linkLocalTimeout()
	case <-r.inboxWake:
		return r.firstPosted(), true
	}
	return nil, true
}

// stopping ends the runner's work when its context ends: queued hook
// calls are dropped, and the lease released under release-on-stop.
func (r *Runner) stopping(ctx context.Context) {
	if r.cfg.Hooks != nil {
		n := r.cfg.Hooks.DropPending()
		if r.heldPreinit != nil { // queued too, in effect
			r.heldPreinit = nil
			n++
		}
		if n > 0 {
			r.log.Log(ctx, LevelNotice, "stopping: dropped queued hook calls", "interface", r.cfg.Link.Name(), "count", n)
		}
	}
	if r.cfg.ReleaseOnStop {
		r.step(context.WithoutCancel(ctx), statemachine.Release{})
	}
}

// RunOnce opens the broadcast socket, applies the single event ev and
// carries out its actions: dhclient -r and -x without a running daemon
// act on the stored lease this way (reference §1.5). The socket bound to
// the leased address opens only when a Send needs it (send): -x sends
// nothing, and the address may be gone.
func (r *Runner) RunOnce(ctx context.Context, ev statemachine.Event) error {
	defer r.wg.Wait()
	defer close(r.done)
	if err := r.open(); err != nil {
		return err
	}
	defer r.closeAll()
	r.step(ctx, ev)
	return nil
}

// up sets the link up before the socket opens (a packet socket bound to
// a down link keeps ENETDOWN pending for its first send) and before the
// first DISCOVER, which PREINIT, run off this goroutine in native mode,
// must not hold back (SPEC §6.5). It reports whether the link is up.
func (r *Runner) up() bool {
	if err := r.cfg.Link.Up(); err != nil {
		r.log.Error("bring interface up", "err", err)
		return false
	}
	return true
}

// open opens the broadcast socket and starts its reader, and makes the
// machine's timer, stopped until an Arm.
func (r *Runner) open() error {
	if _, err := r.packetConn(); err != nil {
		return err
	}
	r.timer = time.NewTimer(time.Hour)
	r.timer.Stop()
	return nil
}

// closeAll stops the timer and closes the sockets.
func (r *Runner) closeAll() {
	r.timer.Stop()
	r.dropHeldLinkUp()
	r.closeConns()
}

// step applies ev and carries out the resulting actions.
func (r *Runner) step(ctx context.Context, ev statemachine.Event) {
	r.refreshHostname()
	before := r.m.State()
	r.log.Debug("event", "state", before, "event", ev)
	changed := false
	for _, a := range r.m.Step(time.Now(), ev) {
		_, dropped := a.(statemachine.Dropped)
		changed = changed || !dropped
		r.do(ctx, a)
	}
	if _, rx := ev.(statemachine.Received); rx && !changed && r.m.State() == before {
		// A message dropped changes neither state nor lease: no new
		// snapshot, so that a flood of them costs no copies (issue 12).
		r.stepPending(ctx)
		return
	}
	if msg, ok := ev.(statemachine.Received); ok && msg.Msg.Type() == dhcp4.Ack && r.m.Lease() != nil {
		r.setStatus(func(s *Status) { s.LastAck = withoutKey(msg.Msg) })
	}
	after := r.m.State()
	if after != before {
		r.log.Log(context.Background(), LevelNotice, "state change", "from", before, "to", after)
	}
	if after == statemachine.StateLinkDown || after == statemachine.StatePaused || after == statemachine.StateStopped {
		r.markSent()
	}
	r.fitSocket()
	r.publishState()
	if _, ok := ev.(statemachine.Stop); ok && r.m.State() == statemachine.StateStopped {
		r.stopped = true
	}
	r.settlePreinit(ev)
	r.stepPending(ctx)
}

// stepPending steps the next pending event, if any.
func (r *Runner) stepPending(ctx context.Context) {
	if len(r.pending) > 0 {
		next := r.pending[0]
		r.pending = r.pending[1:]
		r.step(ctx, next)
	}
}

// publishState makes the machine's state and lease the status that
// dhclientctl and systemd see.
func (r *Runner) publishState() { r.publishStep("") }

// publishStep is publishState for a step whose hook has reason (empty for
// none).
func (r *Runner) publishStep(reason string) {
	r.setStatus(func(s *Status) { s.State, s.Lease, s.Reason = r.m.State(), r.m.Lease().Clone(), reason })
}

// refreshHostname rebuilds the machine's configuration for the host's
// current name when it changed.
func (r *Runner) refreshHostname() {
	if r.cfg.Hostname == nil || r.cfg.Rebuild == nil {
		return
	}
	if h := r.cfg.Hostname(); h != r.hostname {
		r.reconfigure(r.cfg.Rebuild(h), h)
	}
}

// reconfigure hands the machine c, built for the host name host, and fits
// the packet socket to it.
func (r *Runner) reconfigure(c statemachine.Config, host string) {
	r.m.Reconfigure(c)
	r.hostname = host
	r.fitSocket()
}

func (r *Runner) setStatus(f func(*Status)) {
	r.mu.Lock()
	f(&r.status)
	s := r.status
	r.mu.Unlock()
	if r.cfg.OnChange != nil {
		r.cfg.OnChange(s)
	}
}

// countDrop counts a packet that did not decode or that the machine
// ignored (SPEC §10: malformed packets are dropped and counted).
func (r *Runner) countDrop(class statemachine.DropClass, reason string) {
	r.mu.Lock()
	r.status.Dropped[class]++
	r.mu.Unlock()
	// Checked first: the arguments would cost allocations under a flood
	// even with debug logging off.
	if r.log.Enabled(context.Background(), slog.LevelDebug) {
		r.log.Debug("dropped packet", "class", class, "reason", reason)
	}
}

func (r *Runner) closeConns() {
	r.bcast.close()
	r.dropQuieted()
	r.closeUnicast()
	r.closeLinkLocal()
}

// reopen replaces the broadcast socket when the link comes back and
// the socket cannot be kept (keepSocket): an interface that was removed
// and created again has a new index, which the old socket is not bound
// to (SPEC §4: a removed interface is waited for). On failure the old
// socket stays. A quieted socket not kept is closed instead: the next
// send opens one on the link as it is then.
func (r *Runner) reopen() {
	if r.keepSocket() {
		return
	}
	if r.bcast == nil {
		r.dropQuieted()
		return
	}
	bc, err := r.cfg.Link.OpenBroadcast()
	if err != nil {
		r.log.Warn("reopen receive socket", "err", err)
		return
	}
	r.bcast.close()
	r.bcast = r.listen(bc)
}
