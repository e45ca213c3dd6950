package bench

import (
	"math/rand/v2"
	"net"
	"testing"

	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine/dhcp4"
)

// Each kind of the flood is what it says: the framing kinds fail the
// IPv4/UDP checks, the rest reach the BOOTP layer with the xid and
// chaddr they claim, and none decodes to a message the client could use
// as a lease in its exchange.
func TestFloodKinds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ch := net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	const xid = 0x11223344
	framing := map[string]bool{"truncated IPv4 header": true, "IPv4 header claiming 64 KiB": true}
	names := map[string]bool{}
	for _, k := range floodKinds {
		if names[k.name] {
			t.Errorf("kind %q twice", k.name)
		}
		names[k.name] = true
		pkt := k.build(r, ch, xid)
		payload, _, dst, err := platform.Unframe(pkt, false)
		if framing[k.name] {
			if err == nil {
				t.Errorf("%s: passes the framing checks", k.name)
			}
			continue
		}
		if err != nil || dst.Port() != 68 {
			t.Errorf("%s: framing: %v, to %v", k.name, err, dst)
			continue
		}
		m, err := dhcp4.Parse(payload)
		if err != nil {
			continue // dropped as malformed
		}
		usable := m.XID == xid && string(m.CHAddr[:6]) == string(ch) && (m.Type() == dhcp4.Offer || m.Type() == dhcp4.Ack)
		if usable {
			t.Errorf("%s: decodes to a %v for the exchange", k.name, m.Type())
		}
	}
}
