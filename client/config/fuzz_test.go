package config

import (
	"bytes"
	"testing"
)

// FuzzConf checks that any dhclient.conf text parses without panicking or
// hanging, that every diagnostic renders, and that every interface's
// settings merge.
func FuzzConf(f *testing.F) {
	f.Add([]byte("timeout 5;\nbogus-statement 1;\nrequest subnet-mask\n"))
	f.Add([]byte("send host-name = pick-first-value(gethostname(), \"ISC-dhclient\", (1));\n"))
	f.Add([]byte("send dhcp-client-identifier = concat(00, hardware);\nsend user-class = ucase(substring(gethostname(), 0, 4));\n" +
		"send vendor-class-identifier = concat(encode-int(7, 16), suffix(\"ab\", 1), lcase(\"X\"));\n"))
	f.Add([]byte("send fqdn.fqdn = concat(gethostname(), \".example.\");\nsend fqdn.encoded on;\n" +
		"interface \"eth0\" { send fqdn.fqdn = pick-first-value(gethostname(), \"x\"); send fqdn.rcode1 = hardware; }\n"))
	host := Host{Name: "node7", HWAddr: []byte{2, 0, 0, 0, 0, 7}}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ds := Parse(bytes.NewReader(data), "fuzz.conf")
		for _, d := range ds {
			_ = d.Render()
		}
		_ = c.ForHost("", host)
		for name := range c.Interfaces {
			_ = c.For(name)
			_ = c.ForHost(name, host)
		}
	})
}

// FuzzYAML does the same for the YAML syntax.
func FuzzYAML(f *testing.F) {
	f.Add([]byte("timeout: 5\ninterfaces:\n  eth0:\n    send: {host-name: gethostname()}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ds := ParseYAML(bytes.NewReader(data), "fuzz.yaml")
		for _, d := range ds {
			_ = d.Render()
		}
		for name := range c.Interfaces {
			_ = c.For(name)
		}
	})
}

// FuzzInclude checks the include resolver on sets of files that include
// each other: data holds up to four files, main.conf, a, b and c,
// separated by NUL bytes. Whatever they contain, the parse ends, reads at
// most MaxIncludes files and MaxTotalSize bytes, leaves no file marked as
// being read, and gives the same diagnostics twice.
func FuzzInclude(f *testing.F) {
	f.Add([]byte("include \"main.conf\";\x00\x00\x00"))
	f.Add([]byte("include \"a\"; include \"b\";\x00include \"c\";\x00include \"c\";\x00retry 4;"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files := map[string]string{}
		for i, part := range bytes.SplitN(data, []byte{0}, 4) {
			files[[]string{"main.conf", "a", "b", "c"}[i]] = string(part)
		}
		read := memFiles(files)
		reads := 0
		counted := func(name string, regular bool) ([]byte, string, error) {
			reads++
			return read(name, regular)
		}
		src := files["main.conf"]
		p := &parser{cfg: New(), read: counted, total: len(src)}
		p.file([]byte(src), "main.conf", "main.conf", 0)
		if reads > 2*MaxIncludes || p.total > MaxTotalSize || len(p.reading) != 0 {
			t.Fatalf("%d reads, %d bytes, %d files still open", reads, p.total, len(p.reading))
		}
		_, again, _ := parseMem(files)
		if a, b := messages(p.diags), messages(again); a != b {
			t.Fatalf("diagnostics differ:\n%s\n---\n%s", a, b)
		}
		for _, d := range p.diags {
			if _, ok := files[d.File]; !ok {
				t.Fatalf("diagnostic for unknown file %q: %v", d.File, d)
			}
			_ = d.Render()
		}
	})
}
