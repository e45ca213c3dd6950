package client

import "context"

// reloadOnHangup reads the configuration again at each SIGHUP.
func (d *Daemon) reloadOnHangup(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.Hangup:
			d.reload()
		}
	}
}

// reload hands each interface the settings of the configuration file as
// it is now; leases are kept. Settings of the kernel side (route metric,
// arp-check, configure-interface) apply on restart. A file that cannot be
// read leaves everything as it was.
func (d *Daemon) reload() {
	cfg, _, err := loadConfig(d.confPath, d.logDiagnostic)
	if err != nil {
		d.log.Error("reload configuration", "err", err)
		return
	}
	for _, name := range d.mgr.Names() {
		hw, err := d.System.HardwareAddr(name)
		if err != nil {
			continue // gone for now; its runner waits for the link
		}
		d.mgr.Reconfigure(name, d.machineFor(cfg, name, hw))
	}
	d.log.Info("configuration reloaded", "file", d.ConfPath)
}
