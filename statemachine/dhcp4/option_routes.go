package dhcp4

import (
	"fmt"
	"net/netip"
)

// Route is a static route carried by options 33, 121 or 249. An invalid
// (zero) Gateway never occurs; 0.0.0.0 means the destination is on-link
// (RFC 3442 §3).
type Route struct {
	Dst     netip.Prefix
	Gateway netip.Addr
}

// ClasslessRoutes decodes option 121 or 249 data (RFC 3442 §2): each route
// is a width byte, the significant octets of the destination, and a
// four-byte gateway. Any malformed descriptor rejects the whole option,
// as RFC 3442 §3 requires.
func ClasslessRoutes(d []byte) ([]Route, error) {
	var out []Route
	for i := 0; i < len(d); {
		width := int(d[i])
		if width > 32 {
			return nil, fmt.Errorf("classless route at %d: width %d: %w", i, width, ErrBadValue)
		}
		sig := (width + 7) / 8
		if i+1+sig+4 > len(d) {
			return nil, fmt.Errorf("classless route at %d: %w", i, ErrTruncated)
		}
		var dst [4]byte
		copy(dst[:], d[i+1:i+1+sig])
		gw := addr4(d[i+1+sig:])
		// Masked, so that stray bits past the width cannot create a
		// route the server did not describe.
		out = append(out, Route{Dst: netip.PrefixFrom(netip.AddrFrom4(dst), width).Masked(), Gateway: gw})
		i += 1 + sig + 4
	}
	return out, nil
}

// AppendClasslessRoutes appends the RFC 3442 encoding of routes to b.
func AppendClasslessRoutes(b []byte, routes []Route) []byte {
	for _, r := range routes {
		width := r.Dst.Bits()
		dst := r.Dst.Masked().Addr().As4()
		b = append(b, byte(width))
		b = append(b, dst[:(width+7)/8]...)
		b = appendAddr4(b, r.Gateway)
	}
	return b
}

// StaticRoutes decodes option 33 (RFC 2132 §5.8): pairs of classful
// destination and router. The default route (0.0.0.0) is illegal there and
// skipped.
func StaticRoutes(d []byte) ([]Route, error) {
	if len(d)%8 != 0 {
		return nil, fmt.Errorf("static routes length %d: %w", len(d), ErrBadValue)
	}
	var out []Route
	for i := 0; i < len(d); i += 8 {
		dst := addr4(d[i:])
		if dst.IsUnspecified() {
			continue
		}
		out = append(out, Route{Dst: netip.PrefixFrom(dst, ClassfulBits(dst)), Gateway: addr4(d[i+4:])})
	}
	return out, nil
}

// ClassfulBits is the pre-CIDR prefix length of a (RFC 791 classes), as
// option 33 destinations and mask-less leases require.
func ClassfulBits(a netip.Addr) int {
	switch b := a.As4()[0]; {
	case b < 128:
		return 8
	case b < 192:
		return 16
	case b < 224:
		return 24
	}
	return 32
}
