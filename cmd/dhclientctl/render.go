package main

import (
	"fmt"
	"net/netip"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leased/leased/client/control"
)

const timeLayout = "2006-01-02 15:04:05"

// show prints a reply: as one JSON line with -json, else in the verb's
// table. Verbs that only act print nothing on success.
func (c *cli) show(req control.Request, rep *control.Reply) error {
	if c.json {
		return c.jsonLine(rep)
	}
	switch req.Verb {
	case control.VerbStatus:
		return c.statusTable(rep.Interfaces)
	case control.VerbGetPacket:
		return c.packetTable(rep.Packet)
	case control.VerbGetOption:
		_, err := fmt.Fprintln(c.stdout, rep.Value)
		return err
	}
	return nil
}

// statusTable prints IFACE STATE ADDRESS SERVER T1 T2 EXPIRES DROPPED;
// DROPPED is the sum of the drop counters (-json has them by class).
func (c *cli) statusTable(ifs []control.InterfaceStatus) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "IFACE\tSTATE\tADDRESS\tSERVER\tT1\tT2\tEXPIRES\tDROPPED")
	for _, s := range ifs {
		expires := c.when(s.Expiry)
		if s.LeaseTime == 0xffffffff { // RFC 2131 §3.3
			expires = "never"
		}
		var dropped uint64
		for _, n := range s.Dropped {
			dropped += n
		}
		addr, server := orDash(s.Address), orDash(s.Server)
		if !s.Address.IsValid() && s.LinkLocal.IsValid() {
			// RFC 3927: no server gave it; the SERVER column says so.
			addr, server = netip.PrefixFrom(s.LinkLocal, 16).String(), "link-local"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", s.Name, s.State,
			addr, server, c.when(s.T1), c.when(s.T2), expires, dropped)
	}
	return tw.Flush()
}

// packetTable prints the BOOTP fields, then one line per option.
func (c *cli) packetTable(p *control.Packet) error {
	if p == nil {
		return fmt.Errorf("daemon sent no packet")
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	for _, f := range [][2]string{
		{"op", p.Op}, {"htype", fmt.Sprint(p.HType)}, {"hlen", fmt.Sprint(p.HLen)},
		{"hops", fmt.Sprint(p.Hops)}, {"xid", p.XID}, {"secs", fmt.Sprint(p.Secs)},
		{"flags", fmt.Sprintf("0x%04x", p.Flags)}, {"ciaddr", p.CIAddr.String()},
		{"yiaddr", p.YIAddr.String()}, {"siaddr", p.SIAddr.String()},
		{"giaddr", p.GIAddr.String()}, {"chaddr", p.CHAddr},
		{"sname", p.SName}, {"file", p.File},
	} {
		fmt.Fprintf(tw, "%s\t%s\n", f[0], f[1])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout)
	tw = tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tOPTION\tVALUE")
	for _, o := range p.Options {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", o.Code, o.Name, oneLine(o.Value))
	}
	return tw.Flush()
}

// event prints one watch event: time, interface, then key=value pairs
// for what it carries, which also tell its kind; a bare event shows its
// kind.
func (c *cli) event(ev control.Event) {
	if c.json {
		c.jsonLine(ev)
		return
	}
	parts := []string{c.when(ev.Time), ev.Interface}
	if ev.Kind == control.EventLease {
		parts = append(parts, "lease") // its fields alone read as a state's
	}
	var addr string
	if ev.Address.IsValid() {
		addr = ev.Address.String()
	}
	for _, kv := range [][2]string{{"state", ev.State}, {"link", ev.Link}, {"address", addr}, {"reason", ev.Reason}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	if len(parts) == 2 {
		parts = append(parts, string(ev.Kind))
	}
	fmt.Fprintln(c.stdout, strings.Join(parts, " "))
}

// when formats t in the local zone, "-" when unset.
func (c *cli) when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(c.loc).Format(timeLayout)
}

// orDash shows an unset address as "-".
func orDash[T interface {
	IsValid() bool
	String() string
}](v T) string {
	if !v.IsValid() {
		return "-"
	}
	return v.String()
}

// oneLine keeps a value from breaking the table: the server escapes
// text already (ISC style), this is only a guard.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\t", `\t`).Replace(s)
}
