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
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ds := Parse(bytes.NewReader(data), "fuzz.conf")
		for _, d := range ds {
			_ = d.Render()
		}
		for name := range c.Interfaces {
			_ = c.For(name)
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
