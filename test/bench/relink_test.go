//go:build linux

package bench

import (
	"fmt"
	"time"

	"github.com/leased/leased/test/lab"
)

// Lines of leased's log (ISC's wording) that the relink phase counts.
const (
	boundLine   = "bound to "
	requestLine = "DHCPREQUEST for "
)

// relinkSample is one run of the relink phase: every client link loses
// its carrier and regains it at once, as when the switch of a thousand
// links restarts, and each interface confirms its lease (INIT-REBOOT,
// RFC 2131 §3.2).
type relinkSample struct {
	bound    time.Duration // carrier back to the last lease confirmed
	requests int           // DHCPREQUESTs sent meanwhile
	srvLoss  serverLoss    // the server's losses meanwhile
}

// relinkOnce takes the carrier of every client link away and back, by
// setting the server's ends down and up, and waits until the daemon p,
// bound on all of them, has logged a binding for each again.
func relinkOnce(l *lab.Lab, p *proc, names []string) (relinkSample, error) {
	bound0, err := countLines(p.log, boundLine)
	if err != nil {
		return relinkSample{}, err
	}
	if err := setPeers(l, names, false); err != nil {
		return relinkSample{}, err
	}
	// Every runner has its LinkDown once the daemon has gone quiet.
	if err := settle(p); err != nil {
		return relinkSample{}, err
	}
	before, err := relinkCount(l, p)
	if err != nil {
		return relinkSample{}, err
	}
	start := time.Now()
	if err := setPeers(l, names, true); err != nil {
		return relinkSample{}, err
	}
	deadline := start.Add(time.Minute + time.Duration(len(names))*100*time.Millisecond)
	for {
		n, err := countLines(p.log, boundLine)
		if err != nil {
			return relinkSample{}, err
		}
		if n >= bound0+len(names) {
			break
		}
		if time.Now().After(deadline) {
			return relinkSample{}, fmt.Errorf("%d of %d interfaces bound again %v after their links came back", n-bound0, len(names), time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(20 * time.Millisecond)
	}
	bound := time.Since(start)
	after, err := relinkCount(l, p)
	if err != nil {
		return relinkSample{}, err
	}
	return relinkSample{bound: bound, requests: after.requests - before.requests, srvLoss: after.srvLoss.since(before.srvLoss)}, nil
}

// relinkCount reads the counters of relinkSample: the DHCPREQUESTs the
// daemon p has logged and the server's losses, so far.
func relinkCount(l *lab.Lab, p *proc) (relinkSample, error) {
	requests, err := countLines(p.log, requestLine)
	if err != nil {
		return relinkSample{}, err
	}
	loss, err := readServerLoss(l.ServerNS())
	return relinkSample{requests: requests, srvLoss: loss}, err
}

// setPeers sets the server's end of every client link up or down.
func setPeers(l *lab.Lab, names []string, up bool) error {
	h := l.ServerHandle()
	for _, n := range names {
		link, err := h.LinkByName(l.ServerPeer(n))
		if err == nil {
			if up {
				err = h.LinkSetUp(link)
			} else {
				err = h.LinkSetDown(link)
			}
		}
		if err != nil {
			return fmt.Errorf("set the server end of %s up=%v: %w", n, up, err)
		}
	}
	return nil
}
