//go:build linux

package e2e

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/client/control"
	"github.com/leased/leased/test/lab"
)

// TestStatusOfTwoDaemons runs two daemons, one link each, with their
// sockets side by side, and reads them through dhclientctl: with -s for
// each, and by discovery when the directory is seen as /run.
func TestStatusOfTwoDaemons(t *testing.T) {
	t.Parallel()
	l := lab.New(t)
	if1, if2 := l.ClientIf(), l.AddClientLink(t)
	opts := ctlOpts(l)
	srv := l.StartDnsmasq(t, opts)
	dir := t.TempDir()
	var acked ctlWindow // every ACK falls between the start and the bind seen
	acked.from = time.Now()
	ds := []*ctlDaemon{startCtlDaemon(t, l, dir, if1), startCtlDaemon(t, l, dir, if2)}
	addrs := map[string]netip.Prefix{}
	for _, d := range ds {
		for k, v := range d.waitBound(t) {
			addrs[k] = v
		}
	}
	acked.to = time.Now()
	if addrs[if1] == addrs[if2] {
		t.Fatalf("both links hold %v", addrs[if1])
	}
	for _, d := range ds {
		ifname := d.ifs[0]
		rep := ctlJSON(t, "-s", d.sock, "status", "-json")
		if len(rep.Interfaces) != 1 {
			t.Fatalf("status of %s: %d interfaces, want 1: %+v", d.sock, len(rep.Interfaces), rep)
		}
		st := rep.Interfaces[0]
		ctlCheckStatus(t, l, opts, st, ifname, addrs[ifname], acked)
		ctlCheckTable(t, ctlOK(t, "-s", d.sock, "status"), []control.InterfaceStatus{st})

		want := l.Host(11).String() + " " + l.Host(12).String() + "\n"
		if got := ctlOK(t, "-s", d.sock, "getoption", ifname, "ntp-servers"); got != want {
			t.Errorf("getoption %s ntp-servers = %q, want %q", ifname, got, want)
		}
		ctlCheckPacket(t, l, srv, d, addrs[ifname].Addr())
	}

	// Without -s dhclientctl asks every /run/dhclient*.sock: with dir
	// mounted on /run in a private mount namespace it finds exactly the
	// two daemons and merges their interfaces.
	out := ctlInRun(t, dir, "-json", "status")
	var merged control.Reply
	if err := json.Unmarshal([]byte(out), &merged); err != nil {
		t.Fatalf("discovered status -json: %v\n%s", err, out)
	}
	if names := ctlNames(merged.Interfaces); !slices.Equal(names, []string{if1, if2}) {
		t.Fatalf("discovered status lists %v, want [%s %s]", names, if1, if2)
	}
	for _, st := range merged.Interfaces {
		ctlCheckStatus(t, l, opts, st, st.Name, addrs[st.Name], acked)
	}
	ctlCheckTable(t, ctlInRun(t, dir, "status"), merged.Interfaces)
	// A request naming an interface goes to the daemon that runs it.
	for _, ifname := range []string{if2, if1} {
		out := ctlInRun(t, dir, "-json", "getpacket", ifname)
		var p control.Reply
		if err := json.Unmarshal([]byte(out), &p); err != nil || p.Packet == nil {
			t.Fatalf("discovered getpacket %s: %v\n%s", ifname, err, out)
		}
		if p.Packet.YIAddr != addrs[ifname].Addr() {
			t.Errorf("discovered getpacket %s: yiaddr %v, want %v", ifname, p.Packet.YIAddr, addrs[ifname].Addr())
		}
	}
}

// ctlJSON runs dhclientctl with args (which include -json) and decodes
// its one reply line.
func ctlJSON(t *testing.T, args ...string) control.Reply {
	t.Helper()
	out := ctlOK(t, args...)
	var rep control.Reply
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("dhclientctl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return rep
}

// ctlInRun runs dhclientctl without -s in a private mount namespace
// where dir is mounted on /run, so that its discovery of
// /run/dhclient*.sock finds the test's daemons and nothing else.
func ctlInRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	sh := `mount --bind "$1" /run && shift && exec "$@"`
	argv := append([]string{"--mount", "--propagation", "private", "sh", "-c", sh, "sh", dir, dhclientctlBin}, args...)
	out, errOut, code := ctlRunCode(t, exec.Command("unshare", argv...))
	if code != 0 {
		t.Fatalf("dhclientctl %s with %s as /run: exit %d\n%s%s", strings.Join(args, " "), dir, code, out, errOut)
	}
	return out
}

func ctlNames(ifs []control.InterfaceStatus) []string {
	var out []string
	for _, s := range ifs {
		out = append(out, s.Name)
	}
	return out
}

// ctlWindow is a stretch of wall-clock time the test saw pass: from
// before an event it caused to after it saw the event's outcome.
type ctlWindow struct{ from, to time.Time }

// holds reports whether the daemon's whole-second timestamp at lies in
// w: the daemon truncates its clock to the second (ISC's cur_time).
func (w ctlWindow) holds(at time.Time) bool {
	return !at.Before(w.from.Truncate(time.Second)) && !at.After(w.to)
}

// ctlCheckStatus compares one interface's status with the lease the server
// was told to hand out: T1, T2 and expiry are the times after the ACK,
// which came within acked.
func ctlCheckStatus(t *testing.T, l *lab.Lab, o lab.ServerOpts, st control.InterfaceStatus, ifname string, addr netip.Prefix, acked ctlWindow) {
	t.Helper()
	if st.Name != ifname || st.State != "BOUND" || st.Address != addr || st.Server != l.ServerAddr() {
		t.Errorf("status %+v, want %s BOUND %v from %v", st, ifname, addr, l.ServerAddr())
	}
	if st.LeaseTime != uint32(o.LeaseTime/time.Second) || !slices.Equal(st.DNS, o.DNS) || len(st.Routers) != 0 {
		t.Errorf("status of %s: lease time %d dns %v routers %v, want %v %v none",
			ifname, st.LeaseTime, st.DNS, st.Routers, o.LeaseTime, o.DNS)
	}
	// The times are whole seconds from the moment of the ACK, which the
	// daemon received after the test started it and before the test saw
	// it bound. T2 is the server's; T1 is randomized as ISC does, to
	// (3*T1+3)/4 + (random()%T1+3)/4 (reference §6.2).
	start := st.Expiry.Add(-o.LeaseTime)
	if !acked.holds(start) {
		t.Errorf("status of %s: expiry %v is not %v after an ACK between %v and %v",
			ifname, st.Expiry, o.LeaseTime, acked.from, acked.to)
	}
	if !st.T2.Equal(start.Add(o.T2)) {
		t.Errorf("status of %s: t2 %v, want %v", ifname, st.T2, start.Add(o.T2))
	}
	t1 := int64(o.T1 / time.Second)
	lo, hi := start.Add(time.Duration((3*t1+3)/4)*time.Second), start.Add(o.T1)
	if st.T1.Before(lo) || st.T1.After(hi) {
		t.Errorf("status of %s: t1 %v, want from %v to %v", ifname, st.T1, lo, hi)
	}
	if st.SecondsLeft <= 0 || st.SecondsLeft > int64(o.LeaseTime/time.Second) {
		t.Errorf("status of %s: seconds_left %d", ifname, st.SecondsLeft)
	}
}

// ctlCheckTable finds in dhclientctl's status table a row for every
// status in want, with times in the local zone as dhclientctl prints
// them (it runs with the test's environment).
func ctlCheckTable(t *testing.T, table string, want []control.InterfaceStatus) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != len(want)+1 || strings.Join(strings.Fields(lines[0]), " ") != "IFACE STATE ADDRESS SERVER T1 T2 EXPIRES DROPPED" {
		t.Fatalf("status table:\n%s", table)
	}
	const layout = "2006-01-02 15:04:05"
	for i, st := range want {
		row := strings.Join(strings.Fields(lines[i+1]), " ")
		exp := fmt.Sprintf("%s %s %v %v %s %s %s", st.Name, st.State, st.Address, st.Server,
			st.T1.Local().Format(layout), st.T2.Local().Format(layout), st.Expiry.Local().Format(layout))
		// The last column counts dropped packets: whatever the segment
		// carried, a number.
		if i := strings.LastIndexByte(row, ' '); i > 0 && strings.Trim(row[i+1:], "0123456789") == "" {
			row = row[:i]
		}
		if row != exp {
			t.Errorf("status table row %q, want %q", row, exp)
		}
	}
}

// ctlCheckPacket reads d's last DHCPACK with getpacket, as JSON and as a
// table, and compares it with the lease, the link and the server's log.
func ctlCheckPacket(t *testing.T, l *lab.Lab, srv *lab.Server, d *ctlDaemon, addr netip.Addr) {
	t.Helper()
	ifname := d.ifs[0]
	link, err := l.ClientHandle().LinkByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	mac := link.Attrs().HardwareAddr.String()
	p := ctlJSON(t, "-s", d.sock, "-json", "getpacket", ifname).Packet
	if p == nil {
		t.Fatalf("getpacket %s: no packet", ifname)
	}
	if p.Op != "BOOTREPLY" || p.Type != "DHCPACK" || p.YIAddr != addr || p.CHAddr != mac || p.HLen != 6 {
		t.Errorf("getpacket %s: %+v, want a DHCPACK of %v to %s", ifname, p, addr, mac)
	}
	// dnsmasq --log-dhcp tags each exchange's lines with the xid in
	// decimal; the ACK's line names the address and the MAC address.
	xid, err := strconv.ParseUint(strings.TrimPrefix(p.XID, "0x"), 16, 32)
	if err != nil {
		t.Fatalf("getpacket %s: xid %q: %v", ifname, p.XID, err)
	}
	ack := fmt.Sprintf(" %d DHCPACK(%s) %v %s", xid, l.ServerIf(), addr, mac)
	lab.WaitLog(t, srv.Log(), ack, time.Second)
	opts := map[string]string{}
	for _, o := range p.Options {
		opts[fmt.Sprintf("%d %s", o.Code, o.Name)] = o.Value
	}
	for k, v := range map[string]string{
		"53 dhcp-message-type": "5", "54 dhcp-server-identifier": l.ServerAddr().String(),
		"51 dhcp-lease-time": "600", "58 dhcp-renewal-time": "200", "59 dhcp-rebinding-time": "400",
		"1 subnet-mask": "255.255.255.0", "6 domain-name-servers": l.Host(53).String(),
		"42 ntp-servers": l.Host(11).String() + " " + l.Host(12).String(),
	} {
		if opts[k] != v {
			t.Errorf("getpacket %s: option %s = %q, want %q", ifname, k, opts[k], v)
		}
	}
	table := ctlOK(t, "-s", d.sock, "getpacket", ifname)
	rows := map[string]bool{}
	for line := range strings.SplitSeq(table, "\n") {
		rows[strings.Join(strings.Fields(line), " ")] = true
	}
	for _, want := range []string{
		"op BOOTREPLY", "xid " + p.XID, "yiaddr " + addr.String(), "chaddr " + mac,
		"CODE OPTION VALUE", "53 dhcp-message-type 5",
		"42 ntp-servers " + l.Host(11).String() + " " + l.Host(12).String(),
	} {
		if !rows[want] {
			t.Errorf("getpacket %s table has no row %q:\n%s", ifname, want, table)
		}
	}
}
