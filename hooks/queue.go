package hooks

import (
	"context"
	"sync"
)

// Queue runs one interface's hook calls in submission order on its own
// goroutine, so a slow hook never blocks the caller (SPEC §6.5): the
// protocol goroutine submits and goes on, and learns the result through
// the done callback.
type Queue struct {
	r    *Runner
	jobs chan job
	wg   sync.WaitGroup

	mu       sync.Mutex
	closed   bool
	progress *sync.Cond // on mu; broadcast when finished grows
	// submitted and finished count calls, so that Flush can wait for
	// those submitted before it without waiting for later ones.
	submitted, finished uint64
}

type job struct {
	script string
	env    []string
	done   func(Result)
}

// NewQueue starts a queue that runs calls with r and holds at most n
// waiting calls (n < 1 means 1) besides the one running.
func NewQueue(r *Runner, n int) *Queue {
	q := &Queue{r: r, jobs: make(chan job, max(n, 1))}
	q.progress = sync.NewCond(&q.mu)
	q.wg.Go(q.loop)
	return q
}

// Submit queues a run of script with env. done, when not nil, is called
// with the result on the queue's goroutine; it must not block for long.
// Submit never blocks: it returns false when the backlog is full or the
// queue is closed, and the call is dropped.
func (q *Queue) Submit(script string, env []string, done func(Result)) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	select {
	case q.jobs <- job{script, env, done}:
		q.submitted++
		return true
	default:
		return false
	}
}

// Close stops accepting calls, lets the queued ones run (each still bound
// by the runner's timeout), and returns when the goroutine has ended.
// Calling Close more than once is harmless.
func (q *Queue) Close() {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
	}
	q.mu.Unlock()
	q.wg.Wait()
}

func (q *Queue) loop() {
	for j := range q.jobs {
		res := q.r.Run(context.Background(), j.script, j.env)
		if j.done != nil {
			j.done(res)
		}
		q.mu.Lock()
		q.finished++
		q.progress.Broadcast()
		q.mu.Unlock()
	}
}

// Flush waits until every call submitted before it has run and its done
// callback has returned, or until ctx ends, whose error it then returns.
// Calls submitted meanwhile are not waited for. The daemon flushes the
// STOP hooks of a pause before it lets the system suspend (SPEC §1.4):
// a hook that restores resolv.conf or stops an NTP client must have
// finished before the machine sleeps.
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
