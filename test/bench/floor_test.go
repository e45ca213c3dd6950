//go:build linux

package bench

import (
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// benchFloor measures the part of a bind no client can shorten: dnsmasq's
// two round trips (DISCOVER/OFFER, REQUEST/ACK) from a socket already open
// on the link, without a process to start or an address to configure. It
// uses its own lab, since the probe turns off reverse-path filtering in
// the client namespace.
func benchFloor(b *testing.B) summary[time.Duration] {
	l := lab.New(b)
	l.StartDnsmasq(b, lab.ServerOpts{})
	p := l.NewProbe(b, l.ClientIf())
	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		offer := p.Discover(b, bindTimeout)
		if ack := p.Request(b, offer, bindTimeout); ack.Type() != dhcp4.Ack {
			b.Fatalf("got %v, want ACK", ack.Type())
		}
		samples = append(samples, time.Since(start))
	}
	s := summarize(samples)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(s.Median), "ms/exchange")
	return s
}
