#!/usr/bin/env bash
# make demo: run bin/dhclient against a DHCP server in a throwaway lab.
#
# Two network namespaces joined by a veth pair; the server side runs
# dnsmasq if it is installed, else bin/fakedhcpd (nothing to install). The
# client side runs `dhclient -d -v`; once it is bound the demo prints the
# lease, the interface's addresses and routes, then releases with
# `dhclient -r` and removes everything it made. Needs root and iproute2.
set -euo pipefail

cd "$(dirname "$0")/.."
bin=$PWD/bin

die() { echo "demo: $*" >&2; exit 1; }
step() { printf '\n=== %s\n' "$*"; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces): sudo make demo"
command -v ip >/dev/null 2>&1 || die "needs ip(8): apt-get install iproute2"
[ -x "$bin/dhclient" ] || die "$bin/dhclient not built: run make build"

id=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
sns=leased-$id-s cns=leased-$id-c
sif=ls${id}0 cif=lc${id}0
net=10.$((100 + RANDOM % 100)).$((RANDOM % 256))
srv=$net.1
tmp=$(mktemp -d /tmp/leased-demo.XXXXXX)
pids=()

cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$cns" 2>/dev/null
	ip netns del "$sns" 2>/dev/null
	rm -rf "/etc/netns/$cns" "$tmp"
}
trap cleanup EXIT

# wait_for FILE TEXT SECONDS PID: wait until FILE holds TEXT, giving up
# after SECONDS or as soon as process PID has exited.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		if ! kill -0 "$4" 2>/dev/null; then
			echo "--- $1" >&2
			cat "$1" >&2 || true
			die "the process writing $1 exited before \"$2\""
		fi
		sleep 0.1
	done
	echo "--- $1" >&2
	cat "$1" >&2 || true
	die "\"$2\" did not appear in $1 within $3 s"
}

step "lab: namespaces $sns (server $srv) and $cns (client $cif)"
ip netns add "$sns"
ip netns add "$cns"
ip -n "$sns" link set lo up
ip -n "$cns" link set lo up
ip -n "$sns" link add "$sif" type veth peer name "$cif" netns "$cns"
ip -n "$sns" addr add "$srv/24" dev "$sif"
ip -n "$sns" link set "$sif" up
ip -n "$cns" link set "$cif" up
# ip netns exec bind-mounts /etc/netns/NS/* over /etc: the client's
# resolv.conf changes land here, not in the host's /etc.
mkdir -p "/etc/netns/$cns"
: >"/etc/netns/$cns/resolv.conf"

# DEMO_SERVER=fakedhcpd picks the embedded server even with dnsmasq.
if [ "${DEMO_SERVER:-}" != fakedhcpd ] && { command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ]; }; then
	server="dnsmasq"
	cat >"$tmp/dnsmasq.conf" <<CONF
port=0
interface=$sif
bind-interfaces
no-resolv
no-hosts
no-ping
log-dhcp
dhcp-authoritative
dhcp-leasefile=$tmp/dnsmasq.leases
dhcp-range=$net.100,$net.199,255.255.255.0,600
dhcp-option=option:router,$srv
dhcp-option=option:dns-server,$srv
dhcp-option=option:domain-name,demo.test
dhcp-option=option:mtu,1400
dhcp-option=option:classless-static-route,192.0.2.0/24,$srv,0.0.0.0/0,$srv
CONF
	ip netns exec "$sns" "$(command -v dnsmasq || echo /usr/sbin/dnsmasq)" -d --conf-file="$tmp/dnsmasq.conf" >"$tmp/server.log" 2>&1 &
	pids+=($!)
	wait_for "$tmp/server.log" "DHCP, IP range" 10 $!
else
	server="fakedhcpd (the embedded server)"
	[ -x "$bin/fakedhcpd" ] || die "$bin/fakedhcpd not built: run make build"
	ip netns exec "$sns" "$bin/fakedhcpd" -i "$sif" -lease 10m -router "$srv" -dns "$srv" \
		-domain demo.test -mtu 1400 -route "192.0.2.0/24=$srv,0.0.0.0/0=$srv" >"$tmp/server.log" 2>&1 &
	pids+=($!)
	wait_for "$tmp/server.log" "serving" 10 $!
fi
step "server: $server"

cat >"$tmp/dhclient.conf" <<'CONF'
timeout 30;
configure-interface native;
request subnet-mask, broadcast-address, routers, domain-name,
	domain-name-servers, interface-mtu, rfc3442-classless-static-routes;
CONF
# A hook script that only records what it is told, so the demo changes
# nothing outside the lab; leased configures the interface itself
# (configure-interface native above: the hook is not leased's script).
cat >"$tmp/hook" <<'HOOK'
#!/bin/sh
echo "hook: reason=$reason new_ip_address=$new_ip_address new_routers=$new_routers" >>"${0%/*}/hook.log"
HOOK
chmod 755 "$tmp/hook"
client=(-cf "$tmp/dhclient.conf" -lf "$tmp/dhclient.leases" -pf "$tmp/dhclient.pid" -sf "$tmp/hook")

step "client: dhclient -d -v $cif"
ip netns exec "$cns" "$bin/dhclient" -d -v "${client[@]}" "$cif" >"$tmp/dhclient.log" 2>&1 &
dhclient_pid=$!
pids+=("$dhclient_pid")
wait_for "$tmp/dhclient.log" "bound to" 40 "$dhclient_pid"
cat "$tmp/dhclient.log"

step "lease file $tmp/dhclient.leases"
cat "$tmp/dhclient.leases"
step "ip addr show dev $cif"
ip -n "$cns" addr show dev "$cif"
step "ip route"
ip -n "$cns" route
step "hook calls"
cat "$tmp/hook.log" 2>/dev/null || echo "(none)"

step "release: dhclient -r $cif"
ip netns exec "$cns" "$bin/dhclient" -r -v "${client[@]}" "$cif" 2>&1
for ((i = 0; i < 50; i++)); do
	kill -0 "$dhclient_pid" 2>/dev/null || break
	sleep 0.1
done
ip -n "$cns" addr show dev "$cif"
grep -E "RELEASE" "$tmp/server.log" || echo "(the server logged no release)"

step "done: lab removed"
