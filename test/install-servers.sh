#!/usr/bin/env bash
# Installs what the end-to-end tests need and the machine lacks: iproute2,
# the DHCP servers dnsmasq, ISC dhcpd and Kea, dbus-daemon, systemd-analyze
# and shellcheck, the programs that drive dhclient (NetworkManager,
# cloud-init, ISC's own dhclient-script from isc-dhcp-client), the tools
# that build and check leased's Debian package (make deb: build-essential,
# dpkg-dev, debhelper, lintian), from Debian packages; and the dhclient exit hooks
# of ntpsec and chrony, unpacked into $LEASED_HOOKS_CACHE (those packages
# conflict with each other and with systemd-timesyncd, so they are not
# installed).
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
# The programs that drive dhclient (SPEC §5.0), and timesyncd's hook.
[ -x /usr/sbin/NetworkManager ] || need+=(network-manager)
[ -x /usr/bin/cloud-init ] || need+=(cloud-init)
[ -x /sbin/dhclient-script ] || need+=(isc-dhcp-client)
[ -e /etc/dhcp/dhclient-exit-hooks.d/timesyncd ] || need+=(systemd-timesyncd)
# make deb and lintian, for the package test (test/install_test.go).
dpkg-query -W -f '${Status}' build-essential 2>/dev/null | grep -q ' installed$' || need+=(build-essential)
command -v dpkg-buildpackage >/dev/null 2>&1 || need+=(dpkg-dev)
command -v dh >/dev/null 2>&1 || need+=(debhelper)
command -v lintian >/dev/null 2>&1 || need+=(lintian)
hooks_cache=${LEASED_HOOKS_CACHE:-/var/cache/leased-test/hooks}
fetch_hooks=
for h in ntpsec chrony; do
	[ -e "$hooks_cache/$h" ] || fetch_hooks=1
done
((${#need[@]} == 0)) && [ -z "$fetch_hooks" ] && exit 0

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

export DEBIAN_FRONTEND=noninteractive
apt-get update -q || loud "apt-get update failed"
if ((${#need[@]} > 0)); then
	echo "installing ${need[*]} for the end-to-end tests" >&2
	if ! apt-get install -y -q --no-install-recommends "${need[@]}"; then
		loud "apt-get could not install ${need[*]}; end-to-end tests that need them will be SKIPPED (or FAIL with LEASED_E2E=required)"
	fi
fi

# ntpsec's and chrony's exit hooks, taken from their packages without
# installing them.
if [ -n "$fetch_hooks" ]; then
	work=$(mktemp -d)
	mkdir -p "$hooks_cache"
	for pkg in ntpsec chrony; do
		if (cd "$work" && apt-get download -q "$pkg" >/dev/null) &&
			dpkg-deb -x "$work/${pkg}"_*.deb "$work/$pkg" &&
			cp "$work/$pkg/etc/dhcp/dhclient-exit-hooks.d/$pkg" "$hooks_cache/$pkg"; then
			echo "unpacked the $pkg dhclient exit hook into $hooks_cache" >&2
		else
			loud "could not unpack the $pkg dhclient exit hook; tests that need it will be SKIPPED (or FAIL with LEASED_E2E=required)"
		fi
	done
	rm -rf "$work"
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
