package client_test

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/control"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// storeLease records an unexpired lease of clientAddr for iface in the
// rig's lease file, as a daemon killed with SIGKILL leaves it.
func (r *daemonRig) storeLease(iface string) {
	r.t.Helper()
	now := time.Now().Round(0)
	l := &statemachine.Lease{Addr: clientAddr, Renew: now.Add(5 * time.Minute), Rebind: now.Add(8 * time.Minute), Expire: now.Add(10 * time.Minute)}
	l.Options.SetAddr(dhcp4.OptServerID, serverAddr)
	l.Options.SetAddr(dhcp4.OptSubnetMask, netipMask24)
	fs := client.NewFileStore(&lease.Store{Path: r.d.LeasePath}, nil)
	if err := fs.Persist(iface, l); err != nil {
		r.t.Fatal(err)
	}
	if err := fs.Flush(); err != nil {
		r.t.Fatal(err)
	}
}

// dhclient -x with no daemon: STOP with the stored lease and its address
// removed, through the machine's Stop; nothing is sent, and the lease
// stays in the file.
func TestLeaveStopsStoredLeaseWithoutDaemon(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.storeLease("eth0")
		r.d.Interfaces = nil // every interface of the lease file
		r.d.Leave(t.Context(), statemachine.Stop{})
		if got, want := r.links["eth0"].Calls(), []string{"deconfigure 10.0.0.50/24"}; !slices.Equal(got, want) {
			t.Errorf("kernel calls %q, want %q", got, want)
		}
		if got, want := r.hooks(), []string{"eth0 STOP"}; !slices.Equal(got, want) {
			t.Errorf("hooks %q, want %q", got, want)
		}
		if n := len(r.links["eth0"].Sent); n != 0 {
			t.Errorf("-x sent %d messages, want none", n)
		}
		if f := r.leaseFile(); len(f.Leases) != 1 || f.Leases[0].Lease.Addr != clientAddr {
			t.Errorf("lease file holds %+v after -x, want the lease kept", f.Leases)
		}
	})
}

// dhclient -r with no daemon: DHCPRELEASE unicast to the server, the
// address removed, RELEASE, the lease recorded as released.
func TestLeaveReleasesStoredLeaseWithoutDaemon(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newDaemonRig(t, nativeConf, "eth0")
		r.storeLease("eth0")
		r.d.Leave(t.Context(), statemachine.Release{})
		rel := expectSent(t, r.links["eth0"], dhcp4.Release)
		if !rel.Unicast || rel.To.Addr() != serverAddr || rel.Msg().CIAddr != clientAddr {
			t.Errorf("DHCPRELEASE to %v from ciaddr %v (unicast %v), want unicast to %v from %v",
				rel.To, rel.Msg().CIAddr, rel.Unicast, serverAddr, clientAddr)
		}
		if got, want := r.hooks(), []string{"eth0 RELEASE"}; !slices.Equal(got, want) {
			t.Errorf("hooks %q, want %q", got, want)
		}
		f := r.leaseFile()
		if l := f.Leases[len(f.Leases)-1].Lease; !l.ExpiredAt(time.Now().Add(time.Second)) {
			t.Errorf("released lease expires %v, want now", l.Expire)
		}
	})
}

// With a daemon running, dhclient -x asks it through the control socket,
// whose status shows the bound interface; the daemon stops and removes
// its socket.
func TestLeaveAsksRunningDaemon(t *testing.T) {
	r := newDaemonRig(t, nativeConf, "eth0")
	r.d.PIDPath = r.path("dhclient.pid")
	r.start()
	r.bind("eth0", 600)
	<-r.ready
	c, err := control.Dial(r.path("dhclient.sock"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Do(control.Request{Verb: control.VerbStatus})
	c.Close()
	if err != nil || len(rep.Interfaces) != 1 || rep.Interfaces[0].State != "BOUND" {
		t.Fatalf("status %+v, %v; want eth0 BOUND", rep, err)
	}

	x := &client.Daemon{Options: r.d.Options, Config: r.d.Config, System: r.system()}
	x.Leave(context.Background(), statemachine.Stop{})
	if err := <-r.done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := r.hooks(); got[len(got)-1] != "eth0 STOP" {
		t.Errorf("hooks %q, want STOP last", got)
	}
	if _, err := os.Stat(r.path("dhclient.sock")); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
}

// With no daemon answering, the process in the pid file gets SIGTERM,
// as ISC's -r and -x send it; a pid file of a process that is gone is
// removed as stale.
func TestLeaveEndsProcessInPIDFile(t *testing.T) {
	r := newDaemonRig(t, nativeConf, "eth0")
	r.d.PIDPath = r.path("dhclient.pid")
	old := exec.Command("sleep", "60")
	if err := old.Start(); err != nil {
		t.Skipf("no sleep(1) to stand in for a daemon: %v", err)
	}
	exited := make(chan struct{})
	go func() { old.Wait(); close(exited) }()
	r.d.System.ProcessAlive = func(int) bool {
		select {
		case <-exited:
			return false
		default:
			return true
		}
	}
	r.writePID(old.Process.Pid)
	r.d.Leave(t.Context(), statemachine.Stop{})
	<-exited
	if !strings.Contains(r.log.String(), "Killed old client process") {
		t.Errorf("log lacks the kill:\n%s", r.log)
	}
	if _, err := os.Stat(r.d.PIDPath); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}

	r.writePID(old.Process.Pid) // reaped: gone
	r.d.Leave(t.Context(), statemachine.Stop{})
	if !strings.Contains(r.log.String(), "Removed stale PID file") {
		t.Errorf("log lacks the stale pid file:\n%s", r.log)
	}
}

func (r *daemonRig) writePID(pid int) {
	r.t.Helper()
	if err := os.WriteFile(r.d.PIDPath, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// dhclient -r eth0 on a daemon that runs eth0 and eth1 releases eth0
// through the socket and does not wait for the daemon, which runs on.
func TestLeaveOneOfTwoInterfaces(t *testing.T) {
	r := newDaemonRig(t, nativeConf, "eth0", "eth1")
	r.d.PIDPath = r.path("dhclient.pid")
	r.start()
	r.bind("eth0", 600)
	r.bind("eth1", 600)
	<-r.ready
	defer r.stop()
	r.writePID(os.Getpid()) // as the daemon's Main writes it
	x := &client.Daemon{Options: r.d.Options, Config: r.d.Config, System: r.system()}
	x.Interfaces = []string{"eth0"}
	var waited []int
	x.System.ProcessAlive = func(pid int) bool { waited = append(waited, pid); return false }
	x.Leave(t.Context(), statemachine.Release{})
	if got := r.hooks(); !slices.Contains(got, "eth0 RELEASE") || slices.Contains(got, "eth1 RELEASE") {
		t.Errorf("hooks %q, want eth0's RELEASE alone", got)
	}
	if len(waited) != 0 {
		t.Errorf("-r eth0 waited for pids %v, want none: the daemon runs on with eth1", waited)
	}
	select {
	case err := <-r.done:
		t.Errorf("the daemon ended (%v), want it running eth1", err)
	default:
	}
}

// dhclient eth0, then dhclient eth1 with the same pid file: the second
// daemon cannot take the first one's control socket. dhclient -r eth1
// then finds the first daemon, which does not run eth1: eth1 is left
// ISC's way, the process in the pid file ended and the stored lease
// released, and the first daemon runs on.
func TestLeaveInterfaceOfAnotherDaemon(t *testing.T) {
	r := newDaemonRig(t, nativeConf, "eth0", "eth1")
	r.d.PIDPath = r.path("dhclient.pid")
	r.d.Interfaces = []string{"eth0"}
	r.storeLease("eth1")
	r.start()
	r.bind("eth0", 600)
	<-r.ready
	defer r.stop()
	other := exec.Command("sleep", "60") // the daemon of eth1
	if err := other.Start(); err != nil {
		t.Fatalf("no sleep(1) to stand in for a daemon: %v", err)
	}
	exited := make(chan struct{})
	go func() { other.Wait(); close(exited) }()
	r.writePID(other.Process.Pid)
	x := &client.Daemon{Options: r.d.Options, Config: r.d.Config, System: r.system()}
	x.Interfaces = []string{"eth1"}
	x.System.ProcessAlive = func(pid int) bool {
		select {
		case <-exited:
			return false
		default:
			return pid == other.Process.Pid
		}
	}
	x.Leave(t.Context(), statemachine.Release{})
	select {
	case <-exited:
	case <-time.After(time.Minute): // a polling limit
		other.Process.Kill()
		t.Errorf("the process in the pid file was not ended")
	}
	select { // Leave has stepped the stored lease before it returned
	case d := <-r.links["eth1"].Sent:
		if d.Msg().Type() != dhcp4.Release {
			t.Errorf("eth1 sent %v, want a DHCPRELEASE", d.Msg().Type())
		}
	default:
		t.Errorf("eth1 sent nothing, want a DHCPRELEASE")
	}
	if got := r.hooks(); !slices.Contains(got, "eth1 RELEASE") || slices.Contains(got, "eth0 RELEASE") {
		t.Errorf("hooks %q, want eth1's RELEASE alone", got)
	}
	select {
	case err := <-r.done:
		t.Errorf("the daemon of eth0 ended (%v), want it running", err)
	default:
	}
}
