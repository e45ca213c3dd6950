package client

import (
	"context"
	"os"

	"github.com/leased/leased/client/control"
)

// controlPath is where the control socket listens: control-socket, else
// the pid file's path with .sock for .pid (SPEC §8); "" for none.
func (d *Daemon) controlPath() string {
	if p := d.Config.Global.ControlSocket; p != "" {
		return p
	}
	if d.PIDPath == "" {
		return ""
	}
	return control.SocketPath(d.PIDPath)
}

// serveControl runs the control socket at path until ctx ends. Without
// it the daemon runs on; only dhclientctl and -r/-x lose their way in.
func (d *Daemon) serveControl(ctx context.Context, path string) {
	srv, err := control.Listen(path)
	if err != nil {
		d.log.Warn("control socket", "path", path, "err", err)
		return
	}
	srv.Catalogue = d.Config.Catalogue
	srv.Log = d.log
	b := NewBackend(d.mgr, d.Config.Catalogue)
	if err := srv.Serve(ctx, b); err != nil {
		d.log.Warn("control socket", "err", err)
	}
	b.wait()
	os.Remove(path)
}
