package dbus

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// defaultSystemBus is the system bus address when
// $DBUS_SYSTEM_BUS_ADDRESS is unset or empty. The specification names
// /var/run/dbus/system_bus_socket; /var/run links to /run on every
// system with logind, and dbus-daemon and dbus-broker listen on this.
const defaultSystemBus = "unix:path=/run/dbus/system_bus_socket"

// errBadAddress reports a bus address that cannot be used.
var errBadAddress = errors.New("bad D-Bus address")

// systemBusAddress returns the system bus address given the value of
// $DBUS_SYSTEM_BUS_ADDRESS, treating an empty one as unset.
func systemBusAddress(env string) string {
	if env != "" {
		return env
	}
	return defaultSystemBus
}

// busSockets parses a D-Bus address (D-Bus Specification, "Server
// Addresses"): addresses separated by ';', to be tried in order, each a
// transport and comma-separated key=value pairs with %-escaped values.
// Only the unix transport with path= or abstract= is supported, which is
// how every system bus listens. The result are socket names for
// net.UnixAddr, where a leading '@' means the abstract namespace.
func busSockets(address string) ([]string, error) {
	var sockets []string
	for entry := range strings.SplitSeq(address, ";") {
		if entry == "" {
			continue
		}
		s, err := unixSocket(entry)
		if err != nil {
			return nil, fmt.Errorf("%w %q: %w", errBadAddress, entry, err)
		}
		sockets = append(sockets, s)
	}
	if len(sockets) == 0 {
		return nil, fmt.Errorf("%w %q: empty", errBadAddress, address)
	}
	return sockets, nil
}

// unixSocket returns the socket name of one unix: address.
func unixSocket(entry string) (string, error) {
	transport, params, ok := strings.Cut(entry, ":")
	if !ok {
		return "", errors.New("no transport")
	}
	if transport != "unix" {
		return "", fmt.Errorf("unsupported transport %q", transport)
	}
	keys, err := addressKeys(params)
	if err != nil {
		return "", err
	}
	for k := range keys {
		if k != "path" && k != "abstract" && k != "guid" {
			return "", fmt.Errorf("unsupported key %q", k)
		}
	}
	path, abstract := keys["path"], keys["abstract"]
	switch {
	case (path != "") == (abstract != ""):
		return "", errors.New("want one of path= and abstract=")
	case strings.HasPrefix(path, "@"):
		// Go reads a leading '@' as the abstract namespace; the same
		// relative path without that reading is "./@...".
		return "./" + path, nil
	case path != "":
		return path, nil
	}
	return "@" + abstract, nil
}

// addressKeys parses "key=value,..." and unescapes the values.
func addressKeys(params string) (map[string]string, error) {
	keys := make(map[string]string)
	if params == "" {
		return keys, nil
	}
	for kv := range strings.SplitSeq(params, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("key-value pair %q", kv)
		}
		if _, dup := keys[k]; dup {
			return nil, fmt.Errorf("key %q twice", k)
		}
		u, err := unescapeAddressValue(v)
		if err != nil {
			return nil, fmt.Errorf("value of %s: %w", k, err)
		}
		keys[k] = u
	}
	return keys, nil
}

// unescapeAddressValue decodes the %XX escapes of an address value.
func unescapeAddressValue(v string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+2 >= len(v) {
			return "", fmt.Errorf("truncated escape at %d", i)
		}
		hi, lo := unhex(v[i+1]), unhex(v[i+2])
		if hi < 0 || lo < 0 {
			return "", fmt.Errorf("bad escape %q", v[i:i+3])
		}
		b.WriteByte(byte(hi<<4 | lo))
		i += 2
	}
	return b.String(), nil
}

// unhex returns the value of a hexadecimal digit, or -1.
func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// SocketPaths returns the files of the sockets of the bus at address
// ("" means the system bus, as for Dial); nil when one of them is in the
// abstract namespace, which has no file to wait for.
func SocketPaths(address string) ([]string, error) {
	if address == "" {
		address = systemBusAddress(os.Getenv("DBUS_SYSTEM_BUS_ADDRESS"))
	}
	sockets, err := busSockets(address)
	if err != nil {
		return nil, err
	}
	for _, s := range sockets {
		if strings.HasPrefix(s, "@") {
			return nil, nil
		}
	}
	return sockets, nil
}
