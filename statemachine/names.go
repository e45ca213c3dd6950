package statemachine

import "strconv"

// optionName returns the ISC name of options a `require` statement is
// likely to list, for the "no X option." log line; other codes are named
// unknown-N as ISC names undefined codes.
func optionName(code uint8) string {
	switch code {
	case 1:
		return "subnet-mask"
	case 2:
		return "time-offset"
	case 3:
		return "routers"
	case 6:
		return "domain-name-servers"
	case 12:
		return "host-name"
	case 15:
		return "domain-name"
	case 26:
		return "interface-mtu"
	case 28:
		return "broadcast-address"
	case 33:
		return "static-routes"
	case 42:
		return "ntp-servers"
	case 51:
		return "dhcp-lease-time"
	case 54:
		return "dhcp-server-identifier"
	case 58:
		return "dhcp-renewal-time"
	case 59:
		return "dhcp-rebinding-time"
	case 119:
		return "domain-search"
	case 121:
		return "rfc3442-classless-static-routes"
	}
	return "unknown-" + strconv.Itoa(int(code))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
