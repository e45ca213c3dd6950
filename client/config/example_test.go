package config

import (
	"bytes"
	"os"
	"reflect"
	"testing"
)

// TestContribExamples checks that the shipped examples load without
// problems and describe the same configuration.
func TestContribExamples(t *testing.T) {
	conf, ds, err := Load("../../contrib/dhclient.conf.example")
	if err != nil || len(ds) != 0 {
		t.Fatalf("dhclient.conf.example: %v %v", err, ds)
	}
	// The .example suffix hides the .yaml one from Load.
	b, err := os.ReadFile("../../contrib/leased.yaml.example")
	if err != nil {
		t.Fatal(err)
	}
	yc, ds := ParseYAML(bytes.NewReader(b), "leased.yaml.example")
	if len(ds) != 0 {
		t.Fatalf("leased.yaml.example: %v %v", err, ds)
	}
	if !reflect.DeepEqual(conf, yc) {
		t.Errorf("examples differ:\nconf %+v\nyaml %+v", conf.Global, yc.Global)
	}
	if d, ok := conf.Catalogue.ByName("xgrid-controller"); !ok || d.Code != 250 {
		t.Errorf("xgrid-controller: %+v", d)
	}
	if n := len(conf.Global.Request); n != 14 || conf.Global.Request[n-1] != 250 {
		t.Errorf("request: %v", conf.Global.Request)
	}
}
