package control

import (
	"fmt"
	"strings"

	"github.com/leased/leased/statemachine/dhcp4"
)

// NewPacket decodes m for people. Option names and values come from cat
// (nil means ISC's built-in catalogue, dhcp4.NewCatalogue); a value that
// does not fit its option's type is shown as colon-separated hex, since
// an operator asking for the packet wants to see what was sent.
func NewPacket(m *dhcp4.Message, cat *dhcp4.Catalogue) *Packet {
	if cat == nil {
		cat = dhcp4.NewCatalogue()
	}
	p := &Packet{
		Op:     opName(m.Op),
		HType:  m.HType,
		HLen:   m.HLen,
		Hops:   m.Hops,
		XID:    fmt.Sprintf("0x%08x", m.XID),
		Secs:   m.Secs,
		Flags:  m.Flags,
		CIAddr: m.CIAddr,
		YIAddr: m.YIAddr,
		SIAddr: m.SIAddr,
		GIAddr: m.GIAddr,
		CHAddr: hexColon(m.CHAddr[:min(int(m.HLen), len(m.CHAddr))]),
		SName:  m.SName,
		File:   m.File,
	}
	if t := m.Type(); t != 0 {
		p.Type = t.String()
	}
	p.Options = make([]PacketOption, 0, len(m.Options))
	for _, o := range m.Options.Joined() {
		p.Options = append(p.Options, describe(cat, o.Code, o.Data))
	}
	return p
}

// describe names one option and renders its value in hook-environment
// text (SPEC §6, reference §3.4).
func describe(cat *dhcp4.Catalogue, code uint8, data []byte) PacketOption {
	v, err := cat.FormatEnv(code, data)
	if err != nil {
		v = hexColon(data)
	}
	return PacketOption{Code: code, Name: cat.ByCode(code).Name, Value: v}
}

func opName(op dhcp4.OpCode) string {
	switch op {
	case dhcp4.BootRequest:
		return "BOOTREQUEST"
	case dhcp4.BootReply:
		return "BOOTREPLY"
	}
	return fmt.Sprintf("op-%d", op)
}

// hexColon renders b as "aa:bb:cc", the form ISC uses for hardware
// addresses and unprintable data.
func hexColon(b []byte) string {
	var s strings.Builder
	for i, c := range b {
		if i > 0 {
			s.WriteByte(':')
		}
		fmt.Fprintf(&s, "%02x", c)
	}
	return s.String()
}
