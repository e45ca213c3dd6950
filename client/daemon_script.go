package client

import (
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"

	"github.com/leased/leased/client/config"
	"github.com/leased/leased/hooks"
	"github.com/leased/leased/statemachine"
)

// Which script runs, and so who configures the interface (SPEC §5.0).

// script is the script that runs for an interface with settings s: the
// script statement, then -sf, then leased's own.
func (d *Daemon) script(s config.Settings) string {
	switch {
	case s.Script != "":
		return s.Script
	case d.ScriptPath != "":
		return d.ScriptPath
	}
	return defaultScript()
}

// defaultScript finds leased's native-mode dhclient-script: next to the
// binary's data, then the installed locations (SPEC §2). "" when there
// is none.
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

// scriptMarked reports whether the script at path carries
// NativeScriptMarker, reading it once for all the interfaces that run
// it; the verdict is kept, not the bytes.
func (d *Daemon) scriptMarked(path string) bool {
	if marked, ok := d.marked[path]; ok {
		return marked
	}
	if d.marked == nil {
		d.marked = map[string]bool{}
	}
	marked := hasMarker(readScriptHead(path))
	d.marked[path] = marked
	return marked
}

// readScriptHead returns the start of the script at path, where leased's
// own script declares itself; nil when there is none or it cannot be read.
func readScriptHead(path string) []byte {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b := make([]byte, MarkerWindow)
	n, _ := io.ReadFull(f, b)
	return b[:n]
}

// announceMode logs, once for each distinct reason, who configures the
// interfaces.
func (d *Daemon) announceMode(native bool, why string) {
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
	d.log.Log(context.Background(), LevelNotice, who+" ("+why+")")
}

// scriptLink is the Link of an interface the script configures: leased
// opens its sockets and probes on it but leaves its state alone, as ISC
// does.
type scriptLink struct{ Link }

func (scriptLink) Up() error                                { return nil }
func (scriptLink) Configure(_, _ *statemachine.Lease) error { return nil }
func (scriptLink) Deconfigure(*statemachine.Lease) error    { return nil }

// scriptLinkLocal is the link-local side of such an interface: leased
// claims the address with ARP, the script configures it on IPV4LL.
type scriptLinkLocal struct{ LinkLocalLink }

func (scriptLinkLocal) AddLinkLocal(netip.Addr) error    { return nil }
func (scriptLinkLocal) RemoveLinkLocal(netip.Addr) error { return nil }

// preinitMissing runs PREINIT for an interface that does not exist, as
// ISC does before it finds out and exits (golden scenario 5): a script
// that brings interfaces into being can still see it asked for.
func (d *Daemon) preinitMissing(name string) {
	script := d.script(d.Config.For(name))
	if script == "" {
		return
	}
	env := hooks.Env(hooks.Call{Reason: "PREINIT", Interface: name, PID: os.Getpid(), DADWait: d.DADWait, Extra: d.Env},
		d.Config.Catalogue, func(string) {})
	(&hooks.Runner{Log: d.log}).Run(context.Background(), script, env)
}

// noBroadcastInterfaces runs the NBI script call, as ISC does when it
// finds nothing to configure (reference §3.2).
func (d *Daemon) noBroadcastInterfaces(ctx context.Context) {
	d.trap()
	d.log.Error("No broadcast interfaces found - exiting.")
	script := d.ScriptPath
	if script == "" {
		script = defaultScript()
	}
	if script != "" {
		env := hooks.Env(hooks.Call{Reason: "NBI", Extra: d.Env}, nil, func(string) {})
		(&hooks.Runner{Log: d.log}).Run(ctx, script, env)
	}
}
