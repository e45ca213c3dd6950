package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/hooks"
	"github.com/leased/leased/platform"
	"github.com/leased/leased/statemachine"
)

// interfaceNames returns the interfaces to configure: those on the
// command line plus those named by interface blocks (reference §2.3), or
// every broadcast-capable interface when neither names any.
func interfaceNames(f *Flags, cfg *config.Config) []string {
	names := append([]string(nil), f.Interfaces...)
	for name := range cfg.Interfaces {
		if !contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) > 0 || f.NoIfaces {
		return names
	}
	ifs, _ := net.Interfaces()
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagBroadcast != 0 && ifc.Flags&net.FlagLoopback == 0 && len(ifc.HardwareAddr) == 6 {
			names = append(names, ifc.Name)
		}
	}
	return names
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// envValue returns the value of VAR in -e VAR=value arguments; the last
// one wins.
func envValue(env []string, name string) (string, bool) {
	val, ok := "", false
	for _, kv := range env {
		if k, v, found := strings.Cut(kv, "="); found && k == name {
			val, ok = v, true
		}
	}
	return val, ok
}

// defaultScript finds leased's native-mode dhclient-script: next to the
// binary's data, then the installed locations (SPEC §2).
func defaultScript() string {
	var candidates []string
	if exe, err := os.Executable(); err == nil {
		dir := filepath.Dir(exe)
		candidates = append(candidates,
			filepath.Join(dir, "..", "lib", "leased", "dhclient-script"),
			filepath.Join(dir, "..", "contrib", "dhclient-script"))
	}
	candidates = append(candidates, "/usr/lib/leased/dhclient-script", "/sbin/dhclient-script")
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return filepath.Clean(c)
		}
	}
	return ""
}

// daemonEnv is what every interface's runner shares.
type daemonEnv struct {
	flags    *Flags
	cfg      *config.Config
	file     *lease.File
	store    *client.FileStore
	log      *slog.Logger
	hostname string
	now      time.Time
	// announced holds the configuration-mode reasons already logged.
	announced map[string]bool
}

// newDaemonEnv loads the lease file and gathers what every runner of this
// process shares.
func newDaemonEnv(f *Flags, cfg *config.Config, log *slog.Logger) *daemonEnv {
	store := &lease.Store{Path: f.LeasePath, Catalogue: cfg.Catalogue, Format: cfg.LeaseFormat()}
	file, errs := store.Load(cfg.Catalogue)
	for _, err := range errs {
		log.Warn(err.Error())
	}
	host, _ := os.Hostname()
	return &daemonEnv{flags: f, cfg: cfg, file: file, store: client.NewFileStore(store, file),
		log: log, hostname: host, now: time.Now()}
}

// runnerConfig assembles one interface's runner; the returned queue runs
// its hooks and must be closed after the runner ends.
func (d *daemonEnv) runnerConfig(name string) (client.RunnerConfig, *hooks.Queue, error) {
	hw, _, err := platform.HardwareAddr(name)
	if err != nil {
		return client.RunnerConfig{}, nil, fmt.Errorf("find device %q: %w", name, err)
	}
	s := d.cfg.For(name)
	if s.IPv4LL {
		d.log.Warn("ipv4ll is accepted but not implemented: no link-local fallback", "iface", name)
	}
	mc := d.machineConfig(name, s, hw)
	log := d.log.With("iface", name)
	runner := &hooks.Runner{Timeout: s.HookTimeout, Log: log}
	queue := hooks.NewQueue(runner)
	script := d.script(s)
	native, why := client.ConfigureMode(s.ConfigureInterface, script, scriptHead(script))
	d.announceMode(native, why)
	return client.RunnerConfig{
		Machine:  mc,
		Recorded: d.recorded(name),
		Link:     d.link(name, s, native, mc.HWAddr),
		Hooks: &client.ScriptHooks{
			Script: script, Catalogue: d.cfg.Catalogue, PID: os.Getpid(), DADWait: d.flags.DADWait,
			Extra: d.flags.Env, PRL: s.Request, Alias: d.alias(name), Queue: queue, Log: log,
		},
		Store:         d.store,
		Log:           log,
		Hostname:      hostname,
		ScriptMode:    !native,
		ReleaseOnStop: s.ReleaseOnStop,
	}, queue, nil
}

// machineConfig is the state machine's configuration of one interface.
func (d *daemonEnv) machineConfig(name string, s config.Settings, hw net.HardwareAddr) statemachine.Config {
	id := client.Identity{HWAddr: hw, Hostname: d.hostname, Server: d.flags.Server}
	if d.flags.DUID || s.ClientID == config.ClientIDDUID {
		id.DUID = d.duid(hw)
	}
	mc := client.MachineConfig(name, s, id)
	mc.OneTry = d.flags.OneTry
	mc.DeclineWait = d.flags.DeclineWait
	mc.ServerPort = uint16(d.flags.Port - 1) // -p: the server port is one below (reference §1.2)
	return mc
}

// alias returns the alias { } block for name (reference §3.3), if any.
func (d *daemonEnv) alias(name string) *statemachine.Lease {
	for _, e := range d.cfg.Aliases {
		if e.Interface == name || e.Interface == "" {
			return e.Lease
		}
	}
	return nil
}

// hostname is the host's name now ("" when it cannot be read).
func hostname() string {
	h, _ := os.Hostname()
	return h
}

// script is the script that runs for an interface with settings s: the
// script statement, then -sf, then leased's own.
func (d *daemonEnv) script(s config.Settings) string {
	switch {
	case s.Script != "":
		return s.Script
	case d.flags.ScriptPath != "":
		return d.flags.ScriptPath
	}
	return defaultScript()
}

// scriptHead returns the start of the script at path, where leased's own
// script declares itself; nil when there is none or it cannot be read.
func scriptHead(path string) []byte {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, client.MarkerWindow)
	n, _ := io.ReadFull(f, b)
	return b[:n]
}

// announceMode logs, once for each distinct reason, who configures the
// interfaces (SPEC §5.0).
func (d *daemonEnv) announceMode(native bool, why string) {
	if d.announced[why] {
		return
	}
	if d.announced == nil {
		d.announced = map[string]bool{}
	}
	d.announced[why] = true
	who := "the script configures the interface"
	if native {
		who = "leased configures the interface"
	}
	d.log.Info(who + " (" + why + ")")
}

// link builds the platform side of one interface; native says whether
// leased configures it (SPEC §5.0), chaddr is what its messages carry.
func (d *daemonEnv) link(name string, s config.Settings, native bool, chaddr net.HardwareAddr) *link {
	metric := s.RouteMetric
	if v, ok := envValue(d.flags.Env, "IF_METRIC"); ok && !s.IsSet("route-metric") {
		metric, _ = strconv.Atoi(v) // Debian's script reads IF_METRIC the same way
	}
	mode := platform.ProbeOff
	switch s.ARPCheck {
	case config.ARPFast:
		mode = platform.ProbeFast
	case config.ARPRFC5227:
		mode = platform.ProbeRFC5227
	}
	return &link{
		name: name, port: d.flags.Port, chaddr: chaddr, conf: platform.NewConfigurator(nil),
		routes:     platform.RouteSettings{Metric: metric, Classless: s.ClasslessRoutes, SetMTU: s.SetMTU, Table: s.RouteTable},
		scriptMode: !native,
		probeMode:  mode, probe: mode != platform.ProbeOff,
		now: time.Now,
	}
}

// recorded returns the leases to try for name: the lease file's active
// lease when unexpired and its alternatives, then the fallback leases of
// the configuration (reference §5.1).
func (d *daemonEnv) recorded(name string) []*statemachine.Lease {
	var out []*statemachine.Lease
	active, alts := d.file.Active(name, d.now)
	for i := len(alts) - 1; i >= 0; i-- {
		out = append(out, alts[i])
	}
	if active != nil && !active.ExpiredAt(d.now) {
		out = append(out, active)
	}
	for _, e := range d.cfg.Fallback {
		if e.Interface == name || e.Interface == "" {
			l := e.Lease.Clone()
			l.Fallback = true
			out = append(out, l)
		}
	}
	return out
}

// duid returns the stored DUID, creating and storing one when missing
// (ISC keeps it as default-duid in the lease file).
func (d *daemonEnv) duid(hw net.HardwareAddr) []byte {
	if d.file.DefaultDUID == nil && d.flags.DUIDPath != "" {
		other := &lease.Store{Path: d.flags.DUIDPath}
		if f, _ := other.Load(d.cfg.Catalogue); f != nil {
			d.file.DefaultDUID = f.DefaultDUID
		}
	}
	if d.file.DefaultDUID == nil {
		if d.flags.DUIDType == "LL" {
			d.file.DefaultDUID = client.DUIDLL(hw)
		} else {
			d.file.DefaultDUID = client.DUIDLLT(hw, d.now)
		}
	}
	return d.file.DefaultDUID
}
