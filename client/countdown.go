package client

import "sync"

// countdown closes Done once Count has been called n times: the manager
// waits for every interface to be ready, and for each to have sent its
// first message (dhclient -nw), with one each.
type countdown struct {
	mu   sync.Mutex
	left int
	done chan struct{}
}

func newCountdown(n int) *countdown {
	c := &countdown{left: n, done: make(chan struct{})}
	if n == 0 {
		close(c.done)
	}
	return c
}

// Count counts one; calls past zero are ignored.
func (c *countdown) Count() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left == 0 {
		return
	}
	c.left--
	if c.left == 0 {
		close(c.done)
	}
}

// Done is closed once the count has reached zero.
func (c *countdown) Done() <-chan struct{} { return c.done }
