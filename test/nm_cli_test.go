//go:build linux

package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/leased/leased/test/lab"
)

// run runs nmcli with args against the rig's NetworkManager.
func (r *nmRig) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return r.runCtx(t.Context(), args...)
}

// runCtx is run with a context, for cleanups (t.Context is done by then).
func (r *nmRig) runCtx(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, nmWait)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.nmcli, args...)
	cmd.Env = append(os.Environ(), "DBUS_SYSTEM_BUS_ADDRESS="+r.bus, "LC_ALL=C")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("nmcli %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// mustRun runs nmcli and fails t when it fails.
func (r *nmRig) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := r.run(t, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return out
}

// waitDeviceState waits until nmcli reports the interface in state (as
// GENERAL.STATE prints it), failing t if NetworkManager exits first.
func (r *nmRig) waitDeviceState(t *testing.T, state string) {
	t.Helper()
	var last string
	lab.PollUntil(t, nmWait, func() bool {
		select {
		case <-r.nm.Done():
			t.Fatalf("NetworkManager exited: %v", r.nm.Err())
		default:
		}
		out, err := r.run(t, "-g", "GENERAL.STATE", "device", "show", r.ifname)
		last = strings.TrimSpace(out)
		if err != nil {
			last = err.Error() + ": " + last
		}
		return err == nil && last == state
	}, func() string { return fmt.Sprintf("%s in state %q (last: %q)", r.ifname, state, last) })

}

// show returns nmcli's terse `device show` fields of group (IP4, DHCP4,
// GENERAL) for the interface, as name → values in order.
func (r *nmRig) show(t *testing.T, group string) map[string][]string {
	t.Helper()
	out := r.mustRun(t, "-t", "-f", group, "device", "show", r.ifname)
	fields := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i] // IP4.ADDRESS[1] → IP4.ADDRESS
		}
		value = strings.NewReplacer(`\:`, ":", `\\`, `\`).Replace(value)
		if value != "" {
			fields[name] = append(fields[name], value)
		}
	}
	return fields
}

// dhcpOptions returns the DHCP4 options NetworkManager received from
// nm-dhcp-helper, name → value.
func (r *nmRig) dhcpOptions(t *testing.T) map[string]string {
	t.Helper()
	opts := map[string]string{}
	for _, o := range r.show(t, "DHCP4")["DHCP4.OPTION"] {
		if name, value, ok := strings.Cut(o, " = "); ok {
			opts[name] = value
		}
	}
	return opts
}

// dhclientPid reads NetworkManager's pid file of the running dhclient
// through NM's mount namespace; 0 if there is none.
func (r *nmRig) dhclientPid() int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/root/run/NetworkManager/dhclient-%s.pid", r.nm.Pid(), r.ifname))
	if err != nil {
		return 0
	}
	var pid int
	fmt.Sscan(string(b), &pid)
	return pid
}
