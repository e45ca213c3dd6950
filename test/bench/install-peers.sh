#!/usr/bin/env bash
# Installs what make bench needs and the machine lacks: iproute2, dnsmasq,
# and the peer DHCP clients leased is measured against (ISC dhclient,
# dhcpcd, busybox udhcpc), from Debian packages. Only as root and only
# with apt-get; otherwise it says loudly what is missing, and the
# benchmark prints "not installed" in those rows. None of these packages
# starts a service.
set -euo pipefail

loud() {
	echo "********************************************************************" >&2
	echo "*** $*" >&2
	echo "********************************************************************" >&2
}

need=()
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need+=(iproute2)
[ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
[ -x /sbin/dhclient ] || need+=(isc-dhcp-client)
[ -x /usr/sbin/dhcpcd ] || [ -x /sbin/dhcpcd ] || need+=(dhcpcd-base)
command -v busybox >/dev/null 2>&1 || need+=(busybox)
((${#need[@]} == 0)) && exit 0

if [ "$(id -u)" != 0 ]; then
	loud "not root: cannot install ${need[*]}; the benchmark needs root anyway"
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	loud "no apt-get: install ${need[*]} by hand; their rows will say not installed"
	exit 0
fi
echo "installing ${need[*]} for the benchmark" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${need[@]}"; then
	if ! { apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; }; then
		loud "apt-get could not install ${need[*]}; their rows will say not installed"
	fi
fi
