//go:build linux

package lab

import (
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/leased/leased/statemachine/dhcp4"
)

var (
	renderNet  = netip.MustParsePrefix("10.150.7.0/24")
	renderSrv  = netip.MustParseAddr("10.150.7.1")
	renderOpts = ServerOpts{
		LeaseTime:  90 * time.Second,
		T1:         30 * time.Second,
		T2:         60 * time.Second,
		Routers:    []netip.Addr{renderSrv},
		DNS:        []netip.Addr{renderSrv, netip.MustParseAddr("10.150.7.2")},
		DomainName: "lab.test",
		NTP:        []netip.Addr{renderSrv},
		MTU:        1400,
		ClasslessRoutes: []dhcp4.Route{
			{Dst: netip.MustParsePrefix("192.0.2.0/24"), Gateway: renderSrv},
		},
		Extra: nil,
	}.withDefaults(renderNet)
)

func TestDnsmasqConf(t *testing.T) {
	o := renderOpts
	o.Extra = []string{"dhcp-host=02:00:00:00:00:01,10.150.7.150"}
	got := dnsmasqConf("lb0", "/tmp/l", renderNet, o)
	for _, want := range []string{
		"port=0\n",
		"interface=lb0\n",
		"dhcp-leasefile=/tmp/l\n",
		"dhcp-range=10.150.7.100,10.150.7.199,255.255.255.0,90\n",
		"dhcp-option=option:router,10.150.7.1\n",
		"dhcp-option=option:dns-server,10.150.7.1,10.150.7.2\n",
		"dhcp-option=option:domain-name,lab.test\n",
		"dhcp-option=option:ntp-server,10.150.7.1\n",
		"dhcp-option=option:mtu,1400\n",
		"dhcp-option=option:classless-static-route,192.0.2.0/24,10.150.7.1\n",
		"dhcp-option=option:T1,30\n",
		"dhcp-option=option:T2,60\n",
		"dhcp-host=02:00:00:00:00:01,10.150.7.150\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}

func TestDnsmasqConfSuppressesDefaultRouterAndDNS(t *testing.T) {
	got := dnsmasqConf("lb0", "/tmp/l", renderNet, ServerOpts{}.withDefaults(renderNet))
	for _, want := range []string{"dhcp-option=option:router\n", "dhcp-option=option:dns-server\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "mtu") || strings.Contains(got, "classless") {
		t.Errorf("unset options rendered:\n%s", got)
	}
}

func TestDhcpdConf(t *testing.T) {
	got := dhcpdConf(renderNet, renderOpts)
	for _, want := range []string{
		"default-lease-time 90;\n",
		"max-lease-time 90;\n",
		"subnet 10.150.7.0 netmask 255.255.255.0 {\n",
		"  range 10.150.7.100 10.150.7.199;\n",
		"  option routers 10.150.7.1;\n",
		"  option domain-name-servers 10.150.7.1, 10.150.7.2;\n",
		"  option domain-name \"lab.test\";\n",
		"  option interface-mtu 1400;\n",
		// RFC 3442: width 24, significant octets 192.0.2, gateway.
		"  option rfc3442-classless-static-routes 24,192,0,2,10,150,7,1;\n",
		"  option dhcp-renewal-time 30;\n",
		"  option dhcp-rebinding-time 60;\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("config lacks %q:\n%s", want, got)
		}
	}
}

func TestKeaConf(t *testing.T) {
	o := renderOpts
	o.Extra = []string{`"match-client-id": false`}
	got, err := keaConf("lb0", "/tmp/l.csv", renderNet, o)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Dhcp4 struct {
			Valid     int64 `json:"valid-lifetime"`
			Renew     int64 `json:"renew-timer"`
			MatchCID  *bool `json:"match-client-id"`
			Interface struct {
				Interfaces []string `json:"interfaces"`
			} `json:"interfaces-config"`
			Subnets []struct {
				Subnet string              `json:"subnet"`
				Pools  []map[string]string `json:"pools"`
				Opts   []keaOption         `json:"option-data"`
			} `json:"subnet4"`
		}
	}
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	d := doc.Dhcp4
	if d.Valid != 90 || d.Renew != 30 || d.MatchCID == nil || *d.MatchCID || d.Interface.Interfaces[0] != "lb0" {
		t.Errorf("globals wrong:\n%s", got)
	}
	if len(d.Subnets) != 1 || d.Subnets[0].Subnet != "10.150.7.0/24" || d.Subnets[0].Pools[0]["pool"] != "10.150.7.100 - 10.150.7.199" {
		t.Fatalf("subnet wrong:\n%s", got)
	}
	var classless string
	for _, op := range d.Subnets[0].Opts {
		if op.Code == 121 {
			classless = op.Data
		}
	}
	if classless != "18c000020a960701" {
		t.Errorf("option 121 data %q, want 18c000020a960701", classless)
	}
}

func TestKeaConfRejectsBadExtra(t *testing.T) {
	o := renderOpts
	o.Extra = []string{`"unterminated`}
	if _, err := keaConf("lb0", "/tmp/l.csv", renderNet, o); err == nil {
		t.Fatal("bad extra accepted")
	}
}

func TestWithDefaultsKeepsWhatIsSet(t *testing.T) {
	o := ServerOpts{LeaseTime: time.Minute, RangeStart: netip.MustParseAddr("10.150.7.20")}.withDefaults(renderNet)
	if o.LeaseTime != time.Minute || o.RangeStart != netip.MustParseAddr("10.150.7.20") || o.RangeEnd != netip.MustParseAddr("10.150.7.199") {
		t.Fatalf("got %+v", o)
	}
}
