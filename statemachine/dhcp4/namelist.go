package dhcp4

import "strings"

// maxListWork bounds the bytes that decoding one domain list may look at.
// Each name is decoded in at most len(data) steps (unpackName), but a
// list of short names each reached through a long chain of compression
// pointers would cost len(data)² (RFC 1035 §4.1.4 allows any chain); a
// real list looks at about its own expanded size.
const maxListWork = 1 << 20

// names writes the RFC 1035 names from off to the end (format 'D'): in
// the lease file quoted and separated by ", ", in the environment as
// resolv.conf spells them. As in ISC the separator goes before every name
// that does not start the option, and a bad name ends the list there.
//
// Compression pointers let a 1.5 KB option 119 expand to 144 KB (issue
// 12), over what execve takes for one variable. ISC writes names while
// they fit in MAX_OUTPUT_SIZE (common/options.c pretty_print_option: the
// name that does not fit ends the list, with "Invalid domain name.");
// so does names, counting in p.cut the names left out. ISC keeps the
// separator written before the name that did not fit; names does not, so
// that the lease-file form still reads back.
func (p *printer) names(b *strings.Builder, off int) int {
	work := 0
	for off < len(p.data) {
		labels, k, checked, ok := unpackName(p.data, off)
		if work += checked; work > maxListWork {
			p.cut += p.countNames(off)
			return len(p.data)
		}
		var one strings.Builder
		if off != 0 {
			if p.quotes {
				one.WriteByte(',')
			}
			one.WriteByte(' ')
		}
		if !ok {
			b.WriteString(one.String())
			break
		}
		p.writeName(&one, labels)
		if b.Len()+one.Len() >= maxPretty {
			p.cut += p.countNames(off)
			return len(p.data)
		}
		b.WriteString(one.String())
		off += k
	}
	return off
}

// writeName writes one name of a list in the form of the output.
func (p *printer) writeName(b *strings.Builder, labels [][]byte) {
	if p.quotes {
		writeDomainQuoted(b, labels)
		return
	}
	writeNameEnv(b, labels)
	b.WriteByte('.')
}

// countNames returns how many names start at or after off, up to a bad
// one, within maxListWork bytes looked at: the names a cut list leaves
// out, for the message.
func (p *printer) countNames(off int) int {
	n, work := 0, 0
	for off < len(p.data) && work <= maxListWork {
		_, k, checked, ok := unpackName(p.data, off)
		if !ok {
			break
		}
		n, off, work = n+1, off+k, work+checked
	}
	return n
}
