#!/bin/sh
# leased: native-mode dhclient-script
# Test dhclient-script: writes the environment it was executed with (from
# /proc, so nothing the shell adds shows) sorted into $DUMPDIR/NN-REASON.env,
# NN counting the calls from 00. Control files in $DUMPDIR change what it
# does next:
#   exit-REASON   exit with the status the file holds
#   hang-REASON   write hang.pid and sleep.pid, then wait for a sleep that
#                 lasts longer than any test
#   careless      eval the host-name, domain-name and root-path values as a
#                 careless hook would, so a hostile value that reached the
#                 script would run its command
reason=${reason:-${REASON-}}
D=${DUMPDIR:?DUMPDIR not set}
n=$(find "$D" -maxdepth 1 -name '*.env' | wc -l)
f=$(printf '%s/%02d-%s.env' "$D" "$n" "$reason")
tr '\0' '\n' <"/proc/$$/environ" | LC_ALL=C sort >"$f.tmp"
mv "$f.tmp" "$f"
if [ -f "$D/careless" ]; then
	eval "leased_test_x=$new_host_name"
	eval "leased_test_x=$new_domain_name"
	eval "leased_test_x=$new_root_path"
fi
if [ -f "$D/hang-$reason" ]; then
	echo "$$" >"$D/hang.pid"
	sleep 100000 &
	echo "$!" >"$D/sleep.pid"
	wait
fi
if [ -f "$D/exit-$reason" ]; then
	exit "$(cat "$D/exit-$reason")"
fi
exit 0
