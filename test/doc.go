// Package e2e holds the end-to-end tests: real DHCP servers (dnsmasq, ISC
// dhcpd, Kea) and the scriptable fakeserver run in throwaway network
// namespaces built by package lab. They need root; without it they skip
// with a loud reason, or fail when LEASED_E2E=required.
package e2e
