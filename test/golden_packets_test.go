//go:build linux

package e2e

import (
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
	"github.com/leased/leased/test/lab"
)

// The client's packets, as the server's end of the link saw them: golden
// ones parsed from tcpdump -v/-vvv text, leased's read by a packet socket.
// Both become one summary line per packet with what the comparison looks
// at: message type, source and destination address (unicast or
// broadcast), flags, secs (zero or not: its value is the time since the
// exchange began), ciaddr, options 50, 54, 61 and 12, the order of
// option 55, and which options are present.

// goldenPacket is one client packet.
type goldenPacket struct {
	at       float64 // capture time, epoch seconds (golden: for goldenAccepted's drops)
	typ      string  // DHCPDISCOVER, DHCPREQUEST, ...
	src, dst string
	flags    uint16
	secs     int
	ciaddr   string
	opts     map[int]string // 50, 54, 61 (hex), 12, 55 (codes)
	codes    []int
}

// summary renders p with norm applied to addresses and the host name.
func (p goldenPacket) summary(n goldenNorm) string {
	opt := func(code int) string {
		if v, ok := p.opts[code]; ok {
			return v
		}
		return "-"
	}
	host := opt(12)
	if host == n.hostname {
		host = "<hostname>"
	}
	secs := "0"
	if p.secs != 0 {
		secs = ">0"
	}
	codes := slices.Clone(p.codes)
	slices.Sort(codes)
	var cs []string
	for _, c := range codes {
		cs = append(cs, strconv.Itoa(c))
	}
	s := fmt.Sprintf("%s %s > %s flags=%#04x secs=%s ciaddr=%s 50=%s 54=%s 61=%s 12=%s 55=%s opts=%s",
		p.typ, p.src, p.dst, p.flags, secs, p.ciaddr, opt(50), opt(54), opt(61), host, opt(55), strings.Join(cs, ","))
	return n.common(s)
}

var (
	goldenTcpdumpHead = regexp.MustCompile(`^([0-9]+\.[0-9]+) IP `)
	goldenTcpdumpAddr = regexp.MustCompile(`^\s+([0-9.]+)\.(67|68) > ([0-9.]+)\.(67|68): .*BOOTP/DHCP, (Request|Reply)`)
	goldenTcpdumpSecs = regexp.MustCompile(`, secs ([0-9]+),`)
	goldenTcpdumpFlag = regexp.MustCompile(`Flags \[([A-Za-z]+)\]`)
	goldenTcpdumpOpt  = regexp.MustCompile(`^\t    [A-Za-z0-9-]+ \(([0-9]+)\), length [0-9]+: ?(.*)$`)
	goldenTcpdumpCode = regexp.MustCompile(`\(([0-9]+)\)`)
	goldenMsgTypes    = map[string]string{"Discover": "DHCPDISCOVER", "Request": "DHCPREQUEST", "Decline": "DHCPDECLINE",
		"Release": "DHCPRELEASE", "Inform": "DHCPINFORM"}
)

// goldenParseTcpdump reads the client packets (BOOTREQUESTs) of a
// tcpdump -v or -vvv text capture taken between from and to (epoch
// seconds).
func goldenParseTcpdump(text string, from, to float64) []goldenPacket {
	var out []goldenPacket
	var cur *goldenPacket
	inPRL := false
	flush := func() {
		if cur != nil && cur.typ != "" && cur.at >= from && cur.at < to {
			out = append(out, *cur)
		}
		cur, inPRL = nil, false
	}
	var at float64
	for _, l := range goldenLines(text) {
		if m := goldenTcpdumpHead.FindStringSubmatch(l); m != nil {
			flush()
			at, _ = strconv.ParseFloat(m[1], 64)
			continue
		}
		if m := goldenTcpdumpAddr.FindStringSubmatch(l); m != nil {
			flush()
			if m[5] != "Request" {
				continue
			}
			cur = &goldenPacket{at: at, src: m[1], dst: m[3], ciaddr: "0.0.0.0", opts: map[int]string{}}
			if s := goldenTcpdumpSecs.FindStringSubmatch(l); s != nil {
				cur.secs, _ = strconv.Atoi(s[1])
			}
			if f := goldenTcpdumpFlag.FindStringSubmatch(l); f != nil && f[1] == "Broadcast" {
				cur.flags = dhcp4.FlagBroadcast
			}
			continue
		}
		if cur == nil {
			continue
		}
		if v, ok := strings.CutPrefix(l, "\t  Client-IP "); ok {
			cur.ciaddr = v
			continue
		}
		if m := goldenTcpdumpOpt.FindStringSubmatch(l); m != nil {
			inPRL = false
			code, _ := strconv.Atoi(m[1])
			if code == 0 || code == 255 {
				continue
			}
			cur.codes = append(cur.codes, code)
			switch code {
			case 53:
				cur.typ = goldenMsgTypes[m[2]]
			case 50, 54:
				cur.opts[code] = m[2]
			case 12:
				cur.opts[code] = strings.Trim(m[2], `"`)
			case 61:
				cur.opts[code] = goldenTcpdumpClientID(m[2])
			case 55:
				inPRL = true
			}
			continue
		}
		if inPRL && strings.HasPrefix(l, "\t      ") {
			for _, c := range goldenTcpdumpCode.FindAllStringSubmatch(l, -1) {
				cur.opts[55] = strings.TrimPrefix(cur.opts[55]+","+c[1], ",")
			}
		}
	}
	flush()
	return out
}

// goldenTcpdumpClientID turns tcpdump's "hardware-type 255, 1d:ce:..."
// into the option's bytes, rendered as goldenClientID does.
func goldenTcpdumpClientID(v string) string {
	typ, rest, ok := strings.Cut(strings.TrimPrefix(v, "hardware-type "), ", ")
	n, err := strconv.Atoi(typ)
	if !ok || err != nil {
		return v
	}
	b := goldenHexBytes(rest)
	if b == nil {
		return v
	}
	return goldenClientID(append([]byte{byte(n)}, b...))
}

// goldenClientID renders option 61 as hex; for RFC 4361's form (type
// 255, IAID, DUID) the time of a DUID-LLT is masked.
func goldenClientID(b []byte) string {
	if len(b) > 5 && b[0] == 255 {
		return goldenMaskLLT(b, 5)
	}
	return goldenMaskLLT(b, len(b))
}

// goldenFromMessage summarises a client packet leased sent.
func goldenFromMessage(m *dhcp4.Message, src, dst netip.Addr) goldenPacket {
	p := goldenPacket{typ: m.Type().String(), src: src.String(), dst: dst.String(), flags: m.Flags,
		secs: int(m.Secs), ciaddr: m.CIAddr.String(), opts: map[int]string{}}
	for _, o := range m.Options {
		code := int(o.Code)
		if code == 0 || code == 255 || slices.Contains(p.codes, code) {
			continue
		}
		p.codes = append(p.codes, code)
		v, _ := m.Options.Get(o.Code)
		switch code {
		case 50, 54:
			if len(v) == 4 {
				p.opts[code] = netip.AddrFrom4([4]byte(v)).String()
			}
		case 12:
			p.opts[code] = string(v)
		case 61:
			p.opts[code] = goldenClientID(v)
		case 55:
			var cs []string
			for _, c := range v {
				cs = append(cs, strconv.Itoa(int(c)))
			}
			p.opts[code] = strings.Join(cs, ",")
		}
	}
	return p
}

// goldenCapture records the client packets arriving at the server's end
// of a client link, through a packet socket for every protocol (as
// watchDiscovers does: one for IPv4 alone would miss what the bridge
// takes first).
type goldenCapture struct {
	mu   sync.Mutex
	pkts []goldenPacket
}

func (c *goldenCapture) packets() []goldenPacket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.pkts)
}

// goldenStartCapture records the client's messages (BOOTREQUESTs to the
// server port) crossing ifname in namespace ns until t ends.
func goldenStartCapture(t *testing.T, ns, ifname string) *goldenCapture {
	t.Helper()
	c := &goldenCapture{}
	lab.WatchDHCP(t, ns, ifname, func(d lab.Datagram) {
		if d.Dst.Port() != dhcp4.ServerPort || d.Msg.Op != dhcp4.BootRequest {
			return
		}
		p := goldenFromMessage(d.Msg, d.Src.Addr(), d.Dst.Addr())
		p.at = float64(time.Now().UnixNano()) / 1e9
		c.mu.Lock()
		c.pkts = append(c.pkts, p)
		c.mu.Unlock()
	})
	return c
}

// goldenHostname is the name `send host-name = gethostname()` sends from
// this machine (golden: "vm").
func goldenHostname() string {
	h, _ := os.Hostname()
	return h
}
