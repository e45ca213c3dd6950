package fakeserver

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

// The reconfigure key goes only to a client that sent option 145, and a
// FORCERENEW signed with it verifies under it with a fresh replay value.
func TestReconfigureKeyAndForceRenew(t *testing.T) {
	key := []byte("0123456789abcdef")
	cfg := testConfig()
	cfg.ReconfigureKey = key
	s := newServer(t, cfg)
	a := netip.MustParseAddr("10.9.8.100")
	one(t, s, msg(dhcp4.Discover, hwA, nil))
	plain := one(t, s, msg(dhcp4.Request, hwA, requesting(a, serverID)))
	if plain.Msg.Options.Has(dhcp4.OptAuthentication) {
		t.Errorf("ACK to a client without option 145 carries option 90")
	}
	capable := func(m *dhcp4.Message) {
		requesting(a, serverID)(m)
		m.Options.Set(dhcp4.OptForceRenewNonce, []byte{dhcp4.AuthAlgorithmHMACMD5})
	}
	ack := one(t, s, msg(dhcp4.Request, hwA, capable))
	got, replay, ok := dhcp4.ReconfigureKey(ack.Msg.Options)
	if !ok || !bytes.Equal(got, key) {
		t.Fatalf("ACK option 90: key %x, %v", got, ok)
	}
	fr, err := s.ForceRenew(hwA, a, key)
	if err != nil {
		t.Fatal(err)
	}
	if fr.To != netip.AddrPortFrom(a, 68) || fr.Msg.Type() != dhcp4.ForceRenew {
		t.Errorf("%v to %v", fr.Msg.Type(), fr.To)
	}
	if r, err := dhcp4.VerifyForceRenew(fr.Wire, key); err != nil || r <= replay {
		t.Errorf("FORCERENEW verifies as replay %d, %v; want above %d", r, err, replay)
	}
	bare, err := s.ForceRenew(hwA, a, nil)
	if err != nil || bare.Msg.Options.Has(dhcp4.OptAuthentication) {
		t.Errorf("unsigned FORCERENEW: %v, option 90 %v", err, bare.Msg.Options.Has(dhcp4.OptAuthentication))
	}
}
