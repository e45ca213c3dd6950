package dhcp4

import (
	"bytes"
	"errors"
	"net"
	"testing"
)

var testKey = []byte("0123456789abcdef")

// forceRenewWire is a DHCPFORCERENEW with option 90 signed under key.
func forceRenewWire(t *testing.T, key []byte, replay uint64) []byte {
	t.Helper()
	m := &Message{Op: BootReply, HType: 1, HLen: 6, XID: 0x1234}
	m.SetHardwareAddr(net.HardwareAddr{2, 0, 0, 0, 0, 1})
	m.Options.Set(OptMessageType, []byte{byte(ForceRenew)})
	m.Options.Set(OptServerID, []byte{10, 0, 0, 1})
	m.Options.Set(OptAuthentication, HMACAuth(replay))
	wire, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if err := SignForceRenew(wire, key); err != nil {
		t.Fatal(err)
	}
	return wire
}

func TestForceRenewAuth(t *testing.T) {
	wire := forceRenewWire(t, testKey, 7)
	if r, err := VerifyForceRenew(wire, testKey); err != nil || r != 7 {
		t.Fatalf("signed message: replay %d, %v; want 7, nil", r, err)
	}
	// Relays may change hops and giaddr: they are outside the digest.
	relayed := bytes.Clone(wire)
	relayed[3], relayed[24] = 1, 10
	if _, err := VerifyForceRenew(relayed, testKey); err != nil {
		t.Errorf("relayed message: %v", err)
	}
	if _, err := VerifyForceRenew(wire, []byte("another key 0123")); !errors.Is(err, ErrAuth) {
		t.Errorf("wrong key: %v, want ErrAuth", err)
	}
	tampered := bytes.Clone(wire)
	tampered[4] ^= 1 // xid
	if _, err := VerifyForceRenew(tampered, testKey); !errors.Is(err, ErrAuth) {
		t.Errorf("tampered message: %v, want ErrAuth", err)
	}
	m, err := Parse(wire)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type() != ForceRenew || m.Type().String() != "DHCPFORCERENEW" {
		t.Errorf("type %v", m.Type())
	}
	m.Options.Del(OptAuthentication)
	unsigned, _ := m.MarshalBinary()
	if _, err := VerifyForceRenew(unsigned, testKey); !errors.Is(err, ErrAuth) {
		t.Errorf("no option 90: %v, want ErrAuth", err)
	}
}

func TestReconfigureKey(t *testing.T) {
	var opts Options
	opts.Set(OptAuthentication, KeyAuth(testKey, 3))
	key, replay, ok := ReconfigureKey(opts)
	if !ok || !bytes.Equal(key, testKey) || replay != 3 {
		t.Fatalf("ReconfigureKey = %x, %d, %v", key, replay, ok)
	}
	opts.Set(OptAuthentication, HMACAuth(3)) // a digest is no key
	if _, _, ok := ReconfigureKey(opts); ok {
		t.Errorf("digest taken as a key")
	}
	opts.Set(OptAuthentication, []byte{3, 1, 0})
	if _, _, ok := ReconfigureKey(opts); ok {
		t.Errorf("short option taken as a key")
	}
	if _, err := ParseAuth([]byte{1, 2}); !errors.Is(err, ErrAuth) {
		t.Errorf("ParseAuth of 2 bytes: %v", err)
	}
}

// FuzzAuth: option 90 data and whole messages never panic the parser or
// the verifier, and whatever ParseAuth accepts re-encodes to its input.
func FuzzAuth(f *testing.F) {
	f.Add(KeyAuth(testKey, 1))
	f.Add(HMACAuth(2))
	f.Add([]byte{3, 1, 0})
	f.Add(bytes.Repeat([]byte{90, 28}, 140))
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := ParseAuth(b); err == nil && !bytes.Equal(a.AppendBinary(nil), b) {
			t.Fatalf("round trip of %x gave %x", b, a.AppendBinary(nil))
		}
		var opts Options
		opts.Set(OptAuthentication, b)
		_, _, _ = ReconfigureKey(opts)
		_, _ = VerifyForceRenew(b, testKey)
		if len(b) >= 240 {
			_ = SignForceRenew(bytes.Clone(b), testKey)
		}
	})
}
