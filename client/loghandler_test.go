package client_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/leased/leased/client"
)

// ISC's phrases come out as ISC prints them; other attributes follow as
// key=value, and the interface, which the phrases name, is left out.
func TestLineHandlerPrintsISCPhrases(t *testing.T) {
	var quiet, verbose bytes.Buffer
	log := slog.New(client.Fanout{
		client.NewLineHandler(&quiet, slog.LevelError),
		client.NewLineHandler(&verbose, slog.LevelInfo),
	}).With("iface", "eth0").WithGroup("ignored")
	log.Info("DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67")
	log.Warn("send", "to", "10.0.0.1:67", "err", "network is down")
	log.Error(`Cannot find device "eth9"`)
	want := "DHCPREQUEST for 10.0.0.5 on eth0 to 255.255.255.255 port 67\n" +
		"send to=10.0.0.1:67 err=network is down\n" +
		"Cannot find device \"eth9\"\n"
	if got := verbose.String(); got != want {
		t.Errorf("verbose log:\n%s\nwant:\n%s", got, want)
	}
	if got, want := quiet.String(), "Cannot find device \"eth9\"\n"; got != want {
		t.Errorf("quiet log %q, want %q", got, want)
	}
	if log.Enabled(t.Context(), slog.LevelDebug) {
		t.Error("debug enabled, want info and above only")
	}
}
