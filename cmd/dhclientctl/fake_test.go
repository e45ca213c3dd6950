package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/statemachine/dhcp4"
)

// daemon is a control server with a fake backend that records calls.
type daemon struct {
	ifs    []control.InterfaceStatus
	events chan control.Event
	watch  chan struct{} // a Watch began

	mu    sync.Mutex
	calls []string
}

func (d *daemon) record(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, fmt.Sprintf(format, args...))
}

func (d *daemon) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.calls)
}

func (d *daemon) has(iface string) error {
	if iface != "" && !slices.ContainsFunc(d.ifs, func(s control.InterfaceStatus) bool { return s.Name == iface }) {
		return fmt.Errorf("%w %s", control.ErrUnknownInterface, iface)
	}
	return nil
}

func (d *daemon) Status() []control.InterfaceStatus { return d.ifs }

func (d *daemon) Packet(iface string) (*dhcp4.Message, error) {
	d.record("packet %s", iface)
	return ack(), d.has(iface)
}

func (d *daemon) Option(iface, name string) (string, error) {
	d.record("option %s %s", iface, name)
	if err := d.has(iface); err != nil {
		return "", err
	}
	if name != "ntp-servers" {
		return "", fmt.Errorf("%s: no option %s in the lease", iface, name)
	}
	return "192.0.2.123 192.0.2.124", nil
}

func (d *daemon) Act(verb, iface string) error {
	d.record("%s %q", verb, iface)
	return d.has(iface)
}

func (d *daemon) Shutdown() error {
	d.record("shutdown")
	return nil
}

func (d *daemon) Watch(ctx context.Context) <-chan control.Event {
	out := make(chan control.Event)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-d.events:
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	d.watch <- struct{}{}
	return out
}

// startDaemon serves d on dir/name until the test ends.
func startDaemon(t *testing.T, dir, name string, ifs ...control.InterfaceStatus) *daemon {
	t.Helper()
	srv, err := control.Listen(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{ifs: ifs, events: make(chan control.Event, 8), watch: make(chan struct{}, 8)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, d) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Error(err)
		}
	})
	return d
}

var (
	t0    = time.Date(2001, 2, 3, 4, 0, 0, 0, time.UTC)
	eth0  = control.InterfaceStatus{Name: "eth0", State: "BOUND", Address: netip.MustParsePrefix("192.0.2.10/24"), Server: netip.MustParseAddr("192.0.2.1"), Routers: []netip.Addr{netip.MustParseAddr("192.0.2.1")}, DNS: []netip.Addr{netip.MustParseAddr("192.0.2.53")}, LeaseTime: 600, T1: t0.Add(300 * time.Second), T2: t0.Add(525 * time.Second), Expiry: t0.Add(600 * time.Second)}
	wlan0 = control.InterfaceStatus{Name: "wlan0", State: "BOUND", Address: netip.MustParsePrefix("198.51.100.7/25"), Server: netip.MustParseAddr("198.51.100.1"), LeaseTime: 0xffffffff}
	eth1  = control.InterfaceStatus{Name: "eth1", State: "SELECTING"}
)

// lab starts two daemons: one with eth0 and wlan0, one with eth1.
func lab(t *testing.T) (c *cli, out, errOut *bytes.Buffer, a, b *daemon) {
	dir := t.TempDir()
	a = startDaemon(t, dir, "dhclient.sock", eth0, wlan0)
	b = startDaemon(t, dir, "dhclient.eth1.sock", eth1)
	out, errOut = new(bytes.Buffer), new(bytes.Buffer)
	c = &cli{stdout: out, stderr: errOut, glob: filepath.Join(dir, "dhclient*.sock"), loc: time.UTC, timeout: 10 * time.Second}
	return c, out, errOut, a, b
}

// ack is a DHCPACK as dnsmasq sends it.
func ack() *dhcp4.Message {
	m := &dhcp4.Message{
		Op: dhcp4.BootReply, XID: 0xdeadbeef, Flags: 0,
		CIAddr: netip.IPv4Unspecified(), YIAddr: netip.MustParseAddr("192.0.2.10"),
		SIAddr: netip.MustParseAddr("192.0.2.1"), GIAddr: netip.IPv4Unspecified(),
		SName: "lab",
	}
	m.SetHardwareAddr([]byte{0x02, 0x42, 0xac, 0x11, 0x00, 0x02})
	m.Options.Set(dhcp4.OptMessageType, []byte{byte(dhcp4.Ack)})
	m.Options.SetAddr(dhcp4.OptServerID, netip.MustParseAddr("192.0.2.1"))
	m.Options.SetUint32(dhcp4.OptLeaseTime, 600)
	m.Options.Set(dhcp4.OptSubnetMask, []byte{255, 255, 255, 0})
	m.Options.Set(dhcp4.OptRouter, []byte{192, 0, 2, 1})
	m.Options.Set(dhcp4.OptDNS, []byte{192, 0, 2, 53})
	m.Options.Set(dhcp4.OptDomainName, []byte("lab.example"))
	m.Options.Set(dhcp4.OptNTPServers, []byte{192, 0, 2, 123, 192, 0, 2, 124})
	return m
}
