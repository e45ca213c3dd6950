package fakeserver

import (
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// FuzzHandle feeds arbitrary datagrams to a server that is in the middle
// of a script: it must never panic, and every reply that is not
// deliberately malformed must parse and echo the request's xid.
func FuzzHandle(f *testing.F) {
	for _, mt := range []dhcp4.MessageType{dhcp4.Discover, dhcp4.Request, dhcp4.Release, dhcp4.Decline, dhcp4.Inform} {
		w, _ := msg(mt, hwA, requesting(serverID.Next(), serverID)).AppendBinary(nil)
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := dhcp4.Parse(b)
		if err != nil {
			return
		}
		cfg := testConfig()
		cfg.Script = Script{{On: dhcp4.Request, Count: 1, NAK: true}, {On: dhcp4.Discover, Count: 1, Drop: true}}
		s := newServer(t, cfg)
		for range 3 {
			for _, r := range s.Handle(req) {
				back, err := dhcp4.Parse(r.Wire)
				if err != nil {
					t.Fatalf("reply does not parse: %v", err)
				}
				if back.XID != req.XID {
					t.Fatalf("reply xid %#x, want %#x", back.XID, req.XID)
				}
			}
		}
	})
}
