package dbus

import (
	"errors"
	"slices"
	"testing"
)

func TestBusSockets(t *testing.T) {
	tests := []struct {
		name    string
		address string
		want    []string
	}{
		{"path", "unix:path=/run/dbus/system_bus_socket", []string{"/run/dbus/system_bus_socket"}},
		{"abstract", "unix:abstract=/tmp/dbus-XyZ", []string{"@/tmp/dbus-XyZ"}},
		{"guid ignored", "unix:abstract=bus,guid=0123456789abcdef0123456789abcdef", []string{"@bus"}},
		{"escapes", "unix:path=/tmp/a%20b%2c%3bc%25%2F", []string{"/tmp/a b,;c%/"}},
		{"relative path starting with @", "unix:path=@bus", []string{"./@bus"}},
		{"tried in order", "unix:path=/a;unix:abstract=b", []string{"/a", "@b"}},
		{"empty entries skipped", ";unix:path=/a;", []string{"/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := busSockets(tt.address)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBusSocketsRejects(t *testing.T) {
	for _, address := range []string{
		"",
		";",
		"unix",
		"tcp:host=localhost,port=1234",
		"unix:path=/a;tcp:host=localhost",
		"unix:",
		"unix:path=",
		"unix:path=/a,abstract=b",
		"unix:path=/a,path=/b",
		"unix:tmpdir=/tmp",
		"unix:runtime=yes",
		"unix:guid=00",
		"unix:path",
		"unix:=x",
		"unix:path=/a%",
		"unix:path=/a%2",
		"unix:path=/a%zz",
	} {
		if got, err := busSockets(address); !errors.Is(err, errBadAddress) {
			t.Errorf("busSockets(%q) = %q, %v; want an error wrapping %v", address, got, err, errBadAddress)
		}
	}
}

func TestSystemBusAddress(t *testing.T) {
	if got := systemBusAddress(""); got != defaultSystemBus {
		t.Errorf("unset: got %q, want %q", got, defaultSystemBus)
	}
	if got := systemBusAddress("unix:abstract=x"); got != "unix:abstract=x" {
		t.Errorf("set: got %q, want %q", got, "unix:abstract=x")
	}
}

func TestSocketPaths(t *testing.T) {
	t.Setenv("DBUS_SYSTEM_BUS_ADDRESS", "")
	for _, c := range []struct {
		address string
		want    []string
	}{
		{"", []string{"/run/dbus/system_bus_socket"}},
		{"unix:path=/a;unix:path=/b", []string{"/a", "/b"}},
		{"unix:path=/a;unix:abstract=b", nil}, // an abstract socket has no file to wait for
	} {
		got, err := SocketPaths(c.address)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("SocketPaths(%q) = %q, %v; want %q", c.address, got, err, c.want)
		}
	}
	if _, err := SocketPaths("tcp:host=x"); err == nil {
		t.Error("SocketPaths of a tcp address: no error")
	}
}
