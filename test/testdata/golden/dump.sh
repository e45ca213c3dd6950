#!/bin/sh
# leased: native-mode dhclient-script
# Env-dump script used in place of /sbin/dhclient-script.
# Writes the exact environment (execve order) and a sorted copy, then does
# the minimum interface configuration so unicast RENEW can work.
# (test copy of harness/dump.sh: line 2 and the script-configures test
# are the only changes, see README)
D="${DUMPDIR:-$(dirname "$0")/dumps}"
mkdir -p "$D"
n=$(ls "$D" 2>/dev/null | grep -c '\.raw$')
n=$(printf '%02d' "$n")
tr '\0' '\n' < /proc/$$/environ > "$D/$n-$reason.raw"
sort "$D/$n-$reason.raw" > "$D/$n-$reason.env"
echo "argc=$# argv0=$0" > "$D/$n-$reason.argv"
date -u +%s.%N >> "$D/$n-$reason.argv"
if [ -f "$(dirname "$0")/script-configures" ]; then
case "$reason" in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT|TIMEOUT)
     ip -4 addr flush dev "$interface" 2>/dev/null
     ip -4 addr add "$new_ip_address/${new_subnet_mask:-255.255.255.0}" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface" ;;
esac
fi
# exit code override: file exit-<REASON> holds the status to return
if [ -f "$(dirname "$0")/exit-$reason" ]; then exit "$(cat "$(dirname "$0")/exit-$reason")"; fi
exit 0
