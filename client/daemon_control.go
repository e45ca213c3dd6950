package client

import (
	"context"
	"os"

	"github.com/leased/leased/client/control"
)

// controlPath is where the control socket listens: control-socket, else
// the pid file's path with .sock for .pid (SPEC §8); "" for none. A pid
// file that is not a file (-pf /dev/null, which keeps none) names no
// place for a socket, which would otherwise sit in /dev: the default pid
// file's socket serves then, unless another daemon answers on it.
func (d *Daemon) controlPath() string {
	if p := d.Config.Global.ControlSocket; p != "" {
		return p
	}
	if d.PIDPath == "" {
		return ""
	}
	if fi, err := os.Stat(d.PIDPath); err == nil && !fi.Mode().IsRegular() {
		return control.SocketPath(DefaultPIDPath)
	}
	return control.SocketPath(d.PIDPath)
}

// listenControl opens the control socket at path; nil when it cannot.
// Without it the daemon runs on; only dhclientctl and -r/-x lose their
// way in.
func (d *Daemon) listenControl(path string) *control.Server {
	srv, err := control.Listen(path)
	if err != nil {
		d.log.Warn("control socket", "path", path, "err", err)
		return nil
	}
	srv.Catalogue = d.Config.Catalogue
	srv.PublicRead = d.Config.Global.ControlSocketPublic
	srv.Log = d.log
	return srv
}

// serveControl serves srv, listening at path, until ctx ends, then
// removes the socket.
func (d *Daemon) serveControl(ctx context.Context, srv *control.Server, path string) {
	b := NewBackend(d.mgr, d.Config.Catalogue)
	b.FlushLeases = d.flushLeases
	b.FlushHooks = func() {
		for _, q := range d.queues {
			q.Flush(ctx)
		}
	}
	if err := srv.Serve(ctx, b); err != nil {
		d.log.Warn("control socket", "err", err)
	}
	b.wait()
	os.Remove(path)
}
