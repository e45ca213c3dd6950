package config

import (
	"net"
	"net/netip"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/leased/leased/statemachine"
	"github.com/leased/leased/statemachine/dhcp4"
)

// settings is the table of settings: one row per statement that holds one
// value per scope. A row's name is both its dhclient.conf statement and
// its YAML key; its kind says how the value is read in either syntax;
// its default is the value before any file sets it; its field is where
// the value goes in Settings. The dhclient.conf parser, the YAML loader,
// Defaults, IsSet and the interface-over-global merge (Config.For) all
// read this table and nothing else, so a new setting is one row here and
// the code that uses its field.
//
// The timing defaults are ISC dhclient 4.4.3's as measured
// (client/clparse.c read_client_conf, reference §2.1; its man page's
// initial-interval of 10 s is wrong); the extensions' are SPEC §3's.
var settings = []setting{
	row("timeout", anywhere, seconds, 60*time.Second, func(s *Settings) *time.Duration { return &s.Timeout }),
	row("retry", anywhere, seconds, 300*time.Second, func(s *Settings) *time.Duration { return &s.Retry }),
	row("select-timeout", anywhere, seconds, 0, func(s *Settings) *time.Duration { return &s.SelectTimeout }),
	row("reboot", anywhere, seconds, 10*time.Second, func(s *Settings) *time.Duration { return &s.Reboot }),
	row("backoff-cutoff", anywhere, seconds, 15*time.Second, func(s *Settings) *time.Duration { return &s.BackoffCutoff }),
	row("initial-interval", anywhere, seconds, 3*time.Second, func(s *Settings) *time.Duration { return &s.InitialInterval }),
	row("initial-delay", anywhere, seconds, 0, func(s *Settings) *time.Duration { return &s.InitialDelay }),
	// decline-wait-time is ISC's command-line flag, not a statement
	// (dhclient.c decline_wait_time).
	row("decline-wait-time", commandLine, seconds, 10*time.Second, func(s *Settings) *time.Duration { return &s.DeclineWait }),

	row("request", anywhere, requestList, defaultPRL, func(s *Settings) *[]uint8 { return &s.Request }),
	row("require", anywhere, requireList, nil, func(s *Settings) *[]uint8 { return &s.Require }),
	row("script", anywhere, text, "", func(s *Settings) *string { return &s.Script }),
	row("hardware", interfaceOnly, hardware, nil, func(s *Settings) *net.HardwareAddr { return &s.HardwareAddr }).
		called("hardware address parameter"),

	row("arp-check", anywhere, choice(ARPOff, ARPFast, ARPRFC5227), ARPOff, func(s *Settings) *ARPCheck { return &s.ARPCheck }),
	row("route-metric", anywhere, number, 0, func(s *Settings) *int { return &s.RouteMetric }),
	row("route-table", anywhere, number, 0, func(s *Settings) *int { return &s.RouteTable }),
	row("configure-interface", anywhere, choice(ConfigureAuto, ConfigureNative, ConfigureScript), ConfigureAuto,
		func(s *Settings) *Configure { return &s.ConfigureInterface }),
	row("set-mtu", anywhere, flag, true, func(s *Settings) *bool { return &s.SetMTU }),
	row("classless-routes", anywhere, flag, true, func(s *Settings) *bool { return &s.ClasslessRoutes }),
	row("client-id", anywhere, choice(ClientIDNone, ClientIDMAC, ClientIDDUID), ClientIDNone, func(s *Settings) *ClientID { return &s.ClientID }),
	row("control-socket", global, text, "", func(s *Settings) *string { return &s.ControlSocket }),
	row("control-socket-public", global, flag, false, func(s *Settings) *bool { return &s.ControlSocketPublic }),
	row("release-on-stop", anywhere, flag, false, func(s *Settings) *bool { return &s.ReleaseOnStop }),
	row("link-watch", global, flag, true, func(s *Settings) *bool { return &s.LinkWatch }),
	row("sleep-watch", global, flag, true, func(s *Settings) *bool { return &s.SleepWatch }),
	row("ipv4ll", anywhere, flag, false, func(s *Settings) *bool { return &s.IPv4LL }),
	row("ipv4ll-retry", anywhere, seconds, statemachine.DefaultIPv4LLRetry, func(s *Settings) *time.Duration { return &s.IPv4LLRetry }),
	row("ipv4ll-route", anywhere, flag, false, func(s *Settings) *bool { return &s.IPv4LLRoute }),
	row("forcerenew", anywhere, flag, false, func(s *Settings) *bool { return &s.ForceRenew }),
	row("hook-timeout", anywhere, seconds, 30*time.Second, func(s *Settings) *time.Duration { return &s.HookTimeout }),
	row("rapid-commit", anywhere, flag, false, func(s *Settings) *bool { return &s.RapidCommit }),
	row("ipv6-only-preferred", anywhere, flag, false, func(s *Settings) *bool { return &s.IPv6OnlyPreferred }),
	row("captive-portal", anywhere, flag, true, func(s *Settings) *bool { return &s.CaptivePortal }),
	row("anonymity", anywhere, flag, false, func(s *Settings) *bool { return &s.Anonymity }),
	row("inform", anywhere, unicastAddr, netip.Addr{}, func(s *Settings) *netip.Addr { return &s.Inform }),
}

// defaultPRL is ISC dhclient 4.4.3's built-in parameter request list as
// Debian builds it, used without a request statement (reference §2.2;
// golden env/11 requested_*).
var defaultPRL = []uint8{
	dhcp4.OptSubnetMask, dhcp4.OptBroadcast, dhcp4.OptTimeOffset, dhcp4.OptRouter,
	dhcp4.OptDomainName, dhcp4.OptDNS, dhcp4.OptHostName,
}

// scope says where a setting may be written.
type scope uint8

const (
	// anywhere: at the top level, and in interface blocks, which
	// override it for their interface.
	anywhere scope = iota
	// interfaceOnly: only in an interface block (hardware), as in ISC.
	interfaceOnly
	// global: the whole daemon's (one control socket, one link watch);
	// in an interface block it is ignored with a warning.
	global
	// commandLine: no statement; the row gives the default of a
	// command-line flag.
	commandLine
)

// setting is one row of the table. row builds it from a kind, a default
// and a field of one Go type, so the three always agree.
type setting struct {
	name  string
	scope scope
	noun  string // what messages call it, when not its name
	// conf reads the statement's arguments, the name being read, and
	// stores the value in s; false when it reported an error instead.
	conf func(fp *fileParser, s *Settings) bool
	// yaml reads the value node n of the key into s; false likewise.
	yaml func(y *yamlParser, n *yaml.Node, s *Settings) bool
	// reset stores the default in s; copy copies the value from src.
	reset func(s *Settings)
	copy  func(dst, src *Settings)
	// field returns a pointer to the setting's field in s.
	field func(s *Settings) any
}

// kind is how a value of type T is read: from the tokens after a
// dhclient.conf statement's name, and from a YAML value node. Both report
// their own errors. clone copies a value that shares memory (nil: none
// does).
type kind[T any] struct {
	conf  func(fp *fileParser, name string) (T, bool)
	yaml  func(y *yamlParser, n *yaml.Node, name string) (T, bool)
	clone func(T) T
}

// row declares one setting.
func row[T any](name string, sc scope, k kind[T], def T, field func(*Settings) *T) setting {
	clone := k.clone
	if clone == nil {
		clone = func(v T) T { return v }
	}
	store := func(s *Settings, v T, ok bool) bool {
		if ok {
			*field(s) = v
		}
		return ok
	}
	return setting{
		name: name, scope: sc,
		conf: func(fp *fileParser, s *Settings) bool {
			v, ok := k.conf(fp, name)
			return store(s, v, ok)
		},
		yaml: func(y *yamlParser, n *yaml.Node, s *Settings) bool {
			v, ok := k.yaml(y, n, name)
			return store(s, v, ok)
		},
		reset: func(s *Settings) { *field(s) = clone(def) },
		copy:  func(dst, src *Settings) { *field(dst) = clone(*field(src)) },
		field: func(s *Settings) any { return field(s) },
	}
}

// called names the setting in messages, as ISC does.
func (r setting) called(noun string) setting {
	r.noun = noun
	return r
}

// what is the setting's name in messages.
func (r setting) what() string {
	if r.noun != "" {
		return r.noun
	}
	return r.name
}

// lookup returns the index of the row for a statement or YAML key.
// Command-line rows have no statement.
func lookup(name string) (int, bool) {
	for i, r := range settings {
		if r.name == name && r.scope != commandLine {
			return i, true
		}
	}
	return 0, false
}

// Defaults returns the settings before any file: every row's default.
// Nothing is marked as set.
func Defaults() Settings {
	var s Settings
	for _, r := range settings {
		r.reset(&s)
	}
	return s
}

// IsSet reports whether the statement was given in this scope (for
// Config.For's result: in the interface's scope or the global one).
// Names are the statement names, such as "timeout" or "arp-check".
func (s *Settings) IsSet(statement string) bool {
	i, ok := lookup(statement)
	return ok && s.set.has(i)
}

// mask records which rows of the table a scope set, by row index.
type mask [2]uint64

func (m *mask) add(i int)     { m[i/64] |= 1 << (i % 64) }
func (m mask) has(i int) bool { return m[i/64]&(1<<(i%64)) != 0 }
func (m mask) or(o mask) mask { return mask{m[0] | o[0], m[1] | o[1]} }
