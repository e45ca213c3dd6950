//go:build linux

package lab

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// StartKea starts kea-dhcp4 on ServerIf with opts, a memfile lease
// database and lock and pid files in private directories, and waits until
// it serves. A missing kea-dhcp4 stops t (see Unavailable).
func (l *Lab) StartKea(t testing.TB, opts ServerOpts) *Server {
	t.Helper()
	bin := RequireBinary(t, "kea-dhcp4", "kea-dhcp4-server")
	dir := newServerDir(t, "kea")
	s := &Server{Kind: "kea", dir: dir, conf: filepath.Join(dir, "kea-dhcp4.conf"), leases: filepath.Join(dir, "kea-leases4.csv")}
	conf, err := keaConf(l.ServerIf(), s.leases, l.Subnet(), opts.withDefaults(l.Subnet()))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, s.conf, conf)
	for _, sub := range []string{"lock", "run"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := Command(l.ServerNS(), bin, "-c", s.conf)
	cmd.Env = append(os.Environ(),
		"KEA_LOCKFILE_DIR="+filepath.Join(dir, "lock"),
		"KEA_PIDFILE_DIR="+filepath.Join(dir, "run"))
	s.proc = StartCmd(t, cmd, s.Log())
	s.WaitLog(t, "DHCP4_STARTED", serverReady)
	return s
}

// keaOption is one entry of Kea's option-data.
type keaOption struct {
	Name      string `json:"name,omitempty"`
	Code      int    `json:"code,omitempty"`
	CSVFormat *bool  `json:"csv-format,omitempty"`
	Data      string `json:"data"`
}

// keaConf renders a kea-dhcp4 configuration.
func keaConf(ifname, leases string, subnet netip.Prefix, o ServerOpts) (string, error) {
	dhcp4 := map[string]any{
		"interfaces-config": map[string]any{"interfaces": []string{ifname}, "dhcp-socket-type": "raw"},
		"lease-database":    map[string]any{"type": "memfile", "persist": true, "name": leases, "lfc-interval": 0},
		"authoritative":     true,
		// Fixed lease time, whatever the client asks for.
		"valid-lifetime":     secs(o.LeaseTime),
		"min-valid-lifetime": secs(o.LeaseTime),
		"max-valid-lifetime": secs(o.LeaseTime),
		"subnet4": []any{map[string]any{
			"id":          1,
			"subnet":      subnet.String(),
			"pools":       []any{map[string]string{"pool": fmt.Sprintf("%v - %v", o.RangeStart, o.RangeEnd)}},
			"option-data": keaOptions(o),
		}},
		"loggers": []any{map[string]any{
			"name":           "kea-dhcp4",
			"output_options": []any{map[string]any{"output": "stdout", "flush": true}},
			"severity":       "DEBUG",
			"debuglevel":     40, // one line per packet, no dumps
		}},
	}
	if o.T1 != 0 {
		dhcp4["renew-timer"] = secs(o.T1)
	}
	if o.T2 != 0 {
		dhcp4["rebind-timer"] = secs(o.T2)
	}
	for _, e := range o.Extra {
		var m map[string]any
		if err := json.Unmarshal([]byte("{"+e+"}"), &m); err != nil {
			return "", fmt.Errorf("kea extra %q: %w", e, err)
		}
		for k, v := range m {
			dhcp4[k] = v
		}
	}
	b, err := json.MarshalIndent(map[string]any{"Dhcp4": dhcp4}, "", "  ")
	return string(b), err
}

// keaOptions is the option-data list for o.
func keaOptions(o ServerOpts) []keaOption {
	var opts []keaOption
	add := func(name, data string) { opts = append(opts, keaOption{Name: name, Data: data}) }
	if len(o.Routers) > 0 {
		add("routers", joinAddrs(o.Routers, ", "))
	}
	if len(o.DNS) > 0 {
		add("domain-name-servers", joinAddrs(o.DNS, ", "))
	}
	if o.DomainName != "" {
		add("domain-name", o.DomainName)
	}
	if len(o.NTP) > 0 {
		add("ntp-servers", joinAddrs(o.NTP, ", "))
	}
	if o.MTU != 0 {
		add("interface-mtu", strconv.Itoa(o.MTU))
	}
	if len(o.ClasslessRoutes) > 0 {
		// Raw bytes: Kea 2.2 has no text form for option 121.
		no := false
		opts = append(opts, keaOption{Code: 121, CSVFormat: &no, Data: hex.EncodeToString(classlessBytes(o.ClasslessRoutes))})
	}
	return opts
}
