package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// optionFields are the Settings fields that are not rows of the table:
// the option statements, which merge option by option (merge.go).
var optionFields = []string{"Send", "SendSub", "Modifiers", "Reject"}

// TestTableCoversSettings checks that every field of Settings is filled
// by exactly one row of the table or is an option statement's, that
// names are unique and that the set mask has a bit for every row.
func TestTableCoversSettings(t *testing.T) {
	if len(settings) > len(mask{})*64 {
		t.Fatalf("%d rows, the set mask holds %d", len(settings), len(mask{})*64)
	}
	var s Settings
	v := reflect.ValueOf(&s).Elem()
	owner := map[string]string{}
	names := map[string]bool{}
	for _, r := range settings {
		if names[r.name] {
			t.Errorf("row %q declared twice", r.name)
		}
		names[r.name] = true
		p := reflect.ValueOf(r.field(&s)).Pointer()
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if v.Field(i).Addr().Pointer() != p {
				continue
			}
			if o, dup := owner[f.Name]; dup {
				t.Errorf("field %s filled by rows %q and %q", f.Name, o, r.name)
			}
			owner[f.Name] = r.name
		}
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		_, row := owner[f.Name]
		switch {
		case !f.IsExported():
		case row && slices.Contains(optionFields, f.Name):
			t.Errorf("field %s is both a row and an option statement", f.Name)
		case !row && !slices.Contains(optionFields, f.Name):
			t.Errorf("field %s has no row in the table", f.Name)
		}
	}
}

// TestDefaults checks the table's defaults against ISC dhclient 4.4.3
// (reference §2.1, §2.2) and SPEC §3.
func TestDefaults(t *testing.T) {
	d := Defaults()
	want := Settings{
		Timeout: 60 * time.Second, Retry: 300 * time.Second, Reboot: 10 * time.Second,
		BackoffCutoff: 15 * time.Second, InitialInterval: 3 * time.Second, DeclineWait: 10 * time.Second,
		Request:  []uint8{1, 28, 2, 3, 15, 6, 12},
		ARPCheck: ARPOff, ConfigureInterface: ConfigureAuto, ClientID: ClientIDNone,
		SetMTU: true, ClasslessRoutes: true, LinkWatch: true, SleepWatch: true,
		HookTimeout: 30 * time.Second, CaptivePortal: true, IPv4LLRetry: 300 * time.Second,
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("Defaults:\n got %+v\nwant %+v", d, want)
	}
	d.Request[0] = 99
	if Defaults().Request[0] != 1 {
		t.Error("Defaults shares the request list between calls")
	}
}

// TestScopeRules checks the scope column in both syntaxes: hardware only
// in an interface, the daemon-wide settings only at the top level, and
// a command-line row no statement at all.
func TestScopeRules(t *testing.T) {
	for _, tc := range []struct {
		name, conf, yaml string
		lines            [2]int // of the diagnostic in conf and yaml
		warning          bool
		msg              string
	}{
		{"hardware at the top", "hardware ethernet 02:00:00:00:00:01;\n", "hardware: ethernet 02:00:00:00:00:01\n",
			[2]int{1, 1}, false, "hardware address parameter not allowed here."},
		{"link-watch in an interface", "interface \"eth0\" {\n link-watch off; }\n", "interfaces:\n  eth0:\n    link-watch: false\n",
			[2]int{2, 3}, true, "link-watch ignored in an interface declaration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc, cds := Parse(strings.NewReader(tc.conf), "c.conf")
			yc, yds := ParseYAML(strings.NewReader(tc.yaml), "c.yaml")
			for i, ds := range [][]Diagnostic{cds, yds} {
				if len(ds) != 1 || ds[0].Warning != tc.warning || ds[0].Line != tc.lines[i] || !strings.Contains(ds[0].Message, tc.msg) {
					t.Errorf("diagnostics %v, want one %q on line %d (warning %v)", ds, tc.msg, tc.lines[i], tc.warning)
				}
			}
			for _, c := range []*Config{cc, yc} {
				if s := c.For("eth0"); s.HardwareAddr != nil || !s.LinkWatch {
					t.Errorf("the statement applied where its scope forbids it: %+v", s)
				}
			}
		})
	}
	if _, ds := Parse(strings.NewReader("decline-wait-time 3;\n"), "c.conf"); !HasErrors(ds) {
		t.Errorf("decline-wait-time read as a statement: %v", ds)
	}
	if _, ds := ParseYAML(strings.NewReader("decline-wait-time: 3\n"), "c.yaml"); !HasErrors(ds) {
		t.Errorf("decline-wait-time read as a YAML key: %v", ds)
	}
}

// TestNumberRange: a number setting holds the same range in both syntaxes.
func TestNumberRange(t *testing.T) {
	for _, text := range []string{"route-metric 2147483648;\n", "route-metric: 2147483648\n"} {
		parse := Parse
		if !strings.HasSuffix(text, ";\n") {
			parse = ParseYAML
		}
		c, ds := parse(strings.NewReader(text), "c")
		if !HasErrors(ds) || c.Global.IsSet("route-metric") {
			t.Errorf("%q: diagnostics %v, metric %d; want an error and no metric", text, ds, c.Global.RouteMetric)
		}
	}
	c, ds := ParseYAML(strings.NewReader("route-metric: 2147483647\n"), "c")
	if len(ds) != 0 || c.Global.RouteMetric != 2147483647 {
		t.Errorf("largest metric: %v %d", ds, c.Global.RouteMetric)
	}
}
