package client_test

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

var netipMask24 = netip.MustParseAddr("255.255.255.0")

// Nothing to configure: ISC's NBI script call, and a clean exit.
func TestDaemonWithoutInterfacesRunsNBI(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf)
		r.d.NoIfaces = true
		if err := r.d.Run(t.Context()); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if got := r.hooks(); !slices.Equal(got, []string{"NBI"}) {
			t.Errorf("hooks %q, want NBI", got)
		}
	})
}

// An interface that does not exist ends the daemon with ISC's lines
// (golden logs/5-missing-interface.log), its log_fatal trailer ending in
// "exiting.".
func TestDaemonMissingDeviceFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.d.Interfaces = append(r.d.Interfaces, "eth9")
		if err := r.d.Run(t.Context()); !errors.Is(err, errNoDevice) {
			t.Errorf("Run: %v, want %v", err, errNoDevice)
		}
		want := "Cannot find device \"eth9\"\nFailed to get interface index: No such device\n\n" +
			"If you think you have received this message due to a bug rather\n"
		if log := r.log.String(); !strings.Contains(log, want) || !strings.HasSuffix(log, "\nexiting.\n") {
			t.Errorf("log lacks ISC's lines %q ... exiting.:\n%s", want, log)
		}
	})
}

// An interface block for a device the host lacks is no reason to stop:
// ISC keeps it as a dummy and configures the interfaces that exist.
// With nothing else to configure, it is ISC's NBI.
func TestDaemonSkipsInterfaceBlockForMissingDevice(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf+"interface \"wlan9\" { send host-name \"x\"; }\n", "eth0")
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		r.stop()
		if got := r.hooks(); !slices.Contains(got, "eth0 BOUND") {
			t.Errorf("hooks %q, want eth0 bound", got)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf+"interface \"wlan9\" { }\n")
		if err := r.d.Run(t.Context()); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if got := r.hooks(); !slices.Equal(got, []string{"NBI"}) {
			t.Errorf("hooks %q, want NBI", got)
		}
	})
}

// Under -1 without a server the daemon gives up after timeout, once
// the FAIL hook has run.
func TestDaemonOneTryGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf+"timeout 5;\n", "eth0")
		r.d.OneTry = true
		drained := r.drain("eth0")
		r.start()
		if err := <-r.done; !errors.Is(err, client.ErrGaveUp) {
			t.Errorf("Run: %v, want %v", err, client.ErrGaveUp)
		}
		close(drained)
		if got := r.hooks(); got[len(got)-1] != "eth0 FAIL" {
			t.Errorf("hooks %q, want FAIL last", got)
		}
	})
}

// A script that is not leased's own configures the interface itself:
// leased leaves the interface's state alone (SPEC §5.0).
func TestDaemonLeavesInterfaceToForeignScript(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, "", "eth0")
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		r.stop()
		if got := r.links["eth0"].Calls(); len(got) != 0 {
			t.Errorf("kernel calls %q, want none: the script configures", got)
		}
		if !strings.Contains(r.log.String(), "the script configures the interface") {
			t.Errorf("log does not say who configures:\n%s", r.log)
		}
	})
}

// Without names, every broadcast interface with an Ethernet address is
// configured; loopback and point-to-point links are not.
func TestDaemonPicksBroadcastInterfaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0", "lo", "tun0")
		r.d.Interfaces = nil
		hw := net.HardwareAddr{2, 0, 0, 0, 0, 1}
		r.d.System.Interfaces = func() ([]net.Interface, error) {
			return []net.Interface{
				{Name: "lo", Flags: net.FlagLoopback | net.FlagUp},
				{Name: "eth0", Flags: net.FlagBroadcast | net.FlagUp, HardwareAddr: hw},
				{Name: "tun0", Flags: net.FlagPointToPoint | net.FlagUp},
			}, nil
		}
		r.start()
		r.bind("eth0", 600)
		<-r.ready
		r.stop()
		for _, n := range []string{"lo", "tun0"} {
			if got := r.links[n].Calls(); len(got) != 0 {
				t.Errorf("%s was run (%q)", n, got)
			}
		}
	})
}

// -i takes the DUID from the -df file when the lease file has none,
// and the identifier carries it (RFC 4361); the lease file keeps it.
func TestDaemonTakesDUIDFromOtherFile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		duid := []byte{0, 3, 0, 1, 2, 0, 0, 0, 0, 9}
		other := &lease.Store{Path: r.path("dhclient6.leases")}
		if err := other.Save(&lease.File{DefaultDUID: duid}); err != nil {
			t.Fatal(err)
		}
		r.d.DUID, r.d.DUIDPath = true, other.Path
		r.start()
		d := expectSent(t, r.links["eth0"], dhcp4.Discover)
		r.stop()
		if id, _ := d.Msg().Options.Get(dhcp4.OptClientID); len(id) < 5 || !bytes.Equal(id[5:], duid) {
			t.Errorf("client id %x, want 0xff, IAID, %x", id, duid)
		}
		if got := r.leaseFile().DefaultDUID; !bytes.Equal(got, duid) {
			t.Errorf("lease file's DUID %x, want %x", got, duid)
		}
	})
}

// -D LL makes a DUID-LL from the hardware address.
func TestDaemonMakesDUIDLL(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.d.DUID, r.d.DUIDType = true, "LL"
		r.start()
		d := expectSent(t, r.links["eth0"], dhcp4.Discover)
		r.stop()
		want := client.DUIDLL(r.links["eth0"].HW)
		if id, _ := d.Msg().Options.Get(dhcp4.OptClientID); len(id) < 5 || !bytes.Equal(id[5:], want) {
			t.Errorf("client id %x, want 0xff, IAID, %x", id, want)
		}
	})
}

// The kernel side gets the port, the chaddr, and IF_METRIC from -e as
// the route metric unless route-metric is set (Debian's ifupdown).
func TestDaemonLinkSpec(t *testing.T) {
	for _, tc := range []struct {
		name, conf string
		want       int
	}{
		{"IF_METRIC", nativeConf, 100},
		{"route-metric wins", nativeConf + "route-metric 7;\n", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newDaemonRig(t, tc.conf, "eth0")
				r.d.Env = append(r.d.Env, "IF_METRIC=100")
				var spec client.LinkSpec
				open := r.d.System.OpenLink
				r.d.System.OpenLink = func(s client.LinkSpec) client.Link { spec = s; return open(s) }
				r.start()
				expectSent(t, r.links["eth0"], dhcp4.Discover)
				r.stop()
				if spec.Metric != tc.want || spec.Port != 68 || !bytes.Equal(spec.CHAddr, r.links["eth0"].HW) {
					t.Errorf("link spec %+v, want metric %d, port 68, chaddr %v", spec, tc.want, r.links["eth0"].HW)
				}
			})
		})
	}
}

// A stored unexpired lease is asked for again at start (INIT-REBOOT),
// and the lease file is rewritten at start, as ISC does.
func TestDaemonRebootsStoredLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.storeLease("eth0")
		if err := os.Chmod(r.d.LeasePath, 0o600); err != nil {
			t.Fatal(err)
		}
		r.start()
		req := expectSent(t, r.links["eth0"], dhcp4.Request)
		// The start's rewrite follows the first step (startRest); a stop
		// before it has run would skip it.
		synctest.Wait()
		r.stop()
		if got, _ := req.Msg().Options.Addr(dhcp4.OptRequestedIP); got != clientAddr {
			t.Errorf("first REQUEST asks for %v, want the stored %v", got, clientAddr)
		}
		if st, err := os.Stat(r.d.LeasePath); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("lease file %v, %v: want rewritten at start (mode 0644)", st, err)
		}
	})
}

// The status line names each interface's state, and its address while
// configured.
func TestStatusLine(t *testing.T) {
	l := &statemachine.Lease{Addr: netip.MustParseAddr("10.0.0.5")}
	l.Options.SetAddr(dhcp4.OptSubnetMask, netipMask24)
	got := client.StatusLine([]client.Status{
		{Interface: "eth0", State: statemachine.StateBound, Lease: l},
		{Interface: "eth1", State: statemachine.StateSelecting},
		{Interface: "eth2", State: statemachine.StateRebooting, Lease: l}, // remembered, not configured
	})
	if want := "eth0: BOUND 10.0.0.5/24; eth1: SELECTING; eth2: REBOOTING"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

var _ client.Link = (*clienttest.Link)(nil)

// forcerenew with the anonymity profile is warned about: the profile
// sends no option 145, so no FORCERENEW could ever be authenticated.
func TestDaemonWarnsForceRenewUnderAnonymity(t *testing.T) {
	for _, tt := range []struct {
		conf string
		warn bool
	}{
		{"anonymity on;\nforcerenew on;\n", true},
		{"forcerenew on;\n", false},
		{"anonymity on;\n", false},
	} {
		synctest.Test(t, func(t *testing.T) {
			log := boundLog(t, nativeConf+tt.conf)
			if got := strings.Contains(log, "forcerenew has no effect with anonymity on"); got != tt.warn {
				t.Errorf("%q: warned %v, want %v; log:\n%s", tt.conf, got, tt.warn, log)
			}
		})
	}
}
