package control

import "testing"

// The server subscribes before it answers a watch request, so a client
// that acts once it has the answer (sets a link down, say) sees every
// event that follows.
func TestWatchSubscribesBeforeAnswering(t *testing.T) {
	h := serve(t, nil)
	c := h.dial()
	if _, err := c.Do(Request{Verb: VerbWatch}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-h.fake.watching:
	default:
		t.Error("watch answered before the subscription began")
	}
}
