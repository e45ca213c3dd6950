package client

import "testing"

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func TestCountdown(t *testing.T) {
	if c := newCountdown(0); !closed(c.Done()) {
		t.Error("a countdown from 0 is not done")
	}
	c := newCountdown(2)
	c.Count()
	if closed(c.Done()) {
		t.Error("done after 1 of 2")
	}
	c.Count()
	if !closed(c.Done()) {
		t.Error("not done after 2 of 2")
	}
	c.Count() // past zero: no second close
}
