#!/usr/bin/env bash
# Installs what the end-to-end tests need and the machine lacks: iproute2,
# the DHCP servers dnsmasq, ISC dhcpd and Kea, dbus-daemon, systemd-analyze
# and shellcheck, from Debian packages.
# Only as root and only with apt-get; otherwise it says loudly what is
# missing, and the tests that need it skip (or fail under
# LEASED_E2E=required). The packages' services are kept from starting, so
# no system DHCP server ends up running beside the tests.
set -euo pipefail

loud() {
	echo "********************************************************************" >&2
	echo "*** $*" >&2
	echo "********************************************************************" >&2
}

need=()
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
[ -x /usr/sbin/dhcpd ] || need+=(isc-dhcp-server)
[ -x /usr/sbin/kea-dhcp4 ] || need+=(kea-dhcp4-server)
# A private bus for the logind sleep-watch tests, systemd-analyze for the
# unit file check, shellcheck for the shipped shell scripts.
[ -x /usr/bin/dbus-daemon ] || need+=(dbus-daemon)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
((${#need[@]} == 0)) && exit 0

if [ "$(id -u)" != 0 ]; then
	loud "not root: cannot install ${need[*]}; end-to-end tests that need them will be SKIPPED"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	loud "no apt-get: install ${need[*]} by hand; end-to-end tests that need them will be SKIPPED"
	exit 0
fi

# policy-rc.d exit status 101 tells invoke-rc.d and deb-systemd-invoke
# not to start the packages' services (Debian policy §9.3.3.1).
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
cleanup() { [ -z "$made_policy" ] || rm -f "$policy"; }
trap cleanup EXIT

echo "installing ${need[*]} for the end-to-end tests" >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; }; then
	loud "apt-get could not install ${need[*]}; end-to-end tests that need them will be SKIPPED (or FAIL with LEASED_E2E=required)"
	exit 0
fi

# Belt and braces: should a service have started anyway, stop it, so that
# it holds no port and serves no real network.
if [ -d /run/systemd/system ]; then
	systemctl stop isc-dhcp-server.service kea-dhcp4-server.service 2>/dev/null || true
fi
for entry in dhcpd:/run/dhcpd.pid kea-dhcp4:/run/kea/kea-dhcp4.kea-dhcp4.pid; do
	name=${entry%%:*} pidfile=${entry#*:}
	[ -s "$pidfile" ] || continue
	pid=$(cat "$pidfile")
	# Only the process the pid file names, and only if it is that server.
	if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ]; then
		kill "$pid" 2>/dev/null || true
	fi
done
