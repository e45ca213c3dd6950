package client_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/leased/leased/client"
	"github.com/leased/leased/client/clienttest"
	"github.com/leased/leased/client/config"
	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// send host-name = gethostname() is evaluated for every message: a host
// without a name sends none, or pick-first-value's next value, and once
// a BOUND hook has named it, the renewal carries the new name (ISC
// evaluates it per message). So is an expression of a sub-option: the
// renewal's option 81 carries the new name too.
func TestRunnerSendsCurrentHostname(t *testing.T) {
	t.Run("gethostname()", func(t *testing.T) { testRunnerSendsCurrentHostname(t, "") })
	t.Run("pick-first-value", func(t *testing.T) { testRunnerSendsCurrentHostname(t, "ISC-dhclient") })
}

func testRunnerSendsCurrentHostname(t *testing.T, fallback string) {
	value := "gethostname()"
	if fallback != "" {
		value = `pick-first-value(gethostname(), "` + fallback + `")`
	}
	conf, ds := config.Parse(strings.NewReader("send host-name = "+value+";\nsend fqdn.fqdn = "+value+";\n"), "hostname.conf")
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	synctest.Test(t, func(t *testing.T) {
		var name atomic.Value
		name.Store("")
		h := &harness{t: t, link: clienttest.NewLink("eth0"), hooks: &clienttest.Hooks{},
			store: &clienttest.Store{}, done: make(chan error, 1), ready: make(chan struct{})}
		rng := rand.New(rand.NewPCG(1, 2))
		build := func(host string) statemachine.Config {
			c := client.MachineConfig("eth0", conf.ForHost("eth0", config.Host{HWAddr: h.link.HW, Name: host}),
				client.Identity{HWAddr: h.link.HW, Hostname: host})
			c.Rand = rng
			return c
		}
		h.runner = client.NewRunner(client.RunnerConfig{
			Machine: build(""), Link: h.link, Hooks: h.hooks, Store: h.store,
			OnReady:  func() { close(h.ready) },
			Hostname: func() string { return name.Load().(string) },
			Rebuild:  build,
		})
		ctx, cancel := context.WithCancel(t.Context())
		h.cancel = cancel
		go func() { h.done <- h.runner.Run(ctx) }()
		defer h.stop()

		d := h.expect(dhcp4.Discover)
		if v, ok := d.Msg().Options.Get(dhcp4.OptHostName); string(v) != fallback || ok != (fallback != "") {
			t.Errorf("DISCOVER of a host without a name carries host-name %q (%t), want %q", v, ok, fallback)
		}
		h.link.Deliver(reply(d.Msg(), dhcp4.Offer, 120), fromServer)
		r := h.expect(dhcp4.Request)
		h.link.Deliver(reply(r.Msg(), dhcp4.Ack, 120), fromServer)
		<-h.ready
		name.Store("named-by-hook")
		renew := h.expect(dhcp4.Request)
		if v, _ := renew.Msg().Options.Get(dhcp4.OptHostName); string(v) != "named-by-hook" {
			t.Errorf("renewal carries host-name %q, want the name set after the bind", v)
		}
		if v, _ := renew.Msg().Options.Get(dhcp4.OptFQDN); !bytes.HasSuffix(v, []byte("named-by-hook")) {
			t.Errorf("renewal carries fqdn % x, want the name set after the bind", v)
		}
	})
}
