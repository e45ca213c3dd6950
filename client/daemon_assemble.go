package client

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/client/lease"
	"github.com/leased/leased/hooks"
	"github.com/leased/leased/statemachine"
)

// defaultPort is the DHCP client port (RFC 2131 §4.1), when Options.Port
// is zero.
const defaultPort = 68

// interfaceNames returns the interfaces to configure: those on the
// command line plus those named by interface blocks (reference §2.3), or
// every broadcast-capable interface when neither names any.
func (d *Daemon) interfaceNames() []string {
	names := slices.Clone(d.Interfaces)
	for name := range d.Config.Interfaces {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) > 0 || d.NoIfaces {
		return names
	}
	list := d.System.Interfaces
	if list == nil {
		list = net.Interfaces
	}
	ifs, _ := list()
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagBroadcast != 0 && ifc.Flags&net.FlagLoopback == 0 && len(ifc.HardwareAddr) == 6 {
			names = append(names, ifc.Name)
		}
	}
	return names
}

// assemble builds the runner of every interface. One named on the command
// line that does not exist ends the daemon, as in ISC; one named only by
// an interface block is left out, as ISC keeps it as a dummy and
// configures the others (clparse.c interface_or_dummy): configuration
// files carry blocks for interfaces a host may lack (cloud-init's ib0,
// NetworkManager's and routers' own).
func (d *Daemon) assemble(names []string) ([]RunnerConfig, error) {
	cfgs := make([]RunnerConfig, 0, len(names))
	for _, name := range names {
		rc, err := d.runnerConfig(name)
		if err != nil && !slices.Contains(d.Interfaces, name) {
			d.log.Debug("interface block names no device, left out", "iface", name, "err", err)
			continue
		}
		if err != nil {
			d.preinitMissing(name)
			d.log.Debug("assemble", "iface", name, "err", err)
			d.fatal(fmt.Sprintf("Cannot find device %q", name), "Failed to get interface index: No such device")
			return nil, err
		}
		cfgs = append(cfgs, rc)
	}
	return cfgs, nil
}

// iscFatalTrailer is what ISC's log_fatal prints after its message
// before it exits (omapip/errwarn.c).
var iscFatalTrailer = []string{
	"",
	"If you think you have received this message due to a bug rather",
	"than a configuration issue please read the section on submitting",
	"bugs on either our web page at www.isc.org or in the README file",
	"before submitting a bug.  These pages explain the proper",
	"process and the information we find helpful for debugging.",
	"",
	"exiting.",
}

// fatal logs the lines of an error that ends the daemon as ISC's
// log_fatal does; the caller returns the error.
func (d *Daemon) fatal(lines ...string) {
	for _, l := range append(lines, iscFatalTrailer...) {
		d.log.Error(l)
	}
}

// runnerConfig assembles one interface's runner. Its hook queue joins
// d.queues, which the caller closes once the runner has ended.
func (d *Daemon) runnerConfig(name string) (RunnerConfig, error) {
	hw, err := d.System.HardwareAddr(name)
	if err != nil {
		return RunnerConfig{}, fmt.Errorf("find device %q: %w", name, err)
	}
	s := d.settings(d.Config, name, hw, d.host)
	mc := d.machineConfig(name, s, hw, d.host)
	log := d.log.With("iface", name)
	if s.ForceRenew && s.Anonymity {
		// The profile sends no option but its request list (RFC 7844
		// §3.7-3.10), so no option 145, and no server hands over a key.
		log.Warn("forcerenew has no effect with anonymity on: the anonymity profile sends no option 145, so no FORCERENEW can be authenticated")
	}
	queue := hooks.NewQueue(&hooks.Runner{Timeout: s.HookTimeout, Log: log, Turn: d.turn})
	d.queues = append(d.queues, queue)
	script := d.script(s)
	native, why := ConfigureMode(s.ConfigureInterface, script, d.scriptMarked(script))
	d.announceMode(native, why)
	link := d.System.OpenLink(d.linkSpec(name, s, mc.HWAddr))
	ll, _ := link.(LinkLocalLink)
	if !native {
		link = scriptLink{link}
		if ll != nil {
			ll = scriptLinkLocal{ll}
		}
	}
	return RunnerConfig{
		Machine:   mc,
		Recorded:  d.recorded(name),
		Link:      link,
		LinkLocal: ll,
		// requested_* list the request statement, not what leased's
		// extensions add to the DISCOVER (captive-portal, on by default,
		// and ipv6-only-preferred): the same configuration gives the
		// script the environment ISC dhclient gives it (isc-golden).
		Hooks: &ScriptHooks{
			Script: script, Catalogue: d.Config.Catalogue, PID: os.Getpid(), DADWait: d.DADWait,
			Extra: d.Env, PRL: s.Request, Alias: d.alias(name), Queue: queue, Log: log,
		},
		Store:         d.store,
		Pacer:         &d.pacer,
		Log:           log,
		Hostname:      d.hostname,
		Rebuild:       d.machineFor(d.Config, name, hw),
		BuiltFor:      d.host,
		ScriptMode:    !native,
		ReleaseOnStop: s.ReleaseOnStop,
	}, nil
}

// settings are the settings of interface name in cfg, with the send
// statements for options of other spaces evaluated for its hardware
// address hw and the host name host.
func (d *Daemon) settings(cfg *config.Config, name string, hw net.HardwareAddr, host string) config.Settings {
	return cfg.ForHost(name, config.Host{HWAddr: hw, Name: host})
}

// machineFor returns what builds the state machine's configuration of
// interface name in cfg for a host name: the runner's rebuild when the
// name changes, and a reload's.
func (d *Daemon) machineFor(cfg *config.Config, name string, hw net.HardwareAddr) func(host string) statemachine.Config {
	return func(host string) statemachine.Config {
		return d.machineConfig(name, d.settings(cfg, name, hw, host), hw, host)
	}
}

// machineConfig is the state machine's configuration of one interface
// with settings s on a host named host.
func (d *Daemon) machineConfig(name string, s config.Settings, hw net.HardwareAddr, host string) statemachine.Config {
	id := Identity{HWAddr: hw, Hostname: host, Server: d.Server}
	if d.DUID || s.ClientID == config.ClientIDDUID {
		id.DUID = d.duid(hw)
	}
	mc := MachineConfig(name, s, id)
	mc.OneTry = d.OneTry
	mc.DeclineWait = d.DeclineWait
	mc.ServerPort = uint16(d.port() - 1) // -p: the server port is one below (reference §1.2)
	return mc
}

func (d *Daemon) port() int {
	if d.Port == 0 {
		return defaultPort
	}
	return d.Port
}

// linkSpec is what the kernel side of one interface is built from;
// chaddr is what its messages carry.
func (d *Daemon) linkSpec(name string, s config.Settings, chaddr net.HardwareAddr) LinkSpec {
	metric := s.RouteMetric
	if v, ok := envValue(d.Env, "IF_METRIC"); ok && !s.IsSet("route-metric") {
		metric, _ = strconv.Atoi(v) // Debian's script reads IF_METRIC the same way
	}
	return LinkSpec{Name: name, Port: d.port(), CHAddr: chaddr, Settings: s, Metric: metric}
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

// recorded returns the leases to try for name: the lease file's active
// lease (expired or not: the machine decides) and its alternatives, then
// the fallback leases of the configuration (reference §5.1).
func (d *Daemon) recorded(name string) []*statemachine.Lease {
	var out []*statemachine.Lease
	active, alts := d.store.Active(name, d.start)
	for i := len(alts) - 1; i >= 0; i-- {
		out = append(out, alts[i])
	}
	// An expired active lease goes in too: the machine keeps it as the
	// lapsed lease, as ISC keeps client->active, so the first DISCOVER asks
	// for its address and the first BOUND exports it as old_*.
	if active != nil {
		out = append(out, active)
	}
	for _, e := range d.Config.Fallback {
		if e.Interface == name || e.Interface == "" {
			l := e.Lease.Clone()
			l.Fallback = true
			out = append(out, l)
		}
	}
	return out
}

// alias returns the alias { } block for name (reference §3.3), if any.
func (d *Daemon) alias(name string) *statemachine.Lease {
	for _, e := range d.Config.Aliases {
		if e.Interface == name || e.Interface == "" {
			return e.Lease
		}
	}
	return nil
}

// duid returns the lease file's DUID, creating one when it has none:
// taken from the -df file, else made from hw (ISC keeps it as
// default-duid in the lease file).
func (d *Daemon) duid(hw net.HardwareAddr) []byte {
	return d.store.DUID(func() []byte {
		if d.DUIDPath != "" {
			other := &lease.Store{Path: d.DUIDPath}
			if f, _ := other.Load(d.Config.Catalogue); f != nil && f.DefaultDUID != nil {
				return f.DefaultDUID
			}
		}
		if d.DUIDType == "LL" {
			d.createdDUID = DUIDLL(hw)
		} else {
			d.createdDUID = DUIDLLT(hw, d.start)
		}
		return d.createdDUID
	})
}

// announceSockets logs ISC's lines for the sockets it opens (reference §8):
// a packet socket for each interface, then the UDP socket of unicasts.
func (d *Daemon) announceSockets(cfgs []RunnerConfig) {
	for _, rc := range cfgs {
		name, hw := rc.Link.Name(), rc.Machine.HWAddr
		d.log.Info(fmt.Sprintf("Listening on LPF/%s/%s", name, hw))
		d.log.Info(fmt.Sprintf("Sending on   LPF/%s/%s", name, hw))
	}
	d.log.Info("Sending on   Socket/fallback")
}
