package platform

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// A unicast datagram sent just before Remove, while the peer's address
// is still being resolved, must reach the peer: taking the last address
// away would otherwise flush it with the neighbour table. The peer
// answers ARP only after a while, so the client's first request goes
// unanswered and the datagram waits for the retransmission.
func TestRemoveLetsQueuedDatagramsLeave(t *testing.T) {
	ns, peerNS := newNS(t), newNS(t)
	h, ph := ns.handle(t), peerNS.handle(t)
	ifname, peerName := vethPair(t, h, peerNS)
	peer := linkByName(t, ph, peerName)
	for _, err := range []error{
		ph.AddrAdd(peer, &netlink.Addr{IPNet: mustCIDR("10.78.0.1/24")}),
		ph.LinkSetARPOff(peer),
		ph.LinkSetUp(peer),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	var listener *net.UDPConn
	peerNS.do(t, func() (err error) {
		listener, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(10, 78, 0, 1), Port: 6767})
		return err
	})
	t.Cleanup(func() { listener.Close() })

	c := ns.configurator()
	b := Binding{Addr: netip.MustParsePrefix("10.78.0.23/24"), Broadcast: netip.MustParseAddr("10.78.0.255")}
	if err := c.Apply(ifname, b); err != nil {
		t.Fatal(err)
	}
	ns.do(t, func() error {
		conn, err := ListenUDP(ifname, netip.MustParseAddrPort("10.78.0.23:6868"))
		if err != nil {
			return err
		}
		defer conn.Close()
		return conn.WriteTo([]byte("release"), netip.MustParseAddrPort("10.78.0.1:6767"))
	})
	link := linkByName(t, h, ifname)
	if ns, _ := h.NeighList(link.Attrs().Index, netlink.FAMILY_V4); !slices.ContainsFunc(ns, func(n netlink.Neigh) bool {
		return n.State&netlink.NUD_INCOMPLETE != 0
	}) {
		t.Fatalf("no neighbour being resolved after the send: %v", ns)
	}
	go func() {
		time.Sleep(200 * time.Millisecond) // the peer starts answering ARP
		ph.LinkSetARPOn(peer)
	}()

	// How long Remove may wait is awaitResolved's business, tested on
	// fake time below; here the outcome counts: the address goes, and
	// the datagram queued behind the ARP request still reaches the peer.
	if err := c.Remove(ifname, b); err != nil {
		t.Fatal(err)
	}
	if as := kernelAddrs(t, h, link); len(as) != 0 {
		t.Errorf("addresses after Remove: %v, want none", as)
	}
	listener.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 64)
	n, _, err := listener.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "release" {
		t.Fatalf("peer received %q, %v; want the datagram sent before Remove", buf[:n], err)
	}
}

// With nothing being resolved, Remove does not wait: the first look at
// the kernel's neighbour table ends the wait.
func TestRemoveWithoutPendingResolutionDoesNotWait(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	ifname, _ := vethPair(t, h, nil)
	c := ns.configurator()
	b := Binding{Addr: netip.MustParsePrefix("10.78.0.23/24"), Broadcast: netip.MustParseAddr("10.78.0.255")}
	if err := c.Apply(ifname, b); err != nil {
		t.Fatal(err)
	}
	link := linkByName(t, h, ifname)
	var listings []string
	ns.do(t, func() error {
		r, err := openRTNL(0)
		if err != nil {
			return err
		}
		defer r.Close()
		awaitResolved(func() ([]neighbour, error) {
			ns, err := dumpNeighbours(r, link.Attrs().Index)
			if err != nil {
				t.Errorf("list neighbours: %v", err)
			}
			listings = append(listings, fmt.Sprint(ns))
			return ns, err
		}, resolveGrace)
		return nil
	})
	if len(listings) != 1 {
		t.Errorf("listed the neighbours %d times (%q), want once: nothing was being resolved", len(listings), listings)
	}
	if err := c.Remove(ifname, b); err != nil {
		t.Fatal(err)
	}
	if as := kernelAddrs(t, h, link); len(as) != 0 {
		t.Errorf("addresses after Remove: %v, want none", as)
	}
}

// The wait itself, on fake time: it lists the neighbours as pollUntil
// looks, stops at the first listing with nothing being resolved or at
// the first error, and otherwise gives up with the first listing after
// resolveGrace.
func TestAwaitResolvedStopsWhenResolvedOrAfterGrace(t *testing.T) {
	incomplete := []neighbour{{State: unix.NUD_REACHABLE}, {State: unix.NUD_INCOMPLETE}}
	reachable := []neighbour{{State: unix.NUD_REACHABLE}, {State: unix.NUD_STALE}}
	times := pollTimes(resolveGrace)
	graceCalls := len(times) // at 0, then after each pause until past the grace
	for _, tc := range []struct {
		name      string
		resolved  int   // from this call on nothing is being resolved; 0 = never
		err       error // returned by every call
		wantCalls int
	}{
		{"nothing being resolved", 1, nil, 1},
		{"empty table", -1, nil, 1},
		{"resolved on the fifth look", 5, nil, 5},
		{"resolved on the look at the grace", graceCalls - 1, nil, graceCalls - 1},
		{"never resolved", 0, nil, graceCalls},
		{"listing fails", 0, errors.New("dump interrupted"), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now() // fake time: exact
				var at []time.Duration
				awaitResolved(func() ([]neighbour, error) {
					at = append(at, time.Since(start))
					if len(at) > 2*graceCalls {
						return nil, errors.New("still listing after twice the grace")
					}
					switch {
					case tc.err != nil:
						return nil, tc.err
					case tc.resolved < 0:
						return nil, nil
					case tc.resolved > 0 && len(at) >= tc.resolved:
						return reachable, nil
					}
					return incomplete, nil
				}, resolveGrace)
				if len(at) != tc.wantCalls {
					t.Fatalf("got %d listings, want %d", len(at), tc.wantCalls)
				}
				for i, d := range at {
					if want := times[i]; d != want {
						t.Fatalf("listing %d at +%v, want +%v", i, d, want)
					}
				}
				if last, returned := at[len(at)-1], time.Since(start); returned != last {
					t.Errorf("returned at +%v, want at the last listing, +%v", returned, last)
				}
			})
		})
	}
}

// The neighbour dump asks the kernel for one link's entries: those of
// another link are neither returned nor sent.
func TestDumpNeighboursOfOneLink(t *testing.T) {
	ns := newNS(t)
	h := ns.handle(t)
	a, b := vethPair(t, h, nil)
	setUp(t, h, b)
	la, lb := linkByName(t, h, a), linkByName(t, h, b)
	for i, l := range []netlink.Link{la, la, lb} {
		n := &netlink.Neigh{LinkIndex: l.Attrs().Index, Family: netlink.FAMILY_V4, State: netlink.NUD_PERMANENT,
			IP: net.IPv4(10, 66, 0, byte(10+i)), HardwareAddr: net.HardwareAddr{2, 0, 0, 0, 0, byte(10 + i)}}
		if err := h.NeighAdd(n); err != nil {
			t.Fatal(err)
		}
	}
	index := la.Attrs().Index
	ns.do(t, func() error {
		r, err := openRTNL(0)
		if err != nil {
			return err
		}
		defer r.Close()
		got, err := dumpNeighbours(r, index)
		if err != nil {
			return err
		}
		want := neighbour{Index: index, State: unix.NUD_PERMANENT}
		if len(got) != 2 || got[0] != want || got[1] != want {
			t.Errorf("got %+v, want link %d's two permanent entries", got, index)
		}
		// The kernel filtered: the cost of a look does not grow with
		// the other links' entries.
		var sent []int
		err = r.exchange(neighboursRequest(index), func(m syscall.NetlinkMessage) bool {
			n, _ := parseNeighbour(m.Data)
			sent = append(sent, n.Index)
			return true
		})
		if err != nil {
			return err
		}
		if slices.ContainsFunc(sent, func(i int) bool { return i != index }) {
			t.Errorf("the kernel sent entries of links %v, want only %d's", sent, index)
		}
		return nil
	})
}
