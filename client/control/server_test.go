package control

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/leased/leased/statemachine/dhcp4"
)

func TestServerVerbs(t *testing.T) {
	tests := []struct {
		name      string
		req       Request
		wantCalls []string
		wantErr   string // reply error prefix, "" for ok
	}{
		{"status of all", Request{Verb: VerbStatus}, []string{"status"}, ""},
		{"status of one", Request{Verb: VerbStatus, Interface: "wlan0"}, []string{"status"}, ""},
		{"status of an unknown interface", Request{Verb: VerbStatus, Interface: "eth9"}, []string{"status"}, "unknown interface eth9"},
		{"getpacket", Request{Verb: VerbGetPacket, Interface: "eth0"}, []string{"packet eth0"}, ""},
		{"getpacket unknown", Request{Verb: VerbGetPacket, Interface: "eth9"}, []string{"packet eth9"}, "unknown interface eth9"},
		{"getoption", Request{Verb: VerbGetOption, Interface: "eth0", Option: "ntp-servers"}, []string{"option eth0 ntp-servers"}, ""},
		{"getoption missing", Request{Verb: VerbGetOption, Interface: "eth0", Option: "host-name"}, []string{"option eth0 host-name"}, "no such option"},
		{"renew one", Request{Verb: VerbRenew, Interface: "eth0"}, []string{`act renew "eth0"`}, ""},
		{"renew all", Request{Verb: VerbRenew}, []string{`act renew ""`}, ""},
		{"rebind", Request{Verb: VerbRebind, Interface: "eth0"}, []string{`act rebind "eth0"`}, ""},
		{"release", Request{Verb: VerbRelease, Interface: "eth0"}, []string{`act release "eth0"`}, ""},
		{"release unknown", Request{Verb: VerbRelease, Interface: "eth9"}, []string{`act release "eth9"`}, "unknown interface eth9"},
		{"stop", Request{Verb: VerbStop}, []string{`act stop ""`}, ""},
		{"pause", Request{Verb: VerbPause, Interface: "wlan0"}, []string{`act pause "wlan0"`}, ""},
		{"resume", Request{Verb: VerbResume, Interface: "wlan0"}, []string{`act resume "wlan0"`}, ""},
		{"shutdown", Request{Verb: VerbShutdown}, []string{"shutdown"}, ""},
		{"bad verb never reaches the backend", Request{Verb: "reboot"}, nil, "bad request: unknown verb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := serve(t, nil)
			h.fake.packet = testAck()
			rep, err := h.dial().Do(tt.req)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if tt.wantErr != "" {
				wantErrPrefix(t, err, tt.wantErr)
				if rep == nil || rep.OK {
					t.Fatalf("got reply %+v, want ok false", rep)
				}
			}
			if got := h.fake.Calls(); !slices.Equal(got, tt.wantCalls) {
				t.Errorf("backend calls %q, want %q", got, tt.wantCalls)
			}
		})
	}
}

func TestServerReplies(t *testing.T) {
	h := serve(t, nil)
	h.fake.packet = testAck()
	c := h.dial()

	rep, err := c.Do(Request{Verb: VerbStatus})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Interfaces) != 2 || rep.Interfaces[0].Name != "eth0" || rep.Interfaces[1].Name != "wlan0" {
		t.Fatalf("got interfaces %+v, want eth0 and wlan0", rep.Interfaces)
	}
	eth0 := rep.Interfaces[0]
	if eth0.SecondsLeft != 600 {
		t.Errorf("got seconds_left %d, want 600 (expiry 10 min after now)", eth0.SecondsLeft)
	}
	if eth0.Address != netip.MustParsePrefix("192.0.2.10/24") || eth0.Server != netip.MustParseAddr("192.0.2.1") {
		t.Errorf("got address %v server %v", eth0.Address, eth0.Server)
	}
	if rep.Interfaces[1].SecondsLeft != 0 || rep.Interfaces[1].Address.IsValid() {
		t.Errorf("got %+v, want no lease for wlan0", rep.Interfaces[1])
	}

	rep, err = c.Do(Request{Verb: VerbGetOption, Interface: "eth0", Option: "ntp-servers"})
	if err != nil || rep.Value != "192.0.2.123 192.0.2.124" {
		t.Errorf("getoption: got %+v, %v", rep, err)
	}

	rep, err = c.Do(Request{Verb: VerbGetPacket, Interface: "eth0"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Packet == nil || rep.Packet.Type != "DHCPACK" || rep.Packet.YIAddr != netip.MustParseAddr("192.0.2.10") {
		t.Errorf("getpacket: got %+v", rep.Packet)
	}
}

func TestServerGetPacketBeforeAnyAck(t *testing.T) {
	h := serve(t, nil)
	_, err := h.dial().Do(Request{Verb: VerbGetPacket, Interface: "wlan0"})
	wantErrPrefix(t, err, "wlan0: no DHCPACK received yet")
}

func TestServerBackendError(t *testing.T) {
	h := serve(t, nil)
	h.fake.actErr = errors.New("eth0: not bound, nothing to renew")
	_, err := h.dial().Do(Request{Verb: VerbRenew, Interface: "eth0"})
	wantErrPrefix(t, err, "eth0: not bound, nothing to renew")
}

func TestServerPermission(t *testing.T) {
	tests := []struct {
		name       string
		publicRead bool
		verb       Verb
		iface      string
		wantErr    string
	}{
		{"renew needs root", false, VerbRenew, "eth0", "permission denied: renew changes state and needs root"},
		{"shutdown needs root", false, VerbShutdown, "", "permission denied: shutdown changes state"},
		{"status is private by default", false, VerbStatus, "", "permission denied: uid 4242 may not read"},
		{"public status", true, VerbStatus, "", ""},
		{"public getpacket", true, VerbGetPacket, "eth0", ""},
		{"public read still guards release", true, VerbRelease, "eth0", "permission denied: release changes state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := serve(t, func(s *Server) { foreign(s); s.PublicRead = tt.publicRead })
			h.fake.packet = testAck()
			_, err := h.dial().Do(Request{Verb: tt.verb, Interface: tt.iface})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			wantErrPrefix(t, err, tt.wantErr)
			if !errors.Is(err, ErrPermission) {
				t.Errorf("errors.Is(%v, ErrPermission) = false", err)
			}
			if got := h.fake.Calls(); len(got) != 0 {
				t.Errorf("backend called %q for a denied request", got)
			}
		})
	}
}

// The real SO_PEERCRED path: this process is the daemon's own uid, so it
// may change state.
func TestServerOwnUIDAllowed(t *testing.T) {
	h := serve(t, nil)
	if _, err := h.dial().Do(Request{Verb: VerbRenew, Interface: "eth0"}); err != nil {
		t.Fatalf("renew from own uid: %v", err)
	}
}

// The real SO_PEERCRED path again, with the daemon pretending to run as
// another uid: our uid, read from the kernel, must then be refused.
func TestServerRealCredentialsOfOtherUIDDenied(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("SO_PEERCRED is Linux only")
	}
	me := os.Getuid()
	if me == 0 {
		t.Skip("root may use every verb; needs a non-root uid")
	}
	h := serve(t, func(s *Server) { s.uid = me + 1 })
	_, err := h.dial().Do(Request{Verb: VerbRenew, Interface: "eth0"})
	wantErrPrefix(t, err, fmt.Sprintf("permission denied: renew changes state and needs root or uid %d, not uid %d", me+1, me))
}

func TestSocketModes(t *testing.T) {
	for _, public := range []bool{false, true} {
		h := serve(t, func(s *Server) { s.PublicRead = public })
		h.dial().Do(Request{Verb: VerbStatus}) // Serve has chmodded once it answers
		fi, err := os.Stat(h.srv.Path())
		if err != nil {
			t.Fatal(err)
		}
		want := modePrivate
		if public {
			want = modePublic
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("PublicRead=%v: got mode %v, want %v", public, got, want)
		}
	}
}

// testAck is a DHCPACK for 192.0.2.10 from 192.0.2.1.
func testAck() *dhcp4.Message {
	m := &dhcp4.Message{
		Op: dhcp4.BootReply, XID: 0x1234abcd,
		CIAddr: netip.IPv4Unspecified(), YIAddr: netip.MustParseAddr("192.0.2.10"),
		SIAddr: netip.IPv4Unspecified(), GIAddr: netip.IPv4Unspecified(),
	}
	m.SetHardwareAddr([]byte{0x02, 0, 0, 0, 0, 0x01})
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(dhcp4.Ack)})
	m.Options.SetAddr(dhcp4.OptServerID, netip.MustParseAddr("192.0.2.1"))
	m.Options.SetUint32(dhcp4.OptLeaseTime, 600)
	m.Options.Set(dhcp4.OptSubnetMask, []byte{255, 255, 255, 0})
	m.Options.Set(dhcp4.OptNTPServers, []byte{192, 0, 2, 123, 192, 0, 2, 124})
	return m
}
