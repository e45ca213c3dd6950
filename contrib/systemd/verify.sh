#!/bin/sh
# Checks dhclient@.service with systemd-analyze verify, as an instance for
# the interface "lo".
#
# usage: contrib/systemd/verify.sh [DHCLIENT]
#
# verify insists that ExecStart's program exists and that every
# Documentation= man page opens. So the unit is checked from a copy whose
# /sbin/dhclient is replaced by DHCLIENT (default: /sbin/dhclient when
# installed, else the repository's bin/dhclient from "make build"), and
# with MANPATH pointing at contrib/man, so the man pages shipped beside
# the unit are the ones checked.
#
# Exit status: 0 accepted, 1 rejected or unusable arguments, 77 (the
# conventional "skipped") when systemd-analyze is not installed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "verify.sh: systemd-analyze not installed (Debian package systemd); skipping" >&2
	exit 77
fi

bin=${1-}
if [ -z "$bin" ]; then
	bin=/sbin/dhclient
	[ -x "$bin" ] || bin=$repo/bin/dhclient
fi
if [ ! -x "$bin" ]; then
	echo "verify.sh: $bin is not an executable; run \"make build\" or name the binary" >&2
	exit 1
fi
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
mkdir -p "$tmp/units" "$tmp/man/man8"
cp -- "$repo/contrib/man/dhclient.8" "$repo/contrib/man/dhclientctl.8" "$tmp/man/man8/"

# The binary path goes into a sed replacement: escape what sed treats
# specially there.
bin_sed=$(printf '%s\n' "$bin" | sed 's/[\\|&]/\\&/g')
sed "s|/sbin/dhclient|$bin_sed|g" "$here/dhclient@.service" >"$tmp/units/dhclient@.service"

MANPATH=$tmp/man
export MANPATH
if ! out=$(systemd-analyze verify "$tmp/units/dhclient@lo.service" 2>&1); then
	printf '%s\n' "$out" >&2
	echo "verify.sh: systemd-analyze rejected dhclient@.service" >&2
	exit 1
fi
# verify exits 0 on some warnings; they count as failures here.
if [ -n "$out" ]; then
	printf '%s\n' "$out" >&2
	echo "verify.sh: systemd-analyze warned about dhclient@.service" >&2
	exit 1
fi
echo "verify.sh: dhclient@.service accepted (binary $bin)"
