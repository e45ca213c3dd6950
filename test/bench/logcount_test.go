package bench

import (
	"os"
	"path/filepath"
	"testing"
)

func TestCountLines(t *testing.T) {
	f := filepath.Join(t.TempDir(), "log")
	log := "DHCPDISCOVER on veth1 to 255.255.255.255 port 67 interval 3\n" +
		"DHCPOFFER of 10.0.0.2 from 10.0.0.1\n" +
		"DHCPDISCOVER on veth2 to 255.255.255.255 port 67 interval 3\n" +
		"DHCPDISCOVER on veth1 to 255.255.255.255 port 67 interval 7\n" +
		"not a DHCPDISCOVER on line\n"
	if err := os.WriteFile(f, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := countLines(f, discoverLine)
	if err != nil || n != 3 {
		t.Errorf("countLines: %d, %v; want 3", n, err)
	}
	if _, err := countLines(filepath.Join(t.TempDir(), "none"), discoverLine); err == nil {
		t.Error("countLines of a missing file: no error")
	}
}
