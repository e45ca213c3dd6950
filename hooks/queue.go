package hooks

import (
	"context"
	"sync"
)

// Queue runs one interface's hook calls in submission order on its own
// goroutine, so a slow hook never blocks the caller (SPEC §6.5): the
// protocol goroutine submits and goes on, and learns the result through
// the done callback. The goroutine runs only while calls are queued: an
// idle interface, bound for hours, holds none and no stack grown by the
// last hook it ran (issue 14).
//
// The backlog has no fixed bound and no call is ever skipped (SPEC §4
// "Never stuck"): a hook slower than the lease's timers makes only its own
// interface's backlog grow, by one call per protocol exchange, which the
// state machine's retransmission schedule bounds. DropPending sheds it
// when the daemon is told to stop.
type Queue struct {
	r  *Runner
	wg sync.WaitGroup

	mu       sync.Mutex
	pending  []job
	closed   bool
	running  bool       // the goroutine runs; it ends when pending is empty
	progress *sync.Cond // on mu; broadcast when finished grows
	// submitted and finished count calls, so that Flush can wait for
	// those submitted before it without waiting for later ones.
	submitted, finished uint64
	// endRunning ends the call running now, nil when none runs.
	endRunning context.CancelFunc
}

type job struct {
	script string
	env    []string
	done   func(Result)
}

// NewQueue returns a queue that runs calls with r.
func NewQueue(r *Runner) *Queue {
	q := &Queue{r: r}
	q.progress = sync.NewCond(&q.mu)
	return q
}

// Submit queues a run of script with env. done, when not nil, is called
// with the result on the queue's goroutine; it must not block for long.
// Submit never blocks; it returns false only when the queue is closed.
func (q *Queue) Submit(script string, env []string, done func(Result)) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	q.pending = append(q.pending, job{script, env, done})
	q.submitted++
	if !q.running {
		q.running = true
		q.wg.Go(q.loop)
	}
	return true
}

// DropPending discards the calls that have not started, reporting each
// as not run (done is not called), and returns how many there were; the
// call running now is ended as a timed-out one (SIGTERM to its process
// group, SIGKILL after killGrace), its done called with the result. A
// daemon told to stop drops its backlog this way, as ISC dhclient, which
// runs its script inline, has none, and stops waiting for its script on
// SIGTERM. Calls submitted afterwards (a RELEASE of release-on-stop) run
// as usual.
func (q *Queue) DropPending() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.pending)
	q.pending = nil
	q.finished += uint64(n)
	q.progress.Broadcast()
	if q.endRunning != nil {
		q.endRunning()
	}
	return n
}

// Close stops accepting calls, lets the queued ones run (each still bound
// by the runner's timeout), and returns when the goroutine has ended.
// Calling Close more than once is harmless. Submit adds to the wait group
// only while the queue is open, under q.mu, so every Add comes before the
// Wait here.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.wg.Wait()
}

// next returns the next call with the context it runs under, which
// DropPending cancels; ok is false when none is queued, and the goroutine
// then ends (Submit starts another).
func (q *Queue) next() (j job, ctx context.Context, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		q.running = false
		return job{}, nil, false
	}
	j = q.pending[0]
	q.pending[0] = job{} // let the environment be collected
	q.pending = q.pending[1:]
	ctx, q.endRunning = context.WithCancel(context.Background())
	return j, ctx, true
}

func (q *Queue) loop() {
	for {
		j, ctx, ok := q.next()
		if !ok {
			return
		}
		res := q.r.Run(ctx, j.script, j.env)
		if j.done != nil {
			j.done(res)
		}
		q.mu.Lock()
		q.endRunning()
		q.endRunning = nil
		q.finished++
		q.progress.Broadcast()
		q.mu.Unlock()
	}
}

// Flush waits until every call submitted before it has run (or was
// dropped) and its done callback has returned, or until ctx ends, whose
// error it then returns. Calls submitted meanwhile are not waited for.
// The daemon flushes the STOP hooks of a pause before it lets the system
// suspend (SPEC §1.4): a hook that restores resolv.conf or stops an NTP
// client must have finished before the machine sleeps.
func (q *Queue) Flush(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	target := q.submitted
	// Wake the wait below when ctx ends; the lock orders this broadcast
	// after Wait has released it, so it is not lost.
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.progress.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	for q.finished < target {
		if err := ctx.Err(); err != nil {
			return err
		}
		q.progress.Wait()
	}
	return nil
}
